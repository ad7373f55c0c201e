package io.textcls.model.dl4j;

import java.util.AbstractList;
import java.util.List;
import org.datavec.api.records.reader.impl.collection.CollectionSequenceRecordReader;
import org.datavec.api.writable.IntWritable;
import org.datavec.api.writable.Writable;
import org.deeplearning4j.datasets.datavec.SequenceRecordReaderDataSetIterator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DataVec sequence pipeline: id sequences (and labels) in a given order become mini-batches of
 * features {@code [batch, 1, T]} (ids as floats, padded at the end), a feature mask
 * {@code [batch, T]}, one-hot labels {@code [batch, labels, T]} and a label mask with its single 1
 * at each row's last real step ({@code AlignmentMode.ALIGN_END}). T is the longest document in
 * the batch, so batches of similar lengths waste little on padding.
 *
 * <p>Writables are made lazily, one document at a time, so the whole corpus is never held as
 * DataVec objects.
 */
public final class SequenceBatches {
    private SequenceBatches() {
    }

    /**
     * An iterator over the documents in the order given.
     *
     * @param sequences id sequences, each non-empty
     * @param labels label index per sequence, or null for unlabeled (a dummy label 0 is used)
     * @param numLabels width of the label one-hot
     * @param batchSize documents per batch
     */
    public static DataSetIterator iterator(List<int[]> sequences, int[] labels, int numLabels, int batchSize) {
        return iterator(sequences, labels, numLabels, batchSize, false);
    }

    /**
     * As {@link #iterator(List, int[], int, int)}; with {@code perDocumentLabels} the labels are
     * {@code [batch, labels]} with no label mask, for networks that pool over time.
     */
    public static DataSetIterator iterator(List<int[]> sequences, int[] labels, int numLabels, int batchSize,
                                           boolean perDocumentLabels) {
        return iterator(sequences, labels, numLabels, batchSize, perDocumentLabels, null);
    }

    private static SequenceRecordReaderDataSetIterator iterator(List<int[]> sequences, int[] labels, int numLabels,
                                                                int batchSize, boolean perDocumentLabels,
                                                                Runnable onReset) {
        List<List<List<Writable>>> features = new AbstractList<>() {
            @Override
            public List<List<Writable>> get(int index) {
                int[] ids = sequences.get(index);
                Writable[] steps = new Writable[ids.length];
                for (int t = 0; t < ids.length; t++) {
                    steps[t] = new IntWritable(ids[t]);
                }
                return new AbstractList<>() {
                    @Override
                    public List<Writable> get(int t) {
                        return List.of(steps[t]);
                    }

                    @Override
                    public int size() {
                        return steps.length;
                    }
                };
            }

            @Override
            public int size() {
                return sequences.size();
            }
        };
        List<List<List<Writable>>> labelSeqs = new AbstractList<>() {
            @Override
            public List<List<Writable>> get(int index) {
                return List.of(List.of(new IntWritable(labels == null ? 0 : labels[index])));
            }

            @Override
            public int size() {
                return sequences.size();
            }
        };
        return dataVec(features, labelSeqs, numLabels, batchSize, perDocumentLabels, null);
    }

    /** The DataVec iterator over lazily made writables; {@code onReset} runs after every reset (null: nothing). */
    private static SequenceRecordReaderDataSetIterator dataVec(List<List<List<Writable>>> features,
                                                               List<List<List<Writable>>> labelSeqs, int numLabels,
                                                               int batchSize, boolean perDocumentLabels,
                                                               Runnable onReset) {
        SequenceRecordReaderDataSetIterator it = onReset == null
                ? new SequenceRecordReaderDataSetIterator(new CollectionSequenceRecordReader(features),
                        new CollectionSequenceRecordReader(labelSeqs), batchSize, numLabels, false,
                        SequenceRecordReaderDataSetIterator.AlignmentMode.ALIGN_END)
                : new SequenceRecordReaderDataSetIterator(new CollectionSequenceRecordReader(features),
                        new CollectionSequenceRecordReader(labelSeqs), batchSize, numLabels, false,
                        SequenceRecordReaderDataSetIterator.AlignmentMode.ALIGN_END) {
                    @Override
                    public void reset() {
                        super.reset();
                        onReset.run();
                    }
                };
        if (perDocumentLabels) {
            // Each row's one-hot sits at its own last real step, zeros elsewhere: summing over time
            // gives the per-document one-hot.
            it.setPreProcessor(ds -> {
                ds.setLabels(ds.getLabels().sum(2));
                ds.setLabelsMaskArray(null);
            });
        }
        return it;
    }

    /**
     * Multi-label batches: as {@link #iterator(List, int[], int, int, boolean)}, but each document's
     * labels are its label set as 0/1 targets ({@code [batch, labels]} per document, or at each
     * row's last real step for a network read there), for one sigmoid per label. The targets are
     * matched to rows by position: batches are read in order, and a reset starts over.
     *
     * @param labelSets label indices per sequence (possibly empty)
     */
    public static DataSetIterator multiLabelIterator(List<int[]> sequences, int[][] labelSets, int numLabels,
                                                     int batchSize, boolean perDocumentLabels) {
        int[] next = {0};
        // Placeholder one-hots, replaced below; a reset starts the targets over with the rows.
        SequenceRecordReaderDataSetIterator it = iterator(sequences, null, Math.max(2, numLabels), batchSize, false,
                () -> next[0] = 0);
        it.setPreProcessor(ds -> {
            int b = (int) ds.getFeatures().size(0);
            int first = next[0];
            next[0] += b;
            if (perDocumentLabels) {
                float[] y = new float[b * numLabels];
                for (int r = 0; r < b; r++) {
                    for (int c : labelSets[first + r]) {
                        y[r * numLabels + c] = 1f;
                    }
                }
                ds.setLabels(Nd4j.create(y, new long[] {b, numLabels}, 'c'));
                ds.setLabelsMaskArray(null);
            } else {
                // The label mask keeps its single 1 at each row's last real step: the targets go there.
                INDArray mask = ds.getLabelsMaskArray();
                int t = (int) mask.size(1);
                float[] m = mask.castTo(DataType.FLOAT).dup('c').data().asFloat();
                float[] y = new float[b * numLabels * t];
                for (int r = 0; r < b; r++) {
                    for (int step = 0; step < t; step++) {
                        if (m[r * t + step] != 0) {
                            for (int c : labelSets[first + r]) {
                                y[(r * numLabels + c) * t + step] = 1f;
                            }
                        }
                    }
                }
                ds.setLabels(Nd4j.create(y, new long[] {b, numLabels, t}, 'c'));
            }
        });
        return it;
    }
}
