package io.textcls.model.dl4j;

import io.textcls.encode.Bucketing;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * Runs a network over id sequences: documents are grouped by length, fed through the same
 * DataVec pipeline as training, and each document's label probabilities are read at its last
 * real step (or once per document for the pooled recipes). The network is not thread-safe;
 * callers serialize access to it.
 */
final class SequenceInference {
    private SequenceInference() {
    }

    /** Label probabilities per sequence, in input order. */
    static float[][] probabilities(MultiLayerNetwork net, List<int[]> sequences, int numLabels, int batchSize) {
        float[][] result = new float[sequences.size()][];
        if (sequences.isEmpty()) {
            return result;
        }
        int[] lengths = sequences.stream().mapToInt(s -> s.length).toArray();
        int[] order = Bucketing.flatten(Bucketing.inferenceBatches(lengths, batchSize));
        List<int[]> ordered = new ArrayList<>(order.length);
        for (int i : order) {
            ordered.add(sequences.get(i));
        }
        DataSetIterator it = SequenceBatches.iterator(ordered, null, numLabels, batchSize);
        int pos = 0;
        boolean masks = RnnMasks.needed(net);
        while (it.hasNext()) {
            DataSet ds = it.next();
            if (masks) {
                RnnMasks.set(net, ds.getFeaturesMaskArray());
            }
            INDArray out = net.output(ds.getFeatures(), false, ds.getFeaturesMaskArray(), null);
            int rows = (int) out.size(0);
            for (int r = 0; r < rows; r++) {
                int doc = order[pos + r];
                int last = lengths[doc] - 1;
                float[] p = new float[numLabels];
                for (int k = 0; k < numLabels; k++) {
                    // [batch, labels] from a pooled recipe, [batch, labels, T] read at the last step otherwise
                    p[k] = out.rank() == 2 ? out.getFloat(r, k) : out.getFloat(r, k, last);
                }
                result[doc] = p;
            }
            pos += rows;
            // Off-heap batch arrays: free them now rather than whenever the GC collects their handles.
            FusedLstmInference.close(out, ds.getFeatures(), ds.getFeaturesMaskArray(), ds.getLabels(),
                    ds.getLabelsMaskArray());
        }
        return result;
    }
}
