package io.textcls.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.cli.ServeCommand;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code textcls serve} as a process: SIGHUP reloads (refusing a bad bundle), SIGTERM drains and exits 0. */
class ServeProcessTest {
    @TempDir
    Path dir;

    @Test
    void sighupRefusesABadBundleAndSigtermFinishesTheRequestInFlightThenExitsZero() throws Exception {
        Path bundle = ServerTest.golden("format3-ensemble", dir.resolve("m.zip"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                "io.textcls.cli.Main", "serve", "--model",
                bundle.toString(), "--port", "0", "--workers", "1", "--max-delay-ms", "1500", "--drain-seconds", "20");
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        List<String> all = new java.util.concurrent.CopyOnWriteArrayList<>(); // every line, also those await took
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    all.add(l);
                    lines.add(l);
                }
            } catch (java.io.IOException e) {
                // process gone
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            Matcher m = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+/)").matcher(await(lines, "serving "));
            assertTrue(m.find());
            URI base = URI.create(m.group(1));
            assertEquals(200, ServeClient.get(base, "/ready", null).status());

            Files.write(bundle, "not a zip".getBytes(StandardCharsets.UTF_8));
            if (ServeCommand.ignored(ServeCommand.SIGHUP)) {
                // Run under nohup: the server inherits the ignored SIGHUP, cannot be told to reload by
                // it, and must say so (it logged this before "serving", so it is among the lines seen).
                assertTrue(all.stream().anyMatch(l -> l.contains("SIGHUP is ignored in this process")), "logs: " + all);
            } else {
                // the shell's built-in kill: a CI image may have no /bin/kill
                new ProcessBuilder("sh", "-c", "kill -HUP " + p.pid()).start().waitFor(5, TimeUnit.SECONDS);
                String refused = await(lines, "refused to reload");
                assertTrue(refused.contains("still serving"), refused);
            }
            assertEquals(200, ServeClient.postJson(base, "{\"text\": \"a superb film\"}").status());

            // a request waiting in the batcher (1.5 s delay) when SIGTERM comes is still answered
            CompletableFuture<ServeClient.Answer> inFlight = CompletableFuture.supplyAsync(
                    () -> ServeClient.postJson(base, "{\"text\": \"a dull film\"}"));
            Thread.sleep(400);
            // SIGTERM through the ProcessHandle: Process.destroy() would also close our end of its output
            assertTrue(p.toHandle().destroy());
            ServeClient.Answer a = inFlight.get(20, TimeUnit.SECONDS);
            assertEquals(200, a.status(), a.body());
            assertEquals(1, a.json().path("predictions").size());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "exits after draining");
            assertEquals(0, p.exitValue());
            reader.join(5000);
            assertTrue(lines.stream().anyMatch(l -> l.contains("INFO  ServeCommand - stopped")), "logs: " + lines);
            assertThrows(Exception.class, () -> ServeClient.get(base, "/health", null), "the port is closed");
            assertFalse(String.join("\n", lines).contains("Exception"), "no stack trace in the log");
        } finally {
            p.destroyForcibly();
        }
    }

    private static String await(BlockingQueue<String> lines, String needle) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        List<String> seen = new java.util.ArrayList<>();
        while (System.currentTimeMillis() < deadline) {
            String l = lines.poll(500, TimeUnit.MILLISECONDS);
            if (l != null) {
                seen.add(l);
                if (l.contains(needle)) {
                    return l;
                }
            }
        }
        throw new AssertionError("no line with '" + needle + "' in:\n" + String.join("\n", seen));
    }
}
