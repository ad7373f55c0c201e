import java.io.*;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

/**
 * Prototype, not part of textcls: document vectors that predict their own hashed word n-grams
 * (PV-DBOW when n = 1, Li et al.'s DV-ngram when n = 3), negative sampling, two Hogwild threads.
 * Trains on every document of docs.tsv and unsup.tsv except the held-out ids, then infers the
 * held-out documents' vectors with the n-gram vectors frozen (as scoring a new document would),
 * and writes the 25,000 labeled documents' vectors as CSV rows (id, then the vector).
 *
 * <p>Usage: java DvNgram DIM N ITERS LR SAMPLE DUMP_DIR VAL_IDS OUT.csv (see README.md).
 */
public class DvNgram {
    static int DIM, N, NEG = 5, ITERS, BUCKETS_BITS = 22;
    static float LR0;
    static double SAMPLE;
    static int buckets;
    static float[] U; // output vectors
    static long[] counts;
    static int[] table;
    static final int TABLE = 1 << 25;

    static int bucket(int a, int b, int c, int n) {
        long h = a * 0x9E3779B97F4A7C15L;
        if (n >= 2) h = (h ^ (b + 0x632BE59BD9B4E019L)) * 0xBF58476D1CE4E5B9L;
        if (n >= 3) h = (h ^ (c + 0x8CB92BA72F3D8DD7L)) * 0x94D049BB133111EBL;
        h ^= h >>> 31; h *= 0xD6E8FEB86659FD93L; h ^= h >>> 32;
        return (int) (h & (buckets - 1));
    }

    static int[] targets(int[] t) {
        int len = t.length, m = 0;
        int[] out = new int[len * N];
        for (int n = 1; n <= N; n++)
            for (int k = 0; k + n <= len; k++)
                out[m++] = bucket(t[k], n >= 2 ? t[k + 1] : 0, n >= 3 ? t[k + 2] : 0, n) ;
        return Arrays.copyOf(out, m);
    }

