package io.textcls.serve;

import io.textcls.TextclsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How {@link Server} listens, batches and protects itself. Start from {@link #defaults()} and change
 * what you need with the {@code with...} methods; {@link #check()} refuses values out of range with
 * the option's name.
 *
 * @param host address to bind (loopback unless told otherwise)
 * @param port TCP port; 0 picks a free one ({@link Server#port()} says which)
 * @param maxBatch most documents per forward pass
 * @param maxDelayMs longest a queued document waits for others to join its batch, counted from
 *     when it was queued
 * @param queueSize most documents waiting for a worker; past it requests get 503 with Retry-After
 * @param workers threads running the networks (default: one per core)
 * @param maxBodyBytes largest request body (413 past it)
 * @param maxTexts most documents in one request (413 past it)
 * @param readTimeoutMs a request whose body has not fully arrived this long after its headers, or
 *     an idle connection, is answered 408 and closed
 * @param drainSeconds on stop, how long requests in flight may take to finish
 * @param tokenFile a file holding the bearer token every endpoint but /health requires; null: no
 *     authentication
 * @param bundle the bundle file the classifier came from: its SHA-256 is reported and reload reads
 *     it again; null for a classifier that was not loaded from a file (then reload is refused)
 * @param logText whether request logs include document text
 */
public record ServerOptions(String host, int port, int maxBatch, int maxDelayMs, int queueSize, int workers,
                            long maxBodyBytes, int maxTexts, int readTimeoutMs, int drainSeconds, Path tokenFile,
                            Path bundle, boolean logText) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_BATCH = 32;
    public static final int DEFAULT_MAX_DELAY_MS = 5;
    public static final int DEFAULT_QUEUE_SIZE = 512;
    public static final long DEFAULT_MAX_BODY_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_TEXTS = 64;
    public static final int DEFAULT_READ_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_DRAIN_SECONDS = 30;

    /** One worker per core. */
    public static int defaultWorkers() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    public static ServerOptions defaults() {
        return new ServerOptions(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_BATCH, DEFAULT_MAX_DELAY_MS, DEFAULT_QUEUE_SIZE,
                defaultWorkers(), DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_TEXTS, DEFAULT_READ_TIMEOUT_MS,
                DEFAULT_DRAIN_SECONDS, null, null, false);
    }

    /** Refuses values out of range, naming the option. */
    public ServerOptions check() {
        if (host == null || host.isBlank()) {
            throw new TextclsException("--host must name an address, e.g. 127.0.0.1");
        }
        range("--port", port, 0, 65_535);
        range("--max-batch", maxBatch, 1, 4096);
        range("--max-delay-ms", maxDelayMs, 0, 60_000);
        range("--queue-size", queueSize, 1, 1_000_000);
        range("--workers", workers, 1, 1024);
        range("--max-body-bytes", maxBodyBytes, 64, 1L << 30);
        range("--max-texts", maxTexts, 1, 100_000);
        range("--read-timeout-ms", readTimeoutMs, 10, 3_600_000);
        range("--drain-seconds", drainSeconds, 0, 3600);
        if (maxTexts > queueSize) {
            throw new TextclsException("--max-texts (" + maxTexts + ") must not exceed --queue-size (" + queueSize
                    + "): a request that large could never be queued");
        }
        if (tokenFile != null) {
            readToken(tokenFile);
        }
        return this;
    }

    /** The bearer token: the file's first line, which must not be empty. */
    static byte[] readToken(Path file) {
        String t;
        try {
            t = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
        } catch (IOException e) {
            throw new TextclsException("cannot read the token file " + file + " (--token-file): "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        if (t.isEmpty()) {
            throw new TextclsException("the token file " + file + " is empty: put the bearer token on its first line");
        }
        return t.getBytes(StandardCharsets.UTF_8);
    }

    private static void range(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new TextclsException(String.format(Locale.ROOT, "%s must be between %,d and %,d, got %,d", option,
                    min, max, value));
        }
    }

    public ServerOptions withHost(String v) {
        return new ServerOptions(v, port, maxBatch, maxDelayMs, queueSize, workers, maxBodyBytes, maxTexts,
                readTimeoutMs, drainSeconds, tokenFile, bundle, logText);
    }

    public ServerOptions withPort(int v) {
        return new ServerOptions(host, v, maxBatch, maxDelayMs, queueSize, workers, maxBodyBytes, maxTexts,
                readTimeoutMs, drainSeconds, tokenFile, bundle, logText);
    }

    public ServerOptions withMaxBatch(int v) {
        return new ServerOptions(host, port, v, maxDelayMs, queueSize, workers, maxBodyBytes, maxTexts,
                readTimeoutMs, drainSeconds, tokenFile, bundle, logText);
    }

    public ServerOptions withMaxDelayMs(int v) {
        return new ServerOptions(host, port, maxBatch, v, queueSize, workers, maxBodyBytes, maxTexts,
                readTimeoutMs, drainSeconds, tokenFile, bundle, logText);
    }

    public ServerOptions withQueueSize(int v) {
        return new ServerOptions(host, port, maxBatch, maxDelayMs, v, workers, maxBodyBytes, maxTexts,
                readTimeoutMs, drainSeconds, tokenFile, bundle, logText);
    }

    public ServerOptions withWorkers(int v) {
        return new ServerOptions(host, port, maxBatch, maxDelayMs, queueSize, v, maxBodyBytes, maxTexts,
                readTimeoutMs, drainSeconds, tokenFile, bundle, logText);
    }

    public ServerOptions withMaxBodyBytes(long v) {
        return new ServerOptions(host, port, maxBatch, maxDelayMs, queueSize, workers, v, maxTexts,
                readTimeoutMs, drainSeconds, tokenFile, bundle, logText);
    }

    public ServerOptions withMaxTexts(int v) {
        return new ServerOptions(host, port, maxBatch, maxDelayMs, queueSize, workers, maxBodyBytes, v,
                readTimeoutMs, drainSeconds, tokenFile, bundle, logText);
    }

    public ServerOptions withReadTimeoutMs(int v) {
        return new ServerOptions(host, port, maxBatch, maxDelayMs, queueSize, workers, maxBodyBytes, maxTexts,
                v, drainSeconds, tokenFile, bundle, logText);
    }

    public ServerOptions withDrainSeconds(int v) {
        return new ServerOptions(host, port, maxBatch, maxDelayMs, queueSize, workers, maxBodyBytes, maxTexts,
                readTimeoutMs, v, tokenFile, bundle, logText);
    }

    public ServerOptions withTokenFile(Path v) {
        return new ServerOptions(host, port, maxBatch, maxDelayMs, queueSize, workers, maxBodyBytes, maxTexts,
                readTimeoutMs, drainSeconds, v, bundle, logText);
    }

    public ServerOptions withBundle(Path v) {
        return new ServerOptions(host, port, maxBatch, maxDelayMs, queueSize, workers, maxBodyBytes, maxTexts,
                readTimeoutMs, drainSeconds, tokenFile, v, logText);
    }

    public ServerOptions withLogText(boolean v) {
        return new ServerOptions(host, port, maxBatch, maxDelayMs, queueSize, workers, maxBodyBytes, maxTexts,
                readTimeoutMs, drainSeconds, tokenFile, bundle, v);
    }
}
