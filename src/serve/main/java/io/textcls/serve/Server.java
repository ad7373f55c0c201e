package io.textcls.serve;

import io.textcls.TextclsException;
import io.textcls.classifier.ModelCard;
import io.textcls.classifier.Prediction;
import io.textcls.classifier.TextClassifier;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code textcls serve} as a library: an HTTP scoring server around a {@link TextClassifier}.
 *
 * <pre>{@code
 * TextClassifier c = TextClassifier.load(Path.of("models/imdb.zip"));
 * Server s = Server.start(c, ServerOptions.defaults().withPort(0).withBundle(Path.of("models/imdb.zip")));
 * s.uri();      // http://127.0.0.1:41234/
 * s.stop();     // stops accepting, finishes requests in flight, stops the workers
 * }</pre>
 *
 * <p>Endpoints: {@code POST /v1/classify}, {@code GET /v1/model}, {@code GET /health}, {@code GET
 * /ready}, {@code GET /metrics} (Prometheus), {@code GET /openapi.json}, {@code POST
 * /v1/admin/reload}. Documents are tokenized on the HTTP threads and scored by the micro-batcher
 * ({@link Batcher}): the same {@link TextClassifier#predict} path as {@code score}, so the
 * probabilities are the same. Jetty 12 carries HTTP/1.1.
 */
public final class Server implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);
    /** Largest difference from the recorded self-test probabilities that still counts as the same (as inspect). */
    public static final double SELF_TEST_TOLERANCE = 1e-5;

    private final ServerOptions options;
    private final AtomicReference<ServedModel> model = new AtomicReference<>();
    private final ServeMetrics metrics;
    private final Batcher batcher;
    private final org.eclipse.jetty.server.Server jetty;
    private final ServerConnector connector;
    private final GracefulHandler graceful;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Object reloadLock = new Object();
    private volatile boolean ready;
    private volatile boolean stopping;

    private Server(TextClassifier classifier, ServerOptions options, byte[] token) {
        this.options = options;
        this.model.set(new ServedModel(classifier, options.bundle()));
        this.batcher = new Batcher(options.workers(), options.maxBatch(), options.maxDelayMs(), options.queueSize(),
                n -> metricsObserveBatch(n));
        this.metrics = new ServeMetrics(batcher::depth);
        QueuedThreadPool threads = new QueuedThreadPool(256, 8);
        threads.setName("textcls-http");
        threads.setDaemon(true);
        this.jetty = new org.eclipse.jetty.server.Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        this.connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(options.host());
        connector.setPort(options.port());
        connector.setIdleTimeout(options.readTimeoutMs());
        jetty.addConnector(connector);
        this.graceful = new GracefulHandler(new Api(this, token));
        jetty.setHandler(graceful);
        jetty.setErrorHandler(new JsonErrorHandler());
        jetty.setStopTimeout(TimeUnit.SECONDS.toMillis(options.drainSeconds()));
        jetty.setStopAtShutdown(false);
    }

    private void metricsObserveBatch(int n) {
        ServeMetrics m = metrics;
        if (m != null) {
            m.batchDocuments.observe(n);
        }
    }

    /**
     * Starts a server: binds, then scores the classifier's self-test documents through the
     * micro-batcher and compares them with the probabilities recorded at training time; {@code
     * /ready} answers 200 from then on. Refuses a classifier that does not reproduce them.
     */
    public static Server start(TextClassifier classifier, ServerOptions options) {
        options.check();
        byte[] token = options.tokenFile() == null ? null : ServerOptions.readToken(options.tokenFile());
        Server s = new Server(classifier, options, token);
        try {
            s.jetty.start();
        } catch (Exception e) {
            try {
                s.jetty.stop();
            } catch (Exception ignored) {
                // it did not start: nothing more to stop
            }
            s.batcher.close(1000);
            throw new TextclsException("cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage()
                    + (e instanceof IOException ? " (is the port in use? choose another with --port)" : ""), e);
        }
        try {
            double diff = s.selfTest(s.model.get());
            if (diff > SELF_TEST_TOLERANCE) {
                throw new TextclsException(String.format(java.util.Locale.ROOT, "the classifier does not reproduce its "
                        + "self-test documents (largest difference %.2e from the probabilities recorded at training): "
                        + "refusing to serve it; check it with textcls inspect", diff));
            }
        } catch (RuntimeException e) {
            s.stop();
            throw e;
        }
        s.ready = true;
        return s;
    }

    /**
     * Scores the self-test documents through the batcher; the largest difference from the recorded
     * probabilities (0 with none).
     */
    private double selfTest(ServedModel m) {
        ModelCard card = m.classifier.card();
        List<ModelCard.SelfTestCase> cases = card == null || card.selfTest() == null ? List.of() : card.selfTest();
        if (cases.isEmpty()) {
            return 0;
        }
        List<Batcher.Job> jobs = new ArrayList<>();
        for (ModelCard.SelfTestCase c : cases) {
            jobs.add(new Batcher.Job(m, m.classifier.steps().encode(c.text())));
        }
        if (batcher.offer(jobs) != Batcher.Offer.QUEUED) {
            // A queue smaller than the self-test: score them directly, in the same worker code path's classifier.
            return m.classifier.selfTestMaxDifference();
        }
        double max = 0;
        for (int i = 0; i < cases.size(); i++) {
            Prediction p;
            try {
                p = jobs.get(i).result().get(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TextclsException("interrupted during the self-test");
            } catch (ExecutionException | TimeoutException e) {
                throw new TextclsException("the self-test failed: " + e.getMessage(), e);
            }
            // The card records the networks' own probabilities; the batcher answers calibrated ones.
            float[] want = m.classifier.steps().calibrated(cases.get(i).probabilities());
            for (int k = 0; k < want.length; k++) {
                max = Math.max(max, Math.abs(want[k] - p.probs()[k]));
            }
        }
        return max;
    }

    /** What a reload did. */
    public record ReloadResult(boolean reloaded, String sha256, String previousSha256, String message) {
    }

    /**
     * Loads the bundle again from {@link ServerOptions#bundle()}, checks it as {@code inspect} does
     * (entries, checksums, self-test) and serves it from the next request on. A bad bundle is
     * refused with the reason and the current one keeps serving; documents already queued are
     * scored by the model that encoded them.
     */
    public ReloadResult reload() {
        synchronized (reloadLock) {
            ServedModel old = model.get();
            Path bundle = options.bundle();
            if (bundle == null) {
                metrics.reloads.labelValues("refused").inc();
                return new ReloadResult(false, old.sha256, old.sha256,
                        "this server was started from a classifier, not a bundle file: there is nothing to reload");
            }
            String why;
            try {
                TextClassifier c = TextClassifier.load(bundle);
                double diff = c.selfTestMaxDifference();
                if (diff <= SELF_TEST_TOLERANCE) {
                    ServedModel m = new ServedModel(c, bundle);
                    model.set(m);
                    metrics.reloads.labelValues("ok").inc();
                    LOG.info("reloaded {} (sha256 {}, was {})", bundle, m.sha256, old.sha256);
                    return new ReloadResult(true, m.sha256, old.sha256, "serving " + bundle);
                }
                why = String.format(java.util.Locale.ROOT, "it does not reproduce its self-test documents (largest "
                        + "difference %.2e)", diff);
            } catch (TextclsException e) {
                why = e.getMessage();
            } catch (RuntimeException e) {
                why = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            metrics.reloads.labelValues("refused").inc();
            String msg = "refused to reload " + bundle + ": " + why + "; still serving the previous model (sha256 "
                    + old.sha256 + ")";
            LOG.warn(msg);
            return new ReloadResult(false, old.sha256, old.sha256, msg);
        }
    }

    /**
     * Stops gracefully: {@code /ready} answers 503, the port stops accepting, requests in flight
     * finish (up to {@link ServerOptions#drainSeconds()}), then the workers stop. Idempotent.
     */
    public void stop() {
        synchronized (this) {
            if (stopping) {
                awaitStopped();
                return;
            }
            stopping = true;
        }
        ready = false;
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.warn("stopping the HTTP server: {}", e.toString());
        }
        batcher.close(TimeUnit.SECONDS.toMillis(Math.max(1, options.drainSeconds())));
        stopped.countDown();
    }

    private void awaitStopped() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Blocks until {@link #stop()} has finished. */
    public void join() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        stop();
    }

    /** The port it listens on (the one picked when the options said 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** The base URI, e.g. {@code http://127.0.0.1:8080/}. */
    public URI uri() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return URI.create("http://" + host + ":" + port() + "/");
    }

    /** Whether the model is loaded, has passed its self-test and the server is not stopping. */
    public boolean isReady() {
        return ready && !stopping;
    }

    /** Requests being handled now. */
    public long requestsInFlight() {
        return graceful.getCurrentRequestCount();
    }

    /** SHA-256 of the bundle being served (null when the classifier did not come from a file). */
    public String modelSha256() {
        return model.get().sha256;
    }

    // For Api.
    ServerOptions options() {
        return options;
    }

    ServedModel model() {
        return model.get();
    }

    ServeMetrics metrics() {
        return metrics;
    }

    Batcher batcher() {
        return batcher;
    }

    boolean stopping() {
        return stopping;
    }

    static boolean tokenMatches(byte[] expected, byte[] given) {
        // Compare digests so neither the content nor the length leaks through timing.
        try {
            MessageDigest a = MessageDigest.getInstance("SHA-256");
            MessageDigest b = MessageDigest.getInstance("SHA-256");
            return MessageDigest.isEqual(a.digest(expected), b.digest(given));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
