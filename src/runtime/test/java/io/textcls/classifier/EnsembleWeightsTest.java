package io.textcls.classifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.util.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Fitted ensemble weights: the least log loss, the same folds in any order, stored and read back. */
class EnsembleWeightsTest {
    static final List<String> NAMES = List.of("good", "noisy", "useless");

    /** Three networks' probabilities for n two-label documents: one mostly right, one noisier, one a coin. */
    static float[][][] members(int[] truth, long seed) {
        Random rnd = new Random(seed);
        float[][][] p = new float[3][truth.length][];
        for (int i = 0; i < truth.length; i++) {
            truth[i] = rnd.nextInt(2);
            p[0][i] = twoLabels(truth[i], rnd.nextDouble() < 0.85 ? 0.9 : 0.2);
            p[1][i] = twoLabels(truth[i], rnd.nextDouble() < 0.8 ? 0.85 : 0.25);
            p[2][i] = twoLabels(truth[i], rnd.nextDouble());
        }
        return p;
    }

    private static float[] twoLabels(int label, double onTruth) {
        float[] p = new float[2];
        p[label] = (float) onTruth;
        p[1 - label] = (float) (1 - onTruth);
        return p;
    }

    private static double logLoss(int[] truth, float[][][] p, double[] w) {
        double loss = 0;
        for (int i = 0; i < truth.length; i++) {
            double mix = 0;
            for (int k = 0; k < w.length; k++) {
                mix += w[k] * p[k][i][truth[i]];
            }
            loss -= Math.log(mix);
        }
        return loss / truth.length;
    }

    @Test
    void fittedWeightsHaveTheLeastLogLossOfAnyOnAGrid() {
        int[] truth = new int[2000];
        float[][][] p = members(truth, 1);
        EnsembleWeights w = EnsembleWeights.fit(NAMES, truth, p, "test");
        double[] got = w.weights();
        assertEquals(1.0, got[0] + got[1] + got[2], 1e-9);
        // Their errors are independent, so the two informative networks share the weight.
        assertTrue(got[0] > got[1] && got[1] > 0.1 && got[2] < got[1], w.toString());
        double best = logLoss(truth, p, got);
        for (int a = 0; a <= 20; a++) {
            for (int b = 0; a + b <= 20; b++) {
                double[] grid = {a / 20.0, b / 20.0, (20 - a - b) / 20.0};
                assertTrue(best <= logLoss(truth, p, grid) + 1e-7, "weights " + w + " lose to " + List.of(a, b));
            }
        }
        assertTrue(best < logLoss(truth, p, EnsembleWeights.equal(NAMES).weights()));
        // What the bundle computes is the weighted mean.
        float[] mixed = w.mixAll(p)[7];
        assertEquals(got[0] * p[0][7][1] + got[1] * p[1][7][1] + got[2] * p[2][7][1], mixed[1], 1e-6);
    }

    @Test
    void crossFittingDependsOnTheDocumentsNotTheirOrder() {
        int[] truth = new int[300];
        float[][][] p = members(truth, 2);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < truth.length; i++) {
            ids.add("pos/" + i + ".txt");
        }
        float[][] cross = EnsembleWeights.crossFitted(NAMES, ids, truth, p, 5, 42);

        List<Integer> perm = new ArrayList<>();
        for (int i = 0; i < truth.length; i++) {
            perm.add(i);
        }
        Collections.shuffle(perm, new Random(3));
        int[] t2 = new int[truth.length];
        float[][][] p2 = new float[3][truth.length][];
        List<String> ids2 = new ArrayList<>();
        for (int j = 0; j < perm.size(); j++) {
            int i = perm.get(j);
            t2[j] = truth[i];
            ids2.add(ids.get(i));
            for (int k = 0; k < 3; k++) {
                p2[k][j] = p[k][i];
            }
        }
        float[][] cross2 = EnsembleWeights.crossFitted(NAMES, ids2, t2, p2, 5, 42);
        for (int j = 0; j < perm.size(); j++) {
            assertArrayEquals(cross[perm.get(j)], cross2[j], "document " + ids2.get(j));
        }
        // Each document is scored with weights fitted without it: not the same as the weights fitted on all.
        float[][] fitted = EnsembleWeights.fit(NAMES, truth, p, "all").mixAll(p);
        boolean differs = false;
        for (int i = 0; i < truth.length; i++) {
            differs |= cross[i][1] != fitted[i][1];
        }
        assertTrue(differs);
    }

    @Test
    void readsBackWhatItWritesAndRefusesBadWeights() throws Exception {
        EnsembleWeights w = new EnsembleWeights(List.of("a", "b"), new double[] {0.25, 0.75}, "validation split");
        EnsembleWeights back = Json.MAPPER.readValue(Json.MAPPER.writeValueAsBytes(w), EnsembleWeights.class);
        assertEquals(w, back);
        assertThrows(IllegalArgumentException.class, () -> new EnsembleWeights(List.of("a", "b"),
                new double[] {0.5, 0.6}, "x"));
        assertThrows(IllegalArgumentException.class, () -> new EnsembleWeights(List.of("a", "b"),
                new double[] {1.5, -0.5}, "x"));
        assertThrows(IllegalArgumentException.class, () -> new EnsembleWeights(List.of("a"),
                new double[] {0.5, 0.5}, "x"));
        assertTrue(EnsembleWeights.equal(List.of("a", "b", "c")).isEqual());
        assertTrue(!w.isEqual());
    }
}
