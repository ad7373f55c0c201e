package io.textcls.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.textcls.TextclsException;
import io.textcls.Versions;
import io.textcls.classifier.ModelBundle;
import io.textcls.classifier.ModelCard;
import io.textcls.classifier.Prediction;
import io.textcls.classifier.TextClassifier;
import io.textcls.corpus.CorpusLoader;
import io.textcls.corpus.CorpusReport;
import io.textcls.corpus.FolderCorpus;
import io.textcls.corpus.TextFiles;
import io.textcls.corpus.TokenizedDocument;
import io.textcls.encode.Bucketing;
import io.textcls.encode.SequenceBatches;
import io.textcls.encode.SequenceEncoder;
import io.textcls.encode.SequenceSettings;
import io.textcls.metrics.EvaluationReport;
import io.textcls.model.Architectures;
import io.textcls.model.NetworkSpec;
import io.textcls.model.Optimization;
import io.textcls.model.FusedLstmInference;
import io.textcls.model.SequenceInference;
import io.textcls.model.RnnMasks;
import io.textcls.embed.WordVectors;
import io.textcls.text.TextPipeline;
import io.textcls.text.TextPipelineSettings;
import io.textcls.util.Json;
import io.textcls.util.Progress;
import io.textcls.vocab.LabelSet;
import io.textcls.vocab.Vocabulary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.datasets.iterator.AsyncDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a classifier on a labeled folder tree and saves it as a bundle.
 *
 * <p>Flow: list and read the corpus, hold out a validation split (stratified, duplicates kept on
 * one side), build the vocabulary from the training split only, then train epoch by epoch on
 * length-bucketed batches, validating after each, checkpointing after each and stopping early
 * when validation accuracy stops improving. The best epoch's weights are saved.
 *
 * <p>Repeatable: with the same data and options, every epoch's shuffling and dropout are seeded
 * from (seed, epoch), so a run resumed from a checkpoint ends with the same weights as one that
 * never stopped.
 */
