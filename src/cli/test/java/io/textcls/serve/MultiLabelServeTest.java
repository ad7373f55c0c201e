package io.textcls.serve;

import static io.textcls.serve.ServeClient.get;
import static io.textcls.serve.ServeClient.post;
import static io.textcls.serve.ServeClient.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.textcls.MultiLabelCorpora;
import io.textcls.classifier.MultiLabelDecision;
import io.textcls.classifier.Prediction;
import io.textcls.classifier.TextClassifier;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A multi-label classifier served on a loopback port: label sets in every answer, task and thresholds in /v1/model. */
class MultiLabelServeTest {
    @TempDir
    static Path dir;
    static Path bundle;
    static TextClassifier classifier;
    static Server server;
    static URI base;

    @BeforeAll
    static void trainAndStart() throws Exception {
        bundle = MultiLabelCorpora.trainTiny(dir.resolve("train.jsonl"), dir.resolve("ml.zip"));
        classifier = TextClassifier.load(bundle);
        assertTrue(classifier.multiLabel());
        server = Server.start(classifier, options().withBundle(bundle));
        base = server.uri();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    static ServerOptions options() {
        return ServerOptions.defaults().withPort(0).withWorkers(2);
    }

    static Path golden(String name, Path to) throws IOException {
        try (InputStream in = MultiLabelServeTest.class.getResourceAsStream("/golden/" + name + ".zip")) {
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
        return to;
    }

    static String body(Object json) {
        return MultiLabelCorpora.compact(json);
    }

    /** Texts with no, one, two and three labels' words, and one with no words at all. */
    static List<String> texts() {
        Random r = new Random(8);
        List<String> out = new ArrayList<>(List.of(
                "the team coach said the bank loan and the league profit",
                "the storm and rain hit the market price of stocks today",
                "the forecast said rain and wind and snow in the city",
                "the people said this was local news of the week",
                "<br /><br />"));
        for (int i = 0; i < 25; i++) {
            List<Integer> set = new ArrayList<>();
            for (int l = 0; l < 3; l++) {
                if (r.nextInt(2) == 0) {
                    set.add(l);
                }
            }
            out.add(MultiLabelCorpora.text(r, set));
        }
        return out;
    }

    static List<String> strings(JsonNode array) {
        assertTrue(array.isArray(), "an array: " + array);
        List<String> out = new ArrayList<>();
        array.forEach(x -> out.add(x.asText()));
        return out;
    }

    static void assertAnswers(Prediction want, JsonNode got, String what) {
        List<String> labels = classifier.labels().names();
        assertEquals(want.predictedLabels(), strings(got.path("labels")), what + ": " + got);
        assertEquals(want.label(), got.path("label").asText(), what);
        assertEquals(want.empty(), got.path("empty").asBoolean(), what);
        JsonNode probs = got.path("probabilities");
        assertEquals(labels, iterate(probs.fieldNames()), what);
        for (int k = 0; k < labels.size(); k++) {
            assertEquals(want.probs()[k], probs.path(labels.get(k)).asDouble(), 1e-6, what + " " + labels.get(k));
        }
    }

    static List<String> iterate(Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void everyPredictionHasTheLabelSetClassifyGives() throws Exception {
        List<String> texts = texts();
        List<Prediction> want = classifier.classifyAll(texts);
        JsonNode batch = postJson(base, body(Map.of("texts", texts))).json().path("predictions");
        assertEquals(texts.size(), batch.size());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<ServeClient.Answer>> singles = new ArrayList<>();
            for (String t : texts) {
                singles.add(pool.submit(() -> postJson(base, body(Map.of("text", t)))));
            }
            int withTwo = 0;
            for (int i = 0; i < texts.size(); i++) {
                Prediction single = classifier.classify(texts.get(i));
                assertEquals(single.predictedLabels(), want.get(i).predictedLabels(), "classify and classifyAll");
                assertAnswers(want.get(i), batch.get(i), "batch doc " + i);
                ServeClient.Answer a = singles.get(i).get(20, TimeUnit.SECONDS);
                assertEquals(200, a.status(), a.body());
                assertAnswers(want.get(i), a.json().path("predictions").get(0), "single doc " + i);
                withTwo += want.get(i).predictedLabels().size() >= 2 ? 1 : 0;
            }
            assertTrue(withTwo >= 3, "several documents get two labels or more: " + withTwo);
        } finally {
            pool.shutdown();
        }
        assertEquals(List.of("money", "sport"), strings(batch.get(0).path("labels")), batch.get(0).toString());
        assertEquals(List.of("money", "weather"), strings(batch.get(1).path("labels")), batch.get(1).toString());
        assertTrue(batch.get(4).path("empty").asBoolean(), "markup only is flagged empty");
    }

    @Test
    void modelInfoReportsTheTaskAndEveryLabelsThreshold() {
        JsonNode m = get(base, "/v1/model", null).json();
        assertEquals("multi-label", m.path("task").asText(), m.toString());
        MultiLabelDecision d = classifier.decision().orElseThrow();
        JsonNode t = m.path("thresholds");
        assertEquals(classifier.labels().names(), iterate(t.fieldNames()), m.toString());
        for (int k = 0; k < d.labels().size(); k++) {
            assertEquals(d.threshold(k), t.path(d.labels().get(k)).asDouble(), 1e-7, m.toString());
        }
        assertEquals(d.atLeastOne(), m.path("at_least_one").asBoolean(), m.toString());
        assertEquals(classifier.labels().names(), strings(m.path("labels")));
        assertEquals("multi-label", m.path("recipe").path("task").asText(), m.toString());
    }

    @Test
    void topKWorksAndATwoLabelThresholdIsRefused() {
        String text = "the team coach said the bank loan and the league profit";
        JsonNode p = postJson(base, body(Map.of("text", text, "top_k", 2))).json().path("predictions").get(0);
        assertEquals(2, p.path("top_k").size(), p.toString());
        assertEquals(p.path("label").asText(), p.path("top_k").get(0).path("label").asText());
        assertEquals(List.of("money", "sport"), strings(p.path("labels")));
        ServeClient.Answer a = postJson(base, body(Map.of("text", text, "threshold", 0.5)));
        assertEquals(400, a.status(), a.body());
        assertEquals("invalid_threshold", a.errorCode(), a.body());
    }

    @Test
    void aSingleLabelBundlesAnswersHaveNoLabelSet() throws Exception {
        Path single = golden("format3-ensemble", dir.resolve("single.zip"));
        TextClassifier c = TextClassifier.load(single);
        assertFalse(c.multiLabel());
        try (Server s = Server.start(c, options().withBundle(single))) {
            JsonNode preds = postJson(s.uri(), body(Map.of("texts", List.of("a superb and moving film", "dull"))))
                    .json().path("predictions");
            assertEquals(2, preds.size());
            for (JsonNode p : preds) {
                assertFalse(p.has("labels"), "no label set from a single-label classifier: " + p);
                assertTrue(p.has("label") && p.has("probabilities"), p.toString());
            }
            JsonNode m = get(s.uri(), "/v1/model", null).json();
            assertEquals("single-label", m.path("task").asText(), m.toString());
            assertFalse(m.has("thresholds") || m.has("at_least_one"), m.toString());
        }
    }

    @Test
    void reloadingAMultiLabelBundleOverASingleLabelOneSwitchesTheAnswers() throws Exception {
        Path path = golden("format3-ensemble", dir.resolve("reload.zip"));
        try (Server s = Server.start(TextClassifier.load(path), options().withBundle(path))) {
            assertEquals("single-label", get(s.uri(), "/v1/model", null).json().path("task").asText());
            Files.copy(bundle, path, StandardCopyOption.REPLACE_EXISTING);
            ServeClient.Answer r = post(s.uri(), "/v1/admin/reload", "application/json", new byte[0], null);
            assertEquals(200, r.status(), r.body());
            JsonNode m = get(s.uri(), "/v1/model", null).json();
            assertEquals("multi-label", m.path("task").asText(), m.toString());
            assertEquals(3, m.path("thresholds").size(), m.toString());
            String text = "the storm and rain hit the market price of stocks today";
            JsonNode p = postJson(s.uri(), body(Map.of("text", text))).json().path("predictions").get(0);
            assertAnswers(classifier.classify(text), p, "after reload");
        }
    }
}
