package io.textcls.model.inference;

import io.textcls.model.NetworkSpec;

/**
 * The masked pooling over a document's real steps that the pooled recipes read ({@code max},
 * {@code mean}, or both side by side), or its last real step (the recipe read at the last step),
 * and the output layer after it: one place for every engine.
 */
final class Pooling {
    private final String pooling; // null: the last real step
    private final boolean max;
    private final boolean both;

    Pooling(String pooling) {
        this.pooling = pooling;
        this.max = pooling == null || !pooling.equals(NetworkSpec.MEAN);
        this.both = NetworkSpec.MAX_MEAN.equals(pooling);
    }

    /** Features per document for {@code f} features per step. */
    int width(int f) {
        return both ? 2 * f : f;
    }

    /**
     * Pools one document's steps of {@code h}: rows {@code start .. start+len-1} of {@code f}
     * features each, into {@code out} at {@code at} ({@link #width} values).
     */
    void pool(float[] h, int start, int len, int f, float[] out, int at) {
        if (pooling == null) {
            System.arraycopy(h, (start + len - 1) * f, out, at, f);
            return;
        }
        for (int k = 0; k < f; k++) {
            float m = Float.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < len; j++) {
                float v = h[(start + j) * f + k];
                m = Math.max(m, v);
                sum += v;
            }
            if (both) {
                out[at + k] = m;
                out[at + f + k] = sum / len;
            } else {
                out[at + k] = max ? m : sum / len;
            }
        }
    }

    /** The output layer on one document's features: {@code b + x·W}, then the softmax or the sigmoids. */
    static float[] output(float[] x, int at, io.textcls.model.NetworkLayout.Output out, boolean sigmoid) {
        int labels = out.labels();
        float[] logits = out.b().clone();
        float[] w = out.w();
        for (int k = 0; k < out.in(); k++) {
            float v = x[at + k];
            for (int c = 0; c < labels; c++) {
                logits[c] += v * w[k * labels + c];
            }
        }
        return OutputActivation.apply(logits, sigmoid);
    }
}
