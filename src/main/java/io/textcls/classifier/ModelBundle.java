package io.textcls.classifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.textcls.TextclsException;
import io.textcls.Versions;
import io.textcls.encode.SequenceSettings;
import io.textcls.model.Architectures;
import io.textcls.model.NetworkSpec;
import io.textcls.text.TextPipeline;
import io.textcls.text.TextPipelineSettings;
import io.textcls.util.AtomicFiles;
import io.textcls.util.Json;
import io.textcls.vocab.LabelSet;
import io.textcls.vocab.Vocabulary;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * The classifier bundle: one zip that is enough to score text. The zip layout lives only here.
 *
 * <pre>
 * manifest.json       format name and version, versions, SHA-256 of every other entry
 * labels.txt          label names in output order, one per line
 * vocabulary.txt      tokens in id order, one per line (0 = &lt;pad&gt;, 1 = &lt;unk&gt;)
 * pipeline.json       text pipeline settings (tokenizer, lower-casing, markup) and sequence settings
 * network.json        network spec: architecture name and sizes
 * card.json           model card: training config, corpus fingerprint, scores, self-test
 * network.dl4j.zip    the DL4J network (ModelSerializer, no updater state)
 * network-K.json      (ensembles, format 2) member K's spec, K = 2..members
 * network-K.dl4j.zip  (ensembles, format 2) member K's network
 * </pre>
 *
 * <p>An ensemble (made by {@code textcls ensemble}) is one bundle whose networks share the labels,
 * vocabulary and pipeline; its prediction is the mean of their probabilities. A single network is
 * written as format 1, so older readers still load it; an ensemble is format 2 and records its
 * member count in the manifest.
 *
 * No Java serialization and no class names are stored. Loading checks, in order: zip, manifest
 * format and version, every entry's presence and checksum, then that the parts agree (labels =
 * network outputs, vocabulary = embedding rows, known tokenizer and architecture).
 */
public final class ModelBundle {
    public static final String FORMAT = "textcls-classifier";
    /** Bumped whenever the layout or an entry's meaning changes; readers accept this and older. */
    public static final int FORMAT_VERSION = 2;

    public static final String MANIFEST = "manifest.json";
    public static final String LABELS = "labels.txt";
    public static final String VOCABULARY = "vocabulary.txt";
    public static final String PIPELINE = "pipeline.json";
    public static final String NETWORK_SPEC = "network.json";
    public static final String CARD = "card.json";
    public static final String NETWORK = "network.dl4j.zip";
    static final List<String> REQUIRED = List.of(LABELS, VOCABULARY, PIPELINE, NETWORK_SPEC, CARD, NETWORK);
    /** Largest bundle read into memory; a real one is ~10-30 MB. */
    static final long MAX_BYTES = 2L << 30;
    /** Most networks in one ensemble bundle. */
    public static final int MAX_MEMBERS = 16;

    /** Text and sequence settings, stored together in {@code pipeline.json}. */
    public record PipelineEntry(TextPipelineSettings text, SequenceSettings sequence) {
    }

    /** One network of a bundle and its spec. */
    public record Member(NetworkSpec spec, MultiLayerNetwork network) {
    }

    /**
     * Everything a bundle holds, checked. {@code spec} and {@code network} are the first (for most
     * bundles the only) network; {@code moreMembers} are an ensemble's other networks.
     */
    public record Contents(LabelSet labels, Vocabulary vocabulary, PipelineEntry pipeline, NetworkSpec spec,
                           ModelCard card, MultiLayerNetwork network, List<Member> moreMembers) {
        public Contents {
            moreMembers = List.copyOf(moreMembers);
        }

        /** A single-network bundle. */
        public Contents(LabelSet labels, Vocabulary vocabulary, PipelineEntry pipeline, NetworkSpec spec,
                        ModelCard card, MultiLayerNetwork network) {
            this(labels, vocabulary, pipeline, spec, card, network, List.of());
        }

        /** Every network, the first one first. */
        public List<Member> members() {
            List<Member> all = new ArrayList<>(1 + moreMembers.size());
            all.add(new Member(spec, network));
            all.addAll(moreMembers);
            return all;
        }
    }

    static String specEntry(int member) {
        return member == 1 ? NETWORK_SPEC : "network-" + member + ".json";
    }

    static String networkEntry(int member) {
        return member == 1 ? NETWORK : "network-" + member + ".dl4j.zip";
    }

    private ModelBundle() {
    }

