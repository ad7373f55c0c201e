package io.textcls.classifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.textcls.golden.GoldenSet;
import io.textcls.util.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bundles of every format textcls has written, for every architecture and an ensemble, with the
 * predictions they gave when written (src/test/resources/golden): every later build must keep
 * loading them and scoring as recorded. Formats 1 and 2 were written by the builds that wrote
 * those formats; format 3 by {@code GoldenBundles} ({@code scripts/write-golden.sh}).
 */
class GoldenBundleTest {
    static List<String> names() {
        return GoldenSet.NAMES;
    }

    @ParameterizedTest
    @MethodSource("names")
    void goldenBundleStillLoadsAndScoresAsRecorded(String name, @TempDir Path dir) throws Exception {
        Path bundle = GoldenSet.copy(name, dir);
        TextClassifier c = TextClassifier.load(bundle);
        JsonNode expected = Json.MAPPER.readTree(getClass().getResource("/golden/" + name + ".predictions.json"));
        List<String> texts = GoldenSet.texts();
        List<Prediction> preds = c.classifyAll(texts);
        assertEquals(expected.size(), preds.size());
        for (int i = 0; i < preds.size(); i++) {
            assertEquals(expected.get(i).get(0).asText(), preds.get(i).label(), name + " document " + i);
            for (int k = 0; k < c.labels().size(); k++) {
                assertEquals(expected.get(i).get(1).get(k).asDouble(), preds.get(i).probability(k), 1e-6,
                        name + " document " + i);
            }
        }
        assertEquals(0.0, c.selfTestMaxDifference(), 1e-6, name + " self-test");
        assertEquals(name.contains("ensemble") ? 2 : 1, c.members().size());
        // Bundles written before temperatures were fitted have none and score with temperature 1.
        assertEquals(name.contains("calibrated") || name.equals("format3-ngram-nb"), c.temperature().isPresent(),
                name + " temperature");
        if (c.temperature().isPresent()) {
            List<Prediction> raw = c.uncalibrated().classifyAll(texts);
            for (int i = 0; i < preds.size(); i++) {
                assertEquals(preds.get(i).label(), raw.get(i).label(), name + " document " + i);
            }
            int last = preds.size() - 1; // the empty document: its prior, not a saturated 1.0
            assertNotEquals(preds.get(last).probability(0), raw.get(last).probability(0),
                    name + ": the temperature is used");
        }
    }
}
