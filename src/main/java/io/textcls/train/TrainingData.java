package io.textcls.train;

import io.textcls.TextclsException;
import io.textcls.corpus.CorpusLoader;
import io.textcls.corpus.CorpusReport;
import io.textcls.corpus.DocumentGroups;
import io.textcls.corpus.FolderCorpus;
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
 * @param corpus the labeled folder tree (after {@code split.sample})
 * @param report the corpus report printed before training
 * @param train training documents, sorted by id
 * @param validation validation documents, sorted by id
 * @param validationRoot where the validation documents' files are (to re-read their text)
 * @param emptySkipped empty documents left out
 * @param fingerprint identifies the documents, split, vocabulary size and labels: a checkpoint
 *     made on other data does not resume
 * @param splitDescription how the validation split was made, for the model card
 */
record TrainingData(FolderCorpus corpus, CorpusLoader.Loaded loaded, CorpusReport report, LabelSet labels,
                    TextPipelineSettings textSettings, SequenceSettings sequenceSettings, Vocabulary vocabulary,
                    List<TokenizedDocument> train, List<TokenizedDocument> validation, Path validationRoot,
                    int emptySkipped, List<int[]> trainSequences, int[] trainLabels, List<int[]> validationSequences,
                    int[] validationLabels, String fingerprint, String splitDescription) {

    /** Reads {@code dataDir} as the recipe says, reporting to {@code listener}. */
    static TrainingData prepare(Path dataDir, Recipe recipe, int threads, Trainer.Listener listener) {
        TextPipelineSettings textSettings = recipe.text().pipeline();
        TextPipeline pipeline = new TextPipeline(textSettings);
        FolderCorpus corpus = FolderCorpus.scan(dataDir, recipe.split().labels());
        if (recipe.split().sample() > 0) {
            corpus = corpus.sample(recipe.split().sample(), recipe.seed());
            listener.info(String.format("split.sample %d: using %,d documents", recipe.split().sample(),
                    corpus.entries().size()));
        }
        LabelSet labels = new LabelSet(corpus.labels());
        // Everything the split needs is found before the corpus is read: a typo fails at once.
        FolderCorpus valCorpus = recipe.split().validation() == null ? null
                : FolderCorpus.scan(Path.of(recipe.split().validation()), corpus.labels());
        DocumentGroups groups = DocumentGroups.of(recipe.split().groups(), corpus);
        CorpusLoader.Loaded loaded = CorpusLoader.load(corpus, pipeline, threads, TextFiles.DEFAULT_MAX_BYTES);
        CorpusReport report = CorpusReport.of(loaded, recipe.text().maxLength());
        listener.info(report.toText().stripTrailing());

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
        Path validationRoot;
        String splitFingerprint;
        String description;
        if (valCorpus != null) {
            Path valDir = valCorpus.root();
            CorpusLoader.Loaded valLoaded = CorpusLoader.load(valCorpus, pipeline, threads, TextFiles.DEFAULT_MAX_BYTES);
            train = nonEmpty;
            val = new ArrayList<>();
            for (TokenizedDocument d : valLoaded.documents()) {
                if (d.tokens().length == 0) {
                    empty++;
                } else {
                    val.add(d);
                }
            }
            validationRoot = valDir;
            splitFingerprint = loaded.stats().fingerprint() + "+" + valLoaded.stats().fingerprint();
            description = "the folder " + valDir;
        } else {
            train = new ArrayList<>();
            val = new ArrayList<>();
            if (groups.grouped()) {
                holdOutGroups(nonEmpty, corpus.labels().size(), recipe, groups, train, val);
            } else {
                holdOut(nonEmpty, corpus.labels().size(), recipe, train, val);
            }
            validationRoot = corpus.root();
            splitFingerprint = loaded.stats().fingerprint() + "/" + recipe.split().validationFraction()
                    + (groups.grouped() ? "/" + groups.source() : "");
            description = "held out " + recipe.split().validationFraction() + " of each label"
                    + (groups.grouped() ? ", whole groups: " + groups.source() : "");
            // What the split does to groups: the ones it uses, else aclImdb's movies when known.
            DocumentGroups seen = groups.grouped() ? groups : DocumentGroups.of(DocumentGroups.AUTO, corpus);
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
            if (val.stream().noneMatch(d -> d.label() == label)) {
                listener.info("warning: no validation document has label '" + labels.names().get(l) + "' (groups too "
                        + "large for the validation share?); its scores will be missing from the validation table");
            }
        }
        listener.info(String.format("split: %,d training, %,d validation documents%s", train.size(), val.size(),
                empty > 0 ? " (" + empty + " empty left out)" : ""));

        Vocabulary vocab = vocabulary(train, recipe.vocabulary(), groups);
        SequenceSettings seqSettings = recipe.text().sequence();
        SequenceEncoder encoder = new SequenceEncoder(vocab, seqSettings);
        int minGroups = recipe.vocabulary().minGroups();
        listener.info(String.format("vocabulary: %,d ids (min count %d%s, training split only)", vocab.size(),
                recipe.vocabulary().minCount(), minGroups <= 1 || !groups.grouped() ? ""
                        : String.format(", in at least %d groups", minGroups)));
        String fingerprint = sha256(splitFingerprint + "|" + vocab.size() + "|" + labels.names());
        return new TrainingData(corpus, loaded, report, labels, textSettings, seqSettings, vocab, List.copyOf(train),
                List.copyOf(val), validationRoot, empty, encode(encoder, train), labelsOf(train), encode(encoder, val),
                labelsOf(val), fingerprint, description);
    }

    /**
     * Whole groups to one side: groups (joined with exact duplicates) shuffled with the seed, each
     * taken into validation while no label passes its share.
     */
    private static void holdOutGroups(List<TokenizedDocument> docs, int numLabels, Recipe recipe,
                                      DocumentGroups groups, List<TokenizedDocument> train,
                                      List<TokenizedDocument> val) {
        int[] parent = new int[docs.size()];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
        }
        Map<String, Integer> firstOfGroup = new HashMap<>();
        Map<Long, Integer> firstOfText = new HashMap<>();
        for (int i = 0; i < docs.size(); i++) {
            int k = i;
            union(parent, k, firstOfGroup.computeIfAbsent(groups.groupOf(docs.get(k).id()), g -> k));
            union(parent, k, firstOfText.computeIfAbsent(docs.get(k).contentHash(), h -> k));
        }
        Map<Integer, List<TokenizedDocument>> byRoot = new LinkedHashMap<>();
        long[] perLabel = new long[numLabels];
        for (int i = 0; i < docs.size(); i++) {
            byRoot.computeIfAbsent(find(parent, i), r -> new ArrayList<>()).add(docs.get(i));
            perLabel[docs.get(i).label()]++;
        }
        long[] target = new long[numLabels];
        for (int l = 0; l < numLabels; l++) {
            target[l] = Math.round(perLabel[l] * recipe.split().validationFraction());
        }
        List<List<TokenizedDocument>> components = new ArrayList<>(byRoot.values());
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
        return new TrainingData(corpus, loaded, report, labels, textSettings, sequenceSettings, vocabulary,
                List.copyOf(t), validation, validationRoot, emptySkipped, List.copyOf(seqs), labelsAll,
                validationSequences, validationLabels, sha256(fingerprint + "|self-training|" + p.fingerprint()),
                splitDescription);
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

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
