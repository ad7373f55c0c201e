package io.textcls.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.TestCorpora;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report in a real browser: scripts/check-report-browser.sh opens it in headless
 * Chromium, which must show no console message and draw every chart. Runs where
 * /usr/bin/chromium is installed (.ci/run installs Debian's), skipped with a message elsewhere.
 */
class ReportBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    @TempDir
    static Path dir;
    static Path html;

    @BeforeAll
    static void report() throws Exception {
        boolean here = Files.isExecutable(CHROMIUM);
        if (!here) {
            System.out.println("ReportBrowserTest skipped: " + CHROMIUM + " is not installed (apt-get install chromium)");
        }
        Assumptions.assumeTrue(here, CHROMIUM + " is not installed: the browser check is skipped (apt-get install "
                + "chromium; .ci/run installs it)");
        Path bundle = dir.resolve("ensemble.zip");
        try (var in = ReportBrowserTest.class.getResourceAsStream("/golden/format3-ensemble.zip")) {
            Files.copy(in, bundle);
        }
        Path data = TestCorpora.write(dir.resolve("data"), 15, 8);
        html = dir.resolve("report.html");
        CliTest.Run r = CliTest.run("evaluate", "--model", bundle.toString(), "--data", data.toString(), "--html",
                html.toString());
        assertEquals(0, r.code(), r.err());
    }

    static CliTest.Run check(Path page, Path png) throws Exception {
        Process p = new ProcessBuilder("bash", "scripts/check-report-browser.sh", page.toString(), png.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the browser check timed out");
        return new CliTest.Run(p.exitValue(), out, "");
    }

    @Test
    void theReportRendersInChromiumWithNoConsoleMessage() throws Exception {
        Path png = dir.resolve("report.png");
        CliTest.Run r = check(html, png);
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("no console message, 8 charts"), r.out());
        byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head, "a PNG screenshot");
    }

    @Test
    void aConsoleErrorOrAFetchFailsTheCheck() throws Exception {
        String page = Files.readString(html);
        Path broken = Files.writeString(dir.resolve("broken.html"),
                page.replace("<body>", "<body><script>console.error('broken on purpose')</script>"));
        CliTest.Run r = check(broken, dir.resolve("broken.png"));
        assertEquals(1, r.code(), r.out());
        assertTrue(r.out().contains("broken on purpose"), r.out());
        Path fetching = Files.writeString(dir.resolve("fetching.html"),
                page.replace("<body>", "<body><img src=\"https://example.com/x.png\">"));
        CliTest.Run f = check(fetching, dir.resolve("fetching.png"));
        assertEquals(1, f.code(), f.out());
        assertTrue(f.out().contains("example.com"), f.out());
    }
}
