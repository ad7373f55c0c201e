package io.textcls.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Temperature scaling and calibration error. A classifier's probabilities {@code p} are rescaled
 * as {@code softmax(log(p) / T)}: {@code T > 1} softens them, {@code T < 1} sharpens them, and
 * the most probable label never changes, so accuracy stays the same. The temperature is fitted
 * by minimizing log loss on held-out documents (Guo et al., On Calibration of Modern Neural
 * Networks, 2017).
 */
public final class Calibration {
    /** Smallest probability taken into a log. */
    static final double MIN_PROB = 1e-30;
    /** Search range of the inverse temperature {@code 1/T}. */
    static final double MIN_INVERSE = 0.02;
    static final double MAX_INVERSE = 20;

    private Calibration() {
    }

    /** {@code p} rescaled by temperature {@code t} (a new array; the same values for {@code t == 1}). */
    public static float[] scale(float[] p, double t) {
        if (t == 1) {
            return p.clone();
        }
        double[] logs = new double[p.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < p.length; k++) {
            logs[k] = Math.log(Math.max(MIN_PROB, p[k])) / t;
            max = Math.max(max, logs[k]);
        }
        double sum = 0;
        for (int k = 0; k < p.length; k++) {
            logs[k] = Math.exp(logs[k] - max);
            sum += logs[k];
        }
        float[] out = new float[p.length];
        for (int k = 0; k < p.length; k++) {
            out[k] = (float) (logs[k] / sum);
        }
        return out;
    }

    /** Every row rescaled by {@code t}. */
    public static float[][] scaleAll(float[][] p, double t) {
        float[][] out = new float[p.length][];
        for (int i = 0; i < p.length; i++) {
            out[i] = scale(p[i], t);
        }
        return out;
    }

    /** Mean negative log probability of the true labels after rescaling by {@code t}. */
    public static double logLoss(int[] truth, float[][] p, double t) {
        double loss = 0;
        for (int i = 0; i < truth.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            double[] z = new double[p[i].length];
            for (int k = 0; k < z.length; k++) {
                z[k] = Math.log(Math.max(MIN_PROB, p[i][k])) / t;
                max = Math.max(max, z[k]);
            }
            double sum = 0;
            for (double v : z) {
                sum += Math.exp(v - max);
            }
            loss -= z[truth[i]] - max - Math.log(sum);
        }
        return loss / truth.length;
    }

    /**
     * The temperature with the lowest log loss on these documents. Log loss is convex in
     * {@code 1/T}, so a golden-section search over {@code 1/T} in [0.02, 20] finds it.
     */
    public static double fitTemperature(int[] truth, float[][] p) {
        if (truth.length == 0) {
            throw new IllegalArgumentException("no documents to fit a temperature on");
        }
        return bestTemperature(t -> logLoss(truth, p, t));
    }

    /**
     * The temperature {@code T} with the lowest loss: a golden-section search over {@code 1/T} in
     * [{@value #MIN_INVERSE}, {@value #MAX_INVERSE}] (the losses here are convex in {@code 1/T});
     * never worse than leaving the probabilities as they are ({@code T = 1}).
     */
    private static double bestTemperature(java.util.function.DoubleUnaryOperator lossAt) {
        double phi = (Math.sqrt(5) - 1) / 2;
        double a = MIN_INVERSE;
        double b = MAX_INVERSE;
        double c = b - phi * (b - a);
        double d = a + phi * (b - a);
        double fc = lossAt.applyAsDouble(1 / c);
        double fd = lossAt.applyAsDouble(1 / d);
        for (int i = 0; i < 80 && b - a > 1e-6; i++) {
            if (fc < fd) {
                b = d;
                d = c;
                fd = fc;
                c = b - phi * (b - a);
                fc = lossAt.applyAsDouble(1 / c);
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + phi * (b - a);
                fd = lossAt.applyAsDouble(1 / d);
            }
        }
        double inverse = (a + b) / 2;
        return lossAt.applyAsDouble(1 / inverse) <= lossAt.applyAsDouble(1) ? 1 / inverse : 1;
    }

    /**
     * A multi-label probability (one label's own sigmoid) rescaled by temperature {@code t}:
     * {@code sigmoid(logit(p) / t)}; order-preserving, the same value for {@code t == 1}.
     */
    public static float scaleBinary(float p, double t) {
        if (t == 1) {
            return p;
        }
        double q = Math.min(1 - 1e-7, Math.max(1e-7, p));
        return (float) (1 / (1 + Math.exp(-Math.log(q / (1 - q)) / t)));
    }

