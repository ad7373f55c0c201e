package io.textcls.classifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.textcls.TestCorpora;
import io.textcls.TinyTraining;
import io.textcls.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bundle made by textcls 0.1.0 (format version 1) and the predictions it gave, committed under
 * src/test/resources/golden: every later build must keep loading it and scoring as recorded.
 * Regenerate only on purpose, with {@code -Dtextcls.golden.write=<src/test/resources/golden>}.
 */
class GoldenBundleTest {
    static final String BUNDLE = "/golden/tiny-v1.zip";
    static final String EXPECTED = "/golden/tiny-v1-predictions.json";

    static List<String> texts() {
        Random r = new Random(12);
        List<String> t = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            t.add(TestCorpora.document(r, i % 3));
        }
        t.add("A superb, brilliant and moving film: the best this year.");
        t.add("");
        return t;
    }

    @Test
    void goldenBundleStillLoadsAndScoresAsRecorded(@TempDir Path dir) throws Exception {
        String write = System.getProperty("textcls.golden.write");
        if (write != null) {
            Path out = Path.of(write);
            Path bundle = out.resolve("tiny-v1.zip");
            TinyTraining.train(TestCorpora.write(dir.resolve("data"), 30, 21), bundle, TinyTraining.config(4));
            List<Prediction> preds = TextClassifier.load(bundle).classifyAll(texts());
            Json.MAPPER.writeValue(out.resolve("tiny-v1-predictions.json").toFile(),
                    preds.stream().map(p -> new Object[] {p.label(), p.probs()}).toList());
        }
        Path bundle = dir.resolve("golden.zip");
        try (var in = getClass().getResourceAsStream(BUNDLE)) {
            Files.copy(in, bundle);
        }
        TextClassifier c = TextClassifier.load(bundle);
        JsonNode expected = Json.MAPPER.readTree(getClass().getResource(EXPECTED));
        List<Prediction> preds = c.classifyAll(texts());
        assertEquals(expected.size(), preds.size());
        for (int i = 0; i < preds.size(); i++) {
            assertEquals(expected.get(i).get(0).asText(), preds.get(i).label(), "document " + i);
            for (int k = 0; k < 3; k++) {
                assertEquals(expected.get(i).get(1).get(k).asDouble(), preds.get(i).probs()[k], 1e-6, "document " + i);
            }
        }
        assertEquals(0.0, c.selfTestMaxDifference(), 1e-6);
    }
}
