package io.textcls.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.textcls.MultiLabelCorpora;
import io.textcls.classifier.TextClassifier;
import io.textcls.util.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * evaluate --html on a multi-label classifier: the multi-label metrics with the same values as
 * --report's JSON, a per-label table with every label, each label's curves with its threshold, no
 * confusion matrix; in headless Chromium where /usr/bin/chromium exists.
 */
class MultiLabelReportCliTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path html;
    static JsonNode json;
    static String page;
    static JsonNode data;
    static TextClassifier classifier;

    @BeforeAll
    static void trainAndReport() throws Exception {
        model = MultiLabelCorpora.trainTiny(dir.resolve("train.jsonl"), dir.resolve("ml.zip"));
        classifier = TextClassifier.load(model);
        assertTrue(classifier.multiLabel());
        Path test = MultiLabelCorpora.write(dir.resolve("test.jsonl"),
                MultiLabelCorpora.jsonlTable(MultiLabelCorpora.documents(150, 43)));
        html = dir.resolve("report.html");
        Path report = dir.resolve("report.json");
        CliTest.Run r = CliTest.run("evaluate", "--model", model.toString(), "--data", test.toString(), "--report",
                report.toString(), "--html", html.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("HTML report written to " + html), r.out());
        json = Json.MAPPER.readTree(report.toFile());
        page = Files.readString(html);
        String block = page.substring(page.indexOf("type=\"application/json\">") + 24);
        data = Json.MAPPER.readTree(block.substring(0, block.indexOf("</script>")).replace("<\\/", "</"));
    }

    static String f4(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    @Test
    void theHeadlineMetricsAreTheReportsOwn() {
        for (String id : List.of("summary", "labels", "curves", "length", "training", "errors", "correct",
                "chart-label-f1", "chart-cardinality", "chart-pr", "chart-roc", "chart-length", "chart-training-0",
                "label-select", "report-data")) {
            assertTrue(page.contains("id=\"" + id + "\""), id);
        }
        for (String id : List.of("chart-confusion", "chart-reliability", "chart-confidence", "calibration")) {
            assertFalse(page.contains("id=\"" + id + "\""), id + ": single-label only");
        }
        assertTrue(page.contains("No confusion matrix"), "says why there is none");
        assertTrue(data.get("multiLabel").asBoolean());
        JsonNode m = data.get("metrics");
        for (String key : List.of("microF1", "macroF1", "samplesF1", "subsetAccuracy", "hammingLoss",
                "labelRankingAveragePrecision", "microPrecision", "microRecall", "logLoss")) {
            assertEquals(json.get(key).asDouble(), m.get(key).asDouble(), 0, key);
        }
        assertEquals(150, m.get("documents").asInt());
        // The cards show the same figures, each with its interval.
        for (String[] card : new String[][] {{"micro-F1", "microF1", "bootstrap"}, {"macro-F1", "macroF1", "bootstrap"},
                {"samples-F1", "samplesF1", "bootstrap"}, {"subset accuracy", "subsetAccuracy", "Wilson"},
                {"Hamming loss", "hammingLoss", "bootstrap"}, {"LRAP", "labelRankingAveragePrecision", "bootstrap"}}) {
            String want = "<div class=\"metric\">" + card[0] + "<b>" + f4(json.get(card[1]).asDouble())
                    + "</b><span class=\"muted\">95 % " + card[2] + ": ";
            assertTrue(page.contains(want), want);
        }
        assertFalse(page.contains("<script src"), "no script is fetched");
        assertFalse(page.contains("<link"), "no stylesheet is fetched");
    }

    @Test
    void thePerLabelTableHasEveryLabelWithItsThresholdAndCurves() {
        List<String> labels = MultiLabelCorpora.SORTED;
        assertEquals(labels, Json.MAPPER.convertValue(data.get("labels"), List.class));
        JsonNode per = data.get("perLabel");
        assertEquals(labels.size(), per.size());
        float[] thresholds = classifier.decision().orElseThrow().thresholds();
        for (int c = 0; c < labels.size(); c++) {
            JsonNode want = json.get("perLabel").get(c);
            JsonNode got = per.get(c);
            assertEquals(labels.get(c), got.get("label").asText());
            assertEquals(json.get("thresholds").get(c).asDouble(), got.get("threshold").asDouble(), 0);
            for (String key : List.of("precision", "recall", "f1", "support")) {
                assertEquals(want.get(key).asDouble(), got.get(key).asDouble(), 0, labels.get(c) + " " + key);
            }
            // Predicted count: the same true positives as precision and recall imply.
            long predicted = got.get("predicted").asLong();
            double tp = want.get("recall").asDouble() * want.get("support").asLong();
            assertEquals(tp, want.get("precision").asDouble() * predicted, 1e-6, labels.get(c));
            String row = String.format(Locale.ROOT, "<tr class=\"pick\" data-label=\"%d\"><td class=\"l\">%s</td>"
                    + "<td>%.4f</td><td>%s</td><td>%s</td><td>%s</td><td>%d</td><td>%d</td>", c, labels.get(c),
                    thresholds[c], f4(want.get("precision").asDouble()), f4(want.get("recall").asDouble()),
                    f4(want.get("f1").asDouble()), want.get("support").asLong(), predicted);
            assertTrue(page.contains(row), row);
            assertTrue(page.contains("<option value=\"" + c + "\">" + labels.get(c) + "</option>"), "selector");
            // Curves of the label's own probability; on this learnable corpus they are far above chance.
            JsonNode pr = got.get("pr");
            JsonNode roc = got.get("roc");
            assertNotNull(pr);
            assertEquals(pr.get("x").size(), pr.get("y").size());
            assertTrue(got.get("rocAuc").asDouble() > 0.8, got.toString());
            assertEquals(roc.get("area").asDouble(), got.get("rocAuc").asDouble(), 0);
            assertTrue(got.get("averagePrecision").asDouble() > 0.5, got.toString());
            assertTrue(got.get("at").get("recall").isNumber(), "the threshold's point");
        }
        JsonNode card = data.get("cardinality");
        assertEquals(150, sum(card.get("truth")));
        assertEquals(150, sum(card.get("predicted")));
    }

    @Test
    void trainingCurvesAndExplanationsAreThere() {
        assertEquals(1, data.get("training").size());
        assertEquals("micro-F1", data.get("score").asText());
        assertEquals("micro-F1", data.get("lengths").get("metric").asText());
        assertTrue(page.contains("class=\"tokens\""), "explained documents");
        assertTrue(page.contains("(the most probable label): "), "explains the most probable label");
    }

    static long sum(JsonNode a) {
        long s = 0;
        for (JsonNode v : a) {
            s += v.asLong();
        }
        return s;
    }

    @Test
    void theReportRendersInChromiumWithNoConsoleMessage() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(ReportBrowserTest.CHROMIUM), ReportBrowserTest.CHROMIUM
                + " is not installed: the browser check is skipped");
        Path png = dir.resolve("report.png");
        Process p = new ProcessBuilder("bash", "scripts/check-report-browser.sh", html.toString(), png.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the browser check timed out");
        assertEquals(0, p.exitValue(), out);
        // Label F1, labels per document, PR, ROC, micro-F1 by length, one network's training curves.
        assertTrue(out.contains("no console message, 6 charts"), out);
        byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head, "a PNG screenshot");
    }
}
