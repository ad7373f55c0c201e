package io.textcls.classifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.MultiLabelCorpora;
import io.textcls.cli.Main;
import io.textcls.metrics.Calibration;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-label calibration of a multi-label classifier: one temperature per label, fitted by train
 * (and refitted by calibrate) on held-out documents, rescales the reported probabilities and never
 * the label sets, which are decided on the networks' own probabilities.
 */
class MultiLabelCalibrationTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path bundle;
    static TextClassifier classifier;
    static final List<String> TEXTS = List.of("the team and the coach of the league match today",
            "the bank said the market price and profit of stocks", "the storm and rain hit the market price",
            "nothing much happened here at all", "");

    @BeforeAll
    static void train() throws Exception {
        data = dir.resolve("train.jsonl");
        bundle = MultiLabelCorpora.trainTiny(data, dir.resolve("ml.zip"));
        classifier = TextClassifier.load(bundle);
    }

    @Test
    void anOverconfidentLabelGetsATemperatureAboveOne() {
        // Probabilities of 0.99 and 0.01 that are right only 70 % of the time: softening lowers the log loss.
        Random r = new Random(3);
        int n = 2000;
        boolean[] y = new boolean[n];
        float[] p = new float[n];
        for (int i = 0; i < n; i++) {
            boolean sure = r.nextBoolean();
            p[i] = sure ? 0.99f : 0.01f;
            y[i] = r.nextDouble() < 0.7 ? sure : !sure;
        }
        double t = Calibration.fitBinaryTemperature(y, p);
        assertTrue(t > 1.5, "overconfident probabilities are softened, T = " + t);
        assertTrue(Calibration.binaryLogLoss(y, p, t) < Calibration.binaryLogLoss(y, p, 1));
        // the fitted probability of a "sure" document is close to the 0.7 it is right
        assertEquals(0.7, Calibration.scaleBinary(0.99f, t), 0.02);
        assertEquals(0.5f, Calibration.scaleBinary(0.5f, t), 1e-6, "0.5 stays 0.5 at any temperature");
        assertTrue(Calibration.scaleBinary(0.8f, t) > Calibration.scaleBinary(0.6f, t), "order kept");
    }

    @Test
    void aLabelWithTooFewDocumentsKeepsTemperatureOne() {
        int[][] truth = {{0}, {0}, {0}, {0}, {0}, {0, 1}, {}, {}, {}, {}, {}, {}};
        float[][] p = new float[truth.length][];
        for (int i = 0; i < p.length; i++) {
            p[i] = new float[] {i < 6 ? 0.999f : 0.2f, 0.9f};
        }
        double[] t = Calibration.fitLabelTemperatures(truth, p, 2, 5);
        assertNotEquals(1.0, t[0], "label 0 has 6 true and 6 false documents");
        assertEquals(1.0, t[1], "label 1 has one true document");
    }

    @Test
    void trainFitsTemperaturesThatChangeProbabilitiesButNotLabelSets() {
        MultiLabelDecision d = classifier.decision().orElseThrow();
        assertNotNull(d.temperatures(), "train stores one temperature per label");
        assertEquals(classifier.labels().size(), d.temperatures().length);
        assertNotNull(d.calibratedOn());
        TextClassifier raw = classifier.uncalibrated();
        assertEquals(null, raw.decision().orElseThrow().temperatures());
        List<Prediction> calibrated = classifier.classifyAll(TEXTS);
        List<Prediction> own = raw.classifyAll(TEXTS);
        for (int i = 0; i < TEXTS.size(); i++) {
            assertEquals(own.get(i).predictedLabels(), calibrated.get(i).predictedLabels(), TEXTS.get(i));
            assertArrayEquals(d.calibrate(own.get(i).probs()), calibrated.get(i).probs(), 0f, TEXTS.get(i));
            assertArrayEquals(classifier.calibrated(own.get(i).probs()), calibrated.get(i).probs(), 0f);
        }
        // the self-test records the networks' own probabilities and still reproduces them
        assertTrue(classifier.selfTestMaxDifference() < 1e-5, "self-test " + classifier.selfTestMaxDifference());
    }

    @Test
    void temperaturesSurviveSaveAndLoad() throws Exception {
        Path again = dir.resolve("again.zip");
        classifier.save(again);
        TextClassifier loaded = TextClassifier.load(again);
        assertArrayEquals(classifier.decision().orElseThrow().temperatures(),
                loaded.decision().orElseThrow().temperatures(), 0);
        for (String text : TEXTS) {
            assertArrayEquals(classifier.classify(text).probs(), loaded.classify(text).probs(), 0f, text);
        }
    }

    @Test
    void calibrateRefitsPerLabelTemperaturesOnTheHeldOutRows() {
        Path out = dir.resolve("recalibrated.zip");
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(o));
        cl.setErr(new PrintWriter(e));
        int code = cl.execute("calibrate", "--model", bundle.toString(), "--data", data.toString(), "--output",
                out.toString());
        assertEquals(0, code, e.toString());
        assertTrue(o.toString().contains("mean binary log loss"), o.toString());
        TextClassifier c = TextClassifier.load(out);
        assertEquals(classifier.labels().size(), c.decision().orElseThrow().temperatures().length);
        assertTrue(c.decision().orElseThrow().calibratedOn().contains("held-out"));
        for (String text : TEXTS) {
            assertEquals(classifier.classify(text).predictedLabels(), c.classify(text).predictedLabels(), text);
        }
        // the same documents, the same fit as train's (which fitted on the same held-out rows' probabilities)
        assertArrayEquals(classifier.decision().orElseThrow().temperatures(), c.decision().orElseThrow().temperatures(),
                1e-3);
    }
}
