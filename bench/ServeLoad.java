import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The load generator of bench/bench-serve.sh (loopback only): each request is one review; every
 * answer is checked against score's probabilities for that review. HTTP/1.1 over plain blocking
 * sockets with keep-alive ({@link Conn}), not the JDK's HttpClient: this generator shares the
 * server's two cores, and HttpClient's selector and future machinery took a quarter of a core at
 * 32 clients (0.3 at half load), all counted against the server; these sockets take 0.06. The
 * summary line says what the generator took ({@code client_cpu_cores}).
 *
 * <pre>
 * java -cp 'target/lib/*' bench/ServeLoad.java closed URL DOCS_DIR SCORE_CSV CLIENTS SECONDS MAX_REQUESTS
 * java -cp 'target/lib/*' bench/ServeLoad.java open   URL DOCS_DIR SCORE_CSV RATE SECONDS MAX_REQUESTS [RSS_PID]
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

    static URI url;
    static List<String> ids = new ArrayList<>();
    /** Each document's request, head and body, built once. */
    static List<byte[]> requests = new ArrayList<>();
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
        long cpu0 = cpuNanos();
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
        double clientCores = (cpuNanos() - cpu0) / 1e9 / wall;
        long[] lat = Arrays.copyOf(latencies, nLat.get());
        Arrays.sort(lat);
        int answered = ok.get() + rejected.get() + errors.get();
        System.out.printf(Locale.ROOT, "%s requests=%d answered=%d ok=%d docs_per_s=%.1f p50_ms=%.1f p95_ms=%.1f "
                        + "p99_ms=%.1f max_ms=%.1f rejected_503=%d errors=%d mismatched=%d lost=%d duplicated=%d seconds=%.1f client_cpu_cores=%.2f%n",
                what, sent, answered, ok.get(), ok.get() / wall, pct(lat, .50), pct(lat, .95), pct(lat, .99),
                pct(lat, 1), rejected.get(), errors.get(), mismatched.get(), sent - answered, answeredTwice.get(), wall, clientCores);
        firstErrors.forEach((k, v) -> System.out.println("  error: " + k + " (" + v + ")"));
        System.exit(0);
    }

    /** This generator's own CPU time: it shares the machine with the server, so the figure says what it took. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
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
                requests.add(Conn.request(url, JSON.writeValueAsBytes(Map.of("text", text))));
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

    /** Counts one answer; an answer for a request already answered counts as duplicated. */
    static void answer(int doc, boolean[] seen, int req, int status, String body, Throwable failure, long latencyNanos) {
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
        if (status == 503) {
            rejected.incrementAndGet();
            return;
        }
        if (status != 200) {
            errors.incrementAndGet();
            firstErrors.putIfAbsent("HTTP " + status, body);
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
            JsonNode p = JSON.readTree(body).path("predictions").path(0).path("probabilities");
            double[] want = expected.get(ids.get(doc));
            for (int k = 0; k < labels.size(); k++) {
                if (want == null || Math.abs(p.path(labels.get(k)).asDouble(-1) - want[k]) > 1e-5) {
                    mismatched.incrementAndGet();
                    firstErrors.putIfAbsent("mismatch " + ids.get(doc), body);
                    return;
                }
            }
        } catch (IOException e) {
            errors.incrementAndGet();
        }
    }

    /**
     * Closed loop: each client is a thread with one keep-alive connection of its own ({@link Conn}),
     * sending its next request when the last is answered.
     */
    static int closed(int clients, double seconds, int maxRequests) throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        AtomicInteger next = new AtomicInteger();
        boolean[] seen = new boolean[maxRequests];
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                Conn conn = null;
                try {
                    while (System.nanoTime() < end) {
                        int req = next.getAndIncrement();
                        if (req >= maxRequests) {
                            return;
                        }
                        int doc = req % requests.size();
                        long s = System.nanoTime();
                        try {
                            if (conn == null) {
                                conn = new Conn(url);
                            }
                            Conn.Reply r = conn.post(requests.get(doc));
                            answer(doc, seen, req, r.status(), r.body(), null, System.nanoTime() - s);
                            if (r.close()) {
                                conn.close();
                                conn = null;
                            }
                        } catch (IOException e) {
                            answer(doc, seen, req, 0, null, e, 0);
                            if (conn != null) {
                                conn.close();
                                conn = null;
                            }
                        }
                    }
                } finally {
                    if (conn != null) {
                        conn.close();
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

    /** One HTTP/1.1 keep-alive connection: a request written in one piece, the answer read by Content-Length or chunks. */
    static final class Conn {
        record Reply(int status, String body, boolean close) {}

        final Socket socket;
        final InputStream in;
        final OutputStream out;
        volatile long lastUsed = System.nanoTime();

        Conn(URI url) throws IOException {
            socket = new Socket();
            socket.connect(new java.net.InetSocketAddress(url.getHost(), url.getPort()), 5_000);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            in = new BufferedInputStream(socket.getInputStream(), 16384);
            out = socket.getOutputStream();
        }

        /** Head and body of a POST, built once per document. */
        static byte[] request(URI url, byte[] body) {
            byte[] head = ("POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] all = Arrays.copyOf(head, head.length + body.length);
            System.arraycopy(body, 0, all, head.length, body.length);
            return all;
        }

        Reply post(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String status = line();
            if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
                throw new IOException("not an HTTP/1.1 status line: " + status);
            }
            int code = Integer.parseInt(status.substring(9, 12));
            int length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String h = line(); !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                String name = colon < 0 ? h : h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = colon < 0 ? "" : h.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Integer.parseInt(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> close = value.equalsIgnoreCase("close");
                    default -> { }
                }
            }
            byte[] body;
            if (chunked) {
                java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
                for (int n; (n = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0; ) {
                    b.write(in.readNBytes(n));
                    line();
                }
                for (String t = line(); !t.isEmpty(); t = line()) { } // trailers
                body = b.toByteArray();
            } else if (length >= 0) {
                body = in.readNBytes(length);
                if (body.length < length) {
                    throw new IOException("connection closed after " + body.length + " of " + length + " bytes");
                }
            } else {
                body = in.readAllBytes();
                close = true;
            }
            return new Reply(code, new String(body, StandardCharsets.UTF_8), close);
        }

        private String line() throws IOException {
            StringBuilder b = new StringBuilder(64);
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) {
                    throw new IOException("connection closed by the server");
                }
                if (c != '\r') {
                    b.append((char) c);
                }
            }
            return b.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** The open loop's senders: a thread per outstanding request, reused once it is answered. */
    static final java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sender");
        t.setDaemon(true);
        return t;
    });
    /** Keep-alive connections not in use, the most recently used first. */
    static final java.util.concurrent.ConcurrentLinkedDeque<Conn> idle = new java.util.concurrent.ConcurrentLinkedDeque<>();

    /**
     * One open-loop request on an idle connection, or a new one. A connection idle for 5 s is
     * dropped rather than reused, before the server's 10 s idle timeout can close it under a request.
     */
    static void send(int doc, boolean[] seen, int req, long due) {
        Conn conn = idle.pollFirst();
        while (conn != null && System.nanoTime() - conn.lastUsed > 5_000_000_000L) {
            conn.close();
            conn = idle.pollFirst();
        }
        try {
            if (conn == null) {
                conn = new Conn(url);
            }
            Conn.Reply r = conn.post(requests.get(doc));
            answer(doc, seen, req, r.status(), r.body(), null, due >= 0 ? System.nanoTime() - due : -1);
            if (r.close()) {
                conn.close();
            } else {
                conn.lastUsed = System.nanoTime();
                idle.offerFirst(conn);
            }
        } catch (IOException e) {
            answer(doc, seen, req, 0, null, e, 0);
            if (conn != null) {
                conn.close();
            }
        }
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
            int doc = req % requests.size();
            int r = req;
            inflight.incrementAndGet();
            boolean warm = due >= warmEnd;
            senders.execute(() -> {
                try {
                    send(doc, seen, r, warm ? due : -1);
                } finally {
                    outstanding.release();
                    inflight.decrementAndGet();
                }
            });
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (inflight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        senders.shutdown();
        for (Conn c; (c = idle.pollFirst()) != null; ) {
            c.close();
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
