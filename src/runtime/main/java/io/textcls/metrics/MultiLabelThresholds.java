package io.textcls.metrics;

import java.util.Arrays;

/**
 * Decision thresholds of a multi-label classifier (one independent probability per label): a
 * label is predicted when its probability is at least its threshold. Thresholds are fitted on
 * validation documents, per label where the label has enough positives to tell, with one shared
 * threshold for the rarer labels.
 */
public final class MultiLabelThresholds {
    /** Fitted thresholds are clamped to [MIN_THRESHOLD, MAX_THRESHOLD]. */
    public static final float MIN_THRESHOLD = 0.05f;
    public static final float MAX_THRESHOLD = 0.95f;
    /** The threshold where the probabilities offer no candidate at all (every one the same). */
    public static final float DEFAULT_THRESHOLD = 0.5f;

    private MultiLabelThresholds() {
    }

    /**
     * Per-label thresholds chosen on validation documents.
     *
     * <p>For each label with at least {@code minPositives} true documents (at least 1 whatever
     * {@code minPositives} says), the threshold that maximizes that label's F1 = 2TP/(2TP+FP+FN).
     * The candidates are the midpoints between consecutive distinct probabilities of the label,
     * clamped to [{@value #MIN_THRESHOLD}, {@value #MAX_THRESHOLD}]; on equal F1 the candidate
     * closest to 0.5 wins (compared as floats; on an exact tie of distance, the lower). A midpoint
     * is rounded to a float that keeps the same documents above it, so {@link #decide} reproduces
     * the F1 the threshold was chosen for.
     *
     * <p>Rarer labels, and a label whose probabilities are all equal (no candidate), share one
     * fallback threshold: the one that maximizes micro-F1 over all labels' (document, label) cells
     * together, with the same candidates (midpoints of all cells' distinct probabilities), clamp and
     * tie rule; {@value #DEFAULT_THRESHOLD} if every cell has the same probability.
     *
     * <p>Sorts each label's probabilities once (and all cells once when a fallback is needed):
     * O(n log n) per label for n documents.
     *
     * @param truth the true label indices of each document (possibly empty)
     * @param probabilities {@code probabilities[i][c]} = P(label c) for document i
     * @throws IllegalArgumentException on no documents, mismatched sizes, a label index out of range
     *     or a NaN probability
     */
    public static float[] fit(int[][] truth, float[][] probabilities, int numLabels, int minPositives) {
        int n = truth.length;
        if (probabilities.length != n) {
            throw new IllegalArgumentException(n + " label sets but " + probabilities.length + " predictions");
        }
        if (n == 0) {
            throw new IllegalArgumentException("no documents to fit thresholds on");
        }
        if (numLabels <= 0) {
            throw new IllegalArgumentException("no labels to fit thresholds for");
        }
        boolean[][] y = new boolean[n][numLabels];
        int[] positives = new int[numLabels];
        for (int i = 0; i < n; i++) {
            if (probabilities[i].length != numLabels) {
                throw new IllegalArgumentException("document " + i + ": " + probabilities[i].length
                        + " probabilities for " + numLabels + " labels");
            }
            for (float p : probabilities[i]) {
                if (Float.isNaN(p)) {
                    throw new IllegalArgumentException("document " + i + ": a probability is NaN");
                }
            }
            for (int c : truth[i]) {
                if (c < 0 || c >= numLabels) {
                    throw new IllegalArgumentException("document " + i + ": label index " + c + " outside 0.."
                            + (numLabels - 1));
                }
                if (!y[i][c]) {
                    y[i][c] = true;
                    positives[c]++;
                }
            }
        }
        int needed = Math.max(1, minPositives);
        float[] out = new float[numLabels];
        boolean fallbackNeeded = false;
        for (int c = 0; c < numLabels; c++) {
            out[c] = Float.NaN;
            if (positives[c] >= needed) {
                float[] pos = new float[positives[c]];
                float[] neg = new float[n - positives[c]];
                for (int i = 0, a = 0, b = 0; i < n; i++) {
                    if (y[i][c]) {
                        pos[a++] = probabilities[i][c];
                    } else {
                        neg[b++] = probabilities[i][c];
                    }
                }
                out[c] = best(pos, neg);
            }
            fallbackNeeded |= Float.isNaN(out[c]);
        }
        if (fallbackNeeded) {
            float shared = fallback(y, probabilities, positives);
            for (int c = 0; c < numLabels; c++) {
                if (Float.isNaN(out[c])) {
                    out[c] = shared;
                }
            }
        }
        return out;
    }

