package io.textcls.train;

import io.textcls.TextclsException;
import io.textcls.corpus.CorpusLoader;
import io.textcls.corpus.CorpusReport;
import io.textcls.corpus.DocumentGroups;
import io.textcls.corpus.FolderCorpus;
import io.textcls.corpus.TableColumns;
import io.textcls.corpus.TableCorpus;
import io.textcls.corpus.TextFiles;
import io.textcls.corpus.TokenizedDocument;
import io.textcls.encode.SequenceEncoder;
import io.textcls.encode.SequenceSettings;
import io.textcls.recipe.Recipe;
import io.textcls.text.TextPipeline;
import io.textcls.text.TextPipelineSettings;
import io.textcls.vocab.LabelSet;
import io.textcls.vocab.Vocabulary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A corpus read, split and encoded once for every network of a recipe: the training and
 * validation documents, the vocabulary (built from the training split only) and each
 * document's id sequence. Immutable after {@link #prepare}.
 *
 * <p>The split is stratified and seeded: per label, distinct texts are shuffled and taken until the
 * validation share is reached, so exact duplicates never straddle it. With {@code split.groups}
 * ({@link DocumentGroups}: reviews of one movie, say), whole groups go to one side: groups, joined
 * with any exact duplicates in other groups, are shuffled and each goes to validation while every
 * label's share stays within its target. Empty documents (no tokens) are left out of both splits:
 * there is nothing to learn from them.
 *
 * <p>A table ({@link TableCorpus}: CSV, TSV or JSONL) is read the same way, its rows the
 * documents. A multi-label corpus (a row with several labels, a JSONL array of labels, or one 0/1
 * column per label; then a row may have none) is split by iterative stratification over whole
 * groups, so that every label with at least two documents that need not stay together is
 * represented on both sides ({@link #holdOutMultiLabel}).
 *
 * @param source the labeled folder tree or table
 * @param table the table, or null for a folder tree
 * @param report the corpus report printed before training
 * @param multiLabel whether documents carry label sets (one sigmoid per label)
 * @param train training documents, sorted by id
 * @param validation validation documents, sorted by id
 * @param validationRoot where the validation documents' files are (to re-read their text; null for a table)
 * @param validationTable the table the validation documents are rows of, or null
 * @param emptySkipped empty documents left out
 * @param trainLabels each training document's label (the first of its set for multi-label; -1 for none)
 * @param trainLabelSets each training document's labels
 * @param fingerprint identifies the documents, split, vocabulary size and labels: a checkpoint
 *     made on other data does not resume
 * @param splitDescription how the validation split was made, for the model card
 * @param skippedRows bad table rows skipped ({@code --skip-bad-rows}), to list beside the bundle
 */
record TrainingData(Path source, TableCorpus table, CorpusLoader.Loaded loaded, CorpusReport report, LabelSet labels,
                    boolean multiLabel, TextPipelineSettings textSettings, SequenceSettings sequenceSettings,
                    Vocabulary vocabulary, List<TokenizedDocument> train, List<TokenizedDocument> validation,
                    Path validationRoot, TableCorpus validationTable, int emptySkipped, List<int[]> trainSequences,
                    int[] trainLabels, int[][] trainLabelSets, List<int[]> validationSequences, int[] validationLabels,
                    int[][] validationLabelSets, String fingerprint, String splitDescription,
                    List<TableCorpus.SkippedRow> skippedRows) {

    /** How to read a table corpus: its columns, and whether bad rows are skipped (else the first is an error). */
    record Reading(TableColumns columns, boolean skipBadRows) {
        static final Reading DEFAULT = new Reading(TableColumns.defaults(), false);
    }

    /** Reads {@code dataDir} as the recipe says, reporting to {@code listener}. */
    static TrainingData prepare(Path dataDir, Recipe recipe, int threads, Trainer.Listener listener) {
        return prepare(dataDir, recipe, Reading.DEFAULT, threads, listener);
    }

    /** Reads a folder tree or a table as the recipe says, reporting to {@code listener}. */
    static TrainingData prepare(Path dataDir, Recipe recipe, Reading reading, int threads, Trainer.Listener listener) {
        if (recipe.text().autoTokenizer()) { // Trainer.run has chosen already; the Java API's other callers may not
            recipe = Trainer.chooseTokenizer(recipe, dataDir, reading.columns(), listener);
        }
        TextPipelineSettings textSettings = recipe.text().pipeline();
        TextPipeline pipeline = new TextPipeline(textSettings);
        Source src = TableCorpus.isTable(dataDir) ? table(dataDir, recipe, reading, pipeline, threads, listener)
                : folder(dataDir, recipe, pipeline, threads, listener);
        CorpusLoader.Loaded loaded = src.loaded;
        LabelSet labels = new LabelSet(loaded.labels());
        boolean multiLabel = src.multiLabel;
        SequenceSettings seqSettings = recipe.text().sequence();
        CorpusReport report = CorpusReport.of(loaded, seqSettings.maxLength());
        if (recipe.text().autoLength()) {
            seqSettings = fittedLength(seqSettings, report);
            report = CorpusReport.of(loaded, seqSettings.maxLength());
        }
        listener.info(report.toText().stripTrailing());
        if (recipe.text().autoLength()) {
            listener.info(String.format("text.maxLength: %d (auto: 99%% of the documents have at most %d tokens; "
                            + "at least %d, at most %d; --max-length sets it)", seqSettings.maxLength(),
                    report.lengthPercentiles()[2], Recipe.Text.AUTO_SHORTEST, Recipe.Text.AUTO_LONGEST));
        }
        if (!src.skipped.isEmpty()) {
            listener.info(String.format("skipped %,d bad rows of %s (--skip-bad-rows; first: line %d, %s)",
                    src.skipped.size(), dataDir, src.skipped.get(0).line(), src.skipped.get(0).reason()));
        }
        DocumentGroups groups = src.groups;
        List<TableCorpus.SkippedRow> skipped = new ArrayList<>(src.skipped);

        List<TokenizedDocument> nonEmpty = new ArrayList<>();
        int empty = 0;
        for (TokenizedDocument d : loaded.documents()) {
            if (d.tokens().length == 0) {
                empty++;
            } else {
                nonEmpty.add(d);
            }
        }
        List<TokenizedDocument> train;
        List<TokenizedDocument> val;
        Path validationRoot = null;
        TableCorpus validationTable = null;
        String splitFingerprint;
        String description;
        if (recipe.split().validation() != null) {
            Path valPath = Path.of(recipe.split().validation());
            CorpusLoader.Loaded valLoaded;
            if (TableCorpus.isTable(valPath)) {
                validationTable = TableCorpus.open(valPath, reading.columns());
                TableCorpus.Loaded vt = validationTable.load(pipeline, threads, labels.names(), multiLabel,
                        reading.skipBadRows(), null);
                valLoaded = vt.corpus();
                if (!vt.skipped().isEmpty()) {
                    listener.info(String.format("skipped %,d bad rows of %s (--skip-bad-rows; first: line %d, %s)",
                            vt.skipped().size(), valPath, vt.skipped().get(0).line(), vt.skipped().get(0).reason()));
                    skipped.addAll(vt.skipped().stream().map(r -> new TableCorpus.SkippedRow(r.line(),
                            valPath.getFileName() + ":" + r.id(), r.reason())).toList());
                }
            } else {
                if (multiLabel) {
                    throw new TextclsException("--validation " + valPath + " is a folder, but the training data is "
                            + "multi-label: give the validation documents as a table with the same columns");
                }
                FolderCorpus valCorpus = FolderCorpus.scan(valPath, labels.names());
                valLoaded = CorpusLoader.load(valCorpus, pipeline, threads, TextFiles.DEFAULT_MAX_BYTES);
                validationRoot = valCorpus.root();
            }
            train = nonEmpty;
            val = new ArrayList<>();
            for (TokenizedDocument d : valLoaded.documents()) {
                if (d.tokens().length == 0) {
                    empty++;
                } else {
                    val.add(d);
                }
            }
            splitFingerprint = loaded.stats().fingerprint() + "+" + valLoaded.stats().fingerprint();
            description = (validationTable != null ? "the table " : "the folder ") + valPath;
        } else {
            train = new ArrayList<>();
            val = new ArrayList<>();
            if (multiLabel) {
                holdOutMultiLabel(nonEmpty, labels.size(), recipe, groups, train, val);
            } else if (groups.grouped()) {
                holdOutGroups(nonEmpty, labels.size(), recipe, groups, train, val);
            } else {
                holdOut(nonEmpty, labels.size(), recipe, train, val);
            }
            if (src.table == null) {
                validationRoot = dataDir;
            } else {
                validationTable = src.table;
            }
            splitFingerprint = loaded.stats().fingerprint() + "/" + recipe.split().validationFraction()
                    + (groups.grouped() ? "/" + groups.source() : "") + (multiLabel ? "/multi-label" : "");
            description = "held out " + recipe.split().validationFraction() + " of each label"
                    + (multiLabel ? " (iterative stratification)" : "")
                    + (groups.grouped() ? ", whole groups: " + groups.source() : "");
            // What the split does to groups: the ones it uses, else aclImdb's movies when known.
            DocumentGroups seen = groups.grouped() || src.folder == null ? groups
                    : DocumentGroups.of(DocumentGroups.AUTO, src.folder);
            if (seen.grouped()) {
                String g = groupReport(seen, train, val);
                listener.info(g);
                description += "; " + g;
            }
        }
        if (train.isEmpty() || val.isEmpty()) {
            throw new TextclsException("training needs documents in both the training and validation splits; got "
                    + train.size() + " and " + val.size() + " (from " + dataDir + ")");
        }
        for (int l = 0; l < labels.size(); l++) {
            int label = l;
            if (val.stream().noneMatch(d -> contains(d.labelSet(), label))) {
                listener.info("warning: no validation document has label '" + labels.names().get(l) + "' (groups too "
                        + "large for the validation share, or too few documents?); its scores will be missing from "
                        + "the validation table");
            }
        }
        listener.info(String.format("split: %,d training, %,d validation documents%s", train.size(), val.size(),
                empty > 0 ? " (" + empty + " empty left out)" : ""));

        Vocabulary vocab = vocabulary(train, recipe.vocabulary(), groups);
        SequenceEncoder encoder = new SequenceEncoder(vocab, seqSettings);
        int minGroups = recipe.vocabulary().minGroups();
        listener.info(String.format("vocabulary: %,d ids (min count %d%s, training split only)", vocab.size(),
                recipe.vocabulary().minCount(), minGroups <= 1 || !groups.grouped() ? ""
                        : String.format(", in at least %d groups", minGroups)));
        String fingerprint = sha256(splitFingerprint + "|" + vocab.size() + "|" + labels.names());
        return new TrainingData(dataDir, src.table, loaded, report, labels, multiLabel, textSettings, seqSettings,
                vocab, List.copyOf(train), List.copyOf(val), validationRoot, validationTable, empty,
                encode(encoder, train), labelsOf(train), labelSetsOf(train), encode(encoder, val), labelsOf(val),
                labelSetsOf(val), fingerprint, description, List.copyOf(skipped));
    }

    /**
     * The length cap {@code text.maxLength} auto takes for this corpus: the 99th percentile of the
     * token counts, rounded up to a multiple of 8, at least {@link Recipe.Text#AUTO_SHORTEST} and at
     * most {@code s}'s ({@link Recipe.Text#AUTO_LONGEST}). Long reviews keep room for their first 200
     * and last 400 tokens; tweets and short reviews do not carry that room, so a one-in-a-hundred
     * long document is cut rather than made the length every scoring request may cost.
     */
    static SequenceSettings fittedLength(SequenceSettings s, CorpusReport report) {
        int p99 = report.lengthPercentiles()[2];
        int fitted = Math.max(Recipe.Text.AUTO_SHORTEST, (p99 + 7) / 8 * 8);
        if (report.documents() == 0 || fitted >= s.maxLength()) {
            return s;
        }
        return new SequenceSettings(fitted, s.truncation());
    }

    /** A corpus read: its documents, groups, and what reading met. */
    private record Source(CorpusLoader.Loaded loaded, FolderCorpus folder, TableCorpus table, boolean multiLabel,
                          DocumentGroups groups, List<TableCorpus.SkippedRow> skipped) {
    }

    private static Source folder(Path dataDir, Recipe recipe, TextPipeline pipeline, int threads,
                                 Trainer.Listener listener) {
        FolderCorpus corpus = FolderCorpus.scan(dataDir, recipe.split().labels());
        if (recipe.split().sample() > 0) {
            corpus = corpus.sample(recipe.split().sample(), recipe.seed());
            listener.info(String.format("split.sample %d: using %,d documents", recipe.split().sample(),
                    corpus.entries().size()));
        }
        // Everything the split needs is found before the corpus is read: a typo fails at once.
        if (recipe.split().validation() != null && !TableCorpus.isTable(Path.of(recipe.split().validation()))) {
            FolderCorpus.scan(Path.of(recipe.split().validation()), corpus.labels());
        }
        DocumentGroups groups = DocumentGroups.of(recipe.split().groups(), corpus);
        CorpusLoader.Loaded loaded = CorpusLoader.load(corpus, pipeline, threads, TextFiles.DEFAULT_MAX_BYTES);
        if (recipe.multiLabel()) {
            // One label per document, each as a set: the networks still learn one sigmoid per label.
            List<TokenizedDocument> sets = new ArrayList<>();
            for (TokenizedDocument d : loaded.documents()) {
                sets.add(TokenizedDocument.multiLabel(d.id(), d.labelSet(), d.tokens(), d.contentHash()));
            }
            loaded = new CorpusLoader.Loaded(loaded.labels(), sets, loaded.stats(), loaded.hiddenSkipped());
        }
        return new Source(loaded, corpus, null, recipe.multiLabel(), groups, List.of());
    }

    private static Source table(Path file, Recipe recipe, Reading reading, TextPipeline pipeline, int threads,
                                Trainer.Listener listener) {
        TableCorpus table = TableCorpus.open(file, reading.columns());
        if (recipe.split().validation() != null && TableCorpus.isTable(Path.of(recipe.split().validation()))) {
            TableCorpus.open(Path.of(recipe.split().validation()), reading.columns()); // its columns, before reading
        }
        Boolean task = switch (recipe.task()) {
            case Recipe.MULTI_LABEL -> Boolean.TRUE;
            case Recipe.SINGLE_LABEL -> Boolean.FALSE;
            default -> null;
        };
        TableCorpus.Loaded t = table.load(pipeline, threads, recipe.split().labels(), task, reading.skipBadRows(), null);
        CorpusLoader.Loaded loaded = t.corpus();
        listener.info(String.format("table %s: %,d rows, %,d documents kept (%s), text column '%s'; %,d tokens, %,d "
                        + "distinct: about %,d MB held in memory", file, t.rows(), loaded.documents().size(),
                t.multiLabel() ? "multi-label" : "single-label", table.columns().text(), t.tokens(), t.distinctTokens(),
                heldBytes(loaded.documents().size(), t.tokens(), t.distinctTokens()) >> 20));
        List<String> ids = loaded.documents().stream().map(TokenizedDocument::id).toList();
        DocumentGroups groups = DocumentGroups.ofTable(recipe.split().groups(), ids, t.groups(), file.toString());
        if (recipe.split().sample() > 0) {
            loaded = sample(loaded, recipe.split().sample(), recipe.seed());
            listener.info(String.format("split.sample %d: using %,d documents", recipe.split().sample(),
                    loaded.documents().size()));
        }
        return new Source(loaded, null, table, t.multiLabel(), groups, t.skipped());
    }

    /**
     * What the tokenized documents hold in memory, roughly: per document its record, id and token
     * array (a reference per token), per distinct token one string (tokens are shared).
     */
    static long heldBytes(long documents, long tokens, long distinctTokens) {
        return documents * 96 + tokens * 4 + distinctTokens * 56;
    }

    /** At most {@code perLabel} documents of each (first) label, seeded, in the original order. */
    private static CorpusLoader.Loaded sample(CorpusLoader.Loaded loaded, int perLabel, long seed) {
        List<TokenizedDocument> docs = loaded.documents();
        java.util.Set<Integer> keep = new java.util.HashSet<>();
        for (int label = -1; label < loaded.labels().size(); label++) {
            List<Integer> of = new ArrayList<>();
            for (int i = 0; i < docs.size(); i++) {
                if (docs.get(i).label() == label) {
                    of.add(i);
                }
            }
            Collections.shuffle(of, new Random(seed * 7919 + label));
            keep.addAll(of.subList(0, Math.min(perLabel, of.size())));
        }
        List<TokenizedDocument> kept = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            if (keep.contains(i)) {
                kept.add(docs.get(i));
            }
        }
        return new CorpusLoader.Loaded(loaded.labels(), kept, loaded.stats(), loaded.hiddenSkipped());
    }

    private static boolean contains(int[] set, int label) {
        for (int l : set) {
            if (l == label) {
                return true;
            }
        }
        return false;
    }

    /**
     * Multi-label validation split, by iterative stratification (Sechidis, Tsoumakas and Vlahavas,
     * 2011) over components: groups joined with exact duplicates, which stay whole. The label with
     * the fewest documents left is taken first; each component holding it goes to the side that
     * still wants that label most (then the side that wants more documents; ties by the seed), and
     * what it holds is taken off that side's wants, except that a label held by two components or
     * more first gets one on each side (so every such label is validated and trained on).
     * Components with no label fill whichever side wants more documents. Rare labels are so spread
     * before common ones fill the sides.
     */
    static void holdOutMultiLabel(List<TokenizedDocument> docs, int numLabels, Recipe recipe, DocumentGroups groups,
                                  List<TokenizedDocument> train, List<TokenizedDocument> val) {
        List<List<TokenizedDocument>> components = components(docs, groups);
        Random rng = new Random(recipe.seed());
        Collections.shuffle(components, rng);
        double f = recipe.split().validationFraction();
        int n = components.size();
        int[][] counts = new int[n][numLabels];
        int[] sizes = new int[n];
        long[] remaining = new long[numLabels];
        for (int c = 0; c < n; c++) {
            for (TokenizedDocument d : components.get(c)) {
                for (int l : d.labelSet()) {
                    counts[c][l]++;
                    remaining[l]++;
                }
            }
            sizes[c] = components.get(c).size();
        }
        // wants[0]: validation, wants[1]: training
        double[][] wants = new double[2][numLabels];
        for (int l = 0; l < numLabels; l++) {
            wants[0][l] = remaining[l] * f;
            wants[1][l] = remaining[l] * (1 - f);
        }
        double[] wantDocs = {docs.size() * f, docs.size() * (1 - f)};
        long[][] has = new long[2][numLabels];
        int[] side = new int[n];
        java.util.Arrays.fill(side, -1);
        List<List<Integer>> byLabel = new ArrayList<>();
        for (int l = 0; l < numLabels; l++) {
            byLabel.add(new ArrayList<>());
        }
        for (int c = 0; c < n; c++) {
            for (int l = 0; l < numLabels; l++) {
                if (counts[c][l] > 0) {
                    byLabel.get(l).add(c);
                }
            }
        }
        while (true) {
            int rarest = -1;
            for (int l = 0; l < numLabels; l++) {
                if (remaining[l] > 0 && (rarest < 0 || remaining[l] < remaining[rarest])) {
                    rarest = l;
                }
            }
            if (rarest < 0) {
                break;
            }
            for (int c : byLabel.get(rarest)) {
                if (side[c] >= 0) {
                    continue;
                }
                int s;
                boolean several = byLabel.get(rarest).size() >= 2;
                if (several && has[0][rarest] == 0 && sizes[c] <= Math.max(1, wantDocs[0])) {
                    s = 0; // every label with two components or more gets one on each side first (one that fits)
                } else if (several && has[1][rarest] == 0) {
                    s = 1;
                } else if (wants[0][rarest] != wants[1][rarest]) {
                    s = wants[0][rarest] > wants[1][rarest] ? 0 : 1;
                } else if (wantDocs[0] != wantDocs[1]) {
                    s = wantDocs[0] > wantDocs[1] ? 0 : 1;
                } else {
                    s = rng.nextInt(2);
                }
                side[c] = s;
                for (int l = 0; l < numLabels; l++) {
                    wants[s][l] -= counts[c][l];
                    remaining[l] -= counts[c][l];
                    has[s][l] += counts[c][l];
                }
                wantDocs[s] -= sizes[c];
            }
        }
        for (int c = 0; c < n; c++) {
            if (side[c] < 0) {
                side[c] = wantDocs[0] > wantDocs[1] ? 0 : 1;
                wantDocs[side[c]] -= sizes[c];
            }
            (side[c] == 0 ? val : train).addAll(components.get(c));
        }
        Comparator<TokenizedDocument> byId = Comparator.comparing(TokenizedDocument::id);
        train.sort(byId);
        val.sort(byId);
    }

    /** Documents joined by group and by exact duplicate text, in first-document order. */
    private static List<List<TokenizedDocument>> components(List<TokenizedDocument> docs, DocumentGroups groups) {
        int[] parent = new int[docs.size()];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
        }
        Map<String, Integer> firstOfGroup = new HashMap<>();
        Map<Long, Integer> firstOfText = new HashMap<>();
        for (int i = 0; i < docs.size(); i++) {
            int k = i;
            if (groups.grouped()) {
                union(parent, k, firstOfGroup.computeIfAbsent(groups.groupOf(docs.get(k).id()), g -> k));
            }
            union(parent, k, firstOfText.computeIfAbsent(docs.get(k).contentHash(), h -> k));
        }
        Map<Integer, List<TokenizedDocument>> byRoot = new LinkedHashMap<>();
        for (int i = 0; i < docs.size(); i++) {
            byRoot.computeIfAbsent(find(parent, i), r -> new ArrayList<>()).add(docs.get(i));
        }
        return new ArrayList<>(byRoot.values());
    }

    /**
     * Whole groups to one side: groups (joined with exact duplicates) shuffled with the seed, each
     * taken into validation while no label passes its share.
     */
    private static void holdOutGroups(List<TokenizedDocument> docs, int numLabels, Recipe recipe,
                                      DocumentGroups groups, List<TokenizedDocument> train,
                                      List<TokenizedDocument> val) {
        long[] perLabel = new long[numLabels];
        for (TokenizedDocument d : docs) {
            perLabel[d.label()]++;
        }
        long[] target = new long[numLabels];
        for (int l = 0; l < numLabels; l++) {
            target[l] = Math.round(perLabel[l] * recipe.split().validationFraction());
        }
        List<List<TokenizedDocument>> components = components(docs, groups);
        Collections.shuffle(components, new Random(recipe.seed()));
        long[] taken = new long[numLabels];
        for (List<TokenizedDocument> c : components) {
            long[] add = new long[numLabels];
            c.forEach(d -> add[d.label()]++);
            boolean fits = true;
            for (int l = 0; l < numLabels; l++) {
                fits &= taken[l] + add[l] <= target[l];
            }
            if (fits) {
                val.addAll(c);
                for (int l = 0; l < numLabels; l++) {
                    taken[l] += add[l];
                }
            } else {
                train.addAll(c);
            }
        }
        Comparator<TokenizedDocument> byId = Comparator.comparing(TokenizedDocument::id);
        train.sort(byId);
        val.sort(byId);
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void union(int[] parent, int a, int b) {
        parent[find(parent, a)] = find(parent, b);
    }

    /** Groups in the corpus, the largest, and how many validation documents share a group with training ones. */
    static String groupReport(DocumentGroups groups, List<TokenizedDocument> train, List<TokenizedDocument> val) {
        Map<String, Integer> size = new HashMap<>();
        java.util.Set<String> trainGroups = new java.util.HashSet<>();
        for (TokenizedDocument d : train) {
            String g = groups.groupOf(d.id());
            size.merge(g, 1, Integer::sum);
            trainGroups.add(g);
        }
        long shared = 0;
        java.util.Set<String> valGroups = new java.util.HashSet<>();
        for (TokenizedDocument d : val) {
            String g = groups.groupOf(d.id());
            size.merge(g, 1, Integer::sum);
            valGroups.add(g);
            shared += trainGroups.contains(g) ? 1 : 0;
        }
        Map.Entry<String, Integer> largest = size.entrySet().stream().max(Map.Entry.<String, Integer>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey())).orElseThrow();
        return String.format("groups (%s): %,d, largest %s with %,d documents; validation holds %,d groups, and %,d of "
                        + "its %,d documents (%.1f %%) share a group with training documents", groups.source(),
                size.size(), largest.getKey(), largest.getValue(), valGroups.size(), shared, val.size(),
                100.0 * shared / Math.max(1, val.size()));
    }

    private static void holdOut(List<TokenizedDocument> docs, int numLabels, Recipe recipe,
                                List<TokenizedDocument> train, List<TokenizedDocument> val) {
        Random rng = new Random(recipe.seed());
        for (int label = 0; label < numLabels; label++) {
            Map<Long, List<TokenizedDocument>> byText = new LinkedHashMap<>();
            for (TokenizedDocument d : docs) {
                if (d.label() == label) {
                    byText.computeIfAbsent(d.contentHash(), h -> new ArrayList<>()).add(d);
                }
            }
            List<List<TokenizedDocument>> groups = new ArrayList<>(byText.values());
            Collections.shuffle(groups, rng);
            long total = groups.stream().mapToLong(List::size).sum();
            long target = Math.round(total * recipe.split().validationFraction());
            int taken = 0;
            for (List<TokenizedDocument> g : groups) {
                if (taken < target) {
                    val.addAll(g);
                    taken += g.size();
                } else {
                    train.addAll(g);
                }
            }
        }
        Comparator<TokenizedDocument> byId = Comparator.comparing(TokenizedDocument::id);
        train.sort(byId);
        val.sort(byId);
    }

    /**
     * The training split's most frequent tokens, each seen at least {@code minCount} times and,
     * when the corpus has groups, in at least {@code minGroups} of them (a document no group names
     * is its own). Without groups {@code minGroups} sets no limit.
     */
    static Vocabulary vocabulary(List<TokenizedDocument> train, Recipe.Vocabulary settings, DocumentGroups groups) {
        Map<String, Long> counts = new HashMap<>();
        for (TokenizedDocument d : train) {
            for (String t : d.tokens()) {
                counts.merge(t, 1L, Long::sum);
            }
        }
        if (settings.minGroups() > 1 && groups.grouped()) {
            // Documents in group order, so a token's group count grows once per group: [groups, last group].
            Map<String, Integer> groupIndex = new HashMap<>();
            int[] groupOfDoc = new int[train.size()];
            for (int i = 0; i < groupOfDoc.length; i++) {
                groupOfDoc[i] = groupIndex.computeIfAbsent(groups.groupOf(train.get(i).id()), g -> groupIndex.size());
            }
            Integer[] order = new Integer[groupOfDoc.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingInt(i -> groupOfDoc[i]));
            Map<String, int[]> seen = new HashMap<>();
            for (int i : order) {
                int g = groupOfDoc[i];
                for (String t : train.get(i).tokens()) {
                    int[] s = seen.computeIfAbsent(t, k -> new int[] {0, -1});
                    if (s[1] != g) {
                        s[0]++;
                        s[1] = g;
                    }
                }
            }
            counts.keySet().removeIf(t -> seen.get(t)[0] < settings.minGroups());
        }
        return Vocabulary.build(counts, settings.size(), settings.minCount());
    }

    /**
     * This data with a self-training teacher's pseudo-labeled documents added to the training split
     * (validation, vocabulary and corpus report unchanged); the fingerprint covers them, so a
     * student's checkpoint resumes only on the same ones.
     */
    TrainingData withPseudoLabeled(PseudoLabels p) {
        List<TokenizedDocument> t = new ArrayList<>(train);
        t.addAll(p.docs());
        List<int[]> seqs = new ArrayList<>(trainSequences);
        seqs.addAll(p.sequences());
        int[] more = p.labels();
        int[] labelsAll = Arrays.copyOf(trainLabels, trainLabels.length + more.length);
        System.arraycopy(more, 0, labelsAll, trainLabels.length, more.length);
        int[][] setsAll = Arrays.copyOf(trainLabelSets, labelsAll.length);
        for (int i = trainLabels.length; i < labelsAll.length; i++) {
            setsAll[i] = new int[] {labelsAll[i]};
        }
        return new TrainingData(source, table, loaded, report, labels, multiLabel, textSettings, sequenceSettings,
                vocabulary, List.copyOf(t), validation, validationRoot, validationTable, emptySkipped,
                List.copyOf(seqs), labelsAll, setsAll, validationSequences, validationLabels, validationLabelSets,
                sha256(fingerprint + "|self-training|" + p.fingerprint()), splitDescription, skippedRows);
    }

    private static List<int[]> encode(SequenceEncoder encoder, List<TokenizedDocument> docs) {
        List<int[]> out = new ArrayList<>(docs.size());
        for (TokenizedDocument d : docs) {
            out.add(encoder.encode(d.tokens()));
        }
        return List.copyOf(out);
    }

    private static int[] labelsOf(List<TokenizedDocument> docs) {
        return docs.stream().mapToInt(TokenizedDocument::label).toArray();
    }

    private static int[][] labelSetsOf(List<TokenizedDocument> docs) {
        int[][] out = new int[docs.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = docs.get(i).labelSet();
        }
        return out;
    }

    /** The raw texts of some validation documents (re-read from their files or table rows), by id. */
    Map<String, String> validationTexts(List<String> ids) throws java.io.IOException {
        Map<String, String> out = new LinkedHashMap<>();
        if (validationTable != null) {
            Map<String, String> texts = validationTable.texts(new java.util.HashSet<>(ids));
            for (String id : ids) {
                out.put(id, texts.get(id));
            }
            return out;
        }
        for (String id : ids) {
            out.put(id, TextFiles.read(validationRoot.resolve(id), TextFiles.DEFAULT_MAX_BYTES).text());
        }
        return out;
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
