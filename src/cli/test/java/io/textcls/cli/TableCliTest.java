package io.textcls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.textcls.MultiLabelCorpora;
import io.textcls.TestCorpora;
import io.textcls.TinyTraining;
import io.textcls.classifier.Prediction;
import io.textcls.classifier.TextClassifier;
import io.textcls.corpus.TableColumns;
import io.textcls.corpus.TableCorpus;
import io.textcls.recipe.Recipe;
import io.textcls.recipe.Recipes;
import io.textcls.text.TextPipeline;
import io.textcls.train.Trainer;
import io.textcls.util.Json;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tables through the CLI: train, evaluate and score multi-label tables; bad rows; the formats a table comes in. */
class TableCliTest {
    @TempDir
    static Path dir;
    static Path recipe;
    static Path quickRecipe;
    static List<MultiLabelCorpora.Doc> docs;
    static List<MultiLabelCorpora.Doc> testDocs;
    static Path trainJsonl;
    static Path testJsonl;
    static Path testCsv;
    static Path model;
    static String trainOut;

    /** The CLI as CliTest runs it. */
    static CliTest.Run run(String... args) {
        return CliTest.run(args);
    }

    static Path recipeFile(String name, Recipe r) throws IOException {
        return Files.writeString(dir.resolve(name), Recipes.toJson(r));
    }