    /** Writes a bundle atomically: the target is replaced only once the whole zip is on disk. */
    public static void write(Path target, Contents c) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(LABELS, lines(c.labels().names()));
        entries.put(VOCABULARY, lines(c.vocabulary().tokens()));
        entries.put(PIPELINE, Json.MAPPER.writeValueAsBytes(c.pipeline()));
        entries.put(CARD, Json.MAPPER.writeValueAsBytes(c.card()));
        List<Member> members = c.members();
        for (int k = 1; k <= members.size(); k++) {
            entries.put(specEntry(k), Json.MAPPER.writeValueAsBytes(members.get(k - 1).spec()));
            ByteArrayOutputStream net = new ByteArrayOutputStream();
            ModelSerializer.writeModel(members.get(k - 1).network(), net, false);
            entries.put(networkEntry(k), net.toByteArray());
        }

        ObjectNode manifest = Json.MAPPER.createObjectNode();
        manifest.put("format", FORMAT);
        manifest.put("formatVersion", members.size() == 1 ? 1 : 2);
        if (members.size() > 1) {
            manifest.put("members", members.size());
        }
        manifest.put("textclsVersion", Versions.TEXTCLS);
        manifest.put("dl4jVersion", Versions.DL4J);
        ObjectNode sums = manifest.putObject("sha256");
        entries.forEach((name, bytes) -> sums.put(name, sha256(bytes)));

