package io.textcls.model.inference;

/**
 * The output layer's activation, as the Java engines apply it to a document's label scores: one
 * softmax over the labels (single-label), or one independent sigmoid per label (multi-label:
 * {@link NetworkSpec#sigmoid()}). Exponentials in double, results in float, as DL4J's layers give
 * them within rounding.
 */
final class OutputActivation {
    private OutputActivation() {
    }

    /** The probabilities of one document's label scores. */
    static float[] apply(float[] logits, boolean sigmoid) {
        return sigmoid ? sigmoid(logits) : softmax(logits);
    }

    static float[] softmax(float[] z) {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : z) {
            m = Math.max(m, v);
        }
        double sum = 0;
        double[] e = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            e[i] = Math.exp(z[i] - m);
            sum += e[i];
        }
        float[] p = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return p;
    }

    static float[] sigmoid(float[] z) {
        float[] p = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = (float) (1.0 / (1.0 + Math.exp(-z[i])));
        }
        return p;
    }
}
