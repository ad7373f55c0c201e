package io.textcls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.textcls.TestCorpora;
import io.textcls.classifier.TextClassifier;
import io.textcls.util.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI as a user meets it: exit codes, messages, files. */
class CliTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path model;
    static String trainOut;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void trainThroughTheCli() throws Exception {
        data = TestCorpora.write(dir.resolve("data"), 40, 4);
        model = dir.resolve("m.zip");
        Run r = run("train", "--data", data.toString(), "--model", model.toString(), "--epochs", "8", "--min-steps", "0",
                "--vocab-size", "200", "--min-count", "1", "--max-length", "20", "--embedding-size", "16",
                "--hidden-size", "16", "--learning-rate", "0.02", "--batch-size", "16", "--validation-fraction", "0.2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("corpus: 120 documents (bad 40, good 40, meh 40)"), r.out());
        assertTrue(r.out().contains("validation of the saved classifier"), r.out());
        assertTrue(Files.exists(model));
        trainOut = r.out();
    }

    @Test
    void heldOutEvaluationReproducesTheTrainingValidationScores() {
        // The networks' own probabilities, as training validated them (the bundle's temperature changes log loss).
        Run r = run("evaluate", "--model", model.toString(), "--data", data.toString(), "--held-out",
                "--raw-probabilities");
        assertEquals(0, r.code(), r.err());
        String trainTable = trainOut.substring(trainOut.indexOf("documents:"));
        String evalTable = r.out().substring(r.out().indexOf("documents:"));
        assertTrue(evalTable.startsWith("documents: 24 "), evalTable);
        // The default recipe's ensemble weighs its networks: train reports them measured by cross-fitting, and
        // evaluate --held-out scores the same documents with the stored weights, fitted on all of them, as train
        // also says.
        JsonNode mixing = Json.MAPPER.valueToTree(TextClassifier.load(model).card().result().ensembleWeights());
        assertTrue(mixing.has("weights"), mixing.toString());
        assertTrue(trainTable.startsWith(String.format("documents: 24   accuracy: %.4f",
                mixing.path("crossFittedAccuracy").asDouble())), trainTable);
        String fitted = String.format("%.4f", mixing.path("fittedAccuracy").asDouble());
        assertTrue(evalTable.startsWith("documents: 24   accuracy: " + fitted), evalTable);
        assertTrue(trainOut.contains(fitted + " on the documents they were fitted on"), trainOut);
    }

    @Test
    void trainsWithAValidationFolder() throws Exception {
        Path val = TestCorpora.write(dir.resolve("val"), 10, 99);
        Path m = dir.resolve("with-val.zip");
        Run r = run("train", "--data", data.toString(), "--validation", val.toString(), "--model", m.toString(), "--min-steps", "0",
                "--epochs", "2", "--vocab-size", "200", "--min-count", "1", "--max-length", "20", "--embedding-size",
                "16", "--hidden-size", "16", "--learning-rate", "0.02", "--batch-size", "16");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("split: 120 training, 30 validation documents"), r.out());
        Run heldOut = run("evaluate", "--model", m.toString(), "--data", data.toString(), "--held-out");
        assertEquals(1, heldOut.code());
        assertTrue(heldOut.err().contains("--validation"), heldOut.err());
        Run onVal = run("evaluate", "--model", m.toString(), "--data", val.toString(), "--raw-probabilities");
        assertEquals(0, onVal.code(), onVal.err());
        String trained = r.out().substring(r.out().indexOf("documents:"));
        String evaluated = onVal.out().substring(onVal.out().indexOf("documents:"));
        assertEquals(trained.substring(0, trained.indexOf("confusion")), evaluated.substring(0, evaluated.indexOf("confusion")));
    }

    @Test
    void dryRunChecksEverythingAndTrainsNothing() throws Exception {
        Path m = dir.resolve("dry.zip");
        Run r = run("train", "--data", data.toString(), "--model", m.toString(), "--recipe", "lstm", "--epochs", "2", "--min-steps", "0",
                "--dry-run");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"epochs\" : 2") && r.out().contains("dry run: 120 documents"), r.out());
        assertFalse(Files.exists(m) || Files.exists(dir.resolve("dry.zip.ckpt")));
        Run bad = run("train", "--data", data.toString(), "--model", m.toString(), "--set", "networks.0.layers=9",
                "--dry-run");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("layers must be between 1 and 4"), bad.err());
    }

    @Test
    void noCommandIsAUsageError() {
        Run r = run();
        assertEquals(2, r.code());
        assertTrue(r.err().contains("a command is required"), r.err());
    }

    @Test
    void missingRequiredOptionIsAUsageError() {
        Run r = run("train", "--model", "x.zip");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--data"), r.err());
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        Run r = run("train", "--help");
        assertEquals(0, r.code());
        String help = r.out().replaceAll("\\s+", " ");
        assertTrue(help.contains("--max-length") && help.contains("imdb-default: 0"), r.out());
        assertTrue(help.contains("--architecture") && help.contains("lstm64 lstm-pool.v1, cnn cnn-pool"), r.out());
        assertTrue(help.contains("--recipe") && help.contains("Default: imdb-default"), r.out());
        assertTrue(run("score", "--help").out().contains("Default: *.txt"));
    }

    @Test
    void pretrainThenTrainFromTheVectorsThenTune() throws Exception {
        Path vectors = dir.resolve("vec.txt");
        Run p = run("pretrain", "--data", data.resolve("good") + "," + data.resolve("bad"), "--out", vectors.toString(),
                "--dimension", "8", "--min-count", "1", "--epochs", "1");
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().contains("80 documents"), p.out());
        assertTrue(Files.readAllLines(vectors).get(0).endsWith(" 8"), "word2vec header <count> <dim>");

        Run mismatch = run("train", "--data", data.toString(), "--model", dir.resolve("v.zip").toString(),
                "--embeddings", vectors.toString(), "--embedding-size", "16");
        assertEquals(1, mismatch.code());
        assertTrue(mismatch.err().contains("does not match the 8-dimensional vectors"), mismatch.err());

        Run t = run("train", "--data", data.toString(), "--model", dir.resolve("v.zip").toString(), "--embeddings",
                vectors.toString(), "--epochs", "1", "--min-steps", "0", "--max-length", "20", "--hidden-size", "8");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("start from") && t.out().contains("embeddingSize=8"), t.out());

        Path table = dir.resolve("tune.csv");
        Run tune = run("tune", "--data", data.toString(), "--out", table.toString(), "--param", "hidden-size=4,8",
                "--set", "min-steps=0", "--set", "epochs=1", "--set", "max-length=20", "--set", "sample=20");
        assertEquals(0, tune.code(), tune.err());
        assertEquals(4, Files.readAllLines(table).size(), "header, the linear baseline and two trials");
        assertTrue(tune.out().contains("accuracy") && tune.out().contains("hidden-size"), tune.out());
        assertTrue(tune.out().contains("trial 0: the linear baseline (built-in recipe ngram-nb)")
                && tune.out().contains("against the baseline"), tune.out());
        Run again = run("tune", "--data", data.toString(), "--out", table.toString(), "--param", "hidden-size=4,8");
        assertEquals(1, again.code());
        assertTrue(again.err().contains("--resume"), again.err());
        Run badOption = run("tune", "--data", data.toString(), "--out", dir.resolve("t2.csv").toString(), "--param",
                "hiddensize=4");
        assertEquals(1, badOption.code());
        assertTrue(badOption.err().contains("unknown recipe key 'hiddensize'"), badOption.err());
        Run noData = run("pretrain", "--data", dir.resolve("nowhere").toString(), "--out", vectors.toString());
        assertEquals(1, noData.code());
        assertTrue(noData.err().contains("nowhere"), noData.err());
    }

    @Test
    void missingDataFolderIsAClearError() {
        Run r = run("train", "--data", dir.resolve("nowhere").toString(), "--model", dir.resolve("x.zip").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("error: data folder") && r.err().contains("nowhere"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace for user errors: " + r.err());
    }

    @Test
    void badBundleIsAClearError() throws Exception {
        Path bad = dir.resolve("bad.zip");
        Files.writeString(bad, "nope");
        Run r = run("evaluate", "--model", bad.toString(), "--data", data.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("bad.zip"), r.err());
    }

    @Test
    void evaluatePrintsATableAndWritesJson() throws Exception {
        Path report = dir.resolve("report.json");
        Run r = run("evaluate", "--model", model.toString(), "--data", data.toString(), "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("accuracy:") && r.out().contains("confusion"), r.out());
        JsonNode json = Json.MAPPER.readTree(report.toFile());
        assertEquals(120, json.get("documents").asInt());
        assertEquals(3, json.get("perLabel").size());
    }

    @Test
    void evaluateRejectsFoldersThatAreNotLabels() throws Exception {
        Path other = dir.resolve("other");
        Files.createDirectories(other.resolve("neutral"));
        Files.writeString(other.resolve("neutral/a.txt"), "text");
        Run r = run("evaluate", "--model", model.toString(), "--data", other.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("neutral") && r.err().contains("not a label"), r.err());
    }

    @Test
    void scoreWritesOneRowPerDocumentAndAgreesWithEvaluate() throws Exception {
        Path out = dir.resolve("pred.csv");
        Run r = run("score", "--model", model.toString(), "--input", data.toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals("id,label,p_bad,p_good,p_meh,tokens,truncated,flags", lines.get(0));
        assertEquals(121, lines.size());
        assertTrue(lines.get(1).startsWith("bad/0000.txt,"), lines.get(1));
        long correct = lines.stream().skip(1).filter(l -> l.split(",")[0].startsWith(l.split(",")[1] + "/")).count();
        Run eval = run("evaluate", "--model", model.toString(), "--data", data.toString());
        assertTrue(eval.out().contains(String.format("accuracy: %.4f", correct / 120.0)), eval.out());
    }

    @Test
    void scoreListsUnscorableFilesAndExitsWithThree() throws Exception {
        Path in = dir.resolve("mixed");
        Files.createDirectories(in.resolve("sub"));
        Files.writeString(in.resolve("a.txt"), "a superb film");
        Files.writeString(in.resolve("sub/b c.txt"), "boring, dull");
        Files.write(in.resolve("bin.txt"), new byte[] {0, 1, 2});
        Files.writeString(in.resolve("notes.md"), "skipped by the glob");
        Files.createSymbolicLink(in.resolve("dangling.txt"), in.resolve("missing-target.txt"));
        Path out = dir.resolve("mixed.jsonl");
        Run r = run("score", "--model", model.toString(), "--input", in.toString(), "--output", out.toString());
        assertEquals(3, r.code(), r.out() + r.err());
        List<String> rows = Files.readAllLines(out);
        assertEquals(2, rows.size());
        JsonNode first = Json.MAPPER.readTree(rows.get(0));
        assertEquals("a.txt", first.get("id").asText());
        assertEquals("good", first.get("label").asText());
        assertEquals("sub/b c.txt", Json.MAPPER.readTree(rows.get(1)).get("id").asText());
        String errors = Files.readString(dir.resolve("mixed.jsonl.errors.csv"));
        assertTrue(errors.contains("bin.txt,binary") && errors.contains("dangling.txt,broken symlink"), errors);
        assertTrue(r.out().contains("2 failed, 1 skipped"), r.out());
    }

    @Test
    void ensembleOfTwoRecipesThenInspectAndEvaluate() throws Exception {
        Path pooled = dir.resolve("pooled.zip");
        Run t = run("train", "--data", data.toString(), "--model", pooled.toString(), "--epochs", "4", "--min-steps", "0",
                "--recipe", "lstm64",
                "--vocab-size", "200", "--min-count", "1", "--max-length", "20", "--embedding-size", "16",
                "--hidden-size", "16", "--learning-rate", "0.02", "--batch-size", "16", "--validation-fraction", "0.2");
        assertEquals(0, t.code(), t.err());
        Path ens = dir.resolve("ens.zip");
        Run e = run("ensemble", "--data", data.toString(), "--model", ens.toString(), model.toString(), pooled.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("ensemble of 4 networks") && e.out().contains("documents: 24 "), e.out()); // the default's 3 + 1
        Run i = run("inspect", ens.toString());
        assertEquals(0, i.code(), i.err());
        assertTrue(i.out().contains("network:    lstm64-2: NetworkSpec[architecture=lstm-pool.v1")
                && i.out().contains(": OK") && i.out().contains("member:     pooled.zip"), i.out());
        Run ev = run("evaluate", "--model", ens.toString(), "--data", data.toString(), "--held-out",
                "--raw-probabilities");
        assertEquals(0, ev.code(), ev.err());
        String ensTable = e.out().substring(e.out().indexOf("documents:"));
        String evTable = ev.out().substring(ev.out().indexOf("documents:"));
        assertEquals(ensTable.substring(0, ensTable.indexOf("confusion")), evTable.substring(0, evTable.indexOf("confusion")));

        Path otherSplit = dir.resolve("other.zip");
        assertEquals(0, run("train", "--data", data.toString(), "--model", otherSplit.toString(), "--epochs", "1", "--min-steps", "0",
                "--seed", "9", "--vocab-size", "200", "--min-count", "1", "--max-length", "20", "--embedding-size", "16",
                "--hidden-size", "16", "--validation-fraction", "0.2").code());
        Run bad = run("ensemble", "--data", data.toString(), "--model", dir.resolve("bad.zip").toString(), model.toString(),
                otherSplit.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("other.zip") && bad.err().contains("same --data, --seed"), bad.err());
        assertTrue(Files.notExists(dir.resolve("bad.zip")));
    }

    @Test
    void inspectShowsTheBundleAndPassesItsSelfTest() {
        Run r = run("inspect", model.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("labels:     [bad, good, meh]"), r.out());
        assertTrue(r.out().contains("self-test:  3 documents") && r.out().contains(": OK"), r.out());
    }

    @Test
    void unknownOutputExtensionIsAClearError() {
        Run r = run("score", "--model", model.toString(), "--input", data.toString(), "--output",
                dir.resolve("p.txt").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains(".csv") && r.err().contains("--format"), r.err());
    }

    @Test
    void benchTimesTheChosenNetworkAndExportsItsShape() throws Exception {
        Path out = dir.resolve("bench-cnn");
        Run r = run("bench", "--data", data.toString(), "--docs", "120", "--runs", "1", "--synthetic-length", "12",
                "--recipe", "cnn", "--hidden-size", "8", "--export", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("network cnn-pool.v1 (embedding 128, hidden 8, 1 layer(s), maxmean pooling)"), r.out());
        assertTrue(r.out().contains("train imdb (bucketed)") && r.out().contains("score synthetic, dl4j layers"), r.out());
        assertFalse(r.out().contains("fused op"), "no fused LSTM engine for a CNN: " + r.out());
        JsonNode shape = Json.MAPPER.readTree(out.resolve("network.json").toFile());
        assertEquals("cnn-pool.v1", shape.path("architecture").asText());
        assertEquals(8, shape.path("hiddenSize").asInt());
        assertEquals(3, shape.path("kernel").asInt());
        assertEquals(120, Files.readAllLines(out.resolve("imdb.ids")).size());

        Run first = run("bench", "--data", data.toString(), "--docs", "120", "--runs", "1", "--synthetic-length", "12",
                "--only", "score", "--recipe", "lstm");
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("network lstm-last.v1 (embedding 128, hidden 128, 1 layer(s))"), first.out());
        assertTrue(first.out().contains("score imdb, fused op"), first.out());
    }
}
