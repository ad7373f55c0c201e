package io.textcls.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The multi-label intervals: the report's values, and a bootstrap equal to re-scoring every resample. */
class MultiLabelIntervalsTest {
    static final List<String> LABELS = List.of("a", "b", "c", "d");

    record Data(int[][] truth, float[][] p, boolean[][] predicted) {
    }

    /** Noisy probabilities around each document's labels; decisions at 0.5. */
    static Data data(int n, long seed) {
        Random r = new Random(seed);
        int[][] truth = new int[n][];
        float[][] p = new float[n][LABELS.size()];
        for (int i = 0; i < n; i++) {
            List<Integer> set = new java.util.ArrayList<>();
            for (int c = 0; c < LABELS.size(); c++) {
                boolean on = r.nextDouble() < 0.3 + 0.1 * c;
                if (on) {
                    set.add(c);
                }
                p[i][c] = (float) Math.min(0.99, Math.max(0.01, (on ? 0.65 : 0.3) + 0.25 * r.nextGaussian()));
            }
            truth[i] = set.stream().mapToInt(Integer::intValue).toArray();
        }
        return new Data(truth, p, MultiLabelThresholds.decideAll(p, MultiLabelThresholds.constant(LABELS.size(), 0.5f),
                false));
    }

    @Test
    void valuesAreTheReportsAndTheBootstrapEqualsRescoringEachResample() {
        Data d = data(120, 3);
        int resamples = 200;
        MultiLabelIntervals.Summary s = MultiLabelIntervals.summary(LABELS, d.truth(), d.p(), d.predicted(), resamples, 9);
        EvaluationReport full = EvaluationReport.ofMultiLabel(LABELS, d.truth(), d.p(), d.predicted(), null);
        assertEquals(full.microF1(), s.microF1().value(), 0);
        assertEquals(full.macroF1(), s.macroF1().value(), 0);
        assertEquals(full.samplesF1(), s.samplesF1().value(), 0);
        assertEquals(full.subsetAccuracy(), s.subsetAccuracy().value(), 0);
        assertEquals(full.hammingLoss(), s.hammingLoss().value(), 0);
        assertEquals(full.labelRankingAveragePrecision(), s.labelRankingAveragePrecision().value(), 0);

        // The same resamples scored from scratch.
        int n = d.truth().length;
        double[][] figures = new double[5][resamples];
        Random r = new Random(9);
        for (int k = 0; k < resamples; k++) {
            int[][] t = new int[n][];
            float[][] q = new float[n][];
            boolean[][] pr = new boolean[n][];
            for (int i = 0; i < n; i++) {
                int j = r.nextInt(n);
                t[i] = d.truth()[j];
                q[i] = d.p()[j];
                pr[i] = d.predicted()[j];
            }
            EvaluationReport e = EvaluationReport.ofMultiLabel(LABELS, t, q, pr, null);
            figures[0][k] = e.microF1();
            figures[1][k] = e.macroF1();
            figures[2][k] = e.samplesF1();
            figures[3][k] = e.hammingLoss();
            figures[4][k] = e.labelRankingAveragePrecision();
        }
        Intervals.Interval[] got = {s.microF1(), s.macroF1(), s.samplesF1(), s.hammingLoss(),
            s.labelRankingAveragePrecision()};
        for (int f = 0; f < got.length; f++) {
            Intervals.Interval want = Intervals.percentile(got[f].value(), figures[f], resamples);
            assertEquals(want.lower(), got[f].lower(), 1e-12, "figure " + f);
            assertEquals(want.upper(), got[f].upper(), 1e-12, "figure " + f);
            assertTrue(got[f].lower() < got[f].value() && got[f].value() < got[f].upper(), got[f].toString());
        }
        Intervals.Interval w = Intervals.wilson(Math.round(full.subsetAccuracy() * n), n);
        assertEquals(w, s.subsetAccuracy());
    }

    @Test
    void perfectDecisionsHaveNoWidth() {
        Data d = data(50, 4);
        boolean[][] exact = new boolean[50][LABELS.size()];
        for (int i = 0; i < 50; i++) {
            for (int c : d.truth()[i]) {
                exact[i][c] = true;
            }
        }
        MultiLabelIntervals.Summary s = MultiLabelIntervals.summary(LABELS, d.truth(), d.p(), exact, 100, 1);
        assertEquals(new Intervals.Interval(1, 1, 1), s.microF1());
        assertEquals(new Intervals.Interval(0, 0, 0), s.hammingLoss());
        assertEquals(1, s.subsetAccuracy().value(), 0);
    }
}
