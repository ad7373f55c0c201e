package io.textcls.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.textcls.TestCorpora;
import io.textcls.TextclsException;
import io.textcls.TinyTraining;
import io.textcls.classifier.Prediction;
import io.textcls.classifier.TextClassifier;
import io.textcls.util.Json;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreTest {
    @TempDir
    static Path dir;
    static Path model;
    static TextClassifier classifier;
    static Path data;

    @BeforeAll
    static void train() throws Exception {
        data = TestCorpora.write(dir.resolve("data"), 400, 11);
        model = dir.resolve("m.zip");
        TinyTraining.train(data, model, TinyTraining.config(6));
        classifier = TextClassifier.load(model);
    }

    static ScoreOptions opts(String input, Path out, int threads, int chunk) {
        return new ScoreOptions(input, out, OutputFormat.of(out), "*.txt", null, null, 0, null, threads, chunk,
                1 << 20, false);
    }

    static BatchScorer.Summary score(ScoreOptions o) throws IOException {
        return BatchScorer.score(classifier, model, o, InputStream.nullInputStream());
    }

    static List<CSVRecord> csv(Path f) throws IOException {
        try (Reader r = Files.newBufferedReader(f)) {
            return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(r).getRecords();
        }
    }

    @Test
    void outputIsIdenticalForAnyThreadCountAndChunkSizeAndSortedByPath() throws Exception {
        Path one = dir.resolve("t1.csv");
        Path three = dir.resolve("t3.csv");
        score(opts(data.toString(), one, 1, 50));
        BatchScorer.Summary s = score(opts(data.toString(), three, 3, 50));
        assertArrayEquals(Files.readAllBytes(one), Files.readAllBytes(three));
        assertEquals(1200, s.scored());
        List<String> ids = csv(one).stream().map(r -> r.get("id")).toList();
        List<String> sorted = new ArrayList<>(ids);
        sorted.sort(null);
        assertEquals(sorted, ids);
        assertFalse(Files.exists(BatchScorer.journalFile(one)));
        assertFalse(Files.exists(BatchScorer.partialFile(one)));
        // Different chunking changes batch composition only: same labels, probabilities within float noise.
        Path other = dir.resolve("t-chunk.csv");
        score(opts(data.toString(), other, 2, 77));
        List<CSVRecord> a = csv(one);
        List<CSVRecord> b = csv(other);
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).get("label"), b.get(i).get("label"));
            assertEquals(Double.parseDouble(a.get(i).get("p_good")), Double.parseDouble(b.get(i).get("p_good")), 1e-5);
        }
    }

    @Test
    void accuracyFromTheOutputEqualsEvaluate() throws Exception {
        Path out = dir.resolve("acc.csv");
        score(opts(data.toString(), out, 2, 64));
        long correct = csv(out).stream().filter(r -> r.get("id").startsWith(r.get("label") + "/")).count();
        double evaluate = io.textcls.eval.Evaluator.evaluate(classifier, data, List.of(), 2).report().accuracy();
        assertEquals(evaluate, correct / 1200.0, 1e-12);
    }

    @Test
    void hostileFolderAccountsForEveryFile() throws Exception {
        Path in = Files.createDirectories(dir.resolve("hostile"));
        int normal = 300;
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < normal; i++) {
            Files.writeString(in.resolve(String.format("n%04d.txt", i)), TestCorpora.document(r, i % 3));
        }
        Files.writeString(in.resolve("empty.txt"), "");
        Files.writeString(in.resolve("markup-only.txt"), "<br /><br />");
        Files.write(in.resolve("binary.txt"), new byte[] {0x7f, 'E', 'L', 'F', 0, 0, 0});
        Files.write(in.resolve("latin1.txt"), "caf\u00e9 superb brilliant".getBytes(StandardCharsets.ISO_8859_1));
        Files.writeString(in.resolve("huge.txt"), "superb wonderful ".repeat(200_000)); // 3.4 MB > 1 MiB cap
        Files.writeString(in.resolve("one-token.txt"), "word".repeat(2_500_000)); // 10 MB, no whitespace
        Files.writeString(in.resolve("huge-markup.txt"), "<p/>".repeat(300_000)); // 1.2 MB of markup only, cut at a tag
        Files.writeString(in.resolve("with space, comma.txt"), "awful boring");
        Files.writeString(in.resolve("unicodé 映画.txt"), "great moving");
        Files.writeString(in.resolve("new\nline \"quoted\".txt"), "mediocre average");
        Files.writeString(in.resolve(".hidden.txt"), "hidden");
        Files.writeString(in.resolve("notes.md"), "not matching the glob");
        Files.createSymbolicLink(in.resolve("broken.txt"), in.resolve("no-such-file"));
        Files.createDirectories(in.resolve("sub"));
        Files.writeString(in.resolve("sub/deep.txt"), "dull worst");
        Files.createSymbolicLink(in.resolve("sub/loop"), in);
        Files.createDirectories(in.resolve("dir.txt")); // a folder whose name matches the glob
        Path out = dir.resolve("hostile.csv");
        // Unbounded, the tokenizer would take 20 minutes or more over the 1 MiB read of one-token.txt.
        BatchScorer.Summary s = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> score(new ScoreOptions(
                in.toString(), out, OutputFormat.CSV, "*.txt", null, null, 0, null, 2, 64, 1 << 20, false)));
        List<CSVRecord> rows = csv(out);
        List<CSVRecord> errors = csv(BatchScorer.errorsFile(out));
        Set<String> scoredIds = new HashSet<>();
        rows.forEach(x -> scoredIds.add(x.get("id")));
        Set<String> errorIds = new HashSet<>();
        errors.forEach(x -> errorIds.add(x.get("id")));
        assertTrue(scoredIds.containsAll(List.of("latin1.txt", "huge.txt", "one-token.txt", "huge-markup.txt",
                "empty.txt", "markup-only.txt", "with space, comma.txt", "unicodé 映画.txt",
                "new\nline \"quoted\".txt", "sub/deep.txt")), scoredIds.toString());
        assertEquals(normal + 10, rows.size());
        assertEquals(Set.of("binary.txt", "broken.txt", "sub/loop/"), errorIds);
        assertEquals(rows.size(), s.scored());
        assertEquals(errors.size(), s.failed());
        assertEquals(2, s.skipped(), "the hidden file and notes.md");
        CSVRecord latin = rows.stream().filter(x -> x.get("id").equals("latin1.txt")).findFirst().orElseThrow();
        assertTrue(latin.get("flags").contains("malformed-utf8:1"), latin.get("flags"));
        CSVRecord huge = rows.stream().filter(x -> x.get("id").equals("huge.txt")).findFirst().orElseThrow();
        assertTrue(huge.get("flags").contains("cut-at-bytes:1048576") && huge.get("truncated").equals("true"));
        CSVRecord oneToken = rows.stream().filter(x -> x.get("id").equals("one-token.txt")).findFirst().orElseThrow();
        assertEquals("1", oneToken.get("tokens"), "an overlong run is one token");
        assertEquals("cut-at-bytes:1048576", oneToken.get("flags"));
        // Empty documents: a normal row with the network's prior, flagged, beside any other flag.
        Prediction prior = classifier.classify("");
        for (String id : List.of("empty.txt", "markup-only.txt", "huge-markup.txt")) {
            CSVRecord e = rows.stream().filter(x -> x.get("id").equals(id)).findFirst().orElseThrow();
            assertEquals(prior.label(), e.get("label"), id);
            assertEquals(prior.probs()[0], Float.parseFloat(e.get("p_" + prior.labels().get(0))), 1e-6, id);
            assertEquals("0", e.get("tokens"), id);
            assertEquals(id.equals("huge-markup.txt") ? "cut-at-bytes:1048576;empty" : "empty", e.get("flags"), id);
        }
        assertTrue(s.peakRssBytes() > 0);
    }

    @Test
    void scoresCsvAndJsonlTablesAndStdin() throws Exception {
        Path table = dir.resolve("in.csv");
        Files.writeString(table, "key,body\nr1,\"superb, wonderful\"\nr2,awful boring dull\n");
        Path out = dir.resolve("table.jsonl");
        score(new ScoreOptions(table.toString(), out, OutputFormat.JSONL, "*.txt", "body", "key", 2, null, 1, 10,
                1 << 20, false));
        List<String> lines = Files.readAllLines(out);
        assertEquals(2, lines.size());
        JsonNode first = Json.MAPPER.readTree(lines.get(0));
        assertEquals("r1", first.get("id").asText());
        assertEquals("good", first.get("label").asText());
        assertEquals(2, first.get("top").size());
        assertEquals("good", first.get("top").get(0).get("label").asText());

        Path jsonl = dir.resolve("in.jsonl");
        Files.writeString(jsonl, "{\"text\": \"okay average fine\"}\nnot json\n{\"other\": 1}\n");
        Path out2 = dir.resolve("jsonl.csv");
        BatchScorer.Summary s = score(new ScoreOptions(jsonl.toString(), out2, OutputFormat.CSV, "*.txt", "text", null,
                0, null, 1, 10, 1 << 20, false));
        assertEquals(1, s.scored());
        assertEquals(2, s.failed());
        assertEquals("meh", csv(out2).get(0).get("label"));

        Path out3 = dir.resolve("stdin.csv");
        BatchScorer.Summary st = BatchScorer.score(classifier, model, opts("-", out3, 2, 2),
                new ByteArrayInputStream("superb\nawful\nokay fine\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(3, st.scored());
        assertEquals(List.of("1", "2", "3"), csv(out3).stream().map(x -> x.get("id")).toList());
        assertEquals(List.of("good", "bad", "meh"), csv(out3).stream().map(x -> x.get("label")).toList());

        TextclsException missing = assertThrows(TextclsException.class, () -> score(new ScoreOptions(table.toString(),
                dir.resolve("x.csv"), OutputFormat.CSV, "*.txt", "review", null, 0, null, 1, 10, 1 << 20, false)));
        assertTrue(missing.getMessage().contains("no column 'review'") && missing.getMessage().contains("body"));
    }

    @Test
    void thresholdNeedsTwoLabels() {
        TextclsException e = assertThrows(TextclsException.class, () -> score(new ScoreOptions(data.toString(),
                dir.resolve("th.csv"), OutputFormat.CSV, "*.txt", null, null, 0, 0.7, 1, 10, 1 << 20, false)));
        assertTrue(e.getMessage().contains("two-label"), e.getMessage());
    }

    @Test
    void killedRunResumesToTheSameFile() throws Exception {
        Path expected = dir.resolve("whole.csv");
        score(opts(data.toString(), expected, 2, 40));

        Path out = dir.resolve("killed.csv");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // the same JVM options as this one's (the Vector API: the same scoring engine, so the same digits)
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-Dtextcls.score.chunkDelayMs=150",
                "-Dtextcls.progress=false",
                "-cp", System.getProperty("java.class.path"), "io.textcls.cli.Main", "score", "--model",
                model.toString(), "--input", data.toString(), "--output", out.toString(), "--chunk", "40",
                "--threads", "2").redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile()).start();
        Path journal = BatchScorer.journalFile(out);
        long consumed = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (consumed < 200 && System.nanoTime() < deadline && p.isAlive()) {
            Thread.sleep(20);
            if (Files.exists(journal)) {
                consumed = Json.MAPPER.readTree(journal.toFile()).get("consumed").asLong();
            }
        }
        assertTrue(p.isAlive(), "the scoring process ended before it could be killed: "
                + Files.readString(dir.resolve("killed.log")));
        p.destroyForcibly(); // SIGKILL: no shutdown hooks, no flushing
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertFalse(Files.exists(out), "no final output after a kill");
        assertTrue(Files.exists(BatchScorer.partialFile(out)));

        TextclsException noFlag = assertThrows(TextclsException.class, () -> score(opts(data.toString(), out, 2, 40)));
        assertTrue(noFlag.getMessage().contains("--resume"), noFlag.getMessage());

        ScoreOptions resume = new ScoreOptions(data.toString(), out, OutputFormat.CSV, "*.txt", null, null, 0, null, 1,
                40, 1 << 20, true);
        BatchScorer.Summary s = score(resume);
        assertTrue(s.resumedAfter() >= 200 && s.resumedAfter() < 1200, "resumed after " + s.resumedAfter());
        assertEquals(1200, s.scored());
        List<String> want = Files.readAllLines(expected), got = Files.readAllLines(out);
        for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
            assertEquals(want.get(i), got.get(i), "line " + i);
        }
        assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(out));
        assertFalse(Files.exists(journal));
    }

    @Test
    void resumeWithOtherOptionsIsRefused() throws Exception {
        Path out = dir.resolve("refuse.csv");
        Files.writeString(BatchScorer.partialFile(out), "id\n");
        BatchScorer.Journal j = new BatchScorer.Journal("not-this-run", 0, 3, 0, 0, 0, java.util.Map.of(), 0);
        Json.MAPPER.writeValue(BatchScorer.journalFile(out).toFile(), j);
        ScoreOptions o = new ScoreOptions(data.toString(), out, OutputFormat.CSV, "*.txt", null, null, 0, null, 1, 40,
                1 << 20, true);
        TextclsException e = assertThrows(TextclsException.class, () -> score(o));
        assertTrue(e.getMessage().contains("another model, input or options"), e.getMessage());
        new File(BatchScorer.journalFile(out).toString()).delete();
    }
}
