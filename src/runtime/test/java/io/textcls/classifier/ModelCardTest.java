package io.textcls.classifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.textcls.golden.GoldenSet;
import io.textcls.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every stored shape of {@code card.json} reads into the card's records, and what they write is what was read. */
class ModelCardTest {
    @TempDir
    Path dir;

    private Path golden(String name) throws Exception {
        return GoldenSet.copy(name, dir);
    }

    private static JsonNode rawCard(Path bundle) throws Exception {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(bundle))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (e.getName().equals(ModelBundle.CARD)) {
                    return Json.MAPPER.readTree(in.readAllBytes());
                }
            }
        }
        throw new AssertionError("no card in " + bundle);
    }

    /** A copy without null fields: a null and an absent field read the same. */
    private static JsonNode withoutNulls(JsonNode n) {
        JsonNode copy = n.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode n) {
        if (n instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            List<String> nulls = new ArrayList<>();
            o.fields().forEachRemaining(e -> {
                if (e.getValue().isNull()) {
                    nulls.add(e.getKey());
                } else {
                    strip(e.getValue());
                }
            });
            o.remove(nulls);
        } else if (n.isArray()) {
            n.forEach(ModelCardTest::strip);
        }
    }

    @Test
    void everyGoldenCardReadsAndWritesBackWhatItRead() throws Exception {
        for (String name : GoldenSet.NAMES) {
            Path p = golden(name);
            ModelCard card = ModelBundle.read(p).card();
            JsonNode raw = rawCard(p);
            assertNotNull(card.corpus(), name);
            assertEquals(raw.path("corpus").path("fingerprint").asText(), card.corpus().fingerprint(), name);
            assertEquals(raw.path("corpus").path("validationIds").size(), card.corpus().validationIds().size(), name);
            JsonNode written = Json.MAPPER.valueToTree(card);
            assertEquals(withoutNulls(raw.path("corpus")), written.path("corpus"), name + ": the corpus, written back");
            if (!name.startsWith("format1") && !name.startsWith("format2")) { // theirs are read into today's shape
                assertEquals(withoutNulls(raw.path("result")), withoutNulls(written.path("result")),
                        name + ": the result, written back");
            }
            ModelCard again = Json.MAPPER.treeToValue(written, ModelCard.class);
            assertEquals(written, Json.MAPPER.valueToTree(again), name + ": a second round trip");
        }
    }

    /** Format 1 stored its one network's figures at the top of the result; they read as its only network. */
    @Test
    void aFormatOneResultIsItsOneNetwork() throws Exception {
        Path p = golden("format1-lstm-pool");
        JsonNode raw = rawCard(p).path("result");
        ModelCard.Result r = ModelBundle.read(p).card().result();
        assertEquals(1, r.networks().size());
        ModelCard.NetworkResult n = r.networks().get(0);
        assertNull(n.name());
        assertEquals(raw.path("bestEpoch").asInt(), n.bestEpoch());
        assertEquals(raw.path("stopReason").asText(), n.stopReason());
        assertEquals(raw.path("history").size(), n.history().size());
        assertEquals(raw.path("history").path(n.bestEpoch() - 1).path("validationAccuracy").asDouble(),
                n.validationAccuracy());
        assertNull(r.stopReason());
    }

    /** A format 2 ensemble lists its member bundles, each with its own (format 1) result. */
    @Test
    void aFormatTwoEnsembleListsItsMembers() throws Exception {
        ModelCard.Result r = ModelBundle.read(golden("format2-ensemble")).card().result();
        assertNull(r.networks());
        assertFalse(r.members().isEmpty());
        for (ModelCard.Member m : r.members()) {
            assertNotNull(m.bundle());
            assertEquals(1, m.result().networks().size(), m.bundle());
            assertFalse(m.result().networks().get(0).history().isEmpty(), m.bundle());
        }
    }
}
