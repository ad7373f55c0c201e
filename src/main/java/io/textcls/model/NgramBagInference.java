package io.textcls.model;

import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Scores an {@link Architectures#NGRAM_NB_V1} network in Java: per document, the sum of its
 * features' {@code R ⊙ W} rows plus the bias, then softmax (a sigmoid per label when multi-label); no batches, no DataVec, no ND4J calls.
 * The products are taken once, in float as {@link NgramBagLayer} takes them, and summed in double
 * as it does, so the two agree within the softmax's rounding. Immutable: threads share one.
 */
final class NgramBagInference {
    private final NetworkSpec spec;
    private final float[] weighted; // R ⊙ W, row-major [rows][labels]
    private final float[] bias;
    private final int labels;

    NgramBagInference(MultiLayerNetwork net, NetworkSpec spec) {
        this.spec = spec;
        Layer bag = net.getLayer(0);
        float[] w = NativeFloats.readRowMajor(bag.getParam(NgramBag.Params.W), null);
        float[] r = NativeFloats.readRowMajor(bag.getParam(NgramBag.Params.R), null);
        weighted = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            weighted[i] = r[i] * w[i];
        }
        bias = NativeFloats.readRowMajor(bag.getParam(NgramBag.Params.B), null);
        labels = spec.numLabels();
    }

    static boolean supports(NetworkSpec spec) {
        return Architectures.NGRAM_NB_V1.equals(spec.architecture());
    }

    /** Label probabilities per sequence of word ids, in input order. */
    float[][] probabilities(List<int[]> sequences) {
        float[][] out = new float[sequences.size()][];
        double[] s = new double[labels];
        for (int d = 0; d < out.length; d++) {
            int[] features = Architectures.inputIds(spec, sequences.get(d));
            for (int c = 0; c < labels; c++) {
                s[c] = bias[c];
            }
            for (int id : features) {
                int at = id * labels;
                for (int c = 0; c < labels; c++) {
                    s[c] += weighted[at + c];
                }
            }
            float[] logits = new float[labels]; // the layer hands float scores to the softmax
            for (int c = 0; c < labels; c++) {
                logits[c] = (float) s[c];
            }
            out[d] = OutputActivation.apply(logits, spec.sigmoid());
        }
        return out;
    }
}
