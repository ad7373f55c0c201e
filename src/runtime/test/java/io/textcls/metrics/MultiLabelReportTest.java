package io.textcls.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.textcls.TextclsException;
import io.textcls.util.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultiLabelReportTest {
    static final List<String> LABELS = List.of("a", "b", "c");
    /** doc0 {a,b}, doc1 {c}, doc2 {}, doc3 {a,b,c}. */
    static final int[][] TRUTH = {{0, 1}, {2}, {}, {0, 1, 2}};
    static final float[][] P = {{0.9f, 0.6f, 0.2f}, {0.3f, 0.7f, 0.4f}, {0.1f, 0.2f, 0.3f}, {0.8f, 0.4f, 0.9f}};
    static final float[] HALF = {0.5f, 0.5f, 0.5f};

    /** Predictions at 0.5: doc0 {a,b} (right), doc1 {b} (2 wrong cells), doc2 {} (right), doc3 {a,c} (1 wrong). */
    static EvaluationReport example(float[] thresholds) {
        return EvaluationReport.ofMultiLabel(LABELS, TRUTH, P, MultiLabelThresholds.decideAll(P, HALF, false),
                thresholds);
    }

    @Test
    void perLabelAndMacroScores() {
        EvaluationReport r = example(HALF);
        // a: TP 2 FP 0 FN 0; b: TP 1 FP 1 FN 1; c: TP 1 FP 0 FN 1
        assertScores(r.perLabel().get(0), "a", 1, 1, 1, 2);
        assertScores(r.perLabel().get(1), "b", 0.5, 0.5, 0.5, 2);
        assertScores(r.perLabel().get(2), "c", 1, 0.5, 2.0 / 3, 2);
        assertEquals((1 + 0.5 + 2.0 / 3) / 3, r.macroF1(), 1e-12);
        assertEquals(4, r.documents());
        assertEquals(0, r.confusion().length);
        assertNull(r.rocAuc());
    }

    @Test
    void microSamplesSubsetHammingAndLrap() {
        EvaluationReport r = example(HALF);
        // all cells: TP 4, FP 1, FN 2
        assertEquals(0.8, r.microPrecision(), 1e-12);
        assertEquals(4.0 / 6, r.microRecall(), 1e-12);
        assertEquals(8.0 / 11, r.microF1(), 1e-12);
        // per document F1: 1, 0 ({c} vs {b}), 0 (both empty), 2*2/(3+2) = 0.8
        assertEquals(1.8 / 4, r.samplesF1(), 1e-12);
        assertEquals(0.5, r.subsetAccuracy(), 1e-12);
        assertEquals(0.5, r.accuracy(), 1e-12);
        assertEquals(3.0 / 12, r.hammingLoss(), 1e-12);
        // LRAP: doc0 1; doc1: c (0.4) ranks 2nd behind b (0.7), 1 of them true -> 1/2; doc2 no true label -> 1;
        // doc3 every label true -> 1
        assertEquals(3.5 / 4, r.labelRankingAveragePrecision(), 1e-12);
        assertTrue(r.multiLabel());
        assertEquals(8.0 / 11, r.score(), 1e-12);
    }

    @Test
    void logLossIsMeanBinaryCrossEntropyOverCells() {
        EvaluationReport r = example(null);
        double expected = -(Math.log(0.9) + Math.log(0.6) + Math.log(0.8)
                + Math.log(0.7) + Math.log(0.3) + Math.log(0.4)
                + Math.log(0.9) + Math.log(0.8) + Math.log(0.7)
                + Math.log(0.8) + Math.log(0.4) + Math.log(0.9)) / 12;
        assertEquals(expected, r.logLoss(), 1e-6); // numpy: 0.43718682938378645
        assertNull(r.thresholds());
    }

    @Test
    void logLossClampsCertainMistakes() {
        // label x is true with probability 0, label y false with probability 1: both cost -log(1e-7)
        EvaluationReport r = EvaluationReport.ofMultiLabel(List.of("x", "y"), new int[][] {{0}},
                new float[][] {{0f, 1f}}, new boolean[][] {{false, true}}, null);
        assertEquals(-Math.log(1e-7), r.logLoss(), 1e-6);
        assertTrue(Double.isFinite(r.logLoss()));
    }

    @Test
    void zeroDivisionGivesZero() {
        // label "never": neither true nor predicted; label "wrong": predicted once, never true
        int[][] truth = {{0}, {}};
        float[][] p = {{0.9f, 0.1f, 0.8f}, {0.1f, 0.1f, 0.1f}};
        boolean[][] pred = {{true, false, true}, {false, false, false}};
        EvaluationReport r = EvaluationReport.ofMultiLabel(List.of("ok", "never", "wrong"), truth, p, pred, null);
        assertScores(r.perLabel().get(0), "ok", 1, 1, 1, 1);
        assertScores(r.perLabel().get(1), "never", 0, 0, 0, 0);
        assertScores(r.perLabel().get(2), "wrong", 0, 0, 0, 0);
        assertEquals(1.0 / 3, r.macroF1(), 1e-12);
        // doc0: {ok} vs {ok, wrong} -> 2/3; doc1: both empty -> 0
        assertEquals((2.0 / 3 + 0) / 2, r.samplesF1(), 1e-12);
        assertEquals(0.5, r.subsetAccuracy(), 1e-12);
        assertEquals(1.0 / 6, r.hammingLoss(), 1e-12);
    }

    @Test
    void nothingTrueNothingPredicted() {
        float[][] p = {{0.1f, 0.2f}, {0.3f, 0.3f}};
        EvaluationReport r = EvaluationReport.ofMultiLabel(List.of("x", "y"), new int[][] {{}, {}}, p,
                new boolean[][] {{false, false}, {false, false}}, null);
        assertEquals(0, r.microF1(), 0);
        assertEquals(0, r.microPrecision(), 0);
        assertEquals(0, r.microRecall(), 0);
        assertEquals(0, r.samplesF1(), 0);
        assertEquals(0, r.macroF1(), 0);
        assertEquals(1, r.subsetAccuracy(), 0);
        assertEquals(0, r.hammingLoss(), 0);
        assertEquals(1, r.labelRankingAveragePrecision(), 0);
        assertTrue(r.multiLabel()); // micro-F1 0, not null
        assertEquals(0, r.score(), 0);
    }

    @Test
    void lrapCountsTiesAsScikitLearnDoes() {
        // scores 0.5 0.5 0.5 0.1: true {0}: 3 labels score >= 0.5, 1 of them true -> 1/3
        assertEquals(1.0 / 3, lrap(new int[] {0}, 0.5f, 0.5f, 0.5f, 0.1f), 1e-12);
        // true {0, 3}: label 0 -> 1/3; label 3 (0.1): 4 labels >= 0.1, 2 true -> 2/4; mean 5/12
        assertEquals(5.0 / 12, lrap(new int[] {0, 3}, 0.5f, 0.5f, 0.5f, 0.1f), 1e-12);
        // true {0, 1} tied at the top: each rank 2 with 2 true -> 1
        assertEquals(1, lrap(new int[] {0, 1}, 0.5f, 0.5f, 0.2f), 1e-12);
        // true {1} tied with a false label: rank 2 (max rank of the tie), 1 true -> 1/2
        assertEquals(0.5, lrap(new int[] {1}, 0.5f, 0.5f, 0.2f), 1e-12);
        // a true label scoring lowest of 3 distinct: rank 3 -> 1/3
        assertEquals(1.0 / 3, lrap(new int[] {2}, 0.9f, 0.5f, 0.2f), 1e-12);
        // no true label, every label true: 1
        assertEquals(1, lrap(new int[] {}, 0.9f, 0.5f), 0);
        assertEquals(1, lrap(new int[] {0, 1}, 0.1f, 0.9f), 0);
    }

    private static double lrap(int[] truth, float... scores) {
        return EvaluationReport.ofMultiLabel(List.of("a", "b", "c", "d").subList(0, scores.length),
                new int[][] {truth}, new float[][] {scores}, new boolean[][] {new boolean[scores.length]}, null)
                .labelRankingAveragePrecision();
    }

    @Test
    void emptyInputThrows() {
        assertThrows(TextclsException.class, () -> EvaluationReport.ofMultiLabel(LABELS, new int[0][],
                new float[0][], new boolean[0][], null));
        assertThrows(IllegalArgumentException.class, () -> EvaluationReport.ofMultiLabel(LABELS, TRUTH,
                new float[3][], new boolean[4][], null));
        assertThrows(IllegalArgumentException.class, () -> EvaluationReport.ofMultiLabel(LABELS, new int[][] {{3}},
                new float[][] {{0, 0, 0}}, new boolean[][] {{false, false, false}}, null));
        assertThrows(IllegalArgumentException.class, () -> EvaluationReport.ofMultiLabel(LABELS, TRUTH, P,
                MultiLabelThresholds.decideAll(P, HALF, false), new float[] {0.5f}));
    }

    @Test
    void tableShowsMultiLabelFiguresAndThresholdsWithoutConfusion() {
        String t = example(new float[] {0.35f, 0.5f, 0.05f}).toTable();
        assertTrue(t.contains("documents: 4"), t);
        assertTrue(t.contains("micro-F1: 0.7273"), t);
        assertTrue(t.contains("macro-F1: 0.7222"), t);
        assertTrue(t.contains("samples-F1: 0.4500"), t);
        assertTrue(t.contains("subset accuracy: 0.5000"), t);
        assertTrue(t.contains("Hamming loss: 0.2500"), t);
        assertTrue(t.contains("LRAP: 0.8750"), t);
        assertTrue(t.contains("log loss: 0.4372"), t);
        assertTrue(t.contains("threshold"), t);
        assertTrue(t.matches("(?s).*\\nc\\s+0\\.0500\\s+1\\.0000\\s+0\\.5000\\s+0\\.6667\\s+2\\n.*"), t);
        assertFalse(t.contains("confusion"), t);
        assertFalse(t.contains("accuracy: 0.5000   macro"), t);
        // without thresholds: a dash
        assertTrue(example(null).toTable().matches("(?s).*\\na\\s+-\\s+1\\.0000.*"));
    }

    @Test
    void singleLabelTableUnchanged() {
        EvaluationReport r = EvaluationReport.of(List.of("neg", "pos"), new int[] {0, 1, 1},
                new float[][] {{0.9f, 0.1f}, {0.4f, 0.6f}, {0.7f, 0.3f}});
        String t = r.toTable();
        assertTrue(t.startsWith("documents: 3   accuracy: 0.6667   macro-F1: 0.6667   log loss: "), t);
        assertTrue(t.contains("confusion (rows: true label, columns: predicted)"), t);
        assertFalse(t.contains("threshold"), t);
        assertFalse(r.multiLabel());
        assertEquals(r.accuracy(), r.score(), 0);
    }

    @Test
    void singleLabelTableWithoutMatrixStopsAfterTheScores() {
        // a report not made by of() whose matrix does not match its labels: no confusion section, no exception
        EvaluationReport r = new EvaluationReport(List.of("x", "y"), 1, 1, 0.1,
                List.of(new EvaluationReport.LabelScores("x", 1, 1, 1, 1),
                        new EvaluationReport.LabelScores("y", 0, 0, 0, 0)), 0.5, new long[0][0], null,
                null, null, null, null, null, null, null, null);
        String t = r.toTable();
        assertTrue(t.startsWith("documents: 1   accuracy: 1.0000"), t);
        assertFalse(t.contains("confusion"), t);
    }

    @Test
    void multiLabelJsonRoundTrip() throws Exception {
        EvaluationReport r = example(new float[] {0.35f, 0.5f, 0.05f});
        String json = Json.MAPPER.writeValueAsString(r);
        JsonNode tree = Json.MAPPER.readTree(json);
        for (String f : List.of("microF1", "microPrecision", "microRecall", "samplesF1", "subsetAccuracy",
                "hammingLoss", "labelRankingAveragePrecision", "thresholds")) {
            assertTrue(tree.has(f), f + " missing in " + json);
        }
        assertFalse(tree.has("multiLabel"), json);
        assertFalse(tree.has("score"), json);
        assertFalse(tree.has("rocAuc"), json);
        assertEquals("[0.35,0.5,0.05]", tree.get("thresholds").toString()); // floats kept as their short decimals
        assertEquals(0, tree.get("confusion").size());

        EvaluationReport back = Json.MAPPER.readValue(json, EvaluationReport.class);
        assertTrue(back.multiLabel());
        assertEquals(r.labels(), back.labels());
        assertEquals(r.documents(), back.documents());
        assertEquals(r.accuracy(), back.accuracy(), 0);
        assertEquals(r.logLoss(), back.logLoss(), 0);
        assertEquals(r.perLabel(), back.perLabel());
        assertEquals(r.macroF1(), back.macroF1(), 0);
        assertEquals(0, back.confusion().length);
        assertNull(back.rocAuc());
        assertEquals(r.microF1(), back.microF1());
        assertEquals(r.microPrecision(), back.microPrecision());
        assertEquals(r.microRecall(), back.microRecall());
        assertEquals(r.samplesF1(), back.samplesF1());
        assertEquals(r.subsetAccuracy(), back.subsetAccuracy());
        assertEquals(r.hammingLoss(), back.hammingLoss());
        assertEquals(r.labelRankingAveragePrecision(), back.labelRankingAveragePrecision());
        assertEquals(List.of(0.35, 0.5, 0.05), back.thresholds());
        assertEquals(0.35f, back.thresholds().get(0).floatValue(), 0); // reads back as the same float
        assertEquals(r.toTable(), back.toTable());
    }

    @Test
    void singleLabelJsonHasNoMultiLabelFields() throws Exception {
        EvaluationReport r = EvaluationReport.of(List.of("neg", "pos"), new int[] {0, 1, 1},
                new float[][] {{0.9f, 0.1f}, {0.4f, 0.6f}, {0.7f, 0.3f}});
        String json = Json.MAPPER.writeValueAsString(r);
        JsonNode tree = Json.MAPPER.readTree(json);
        List<String> names = new java.util.ArrayList<>();
        tree.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("labels", "documents", "accuracy", "logLoss", "perLabel", "macroF1", "confusion",
                "rocAuc"), names);
        EvaluationReport back = Json.MAPPER.readValue(json, EvaluationReport.class);
        assertFalse(back.multiLabel());
        assertNull(back.microF1());
        assertNull(back.thresholds());
        assertArrayEquals(r.confusion()[1], back.confusion()[1]);
        assertEquals(r.rocAuc(), back.rocAuc());
        assertEquals(r.toTable(), back.toTable());
    }

    @Test
    void oldJsonReadsWithNullMultiLabelFields() throws Exception {
        // A report as checkpoints and model cards stored it before the multi-label fields existed.
        String old = """
                {"labels":["neg","pos"],"documents":2,"accuracy":0.5,"logLoss":0.7,
                 "perLabel":[{"label":"neg","precision":0.5,"recall":1.0,"f1":0.6667,"support":1},
                             {"label":"pos","precision":0.0,"recall":0.0,"f1":0.0,"support":1}],
                 "macroF1":0.3333,"confusion":[[1,0],[1,0]]}""";
        EvaluationReport r = Json.MAPPER.readValue(old, EvaluationReport.class);
        assertEquals(0.5, r.accuracy(), 0);
        assertNull(r.rocAuc());
        assertNull(r.microF1());
        assertNull(r.microPrecision());
        assertNull(r.microRecall());
        assertNull(r.samplesF1());
        assertNull(r.subsetAccuracy());
        assertNull(r.hammingLoss());
        assertNull(r.labelRankingAveragePrecision());
        assertNull(r.thresholds());
        assertFalse(r.multiLabel());
        assertEquals(0.5, r.score(), 0);
        assertTrue(r.toTable().contains("confusion"));
    }

    private static void assertScores(EvaluationReport.LabelScores s, String label, double p, double r, double f1,
                                     long support) {
        assertEquals(label, s.label());
        assertEquals(p, s.precision(), 1e-12, label + " precision");
        assertEquals(r, s.recall(), 1e-12, label + " recall");
        assertEquals(f1, s.f1(), 1e-12, label + " F1");
        assertEquals(support, s.support(), label + " support");
    }
}
