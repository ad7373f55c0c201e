package io.textcls.classifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.textcls.TestCorpora;
import io.textcls.TinyTraining;
import io.textcls.util.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a bundle can be broken gets one BundleException naming the file, the entry and the problem. */
class CorruptBundleTest {
    @TempDir
    static Path dir;
    static Path good;

    @BeforeAll
    static void train() throws Exception {
        good = dir.resolve("good.zip");
        TinyTraining.train(TestCorpora.write(dir.resolve("data"), 20, 3), good, TinyTraining.config(1));
    }

    static Map<String, byte[]> entries(Path zip) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                m.put(e.getName(), in.readAllBytes());
            }
        }
        return m;
    }

    static Path rewrite(String name, UnaryOperator<Map<String, byte[]>> change) throws IOException {
        Map<String, byte[]> m = change.apply(entries(good));
        Path out = dir.resolve(name);
        try (OutputStream os = Files.newOutputStream(out); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : m.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return out;
    }

    /** Replaces an entry and fixes its checksum in the manifest, so later checks are reached. */
    static Map<String, byte[]> replaceSigned(Map<String, byte[]> m, String entry, byte[] bytes) {
        try {
            m.put(entry, bytes);
            ObjectNode manifest = (ObjectNode) Json.MAPPER.readTree(m.get(ModelBundle.MANIFEST));
            ((ObjectNode) manifest.get("sha256")).put(entry,
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
            m.put(ModelBundle.MANIFEST, Json.MAPPER.writeValueAsBytes(manifest));
            return m;
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    static void fails(Path bundle, String... fragments) {
        BundleException e = assertThrows(BundleException.class, () -> TextClassifier.load(bundle));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message lacks '" + f + "': " + e.getMessage());
        }
    }

    @Test
    void missingFile() {
        fails(dir.resolve("absent.zip"), "absent.zip", "does not exist");
    }

    @Test
    void notAZip() throws Exception {
        Path p = dir.resolve("text.zip");
        Files.writeString(p, "hello");
        fails(p, "text.zip", "not");
    }

    @Test
    void truncatedZip() throws Exception {
        byte[] all = Files.readAllBytes(good);
        Path p = dir.resolve("truncated.zip");
        Files.write(p, java.util.Arrays.copyOf(all, all.length / 2));
        assertThrows(BundleException.class, () -> TextClassifier.load(p));
    }

    @Test
    void plainDl4jZipWithoutManifest() throws Exception {
        fails(rewrite("nomanifest.zip", m -> {
            m.remove(ModelBundle.MANIFEST);
            return m;
        }), "nomanifest.zip", "manifest.json");
    }

    @Test
    void missingEntry() throws Exception {
        fails(rewrite("novocab.zip", m -> {
            m.remove(ModelBundle.VOCABULARY);
            return m;
        }), "novocab.zip", "vocabulary.txt", "missing");
    }

    @Test
    void badChecksum() throws Exception {
        fails(rewrite("tampered.zip", m -> {
            m.put(ModelBundle.LABELS, "bad\ngood\nugly\n".getBytes(StandardCharsets.UTF_8));
            return m;
        }), "tampered.zip", "labels.txt", "checksum");
    }

    @Test
    void futureFormatVersion() throws Exception {
        fails(rewrite("future.zip", m -> {
            try {
                ObjectNode manifest = (ObjectNode) Json.MAPPER.readTree(m.get(ModelBundle.MANIFEST));
                manifest.put("formatVersion", 99);
                m.put(ModelBundle.MANIFEST, Json.MAPPER.writeValueAsBytes(manifest));
                return m;
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }), "future.zip", "version 99", "newer");
    }

    @Test
    void labelCountMismatch() throws Exception {
        fails(rewrite("twolabels.zip", m -> replaceSigned(m, ModelBundle.LABELS,
                "bad\ngood\n".getBytes(StandardCharsets.UTF_8))), "twolabels.zip", "labels.txt", "2 labels", "3");
    }

    @Test
    void vocabularySizeMismatch() throws Exception {
        fails(rewrite("shortvocab.zip", m -> replaceSigned(m, ModelBundle.VOCABULARY,
                "<pad>\n<unk>\nthe\n".getBytes(StandardCharsets.UTF_8))), "shortvocab.zip", "vocabulary.txt", "3 tokens");
    }

    @Test
    void unknownTokenizer() throws Exception {
        fails(rewrite("tokenizer.zip", m -> {
            String p = new String(m.get(ModelBundle.PIPELINE), StandardCharsets.UTF_8)
                    .replace("opennlp-en-ud-ewt-tokens-1.3", "spacy-en-9");
            return replaceSigned(m, ModelBundle.PIPELINE, p.getBytes(StandardCharsets.UTF_8));
        }), "tokenizer.zip", "spacy-en-9");
    }

    @Test
    void unknownArchitecture() throws Exception {
        fails(rewrite("arch.zip", m -> {
            String p = new String(m.get("network-1.json"), StandardCharsets.UTF_8)
                    .replace("lstm-last.v1", "transformer.v7");
            return replaceSigned(m, "network-1.json", p.getBytes(StandardCharsets.UTF_8));
        }), "arch.zip", "transformer.v7");
    }

    @Test
    void parameterEntryThatIsNotParameters() throws Exception {
        fails(rewrite("net.zip", m -> replaceSigned(m, "network-1.params",
                "not parameters".getBytes(StandardCharsets.UTF_8))), "net.zip", "network-1.params", "TCLSPAR1");
    }

    @Test
    void parametersOfAnotherSize() throws Exception {
        fails(rewrite("size.zip", m -> replaceSigned(m, "network-1.params",
                io.textcls.model.NetworkWeights.of(new float[10]).toBytes())), "size.zip", "network-1.params",
                "10 parameters");
    }

    @Test
    void flippedParameterBitFailsTheCrc() throws Exception {
        fails(rewrite("crc.zip", m -> {
            byte[] p = m.get("network-1.params").clone();
            p[40] ^= 1;
            return replaceSigned(m, "network-1.params", p);
        }), "crc.zip", "network-1.params", "CRC-32");
    }

    @Test
    void flippedParameterBitWithTheOldManifestFailsTheCrc() throws Exception {
        fails(rewrite("crc-unsigned.zip", m -> {
            byte[] p = m.get("network-1.params").clone();
            p[40] ^= 1;
            m.put("network-1.params", p);
            return m;
        }), "crc-unsigned.zip", "network-1.params", "CRC-32");
    }

    /**
     * Loading checks parameters by their own CRC-32 and size, not the manifest's SHA-256: a
     * well-formed parameter entry of the right size put in by hand loads, and {@code verify} (run by
     * {@code inspect}) is what finds it.
     */
    @Test
    void verifyFindsReplacedParametersThatLoadingLets() throws Exception {
        Path p = rewrite("replaced.zip", m -> {
            int n = io.textcls.model.NetworkWeights.fromBytes(m.get("network-1.params"), "network-1.params").size();
            m.put("network-1.params", io.textcls.model.NetworkWeights.of(new float[n]).toBytes());
            return m;
        });
        TextClassifier.load(p);
        BundleException e = assertThrows(BundleException.class, () -> ModelBundle.verify(p));
        assertTrue(e.getMessage().contains("replaced.zip") && e.getMessage().contains("network-1.params")
                && e.getMessage().contains("checksum mismatch"), e.getMessage());
        assertEquals(entries(good).size() - 1, ModelBundle.verify(good));
    }

    @Test
    void anEntryTheManifestDoesNotNameIsRefused() throws Exception {
        fails(rewrite("extra.zip", m -> {
            m.put("extra.class", new byte[] {(byte) 0xCA, (byte) 0xFE});
            return m;
        }), "extra.zip", "extra.class", "not named");
    }

    @Test
    void aNewBundleHoldsNoClassName() throws Exception {
        for (Map.Entry<String, byte[]> e : entries(good).entrySet()) {
            String text = new String(e.getValue(), StandardCharsets.ISO_8859_1);
            for (String forbidden : new String[] {"io.textcls", "org.deeplearning4j", "org.nd4j"}) {
                assertTrue(!text.contains(forbidden), e.getKey() + " contains the class name prefix " + forbidden);
            }
        }
    }
}
