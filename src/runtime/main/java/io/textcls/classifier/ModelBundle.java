package io.textcls.classifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.textcls.TextclsException;
import io.textcls.Versions;
import io.textcls.encode.SequenceSettings;
import io.textcls.model.Architectures;
import io.textcls.model.LegacyWeights;
import io.textcls.model.NetworkLayout;
import io.textcls.model.NetworkSpec;
import io.textcls.model.NetworkWeights;
import io.textcls.recipe.Recipe;
import io.textcls.recipe.Recipes;
import io.textcls.text.TextPipeline;
import io.textcls.text.TextPipelineSettings;
import io.textcls.util.AtomicFiles;
import io.textcls.util.Json;
import io.textcls.vocab.LabelSet;
import io.textcls.vocab.Vocabulary;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classifier bundle: one zip that is enough to score text. The zip layout lives only here.
 * Format 3 (written since networks are stored as parameters):
 *
 * <pre>
 * manifest.json     format name and version, network count, versions, SHA-256 of every other entry
 * labels.txt        label names in output order, one per line
 * vocabulary.txt    tokens in id order, one per line (0 = &lt;pad&gt;, 1 = &lt;unk&gt;)
 * pipeline.json     text pipeline settings (tokenizer, lower-casing, markup) and sequence settings
 * recipe.json       the resolved recipe the classifier was trained with (absent for a combination
 *                   of bundles whose recipes differ beyond their networks)
 * card.json         model card: corpus fingerprint, scores, per-network training history, self-test
 * calibration.json  the temperature probabilities are rescaled by (absent: temperature 1, as in
 *                   bundles written before it existed)
 * network-K.json    network K's name and spec: a versioned architecture name and its sizes (K = 1..N)
 * network-K.params  network K's parameters (see {@link NetworkWeights} for the binary layout)
 * </pre>
 *
 * <p>No class name of textcls or of DL4J is stored, and no Java serialization: a network's
 * parameters are read by its architecture name ({@link Architectures}, laid out as {@link
 * NetworkLayout} says) into the scoring runtime's weight records, so which code runs is chosen by
 * the textcls that loads it. A bundle with several
 * networks is an ensemble: its prediction is the mean of their probabilities, weighted as
 * {@code ensemble.json} says when it has one (format 4; {@link EnsembleWeights}). A multi-label
 * classifier's networks end in one sigmoid per label, and {@code multilabel.json} holds the
 * per-label thresholds that turn their probabilities into a label set (format 5; {@link
 * MultiLabelDecision}).
 *
 * <p>Formats 1 and 2 (one network, and ensembles, written by earlier textcls builds as DL4J
 * {@code ModelSerializer} zips in {@code network.dl4j.zip} and {@code network-K.dl4j.zip}) are
 * read, never written: their parameters are taken from each network's {@code coefficients.bin}
 * ({@link LegacyWeights}), and the class names in its {@code configuration.json} are never instantiated.
 *
 * <p>A bundle is code-free data but still from a trusted source: a crafted one could, for
 * example, hold huge arrays. Loading checks, in order: zip, that every entry is named in the
 * manifest, manifest format and version, every entry's presence and checksum, then that the parts
 * agree (labels = network outputs, vocabulary = embedding rows, parameter count = the
 * architecture's, known tokenizer and architecture).
 */
public final class ModelBundle {
    private static final Logger LOG = LoggerFactory.getLogger(ModelBundle.class);
    public static final String FORMAT = "textcls-classifier";
    /** The format written; readers accept this and older. */
    public static final int FORMAT_VERSION = 5;
    /**
     * What a bundle without {@link #ENSEMBLE} is written as: format 4 only adds that entry, so a
     * bundle that does not need it stays readable by every textcls that reads format 3.
     */
    static final int FORMAT_VERSION_WITHOUT_WEIGHTS = 3;
    /** What a bundle with ensemble weights but no {@link #MULTI_LABEL} entry is written as. */
    static final int FORMAT_VERSION_WITH_WEIGHTS = 4;

    public static final String MANIFEST = "manifest.json";
    public static final String LABELS = "labels.txt";
    public static final String VOCABULARY = "vocabulary.txt";
    public static final String PIPELINE = "pipeline.json";
    public static final String RECIPE = "recipe.json";
    public static final String CARD = "card.json";
    /** Optional entry: the fitted {@link Temperature}. */
    public static final String CALIBRATION = "calibration.json";
    /** Format 4: the weights of an ensemble's networks (a bundle whose networks count equally has none). */
    public static final String ENSEMBLE = "ensemble.json";
    /** Format 5: a multi-label classifier's per-label thresholds ({@link MultiLabelDecision}). */
    public static final String MULTI_LABEL = "multilabel.json";
    static final List<String> REQUIRED = List.of(LABELS, VOCABULARY, PIPELINE, CARD);
    /** Largest bundle read into memory; a real one is ~10-30 MB. */
    static final long MAX_BYTES = 2L << 30;
    /** Most networks in one ensemble bundle. */
    public static final int MAX_MEMBERS = Recipe.MAX_NETWORKS;

    /** Text and sequence settings, stored together in {@code pipeline.json}. */
    public record PipelineEntry(TextPipelineSettings text, SequenceSettings sequence) {
    }

    /**
     * One network of a bundle: its name, spec and trained parameters.
     *
     * @param name short name (the recipe's network name; {@code net-K} in bundles of formats 1 and 2)
     */
    public record Member(String name, NetworkSpec spec, NetworkWeights weights) {
    }

    /** What {@code network-K.json} holds. */
    record NetworkEntry(String name, NetworkSpec spec) {
    }

    /**
     * Everything a bundle holds, checked.
     *
     * @param recipe the recipe it was trained with, or null (bundles of formats 1 and 2, and
     *     combinations of bundles trained with different recipes)
     * @param members the networks, at least one
     * @param temperature the fitted temperature, or null (temperature 1)
     * @param weights how much each network counts, or null (equally; equal weights are stored as null)
     * @param decision a multi-label classifier's thresholds (its networks end in one sigmoid per
     *     label), or null for a single-label one (one softmax)
     */
    public record Contents(LabelSet labels, Vocabulary vocabulary, PipelineEntry pipeline, Recipe recipe,
                           ModelCard card, List<Member> members, Temperature temperature, EnsembleWeights weights,
                           MultiLabelDecision decision) {
        public Contents {
            members = List.copyOf(members);
            if (members.isEmpty()) {
                throw new IllegalArgumentException("a bundle holds at least one network");
            }
            for (Member m : members) {
                if (m.spec().sigmoid() != (decision != null)) {
                    throw new IllegalArgumentException("network '" + m.name() + "' is " + (m.spec().sigmoid()
                            ? "multi-label (one sigmoid per label)" : "single-label (one softmax)") + " but the "
                            + "classifier is " + (decision != null ? "multi-label" : "single-label"));
                }
            }
            if (decision != null) {
                decision.checkLabels(labels.names(), "the multi-label decision");
            }
            if (weights != null) {
                weights.checkMembers(members.stream().map(Member::name).toList(), "the ensemble weights");
                weights = weights.isEqual() ? null : weights;
            }
        }

        /** Single-label contents. */
        public Contents(LabelSet labels, Vocabulary vocabulary, PipelineEntry pipeline, Recipe recipe,
                        ModelCard card, List<Member> members, Temperature temperature, EnsembleWeights weights) {
            this(labels, vocabulary, pipeline, recipe, card, members, temperature, weights, null);
        }

        /** Contents without ensemble weights. */
        public Contents(LabelSet labels, Vocabulary vocabulary, PipelineEntry pipeline, Recipe recipe,
                        ModelCard card, List<Member> members, Temperature temperature) {
            this(labels, vocabulary, pipeline, recipe, card, members, temperature, null, null);
        }

        /** Contents without a temperature or ensemble weights. */
        public Contents(LabelSet labels, Vocabulary vocabulary, PipelineEntry pipeline, Recipe recipe,
                        ModelCard card, List<Member> members) {
            this(labels, vocabulary, pipeline, recipe, card, members, null, null, null);
        }

        /** The same contents with another model card. */
        public Contents withCard(ModelCard c) {
            return new Contents(labels, vocabulary, pipeline, recipe, c, members, temperature, weights, decision);
        }

        /** The same contents with another temperature (null: none). */
        public Contents withTemperature(Temperature t) {
            return new Contents(labels, vocabulary, pipeline, recipe, card, members, t, weights, decision);
        }

        /** The same contents with other ensemble weights (null: the networks count equally). */
        public Contents withWeights(EnsembleWeights w) {
            return new Contents(labels, vocabulary, pipeline, recipe, card, members, temperature, w, decision);
        }

        /** The same contents with another multi-label decision (the networks must be multi-label). */
        public Contents withDecision(MultiLabelDecision d) {
            return new Contents(labels, vocabulary, pipeline, recipe, card, members, temperature, weights, d);
        }

        /** Whether the classifier predicts label sets. */
        public boolean multiLabel() {
            return decision != null;
        }

        /** How the networks are mixed: the stored weights, else equal ones. */
        public EnsembleWeights mixing() {
            return weights != null ? weights : EnsembleWeights.equal(members.stream().map(Member::name).toList());
        }
    }

    static String specEntry(int member) {
        return "network-" + member + ".json";
    }

    private static final Pattern PARAMS_ENTRY = Pattern.compile("network-[0-9]+\\.params");

    static String paramsEntry(int member) {
        return "network-" + member + ".params";
    }

    /** Format 1 and 2 entry names. */
    static String legacySpecEntry(int member) {
        return member == 1 ? "network.json" : "network-" + member + ".json";
    }

    static String legacyNetworkEntry(int member) {
        return member == 1 ? "network.dl4j.zip" : "network-" + member + ".dl4j.zip";
    }

    private ModelBundle() {
    }

    /** Writes a bundle (format 4 with ensemble weights, else 3) atomically: the target is replaced only once the whole zip is on disk. */
    public static void write(Path target, Contents c) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(LABELS, lines(c.labels().names()));
        entries.put(VOCABULARY, lines(c.vocabulary().tokens()));
        entries.put(PIPELINE, Json.MAPPER.writeValueAsBytes(c.pipeline()));
        if (c.recipe() != null) {
            entries.put(RECIPE, recipeJson(c.recipe(), c.decision() != null).getBytes(StandardCharsets.UTF_8));
        }
        entries.put(CARD, Json.MAPPER.writeValueAsBytes(c.card()));
        if (c.temperature() != null) {
            entries.put(CALIBRATION, Json.MAPPER.writeValueAsBytes(c.temperature()));
        }
        if (c.weights() != null) {
            entries.put(ENSEMBLE, Json.MAPPER.writeValueAsBytes(c.weights()));
        }
        if (c.decision() != null) {
            entries.put(MULTI_LABEL, Json.MAPPER.writeValueAsBytes(c.decision()));
        }
        List<Member> members = c.members();
        for (int k = 1; k <= members.size(); k++) {
            Member m = members.get(k - 1);
            entries.put(specEntry(k), Json.MAPPER.writeValueAsBytes(new NetworkEntry(m.name(), m.spec())));
            entries.put(paramsEntry(k), m.weights().toBytes());
        }

        ObjectNode manifest = Json.MAPPER.createObjectNode();
        manifest.put("format", FORMAT);
        // Each format only adds entries: a bundle that does not need the newer ones stays readable by older builds.
        manifest.put("formatVersion", c.decision() != null ? FORMAT_VERSION
                : c.weights() != null ? FORMAT_VERSION_WITH_WEIGHTS : FORMAT_VERSION_WITHOUT_WEIGHTS);
        manifest.put("networks", members.size());
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
        Entries read = readEntriesAndSums(file, true);
        Map<String, byte[]> entries = read.bytes();
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
        boolean legacy = version < 3;
        int memberCount = version == 1 ? 1 : manifest.path(legacy ? "members" : "networks").asInt(legacy ? 1 : -1);
        if (memberCount < 1 || memberCount > MAX_MEMBERS) {
            throw new BundleException(file + ": " + MANIFEST + " says " + memberCount + " networks; expected 1 to "
                    + MAX_MEMBERS);
        }
        List<String> required = new ArrayList<>(REQUIRED);
        for (int k = 1; k <= memberCount; k++) {
            required.add(legacy ? legacySpecEntry(k) : specEntry(k));
            required.add(legacy ? legacyNetworkEntry(k) : paramsEntry(k));
        }
        if (entries.containsKey(RECIPE)) {
            required.add(RECIPE);
        }
        if (entries.containsKey(CALIBRATION)) {
            required.add(CALIBRATION);
        }
        if (entries.containsKey(ENSEMBLE)) {
            if (version < 4) {
                throw new BundleException(file + ": entry " + ENSEMBLE + " is in a format " + version + " bundle, "
                        + "which has none: the bundle was edited or is not from textcls; copy it again or retrain");
            }
            required.add(ENSEMBLE);
        }
        if (entries.containsKey(MULTI_LABEL)) {
            if (version < 5) {
                throw new BundleException(file + ": entry " + MULTI_LABEL + " is in a format " + version + " bundle, "
                        + "which has none: the bundle was edited or is not from textcls; copy it again or retrain");
            }
            required.add(MULTI_LABEL);
        }
        JsonNode sums = manifest.path("sha256");
        for (String name : entries.keySet()) {
            if (!name.equals(MANIFEST) && !sums.has(name)) {
                throw new BundleException(file + ": entry " + name + " is not named in " + MANIFEST + ": the bundle "
                        + "was edited or is not from textcls; copy it again or retrain");
            }
        }
        for (String name : required) {
            if (!entries.containsKey(name)) {
                throw new BundleException(file + ": entry " + name + " is missing; the bundle is incomplete or was "
                        + "edited: retrain or copy it again");
            }
            String actual = read.sha256().get(name);
            if (actual != null) { // null: the entry checks itself (selfChecked)
                checkSum(file, name, sums.path(name).asText(""), actual);
            }
        }
        // The parameters decode (CRC-32, floats) on other threads while the JSON entries are read.
        Map<String, CompletableFuture<NetworkWeights>> decoding = new HashMap<>();
        if (!legacy) {
            for (int k = 1; k <= memberCount; k++) {
                String name = paramsEntry(k);
                byte[] bytes = entries.get(name);
                decoding.put(name, CompletableFuture.supplyAsync(
                        () -> NetworkWeights.fromBytes(bytes, "entry " + name)));
            }
        }
        LabelSet labels;
        Vocabulary vocabulary;
        PipelineEntry pipeline;
        List<NetworkEntry> specs = new ArrayList<>();
        ModelCard card;
        try {
            labels = new LabelSet(textLines(entries.get(LABELS)));
            vocabulary = Vocabulary.of(textLines(entries.get(VOCABULARY)));
            pipeline = Json.MAPPER.readValue(entries.get(PIPELINE), PipelineEntry.class);
            for (int k = 1; k <= memberCount; k++) {
                specs.add(legacy ? new NetworkEntry("net-" + k, Json.MAPPER.readValue(entries.get(legacySpecEntry(k)),
                        NetworkSpec.class)) : Json.MAPPER.readValue(entries.get(specEntry(k)), NetworkEntry.class));
                if (specs.get(k - 1).spec() == null) {
                    throw new BundleException(file + ": entry " + (legacy ? legacySpecEntry(k) : specEntry(k))
                            + " has no 'spec'");
                }
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
        Recipe recipe = null;
        if (entries.containsKey(RECIPE)) {
            try {
                recipe = Recipes.parse(olderFields(new String(entries.get(RECIPE), StandardCharsets.UTF_8)),
                        "entry " + RECIPE);
            } catch (TextclsException e) {
                // Provenance only: the networks are read by their specs, so the classifier still loads.
                LOG.warn("{}: {} cannot be read by this textcls ({}); the classifier loads without it", file, RECIPE,
                        e.getMessage());
            }
        }
        Temperature temperature = null;
        if (entries.containsKey(CALIBRATION)) {
            try {
                temperature = Json.MAPPER.readValue(entries.get(CALIBRATION), Temperature.class);
            } catch (IOException | IllegalArgumentException e) {
                Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
                throw new BundleException(file + ": entry " + CALIBRATION + " cannot be read: " + cause.getMessage()
                        + "; refit it with 'textcls calibrate' or retrain", e);
            }
        }
        List<Member> members = new ArrayList<>();
        for (int k = 1; k <= memberCount; k++) {
            members.add(readMember(file, entries, decoding, k, legacy, specs.get(k - 1), labels, vocabulary));
        }
        EnsembleWeights weights = null;
        if (entries.containsKey(ENSEMBLE)) {
            try {
                weights = Json.MAPPER.readValue(entries.get(ENSEMBLE), EnsembleWeights.class);
                weights.checkMembers(members.stream().map(Member::name).toList(), "entry " + ENSEMBLE);
            } catch (IOException | IllegalArgumentException e) {
                Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
                throw new BundleException(file + ": entry " + ENSEMBLE + " cannot be read: " + cause.getMessage()
                        + "; refit it with 'textcls calibrate --weights' or retrain", e);
            } catch (TextclsException e) {
                throw new BundleException(file + ": " + e.getMessage(), e);
            }
        }
        MultiLabelDecision decision = null;
        if (entries.containsKey(MULTI_LABEL)) {
            try {
                decision = Json.MAPPER.readValue(entries.get(MULTI_LABEL), MultiLabelDecision.class);
                decision.checkLabels(labels.names(), "entry " + MULTI_LABEL);
            } catch (IOException | IllegalArgumentException e) {
                Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
                throw new BundleException(file + ": entry " + MULTI_LABEL + " cannot be read: " + cause.getMessage()
                        + "; retrain, or copy the bundle again", e);
            }
        }
        for (Member m : members) {
            if (m.spec().sigmoid() != (decision != null)) {
                throw new BundleException(file + ": network '" + m.name() + "' is " + (m.spec().sigmoid()
                        ? "multi-label, but the bundle has no " + MULTI_LABEL : "single-label, but the bundle has "
                        + MULTI_LABEL) + ": the entries do not belong together; retrain or copy the bundle again");
            }
        }
        return new Contents(labels, vocabulary, pipeline, recipe, card, members, temperature, weights, decision);
    }

    private static Member readMember(Path file, Map<String, byte[]> entries,
                                     Map<String, CompletableFuture<NetworkWeights>> decoding, int k, boolean legacy,
                                     NetworkEntry entry, LabelSet labels, Vocabulary vocabulary) {
        NetworkSpec spec = entry.spec();
        String specName = legacy ? legacySpecEntry(k) : specEntry(k);
        String netName = legacy ? legacyNetworkEntry(k) : paramsEntry(k);
        if (labels.size() != spec.numLabels()) {
            throw new BundleException(file + ": " + LABELS + " lists " + labels.size() + " labels but " + specName
                    + " says " + spec.numLabels());
        }
        if (vocabulary.size() != spec.vocabularySize()) {
            throw new BundleException(file + ": " + VOCABULARY + " has " + vocabulary.size() + " tokens but "
                    + specName + " says " + spec.vocabularySize());
        }
        NetworkWeights weights;
        try {
            weights = legacy ? LegacyWeights.read(entries.get(netName)) : decoded(decoding.get(netName));
        } catch (IOException | RuntimeException e) {
            throw new BundleException(file + ": entry " + netName + " cannot be read: " + e.getMessage(), e);
        }
        long expected = NetworkLayout.parameterCount(spec);
        if (weights.size() != expected) {
            throw new BundleException(file + ": entry " + netName + " holds " + weights.size() + " parameters but "
                    + specName + " (" + spec.architecture() + ") has " + expected + ": the entries do not belong "
                    + "together; retrain or copy the bundle again");
        }
        return new Member(entry.name(), spec, weights);
    }

    /**
     * The recipe as a single-label bundle stores it: without the fields added for multi-label data
     * where they hold what a recipe without them means ({@code task} single-label, {@code
     * training.minSteps} auto, {@code training.balance} false), so that builds from before them, which refuse fields they do not
     * know, still read it; {@link #olderFields} and the default recipe put them back.
     */
    static String recipeJson(Recipe r, boolean multiLabel) {
        String json = Recipes.toJson(r);
        try {
            JsonNode tree = Json.MAPPER.readTree(json);
            if (tree instanceof ObjectNode o && o.path("training") instanceof ObjectNode t && !r.training().balance()) {
                t.remove("balance");
                json = Json.MAPPER.writeValueAsString(o);
            }
            if (multiLabel) {
                return json;
            }
            if (tree instanceof ObjectNode o && Recipe.SINGLE_LABEL.equals(r.task())) {
                o.remove("task");
                if (o.path("training") instanceof ObjectNode t
                        && r.training().minSteps() == Recipe.Training.AUTO_MIN_STEPS) {
                    t.remove("minSteps");
                }
                return Json.MAPPER.writeValueAsString(o);
            }
            return json;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A stored recipe with the values of fields added since it was written, as they were then
     * (not the default recipe's of today): {@code vocabulary.minGroups} 1, {@code task} single-label.
     */
    static String olderFields(String recipeJson) {
        try {
            JsonNode tree = Json.MAPPER.readTree(recipeJson);
            boolean changed = false;
            if (tree instanceof ObjectNode o && o.path("vocabulary") instanceof ObjectNode v && !v.has("minGroups")) {
                v.put("minGroups", 1);
                changed = true;
            }
            if (tree instanceof ObjectNode o && !o.has("task")) {
                o.put("task", Recipe.SINGLE_LABEL);
                changed = true;
            }
            return changed ? Json.MAPPER.writeValueAsString(tree) : recipeJson;
        } catch (IOException e) {
            return recipeJson; // Recipes.parse says what is wrong with it
        }
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

    /**
     * Whether an entry checks itself, so that loading skips its SHA-256: a parameter entry in
     * textcls's own format carries a CRC-32 of its values and must hold exactly its spec's count
     * ({@link NetworkWeights#fromBytes}). Hashing some 65 MB of parameters took a tenth of a second
     * of every load; {@link #verify} still hashes every entry.
     */
    static boolean selfChecked(String name, byte[] bytes) {
        return PARAMS_ENTRY.matcher(name).matches() && NetworkWeights.hasHeader(bytes);
    }

    /**
     * Checks every entry's SHA-256 against the manifest, the parameters' too (loading checks theirs
     * by their own CRC-32); throws a {@link BundleException} naming the first that differs.
     *
     * @return how many entries were checked
     */
    public static int verify(Path file) {
        return verifiedListing(file).entrySizes().size() - 1;
    }

    /** {@link #verify} and {@link #listing} from one read of the zip: what {@code inspect} shows. */
    public static Listing verifiedListing(Path file) {
        Map<String, byte[]> entries = readEntries(file);
        byte[] manifestBytes = entries.get(MANIFEST);
        if (manifestBytes == null) {
            throw new BundleException(file + " has no " + MANIFEST + ": it is a zip but not a textcls classifier "
                    + "bundle (make one with 'textcls train')");
        }
        JsonNode manifest = parse(file, MANIFEST, manifestBytes);
        JsonNode sums = manifest.path("sha256");
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            sizes.put(e.getKey(), e.getValue().length);
            if (!e.getKey().equals(MANIFEST)) {
                checkSum(file, e.getKey(), sums.path(e.getKey()).asText(""), sha256(e.getValue()));
            }
        }
        return new Listing(manifest, sizes);
    }

    private static void checkSum(Path file, String name, String expected, String actual) {
        if (!expected.equals(actual)) {
            throw new BundleException(file + ": entry " + name + " checksum mismatch (manifest says "
                    + (expected.isEmpty() ? "nothing" : expected) + ", content is " + actual
                    + "): the file is corrupt or was edited; copy it again or retrain");
        }
    }

    /** A bundle's entries by name, in zip order, and each one's SHA-256 (hex; null where {@link #selfChecked}). */
    private record Entries(Map<String, byte[]> bytes, Map<String, String> sha256) {
    }

    private static Map<String, byte[]> readEntries(Path file) {
        return readEntriesAndSums(file, false).bytes();
    }

    /**
     * The entries, each read in parallel with the others (the parameters are most of the work), and
     * with {@code sums} each one's SHA-256, taken in parallel too (else the map of sums is empty).
     */
    private static Entries readEntriesAndSums(Path file, boolean sums) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        Map<String, String> digests = new HashMap<>();
        try {
            if (Files.isDirectory(file)) {
                throw new BundleException(file + " is a folder, not a classifier bundle (.zip)");
            }
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new BundleException(file + " is " + size + " bytes, over the " + MAX_BYTES + " bundle limit");
            }
            try (ZipFile zip = new ZipFile(file.toFile())) {
                List<? extends ZipEntry> all = Collections.list(zip.entries());
                List<byte[]> contents = all.parallelStream().map(e -> {
                    try (InputStream in = zip.getInputStream(e)) {
                        return e.isDirectory() ? null : entryBytes(in, e);
                    } catch (IOException x) {
                        throw new UncheckedIOException(x);
                    }
                }).toList();
                List<String> taken = !sums ? null : IntStream.range(0, all.size()).parallel().mapToObj(i ->
                        contents.get(i) == null ? "" : selfChecked(all.get(i).getName(), contents.get(i)) ? null
                                : sha256(contents.get(i))).toList();
                for (int i = 0; i < all.size(); i++) {
                    ZipEntry e = all.get(i);
                    if (!e.isDirectory() && entries.put(e.getName(), contents.get(i)) != null) {
                        throw new BundleException(file + ": entry " + e.getName() + " appears twice");
                    }
                    if (taken != null) {
                        digests.put(e.getName(), taken.get(i));
                    }
                }
            } catch (UncheckedIOException x) {
                throw x.getCause();
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
        return new Entries(entries, digests);
    }

    private static NetworkWeights decoded(CompletableFuture<NetworkWeights> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * An entry's bytes: read straight into an array of its recorded size (one copy, for a stored
     * entry from the file itself), checking that the entry holds exactly that many.
     */
    private static byte[] entryBytes(InputStream in, ZipEntry e) throws IOException {
        long size = e.getSize(), packed = e.getCompressedSize();
        // Trust the recorded size only as far as the entry's own bytes allow (deflate expands at most
        // about 1,032 times): a corrupt directory must not make us allocate gigabytes.
        boolean plausible = size >= 0 && packed >= 0 && size <= Integer.MAX_VALUE - 8
                && (e.getMethod() == ZipEntry.STORED ? size == packed : size <= packed * 1_100L + 1_024);
        if (!plausible) {
            return in.readAllBytes();
        }
        byte[] b = new byte[(int) size];
        int at = 0;
        while (at < b.length) {
            int n = in.read(b, at, b.length - at);
            if (n < 0) {
                throw new ZipException("entry " + e.getName() + " ends after " + at + " of its " + size + " bytes");
            }
            at += n;
        }
        if (in.read() >= 0) {
            throw new ZipException("entry " + e.getName() + " holds more than its " + size + " bytes");
        }
        return b;
    }

    private static JsonNode parse(Path file, String name, byte[] bytes) {
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new BundleException(file + ": entry " + name + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Writes one entry, deflated, or stored where deflating saves less than a tenth (the
     * parameters of most networks: float noise), so that loading need not inflate them.
     */
    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        ZipEntry e = new ZipEntry(name);
        if (bytes.length >= STORE_FROM && deflatedSize(bytes) > 0.9 * bytes.length) {
            CRC32 crc = new CRC32();
            crc.update(bytes);
            e.setMethod(ZipEntry.STORED);
            e.setSize(bytes.length);
            e.setCompressedSize(bytes.length);
            e.setCrc(crc.getValue());
        }
        zip.putNextEntry(e);
        zip.write(bytes);
        zip.closeEntry();
    }

    /** Entries smaller than this are always deflated. */
    private static final int STORE_FROM = 1 << 16;

    private static long deflatedSize(byte[] bytes) {
        Deflater d = new Deflater();
        try {
            d.setInput(bytes);
            d.finish();
            byte[] buf = new byte[1 << 16];
            long n = 0;
            while (!d.finished()) {
                n += d.deflate(buf);
            }
            return n;
        } finally {
            d.end();
        }
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
