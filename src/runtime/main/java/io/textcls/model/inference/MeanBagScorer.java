package io.textcls.model.inference;

import io.textcls.model.Architectures;
import io.textcls.model.NetworkLayout;
import io.textcls.model.NetworkSpec;
import java.util.List;

/**
 * {@code ngram-mean.v1}: per document, the mean of the embedding rows of its word ids and hashed
 * word pairs ({@link Architectures#inputIds}), then the output layer. No batches.
 */
final class MeanBagScorer extends NetworkScorer {
    private final NetworkLayout.Embedding embedding;
    private final NetworkLayout.Output output;

    MeanBagScorer(NetworkSpec spec, List<NetworkLayout.Layer> all) {
        super(spec);
        this.embedding = (NetworkLayout.Embedding) all.get(0);
        this.output = (NetworkLayout.Output) all.get(all.size() - 1);
    }

    @Override
    public float[][] probabilities(List<int[]> sequences, int batchSize) {
        float[][] out = new float[sequences.size()][];
        int e = embedding.width();
        float[] table = embedding.table();
        float[] mean = new float[e];
        for (int d = 0; d < out.length; d++) {
            int[] ids = Architectures.inputIds(spec(), sequences.get(d));
            java.util.Arrays.fill(mean, 0f);
            for (int id : ids) {
                int at = Embeddings.check(id, embedding.rows()) * e;
                for (int k = 0; k < e; k++) {
                    mean[k] += table[at + k];
                }
            }
            for (int k = 0; k < e; k++) {
                mean[k] /= ids.length;
            }
            out[d] = Pooling.output(mean, 0, output, spec().sigmoid());
        }
        return out;
    }
}
