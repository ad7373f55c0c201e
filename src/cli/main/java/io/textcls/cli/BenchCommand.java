package io.textcls.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.textcls.TextclsException;
import io.textcls.corpus.CorpusEntry;
import io.textcls.corpus.CorpusLoader;
import io.textcls.corpus.FolderCorpus;
import io.textcls.corpus.TextFiles;
import io.textcls.corpus.TokenizedDocument;
import io.textcls.encode.SequenceEncoder;
import io.textcls.model.Architectures;
import io.textcls.model.NetworkSpec;
import io.textcls.model.dl4j.InferenceEngine;
import io.textcls.model.kernel.RecurrentKernels;
import io.textcls.recipe.Recipe;
import io.textcls.text.TextPipeline;
import io.textcls.train.Trainer;
import io.textcls.train.TrainingBenchmarks;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code textcls bench}: network throughput of one network of a recipe (by default the built-in
 * {@code lstm64}, imdb-default's LSTM) on IMDB reviews and on synthetic fixed-length sequences, as
 * the median (min-max) of several runs. {@code --export} writes the exact id sequences and the network's shape so another
 * framework can run the same network on the same data.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, showDefaultValues = true, sortOptions = false,
        description = {"Measure training and scoring throughput of one network of a recipe (median of --runs).",
                "Used by bench/bench.sh, which also runs PyTorch on the same sequences."})
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

    @Option(names = "--recipe", description = "The recipe whose network is measured: a built-in name or a recipe "
            + "file; with several networks, --network picks one. The recipe options below change it as on train; "
            + "bench reads --docs reviews of --data and starts from random embeddings, so the split, sample, "
            + "groups, vectors and stopping fields do not apply.")
    String recipe = "lstm64";

    @Option(names = "--network", description = "Which of the recipe's networks (default: its first).")
    String network;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Change one recipe field (repeatable), "
            + "e.g. hidden-size=128.")
    List<String> sets = new ArrayList<>();

    /** What {@code --only} selects. */
    enum Phase { train, score }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Recipe d = RecipeOptions.resolve(recipe, spec.commandLine().getParseResult(), sets);
        Recipe.Network n = d.networks().get(0);
        if (network != null) {
            n = d.networks().stream().filter(x -> x.name().equals(network)).findFirst().orElseThrow(() ->
                    new TextclsException("recipe " + recipe + " has no network '" + network + "'"));
        }
        d = Trainer.chooseTokenizer(d.only(n), data, io.textcls.corpus.TableColumns.defaults(),
                line -> {
                    out.println(line);
                    out.flush();
                });
        TextPipeline pipeline = new TextPipeline(d.text().pipeline());
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
        int vocabSize = d.vocabulary().size();
        Vocabulary vocab = Vocabulary.build(counts, vocabSize, d.vocabulary().minCount());
        SequenceEncoder enc = new SequenceEncoder(vocab, d.text().sequence());
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
                s[t] = 2 + r.nextInt(vocabSize - 2);
            }
            synthLabels[i] = s[0] % 2;
            synth.add(s);
        }
        NetworkSpec shape = d.networkSpec(n, vocabSize, numLabels);
        if (export != null) {
            exportIds(export.resolve("imdb.ids"), imdb, imdbLabels);
            exportIds(export.resolve("synthetic.ids"), synth, synthLabels);
            ObjectNode node = Json.MAPPER.valueToTree(shape);
            node.put("learningRate", d.training().learningRate());
            node.put("gradientClip", d.training().clip());
            node.put("batchSize", d.training().batchSize());
            node.put("kernel", Architectures.CNN_KERNEL);
            AtomicFiles.writeString(export.resolve("network.json"), Json.MAPPER.writeValueAsString(node));
        }
        long imdbTokens = imdb.stream().mapToLong(s -> s.length).sum();
        out.printf("data: %d IMDB reviews from %s (%.0f tokens per review after the %d-token %s cap), %d synthetic "
                        + "sequences of %d tokens; vocabulary %d; network %s (embedding %d, hidden %d, %d layer(s)%s); "
                        + "batch %d; %d runs%n", imdb.size(), data, (double) imdbTokens / imdb.size(),
                d.text().maxLength(), d.text().truncation(), docs, syntheticLength, vocabSize, n.architecture(),
                d.embeddings().size(), n.hiddenSize(), n.layers(), n.pooling() == null ? "" : ", " + n.pooling()
                        + " pooling", d.training().batchSize(), runs);
        out.flush();
        Recipe measured = d;
        if (only != Phase.score) {
            double perToken = trainingFlopsPerToken(shape);
            if (perToken > 0) {
                int threads = RecurrentKernels.threads();
                double peak = RecurrentKernels.peakGflops(threads);
                out.printf("recurrent layers (%s, %d thread(s)): %.2f MFLOP per training token; this machine's measured "
                        + "float FMA peak on %d thread(s): %.1f GFLOP/s%n", RecurrentKernels.lstmKernelName(), threads,
                        perToken / 1e6, threads, peak);
                double med = report(out, "train imdb (bucketed)", imdb.size(), imdbTokens,
                        () -> trainSeconds(measured, imdb, imdbLabels, numLabels, vocab.size()));
                double gflops = imdbTokens / med * perToken / 1e9;
                out.printf("  recurrent arithmetic while training: %.1f GFLOP/s, %.0f %% of that peak%n", gflops,
                        peak > 0 ? 100 * gflops / peak : 0);
            } else {
                report(out, "train imdb (bucketed)", imdb.size(), imdbTokens,
                        () -> trainSeconds(measured, imdb, imdbLabels, numLabels, vocab.size()));
            }
            report(out, "train synthetic", synth.size(), (long) docs * syntheticLength,
                    () -> trainSeconds(measured, synth, synthLabels, numLabels, vocabSize));
        }
        if (only == Phase.train) {
            out.printf("peak RSS: %.0f MB%n", ProcessStats.peakRssBytes() / 1e6);
            out.flush();
            return 0;
        }
        // every engine that can run the network; "(default)" marks the one textcls scores with
        InferenceEngine.Kind chosen = InferenceEngine.choice(shape);
        for (String set : new String[] {"imdb", "synthetic"}) {
            for (InferenceEngine.Kind kind : InferenceEngine.Kind.values()) {
                if (!InferenceEngine.supports(kind, shape)) {
                    continue;
                }
                InferenceEngine engine = InferenceEngine.untrained(kind, shape, d.seed());
                List<int[]> seqs = set.equals("imdb") ? imdb : synth;
                long tokens = set.equals("imdb") ? imdbTokens : (long) docs * syntheticLength;
                report(out, "score " + set + ", " + kind.label + (kind == chosen ? " (default)" : ""), seqs.size(),
                        tokens, () -> time(() -> engine.probabilities(seqs, 64)));
            }
        }
        out.printf("peak RSS: %.0f MB%n", ProcessStats.peakRssBytes() / 1e6);
        out.flush();
        return 0;
    }

    private static double trainSeconds(Recipe d, List<int[]> seqs, int[] labels, int numLabels, int vocabSize) {
        return TrainingBenchmarks.timeEpoch(d, seqs, labels, vocabSize, numLabels).seconds();
    }

    private static double time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Runs a measurement once to warm up, then {@code runs} times; prints median (min-max). */
    /** Prints a measurement's median (min-max) over the runs after a warm-up; returns the median seconds. */
    private double report(PrintWriter out, String what, int n, long tokens, DoubleSupplier seconds) {
        seconds.getAsDouble();
        double[] s = new double[runs];
        for (int i = 0; i < runs; i++) {
            s[i] = seconds.getAsDouble();
        }
        Arrays.sort(s);
        double med = runs % 2 == 1 ? s[runs / 2] : (s[runs / 2 - 1] + s[runs / 2]) / 2;
        out.printf("%-40s %8.1f docs/s (%.1f-%.1f)  %9.0f tokens/s%n", what, n / med, n / s[runs - 1], n / s[0],
                tokens / med);
        out.flush();
        return med;
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

    /**
     * Flops per token of a training step's recurrent layers (forward, and backward at twice the
     * forward: the input and the weight gradients), the products only.
     */
    private static double trainingFlopsPerToken(NetworkSpec spec) {
        String a = spec.architecture();
        if (!Architectures.recurrent(a)) {
            return 0;
        }
        int gates = Architectures.lstm(a) ? 4 : 3;
        int dirs = a.startsWith("bi") ? 2 : 1;
        double flops = 0;
        int in = spec.embeddingSize();
        for (int l = 0; l < spec.layers(); l++) {
            flops += 6.0 * (in + spec.hiddenSize()) * gates * spec.hiddenSize() * dirs;
            in = dirs * spec.hiddenSize();
        }
        return flops;
    }
}
