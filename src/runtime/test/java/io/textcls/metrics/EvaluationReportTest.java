package io.textcls.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationReportTest {
    @Test
    void computesAccuracyPrfConfusionAndLogLoss() {
        int[] truth = {0, 0, 1, 1, 1};
        float[][] p = {{0.9f, 0.1f}, {0.4f, 0.6f}, {0.2f, 0.8f}, {0.3f, 0.7f}, {0.6f, 0.4f}};
        EvaluationReport r = EvaluationReport.of(List.of("neg", "pos"), truth, p);
        assertEquals(0.6, r.accuracy(), 1e-12);
        assertArrayEquals(new long[] {1, 1}, r.confusion()[0]);
        assertArrayEquals(new long[] {1, 2}, r.confusion()[1]);
        assertEquals(0.5, r.perLabel().get(0).precision(), 1e-12);
        assertEquals(0.5, r.perLabel().get(0).recall(), 1e-12);
        assertEquals(2.0 / 3, r.perLabel().get(1).precision(), 1e-12);
        assertEquals(2.0 / 3, r.perLabel().get(1).recall(), 1e-12);
        assertEquals((0.5 + 2.0 / 3) / 2, r.macroF1(), 1e-12);
        double ll = -(Math.log(0.9) + Math.log(0.4) + Math.log(0.8) + Math.log(0.7) + Math.log(0.4)) / 5;
        assertEquals(ll, r.logLoss(), 1e-6);
        // pos scores: negatives 0.1, 0.6; positives 0.8, 0.7, 0.4 -> pairs won: 3 + 2 = 5 of 6
        assertEquals(5.0 / 6, r.rocAuc(), 1e-12);
        assertTrue(r.toTable().contains("accuracy: 0.6000"));
    }

    @Test
    void aucCountsTiesAsHalf() {
        EvaluationReport r = EvaluationReport.of(List.of("a", "b"), new int[] {0, 1},
                new float[][] {{0.5f, 0.5f}, {0.5f, 0.5f}});
        assertEquals(0.5, r.rocAuc(), 1e-12);
    }

    @Test
    void noAucForThreeLabels() {
        EvaluationReport r = EvaluationReport.of(List.of("a", "b", "c"), new int[] {0, 1, 2},
                new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
        assertNull(r.rocAuc());
        assertEquals(1.0, r.macroF1(), 1e-12);
    }
}