    /** Mean binary cross-entropy of one label's probabilities against its truth after rescaling by {@code t}. */
    public static double binaryLogLoss(boolean[] truth, float[] p, double t) {
        // From the logit, log(1 + e^-z) and log(1 + e^z), unclamped: convex in 1/T (a clamped log
        // would flatten it where the rescaled probabilities saturate, and mislead the search).
        double loss = 0;
        for (int i = 0; i < truth.length; i++) {
            double q = Math.min(1 - 1e-7, Math.max(1e-7, p[i]));
            double z = Math.log(q / (1 - q)) / t;
            loss += softplus(truth[i] ? -z : z);
        }
        return loss / truth.length;
    }

    /** {@code log(1 + e^x)} without overflow. */
    static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    /**
     * The temperature with the lowest binary log loss for one label's probabilities (a multi-label
     * classifier's per-label calibration): the same golden-section search over {@code 1/T} as
     * {@link #fitTemperature}, never worse than 1.
     */
    public static double fitBinaryTemperature(boolean[] truth, float[] p) {
        if (truth.length == 0) {
            throw new IllegalArgumentException("no documents to fit a temperature on");
        }
        return bestTemperature(t -> binaryLogLoss(truth, p, t));
    }

    /**
     * Per-label temperatures for a multi-label classifier's probabilities: {@link
     * #fitBinaryTemperature} for each label with at least {@code minPositives} true and as many
     * false documents, 1 (none) for the others, too few to fit on.
     *
     * @param truth each document's true labels
     */
    public static double[] fitLabelTemperatures(int[][] truth, float[][] p, int numLabels, int minPositives) {
        double[] t = new double[numLabels];
        for (int c = 0; c < numLabels; c++) {
            boolean[] y = new boolean[truth.length];
            float[] q = new float[truth.length];
            int positives = 0;
            for (int i = 0; i < truth.length; i++) {
                for (int l : truth[i]) {
                    y[i] |= l == c;
                }
                positives += y[i] ? 1 : 0;
                q[i] = p[i][c];
            }
            t[c] = positives >= minPositives && truth.length - positives >= minPositives ? fitBinaryTemperature(y, q) : 1;
        }
        return t;
    }

    /** Mean over documents and labels of the binary cross-entropy, each label rescaled by its temperature (null: none). */
    public static double multiLabelLogLoss(int[][] truth, float[][] p, double[] temperatures) {
        double loss = 0;
        int k = p.length == 0 ? 0 : p[0].length;
        for (int i = 0; i < truth.length; i++) {
            boolean[] y = new boolean[k];
            for (int l : truth[i]) {
                y[l] = true;
            }
            for (int c = 0; c < k; c++) {
                double q = Math.min(1 - 1e-7, Math.max(1e-7, scaleBinary(p[i][c],
                        temperatures == null ? 1 : temperatures[c])));
                loss -= y[c] ? Math.log(q) : Math.log(1 - q);
            }
        }
        return loss / Math.max(1, (long) truth.length * k);
    }

    /**
     * One bin of a reliability diagram: documents whose top probability falls in [lower, upper).
     *
     * @param meanConfidence mean top probability (NaN when empty)
     * @param accuracy share whose top label is right (NaN when empty)
     */
    public record Bin(double lower, double upper, int count, double meanConfidence, double accuracy) {
    }

    /** A reliability diagram and its expected calibration error: sum over bins of share × |accuracy − confidence|. */
    public record Reliability(List<Bin> bins, double ece) {
        public Reliability {
            bins = List.copyOf(bins);
        }
    }

    /** The reliability diagram over {@code bins} equal-width bins of the top probability (top bin closed). */
    public static Reliability reliability(int[] truth, float[][] p, int bins) {
        int[] count = new int[bins];
        double[] conf = new double[bins];
        int[] right = new int[bins];
        for (int i = 0; i < truth.length; i++) {
            int top = EvaluationReport.argmax(p[i]);
            double c = p[i][top];
            int b = Math.min(bins - 1, (int) Math.floor(c * bins));
            count[b]++;
            conf[b] += c;
            right[b] += top == truth[i] ? 1 : 0;
        }
        List<Bin> out = new ArrayList<>();
        double ece = 0;
        for (int b = 0; b < bins; b++) {
            double mc = count[b] == 0 ? Double.NaN : conf[b] / count[b];
            double acc = count[b] == 0 ? Double.NaN : (double) right[b] / count[b];
            if (count[b] > 0) {
                ece += (double) count[b] / truth.length * Math.abs(acc - mc);
            }
            out.add(new Bin((double) b / bins, (double) (b + 1) / bins, count[b], mc, acc));
        }
        return new Reliability(out, ece);
    }

    /** Expected calibration error over 15 equal-width bins (the usual choice). */
    public static double ece(int[] truth, float[][] p) {
        return reliability(truth, p, DEFAULT_BINS).ece();
    }

    public static final int DEFAULT_BINS = 15;
}
