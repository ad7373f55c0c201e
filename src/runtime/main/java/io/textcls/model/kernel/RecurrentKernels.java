package io.textcls.model.kernel;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where textcls's own recurrent kernels ({@link LstmKernel}) run: whether the
 * JDK's Vector API module is there, how many threads one layer's batch is split over, and the
 * threads themselves.
 *
 * <p>The kernels need {@code --add-modules jdk.incubator.vector} (the {@code textcls} launcher, the
 * build and the tests pass it). Without it LSTM layers run DL4J's own arithmetic, with one warning.
 * {@code -Dtextcls.kernel=dl4j} asks for DL4J's arithmetic anyway (to compare).
 */
public final class RecurrentKernels {
    private static final Logger LOG = LoggerFactory.getLogger(RecurrentKernels.class);
    static final int MAX_THREADS = 64;
    /** The most parts a batch is split into (and so the most threads one layer uses). */
    static final int MAX_PARTS = 8;
    private static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static final boolean WANTED = !"dl4j".equalsIgnoreCase(System.getProperty("textcls.kernel", ""));
    private static final AtomicInteger WARNED = new AtomicInteger();
    /** The property that fixes {@link #threads()} (else a training run sets it, else OMP_NUM_THREADS, else 1). */
    public static final String THREADS_PROPERTY = "textcls.kernel.threads";
    private static volatile int threads = initialThreads();
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "textcls-kernel");
        t.setDaemon(true);
        return t;
    });

    private RecurrentKernels() {
    }

    /** Whether the Vector API module is present in this JVM. */
    public static boolean available() {
        return AVAILABLE;
    }

    /** Whether LSTM layers run textcls's kernel (the module is present and DL4J's arithmetic was not asked for). */
    public static boolean useForLstm() {
        if (AVAILABLE && WANTED) {
            return true;
        }
        if (WANTED && WARNED.getAndIncrement() == 0) {
            LOG.warn("the JVM runs without the jdk.incubator.vector module: LSTM layers use DL4J's own arithmetic, "
                    + "several times slower to train (start Java with --add-modules jdk.incubator.vector)");
        }
        return false;
    }

    /** The name of the kernel LSTM layers run in this JVM, for logs and benchmarks. */
    public static String lstmKernelName() {
        return AVAILABLE && WANTED ? "textcls (Vector API, " + VectorInfo.lanes() + " float lanes)" : "DL4J";
    }

    private static int initialThreads() {
        String p = System.getProperty(THREADS_PROPERTY);
        String omp = System.getenv("OMP_NUM_THREADS");
        try {
            return Math.max(1, Math.min(MAX_THREADS, Integer.parseInt(p != null ? p : omp != null ? omp : "1")));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /**
     * How many threads one layer splits a batch's rows over: a training run gives each network its
     * share of the cores (all of them to a network that trains alone), unless {@value #THREADS_PROPERTY}
     * is set.
     */
    public static void setThreadsUnlessFixed(int n) {
        if (System.getProperty(THREADS_PROPERTY) == null) {
            threads = Math.max(1, Math.min(MAX_THREADS, n));
        }
    }

    public static int threads() {
        return threads;
    }

    /** A range of batch rows, {@code [r0, r1)}, the {@code part}-th of a split. */
    interface RowTask {
        void run(int part, int r0, int r1);
    }

    /** Rows per part of a batch, about. */
    private static final int PART_ROWS = 16;

    /**
     * How many parts a batch of {@code rows} is split into: a fixed number, whatever the thread
     * count, so that each part's weight-gradient sums, added in part order, give the same numbers
     * on one thread or many.
     */
    static int parts(int rows) {
        return Math.max(1, Math.min(MAX_PARTS, (rows + PART_ROWS - 1) / PART_ROWS));
    }

    /**
     * Runs a task on each part of the rows (part {@code p} is rows {@code [rows·p/n, rows·(p+1)/n)}),
     * the parts dealt over up to {@code threads} threads, the first on the calling thread, and waits
     * for all.
     */
    static void run(int threads, int rows, RowTask task) {
        int n = parts(rows);
        int workers = Math.max(1, Math.min(threads, n));
        if (workers == 1) {
            for (int p = 0; p < n; p++) {
                task.run(p, rows * p / n, rows * (p + 1) / n);
            }
            return;
        }
        Future<?>[] others = new Future<?>[workers - 1];
        for (int wk = 1; wk < workers; wk++) {
            int worker = wk;
            others[wk - 1] = POOL.submit(() -> runParts(task, worker, workers, n, rows));
        }
        Throwable failure = null;
        try {
            runParts(task, 0, workers, n, rows);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        join(others, failure);
    }

    /**
     * Each row's first and last step to compute: its first and last real step ({@code last <
     * first}: none), or the whole row without a mask.
     */
    static void rowSpans(boolean[] mask, int batch, int steps, int[] first, int[] last) {
        for (int b = 0; b < batch; b++) {
            int f = 0, l = steps - 1;
            if (mask != null) {
                while (f < steps && !mask[b * steps + f]) {
                    f++;
                }
                while (l >= f && !mask[b * steps + l]) {
                    l--;
                }
            }
            first[b] = f;
            last[b] = l;
        }
    }

    /**
     * The rows of {@code [r0, r1)} from the first to the last whose span holds step {@code t} after
     * its first step (so a previous step may hold a state), as {@code lo << 32 | hi}; hi < lo: none.
     */
    static long rowsWithPrevious(int t, int r0, int r1, int[] first, int[] last) {
        int lo = r0, hi = r1 - 1;
        while (lo <= hi && !(t > first[lo] && t <= last[lo])) {
            lo++;
        }
        while (hi >= lo && !(t > first[hi] && t <= last[hi])) {
            hi--;
        }
        return ((long) lo << 32) | (hi & 0xffffffffL);
    }

    /** A range {@code [from, to)} of some index. */
    public interface RangeTask {
        void run(int from, int to);
    }

    /**
     * Runs {@code task} over {@code [0, n)} split into one contiguous range per thread (the first
     * on the calling thread), for element-wise work whose result does not depend on the split;
     * on one thread, or below {@code minPerThread} elements a thread, in one call.
     */
    public static void parallel(int threads, int n, int minPerThread, RangeTask task) {
        int workers = Math.max(1, Math.min(threads, n / Math.max(1, minPerThread)));
        if (workers <= 1) {
            task.run(0, n);
            return;
        }
        Future<?>[] others = new Future<?>[workers - 1];
        for (int w = 1; w < workers; w++) {
            int from = (int) ((long) n * w / workers), to = (int) ((long) n * (w + 1) / workers);
            others[w - 1] = POOL.submit(() -> task.run(from, to));
        }
        Throwable failure = null;
        try {
            task.run(0, (int) ((long) n / workers));
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        join(others, failure);
    }

    /** Waits for every other thread's task; rethrows the first failure (the caller's own first). */
    private static void join(Future<?>[] others, Throwable first) {
        Throwable failure = first;
        for (Future<?> f : others) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure != null ? failure : e;
            } catch (java.util.concurrent.ExecutionException e) {
                failure = failure != null ? failure : e.getCause();
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException("a kernel thread failed: " + failure, failure);
        }
    }

    private static void runParts(RowTask task, int worker, int workers, int n, int rows) {
        for (int p = worker; p < n; p += workers) {
            task.run(p, rows * p / n, rows * (p + 1) / n);
        }
    }

    /**
     * The machine's measured float arithmetic peak on {@code threads} threads at once (vector FMA
     * chains, about half a second), in GFLOP/s; 0 without the Vector API.
     */
    public static double peakGflops(int threads) {
        if (!AVAILABLE) {
            return 0;
        }
        VectorInfo.peak(500); // warm-up: compiled before it is timed
        if (threads <= 1) {
            return Math.max(VectorInfo.peak(300), VectorInfo.peak(300)); // the better of two: a busy moment is not the peak
        }
        java.util.List<Future<Double>> fs = new java.util.ArrayList<>();
        for (int i = 0; i < threads; i++) {
            fs.add(POOL.submit(() -> VectorInfo.peak(500)));
        }
        double sum = 0;
        for (Future<Double> f : fs) {
            try {
                sum += f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return sum;
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        return sum;
    }

    /** Keeps the Vector API out of this class, which loads without the module. */
    private static final class VectorInfo {
        static int lanes() {
            return VectorKernels.L;
        }

        static double peak(long millis) {
            return VectorKernels.peakGflops(millis);
        }
    }
}
