package io.textcls.serve;

import static io.textcls.serve.ServeClient.get;
import static io.textcls.serve.ServeClient.post;
import static io.textcls.serve.ServeClient.postJson;
import static io.textcls.serve.ServeClient.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.textcls.classifier.Prediction;
import io.textcls.classifier.TextClassifier;
import io.textcls.golden.GoldenBundles;
import io.textcls.score.BatchScorer;
import io.textcls.score.OutputFormat;
import io.textcls.score.ScoreOptions;
import io.textcls.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server as clients meet it: a real server on an ephemeral loopback port, the golden ensemble. */
class ServerTest {
    @TempDir
    static Path dir;
    static Path bundle;
    static TextClassifier classifier;
    static Server server;
    static URI base;

    static Path golden(String name, Path to) throws IOException {
        try (InputStream in = ServerTest.class.getResourceAsStream("/golden/" + name + ".zip")) {
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
        return to;
    }

    static ServerOptions options() {
        return ServerOptions.defaults().withPort(0).withWorkers(2);
    }

    @BeforeAll
    static void start() throws IOException {
        bundle = golden("format3-ensemble", dir.resolve("m.zip"));
        classifier = TextClassifier.load(bundle);
        server = Server.start(classifier, options().withBundle(bundle).withReadTimeoutMs(1500).withMaxBodyBytes(4096)
                .withMaxTexts(8));
        base = server.uri();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    static List<String> texts() {
        return GoldenBundles.texts().stream().filter(t -> !t.isBlank()).toList();
    }

    static String body(Object json) {
        try {
            return Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The good request that must be answered after every bad one. */
    static void stillAnswers(URI at) {
        ServeClient.Answer a = postJson(at, "{\"text\": \"a superb and moving film\"}");
        assertEquals(200, a.status(), a.body());
        assertEquals(1, a.json().path("predictions").size());
    }

    static void assertError(ServeClient.Answer a, int status, String code) {
        assertEquals(status, a.status(), a.body());
        JsonNode e = a.json().path("error");
        assertEquals(code, e.path("code").asText(), a.body());
        assertFalse(e.path("message").asText().isBlank(), a.body());
        assertFalse(a.body().contains("at io.") || a.body().contains("Exception"), "no stack trace: " + a.body());
    }

    @Test
    void probabilitiesEqualClassifyAndScore() throws Exception {
        List<String> texts = new ArrayList<>(texts());
        texts.add("<br /><br />"); // markup only: no tokens, classified and flagged empty
        // score's answers: the same texts as a JSONL table
        StringBuilder table = new StringBuilder();
        for (String t : texts) {
            table.append(body(Map.of("text", t))).append('\n');
        }
        Path in = Files.writeString(dir.resolve("texts.jsonl"), table);
        Path out = dir.resolve("scored.jsonl");
        BatchScorer.Summary summary = BatchScorer.score(classifier, bundle, new ScoreOptions(in.toString(), out, OutputFormat.JSONL, "*.txt", "text",
                null, 0, null, 2, 256, 1 << 20, false), InputStream.nullInputStream());
        assertEquals(texts.size(), summary.scored(), summary.errorsFile() == null ? "" : Files.readString(summary.errorsFile()));
        List<JsonNode> scored = Files.readAllLines(out).stream().map(l -> {
            try {
                return Json.MAPPER.readTree(l);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }).toList();
        List<String> labels = classifier.labels().names();
        // the server's: one request with every text, and one request per text, sent concurrently
        JsonNode batch = postJson(base, body(Map.of("texts", texts.subList(0, 8)))).json().path("predictions");
        JsonNode rest = postJson(base, body(Map.of("texts", texts.subList(8, texts.size())))).json().path("predictions");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<ServeClient.Answer>> singles = new ArrayList<>();
        for (String t : texts) {
            singles.add(pool.submit(() -> postJson(base, body(Map.of("text", t)))));
        }
        for (int i = 0; i < texts.size(); i++) {
            Prediction want = classifier.classify(texts.get(i));
            JsonNode fromBatch = i < 8 ? batch.get(i) : rest.get(i - 8);
            ServeClient.Answer single = singles.get(i).get(20, TimeUnit.SECONDS);
            assertEquals(200, single.status(), single.body());
            JsonNode fromSingle = single.json().path("predictions").get(0);
            for (JsonNode got : List.of(fromBatch, fromSingle)) {
                assertEquals(want.label(), got.path("label").asText(), "doc " + i);
                assertEquals(want.tokens(), got.path("tokens").asInt(), "doc " + i);
                assertEquals(want.empty(), got.path("empty").asBoolean(), "doc " + i);
                for (int k = 0; k < labels.size(); k++) {
                    double p = got.path("probabilities").path(labels.get(k)).asDouble();
                    assertEquals(want.probs()[k], p, 1e-6, "doc " + i + " vs classify");
                    assertEquals(scored.get(i).path("probabilities").path(labels.get(k)).asDouble(), p, 1e-6,
                            "doc " + i + " vs score");
                }
            }
        }
        pool.shutdown();
        assertTrue(batch.get(0).path("empty").isBoolean());
        assertTrue(rest.get(rest.size() - 1).path("empty").asBoolean(), "markup only is flagged empty");
    }

    @Test
    void topKAndThresholdAreCheckedAndApplied() {
        JsonNode p = postJson(base, "{\"text\": \"a superb film\", \"top_k\": 2}").json().path("predictions").get(0);
        assertEquals(2, p.path("top_k").size());
        assertEquals(p.path("label").asText(), p.path("top_k").get(0).path("label").asText());
        assertTrue(p.path("top_k").get(0).path("probability").asDouble() >= p.path("top_k").get(1).path("probability")
                .asDouble());
        assertError(postJson(base, "{\"text\": \"a film\", \"top_k\": 4}"), 400, "invalid_top_k");
        assertError(postJson(base, "{\"text\": \"a film\", \"top_k\": \"2\"}"), 400, "invalid_top_k");
        // three labels: a threshold is refused, naming why
        ServeClient.Answer a = postJson(base, "{\"text\": \"a film\", \"threshold\": 0.5}");
        assertError(a, 400, "invalid_threshold");
        assertTrue(a.json().path("error").path("message").asText().contains("two-label"), a.body());
        stillAnswers(base);
    }

    @Test
    void everyBadBodyGetsItsJsonErrorAndTheNextRequestIsAnswered() {
        Object[][] cases = {
            {"{\"text\": \"unterminated", 400, "malformed_json"},
            {"{\"text\": \"a\"} trailing", 400, "malformed_json"},
            {"", 400, "malformed_json"},
            {"[\"a list\"]", 400, "invalid_request"},
            {"{}", 400, "missing_text"},
            {"{\"txt\": \"typo\"}", 400, "unknown_field"},
            {"{\"text\": \"a\", \"texts\": [\"b\"]}", 400, "missing_text"},
            {"{\"text\": 42}", 400, "invalid_text"},
            {"{\"text\": null}", 400, "invalid_text"},
            {"{\"texts\": \"not a list\"}", 400, "invalid_text"},
            {"{\"texts\": [\"ok\", 7]}", 400, "invalid_text"},
            {"{\"texts\": []}", 400, "missing_text"},
            {"{\"text\": \"\"}", 400, "empty_text"},
            {"{\"text\": \"   \\n \"}", 400, "empty_text"},
            {"{\"texts\": [\"ok\", \"\"]}", 400, "empty_text"},
            {"{\"text\": \"a\", \"text\": \"b\"}", 400, "malformed_json"},
            {"{\"texts\": [\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]}", 413, "too_many_texts"},
        };
        for (Object[] c : cases) {
            assertError(postJson(base, (String) c[0]), (int) c[1], (String) c[2]);
            stillAnswers(base);
        }
        ServeClient.Answer named = postJson(base, "{\"texts\": [\"ok\", 7]}");
        assertTrue(named.json().path("error").path("message").asText().contains("texts[1]"), named.body());
    }

    @Test
    void wrongContentTypeOversizedBodyAndInvalidUtf8() throws IOException {
        byte[] ok = "{\"text\": \"a film\"}".getBytes(StandardCharsets.UTF_8);
        assertError(post(base, "/v1/classify", "text/plain", ok, null), 415, "unsupported_media_type");
        stillAnswers(base);
        assertError(post(base, "/v1/classify", null, ok, null), 415, "unsupported_media_type");
        assertError(post(base, "/v1/classify", "application/json; charset=latin1", ok, null), 415,
                "unsupported_media_type");
        assertEquals(200, post(base, "/v1/classify", "application/json; charset=UTF-8", ok, null).status());
        // over --max-body-bytes (4096 here), with a Content-Length and chunked
        byte[] big = ("{\"text\": \"" + "good ".repeat(1000) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertError(post(base, "/v1/classify", "application/json", big, null), 413, "body_too_large");
        stillAnswers(base);
        String chunkHead = "POST /v1/classify HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n";
        StringBuilder chunks = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            chunks.append("3e8\r\n").append("x".repeat(1000)).append("\r\n");
        }
        chunks.append("0\r\n\r\n");
        ServeClient.Answer chunked = raw(base, chunkHead.getBytes(StandardCharsets.US_ASCII), 0,
                chunks.toString().getBytes(StandardCharsets.US_ASCII), 5000);
        assertError(chunked, 413, "body_too_large");
        stillAnswers(base);
        // invalid UTF-8: a Latin-1 e-acute, and a truncated two-byte sequence at the end of a string
        byte[] latin1 = "{\"text\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        ServeClient.Answer bad = post(base, "/v1/classify", "application/json", latin1, null);
        assertError(bad, 400, "invalid_utf8");
        assertTrue(bad.json().path("error").path("message").asText().contains("byte 13"), bad.body());
        stillAnswers(base);
        byte[] cut = {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', 'a', (byte) 0xC3, '"', '}'};
        assertError(post(base, "/v1/classify", "application/json", cut, null), 400, "invalid_utf8");
        stillAnswers(base);
    }

    @Test
    void unknownPathsMethodsAndBrokenHttpGetJsonErrors() throws IOException {
        assertError(get(base, "/v1/nothing", null), 404, "not_found");
        assertError(get(base, "/", null), 404, "not_found");
        ServeClient.Answer m = get(base, "/v1/classify", null);
        assertError(m, 405, "method_not_allowed");
        assertEquals("POST", m.header("Allow"));
        assertError(post(base, "/health", "application/json", new byte[0], null), 405, "method_not_allowed");
        stillAnswers(base);
        ServeClient.Answer garbage = raw(base, "NOT HTTP AT ALL\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0, null,
                5000);
        assertEquals(400, garbage.status(), garbage.body());
        assertEquals("bad_request", garbage.json().path("error").path("code").asText(), garbage.body());
        String huge = "GET /health HTTP/1.1\r\nHost: t\r\nX-Big: " + "y".repeat(20_000) + "\r\n\r\n";
        ServeClient.Answer big = raw(base, huge.getBytes(StandardCharsets.US_ASCII), 0, null, 5000);
        assertEquals(431, big.status(), big.body());
        assertNotNull(big.json().path("error").path("code").asText(null), big.body());
        stillAnswers(base);
    }

    @Test
    void aSlowClientIsAnswered408AndADisconnectFreesItsRequest() throws Exception {
        byte[] head = ("POST /v1/classify HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n{\"text\": \"a sl").getBytes(StandardCharsets.US_ASCII);
        long t0 = System.nanoTime();
        ServeClient.Answer slow = raw(base, head, 0, null, 10_000); // sends 14 of 100 bytes, then nothing
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertError(slow, 408, "request_timeout");
        assertTrue(seconds < 8, "answered after the 1.5 s read timeout, not at the client's: " + seconds);
        stillAnswers(base);
        // trickling: one byte every 300 ms keeps the connection busy but the body late
        try (java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(head);
            AtomicBoolean stop = new AtomicBoolean();
            Thread trickle = new Thread(() -> {
                try {
                    for (int i = 0; i < 30 && !stop.get(); i++) {
                        s.getOutputStream().write(' ');
                        s.getOutputStream().flush();
                        Thread.sleep(300);
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the server
                }
            });
            trickle.start();
            String got = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            stop.set(true);
            trickle.join();
            assertEquals("HTTP/1.1 408", got);
        }
        // a client that disconnects mid-body: its request is finished, nothing stays in flight
        try (java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort())) {
            s.getOutputStream().write(head);
            s.getOutputStream().flush();
            ServeClient.sleep(200);
        }
        long deadline = System.currentTimeMillis() + 5000;
        while (server.requestsInFlight() > 0 && System.currentTimeMillis() < deadline) {
            ServeClient.sleep(50);
        }
        assertEquals(0, server.requestsInFlight());
        stillAnswers(base);
    }

    @Test
    void modelHealthReadyAndOpenApi() {
        JsonNode m = get(base, "/v1/model", null).json();
        assertEquals(classifier.labels().names(), Json.MAPPER.convertValue(m.path("labels"), List.class));
        assertEquals(ServedModel.sha256(bundle), m.path("sha256").asText());
        assertEquals("format3-ensemble", m.path("recipe").path("name").asText());
        assertEquals(2, m.path("networks").size());
        assertTrue(m.path("training").has("created_at"), m.toString());
        assertEquals("up", get(base, "/health", null).json().path("status").asText());
        assertTrue(get(base, "/ready", null).json().path("ready").asBoolean());
        JsonNode api = get(base, "/openapi.json", null).json();
        assertEquals("3.0.3", api.path("openapi").asText());
    }

    /** Every request example of openapi.json is answered with the status and the shape its response example shows. */
    @Test
    void openApiExamplesAreAnsweredAsDocumented() throws IOException {
        JsonNode api;
        try (InputStream in = Api.class.getResourceAsStream("openapi.json")) {
            api = Json.MAPPER.readTree(in);
        }
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> paths = api.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> p = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = p.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                JsonNode responses = op.getValue().path("responses");
                JsonNode reqExamples = op.getValue().path("requestBody").path("content").path("application/json")
                        .path("examples");
                if (reqExamples.isMissingNode()) {
                    // no body: the first documented response (200) with its examples
                    ServeClient.Answer a = op.getKey().equals("get") ? get(base, p.getKey(), null)
                            : post(base, p.getKey(), "application/json", new byte[0], null);
                    assertEquals(200, a.status(), p.getKey() + ": " + a.body());
                    JsonNode content = responses.path("200").path("content");
                    if (content.has("application/json")) {
                        for (JsonNode ex : content.path("application/json").path("examples")) {
                            assertSameShape(ex.path("value"), a.json(), p.getKey(), true);
                            checked++;
                        }
                    } else {
                        String example = content.path("text/plain").path("example").asText();
                        for (String line : example.split("\n")) {
                            String name = line.startsWith("#") ? line.split(" ")[2] : line.split("[ {]")[0];
                            assertTrue(a.body().contains(name), p.getKey() + " has no " + name);
                        }
                        checked++;
                    }
                    continue;
                }
                for (Iterator<Map.Entry<String, JsonNode>> exs = reqExamples.fields(); exs.hasNext(); ) {
                    Map.Entry<String, JsonNode> ex = exs.next();
                    String status = null;
                    JsonNode want = null;
                    for (Iterator<Map.Entry<String, JsonNode>> rs = responses.fields(); rs.hasNext(); ) {
                        Map.Entry<String, JsonNode> r = rs.next();
                        JsonNode e = r.getValue().path("content").path("application/json").path("examples")
                                .path(ex.getKey()).path("value");
                        if (!e.isMissingNode()) {
                            status = r.getKey();
                            want = e;
                        }
                    }
                    assertNotNull(status, p.getKey() + " example " + ex.getKey() + " has no documented response");
                    ServeClient.Answer a = post(base, p.getKey(), "application/json",
                            body(ex.getValue().path("value")).getBytes(StandardCharsets.UTF_8), null);
                    assertEquals(Integer.parseInt(status), a.status(), ex.getKey() + ": " + a.body());
                    assertSameShape(want, a.json(), p.getKey() + " " + ex.getKey(), true);
                    if (want.has("error")) {
                        assertEquals(want.path("error").path("code"), a.json().path("error").path("code"));
                    }
                    checked++;
                }
            }
        }
        assertTrue(checked >= 9, "examples checked: " + checked);
    }

    /**
     * Every field the example shows is in the answer with the same JSON type (at the top level no
     * field the example does not show); a probabilities object has the model's labels.
     */
    void assertSameShape(JsonNode want, JsonNode got, String where, boolean top) {
        assertEquals(want.getNodeType(), got.getNodeType(), where + ": " + got);
        if (want.isObject()) {
            if (where.endsWith(".probabilities")) {
                List<String> keys = new ArrayList<>();
                got.fieldNames().forEachRemaining(keys::add);
                assertEquals(classifier.labels().names(), keys, where);
                return;
            }
            if (top) {
                List<String> wantKeys = new ArrayList<>();
                want.fieldNames().forEachRemaining(wantKeys::add);
                List<String> gotKeys = new ArrayList<>();
                got.fieldNames().forEachRemaining(gotKeys::add);
                assertEquals(wantKeys.stream().sorted().toList(), gotKeys.stream().sorted().toList(), where);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                assertTrue(got.has(f.getKey()), where + ": no field " + f.getKey() + " in " + got);
                if (!f.getValue().isNull()) {
                    assertSameShape(f.getValue(), got.get(f.getKey()), where + "." + f.getKey(), false);
                }
            }
        } else if (want.isArray() && !want.isEmpty()) {
            if (where.endsWith(".predictions")) {
                assertEquals(want.size(), got.size(), where + ": one per document: " + got);
            }
            for (JsonNode g : got) {
                assertSameShape(want.get(0), g, where, false);
            }
        }
    }

    static double metric(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** Concurrent single-document requests are scored in multi-document batches (the metrics say so). */
    @Test
    void concurrentSingleDocumentRequestsShareBatches() throws Exception {
        try (Server s = Server.start(classifier, options().withWorkers(1).withMaxBatch(16).withMaxDelayMs(200))) {
            String before = get(s.uri(), "/metrics", null).body();
            int n = 32;
            ExecutorService pool = Executors.newFixedThreadPool(n);
            List<Future<ServeClient.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String t = texts().get(i % texts().size());
                answers.add(pool.submit(() -> postJson(s.uri(), body(Map.of("text", t)))));
            }
            for (Future<ServeClient.Answer> f : answers) {
                assertEquals(200, f.get(30, TimeUnit.SECONDS).status());
            }
            pool.shutdown();
            String after = get(s.uri(), "/metrics", null).body();
            double docs = metric(after, "textcls_batch_documents_sum") - metric(before, "textcls_batch_documents_sum");
            double batches = metric(after, "textcls_batch_documents_count")
                    - metric(before, "textcls_batch_documents_count");
            assertEquals(n, docs, 0);
            assertTrue(batches <= n / 4.0, n + " single-document requests in " + batches + " batches");
            double singles = metric(after, "textcls_batch_documents_bucket{le=\"1.0\"}")
                    - metric(before, "textcls_batch_documents_bucket{le=\"1.0\"}");
            assertTrue(singles < batches || batches == 0, "most batches hold several documents");
            assertEquals(n, metric(after, "textcls_http_requests_total{endpoint=\"/v1/classify\",status=\"200\"}"), 0);
            assertTrue(after.contains("textcls_queue_documents 0"), after);
            assertTrue(after.contains("textcls_http_request_duration_seconds_bucket{endpoint=\"/v1/classify\""), after);
            assertTrue(after.contains("process_resident_memory_bytes"), "process metrics");
        }
    }

    /** A full queue answers 503 with Retry-After at once; the queued request is still answered. */
    @Test
    void aFullQueueAnswers503AtOnceAndDropsNothingAccepted() throws Exception {
        try (Server s = Server.start(classifier, options().withWorkers(1).withQueueSize(2).withMaxTexts(2)
                .withMaxBatch(4).withMaxDelayMs(1500))) {
            ExecutorService pool = Executors.newSingleThreadExecutor();
            Future<ServeClient.Answer> queued = pool.submit(() -> postJson(s.uri(), "{\"texts\": [\"good\", \"bad\"]}"));
            long deadline = System.currentTimeMillis() + 5000;
            while (s.batcher().depth() < 2 && System.currentTimeMillis() < deadline) {
                ServeClient.sleep(10);
            }
            long t0 = System.nanoTime();
            ServeClient.Answer rejected = postJson(s.uri(), "{\"text\": \"one more\"}");
            double ms = (System.nanoTime() - t0) / 1e6;
            assertError(rejected, 503, "overloaded");
            assertEquals("1", rejected.header("Retry-After"));
            assertTrue(ms < 1000, "the 503 came at once, not after the batch delay: " + ms + " ms");
            ServeClient.Answer first = queued.get(10, TimeUnit.SECONDS);
            assertEquals(200, first.status(), first.body());
            assertEquals(2, first.json().path("predictions").size());
            assertTrue(get(s.uri(), "/metrics", null).body()
                    .contains("textcls_rejected_requests_total{reason=\"queue_full\"} 1.0"));
            pool.shutdown();
            stillAnswers(s.uri());
        }
    }

    @Test
    void bearerTokenGuardsEverythingButHealth() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), "s3cret-token\n");
        try (Server s = Server.start(classifier, options().withTokenFile(tokenFile))) {
            assertEquals(200, get(s.uri(), "/health", null).status());
            for (String path : List.of("/ready", "/metrics", "/v1/model", "/openapi.json")) {
                ServeClient.Answer a = get(s.uri(), path, null);
                assertError(a, 401, "unauthorized");
                assertEquals("Bearer", a.header("WWW-Authenticate"));
                assertError(get(s.uri(), path, "s3cret-tokem"), 401, "unauthorized");
                assertEquals(200, get(s.uri(), path, "s3cret-token").status(), path);
            }
            byte[] body = "{\"text\": \"a film\"}".getBytes(StandardCharsets.UTF_8);
            ServeClient.Answer no = post(s.uri(), "/v1/classify", "application/json", body, "wrong");
            assertError(no, 401, "unauthorized");
            assertFalse(no.body().contains("s3cret"), "the token is never echoed");
            assertEquals(200, post(s.uri(), "/v1/classify", "application/json", body, "s3cret-token").status());
            assertError(post(s.uri(), "/v1/admin/reload", "application/json", new byte[0], null), 401, "unauthorized");
        }
        assertTrue(Server.tokenMatches("abc".getBytes(), "abc".getBytes()));
        assertFalse(Server.tokenMatches("abc".getBytes(), "abcd".getBytes()));
        assertFalse(Server.tokenMatches("abc".getBytes(), new byte[0]));
        Path empty = Files.writeString(dir.resolve("empty-token"), "\n");
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(io.textcls.TextclsException.class,
                () -> Server.start(classifier, options().withTokenFile(empty)));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    /** Reload: a bad bundle is refused and the old model keeps serving; requests during reloads never fail. */
    @Test
    void reloadRefusesABadBundleAndNeverFailsARequestInFlight() throws Exception {
        Path b = golden("format3-ensemble", dir.resolve("reload.zip"));
        try (Server s = Server.start(TextClassifier.load(b), options().withBundle(b))) {
            String sha = s.modelSha256();
            AtomicBoolean stop = new AtomicBoolean();
            List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<Integer>> loops = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                loops.add(pool.submit(() -> {
                    int n = 0;
                    while (!stop.get()) {
                        ServeClient.Answer a = postJson(s.uri(), "{\"texts\": [\"a superb film\", \"dull and boring\"]}");
                        if (a.status() != 200) {
                            failures.add(a.status() + " " + a.body());
                        }
                        n++;
                    }
                    return n;
                }));
            }
            // a corrupt bundle: refused, the old one keeps serving
            Files.write(b, "not a zip".getBytes(StandardCharsets.UTF_8));
            ServeClient.Answer refused = post(s.uri(), "/v1/admin/reload", "application/json", new byte[0], null);
            assertError(refused, 409, "reload_refused");
            assertTrue(refused.json().path("error").path("message").asText().contains("still serving"), refused.body());
            assertEquals(sha, s.modelSha256());
            // another valid bundle (other networks, same labels): served from the next request on
            golden("format3-lstm-pool", b);
            for (int i = 0; i < 3; i++) {
                ServeClient.Answer ok = post(s.uri(), "/v1/admin/reload", "application/json", new byte[0], null);
                assertEquals(200, ok.status(), ok.body());
                assertTrue(ok.json().path("reloaded").asBoolean());
            }
            ServeClient.sleep(200);
            stop.set(true);
            int answered = 0;
            for (Future<Integer> f : loops) {
                answered += f.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertEquals(List.of(), failures);
            assertTrue(answered > 4, "requests ran during the reloads: " + answered);
            assertEquals(ServedModel.sha256(b), s.modelSha256());
            JsonNode p = postJson(s.uri(), "{\"text\": \"a superb film\"}").json();
            assertEquals(s.modelSha256(), p.path("sha256").asText());
            Prediction want = TextClassifier.load(b).classify("a superb film");
            assertEquals(want.probs()[0], p.path("predictions").get(0).path("probabilities").path("bad").asDouble(), 1e-6);
            assertEquals(ServedModel.sha256(b), get(s.uri(), "/v1/model", null).json().path("sha256").asText());
        }
        try (Server s = Server.start(classifier, options())) {
            assertError(post(s.uri(), "/v1/admin/reload", "application/json", new byte[0], null), 409, "reload_refused");
            assertNull(s.modelSha256());
        }
    }

    @Test
    void aCalibratedBundleIsReadyAndAnswersWithItsTemperature() throws Exception {
        // The self-test compares the card's recorded (raw) probabilities with calibrated answers.
        TextClassifier hot = classifier.uncalibrated().withTemperature(new io.textcls.classifier.Temperature(1.7,
                "test", 1, 0, 0, 0, 0, "now"));
        try (Server s = Server.start(hot, options())) {
            assertEquals(200, get(s.uri(), "/ready", null).status());
            JsonNode p = postJson(s.uri(), "{\"text\": \"a superb film\"}").json();
            Prediction want = hot.classify("a superb film");
            assertEquals(want.probs()[0], p.path("predictions").get(0).path("probabilities").path("bad").asDouble(), 1e-6);
            Prediction raw = classifier.uncalibrated().classify("a superb film");
            assertTrue(Math.abs(raw.probs()[0] - want.probs()[0]) > 1e-3, "the temperature changes the answer");
        }
    }

    @Test
    void optionsOutOfRangeAreRefusedByName() {
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(io.textcls.TextclsException.class,
                () -> ServerOptions.defaults().withMaxBatch(0).check());
        assertTrue(e.getMessage().contains("--max-batch"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(io.textcls.TextclsException.class,
                () -> ServerOptions.defaults().withQueueSize(4).withMaxTexts(8).check());
        assertTrue(e.getMessage().contains("--max-texts"), e.getMessage());
    }
}
