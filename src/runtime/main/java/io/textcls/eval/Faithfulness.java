package io.textcls.eval;

import io.textcls.TextclsException;
import io.textcls.classifier.Explanation;
import io.textcls.classifier.Prediction;
import io.textcls.classifier.TextClassifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Are the explanations faithful? For each held-out document: leave out the {@code k} tokens with
 * the largest attribution toward the predicted label, then {@code k} random read tokens, and
 * compare how much the networks' probability of that label drops. Run by {@code
 * bench/faithfulness.sh}.
 */
public final class Faithfulness {
    private Faithfulness() {
    }

    /**
     * The outcome.
     *
     * @param documents documents measured (each with more than {@code k} read tokens)
     * @param topDrop mean probability drop without the top-k tokens
     * @param randomDrop mean drop without k random read tokens
     * @param topWins share of documents where the top-k drop is the larger
     */
    public record Result(int documents, int k, double topDrop, double randomDrop, double topWins, double seconds) {
        public double ratio() {
            return topDrop / randomDrop;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "documents: %d   k: %d%nmean drop of the predicted label's probability "
                    + "without the top-%d tokens: %.4f%nwithout %d random tokens: %.4f%nratio: %.1f   top-%d drop larger "
                    + "in %.1f %% of documents   (%.1f s)", documents, k, k, topDrop, k, randomDrop, ratio(), k,
                    100 * topWins, seconds);
        }
    }

    /**
     * Measures on up to {@code max} of the classifier's held-out documents under {@code data} (a
     * seeded random choice), {@code threads} documents at a time.
     */
    public static Result measure(TextClassifier classifier, Path data, int max, int k, int threads, long seed,
                                 Consumer<String> progress) throws Exception {
        long start = System.nanoTime();
        Set<String> heldOut = classifier.card() == null ? null : classifier.card().heldOutIds();
        if (heldOut == null) {
            throw new TextclsException("the classifier records no held-out documents (trained with --validation "
                    + "<folder>?)");
        }
        TextClassifier raw = classifier.uncalibrated();
        Evaluator.Scored s = Evaluator.score(raw, data, List.of(), 2, heldOut);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < s.ids().size(); i++) {
            if (raw.steps().readPositions(s.tokens().get(i).length).length > k) {
                order.add(i);
            }
        }
        Collections.shuffle(order, new Random(seed));
        List<Integer> chosen = order.subList(0, Math.min(max, order.size()));
        double[][] drops = new double[chosen.size()][];
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int worker = t;
                TextClassifier c = raw; // shared: its networks score on immutable weights
                futures.add(pool.submit(() -> {
                    for (int j = worker; j < chosen.size(); j += threads) {
                        drops[j] = drops(c, Arrays.asList(s.tokens().get(chosen.get(j))), k, new Random(seed + j));
                        int n = done.incrementAndGet();
                        if (n % 50 == 0 || n == chosen.size()) {
                            progress.accept(String.format(Locale.ROOT, "%d / %d documents, %.0f s", n, chosen.size(),
                                    (System.nanoTime() - start) / 1e9));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double top = 0;
        double random = 0;
        int wins = 0;
        for (double[] d : drops) {
            top += d[0];
            random += d[1];
            wins += d[0] > d[1] ? 1 : 0;
        }
        int n = drops.length;
        return new Result(n, k, top / n, random / n, (double) wins / n, (System.nanoTime() - start) / 1e9);
    }

    /** The predicted label's probability drop without the top-k tokens and without k random read tokens. */
    static double[] drops(TextClassifier raw, List<String> tokens, int k, Random random) {
        Explanation e = raw.steps().explainTokens(tokens, 1);
        int label = e.predictedIndex();
        List<Integer> read = new ArrayList<>();
        for (int p : raw.steps().readPositions(tokens.size())) {
            read.add(p);
        }
        Collections.shuffle(read, random);
        List<Prediction> p = raw.steps().predictWithout(tokens, List.of(Set.of(), Set.copyOf(e.top(label, k)),
                Set.copyOf(read.subList(0, k))));
        double base = p.get(0).probability(label);
        return new double[] {base - p.get(1).probability(label), base - p.get(2).probability(label)};
    }

    /** {@code Faithfulness <bundle> <data> [documents] [k] [threads]}: prints the result. */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Faithfulness <bundle.zip> <data folder> [documents=1000] [k=5] [threads=2]");
            System.exit(2);
        }
        TextClassifier c = TextClassifier.load(Path.of(args[0]));
        int docs = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        int k = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        Result r = measure(c, Path.of(args[1]), docs, k, threads, 42, line -> System.err.println(line));
        System.out.println(r);
    }
}
