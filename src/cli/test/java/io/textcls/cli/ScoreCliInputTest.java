package io.textcls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.TestCorpora;
import io.textcls.TinyTraining;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad command lines and output locations of {@code score} and {@code evaluate}: one line naming
 * the option or path, exit code 1, no stack trace, and nothing done first (the model is not even
 * loaded: most cases name a bundle that does not exist, and must fail on something else).
 */
class ScoreCliInputTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path model;
    static Path missingModel;
    static Path notAFolder;

    @BeforeAll
    static void setUp() throws Exception {
        data = TestCorpora.write(dir.resolve("data"), 30, 5);
        model = dir.resolve("m.zip");
        TinyTraining.train(data, model, TinyTraining.config(2));
        missingModel = dir.resolve("no-such-model.zip");
        notAFolder = Files.writeString(dir.resolve("plain-file"), "x");
    }

    static CliTest.Run run(String... args) {
        return CliTest.run(args);
    }

    /** Exit code 1 and a single line on stderr that contains every given part, without a stack trace. */
    static void failsInOneLine(CliTest.Run r, String... parts) {
        assertEquals(1, r.code(), r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertTrue(err.startsWith("error: "), err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no exception or stack trace: " + err);
        for (String p : parts) {
            assertTrue(err.contains(p), "'" + p + "' in: " + err);
        }
        assertTrue(r.out().isEmpty(), "nothing done: " + r.out());
    }

    static String[] score(String output, String... more) {
        List<String> a = new ArrayList<>(List.of("score", "--model", missingModel.toString(), "--input",
                data.toString(), "--output", output));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void unwritableOutputFailsBeforeTheModelLoads() throws Exception {
        Path underFile = notAFolder.resolve("p.csv");
        failsInOneLine(run(score(underFile.toString())), "cannot write predictions to " + underFile,
                notAFolder + " is a file, not a folder", "choose another --output");
        Path folder = Files.createDirectories(dir.resolve("out.csv"));
        failsInOneLine(run(score(folder.toString())), "cannot write predictions to " + folder, "it is a folder");
        Path partialFolder = dir.resolve("p2.csv");
        Files.createDirectories(dir.resolve("p2.csv.partial"));
        failsInOneLine(run(score(partialFolder.toString())), dir.resolve("p2.csv.partial").toString(), "it is a folder");
        if (Files.exists(Path.of("/dev/null"))) {
            failsInOneLine(run(score("/dev/null", "--format", "csv")), "/dev/null", "not a regular file");
        }
        assertFalse(Files.exists(dir.resolve("p2.csv")));
    }

    @Test
    void badOptionValuesFailBeforeTheModelLoads() {
        String out = dir.resolve("never.csv").toString();
        failsInOneLine(run(score(out, "--threads", "0")), "--threads", "got 0");
        failsInOneLine(run(score(out, "--threads", "5000")), "--threads", "5,000");
        failsInOneLine(run(score(out, "--chunk", "0")), "--chunk", "got 0");
        failsInOneLine(run(score(out, "--max-bytes", "0")), "--max-bytes", "got 0");
        failsInOneLine(run(score(out, "--top-k", "-1")), "--top-k", "got -1");
        failsInOneLine(run(score(out, "--threshold", "1.5")), "--threshold", "between 0 and 1", "1.5");
        failsInOneLine(run(score(out, "--threshold", "NaN")), "--threshold", "NaN");
        failsInOneLine(run(score(out, "--glob", "*.{txt")), "--glob", "*.{txt");
        failsInOneLine(run(score(out, "--id-column", "key")), "--id-column", "--text-column");
        failsInOneLine(run(score(out, "--text-column", "body")), "--text-column", data.toString());
        failsInOneLine(run(score(dir.resolve("p.xml").toString())), "p.xml", "--format");
        failsInOneLine(run("score", "--model", missingModel.toString(), "--input", "-", "--output", out, "--resume"),
                "--resume", "standard input");
        Path nowhere = dir.resolve("no-such-input");
        failsInOneLine(run("score", "--model", missingModel.toString(), "--input", nowhere.toString(), "--output", out),
                nowhere.toString(), "--input");
        assertFalse(Files.exists(Path.of(out)));
    }

    @Test
    void aLeftJournalIsReportedBeforeTheModelLoads() throws Exception {
        Path out = dir.resolve("left.csv");
        Files.writeString(dir.resolve("left.csv.journal.json"), "{}");
        failsInOneLine(run(score(out.toString())), "left.csv.journal.json", "--resume");
    }

    @Test
    void evaluateChecksItsOptionsAndReportLocationFirst() {
        Path report = notAFolder.resolve("r.json");
        failsInOneLine(run("evaluate", "--model", missingModel.toString(), "--data", data.toString(), "--report",
                report.toString()), "cannot write the report to " + report, "choose another --report");
        failsInOneLine(run("evaluate", "--model", missingModel.toString(), "--data", data.toString(), "--threads", "0"),
                "--threads", "got 0");
        Path nowhere = dir.resolve("no-such-data");
        failsInOneLine(run("evaluate", "--model", missingModel.toString(), "--data", nowhere.toString()),
                "--data " + nowhere, "does not exist");
        failsInOneLine(run("evaluate", "--model", missingModel.toString(), "--data", notAFolder.toString()),
                "--data " + notAFolder, "it is a file");
    }

    @Test
    void optionsThatNeedTheLabelsFailInOneLineAfterLoading() {
        String out = dir.resolve("after.csv").toString();
        failsInOneLine(run("score", "--model", model.toString(), "--input", data.toString(), "--output", out,
                "--top-k", "4"), "--top-k", "(3)", "got 4");
        failsInOneLine(run("score", "--model", model.toString(), "--input", data.toString(), "--output", out,
                "--threshold", "0.5"), "--threshold", "two-label");
        assertFalse(Files.exists(Path.of(out)));
    }

    @Test
    void emptyDocumentsAreScoredFlaggedAndNotFailures() throws Exception {
        Path in = Files.createDirectories(dir.resolve("with-empty"));
        Files.writeString(in.resolve("a.txt"), "superb wonderful");
        Files.writeString(in.resolve("empty.txt"), "");
        Files.writeString(in.resolve("markup.txt"), "<br /><br />");
        Path out = dir.resolve("with-empty.csv");
        CliTest.Run r = run("score", "--model", model.toString(), "--input", in.toString(), "--output", out.toString(),
                "--format", "csv");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("scored 3 documents") && r.out().contains("0 failed"), r.out());
        List<String> lines = Files.readAllLines(out);
        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(2).startsWith("empty.txt,") && lines.get(2).endsWith(",0,false,empty"), lines.get(2));
        assertTrue(lines.get(3).startsWith("markup.txt,") && lines.get(3).endsWith(",0,false,empty"), lines.get(3));
        assertFalse(Files.exists(dir.resolve("with-empty.csv.errors.csv")));
    }

    @Test
    void evaluateCountsEmptyDocumentsInTheMetrics() throws Exception {
        Path labeled = TestCorpora.write(dir.resolve("labeled"), 5, 8);
        Files.writeString(labeled.resolve("good/empty.txt"), "");
        Files.writeString(labeled.resolve("bad/markup.txt"), "<p></p>");
        CliTest.Run r = run("evaluate", "--model", model.toString(), "--data", labeled.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("documents: 17 "), r.out());
        assertTrue(r.out().contains("note: 2 empty documents (no words) are included in the metrics, classified with "
                + "the network's prior"), r.out());
    }

    @Test
    void outputDashWritesTheRowsToStandardOutputAndTheRestToStandardError() throws Exception {
        Path in = Files.createDirectories(dir.resolve("stdout-in"));
        try (var files = Files.list(data.resolve("good"))) {
            for (Path f : files.sorted().limit(12).toList()) {
                Files.copy(f, in.resolve(f.getFileName()));
            }
        }
        Files.write(in.resolve("zz-binary.txt"), new byte[] {'a', 0, 'b'});
        Path file = dir.resolve("stdout-ref.csv");
        CliTest.Run toFile = run("score", "--model", model.toString(), "--input", in.toString(), "--output",
                file.toString());
        assertEquals(3, toFile.code(), toFile.err());
        CliTest.Run toStdout = run("score", "--model", model.toString(), "--input", in.toString(), "--output", "-");
        assertEquals(3, toStdout.code(), toStdout.err());
        assertEquals(Files.readString(file).replace("\r\n", "\n"), toStdout.out().replace("\r\n", "\n"),
                "the same rows as the file, and nothing else on standard output");
        assertTrue(toStdout.err().contains("error: zz-binary.txt: ") && toStdout.err().contains("binary"),
                toStdout.err());
        assertTrue(toStdout.err().contains("scored 12 documents into standard output"), toStdout.err());
        assertFalse(Files.exists(dir.resolve("-")), "no file named -");
        CliTest.Run jsonl = run("score", "--model", model.toString(), "--input", in.toString(), "--output", "-",
                "--format", "jsonl");
        assertTrue(jsonl.out().startsWith("{\"id\":"), jsonl.out());
        failsInOneLine(run("score", "--model", missingModel.toString(), "--input", in.toString(), "--output", "-",
                "--resume"), "--resume", "standard output");
    }

    @Test
    void aStandardOutputThatCannotBeWrittenStopsScoring() throws Exception {
        io.textcls.classifier.TextClassifier c = io.textcls.classifier.TextClassifier.load(model);
        io.textcls.score.ScoreOptions o = new io.textcls.score.ScoreOptions(data.toString(), Path.of("-"),
                io.textcls.score.OutputFormat.CSV, "*.txt", null, null, 0, null, 1, 4,
                io.textcls.corpus.TextFiles.DEFAULT_MAX_BYTES, false);
        // a pipe whose reader stopped: every write fails, and a PrintWriter only records it
        java.io.PrintWriter closed = new java.io.PrintWriter(new java.io.OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                throw new java.io.IOException("Broken pipe");
            }
        });
        io.textcls.TextclsException e = org.junit.jupiter.api.Assertions.assertThrows(io.textcls.TextclsException.class,
                () -> io.textcls.score.BatchScorer.score(c, model, o, System.in, closed,
                        new java.io.PrintWriter(new java.io.StringWriter())));
        assertTrue(e.getMessage().startsWith("standard output could not be written")
                && e.getMessage().contains("stopped after 4 inputs"), e.getMessage());
    }
}
