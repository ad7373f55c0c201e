package io.textcls.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The validation-split fitting of a multi-label classifier's weights and thresholds. */
class MultiLabelFittingTest {
    static final List<String> LABELS = List.of("x", "y");

    @Test
    void aValidationSplitTooSmallToCrossFitIsMeasuredOnItself() {
        // One document: no fold can be left out, so the figures are the fitted ones (no failure after training).
        MultiLabelFitting.Result r = MultiLabelFitting.fit(List.of("net"), LABELS, List.of("7"), new int[][] {{0, 1}},
                new float[][][] {{{0.9f, 0.6f}}}, "one document");
        assertNull(r.weights(), "one network has no weights");
        assertEquals(r.fitted().microF1(), r.crossFitted().microF1(), "the same figures: nothing to leave out");
        assertEquals(1, r.crossFitted().documents());
    }

    @Test
    void crossFittedFiguresComeFromDocumentsTheDecisionsWereNotFittedOn() {
        int n = 200;
        int[][] truth = new int[n][];
        float[][][] p = new float[2][n][];
        for (int i = 0; i < n; i++) {
            boolean x = i % 2 == 0;
            boolean y = i % 3 == 0;
            truth[i] = x && y ? new int[] {0, 1} : x ? new int[] {0} : y ? new int[] {1} : new int[0];
            // one informative network and one noisy one
            p[0][i] = new float[] {x ? 0.8f : 0.2f, y ? 0.7f : 0.3f};
            p[1][i] = new float[] {(i * 37 % 100) / 100f, (i * 53 % 100) / 100f};
        }
        List<String> ids = java.util.stream.IntStream.range(0, n).mapToObj(Integer::toString).toList();
        MultiLabelFitting.Result r = MultiLabelFitting.fit(List.of("good", "noise"), LABELS, ids, truth, p, "test");
        assertTrue(r.weights().weight(0) > 0.9, "the informative network gets the weight: " + r.weights());
        assertEquals(1.0, r.fitted().microF1(), 1e-9);
        assertEquals(1.0, r.crossFitted().microF1(), 1e-9, "separable: the other folds' thresholds separate too");
        assertEquals(2, r.decision().thresholds().length);
    }
}