    @BeforeAll
    static void trainThroughTheCli() throws Exception {
        recipe = recipeFile("tiny.json", TinyTraining.recipe(6, "networks.0.architecture=lstm-pool.v1"));
        quickRecipe = recipeFile("quick.json", TinyTraining.recipe(2, "networks.0.architecture=lstm-pool.v1"));
        docs = MultiLabelCorpora.documents(300, 31);
        testDocs = MultiLabelCorpora.documents(80, 32);
        trainJsonl = MultiLabelCorpora.write(dir.resolve("train.jsonl"), MultiLabelCorpora.jsonlTable(docs));
        testJsonl = MultiLabelCorpora.write(dir.resolve("test.jsonl"), MultiLabelCorpora.jsonlTable(testDocs));
        testCsv = MultiLabelCorpora.write(dir.resolve("test.csv"), MultiLabelCorpora.csvTable(testDocs));
        model = dir.resolve("m.zip");
        CliTest.Run r = run("train", "--data", trainJsonl.toString(), "--model", model.toString(), "--recipe", recipe.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        trainOut = r.out();
    }

    static JsonNode readJson(Path p) throws IOException {
        return Json.MAPPER.readTree(p.toFile());
    }

    /** The error of a failed run: exit 1, one line on stderr, no stack trace; returns that line. */
    static String oneLineError(CliTest.Run r) {
        assertEquals(1, r.code(), r.out() + r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line: " + r.err());
        assertFalse(err.contains("\tat ") || err.contains("Exception"), "no stack trace: " + r.err());
        assertTrue(err.startsWith("error: "), err);
        return err;
    }

    static List<CSVRecord> readCsv(Path p) throws IOException {
        try (Reader in = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
            return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(in).getRecords();
        }
    }

    static List<String> headerOf(Path csv) throws IOException {
        try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(in).getHeaderNames();
        }
    }

    @Test
    void trainDetectsAMultiLabelTableAndSaysSo() {
        assertTrue(trainOut.contains("task: multi-label"), trainOut);
        assertTrue(trainOut.contains("300 rows, 300 documents kept (multi-label)"), trainOut);
        assertTrue(trainOut.contains("validation micro-F1") || trainOut.contains("micro-F1"), trainOut);
        TextClassifier c = TextClassifier.load(model);
        assertTrue(c.multiLabel());
        assertEquals(MultiLabelCorpora.SORTED, c.labels().names());
    }

    @Test
    void evaluateWritesTheMultiLabelFiguresTheSameForJsonlCsvAndGzip() throws Exception {
        Path report = dir.resolve("r.json");
        CliTest.Run r = run("evaluate", "--model", model.toString(), "--data", testJsonl.toString(), "--report",
                report.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode json = readJson(report);
        assertEquals(80, json.path("documents").asInt(), json.toString());
        for (String f : List.of("microF1", "macroF1", "samplesF1", "subsetAccuracy", "hammingLoss")) {
            assertTrue(json.path(f).isNumber(), f + " in " + json);
            double v = json.path(f).asDouble();
            assertTrue(v >= 0 && v <= 1, f + " = " + v);
        }
        assertTrue(json.path("microF1").asDouble() >= 0.8, json.toString());
        assertEquals(3, json.path("thresholds").size(), json.toString());
        // The same figures the Java API gives: micro-F1 of the predicted sets against the true ones.
        TextClassifier c = TextClassifier.load(model);
        List<Prediction> preds = c.classifyAll(testDocs.stream().map(MultiLabelCorpora.Doc::text).toList());
        long tp = 0, fp = 0, fn = 0, exact = 0;
        for (int i = 0; i < preds.size(); i++) {
            List<String> want = testDocs.get(i).labels();
            List<String> got = preds.get(i).predictedLabels();
            tp += got.stream().filter(want::contains).count();
            fp += got.stream().filter(l -> !want.contains(l)).count();
            fn += want.stream().filter(l -> !got.contains(l)).count();
            exact += want.equals(got) ? 1 : 0;
        }
        assertEquals(2.0 * tp / (2 * tp + fp + fn), json.path("microF1").asDouble(), 1e-9, json.toString());
        assertEquals(exact / 80.0, json.path("subsetAccuracy").asDouble(), 1e-9, json.toString());
        assertEquals((fp + fn) / 240.0, json.path("hammingLoss").asDouble(), 1e-9, json.toString());

        Path csvReport = dir.resolve("r-csv.json");
        CliTest.Run fromCsv = run("evaluate", "--model", model.toString(), "--data", testCsv.toString(), "--report",
                csvReport.toString());
        assertEquals(0, fromCsv.code(), fromCsv.err());
        assertEquals(json, readJson(csvReport), "the CSV form of the same table gives the same report");

        Path gz = MultiLabelCorpora.write(dir.resolve("test.jsonl.gz"), MultiLabelCorpora.jsonlTable(testDocs));
        Path gzReport = dir.resolve("r-gz.json");
        CliTest.Run fromGz = run("evaluate", "--model", model.toString(), "--data", gz.toString(), "--report",
                gzReport.toString());
        assertEquals(0, fromGz.code(), fromGz.err());
        assertEquals(json, readJson(gzReport), "the gzipped table gives the same report");

        StringBuilder tsv = new StringBuilder("text\tlabels\n");
        testDocs.forEach(d -> tsv.append(d.text()).append('\t').append(String.join("|", d.labels())).append('\n'));
        Path tsvFile = MultiLabelCorpora.write(dir.resolve("test.tsv"), tsv.toString());
        Path tsvReport = dir.resolve("r-tsv.json");
        CliTest.Run fromTsv = run("evaluate", "--model", model.toString(), "--data", tsvFile.toString(), "--report",
                tsvReport.toString());
        assertEquals(0, fromTsv.code(), fromTsv.err());
        assertEquals(json, readJson(tsvReport), "the TSV form gives the same report");
    }

    @Test
    void evaluatingAMultiLabelClassifierOnAFolderIsAClearError() throws Exception {
        Path folder = TestCorpora.write(dir.resolve("folder"), 3, 1);
        String err = oneLineError(run("evaluate", "--model", model.toString(), "--data", folder.toString()));
        assertTrue(err.contains("multi-label"), err);
    }

    @Test
    void evaluateHeldOutReproducesTheFiguresTheThresholdsWereFittedOn() throws Exception {
        Path report = dir.resolve("held-out.json");
        CliTest.Run r = run("evaluate", "--model", model.toString(), "--data", trainJsonl.toString(), "--held-out", "--report",
                report.toString());
        assertEquals(0, r.code(), r.err());
        TextClassifier c = TextClassifier.load(model);
        JsonNode mixing = Json.MAPPER.valueToTree(c.card().result().ensembleWeights());
        JsonNode json = readJson(report);
        assertEquals(c.card().corpus().validationDocuments(), json.path("documents").asInt());
        assertEquals(mixing.path("fittedMicroF1").asDouble(), json.path("microF1").asDouble(), 1e-9,
                mixing + " vs " + json);
    }

    @Test
    void scoreWritesTheLabelSetAsAColumnAndAsAnArray() throws Exception {
        TextClassifier c = TextClassifier.load(model);
        List<Prediction> want = c.classifyAll(testDocs.stream().map(MultiLabelCorpora.Doc::text).toList());
        Path csvOut = dir.resolve("p.csv");
        CliTest.Run r = run("score", "--model", model.toString(), "--input", testCsv.toString(), "--text-column", "text",
                "--output", csvOut.toString());
        assertEquals(0, r.code(), r.err());
        List<String> header = headerOf(csvOut);
        assertEquals(List.of("id", "label", "labels", "p_money", "p_sport", "p_weather"), header.subList(0, 6),
                header.toString());
        List<CSVRecord> rows = readCsv(csvOut);
        assertEquals(80, rows.size());
        int twoLabels = 0;
        for (int i = 0; i < rows.size(); i++) {
            Prediction p = want.get(i);
            assertEquals(String.join("|", p.predictedLabels()), rows.get(i).get("labels"), "row " + i);
            assertEquals(p.label(), rows.get(i).get("label"), "row " + i);
            assertEquals(p.probability("sport"), Float.parseFloat(rows.get(i).get("p_sport")), 1e-5);
            twoLabels += p.predictedLabels().size() == 2 ? 1 : 0;
        }
        assertTrue(twoLabels > 10, "several rows get two labels: " + twoLabels);

        Path jsonlOut = dir.resolve("p.jsonl");
        CliTest.Run j = run("score", "--model", model.toString(), "--input", testCsv.toString(), "--text-column", "text",
                "--output", jsonlOut.toString());
        assertEquals(0, j.code(), j.err());
        List<String> lines = Files.readAllLines(jsonlOut);
        assertEquals(80, lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode n = Json.MAPPER.readTree(lines.get(i));
            assertTrue(n.path("labels").isArray(), lines.get(i));
            List<String> got = new ArrayList<>();
            n.path("labels").forEach(x -> got.add(x.asText()));
            assertEquals(want.get(i).predictedLabels(), got, lines.get(i));
            assertEquals(3, n.path("probabilities").size(), lines.get(i));
        }
    }

    /** Trains on a bad table and returns the error line, checking it names the file, the line and the reason. */
    static String badTable(String name, String content, String line, String reason, String... more) throws Exception {
        Path table = MultiLabelCorpora.write(dir.resolve("bad/" + name), content);
        Path m = dir.resolve("bad/" + name + ".zip");
        List<String> args = new ArrayList<>(List.of("train", "--data", table.toString(), "--model", m.toString(),
                "--recipe", quickRecipe.toString()));
        args.addAll(List.of(more));
        String err = oneLineError(run(args.toArray(String[]::new)));
        assertTrue(err.contains(table.toString()), "names the file: " + err);
        if (line != null) {
            assertTrue(err.contains(", line " + line + ":"), "names line " + line + ": " + err);
        }
        assertTrue(err.contains(reason), "says why (" + reason + "): " + err);
        assertFalse(Files.exists(m), "no bundle");
        return err;
    }

    static String jsonl(String text, String... labels) {
        return MultiLabelCorpora.jsonl(new MultiLabelCorpora.Doc(text, List.of(labels))) + "\n";
    }

    /** Good rows, enough to train on. */
    static String goodJsonl(int n) {
        return MultiLabelCorpora.jsonlTable(docs.subList(0, n));
    }

    @Test
    void invalidJsonLineIsAnErrorNamingTheLine() throws Exception {
        badTable("json.jsonl", jsonl("the team and the coach", "sport") + jsonl("the bank loan", "money")
                + "{\"text\": \"the rain\", \"labels\": [\"weather\"\n" + goodJsonl(20), "3", "not valid JSON");
    }

    @Test
    void aRowWithTooManyFieldsIsAnErrorNamingTheLine() throws Exception {
        String csv = "text,labels\nthe team and the coach,sport\nthe bank,money,extra\nthe rain,weather\n";
        badTable("fields.csv", csv, "3", "the row has 3 fields, the header has 2");
    }

    @Test
    void emptyLabelInASingleLabelTableIsAnErrorNamingTheLine() throws Exception {
        String csv = "text,label\nthe team and the coach,sport\nthe bank loan,money\nthe storm and the rain,\n"
                + "the snow,weather\n";
        badTable("empty-label.csv", csv, "4", "empty label");
    }

    @Test
    void labelNotAskedForIsAnErrorNamingTheLine() throws Exception {
        String csv = "text,label\nthe team and the coach,sport\nthe bank loan,money\nthe storm and the rain,weather\n";
        badTable("unknown-label.csv", csv, "4", "label 'weather' is not one of the labels asked for", "--labels",
                "money,sport");
    }

    @Test
    void wrongFieldCountIsAnErrorNamingTheLine() throws Exception {
        String csv = "text,labels\nthe team and the coach,sport\nthe bank loan,money,extra\nthe rain,weather\n";
        badTable("fields.csv", csv, "3", "the row has 3 fields, the header has 2");
    }

    @Test
    void duplicateIdIsAnErrorNamingBothLines() throws Exception {
        String csv = "id,text,labels\na,the team and the coach,sport\nb,the bank loan,money\na,the rain,weather\n";
        String err = badTable("dup.csv", csv, "4", "id 'a' is already used by the row on line 2", "--id-column", "id");
        assertTrue(err.contains("--skip-bad-rows"), "says how to go on: " + err);
    }

    @Test
    void aBadRowAfterAQuotedNewlineInACrlfTableIsNamedByItsPhysicalLine() throws Exception {
        String csv = "text,labels\r\nthe team and the coach,sport\r\n\"the bank\nloan\",money\r\n\"the\",rain,weather\r\n";
        badTable("crlf.csv", csv, "5", "the row has 3 fields");
    }

    @Test
    void missingColumnNamesTheColumnsTheTableHas() throws Exception {
        String err = badTable("columns.jsonl", goodJsonl(10), null, "has no text column 'body'", "--text-column",
                "body");
        assertTrue(err.contains("[text, labels]"), "lists the columns it has: " + err);
        Path csv = MultiLabelCorpora.write(dir.resolve("bad/columns.csv"), MultiLabelCorpora.csvTable(docs.subList(0, 10)));
        String err2 = oneLineError(run("train", "--data", csv.toString(), "--model", dir.resolve("bad/c.zip").toString(),
                "--recipe", quickRecipe.toString(), "--label-column", "topics"));
        assertTrue(err2.contains(csv.toString()) && err2.contains("no label column 'topics'")
                && err2.contains("[text, labels]"), err2);
    }

    @Test
    void skipBadRowsTrainsAndListsTheSkippedRows() throws Exception {
        StringBuilder t = new StringBuilder();
        List<String> expectedLines = new ArrayList<>();
        int line = 0;
        int good = 0;
        for (int i = 0; i < 120; i++) {
            MultiLabelCorpora.Doc d = docs.get(i);
            String row = "{\"id\": \"d" + i + "\", \"text\": " + Json.MAPPER.writeValueAsString(d.text()) + ", \"labels\": "
                    + MultiLabelCorpora.compact(d.labels()) + "}\n";
            t.append(row);
            line++;
            good++;
            switch (i) {
                case 10 -> {
                    t.append("{\"id\": \"x1\", \"text\": \"the team\", \"labels\": [\n"); // not JSON
                    expectedLines.add(++line + ",x1?,not valid JSON");
                }
                case 20 -> {
                    t.append("{\"id\": \"x2\", \"text\": 7, \"labels\": [\"sport\"]}\n");
                    expectedLines.add(++line + ",x2,the text field 'text' is a number, not a string");
                }
                case 30 -> {
                    t.append("{\"id\": \"d5\", \"text\": \"the bank\", \"labels\": [\"money\"]}\n");
                    expectedLines.add(++line + ",d5,already used by the row on line 6");
                }
                case 40 -> {
                    t.append("[1, 2]\n");
                    expectedLines.add(++line + ",,not a JSON object");
                }
                default -> {
                }
            }
        }
        Path table = MultiLabelCorpora.write(dir.resolve("skip.jsonl"), t.toString());
        Path m = dir.resolve("skip.zip");
        CliTest.Run r = run("train", "--data", table.toString(), "--model", m.toString(), "--recipe", quickRecipe.toString(),
                "--id-column", "id", "--skip-bad-rows");
        assertEquals(0, r.code(), r.err() + r.out());
        Path list = Trainer.skippedRowsFile(m);
        assertEquals(dir.resolve("skip.zip.skipped.csv"), list);
        assertTrue(Files.exists(list), r.out());
        assertTrue(r.out().contains("4 skipped rows are listed in " + list), r.out());
        assertEquals(List.of("line", "id", "reason"), headerOf(list));
        List<CSVRecord> rows = readCsv(list);
        assertEquals(expectedLines.size(), rows.size(), rows.toString());
        for (int k = 0; k < rows.size(); k++) {
            String[] want = expectedLines.get(k).split(",", 3);
            assertEquals(want[0], rows.get(k).get("line"), rows.get(k).toString());
            if (!want[1].endsWith("?")) {
                assertEquals(want[1], rows.get(k).get("id"), rows.get(k).toString());
            }
            assertTrue(rows.get(k).get("reason").contains(want[2]), rows.get(k).toString());
        }
        TextClassifier c = TextClassifier.load(m);
        assertTrue(c.multiLabel());
        JsonNode corpus = Json.MAPPER.valueToTree(c.card().corpus());
        assertEquals(4, corpus.path("skippedRows").asInt(), corpus.toString());
        assertEquals(good, corpus.path("trainingDocuments").asInt() + corpus.path("validationDocuments").asInt(),
                corpus.toString());
    }

    @Test
    void wideFormatWithLabelColumnsTrains() throws Exception {
        Path wide = MultiLabelCorpora.write(dir.resolve("wide.csv"), MultiLabelCorpora.wideCsvTable(docs));
        Path m = dir.resolve("wide.zip");
        CliTest.Run r = run("train", "--data", wide.toString(), "--model", m.toString(), "--recipe", quickRecipe.toString(),
                "--label-columns", "weather,sport");
        assertEquals(0, r.code(), r.err() + r.out());
        TextClassifier c = TextClassifier.load(m);
        assertTrue(c.multiLabel());
        assertEquals(List.of("weather", "sport"), c.labels().names(), "the label columns asked for, in that order");
        assertEquals(Recipe.MULTI_LABEL, c.card().corpus().task());
        // The same table evaluated the same way.
        CliTest.Run e = run("evaluate", "--model", m.toString(), "--data", wide.toString(), "--label-columns", "weather,sport");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("documents: 300"), e.out());
        // A long-format option beside the wide one is refused with a clear message.
        String err = oneLineError(run("train", "--data", wide.toString(), "--model", dir.resolve("w2.zip").toString(),
                "--recipe", quickRecipe.toString(), "--label-columns", "weather", "--label-column", "labels"));
        assertTrue(err.contains("--label-column and --label-columns"), err);
    }

    @Test
    void aGzippedTableTrainsOnTheSameDocuments() throws Exception {
        Path gz = MultiLabelCorpora.write(dir.resolve("train.jsonl.gz"), MultiLabelCorpora.jsonlTable(docs));
        Path m = dir.resolve("gz.zip");
        CliTest.Run r = run("train", "--data", gz.toString(), "--model", m.toString(), "--recipe", quickRecipe.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        TextClassifier c = TextClassifier.load(m);
        TextClassifier plain = TextClassifier.load(model);
        assertTrue(c.multiLabel());
        assertEquals(plain.card().corpus().fingerprint(), c.card().corpus().fingerprint());
        assertEquals(plain.card().corpus().validationIds(), c.card().corpus().validationIds());
    }

    @Test
    void aCsvWithByteOrderMarkCrlfAndAQuotedNewlineTrains() throws Exception {
        List<MultiLabelCorpora.Doc> some = new ArrayList<>(docs.subList(0, 150));
        some.set(3, new MultiLabelCorpora.Doc("the team and\nthe coach, of the league", List.of("sport")));
        String clean = MultiLabelCorpora.csvTable(some);
        assertTrue(clean.contains("\"the team and\nthe coach, of the league\""), "the newline is quoted");
        // CRLF between rows only: the quoted newline stays a bare LF, as in the clean table.
        StringBuilder crlf = new StringBuilder("\uFEFF");
        boolean quoted = false;
        for (char ch : clean.toCharArray()) {
            if (ch == '"') {
                quoted = !quoted;
            }
            crlf.append(ch == '\n' && !quoted ? "\r\n" : String.valueOf(ch));
        }
        Path windows = MultiLabelCorpora.write(dir.resolve("windows.csv"), crlf.toString());
        Path plainCsv = MultiLabelCorpora.write(dir.resolve("plain.csv"), clean);
        Path m = dir.resolve("windows.zip");
        CliTest.Run r = run("train", "--data", windows.toString(), "--model", m.toString(), "--recipe", quickRecipe.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("150 rows, 150 documents kept (multi-label)"), r.out());
        TextClassifier c = TextClassifier.load(m);
        assertEquals(MultiLabelCorpora.SORTED, c.labels().names(), "no BOM or CR left in a name");
        // The same documents as the plain LF table without a BOM.
        Recipe tiny = Recipes.load(quickRecipe);
        TableCorpus.Loaded loaded = TableCorpus.open(plainCsv, TableColumns.defaults())
                .load(new TextPipeline(tiny.text().pipeline()), 1, List.of(), null, false, null);
        assertEquals(loaded.corpus().stats().fingerprint(), c.card().corpus().fingerprint());
    }

    @Test
    void anEnsembleOfMultiLabelBundlesIsBuiltOrClearlyRefused() throws Exception {
        Path nbRecipe = recipeFile("nb.json", TinyTraining.recipe(1, "networks.0.architecture=ngram-nb.v1",
                "networks.0.hiddenSize=4096", "networks.0.name=nb"));
        Path nb = dir.resolve("nb.zip");
        CliTest.Run t = run("train", "--data", trainJsonl.toString(), "--model", nb.toString(), "--recipe", nbRecipe.toString());
        assertEquals(0, t.code(), t.err() + t.out());
        Path e = dir.resolve("ens.zip");
        CliTest.Run r = run("ensemble", "--data", trainJsonl.toString(), "--model", e.toString(), model.toString(),
                nb.toString());
        if (r.code() == 0) {
            TextClassifier c = TextClassifier.load(e);
            assertTrue(c.multiLabel(), "an ensemble of multi-label networks is multi-label");
            assertEquals(2, c.members().size());
        } else {
            String err = oneLineError(r);
            assertTrue(err.contains("multi-label"), err);
        }
    }

    @Test
    void aValidationTableIsWhatTheThresholdsAreFittedOn() throws Exception {
        Path m = dir.resolve("with-val.zip");
        CliTest.Run r = run("train", "--data", trainJsonl.toString(), "--validation", testCsv.toString(), "--model",
                m.toString(), "--recipe", quickRecipe.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("split: 300 training, 80 validation documents"), r.out());
        TextClassifier c = TextClassifier.load(m);
        assertTrue(c.multiLabel());
        Path report = dir.resolve("with-val.json");
        CliTest.Run e = run("evaluate", "--model", m.toString(), "--data", testJsonl.toString(), "--report", report.toString());
        assertEquals(0, e.code(), e.err());
        JsonNode mixing = Json.MAPPER.valueToTree(c.card().result().ensembleWeights());
        assertEquals(mixing.path("fittedMicroF1").asDouble(), readJson(report).path("microF1").asDouble(), 1e-9,
                mixing.toString());
        String err = oneLineError(run("evaluate", "--model", m.toString(), "--data", trainJsonl.toString(),
                "--held-out"));
        assertTrue(err.contains("--validation"), err);
    }

    @Test
    void evaluateStopsAtABadRowOrSkipsAndCountsIt() throws Exception {
        String t = MultiLabelCorpora.jsonlTable(testDocs.subList(0, 30)) + "{\"labels\": [\"sport\"]}\n"
                + MultiLabelCorpora.jsonlTable(testDocs.subList(30, 40));
        Path table = MultiLabelCorpora.write(dir.resolve("eval-bad.jsonl"), t);
        String err = oneLineError(run("evaluate", "--model", model.toString(), "--data", table.toString()));
        assertTrue(err.contains(table + ", line 31: no text: field 'text' is missing"), err);
        Path report = dir.resolve("eval-bad.json");
        CliTest.Run r = run("evaluate", "--model", model.toString(), "--data", table.toString(), "--skip-bad-rows", "--report",
                report.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("1 bad rows skipped") && r.out().contains("line 31"), r.out());
        assertEquals(40, readJson(report).path("documents").asInt());
    }
}
