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
    void aChineseJapaneseAndThaiReportRendersWithFontsForItsScripts() throws Exception {
        for (String lang : java.util.List.of("zh", "ja", "th")) {
            String fonts;
            try {
                Process p = new ProcessBuilder("fc-list", ":lang=" + lang).redirectErrorStream(true).start();
                fonts = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor();
            } catch (java.io.IOException e) {
                fonts = ""; // no fontconfig tools: no way to tell, so no check
            }
            if (fonts.isBlank()) {
                System.out.println("CJK/Thai report check skipped: no font for :lang=" + lang);
            }
            Assumptions.assumeFalse(fonts.isBlank(), "no font for :lang=" + lang + " (Chromium would draw boxes): "
                    + "apt-get install fonts-noto-cjk fonts-thai-tlwg, as .ci/run does");
        }
        StringBuilder csv = new StringBuilder("label,text\n");
        String[][] phrases = {{"酒店很干净，服务非常好", "とても良いホテルでした", "โรงแรมสะอาดมาก"},
                {"房间太脏了，服务很差", "部屋が汚かった", "ห้องสกปรกมาก"}};
        for (int i = 0; i < 12; i++) {
            for (int l = 0; l < 2; l++) {
                // every document in the three scripts, so that whichever the report shows has all three
                csv.append(l == 0 ? "good," : "bad,").append(phrases[l][i % 3]).append(' ')
                        .append(phrases[l][(i + 1) % 3]).append(' ').append(phrases[l][(i + 2) % 3])
                        .append(i % 2 == 0 ? "！" : "。").append('\n');
            }
        }
        Path table = Files.writeString(dir.resolve("cjk.csv"), csv.toString());
        Path bundle = dir.resolve("cjk.zip");
        io.textcls.TinyTraining.train(table, bundle, io.textcls.TinyTraining.recipe(6, "text.tokenizer=auto"));
        Path page = dir.resolve("cjk.html");
        CliTest.Run r = CliTest.run("evaluate", "--model", bundle.toString(), "--data", table.toString(), "--html",
                page.toString());
        assertEquals(0, r.code(), r.err());
        String html = Files.readString(page);
        // Chinese and Japanese as characters (icu-79.1-cjk-chars), Thai as words
        assertTrue(html.contains(">酒<") && html.contains(">ホ<") && html.contains(">ห้อง<"),
                "the report shows the documents' own text");
        CliTest.Run c = check(page, dir.resolve("cjk.png"));
        assertEquals(0, c.code(), c.out());
        assertTrue(c.out().contains("no console message"), c.out());
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
