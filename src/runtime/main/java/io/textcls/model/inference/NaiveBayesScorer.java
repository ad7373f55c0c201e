package io.textcls.model.inference;

import io.textcls.model.Architectures;
import io.textcls.model.NetworkLayout;
import io.textcls.model.NetworkSpec;
import java.util.List;

/**
 * {@code ngram-nb.v1}: per document, the sum of its distinct features' {@code R ⊙ W} rows plus the
 * bias, then the softmax (a sigmoid per label when multi-label). The products are taken once, in
 * float as the training layer takes them, and summed in double as it does, so the two agree within
 * the softmax's rounding. Needs no Vector API.
 */
final class NaiveBayesScorer extends NetworkScorer {
    private final float[] weighted; // R ⊙ W, row-major [rows][labels]
    private final float[] bias;
    private final int labels;
    private final int rows;

    NaiveBayesScorer(NetworkSpec spec, List<NetworkLayout.Layer> all) {
        super(spec);
        NetworkLayout.NaiveBayesBag bag = (NetworkLayout.NaiveBayesBag) all.get(0);
        float[] w = bag.w(), r = bag.r();
        weighted = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            weighted[i] = r[i] * w[i];
        }
        bias = bag.b();
        labels = bag.labels();
        rows = bag.rows();
    }

    @Override
    public float[][] probabilities(List<int[]> sequences, int batchSize) {
        float[][] out = new float[sequences.size()][];
        double[] s = new double[labels];
        for (int d = 0; d < out.length; d++) {
            int[] features = Architectures.inputIds(spec(), sequences.get(d));
            for (int c = 0; c < labels; c++) {
                s[c] = bias[c];
            }
            for (int id : features) {
                int at = Embeddings.check(id, rows) * labels;
                for (int c = 0; c < labels; c++) {
                    s[c] += weighted[at + c];
                }
            }
            float[] logits = new float[labels]; // the layer hands float scores to the softmax
            for (int c = 0; c < labels; c++) {
                logits[c] = (float) s[c];
            }
            out[d] = OutputActivation.apply(logits, spec().sigmoid());
        }
        return out;
    }
}