public final class ClassifierTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(ClassifierTrainer.class);
    static final int SELF_TEST_DOCS = 3;
    static final int SELF_TEST_MAX_CHARS = 2000;
    static final int INFERENCE_BATCH = 64;

    /** Receives a line of human-readable progress (the corpus report, epoch summaries). */
    public interface Listener {
        void info(String line);
    }

    private final Listener listener;

    public ClassifierTrainer(Listener listener) {
        this.listener = listener;
    }

    /** A split document list with where each document's text can be re-read. */
    private record Split(List<TokenizedDocument> train, List<TokenizedDocument> validation, Path validationRoot,
                         String fingerprint, int emptySkipped) {
    }

    public TrainingResult train(Path dataDir, Path bundle, TrainingConfig cfg, boolean resume) throws IOException {
        long start = System.nanoTime();
        TextClassifier.warnIfOpenMpSpins();
        Checkpoint ckpt = new Checkpoint(bundle);
        Checkpoint.State prior = null;
        if (ckpt.exists()) {
            if (!resume) {
                throw new TextclsException("an unfinished training run left a checkpoint in " + ckpt.dir()
                        + ": add --resume to continue it, or delete that folder to start again");
            }
            prior = ckpt.read();
            if (!prior.config().equals(cfg.resultDefining())) {
                throw new TextclsException("the checkpoint in " + ckpt.dir() + " was made with different options:\n  "
                        + "checkpoint: " + prior.config() + "\n  now:        " + cfg.resultDefining()
                        + "\nrerun with the same options, or delete the folder to start again");
            }
            listener.info("resuming from " + ckpt.dir() + " after epoch " + prior.history().size());
        } else if (resume) {
            listener.info("no checkpoint in " + ckpt.dir() + ": starting a new run");
        }

        TextPipelineSettings textSettings = TextPipelineSettings.defaults();
        TextPipeline pipeline = new TextPipeline(textSettings);
        FolderCorpus corpus = FolderCorpus.scan(dataDir, cfg.labels());
        if (cfg.sample() > 0) {
            corpus = corpus.sample(cfg.sample(), cfg.seed());
            listener.info(String.format("--sample %d: using %,d documents", cfg.sample(), corpus.entries().size()));
        }
        LabelSet labels = new LabelSet(corpus.labels());
        CorpusLoader.Loaded loaded = CorpusLoader.load(corpus, pipeline, cfg.threads(), TextFiles.DEFAULT_MAX_BYTES);
        CorpusReport report = CorpusReport.of(loaded, cfg.maxLength());
        listener.info(report.toText().stripTrailing());

        Split split = split(loaded, corpus, pipeline, cfg);
        if (split.train.isEmpty() || split.validation.isEmpty()) {
            throw new TextclsException("training needs documents in both the training and validation splits; got "
                    + split.train.size() + " and " + split.validation.size() + " (from " + dataDir + ")");
        }
        listener.info(String.format("split: %,d training, %,d validation documents%s", split.train.size(),
                split.validation.size(), split.emptySkipped > 0 ? " (" + split.emptySkipped + " empty left out)" : ""));

        Vocabulary vocab = buildVocabulary(split.train, cfg);
        SequenceSettings seqSettings = new SequenceSettings(cfg.maxLength(), cfg.truncation());
        SequenceEncoder encoder = new SequenceEncoder(vocab, seqSettings);
        List<int[]> trainSeqs = encode(encoder, split.train);
        int[] trainLabels = split.train.stream().mapToInt(TokenizedDocument::label).toArray();
        List<int[]> valSeqs = encode(encoder, split.validation);
        int[] valLabels = split.validation.stream().mapToInt(TokenizedDocument::label).toArray();
        listener.info(String.format("vocabulary: %,d ids (min count %d, training split only)", vocab.size(),
                cfg.minCount()));

        NetworkSpec spec = cfg.networkSpec(vocab.size(), labels.size());
        long stepsPerEpoch = (trainSeqs.size() + cfg.batchSize() - 1) / cfg.batchSize();
        Optimization opt = cfg.optimization(stepsPerEpoch);
        String dataFingerprint = sha256(split.fingerprint + "|" + vocab.size() + "|" + labels.names());

        Checkpoint.State state;
        MultiLayerNetwork net;
        if (prior != null) {
            if (!prior.dataFingerprint().equals(dataFingerprint)) {
                throw new TextclsException("the checkpoint in " + ckpt.dir() + " was made on different data (files "
                        + "under " + dataDir + " changed since); delete the folder to start again");
            }
            state = prior;
            net = ckpt.loadLast(prior);
        } else {
            state = new Checkpoint.State(cfg.resultDefining(), dataFingerprint, List.of(), 0, -1, Double.MAX_VALUE,
                    null, 0, null, null, null);
            net = Architectures.build(spec, opt);
            if (cfg.embeddings() != null) {
                // Read only for a new run: a resumed one has them in its checkpointed weights.
                WordVectors vectors = WordVectors.read(cfg.embeddings(), new java.util.HashSet<>(vocab.tokens()));
                if (vectors.dimension() != cfg.embeddingSize()) {
                    throw new TextclsException("the vectors in " + cfg.embeddings() + " have " + vectors.dimension()
                            + " dimensions but --embedding-size is " + cfg.embeddingSize() + "; leave --embedding-size "
                            + "out (it follows the vectors) or make vectors of that size");
                }
                int copied = Architectures.setEmbeddings(net, vectors.rows(vocab.tokens()));
                listener.info(String.format("embeddings: %,d of %,d vocabulary ids start from %s (%s)", copied,
                        vocab.size(), cfg.embeddings(), cfg.freezeEmbeddings() ? "frozen" : "fine-tuned"));
            }
        }
        listener.info(String.format("network: %s, %,d parameters", spec, net.numParams()));

        int[] lengths = trainSeqs.stream().mapToInt(s -> s.length).toArray();
        double elapsedBefore = state.elapsedSeconds();
        List<EpochStats> history = new ArrayList<>(state.history());
        while (state.stopReason() == null) {
            int epoch = history.size() + 1;
            double elapsed = elapsedBefore + (System.nanoTime() - start) / 1e9;
            String stop = null;
            if (epoch > cfg.maxEpochs()) {
                stop = "reached --epochs " + cfg.maxEpochs();
            } else if (cfg.timeLimitMinutes() > 0 && !history.isEmpty()) {
                double perEpoch = elapsed / history.size();
                if (elapsed + perEpoch > cfg.timeLimitMinutes() * 60) {
                    stop = String.format("--time-limit %.0f min: another epoch (~%.0f s) would pass it",
                            cfg.timeLimitMinutes(), perEpoch);
                }
            }
            if (stop != null) {
                state = withStop(state, stop, elapsed);
                ckpt.commit(state);
                break;
            }
            EpochStats stats = runEpoch(net, epoch, cfg, trainSeqs, trainLabels, lengths, labels.size());
            // The same inference engine TextClassifier scores with, so validation and serving agree.
            float[][] probs = FusedLstmInference.supports(spec)
                    ? new FusedLstmInference(net).probabilities(valSeqs, INFERENCE_BATCH)
                    : SequenceInference.probabilities(net, valSeqs, labels.size(), INFERENCE_BATCH);
            EvaluationReport val = EvaluationReport.of(labels.names(), valLabels, probs);
            stats = new EpochStats(epoch, stats.trainLoss(), val.logLoss(), val.accuracy(), stats.seconds(),
                    stats.docsPerSecond(), stats.tokensPerSecond());
            history.add(stats);
            boolean better = val.accuracy() > state.bestAccuracy()
                    || (val.accuracy() == state.bestAccuracy() && val.logLoss() < state.bestLoss());
            listener.info(String.format("epoch %d: train loss %.4f, validation loss %.4f, accuracy %.4f%s "
                            + "(%.0f s, %.1f docs/s, %,.0f tokens/s)", epoch, stats.trainLoss(), val.logLoss(),
                    val.accuracy(), better ? " (best)" : "", stats.seconds(), stats.docsPerSecond(),
                    stats.tokensPerSecond()));
            elapsed = elapsedBefore + (System.nanoTime() - start) / 1e9;
            state = new Checkpoint.State(state.config(), dataFingerprint, List.copyOf(history),
                    better ? epoch : state.bestEpoch(), better ? val.accuracy() : state.bestAccuracy(),
                    better ? val.logLoss() : state.bestLoss(), better ? val : state.bestReport(), elapsed, null,
                    state.lastFile(), state.bestFile());
            if (epoch - state.bestEpoch() >= cfg.patience()) {
                state = withStop(state, "no better validation accuracy for " + cfg.patience() + " epochs", elapsed);
            }
            state = ckpt.save(net, state, better);
            listener.info("checkpoint: epoch " + epoch + " saved in " + ckpt.dir());
        }

        MultiLayerNetwork best = ckpt.loadBest(state);
        ModelBundle.PipelineEntry pipelineEntry = new ModelBundle.PipelineEntry(textSettings, seqSettings);
        ModelBundle.Contents draft = new ModelBundle.Contents(labels, vocab, pipelineEntry, spec, null, best);
        TextClassifier classifier = new TextClassifier(draft);
        List<ModelCard.SelfTestCase> selfTest = selfTest(classifier, split);

        double seconds = elapsedBefore + (System.nanoTime() - start) / 1e9;
        double trainSeconds = history.stream().mapToDouble(EpochStats::seconds).sum();
        double docsPerSecond = trainSeconds == 0 ? 0 : history.size() * (double) trainSeqs.size() / trainSeconds;
        ModelCard card = card(cfg, corpus, report, split, loaded, state, seconds, docsPerSecond, selfTest);
        ModelBundle.write(bundle, new ModelBundle.Contents(labels, vocab, pipelineEntry, spec, card, best));
        ckpt.delete();
        listener.info(String.format("saved %s: best epoch %d (validation accuracy %.4f), stopped: %s; %.1f min in "
                        + "all, %.1f training docs/s", bundle, state.bestEpoch(), state.bestAccuracy(),
                state.stopReason(), seconds / 60, docsPerSecond));
        return new TrainingResult(bundle, state.bestEpoch(), state.stopReason(), history, state.bestReport(), seconds,
                docsPerSecond, report);
    }

    private static Checkpoint.State withStop(Checkpoint.State s, String reason, double elapsed) {
        return new Checkpoint.State(s.config(), s.dataFingerprint(), s.history(), s.bestEpoch(), s.bestAccuracy(),
                s.bestLoss(), s.bestReport(), elapsed, reason, s.lastFile(), s.bestFile());
    }

    /**
     * One pass over the training documents in length-bucketed batches, seeded from (seed, epoch),
     * with batches built on a second thread. Validation fields of the result are NaN.
     */
    public static EpochStats runEpoch(MultiLayerNetwork net, int epoch, TrainingConfig cfg, List<int[]> seqs,
                                      int[] labels, int[] lengths, int numLabels) {
        Nd4j.getRandom().setSeed(cfg.seed() * 1_000_003L + epoch);
        Random rng = new Random(cfg.seed() * 31 + epoch);
        int[] order = Bucketing.flatten(Bucketing.trainingBatches(lengths, cfg.batchSize(), rng));
        List<int[]> orderedSeqs = new ArrayList<>(order.length);
        int[] orderedLabels = new int[order.length];
        long tokens = 0;
        for (int i = 0; i < order.length; i++) {
            orderedSeqs.add(seqs.get(order[i]));
            orderedLabels[i] = labels[order[i]];
            tokens += lengths[order[i]];
        }
        // Batches are built on a second thread while the network trains on the current one.
        FailureRecordingIterator source = new FailureRecordingIterator(
                SequenceBatches.iterator(orderedSeqs, orderedLabels, numLabels, cfg.batchSize(),
                        Architectures.pools(cfg.architecture())));
        DataSetIterator it = new AsyncDataSetIterator(source, 4, true);
        long t0 = System.nanoTime();
        double lossSum = 0;
        int steps = 0;
        try (Progress progress = Progress.start(String.format("epoch %d/%d", epoch, cfg.maxEpochs()), order.length,
                "docs")) {
            boolean masks = RnnMasks.needed(net);
            while (it.hasNext()) {
                DataSet ds = it.next();
                if (masks) {
                    RnnMasks.set(net, ds.getFeaturesMaskArray());
                }
                net.fit(ds);
                // score() adds the weight-decay term, which dwarfs the data loss on a 30k-row embedding.
                lossSum += net.score() - net.calcRegularizationScore(true);
                steps++;
                progress.step(ds.numExamples());
                progress.extra(String.format(" loss %.4f", lossSum / steps));
            }
        } finally {
            if (it instanceof AsyncDataSetIterator a) {
                a.shutdown();
            }
        }
        source.rethrowIfFailed();
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new EpochStats(epoch, lossSum / Math.max(1, steps), Double.NaN, Double.NaN, seconds,
                order.length / seconds, tokens / seconds);
    }

    /**
     * Splits off validation documents: per label, distinct texts are shuffled with the seed and
     * taken until the share is reached, so exact duplicates never straddle the split. Empty
     * documents are left out of both.
     */
    private Split split(CorpusLoader.Loaded loaded, FolderCorpus corpus, TextPipeline pipeline, TrainingConfig cfg) {
        List<TokenizedDocument> nonEmpty = new ArrayList<>();
        int empty = 0;
        for (TokenizedDocument d : loaded.documents()) {
            if (d.tokens().length == 0) {
                empty++;
            } else {
                nonEmpty.add(d);
            }
        }
        if (cfg.validationDir() != null) {
            FolderCorpus valCorpus = FolderCorpus.scan(cfg.validationDir(), corpus.labels());
            CorpusLoader.Loaded valLoaded = CorpusLoader.load(valCorpus, pipeline, cfg.threads(),
                    TextFiles.DEFAULT_MAX_BYTES);
            List<TokenizedDocument> val = new ArrayList<>();
            for (TokenizedDocument d : valLoaded.documents()) {
                if (d.tokens().length == 0) {
                    empty++;
                } else {
                    val.add(d);
                }
            }
            return new Split(nonEmpty, val, cfg.validationDir(),
                    loaded.stats().fingerprint() + "+" + valLoaded.stats().fingerprint(), empty);
        }
        Random rng = new Random(cfg.seed());
        List<TokenizedDocument> train = new ArrayList<>();
        List<TokenizedDocument> val = new ArrayList<>();
        for (int label = 0; label < corpus.labels().size(); label++) {
            Map<Long, List<TokenizedDocument>> byText = new LinkedHashMap<>();
            for (TokenizedDocument d : nonEmpty) {
                if (d.label() == label) {
                    byText.computeIfAbsent(d.contentHash(), h -> new ArrayList<>()).add(d);
                }
            }
            List<List<TokenizedDocument>> groups = new ArrayList<>(byText.values());
            java.util.Collections.shuffle(groups, rng);
            long total = groups.stream().mapToLong(List::size).sum();
            long target = Math.round(total * cfg.validationFraction());
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
        java.util.Comparator<TokenizedDocument> byId = java.util.Comparator.comparing(TokenizedDocument::id);
        train.sort(byId);
        val.sort(byId);
        return new Split(train, val, corpus.root(), loaded.stats().fingerprint() + "/" + cfg.validationFraction(), empty);
    }

    private static Vocabulary buildVocabulary(List<TokenizedDocument> train, TrainingConfig cfg) {
        Map<String, Long> counts = new HashMap<>();
        for (TokenizedDocument d : train) {
            for (String t : d.tokens()) {
                counts.merge(t, 1L, Long::sum);
            }
        }
        return Vocabulary.build(counts, cfg.vocabularySize(), cfg.minCount());
    }

    private static List<int[]> encode(SequenceEncoder encoder, List<TokenizedDocument> docs) {
        List<int[]> out = new ArrayList<>(docs.size());
        for (TokenizedDocument d : docs) {
            out.add(encoder.encode(d.tokens()));
        }
        return out;
    }

    /** The first few validation documents with the probabilities this process gives them. */
    private static List<ModelCard.SelfTestCase> selfTest(TextClassifier classifier, Split split) throws IOException {
        List<ModelCard.SelfTestCase> cases = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (TokenizedDocument d : split.validation) {
            if (ids.size() == SELF_TEST_DOCS) {
                break;
            }
            TextFiles.Content c = TextFiles.read(split.validationRoot.resolve(d.id()), TextFiles.DEFAULT_MAX_BYTES);
            String text = c.text().length() > SELF_TEST_MAX_CHARS ? c.text().substring(0, SELF_TEST_MAX_CHARS) : c.text();
            texts.add(text);
            ids.add(d.id());
        }
        List<Prediction> preds = classifier.classifyAll(texts);
        for (int i = 0; i < texts.size(); i++) {
            cases.add(new ModelCard.SelfTestCase(ids.get(i), texts.get(i), preds.get(i).probs()));
        }
        return cases;
    }

    private static ModelCard card(TrainingConfig cfg, FolderCorpus corpus, CorpusReport report, Split split,
                                  CorpusLoader.Loaded loaded, Checkpoint.State state, double seconds,
                                  double docsPerSecond, List<ModelCard.SelfTestCase> selfTest) {
        ObjectNode corpusNode = Json.MAPPER.createObjectNode();
        corpusNode.put("root", corpus.root().toAbsolutePath().normalize().toString());
        corpusNode.put("fingerprint", loaded.stats().fingerprint());
        corpusNode.putPOJO("labels", corpus.labels());
        corpusNode.putPOJO("documentsPerLabel", report.perLabel());
        corpusNode.put("trainingDocuments", split.train.size());
        corpusNode.put("validationDocuments", split.validation.size());
        corpusNode.put("validationSource", cfg.validationDir() != null ? cfg.validationDir().toString()
                : "held out " + cfg.validationFraction() + " of each label");
        if (cfg.validationDir() == null) {
            // Lets 'evaluate --held-out' re-score exactly these documents in any later JVM.
            corpusNode.putPOJO(ModelCard.VALIDATION_IDS, split.validation.stream().map(TokenizedDocument::id).toList());
        }
        corpusNode.put("report", report.toText());
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("bestEpoch", state.bestEpoch());
        result.put("stopReason", state.stopReason());
        result.put("seconds", seconds);
        result.put("trainDocsPerSecond", docsPerSecond);
        result.putPOJO("history", state.history());
        return new ModelCard(Instant.now().toString(), Versions.TEXTCLS, Versions.DL4J,
                System.getProperty("java.version"), cfg.seed(), Json.MAPPER.valueToTree(cfg), corpusNode, result,
                state.bestReport(), selfTest);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
