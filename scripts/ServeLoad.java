import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The load generator of scripts/bench-serve.sh (JDK HttpClient, loopback only): each request is one
 * review; every answer is checked against score's probabilities for that review.
 *
 * <pre>
 * java -cp 'target/lib/*' scripts/ServeLoad.java closed URL DOCS_DIR SCORE_CSV CLIENTS SECONDS MAX_REQUESTS
 * java -cp 'target/lib/*' scripts/ServeLoad.java open   URL DOCS_DIR SCORE_CSV RATE SECONDS MAX_REQUESTS [RSS_PID]
 * </pre>
 *
 * closed: CLIENTS clients, each sending its next request when the last is answered. open: requests
 * at RATE per second whatever the answers (latency counted from when each was due, so a slow
 * server cannot hide its queueing; the first tenth of the run, at most 5 s, is a warm-up whose
 * latencies are not counted, see {@link #warmupSeconds}), at most 4,096 outstanding; with RSS_PID, that process's
 * resident memory every 10 s. Both stop at SECONDS or MAX_REQUESTS, whichever comes first, and
 * print one summary line.
 */
public class ServeLoad {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static URI url;
    static List<String> ids = new ArrayList<>();
    static List<byte[]> bodies = new ArrayList<>();
    static Map<String, double[]> expected = new HashMap<>();
    static List<String> labels;

    static final AtomicInteger ok = new AtomicInteger();
    static final AtomicInteger rejected = new AtomicInteger();
    static final AtomicInteger errors = new AtomicInteger();
    static final AtomicInteger mismatched = new AtomicInteger();
    static final AtomicInteger answeredTwice = new AtomicInteger();
    static final Map<String, String> firstErrors = new ConcurrentHashMap<>();
    static long[] latencies;
    static final AtomicInteger nLat = new AtomicInteger();

    public static void main(String[] a) throws Exception {
        if (a.length < 7 || !(a[0].equals("closed") || a[0].equals("open"))) {
            System.err.println("usage: ServeLoad closed URL DOCS_DIR SCORE_CSV CLIENTS SECONDS MAX_REQUESTS\n"
                    + "       ServeLoad open   URL DOCS_DIR SCORE_CSV RATE SECONDS MAX_REQUESTS [RSS_PID]");
            System.exit(2);
        }
        String mode = a[0];
        url = URI.create(a[1]).resolve("/v1/classify");
        load(Path.of(a[2]), Path.of(a[3]));
        double seconds = Double.parseDouble(a[5]);
        int maxRequests = Integer.parseInt(a[6]);
        latencies = new long[maxRequests];
        long t0 = System.nanoTime();
        int sent;
        String what;
        if (mode.equals("closed")) {
            int clients = Integer.parseInt(a[4]);
            sent = closed(clients, seconds, maxRequests);
            what = "clients=" + clients;
        } else {
            double rate = Double.parseDouble(a[4]);
            sent = open(rate, seconds, maxRequests, a.length > 7 ? Long.parseLong(a[7]) : -1);
            what = String.format(Locale.ROOT, "rate=%.0f warmup_s=%.1f", rate, warmupSeconds(seconds));
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        long[] lat = Arrays.copyOf(latencies, nLat.get());
        Arrays.sort(lat);
        int answered = ok.get() + rejected.get() + errors.get();
        System.out.printf(Locale.ROOT, "%s requests=%d answered=%d ok=%d docs_per_s=%.1f p50_ms=%.1f p95_ms=%.1f "
                        + "p99_ms=%.1f max_ms=%.1f rejected_503=%d errors=%d mismatched=%d lost=%d duplicated=%d seconds=%.1f%n",
                what, sent, answered, ok.get(), ok.get() / wall, pct(lat, .50), pct(lat, .95), pct(lat, .99),
                pct(lat, 1), rejected.get(), errors.get(), mismatched.get(), sent - answered, answeredTwice.get(), wall);
        firstErrors.forEach((k, v) -> System.out.println("  error: " + k + " (" + v + ")"));
        System.exit(0);
    }

    static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    /** The reviews (one file each) and score's probabilities for them (its CSV: id,label,p_...). */
    static void load(Path docs, Path scoreCsv) throws IOException {
        try (Stream<Path> files = Files.list(docs)) {
            for (Path f : files.sorted().toList()) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                ids.add(f.getFileName().toString());
                bodies.add(JSON.writeValueAsBytes(Map.of("text", text)));
            }
        }
        List<String> lines = Files.readAllLines(scoreCsv);
        String[] head = lines.get(0).split(",");
        labels = new ArrayList<>();
        for (String h : head) {
            if (h.startsWith("p_")) {
                labels.add(h.substring(2));
            }
        }
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(","); // ids are plain file names here: no quoting
            double[] p = new double[labels.size()];
            for (int k = 0; k < p.length; k++) {
                p[k] = Double.parseDouble(f[2 + k]);
            }
            expected.put(f[0], p);
        }
    }

    static HttpRequest request(int doc) {
        return HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(doc))).build();
    }

    /** Counts one answer; an answer for a request already answered counts as duplicated. */
    static void answer(int doc, boolean[] seen, int req, HttpResponse<String> r, Throwable failure, long latencyNanos) {
        synchronized (seen) {
            if (seen[req]) {
                answeredTwice.incrementAndGet();
                return;
            }
            seen[req] = true;
        }
        if (failure != null) {
            errors.incrementAndGet();
            firstErrors.putIfAbsent(failure.getClass().getSimpleName(), String.valueOf(failure.getMessage()));
            return;
        }
        if (r.statusCode() == 503) {
            rejected.incrementAndGet();
            return;
        }
        if (r.statusCode() != 200) {
            errors.incrementAndGet();
            firstErrors.putIfAbsent("HTTP " + r.statusCode(), r.body());
            return;
        }
        if (latencyNanos >= 0) { // -1: sent during the open loop's warm-up
            int i = nLat.getAndIncrement();
            if (i < latencies.length) {
                latencies[i] = latencyNanos;
            }
        }
        ok.incrementAndGet();
        try {
            JsonNode p = JSON.readTree(r.body()).path("predictions").path(0).path("probabilities");
            double[] want = expected.get(ids.get(doc));
            for (int k = 0; k < labels.size(); k++) {
                if (want == null || Math.abs(p.path(labels.get(k)).asDouble(-1) - want[k]) > 1e-5) {
                    mismatched.incrementAndGet();
                    firstErrors.putIfAbsent("mismatch " + ids.get(doc), r.body());
                    return;
                }
            }
        } catch (IOException e) {
            errors.incrementAndGet();
        }
    }

    static int closed(int clients, double seconds, int maxRequests) throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        AtomicInteger next = new AtomicInteger();
        boolean[] seen = new boolean[maxRequests];
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    int req = next.getAndIncrement();
                    if (req >= maxRequests) {
                        return;
                    }
                    int doc = req % bodies.size();
                    long s = System.nanoTime();
                    try {
                        HttpResponse<String> r = HTTP.send(request(doc), HttpResponse.BodyHandlers.ofString());
                        answer(doc, seen, req, r, null, System.nanoTime() - s);
                    } catch (IOException e) {
                        answer(doc, seen, req, null, e, 0);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        return Math.min(next.get(), maxRequests); // a number past the last is taken but never sent
    }

    static int open(double rate, double seconds, int maxRequests, long rssPid) throws Exception {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        boolean[] seen = new boolean[maxRequests];
        Semaphore outstanding = new Semaphore(4096);
        AtomicLong inflight = new AtomicLong();
        CountDownLatch none = new CountDownLatch(1);
        long interval = (long) (1e9 / rate);
        long warmEnd = start + (long) (warmupSeconds(seconds) * 1e9);
        long nextRss = start;
        List<String> rss = new ArrayList<>();
        int req = 0;
        for (; req < maxRequests; req++) {
            long due = start + req * interval;
            if (due >= end) {
                break;
            }
            long now;
            // Parked, never spinning: on a small machine a spinning generator takes the server's CPU.
            // Waking late only adds to the latency measured (counted from when the request was due).
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            if (rssPid > 0 && now >= nextRss) {
                rss.add(String.format(Locale.ROOT, "%.0f:%d", (now - start) / 1e9, rssKb(rssPid)));
                nextRss += 10_000_000_000L;
            }
            outstanding.acquire();
            int doc = req % bodies.size();
            int r = req;
            inflight.incrementAndGet();
            boolean warm = due >= warmEnd;
            HTTP.sendAsync(request(doc), HttpResponse.BodyHandlers.ofString()).whenComplete((res, failure) -> {
                answer(doc, seen, r, res, failure, warm ? System.nanoTime() - due : -1);
                outstanding.release();
                inflight.decrementAndGet();
            });
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (inflight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        if (rssPid > 0) {
            rss.add(String.format(Locale.ROOT, "%.0f:%d", (System.nanoTime() - start) / 1e9, rssKb(rssPid)));
            System.out.println("rss_kb_by_second " + String.join(" ", rss));
        }
        return req;
    }

    /**
     * The open loop's first seconds, whose requests are sent, answered and checked like the others
     * but whose latencies are not counted: this generator starts in a fresh JVM, and its own JIT
     * and connection set-up would otherwise be measured as the server's (the closed loops follow a
     * warm-up run of their own). {@code -Dserveload.warmup=S} sets it; default a tenth of the run, at
     * most 5 s.
     */
    static double warmupSeconds(double seconds) {
        String v = System.getProperty("serveload.warmup");
        return v != null ? Double.parseDouble(v) : Math.min(5, seconds / 10);
    }

    static long rssKb(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }
}
