package io.textcls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.textcls.TestCorpora;
import io.textcls.TinyTraining;
import io.textcls.classifier.BundleException;
import io.textcls.classifier.ModelBundle;
import io.textcls.classifier.Prediction;
import io.textcls.classifier.Temperature;
import io.textcls.classifier.TextClassifier;
import io.textcls.metrics.Calibration;
import io.textcls.util.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** evaluate --html, explain and calibrate as a user meets them; the temperature in the bundle. */
class ReportCliTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path model;
    /** The HTML report of the tiny classifier on its held-out documents (ReportBrowserTest opens one too). */
    static Path html;

    @BeforeAll
    static void trainAndReport() throws Exception {
        data = TestCorpora.write(dir.resolve("data"), 40, 4);
        model = dir.resolve("m.zip");
        TinyTraining.train(data, model, TinyTraining.recipe(4, "architecture=lstm-pool.v1", "pooling=maxmean"));
        html = dir.resolve("report.html");
        CliTest.Run r = CliTest.run("evaluate", "--model", model.toString(), "--data", data.toString(), "--held-out",
                "--html", html.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("HTML report written to " + html), r.out());
    }

    @Test
    void trainFitsATemperatureThatPredictionsUseWithoutChangingLabels() throws Exception {
        TextClassifier c = TextClassifier.load(model);
        Temperature t = c.temperature().orElseThrow();
        assertTrue(t.temperature() > 0);
        assertTrue(t.logLossAfter() <= t.logLossBefore() + 1e-12);
        assertEquals(24, t.documents());
        assertTrue(entries(model).contains(ModelBundle.CALIBRATION));
        String doc = "a great and superb film, the best";
        Prediction calibrated = c.classify(doc);
        Prediction raw = c.uncalibrated().classify(doc);
        assertEquals(raw.label(), calibrated.label());
        float[] want = Calibration.scale(raw.probs(), t.temperature());
        for (int k = 0; k < want.length; k++) {
            assertEquals(want[k], calibrated.probability(k), 1e-6);
        }
        assertEquals(0.0, c.selfTestMaxDifference(), 1e-6);
    }

    @Test
    void theReportHasEverySectionAndFetchesNothing() throws Exception {
        String page = Files.readString(html);
        for (String id : List.of("summary", "labels", "curves", "calibration", "length", "training", "errors",
                "correct", "chart-confusion", "chart-roc", "chart-pr", "chart-reliability", "chart-confidence",
                "chart-length", "chart-training-0", "report-data")) {
            assertTrue(page.contains("id=\"" + id + "\""), id);
        }
        assertTrue(page.contains("95 % Wilson"), "accuracy interval");
        assertTrue(page.contains("data fingerprint"));
        assertTrue(page.contains("class=\"tokens\""), "explained documents");
        assertTrue(page.contains("echarts"), "the chart library is embedded");
        assertFalse(page.contains("<script src"), "no script is fetched");
        assertFalse(page.contains("<link"), "no stylesheet is fetched");
        String json = page.substring(page.indexOf("type=\"application/json\">") + 24);
        JsonNode d = Json.MAPPER.readTree(json.substring(0, json.indexOf("</script>")).replace("<\\/", "</"));
        assertEquals(TestCorpora.LABELS, Json.MAPPER.convertValue(d.get("labels"), List.class));
        assertEquals(3, d.get("curves").size(), "one-vs-rest curves for three labels");
        assertEquals(1, d.get("training").size());
        assertEquals(4, d.get("training").get(0).get("epochs").size());
    }

    @Test
    void calibrateRefitsOnTheHeldOutDocumentsAndKeepsAccuracy() throws Exception {
        Path out = dir.resolve("recalibrated.zip");
        CliTest.Run r = CliTest.run("calibrate", "--model", model.toString(), "--data", data.toString(), "--output",
                out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("fitting on the 24 documents"), r.out());
        assertTrue(r.out().contains("expected calibration error"), r.out());
        Temperature trained = TextClassifier.load(model).temperature().orElseThrow();
        Temperature refit = TextClassifier.load(out).temperature().orElseThrow();
        // The same documents and the same probabilities: the same temperature as train fitted.
        assertEquals(trained.temperature(), refit.temperature(), 1e-6);
        CliTest.Run cal = CliTest.run("evaluate", "--model", out.toString(), "--data", data.toString(), "--held-out");
        CliTest.Run raw = CliTest.run("evaluate", "--model", out.toString(), "--data", data.toString(), "--held-out",
                "--raw-probabilities");
        assertEquals(0, cal.code(), cal.err());
        String acc = "accuracy: ";
        assertEquals(field(cal.out(), acc), field(raw.out(), acc));
    }

    @Test
    void explainPrintsColouredTokensJsonAndAPage() throws Exception {
        CliTest.Run text = CliTest.run("explain", "--model", model.toString(), "--text", "a superb and moving film",
                "--color", "always");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("predicted "), text.out());
        assertTrue(text.out().contains("\u001b["), "coloured");
        assertTrue(text.out().contains("most for "), text.out());
        Path page = dir.resolve("explain.html");
        CliTest.Run json = CliTest.run("explain", "--model", model.toString(), "--text", "a superb and moving film",
                "--json", "--html", page.toString());
        assertEquals(0, json.code(), json.err());
        JsonNode j = Json.MAPPER.readTree(json.out());
        assertEquals(5, j.get("tokens").size());
        assertEquals("superb", j.get("tokens").get(1).get("token").asText());
        assertEquals(3, j.get("tokens").get(1).get("attribution").size());
        assertTrue(Files.readString(page).contains("class=\"tokens\""));
        Path file = Files.writeString(dir.resolve("doc.txt"), "boring and dull, the worst", StandardCharsets.UTF_8);
        CliTest.Run fromFile = CliTest.run("explain", "--model", model.toString(), "--input", file.toString(),
                "--label", "bad", "--color", "never");
        assertEquals(0, fromFile.code(), fromFile.err());
        assertTrue(fromFile.out().contains("attributions toward bad"), fromFile.out());
        assertFalse(fromFile.out().contains("\u001b["));
    }

    @Test
    void theFaithfulnessMeasureSeesTheLabelWords() throws Exception {
        io.textcls.eval.Faithfulness.Result f = io.textcls.eval.Faithfulness.measure(TextClassifier.load(model), data,
                1000, 5, 2, 3, line -> { });
        assertEquals(24, f.documents(), "every held-out document");
        assertTrue(f.topDrop() > 0.05, f.toString());
        assertTrue(f.ratio() > 3, f.toString());
        assertTrue(f.toString().contains("ratio: "), f.toString());
    }

    @Test
    void badInputsGetClearErrors() throws Exception {
        CliTest.Run missing = CliTest.run("explain", "--model", model.toString(), "--input", dir.resolve("nope.txt")
                .toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("nope.txt does not exist"), missing.err());
        CliTest.Run label = CliTest.run("explain", "--model", model.toString(), "--text", "x", "--label", "ugly");
        assertEquals(1, label.code());
        assertTrue(label.err().contains("--label 'ugly' is not a label"), label.err());
        CliTest.Run both = CliTest.run("explain", "--model", model.toString());
        assertEquals(2, both.code());

        // A calibration entry whose temperature is not positive, with a matching checksum.
        Path edited = dir.resolve("edited.zip");
        rewriteCalibration(model, edited, "{\"temperature\": -1, \"documents\": 24, \"logLossBefore\": 1, "
                + "\"logLossAfter\": 1, \"eceBefore\": 0.1, \"eceAfter\": 0.1}");
        BundleException e = org.junit.jupiter.api.Assertions.assertThrows(BundleException.class,
                () -> ModelBundle.read(edited));
        assertTrue(e.getMessage().contains("entry calibration.json"), e.getMessage());
        assertTrue(e.getMessage().contains("temperature must be positive"), e.getMessage());
    }

    static String field(String out, String name) {
        int i = out.indexOf(name) + name.length();
        return out.substring(i, out.indexOf(' ', i));
    }

    static List<String> entries(Path zip) throws Exception {
        List<String> names = new java.util.ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                names.add(e.getName());
            }
        }
        return names;
    }

    /** Copies a bundle with another calibration.json and the manifest's checksum updated to match. */
    static void rewriteCalibration(Path from, Path to, String calibration) throws Exception {
        java.util.Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(from))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        byte[] cal = calibration.getBytes(StandardCharsets.UTF_8);
        entries.put(ModelBundle.CALIBRATION, cal);
        com.fasterxml.jackson.databind.node.ObjectNode manifest = (com.fasterxml.jackson.databind.node.ObjectNode)
                Json.MAPPER.readTree(entries.get(ModelBundle.MANIFEST));
        String sum = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(cal));
        ((com.fasterxml.jackson.databind.node.ObjectNode) manifest.get("sha256")).put(ModelBundle.CALIBRATION, sum);
        entries.put(ModelBundle.MANIFEST, Json.MAPPER.writeValueAsBytes(manifest));
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(to))) {
            for (var en : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(en.getKey()));
                out.write(en.getValue());
                out.closeEntry();
            }
        }
    }
}