    /** The threshold maximizing micro-F1 over every cell, {@value #DEFAULT_THRESHOLD} if there is no candidate. */
    private static float fallback(boolean[][] y, float[][] probabilities, int[] positives) {
        int n = y.length;
        int k = positives.length;
        long p = Arrays.stream(positives).asLongStream().sum();
        long cells = (long) n * k;
        if (cells > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(n + " documents × " + k + " labels: too many cells to fit a shared "
                    + "threshold on");
        }
        float[] pos = new float[(int) p];
        float[] neg = new float[(int) (cells - p)];
        int a = 0;
        int b = 0;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                if (y[i][c]) {
                    pos[a++] = probabilities[i][c];
                } else {
                    neg[b++] = probabilities[i][c];
                }
            }
        }
        float t = best(pos, neg);
        return Float.isNaN(t) ? DEFAULT_THRESHOLD : t;
    }

    /**
     * The candidate threshold with the best F1 of "p ≥ t" against positives {@code pos} and
     * negatives {@code neg} (both sorted here), closest to 0.5 on ties; NaN if there is no candidate.
     */
    static float best(float[] pos, float[] neg) {
        Arrays.sort(pos);
        Arrays.sort(neg);
        long total = pos.length;
        float bestT = Float.NaN;
        long bestNum = 0;
        long bestDen = 1;
        double bestDist = Double.POSITIVE_INFINITY;
        float last = Float.NaN;
        int i = 0;
        int j = 0;
        boolean started = false;
        float prev = 0;
        // Walk the distinct values of pos ∪ neg in ascending order (a merge of the two sorted arrays).
        while (i < pos.length || j < neg.length) {
            float v = j >= neg.length || (i < pos.length && pos[i] <= neg[j]) ? pos[i] : neg[j];
            while (i < pos.length && pos[i] == v) {
                i++;
            }
            while (j < neg.length && neg[j] == v) {
                j++;
            }
            if (started) {
                float t = clamp(midpoint(prev, v));
                if (t != last) {
                    last = t;
                    long tp = total - EvaluationReport.lowerBound(pos, t);
                    long fp = neg.length - EvaluationReport.lowerBound(neg, t);
                    long num = 2 * tp;
                    long den = 2 * tp + fp + (total - tp);
                    if (den == 0) {
                        num = 0;
                        den = 1;
                    }
                    double dist = Math.abs((double) t - 0.5);
                    int cmp = compareFractions(num, den, bestNum, bestDen);
                    if (Float.isNaN(bestT) || cmp > 0 || (cmp == 0 && dist < bestDist)) {
                        bestT = t;
                        bestNum = num;
                        bestDen = den;
                        bestDist = dist;
                    }
                }
            }
            started = true;
            prev = v;
        }
        return bestT;
    }

    /** Sign of a/b − c/d for non-negative a, c and positive b, d, exactly (128-bit products). */
    static int compareFractions(long a, long b, long c, long d) {
        long high = Long.compare(Math.multiplyHigh(a, d), Math.multiplyHigh(c, b));
        return high != 0 ? (int) high : Long.compareUnsigned(a * d, c * b);
    }

    /**
     * The float midpoint of {@code a < b}, moved up to the next float above {@code a} if rounding put
     * it on {@code a}: "p ≥ result" then holds exactly for the values ≥ b.
     */
    static float midpoint(float a, float b) {
        float m = (float) (((double) a + b) / 2);
        return m <= a ? Math.nextUp(a) : m;
    }

    private static float clamp(float t) {
        return Math.max(MIN_THRESHOLD, Math.min(MAX_THRESHOLD, t));
    }

    /**
     * Which labels one document gets: those whose probability is at least their threshold; with
     * {@code atLeastOne} and none passing, the most probable label alone (the first on ties).
     */
    public static boolean[] decide(float[] probabilities, float[] thresholds, boolean atLeastOne) {
        if (probabilities.length != thresholds.length) {
            throw new IllegalArgumentException(probabilities.length + " probabilities but " + thresholds.length
                    + " thresholds");
        }
        boolean[] out = new boolean[probabilities.length];
        boolean any = false;
        for (int c = 0; c < out.length; c++) {
            out[c] = probabilities[c] >= thresholds[c];
            any |= out[c];
        }
        if (atLeastOne && !any && out.length > 0) {
            out[EvaluationReport.argmax(probabilities)] = true;
        }
        return out;
    }

    /** {@link #decide} for every document. */
    public static boolean[][] decideAll(float[][] probabilities, float[] thresholds, boolean atLeastOne) {
        boolean[][] out = new boolean[probabilities.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = decide(probabilities[i], thresholds, atLeastOne);
        }
        return out;
    }

    /** A constant threshold {@code t} for every one of {@code numLabels} labels. */
    public static float[] constant(int numLabels, float t) {
        if (numLabels < 0 || Float.isNaN(t)) {
            throw new IllegalArgumentException("constant thresholds: " + numLabels + " labels, threshold " + t);
        }
        float[] out = new float[numLabels];
        Arrays.fill(out, t);
        return out;
    }
}
