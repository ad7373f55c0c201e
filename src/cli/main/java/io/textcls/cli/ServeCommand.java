package io.textcls.cli;

import io.textcls.classifier.TextClassifier;
import io.textcls.serve.Server;
import io.textcls.serve.ServerOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code textcls serve}: an HTTP scoring server around one bundle. */
@Command(name = "serve", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, showDefaultValues = true,
        sortOptions = false,
        description = {"Serve a classifier over HTTP: POST /v1/classify, GET /v1/model, /health, /ready, /metrics "
                + "(Prometheus), /openapi.json, POST /v1/admin/reload.",
                "Requests are micro-batched: documents from all clients are scored together in batches of up to "
                + "--max-batch, one worker per core; a full queue answers 503 with Retry-After.",
                "SIGTERM (or Ctrl-C) stops accepting, finishes requests in flight and exits 0; SIGHUP reloads the "
                + "bundle (a bad one is refused and the old one keeps serving)."})
public final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Option(names = "--model", required = true, description = "The classifier bundle (.zip); reload reads it again.")
    Path model;

    @Option(names = "--host", description = "Address to bind; 0.0.0.0 listens on every interface (put TLS in front).")
    String host = ServerOptions.DEFAULT_HOST;

    @Option(names = "--port", description = "TCP port (0: any free port, logged).")
    int port = ServerOptions.DEFAULT_PORT;

    @Option(names = "--max-batch", description = "Most documents per forward pass.")
    int maxBatch = ServerOptions.DEFAULT_MAX_BATCH;

    @Option(names = "--max-delay-ms", description = "Longest a queued document waits for others to join its batch.")
    int maxDelayMs = ServerOptions.DEFAULT_MAX_DELAY_MS;

    @Option(names = "--queue-size", description = "Most documents waiting; past it requests get 503 with Retry-After.")
    int queueSize = ServerOptions.DEFAULT_QUEUE_SIZE;

    @Option(names = "--workers", description = "Threads running the networks (default: one per core).")
    int workers = ServerOptions.defaultWorkers();

    @Option(names = "--max-body-bytes", description = "Largest request body (413 past it).")
    long maxBodyBytes = ServerOptions.DEFAULT_MAX_BODY_BYTES;

    @Option(names = "--max-texts", description = "Most documents in one request (413 past it).")
    int maxTexts = ServerOptions.DEFAULT_MAX_TEXTS;

    @Option(names = "--read-timeout-ms", description = "A request body not complete this long after its headers, or an "
            + "idle connection, is answered 408 and closed.")
    int readTimeoutMs = ServerOptions.DEFAULT_READ_TIMEOUT_MS;

    @Option(names = "--drain-seconds", description = "On SIGTERM, how long requests in flight may take to finish.")
    int drainSeconds = ServerOptions.DEFAULT_DRAIN_SECONDS;

    @Option(names = "--token-file", description = "Require 'Authorization: Bearer <token>' (the file's first line) on "
            + "every endpoint but /health.")
    Path tokenFile;

    @Option(names = "--log-text", description = "Include document text in request logs (off: logs never hold text).")
    boolean logText;

    /** Linux's number of SIGHUP. */
    public static final int SIGHUP = 1;

    /**
     * Whether this process ignores a signal (its bit in Linux's {@code /proc/self/status} SigIgn
     * mask), as a process started under {@code nohup} ignores SIGHUP; false where that cannot be read.
     */
    public static boolean ignored(int signal) {
        try {
            for (String l : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("SigIgn:")) {
                    return new java.math.BigInteger(l.substring(7).trim(), 16).testBit(signal - 1);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    @Override
    public Integer call() throws Exception {
        ServerOptions options = new ServerOptions(host, port, maxBatch, maxDelayMs, queueSize, workers, maxBodyBytes,
                maxTexts, readTimeoutMs, drainSeconds, tokenFile, model, logText).check(); // the token file too
        TextClassifier classifier = TextClassifier.load(model); // checked as inspect does; self-test in start()
        Server server = Server.start(classifier, options);
        Runnable stop = () -> {
            LOG.info("stopping: finishing requests in flight (up to {} s)", drainSeconds);
            server.stop();
        };
        Signal.handle(new Signal("TERM"), s -> new Thread(stop, "textcls-serve-stop").start());
        Signal.handle(new Signal("INT"), s -> new Thread(stop, "textcls-serve-stop").start());
        Signal.handle(new Signal("HUP"), s -> new Thread(() -> {
            Server.ReloadResult r = server.reload();
            if (r.reloaded()) {
                LOG.info("SIGHUP: {}", r.message());
            }
        }, "textcls-serve-reload").start());
        if (ignored(SIGHUP)) {
            // The JVM installs no handler for a signal ignored when it started, and says nothing.
            LOG.warn("SIGHUP is ignored in this process (started under nohup?): it will not reload the model; "
                    + "use POST /v1/admin/reload");
        }
        LOG.info("serving {} (sha256 {}) at {} with {} workers, batches of up to {} documents", model,
                server.modelSha256(), server.uri(), workers, maxBatch);
        server.join();
        LOG.info("stopped");
        return 0;
    }
}