    public static void main(String[] a) throws Exception {
        DIM = Integer.parseInt(a[0]); N = Integer.parseInt(a[1]); ITERS = Integer.parseInt(a[2]);
        LR0 = Float.parseFloat(a[3]); SAMPLE = Double.parseDouble(a[4]);
        String dump = a[5], valFile = a[6], out = a[7];
        int threads = 2;
        buckets = 1 << BUCKETS_BITS;
        Map<String, Integer> vocab = new HashMap<>();
        List<String> ids = new ArrayList<>(); List<int[]> docs = new ArrayList<>();
        for (String f : new String[]{dump + "/docs.tsv", dump + "/unsup.tsv"}) {
            boolean labeled = f.endsWith("docs.tsv");
            try (BufferedReader r = Files.newBufferedReader(Path.of(f))) {
                for (String line; (line = r.readLine()) != null; ) {
                    String[] p = line.split("\t", -1);
                    ids.add(labeled ? p[0] : "unsup/" + p[0]);
                    String text = labeled ? p[2] : p[1];
                    String[] w = text.isEmpty() ? new String[0] : text.split(" ");
                    int[] t = new int[w.length];
                    for (int i = 0; i < w.length; i++) t[i] = vocab.computeIfAbsent(w[i], k -> vocab.size() + 1);
                    docs.add(t);
                }
            }
        }
        Set<String> val = new HashSet<>(Files.readAllLines(Path.of(valFile)));
        int D = docs.size();
        int[][] tg = new int[D][];
        counts = new long[buckets];
        long total = 0;
        boolean[] isVal = new boolean[D];
        for (int d = 0; d < D; d++) {
            tg[d] = targets(docs.get(d));
            isVal[d] = val.contains(ids.get(d));
            if (!isVal[d]) for (int x : tg[d]) { counts[x]++; total++; }
        }
        System.err.printf("docs %d, val %d, target occurrences %d, vocab %d%n", D, val.size(), total, vocab.size());
        // negative table
        double z = 0; for (long c : counts) z += Math.pow(c, 0.75);
        table = new int[TABLE];
        { int i = 0; double cum = Math.pow(counts[0], 0.75) / z;
          for (int k = 0; k < TABLE; k++) { table[k] = i; if ((double) k / TABLE > cum && i < buckets - 1) { i++; cum += Math.pow(counts[i], 0.75) / z; } } }
        float[] keep = new float[buckets];
        for (int b = 0; b < buckets; b++) {
            if (counts[b] == 0 || SAMPLE <= 0) { keep[b] = 1; continue; }
            double f = counts[b], s = SAMPLE * total;
            keep[b] = (float) Math.min(1, (Math.sqrt(f / s) + 1) * s / f);
        }
        U = new float[buckets * DIM];
        float[] V = new float[D * DIM];
        Random init = new Random(1);
        for (int i = 0; i < V.length; i++) V[i] = (init.nextFloat() - 0.5f) / DIM;
        // train on non-val docs
        int[] order = new int[D]; int nt = 0;
        for (int d = 0; d < D; d++) if (!isVal[d]) order[nt++] = d;
        final int ntrain = nt;
        long pairsPerEpoch = 0; for (int i = 0; i < ntrain; i++) pairsPerEpoch += tg[order[i]].length;
        final long totalWork = pairsPerEpoch * ITERS;
        AtomicLong done = new AtomicLong();
        long t0 = System.nanoTime();
        for (int it = 0; it < ITERS; it++) {
            final int iter = it;
            Random sh = new Random(100 + it);
            for (int i = ntrain - 1; i > 0; i--) { int j = sh.nextInt(i + 1); int x = order[i]; order[i] = order[j]; order[j] = x; }
            ExecutorService ex = Executors.newFixedThreadPool(threads);
            for (int th = 0; th < threads; th++) {
                final int tid = th;
                ex.submit(() -> {
                    SplittableRandom rnd = new SplittableRandom(1000L * iter + tid);
                    float[] grad = new float[DIM];
                    for (int i = tid; i < ntrain; i += threads) {
                        int d = order[i];
                        float lr = (float) Math.max(LR0 * 0.0001, LR0 * (1 - (double) done.get() / totalWork));
                        step(V, d * DIM, tg[d], keep, lr, rnd, grad, true);
                        done.addAndGet(tg[d].length);
                    }
                });
            }
            ex.shutdown(); ex.awaitTermination(1, TimeUnit.DAYS);
            System.err.printf("epoch %d %.1fs%n", it + 1, (System.nanoTime() - t0) / 1e9);
        }
        // infer val docs with U frozen
        int inferIters = ITERS;
        long t1 = System.nanoTime();
        for (int d = 0; d < D; d++) if (isVal[d]) {
            SplittableRandom rnd = new SplittableRandom(d);
            float[] grad = new float[DIM];
            for (int k = 0; k < DIM; k++) V[d * DIM + k] = (float) ((rnd.nextDouble() - 0.5) / DIM);
            for (int it = 0; it < inferIters; it++) {
                float lr = (float) (LR0 * (1 - (double) it / inferIters));
                step(V, d * DIM, tg[d], keep, lr, rnd, grad, false);
            }
        }
        System.err.printf("inferred val in %.1fs%n", (System.nanoTime() - t1) / 1e9);
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(out)))) {
            for (int d = 0; d < 25000; d++) {
                StringBuilder sb = new StringBuilder(ids.get(d));
                for (int k = 0; k < DIM; k++) sb.append(',').append(V[d * DIM + k]);
                w.println(sb);
            }
        }
    }

    static void step(float[] V, int off, int[] t, float[] keep, float lr, SplittableRandom rnd, float[] grad, boolean updateU) {
        Arrays.fill(grad, 0);
        for (int x : t) {
            if (keep[x] < 1 && rnd.nextFloat() > keep[x]) continue;
            for (int s = 0; s <= NEG; s++) {
                int target; float label;
                if (s == 0) { target = x; label = 1; } else { target = table[rnd.nextInt(TABLE)]; if (target == x) continue; label = 0; }
                int uo = target * DIM;
                float dot = 0;
                for (int k = 0; k < DIM; k++) dot += V[off + k] * U[uo + k];
                float g;
                if (dot > 6) g = (label - 1) * lr; else if (dot < -6) g = label * lr;
                else g = (float) ((label - 1 / (1 + Math.exp(-dot))) * lr);
                for (int k = 0; k < DIM; k++) grad[k] += g * U[uo + k];
                if (updateU) for (int k = 0; k < DIM; k++) U[uo + k] += g * V[off + k];
            }
            // word2vec applies doc gradient after each target (per context word)
            for (int k = 0; k < DIM; k++) { V[off + k] += grad[k]; grad[k] = 0; }
        }
    }
}
