package io.textcls.model;

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
    private static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static final boolean WANTED = !"dl4j".equalsIgnoreCase(System.getProperty("textcls.kernel", ""));
    private static final AtomicInteger WARNED = new AtomicInteger();
    private static volatile int threads = 1;
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
    static boolean useForLstm() {
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

    /** How many threads one layer splits a batch's rows over (default 1; one network training alone may use every core). */
    public static void setThreads(int n) {
        threads = Math.max(1, Math.min(MAX_THREADS, n));
    }

    public static int threads() {
        return threads;
    }

    /** A range of batch rows, {@code [r0, r1)}, the {@code part}-th of a split. */
    interface RowTask {
        void run(int part, int r0, int r1);
    }

    /** How many parts a batch of {@code rows} is split into on {@code threads} threads. */
    static int parts(int threads, int rows) {
        return Math.max(1, Math.min(Math.min(threads, MAX_THREADS), rows / 4 == 0 ? 1 : rows / 4));
    }

    /** Runs a task on each part of the rows, the first part on the calling thread, and waits for all. */
    static void run(int threads, int rows, RowTask task) {
        int n = parts(threads, rows);
        if (n == 1) {
            task.run(0, 0, rows);
            return;
        }
        @SuppressWarnings("unchecked")
        Future<?>[] others = new Future<?>[n - 1];
        for (int p = 1; p < n; p++) {
            int part = p, r0 = rows * p / n, r1 = rows * (p + 1) / n;
            others[p - 1] = POOL.submit(() -> task.run(part, r0, r1));
        }
        Throwable failure = null;
        try {
            task.run(0, 0, rows / n);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
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

    /** Keeps the Vector API out of this class, which loads without the module. */
    private static final class VectorInfo {
        static int lanes() {
            return VectorKernels.L;
        }
    }
}