        AtomicFiles.write(target, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            put(zip, MANIFEST, Json.MAPPER.writeValueAsBytes(manifest));
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                put(zip, e.getKey(), e.getValue());
            }
            zip.finish();
        });
    }

    /** Reads and checks a bundle; every problem is a {@link BundleException} naming file and entry. */
    public static Contents read(Path file) {
        Map<String, byte[]> entries = readEntries(file);
        byte[] manifestBytes = entries.get(MANIFEST);
        if (manifestBytes == null) {
            throw new BundleException(file + " has no " + MANIFEST + ": it is a zip but not a textcls classifier "
                    + "bundle (make one with 'textcls train')");
        }
        JsonNode manifest = parse(file, MANIFEST, manifestBytes);
        String format = manifest.path("format").asText("");
        if (!FORMAT.equals(format)) {
            throw new BundleException(file + ": " + MANIFEST + " says format '" + format + "', expected '" + FORMAT + "'");
        }
        int version = manifest.path("formatVersion").asInt(-1);
        if (version < 1 || version > FORMAT_VERSION) {
            throw new BundleException(file + ": bundle format version " + version + " is not supported: this textcls "
                    + Versions.TEXTCLS + " reads versions 1 to " + FORMAT_VERSION
                    + (version > FORMAT_VERSION ? "; it was made by a newer textcls (" + manifest.path("textclsVersion")
                    .asText("?") + "): upgrade textcls" : ""));
        }
        int memberCount = version == 1 ? 1 : manifest.path("members").asInt(1);
        if (memberCount < 1 || memberCount > MAX_MEMBERS) {
            throw new BundleException(file + ": " + MANIFEST + " says " + manifest.path("members") + " members; "
                    + "expected 1 to " + MAX_MEMBERS);
        }
        List<String> required = new ArrayList<>(REQUIRED);
        for (int k = 2; k <= memberCount; k++) {
            required.add(specEntry(k));
            required.add(networkEntry(k));
        }
        JsonNode sums = manifest.path("sha256");
        for (String name : required) {
            if (!entries.containsKey(name)) {
                throw new BundleException(file + ": entry " + name + " is missing; the bundle is incomplete or was "
                        + "edited: retrain or copy it again");
            }
            String expected = sums.path(name).asText("");
            String actual = sha256(entries.get(name));
            if (!expected.equals(actual)) {
                throw new BundleException(file + ": entry " + name + " checksum mismatch (manifest says "
                        + (expected.isEmpty() ? "nothing" : expected) + ", content is " + actual
                        + "): the file is corrupt or was edited; copy it again or retrain");
            }
        }
        LabelSet labels;
        Vocabulary vocabulary;
        PipelineEntry pipeline;
        List<NetworkSpec> specs = new ArrayList<>();
        ModelCard card;
        try {
            labels = new LabelSet(textLines(entries.get(LABELS)));
            vocabulary = Vocabulary.of(textLines(entries.get(VOCABULARY)));
            pipeline = Json.MAPPER.readValue(entries.get(PIPELINE), PipelineEntry.class);
            for (int k = 1; k <= memberCount; k++) {
                specs.add(Json.MAPPER.readValue(entries.get(specEntry(k)), NetworkSpec.class));
            }
            card = Json.MAPPER.readValue(entries.get(CARD), ModelCard.class);
            if (pipeline.text() == null || pipeline.sequence() == null) {
                throw new BundleException(file + ": entry " + PIPELINE + " lacks 'text' or 'sequence' settings");
            }
        } catch (IOException e) {
            Throwable cause = e.getCause() instanceof TextclsException t ? t : e;
            throw new BundleException(file + ": an entry cannot be read: " + cause.getMessage(), e);
        } catch (TextclsException e) {
            throw e instanceof BundleException ? e : new BundleException(file + ": " + e.getMessage(), e);
        }
        try {
            new TextPipeline(pipeline.text()); // fails fast on an unknown tokenizer
        } catch (TextclsException e) {
            throw new BundleException(file + ": entry " + PIPELINE + ": " + e.getMessage(), e);
        }
        List<Member> members = new ArrayList<>();
        for (int k = 1; k <= memberCount; k++) {
            members.add(readMember(file, entries, k, specs.get(k - 1), labels, vocabulary));
        }
        return new Contents(labels, vocabulary, pipeline, specs.get(0), card, members.get(0).network(),
                members.subList(1, members.size()));
    }

    private static Member readMember(Path file, Map<String, byte[]> entries, int k, NetworkSpec spec, LabelSet labels,
                                     Vocabulary vocabulary) {
        String specName = specEntry(k);
        String netName = networkEntry(k);
        if (labels.size() != spec.numLabels()) {
            throw new BundleException(file + ": " + LABELS + " lists " + labels.size() + " labels but " + specName
                    + " says " + spec.numLabels());
        }
        if (vocabulary.size() != spec.vocabularySize()) {
            throw new BundleException(file + ": " + VOCABULARY + " has " + vocabulary.size() + " tokens but "
                    + specName + " says " + spec.vocabularySize());
        }
        MultiLayerNetwork network;
        try (InputStream in = new ByteArrayInputStream(entries.get(netName))) {
            network = ModelSerializer.restoreMultiLayerNetwork(in, false);
        } catch (IOException | RuntimeException e) {
            throw new BundleException(file + ": entry " + netName + " is not a DL4J network: " + e.getMessage(), e);
        }
        String mismatch = Architectures.mismatch(spec, network);
        if (mismatch != null) {
            throw new BundleException(file + ": entry " + netName + " does not match " + specName + ": " + mismatch);
        }
        return new Member(spec, network);
    }

    /** A bundle's manifest and entry sizes, from one read of the zip: for inspection. */
    public record Listing(JsonNode manifest, Map<String, Integer> entrySizes) {
    }

    public static Listing listing(Path file) {
        Map<String, byte[]> entries = readEntries(file);
        byte[] manifest = entries.get(MANIFEST);
        if (manifest == null) {
            throw new BundleException(file + ": entry " + MANIFEST + " is missing");
        }
        Map<String, Integer> sizes = new LinkedHashMap<>();
        entries.forEach((k, v) -> sizes.put(k, v.length));
        return new Listing(parse(file, MANIFEST, manifest), sizes);
    }

    private static Map<String, byte[]> readEntries(Path file) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try {
            if (Files.isDirectory(file)) {
                throw new BundleException(file + " is a folder, not a classifier bundle (.zip)");
            }
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new BundleException(file + " is " + size + " bytes, over the " + MAX_BYTES + " bundle limit");
            }
            try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
                ZipEntry e;
                while ((e = zip.getNextEntry()) != null) {
                    if (!e.isDirectory()) {
                        if (entries.put(e.getName(), zip.readAllBytes()) != null) {
                            throw new BundleException(file + ": entry " + e.getName() + " appears twice");
                        }
                    }
                }
            }
        } catch (NoSuchFileException e) {
            throw new BundleException("classifier bundle " + file + " does not exist; train one with "
                    + "'textcls train --data <folder> --model " + file + "'");
        } catch (ZipException e) {
            throw new BundleException(file + " is not a valid zip (" + e.getMessage() + "): the file is truncated or "
                    + "not a textcls bundle", e);
        } catch (IOException e) {
            throw new BundleException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (entries.isEmpty()) {
            throw new BundleException(file + " is empty or not a zip: not a textcls classifier bundle");
        }
        return entries;
    }

    private static JsonNode parse(Path file, String name, byte[] bytes) {
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new BundleException(file + ": entry " + name + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    private static byte[] lines(List<String> lines) {
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> textLines(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8);
        if (s.endsWith("\n")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.isEmpty() ? List.of() : Arrays.asList(s.split("\n", -1));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
