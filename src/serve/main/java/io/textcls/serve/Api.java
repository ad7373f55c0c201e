package io.textcls.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.textcls.classifier.Prediction;
import io.textcls.util.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoints. Every answer is JSON (but {@code /metrics}); every error is {@code {"error":
 * {"code": ..., "message": ...}}} and never carries a stack trace. Request bodies are read
 * without blocking a thread, up to {@code maxBodyBytes}, and must arrive within {@code
 * readTimeoutMs} of the headers.
 */
final class Api extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(Api.class);
    /** Request log: method, path, status, documents, milliseconds (and texts with --log-text). Never headers. */
    private static final Logger ACCESS = LoggerFactory.getLogger("io.textcls.serve.access");
    static final String JSON = "application/json";
    /** Path → allowed method. */
    private static final Map<String, String> ROUTES = Map.of("/v1/classify", "POST", "/v1/model", "GET", "/health",
            "GET", "/ready", "GET", "/metrics", "GET", "/openapi.json", "GET", "/v1/admin/reload", "POST");

    private final Server server;
    private final byte[] token;
    private final byte[] openapi;

    Api(Server server, byte[] token) {
        this.server = server;
        this.token = token;
        try (InputStream in = Api.class.getResourceAsStream("openapi.json")) {
            this.openapi = in.readAllBytes();
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("openapi.json is missing from the textcls jar", e);
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String allowed = ROUTES.get(path);
        Exchange ex = new Exchange(request, response, callback, allowed == null ? "other" : path);
        try {
            if (allowed == null) {
                throw new ApiError(404, "not_found", "no endpoint " + path + "; see /openapi.json for the endpoints");
            }
            if (!path.equals("/health")) {
                authenticate(request);
            }
            if (!allowed.equals(request.getMethod())) {
                throw new ApiError(405, "method_not_allowed", path + " takes " + allowed + ", not "
                        + request.getMethod()).header("Allow", allowed);
            }
            switch (path) {
                case "/health" -> ex.json(200, bytes(Json.MAPPER.createObjectNode().put("status", "up")));
                case "/ready" -> ready(ex);
                case "/metrics" -> ex.send(200, server.metrics().contentType(), server.metrics().scrape());
                case "/openapi.json" -> ex.json(200, openapi);
                case "/v1/model" -> ex.json(200, server.model().info);
                case "/v1/classify" -> classify(ex);
                case "/v1/admin/reload" -> reload(ex);
                default -> throw new IllegalStateException(path);
            }
        } catch (ApiError e) {
            ex.error(e);
        } catch (RuntimeException e) {
            ex.internal(e);
        }
        return true;
    }

    private void authenticate(Request request) {
        if (token == null) {
            return;
        }
        String h = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        byte[] given = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)
                ? h.substring(7).strip().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!Server.tokenMatches(token, given)) {
            throw new ApiError(401, "unauthorized", h == null
                    ? "this server needs a bearer token: send the header Authorization: Bearer <token>"
                    : "the bearer token is wrong").header("WWW-Authenticate", "Bearer");
        }
    }

    private void ready(Exchange ex) {
        if (server.isReady()) {
            ex.json(200, bytes(Json.MAPPER.createObjectNode().put("ready", true).put("sha256", server.modelSha256())));
        } else {
            throw new ApiError(503, "not_ready", server.stopping() ? "the server is shutting down"
                    : "the model has not finished its self-test yet").header("Retry-After", "1");
        }
    }

    private void reload(Exchange ex) {
        Server.ReloadResult r = server.reload();
        if (!r.reloaded()) {
            throw new ApiError(409, "reload_refused", r.message());
        }
        ex.json(200, bytes(Json.MAPPER.createObjectNode().put("reloaded", true).put("sha256", r.sha256())
                .put("previous_sha256", r.previousSha256())));
    }

    private void classify(Exchange ex) {
        checkContentType(ex.request);
        ServerOptions o = server.options();
        long length = ex.request.getLength();
        if (length > o.maxBodyBytes()) {
            throw tooLarge(o.maxBodyBytes());
        }
        ex.readBody(o.maxBodyBytes(), o.readTimeoutMs(), body -> {
            ServedModel m = server.model();
            ClassifyRequest req = ClassifyRequest.parse(body, o.maxTexts(), m.classifier.labels().names(),
                    m.classifier.multiLabel());
            int n = req.texts().size();
            ex.docs = n;
            if (server.options().logText()) {
                ex.texts = req.texts();
            }
            // room first, so an overloaded server refuses without tokenizing
            Batcher.Offer offer = server.stopping() ? Batcher.Offer.CLOSED : server.batcher().reserve(n);
            if (offer != Batcher.Offer.QUEUED) {
                boolean full = offer == Batcher.Offer.FULL;
                server.metrics().rejected.labelValues(full ? "queue_full" : "shutting_down").inc();
                throw new ApiError(503, full ? "overloaded" : "shutting_down", full
                        ? "the queue is full (" + o.queueSize() + " documents, --queue-size): retry after a second"
                        : "the server is shutting down").header("Retry-After", "1");
            }
            List<Batcher.Job> jobs = new ArrayList<>(n);
            try {
                for (String t : req.texts()) {
                    jobs.add(new Batcher.Job(m, m.classifier.steps().encode(t)));
                }
            } catch (RuntimeException e) {
                server.batcher().release(n);
                throw e;
            }
            server.batcher().enqueue(jobs);
            CompletableFuture<?>[] all = jobs.stream().map(Batcher.Job::result).toArray(CompletableFuture[]::new);
            CompletableFuture.allOf(all).whenCompleteAsync((v, failure) -> {
                if (failure != null) {
                    ex.internal(failure);
                    return;
                }
                try {
                    ex.json(200, answer(m, jobs, req));
                } catch (RuntimeException e) {
                    ex.internal(e);
                }
            }, ex.request.getComponents().getExecutor());
        });
    }

    private static ApiError tooLarge(long max) {
        return new ApiError(413, "body_too_large", "the body is larger than " + max + " bytes (--max-body-bytes): "
                + "send fewer or shorter documents per request").header("Connection", "close");
    }

    private static void checkContentType(Request request) {
        String ct = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (ct == null) {
            throw new ApiError(415, "unsupported_media_type", "send the body as JSON with Content-Type: application/json");
        }
        String[] parts = ct.split(";");
        boolean json = parts[0].strip().equalsIgnoreCase(JSON);
        for (int i = 1; i < parts.length && json; i++) {
            String p = parts[i].strip().toLowerCase(Locale.ROOT);
            if (p.startsWith("charset=") && !p.substring(8).replace("\"", "").equals("utf-8")) {
                json = false;
            }
        }
        if (!json) {
            throw new ApiError(415, "unsupported_media_type", "Content-Type " + ct + " is not accepted: send JSON "
                    + "in UTF-8 with Content-Type: application/json");
        }
    }

    private static byte[] answer(ServedModel m, List<Batcher.Job> jobs, ClassifyRequest req) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("sha256", m.sha256);
        ArrayNode preds = root.putArray("predictions");
        List<String> labels = m.classifier.labels().names();
        for (Batcher.Job j : jobs) {
            Prediction p = j.result().join();
            float[] probs = p.probs();
            ObjectNode o = preds.addObject();
            o.put("label", req.threshold() == null ? p.label()
                    : labels.get(probs[1] >= req.threshold() ? 1 : 0));
            if (p.multiLabel()) {
                // The predicted label set (every label at or above its threshold); "label" is the most probable.
                ArrayNode set = o.putArray("labels");
                p.predictedLabels().forEach(set::add);
            }
            ObjectNode pr = o.putObject("probabilities");
            for (int k = 0; k < labels.size(); k++) {
                pr.put(labels.get(k), probs[k]);
            }
            o.put("tokens", p.tokens());
            o.put("truncated", p.truncated());
            o.put("empty", p.empty());
            if (req.topK() > 0) {
                ArrayNode top = o.putArray("top_k");
                Integer[] idx = new Integer[probs.length];
                for (int k = 0; k < idx.length; k++) {
                    idx[k] = k;
                }
                java.util.Arrays.sort(idx, (a, b) -> Float.compare(probs[b], probs[a])); // stable: ties in model order
                for (int k = 0; k < req.topK(); k++) {
                    top.addObject().put("label", labels.get(idx[k])).put("probability", probs[idx[k]]);
                }
            }
        }
        return bytes(root);
    }

    static byte[] bytes(Object json) {
        try {
            return Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsBytes(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] errorBody(String code, String message) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.putObject("error").put("code", code).put("message", message);
        return bytes(root);
    }

    /** One request: answered exactly once, counted and logged when answered. */
    private final class Exchange {
        final Request request;
        final Response response;
        final Callback callback;
        final String endpoint;
        final long t0 = System.nanoTime();
        final AtomicBoolean answered = new AtomicBoolean();
        int docs;
        List<String> texts;
        volatile boolean bodyRead;

        Exchange(Request request, Response response, Callback callback, String endpoint) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.endpoint = endpoint;
        }

        void json(int status, byte[] body) {
            send(status, JSON, body);
        }

        void send(int status, String contentType, byte[] body) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            done(status); // counted before the client can see the answer, so a scrape after it includes it
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
            if (!bodyRead && request.getLength() != 0) {
                // answered before its body was read: the connection cannot carry another request
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
            }
            response.write(true, ByteBuffer.wrap(body), callback);
        }

        void error(ApiError e) {
            if (answered.get()) {
                return;
            }
            for (Map.Entry<String, String> h : e.headers.entrySet()) {
                response.getHeaders().put(new HttpField(h.getKey(), h.getValue()));
            }
            json(e.status, errorBody(e.code, e.getMessage()));
        }

        void internal(Throwable t) {
            Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
            if (c instanceof ApiError a) {
                error(a);
                return;
            }
            LOG.error("{} {} failed", request.getMethod(), endpoint, c);
            error(new ApiError(500, "internal", "the server failed on this request; the server log says why"));
        }

        /** The client went away: nothing can be answered; Jetty closes the connection. */
        void abort(Throwable t) {
            if (answered.compareAndSet(false, true)) {
                callback.failed(t);
                done(499);
            }
        }

        private void done(int status) {
            double seconds = (System.nanoTime() - t0) / 1e9;
            ServeMetrics m = server.metrics();
            m.requests.labelValues(endpoint, Integer.toString(status)).inc();
            m.latency.labelValues(endpoint).observe(seconds);
            if (ACCESS.isInfoEnabled()) {
                ACCESS.info("{} {} {} {} docs={} {} ms{}", Request.getRemoteAddr(request), request.getMethod(),
                        Request.getPathInContext(request), status, docs, String.format(Locale.ROOT, "%.1f",
                                seconds * 1000), texts == null ? "" : " texts=" + Json.MAPPER.valueToTree(texts));
            }
        }

        /**
         * Reads the body without blocking a thread, then hands it to {@code then} (whose
         * ApiErrors are answered). Past {@code max} bytes: 413; not all there after {@code
         * timeoutMs}: 408; the client gone: nothing to answer.
         */
        void readBody(long max, long timeoutMs, Consumer<byte[]> then) {
            Scheduler.Task deadline = request.getComponents().getScheduler().schedule(() -> error(
                    new ApiError(408, "request_timeout", "the request body did not arrive within " + timeoutMs
                            + " ms (--read-timeout-ms)").header("Connection", "close")), timeoutMs, TimeUnit.MILLISECONDS);
            request.addIdleTimeoutListener(t -> false); // the deadline above answers slow bodies
            new Runnable() {
                final ByteArrayOutputStream buf = new ByteArrayOutputStream(
                        (int) Math.min(Math.max(request.getLength(), 256), max));

                @Override
                public void run() {
                    while (true) {
                        if (answered.get()) {
                            deadline.cancel();
                            return;
                        }
                        Content.Chunk chunk = request.read();
                        if (chunk == null) {
                            request.demand(this);
                            return;
                        }
                        if (Content.Chunk.isFailure(chunk)) {
                            deadline.cancel();
                            Throwable f = chunk.getFailure();
                            if (f instanceof TimeoutException) {
                                error(new ApiError(408, "request_timeout", "the request body stopped arriving "
                                        + "(--read-timeout-ms)").header("Connection", "close"));
                            } else {
                                abort(f);
                            }
                            return;
                        }
                        ByteBuffer b = chunk.getByteBuffer();
                        int n = b.remaining();
                        if (buf.size() + (long) n > max) {
                            chunk.release();
                            deadline.cancel();
                            error(tooLarge(max));
                            return;
                        }
                        byte[] part = new byte[n];
                        b.get(part);
                        buf.write(part, 0, n);
                        boolean last = chunk.isLast();
                        chunk.release();
                        if (last) {
                            bodyRead = true;
                            deadline.cancel();
                            try {
                                then.accept(buf.toByteArray());
                            } catch (ApiError e) {
                                error(e);
                            } catch (RuntimeException e) {
                                internal(e);
                            }
                            return;
                        }
                    }
                }
            }.run();
        }
    }
}
