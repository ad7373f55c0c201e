package io.textcls.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class MultiLabelThresholdsTest {
    /** One label: truth[i] = {0} for the positives, {} for the negatives; probabilities in that order. */
    private static float[] fitOne(float[] positives, float[] negatives, int minPositives) {
        int n = positives.length + negatives.length;
        int[][] truth = new int[n][];
        float[][] p = new float[n][];
        for (int i = 0; i < n; i++) {
            boolean pos = i < positives.length;
            truth[i] = pos ? new int[] {0} : new int[0];
            p[i] = new float[] {pos ? positives[i] : negatives[i - positives.length]};
        }
        return MultiLabelThresholds.fit(truth, p, 1, minPositives);
    }

    @Test
    void choosesTheLabelsBestF1Threshold() {
        // candidates 0.15 (F1 2/3), 0.25 (3/4), 0.45 (6/7), 0.65 (2/3), 0.75 (4/5), 0.85 (1/2)
        float[] t = fitOne(new float[] {0.9f, 0.8f, 0.6f}, new float[] {0.7f, 0.3f, 0.2f, 0.1f}, 1);
        assertEquals(0.45f, t[0], 1e-6f);
    }

    @Test
    void rareLabelsShareTheMicroF1Threshold() {
        // label 0: 2 positives (0.9, 0.8), negatives 0.2, 0.1 -> own best 0.5 (F1 1)
        // label 1: 1 positive (0.15), negatives 0.7, 0.1, 0.05 -> own best 0.125 (F1 2/3)
        // all cells: positives 0.9 0.8 0.15, negatives 0.2 0.1 0.7 0.1 0.05: candidates 0.075 (micro-F1 0.6),
        // 0.125 (0.75), 0.175 (4/7), 0.45 (2/3), 0.75 (0.8), 0.85 (0.5) -> 0.75
        int[][] truth = {{0, 1}, {0}, {}, {}};
        float[][] p = {{0.9f, 0.15f}, {0.8f, 0.7f}, {0.2f, 0.1f}, {0.1f, 0.05f}};
        assertArrayEquals(new float[] {0.5f, 0.125f}, MultiLabelThresholds.fit(truth, p, 2, 1), 1e-6f);
        assertArrayEquals(new float[] {0.5f, 0.75f}, MultiLabelThresholds.fit(truth, p, 2, 2), 1e-6f);
        assertArrayEquals(new float[] {0.75f, 0.75f}, MultiLabelThresholds.fit(truth, p, 2, 3), 1e-6f);
    }

    @Test
    void labelWithoutPositivesGetsTheFallback() {
        // label 1 never true: with minPositives 0 it still takes the shared threshold
        int[][] truth = {{0}, {0}, {}, {}};
        float[][] p = {{0.9f, 0.3f}, {0.8f, 0.2f}, {0.2f, 0.6f}, {0.1f, 0.1f}};
        float[] t = MultiLabelThresholds.fit(truth, p, 2, 0);
        // all cells: positives 0.9 0.8, negatives 0.3 0.2 0.2 0.6 0.1 0.1 -> only 0.7 separates (micro-F1 1)
        assertEquals(0.5f, t[0], 1e-6f);
        assertEquals(0.7f, t[1], 1e-6f);
    }

    @Test
    void thresholdsAreClampedAndStillChosenByF1() {
        // unclamped best: 0.02 (F1 1); every candidate clamps to 0.05, which predicts nothing
        assertEquals(0.05f, fitOne(new float[] {0.04f, 0.03f}, new float[] {0.01f, 0f}, 1)[0], 0);
        // unclamped best 0.96 (F1 1) clamps to 0.95, still F1 1 and better than 0.935 (F1 0.8)
        assertEquals(0.95f, fitOne(new float[] {0.99f, 0.98f}, new float[] {0.94f, 0.93f}, 1)[0], 0);
    }

    @Test
    void tiesGoToTheThresholdClosestToOneHalf() {
        // candidates 0.2 (F1 2/3), 0.375 (0.4), 0.475 (0.5), 0.7 (2/3): 0.7 is closer to 0.5 than 0.2
        assertEquals(0.7f, fitOne(new float[] {0.9f, 0.3f}, new float[] {0.5f, 0.45f, 0.1f}, 1)[0], 1e-6f);
        // candidates 0.3 (2/3), 0.65 (0.4), 0.775 (0.5), 0.85 (2/3): 0.3 is closer than 0.85
        assertEquals(0.3f, fitOne(new float[] {0.9f, 0.55f}, new float[] {0.8f, 0.75f, 0.05f}, 1)[0], 1e-6f);
    }

    @Test
    void equallyCloseTiesGoToTheLowerThreshold() {
        // values 0.75 (1 positive), 0.5 (1 positive, 3 negatives), 0.25 (1 positive):
        // 0.625 -> TP 1 FP 0 FN 2, F1 1/2; 0.375 -> TP 2 FP 3 FN 1, F1 1/2; both 0.125 from 0.5 (exact in float)
        float[] t = fitOne(new float[] {0.75f, 0.5f, 0.25f}, new float[] {0.5f, 0.5f, 0.5f}, 1);
        assertEquals(0.375f, t[0], 0);
    }

    @Test
    void adjacentFloatsStillSeparate() {
        float lo = 0.5f;
        float hi = Math.nextUp(lo);
        float[] t = fitOne(new float[] {hi}, new float[] {lo}, 1);
        assertArrayEquals(new boolean[] {true}, MultiLabelThresholds.decide(new float[] {hi}, t, false));
        assertArrayEquals(new boolean[] {false}, MultiLabelThresholds.decide(new float[] {lo}, t, false));
    }

    @Test
    void noCandidatesFallsBackToOneHalf() {
        // every probability the same: no midpoint anywhere
        float[] t = MultiLabelThresholds.fit(new int[][] {{0}, {}}, new float[][] {{0.3f}, {0.3f}}, 1, 1);
        assertEquals(0.5f, t[0], 0);
    }

    @Test
    void decideAppliesThresholdsAndAtLeastOne() {
        float[] t = {0.5f, 0.5f, 0.3f};
        assertArrayEquals(new boolean[] {true, false, true},
                MultiLabelThresholds.decide(new float[] {0.5f, 0.49f, 0.3f}, t, false)); // p == t passes
        float[] none = {0.2f, 0.4f, 0.1f};
        assertArrayEquals(new boolean[] {false, false, false}, MultiLabelThresholds.decide(none, t, false));
        assertArrayEquals(new boolean[] {false, true, false}, MultiLabelThresholds.decide(none, t, true));
        // at least one adds nothing when a label passes
        assertArrayEquals(new boolean[] {false, false, true},
                MultiLabelThresholds.decide(new float[] {0.45f, 0.1f, 0.35f}, t, true));
        // ties on the top probability: the first
        assertArrayEquals(new boolean[] {false, true, false},
                MultiLabelThresholds.decide(new float[] {0.1f, 0.2f, 0.2f}, new float[] {0.9f, 0.9f, 0.9f}, true));
        boolean[][] all = MultiLabelThresholds.decideAll(new float[][] {none, {0.9f, 0.9f, 0.9f}}, t, true);
        assertArrayEquals(new boolean[] {false, true, false}, all[0]);
        assertArrayEquals(new boolean[] {true, true, true}, all[1]);
        assertThrows(IllegalArgumentException.class, () -> MultiLabelThresholds.decide(new float[2], t, false));
    }

    @Test
    void constantThresholds() {
        assertArrayEquals(new float[] {0.4f, 0.4f, 0.4f}, MultiLabelThresholds.constant(3, 0.4f), 0);
        assertEquals(0, MultiLabelThresholds.constant(0, 0.5f).length);
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> MultiLabelThresholds.fit(new int[0][], new float[0][], 2, 1));
        assertThrows(IllegalArgumentException.class,
                () -> MultiLabelThresholds.fit(new int[][] {{2}}, new float[][] {{0.1f, 0.2f}}, 2, 1));
        assertThrows(IllegalArgumentException.class,
                () -> MultiLabelThresholds.fit(new int[][] {{0}}, new float[][] {{0.1f}}, 2, 1));
        assertThrows(IllegalArgumentException.class,
                () -> MultiLabelThresholds.fit(new int[][] {{0}}, new float[][] {{Float.NaN, 0.1f}}, 2, 1));
    }

    @Test
    void matchesBruteForceOnRandomData() {
        Random r = new Random(7);
        for (int round = 0; round < 30; round++) {
            int n = 20 + r.nextInt(150);
            int k = 1 + r.nextInt(5);
            int minPositives = r.nextInt(12);
            int[][] truth = new int[n][];
            float[][] p = new float[n][k];
            for (int i = 0; i < n; i++) {
                List<Integer> t = new ArrayList<>();
                for (int c = 0; c < k; c++) {
                    // label c is rarer for larger c; probabilities on a 0.01 grid, so there are ties
                    boolean pos = r.nextDouble() < 0.4 / (c + 1);
                    if (pos) {
                        t.add(c);
                    }
                    double mean = pos ? 0.6 : 0.35;
                    p[i][c] = Math.round(Math.max(0, Math.min(1, mean + 0.25 * r.nextGaussian())) * 100) / 100f;
                }
                truth[i] = t.stream().mapToInt(Integer::intValue).toArray();
            }
            float[] got = MultiLabelThresholds.fit(truth, p, k, minPositives);
            boolean needsFallback = false;
            for (int c = 0; c < k; c++) {
                int positives = 0;
                for (int[] t : truth) {
                    positives += contains(t, c) ? 1 : 0;
                }
                if (positives >= Math.max(1, minPositives)) {
                    assertEquals(bruteForce(truth, p, new int[] {c}), got[c], 0, "round " + round + " label " + c);
                } else {
                    needsFallback = true;
                }
            }
            if (needsFallback) {
                float shared = bruteForce(truth, p, java.util.stream.IntStream.range(0, k).toArray());
                for (int c = 0; c < k; c++) {
                    int c0 = c;
                    long positives = java.util.Arrays.stream(truth).filter(t -> contains(t, c0)).count();
                    if (positives < Math.max(1, minPositives)) {
                        assertEquals(shared, got[c], 0, "round " + round + " fallback label " + c);
                    }
                }
            }
        }
    }

    /** The best threshold over the cells of {@code labels}, every candidate counted from scratch (O(n²)). */
    private static float bruteForce(int[][] truth, float[][] p, int[] labels) {
        TreeSet<Float> values = new TreeSet<>();
        for (float[] row : p) {
            for (int c : labels) {
                values.add(row[c]);
            }
        }
        float best = Float.NaN;
        double bestF1 = -1;
        Float prev = null;
        for (float v : values) {
            if (prev != null) {
                float t = Math.max(0.05f, Math.min(0.95f, (float) ((prev + (double) v) / 2)));
                long tp = 0;
                long fp = 0;
                long fn = 0;
                for (int i = 0; i < p.length; i++) {
                    for (int c : labels) {
                        boolean y = contains(truth[i], c);
                        boolean on = p[i][c] >= t;
                        tp += y && on ? 1 : 0;
                        fp += !y && on ? 1 : 0;
                        fn += y && !on ? 1 : 0;
                    }
                }
                double f1 = 2 * tp + fp + fn == 0 ? 0 : 2.0 * tp / (2 * tp + fp + fn);
                double dist = Math.abs((double) t - 0.5);
                double bestDist = Math.abs((double) best - 0.5);
                if (f1 > bestF1 || (f1 == bestF1 && (dist < bestDist || (dist == bestDist && t < best)))) {
                    best = t;
                    bestF1 = f1;
                }
            }
            prev = v;
        }
        return Float.isNaN(best) ? 0.5f : best;
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    @Test
    void fitsAHundredThousandDocumentsByTwentyLabels() {
        int n = 100_000;
        int k = 20;
        int minPositives = 10;
        Random r = new Random(11);
        int[][] truth = new int[n][];
        float[][] p = new float[n][k];
        // separable labels: negatives below 0.3, positives above 0.7; labels 18 and 19 have 5 positives each
        float[] maxNeg = new float[k];
        float[] minPos = new float[k];
        java.util.Arrays.fill(minPos, 1);
        for (int i = 0; i < n; i++) {
            List<Integer> t = new ArrayList<>();
            for (int c = 0; c < k; c++) {
                boolean pos = c < 18 ? r.nextDouble() < 0.05 + 0.01 * c : i % 20_000 == c;
                float v = pos ? 0.7f + 0.3f * r.nextFloat() : 0.3f * r.nextFloat();
                p[i][c] = v;
                if (pos) {
                    t.add(c);
                    minPos[c] = Math.min(minPos[c], v);
                } else {
                    maxNeg[c] = Math.max(maxNeg[c], v);
                }
            }
            truth[i] = t.stream().mapToInt(Integer::intValue).toArray();
        }
        float[] t = MultiLabelThresholds.fit(truth, p, k, minPositives);
        float globalMaxNeg = 0;
        float globalMinPos = 1;
        for (int c = 0; c < k; c++) {
            globalMaxNeg = Math.max(globalMaxNeg, maxNeg[c]);
            globalMinPos = Math.min(globalMinPos, minPos[c]);
        }
        for (int c = 0; c < 18; c++) {
            // the only candidate with F1 1 is the midpoint between the highest negative and the lowest positive
            assertEquals(MultiLabelThresholds.midpoint(maxNeg[c], minPos[c]), t[c], 0, "label " + c);
        }
        float shared = MultiLabelThresholds.midpoint(globalMaxNeg, globalMinPos);
        assertEquals(shared, t[18], 0);
        assertEquals(shared, t[19], 0);
        EvaluationReport report = EvaluationReport.ofMultiLabel(java.util.stream.IntStream.range(0, k)
                .mapToObj(c -> "l" + c).toList(), truth, p, MultiLabelThresholds.decideAll(p, t, false), t);
        assertEquals(1, report.microF1(), 0);
        assertEquals(0, report.hammingLoss(), 0);
        assertTrue(report.perLabel().stream().allMatch(s -> s.f1() == 1));
    }
}
