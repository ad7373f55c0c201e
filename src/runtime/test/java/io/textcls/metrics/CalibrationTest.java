package io.textcls.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CalibrationTest {
    /** Documents whose true label is drawn from {@code q}; the classifier reports {@code q} sharpened by 1/T. */
    static float[][] overconfident(int n, double t, int[] truth, long seed) {
        Random r = new Random(seed);
        float[][] p = new float[n][];
        for (int i = 0; i < n; i++) {
            float[] q = {(float) r.nextDouble(), 0, 0};
            q[1] = (float) ((1 - q[0]) * r.nextDouble());
            q[2] = 1 - q[0] - q[1];
            double u = r.nextDouble();
            truth[i] = u < q[0] ? 0 : u < q[0] + q[1] ? 1 : 2;
            p[i] = Calibration.scale(q, 1 / t);
        }
        return p;
    }

    @Test
    void fittedTemperatureUndoesOverconfidenceAndKeepsEveryLabel() {
        int n = 4000;
        int[] truth = new int[n];
        float[][] p = overconfident(n, 2.5, truth, 1);
        double t = Calibration.fitTemperature(truth, p);
        assertEquals(2.5, t, 0.25);
        float[][] q = Calibration.scaleAll(p, t);
        for (int i = 0; i < n; i++) {
            assertEquals(EvaluationReport.argmax(p[i]), EvaluationReport.argmax(q[i]));
        }
        assertTrue(Calibration.ece(truth, q) < Calibration.ece(truth, p) / 3,
                Calibration.ece(truth, q) + " vs " + Calibration.ece(truth, p));
        assertTrue(Calibration.logLoss(truth, p, t) < Calibration.logLoss(truth, p, 1));
    }

    @Test
    void scaleByOneChangesNothingAndLogLossMatchesTheReport() {
        float[] p = {0.2f, 0.7f, 0.1f};
        assertArrayEquals(p, Calibration.scale(p, 1));
        float[] s = Calibration.scale(p, 2);
        assertEquals(1, s[0] + s[1] + s[2], 1e-6);
        assertEquals(Math.sqrt(0.7) / (Math.sqrt(0.2) + Math.sqrt(0.7) + Math.sqrt(0.1)), s[1], 1e-6);
        int[] truth = {1, 0};
        float[][] ps = {p, {0.6f, 0.3f, 0.1f}};
        assertEquals(EvaluationReport.of(List.of("a", "b", "c"), truth, ps).logLoss(),
                Calibration.logLoss(truth, ps, 1), 1e-6);
    }

    @Test
    void reliabilityBinsAndEce() {
        // Four documents at confidence 0.95 (3 right), two at 0.6 (both right): ECE = 4/6 * 0.2 + 2/6 * 0.4.
        int[] truth = {0, 0, 0, 1, 1, 1};
        float[][] p = {{0.95f, 0.05f}, {0.95f, 0.05f}, {0.95f, 0.05f}, {0.95f, 0.05f}, {0.4f, 0.6f}, {0.4f, 0.6f}};
        Calibration.Reliability r = Calibration.reliability(truth, p, 10);
        assertEquals(10, r.bins().size());
        assertEquals(4, r.bins().get(9).count());
        assertEquals(0.75, r.bins().get(9).accuracy(), 1e-9);
        assertEquals(2, r.bins().get(6).count());
        assertEquals(4.0 / 6 * 0.2 + 2.0 / 6 * 0.4, r.ece(), 1e-6);
    }

    @Test
    void wilsonIntervalAndCurvesAgreeWithKnownValues() {
        Intervals.Interval w = Intervals.wilson(80, 100);
        assertEquals(0.7112, w.lower(), 1e-3);
        assertEquals(0.8666, w.upper(), 1e-3);
        Random r = new Random(3);
        int n = 300;
        int[] truth = new int[n];
        float[][] p = new float[n][];
        for (int i = 0; i < n; i++) {
            truth[i] = r.nextInt(2);
            float s = (float) Math.min(1, Math.max(0, 0.5 + (truth[i] - 0.5) * 0.4 + r.nextGaussian() * 0.3));
            p[i] = new float[] {1 - s, s};
        }
        Curves.Curve roc = Curves.roc(truth, p, 1, 50);
        assertEquals(EvaluationReport.rocAuc(truth, p), roc.area(), 1e-9);
        assertTrue(roc.x().length <= 52);
        assertEquals(1, roc.x()[roc.x().length - 1], 1e-12);
        Curves.Curve pr = Curves.precisionRecall(truth, p, 1, 50);
        assertTrue(pr.area() > 0.5 && pr.area() <= 1, "average precision " + pr.area());
        Intervals.Summary s = Intervals.summary(List.of("a", "b"), truth, p, 200, 1);
        assertTrue(s.rocAuc().lower() < roc.area() && roc.area() < s.rocAuc().upper());
        assertTrue(s.macroF1().lower() < s.macroF1().value() && s.macroF1().value() < s.macroF1().upper());
    }
}
