package io.textcls.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * 95 % confidence intervals of multi-label metrics ({@link EvaluationReport#ofMultiLabel}): Wilson's
 * for subset accuracy (a share of documents), a percentile bootstrap over documents for micro-,
 * macro- and samples-F1, Hamming loss and label ranking average precision. Each value is the
 * report's own; a resample only re-weights each document's (document, label) cells, so one resample
 * costs the number of true or predicted cells, not documents × labels.
 */
public final class MultiLabelIntervals {
    private MultiLabelIntervals() {
    }

    /** The intervals; each {@link Intervals.Interval#value()} is the full report's figure. */
    public record Summary(Intervals.Interval microF1, Intervals.Interval macroF1, Intervals.Interval samplesF1,
                          Intervals.Interval subsetAccuracy, Intervals.Interval hammingLoss,
                          Intervals.Interval labelRankingAveragePrecision) {
    }

    /**
     * @param truth each document's true label indices
     * @param p each document's per-label probabilities
     * @param predicted each document's decisions (what the classifier predicted)
     * @param resamples bootstrap resamples of the documents
     * @param seed of the resampling
     */
    public static Summary summary(List<String> labels, int[][] truth, float[][] p, boolean[][] predicted,
                                  int resamples, long seed) {
        EvaluationReport full = EvaluationReport.ofMultiLabel(labels, truth, p, predicted, null);
        int n = truth.length;
        int k = labels.size();
        // Per document: its true-positive, false-positive and false-negative labels, its samples-F1,
        // its wrong cells and its ranking precision.
        int[][] tp = new int[n][];
        int[][] fp = new int[n][];
        int[][] fn = new int[n][];
        double[] samples = new double[n];
        double[] wrong = new double[n];
        double[] ranking = new double[n];
        boolean[] y = new boolean[k];
        int[] a = new int[k];
        int[] b = new int[k];
        int[] c = new int[k];
        for (int i = 0; i < n; i++) {
            Arrays.fill(y, false);
            for (int l : truth[i]) {
                y[l] = true;
            }
            int na = 0;
            int nb = 0;
            int nc = 0;
            for (int l = 0; l < k; l++) {
                if (y[l] && predicted[i][l]) {
                    a[na++] = l;
                } else if (predicted[i][l]) {
                    b[nb++] = l;
                } else if (y[l]) {
                    c[nc++] = l;
                }
            }
            tp[i] = Arrays.copyOf(a, na);
            fp[i] = Arrays.copyOf(b, nb);
            fn[i] = Arrays.copyOf(c, nc);
            samples[i] = EvaluationReport.ratio(2L * na, (na + nc) + (na + nb));
            wrong[i] = nb + nc;
            ranking[i] = EvaluationReport.rankingPrecision(y, na + nc, p[i]);
        }
        double[] micro = new double[resamples];
        double[] macro = new double[resamples];
        double[] samplesF1 = new double[resamples];
        double[] hamming = new double[resamples];
        double[] lrap = new double[resamples];
        Random r = new Random(seed);
        int[] weight = new int[n];
        long[] ltp = new long[k];
        long[] lfp = new long[k];
        long[] lfn = new long[k];
        for (int s = 0; s < resamples; s++) {
            Arrays.fill(weight, 0);
            for (int i = 0; i < n; i++) {
                weight[r.nextInt(n)]++;
            }
            Arrays.fill(ltp, 0);
            Arrays.fill(lfp, 0);
            Arrays.fill(lfn, 0);
            double sSum = 0;
            double wSum = 0;
            double rSum = 0;
            for (int i = 0; i < n; i++) {
                int w = weight[i];
                if (w == 0) {
                    continue;
                }
                for (int l : tp[i]) {
                    ltp[l] += w;
                }
                for (int l : fp[i]) {
                    lfp[l] += w;
                }
                for (int l : fn[i]) {
                    lfn[l] += w;
                }
                sSum += w * samples[i];
                wSum += w * wrong[i];
                rSum += w * ranking[i];
            }
            long tpAll = 0;
            long fpAll = 0;
            long fnAll = 0;
            double f1Sum = 0;
            for (int l = 0; l < k; l++) {
                f1Sum += EvaluationReport.ratio(2 * ltp[l], 2 * ltp[l] + lfp[l] + lfn[l]);
                tpAll += ltp[l];
                fpAll += lfp[l];
                fnAll += lfn[l];
            }
            micro[s] = EvaluationReport.ratio(2 * tpAll, 2 * tpAll + fpAll + fnAll);
            macro[s] = f1Sum / k;
            samplesF1[s] = sSum / n;
            hamming[s] = wSum / ((double) n * k);
            lrap[s] = rSum / n;
        }
        long exact = Math.round(full.subsetAccuracy() * n);
        return new Summary(Intervals.percentile(full.microF1(), micro, resamples),
                Intervals.percentile(full.macroF1(), macro, resamples),
                Intervals.percentile(full.samplesF1(), samplesF1, resamples), Intervals.wilson(exact, n),
                Intervals.percentile(full.hammingLoss(), hamming, resamples),
                Intervals.percentile(full.labelRankingAveragePrecision(), lrap, resamples));
    }
}
