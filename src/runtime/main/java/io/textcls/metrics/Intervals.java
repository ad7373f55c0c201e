package io.textcls.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** 95 % confidence intervals of evaluation metrics: Wilson's for accuracy, a percentile bootstrap for the rest. */
public final class Intervals {
    private Intervals() {
    }

    /** A value and its 95 % interval. */
    public record Interval(double value, double lower, double upper) {
    }

    /** Wilson score interval (95 %) of a proportion. */
    public static Interval wilson(long successes, long n) {
        double z = 1.959964;
        double p = (double) successes / n;
        double d = 1 + z * z / n;
        double centre = (p + z * z / (2 * n)) / d;
        double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / d;
        return new Interval(p, Math.max(0, centre - half), Math.min(1, centre + half));
    }

    /**
     * Accuracy (Wilson), macro-F1, log loss and ROC-AUC (percentile bootstrap over documents,
     * {@code resamples} resamples, seeded) of predictions. ROC-AUC is the second label's for two
     * labels, the mean of one-vs-rest AUCs for more; null when a resample-free AUC is undefined.
     */
    public record Summary(Interval accuracy, Interval macroF1, Interval logLoss, Interval rocAuc) {
    }

    public static Summary summary(List<String> labels, int[] truth, float[][] p, int resamples, long seed) {
        EvaluationReport full = EvaluationReport.of(labels, truth, p);
        Double auc = auc(labels.size(), truth, p);
        int n = truth.length;
        double[] f1 = new double[resamples];
        double[] loss = new double[resamples];
        double[] aucs = new double[resamples];
        int aucCount = 0;
        Random r = new Random(seed);
        int[] t = new int[n];
        float[][] q = new float[n][];
        for (int s = 0; s < resamples; s++) {
            for (int i = 0; i < n; i++) {
                int j = r.nextInt(n);
                t[i] = truth[j];
                q[i] = p[j];
            }
            EvaluationReport e = EvaluationReport.of(labels, t, q);
            f1[s] = e.macroF1();
            loss[s] = e.logLoss();
            if (auc != null) {
                Double a = auc(labels.size(), t, q);
                if (a != null) {
                    aucs[aucCount++] = a;
                }
            }
        }
        long correct = Math.round(full.accuracy() * n);
        return new Summary(wilson(correct, n), percentile(full.macroF1(), f1, resamples),
                percentile(full.logLoss(), loss, resamples),
                auc == null || aucCount == 0 ? null : percentile(auc, aucs, aucCount));
    }

    /** ROC-AUC: label 1's for two labels, the mean over labels of one-vs-rest for more; null if undefined. */
    public static Double auc(int labels, int[] truth, float[][] p) {
        if (labels == 2) {
            Curves.Curve c = Curves.roc(truth, p, 1, 2);
            return c == null ? null : c.area();
        }
        double sum = 0;
        for (int k = 0; k < labels; k++) {
            Curves.Curve c = Curves.roc(truth, p, k, 2);
            if (c == null) {
                return null;
            }
            sum += c.area();
        }
        return sum / labels;
    }

    static Interval percentile(double value, double[] samples, int count) {
        double[] s = Arrays.copyOf(samples, count);
        Arrays.sort(s);
        return new Interval(value, s[(int) Math.floor(0.025 * (count - 1))], s[(int) Math.ceil(0.975 * (count - 1))]);
    }
}
