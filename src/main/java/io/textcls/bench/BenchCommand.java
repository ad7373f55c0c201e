package io.textcls.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.textcls.TextclsException;
import io.textcls.corpus.CorpusEntry;
import io.textcls.corpus.CorpusLoader;
import io.textcls.corpus.FolderCorpus;
import io.textcls.corpus.TextFiles;
import io.textcls.corpus.TokenizedDocument;
import io.textcls.encode.SequenceEncoder;
import io.textcls.encode.SequenceSettings;
import io.textcls.model.Architectures;
import io.textcls.model.FusedLstmInference;
import io.textcls.model.NetworkSpec;
import io.textcls.model.SequenceInference;
import io.textcls.text.TextPipeline;
import io.textcls.text.TextPipelineSettings;
import io.textcls.train.ClassifierTrainer;
import io.textcls.train.EpochStats;
import io.textcls.train.TrainingConfig;
import io.textcls.util.AtomicFiles;
import io.textcls.util.Json;
import io.textcls.util.ProcessStats;
import io.textcls.vocab.Vocabulary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.DoubleSupplier;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code textcls bench}: network throughput of a recipe ({@code train}'s default, changed by
 * {@code --architecture}/{@code --hidden-size} and the like, e.g. into a network of the default
 * ensemble, or the first release's) on IMDB reviews and on synthetic fixed-length sequences, as
 * the median (min-max) of several runs. {@code --export} writes the exact id sequences and the network's shape so another
 * framework can run the same network on the same data.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, showDefaultValues = true, sortOptions = false,
        description = {"Measure training and scoring throughput of a network (median of --runs): the default "
                + "recipe's, changed by the train options below, or the first release's.",
                "Used by scripts/bench.sh, which also runs PyTorch on the same sequences."})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", description = "Labeled folder to take reviews from.")
    Path data = Path.of("data/aclImdb/train");

    @Option(names = "--docs", description = "Reviews used (taken evenly across labels and files).")
    int docs = 2048;

    @Option(names = "--runs", description = "Runs per measurement; the median is reported.")
    int runs = 3;

    @Option(names = "--synthetic-length", description = "Tokens per synthetic sequence.")
    int syntheticLength = 256;

    @Option(names = "--export", description = "Write the IMDB and synthetic id sequences to this folder.")
    Path export;

    @Option(names = "--only", description = "Measure only training or only scoring (for profiling): ${COMPLETION-CANDIDATES}.")
    Phase only;

    @Option(names = "--first-release", description = "The first release's network (lstm-last.v1 128/128, last 400 "
            + "tokens) instead of the default recipe's.")
    boolean firstRelease;

    @Option(names = "--architecture", description = "As train's (default: the default recipe's).")
    String architecture;

    @Option(names = "--hidden-size", description = "As train's.")
    Integer hiddenSize;

    @Option(names = "--pooling", description = "As train's.")
    String pooling;

    @Option(names = "--layers", description = "As train's.")
    Integer layers;

    /** What {@code --only} selects. */
    enum Phase { train, score }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        TrainingConfig d = config();
        TextPipeline pipeline = new TextPipeline(TextPipelineSettings.defaults());
        FolderCorpus corpus = FolderCorpus.scan(data, List.of());
        List<CorpusEntry> all = corpus.entries();
        if (all.size() < docs) {
            throw new TextclsException(data + " has " + all.size() + " documents; --docs " + docs + " needs more");
        }
        FolderCorpus sample = corpus.restrictTo(evenly(all, docs));
        CorpusLoader.Loaded loaded = CorpusLoader.load(sample, pipeline, 2, TextFiles.DEFAULT_MAX_BYTES);
        Map<String, Long> counts = new HashMap<>();
        for (TokenizedDocument t : loaded.documents()) {
            for (String tok : t.tokens()) {
                counts.merge(tok, 1L, Long::sum);
            }
        }
        Vocabulary vocab = Vocabulary.build(counts, d.vocabularySize(), d.minCount());
        SequenceEncoder enc = new SequenceEncoder(vocab, new SequenceSettings(d.maxLength(), d.truncation()));
        List<int[]> imdb = new ArrayList<>();
        int[] imdbLabels = new int[loaded.documents().size()];
        int numLabels = Math.max(2, loaded.labels().size());
        for (int i = 0; i < imdbLabels.length; i++) {
            imdb.add(enc.encode(loaded.documents().get(i).tokens()));
            imdbLabels[i] = loaded.documents().get(i).label();
        }
        // Synthetic: fixed length, ids over the full default vocabulary, label from one position.
        Random r = new Random(1);
        List<int[]> synth = new ArrayList<>();
        int[] synthLabels = new int[docs];
        for (int i = 0; i < docs; i++) {
            int[] s = new int[syntheticLength];
            for (int t = 0; t < s.length; t++) {
                s[t] = 2 + r.nextInt(d.vocabularySize() - 2);
            }
            synthLabels[i] = s[0] % 2;
            synth.add(s);
        }
        NetworkSpec shape = d.networkSpec(d.vocabularySize(), numLabels);
        if (export != null) {
            exportIds(export.resolve("imdb.ids"), imdb, imdbLabels);
            exportIds(export.resolve("synthetic.ids"), synth, synthLabels);
            ObjectNode n = Json.MAPPER.valueToTree(shape);
            n.put("learningRate", d.learningRate());
            n.put("gradientClip", d.gradientClip());
            n.put("batchSize", d.batchSize());
            n.put("kernel", Architectures.CNN_KERNEL);
            AtomicFiles.writeString(export.resolve("network.json"), Json.MAPPER.writeValueAsString(n));
        }
        long imdbTokens = imdb.stream().mapToLong(s -> s.length).sum();
        out.printf("data: %d IMDB reviews from %s (%.0f tokens per review after the %d-token %s cap), %d synthetic "
                        + "sequences of %d tokens; vocabulary %d; network %s (embedding %d, hidden %d, %d layer(s)%s); "
                        + "batch %d; %d runs%n", imdb.size(), data, (double) imdbTokens / imdb.size(), d.maxLength(),
                d.truncation(), docs, syntheticLength, d.vocabularySize(), d.architecture(), d.embeddingSize(),
                d.hiddenSize(), d.layers(), d.pooling() == null ? "" : ", " + d.pooling() + " pooling", d.batchSize(),
                runs);
        out.flush();
        if (only != Phase.score) {
            report(out, "train imdb (bucketed)", imdb.size(), imdbTokens,
                    () -> trainSeconds(d, imdb, imdbLabels, numLabels, vocab));
            report(out, "train synthetic", synth.size(), (long) docs * syntheticLength,
                    () -> trainSeconds(d, synth, synthLabels, numLabels, null));
        }
        if (only == Phase.train) {
            out.printf("peak RSS: %.0f MB%n", ProcessStats.peakRssBytes() / 1e6);
            out.flush();
            return 0;
        }
        MultiLayerNetwork net = network(d, d.vocabularySize(), numLabels, 1);
        if (FusedLstmInference.supports(shape)) {
            FusedLstmInference fused = new FusedLstmInference(net);
            report(out, "score imdb, fused op", imdb.size(), imdbTokens, () -> time(() -> fused.probabilities(imdb, 64)));
        }
        report(out, "score imdb, dl4j layers", imdb.size(), imdbTokens,
                () -> time(() -> SequenceInference.probabilities(net, imdb, numLabels, 64)));
        if (FusedLstmInference.supports(shape)) {
            FusedLstmInference fused = new FusedLstmInference(net);
            report(out, "score synthetic, fused op", synth.size(), (long) docs * syntheticLength,
                    () -> time(() -> fused.probabilities(synth, 64)));
        }
        report(out, "score synthetic, dl4j layers", synth.size(), (long) docs * syntheticLength,
                () -> time(() -> SequenceInference.probabilities(net, synth, numLabels, 64)));
        out.printf("peak RSS: %.0f MB%n", ProcessStats.peakRssBytes() / 1e6);
        out.flush();
        return 0;
    }

    /** The recipe measured: the default (or first release's) training options with this command's changes. */
    TrainingConfig config() {
        TrainingConfig c = firstRelease ? TrainingConfig.firstRelease() : TrainingConfig.defaults();
        if (architecture != null) {
            c = c.with("architecture", architecture);
        }
        if (hiddenSize != null) {
            c = c.with("hidden-size", hiddenSize.toString());
        }
        if (pooling != null) {
            c = c.with("pooling", pooling);
        }
        if (layers != null) {
            c = c.with("layers", layers.toString());
        }
        return c;
    }

    /** The network as training builds it, its schedule (if any) spanning the recipe's epochs of {@code steps}. */
    private static MultiLayerNetwork network(TrainingConfig d, int vocabSize, int numLabels, long steps) {
        return Architectures.build(d.networkSpec(vocabSize, numLabels), d.optimization(Math.max(1, steps)));
    }

    private static double trainSeconds(TrainingConfig d, List<int[]> seqs, int[] labels, int numLabels,
                                       Vocabulary vocab) {
        MultiLayerNetwork net = network(d, vocab == null ? d.vocabularySize() : vocab.size(), numLabels,
                (seqs.size() + d.batchSize() - 1) / d.batchSize());
        int[] lengths = seqs.stream().mapToInt(s -> s.length).toArray();
        EpochStats s = ClassifierTrainer.runEpoch(net, 1, d, seqs, labels, lengths, numLabels);
        return s.seconds();
    }

    private static double time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Runs a measurement once to warm up, then {@code runs} times; prints median (min-max). */
    private void report(PrintWriter out, String what, int n, long tokens, DoubleSupplier seconds) {
        seconds.getAsDouble();
        double[] s = new double[runs];
        for (int i = 0; i < runs; i++) {
            s[i] = seconds.getAsDouble();
        }
        Arrays.sort(s);
        double med = runs % 2 == 1 ? s[runs / 2] : (s[runs / 2 - 1] + s[runs / 2]) / 2;
        out.printf("%-30s %8.1f docs/s (%.1f-%.1f)  %9.0f tokens/s%n", what, n / med, n / s[runs - 1], n / s[0],
                tokens / med);
        out.flush();
    }

    private static java.util.Set<String> evenly(List<CorpusEntry> all, int n) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        double step = (double) all.size() / n;
        for (int i = 0; i < n; i++) {
            ids.add(all.get((int) (i * step)).id());
        }
        return ids;
    }

    /** One sequence per line: the label, then the token ids, space-separated. */
    private static void exportIds(Path file, List<int[]> seqs, int[] labels) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < seqs.size(); i++) {
            sb.append(labels[i]);
            for (int id : seqs.get(i)) {
                sb.append(' ').append(id);
            }
            sb.append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }
}
