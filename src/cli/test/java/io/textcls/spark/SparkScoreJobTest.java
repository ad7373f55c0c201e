package io.textcls.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.textcls.MultiLabelCorpora;
import io.textcls.TestCorpora;
import io.textcls.TextclsException;
import io.textcls.classifier.Prediction;
import io.textcls.classifier.TextClassifier;
import io.textcls.cli.Main;
import io.textcls.score.BatchScorer;
import io.textcls.score.OutputFormat;
import io.textcls.score.ScoreOptions;
import io.textcls.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.spark.SparkConf;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job on a local session with 2 cores (and 2 attempts per task): its rows equal
 * {@code score}'s for a folder and for a Parquet (and CSV/JSONL) table whatever the partitioning,
 * bad documents go to the errors output, a partition that fails once is retried with a complete
 * output and no duplicate, a multi-label bundle's label sets are score's, and a corrupt bundle
 * fails on the driver, before any Spark job, with {@code inspect}'s message.
 */
class SparkScoreJobTest {
    @TempDir
    static Path dir;
    static SparkSession spark;
    static Path model;
    static Path data;
    static final AtomicInteger JOBS = new AtomicInteger();
    static final AtomicInteger FAILED_TASKS = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        model = dir.resolve("ensemble.zip");
        try (InputStream in = SparkScoreJobTest.class.getResourceAsStream("/golden/format3-ensemble.zip")) {
            Files.copy(in, model);
        }
        data = TestCorpora.write(dir.resolve("data"), 60, 5); // 180 documents
        Files.write(data.resolve("good/binary.txt"), new byte[] {'a', 0, 'b'});
        Files.write(data.resolve("good/latin1.txt"), "caf\u00e9 great".getBytes(StandardCharsets.ISO_8859_1));
        Files.writeString(data.resolve("bad/empty.txt"), "");
        Files.writeString(data.resolve("bad/long.txt"), "terrible awful ".repeat(200));
        Files.writeString(data.resolve("bad/.hidden.txt"), "x");
        Files.writeString(data.resolve("bad/notes.md"), "x");
        spark = SparkSession.builder().config(new SparkConf().setMaster("local[2,2]").setAppName("test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1").set("spark.sql.shuffle.partitions", "4")).getOrCreate();
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart e) {
                JOBS.incrementAndGet();
            }

            @Override
            public void onTaskEnd(SparkListenerTaskEnd e) {
                if (!e.taskInfo().successful()) {
                    FAILED_TASKS.incrementAndGet();
                }
            }
        });
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    static JobOptions job(String input, Path out, int partitions, String textColumn, String idColumn) {
        return new JobOptions(model.toString(), input, out.toString(), null, null, "*.txt", textColumn, idColumn, 1,
                null, 1000, 16, partitions, false);
    }

    /** score's output for the same input and options (chunks of 16, top-1, 1,000 bytes). */
    static Path score(String input, String name, String textColumn, String idColumn) throws IOException {
        Path out = dir.resolve(name);
        ScoreOptions o = new ScoreOptions(input, out, OutputFormat.of(out), "*.txt", textColumn, idColumn, 1, null, 2,
                16, 1000, false);
        BatchScorer.score(TextClassifier.load(model), model, o, InputStream.nullInputStream());
        return out;
    }

    static List<Map<String, String>> csv(Path file) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file)) {
            for (CSVRecord rec : CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
                rows.add(new LinkedHashMap<>(rec.toMap()));
            }
        }
        return rows;
    }

    /** The rows of a folder of CSV part files, in part order. */
    static List<Map<String, String>> csvParts(Path folder) throws IOException {
        assertTrue(Files.exists(folder.resolve("_SUCCESS")), "committed: " + folder);
        List<Map<String, String>> rows = new ArrayList<>();
        for (Path p : parts(folder, ".csv")) {
            rows.addAll(csv(p));
        }
        return rows;
    }

    static List<Path> parts(Path folder, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().startsWith("part-") && p.toString().endsWith(suffix))
                    .sorted().toList();
        }
    }

    static List<String> lines(Path folder, String suffix) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path p : parts(folder, suffix)) {
            out.addAll(Files.readAllLines(p));
        }
        return out;
    }

    @Test
    void aFolderIsScoredAsScoreDoesWhateverThePartitioning() throws Exception {
        Path ref = score(data.toString(), "ref.csv", null, null);
        List<Map<String, String>> want = csv(ref);
        assertTrue(want.size() > 150, "rows: " + want.size());
        for (int partitions : new int[] {1, 5}) {
            Path out = dir.resolve("folder-" + partitions + ".csv");
            SparkScorer.Summary s = SparkScorer.run(spark, job(data.toString(), out, partitions, null, null));
            assertEquals(want, csvParts(out), "partitions " + partitions);
            assertEquals(want.size(), s.scored());
            assertEquals(2, s.skipped()); // .hidden.txt, notes.md
            // The binary file is the one error, as in score's errors file.
            assertEquals(csv(BatchScorer.errorsFile(ref)), csvParts(Path.of(s.errorsOutput())));
            assertEquals(1, s.failed());
        }
        Map<String, String> latin1 = want.stream().filter(r -> r.get("id").equals("good/latin1.txt")).findFirst()
                .orElseThrow();
        assertEquals("malformed-utf8:1", latin1.get("flags"));
        Map<String, String> longDoc = want.stream().filter(r -> r.get("id").equals("bad/long.txt")).findFirst()
                .orElseThrow();
        assertEquals("cut-at-bytes:1000", longDoc.get("flags"));

        // JSONL: score's JSONL objects, line for line.
        Path refJson = score(data.toString(), "ref.jsonl", null, null);
        Path outJson = dir.resolve("folder.jsonl");
        SparkScorer.run(spark, job(data.toString(), outJson, 3, null, null));
        List<JsonNode> wantJson = new ArrayList<>();
        for (String l : Files.readAllLines(refJson)) {
            wantJson.add(Json.MAPPER.readTree(l));
        }
        List<JsonNode> gotJson = new ArrayList<>();
        for (String l : lines(outJson, ".json")) {
            gotJson.add(Json.MAPPER.readTree(l));
        }
        assertEquals(wantJson, gotJson);
    }

    @Test
    void theBundleTravelsAsABroadcastAndIsLoadedOncePerJvm() throws Exception {
        Path other = dir.resolve("lstm-pool.zip"); // a bundle this JVM has not seen yet
        try (InputStream in = SparkScoreJobTest.class.getResourceAsStream("/golden/format3-lstm-pool.zip")) {
            Files.copy(in, other);
        }
        Path ref = dir.resolve("ref-broadcast.csv");
        BatchScorer.score(TextClassifier.load(other), other, new ScoreOptions(data.toString(), ref, OutputFormat.CSV,
                "*.txt", null, null, 0, null, 2, 16, 1000, false), InputStream.nullInputStream());
        int loadsBefore = BundleCache.loads();
        System.setProperty(SparkScorer.BROADCAST_PROPERTY, "true"); // the cluster's path on a local master
        try {
            for (int run = 0; run < 2; run++) {
                Path out = dir.resolve("broadcast-" + run + ".csv");
                SparkScorer.run(spark, new JobOptions(other.toString(), data.toString(), out.toString(), null, null,
                        "*.txt", null, null, 0, null, 1000, 16, 6, false));
                assertEquals(csv(ref), csvParts(out));
            }
        } finally {
            System.clearProperty(SparkScorer.BROADCAST_PROPERTY);
        }
        assertEquals(1, BundleCache.loads() - loadsBefore, "12 tasks in two jobs, one load in this JVM");
    }

    /** Table rows: JSONL for score, the same rows as one Parquet file and as CSV for the job. */
    @Test
    void aParquetTableIsScoredAsScoreScoresTheSameTable() throws Exception {
        java.util.Random r = new java.util.Random(3);
        Path jsonl = dir.resolve("table.jsonl");
        List<Row> rows = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            String text = i == 7 ? null : i == 9 ? "" : TestCorpora.document(r, i % 3);
            String id = "doc-" + (1000 - i);
            rows.add(RowFactory.create(id, text));
            ObjectNode n = Json.MAPPER.createObjectNode().put("id", id);
            if (text != null) {
                n.put("text", text);
            }
            sb.append(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(n)).append('\n');
        }
        Files.writeString(jsonl, sb.toString());
        Path parquet = dir.resolve("table.parquet");
        StructType schema = new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType);
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(parquet.toString());

        Map<String, Map<String, String>> want = byId(csv(score(jsonl.toString(), "table-ref.csv", "text", "id")));
        Map<String, Map<String, String>> wantErrors = byId(csv(BatchScorer.errorsFile(dir.resolve("table-ref.csv"))));
        assertEquals(119, want.size());
        assertEquals(1, wantErrors.size());

        Path out = dir.resolve("scored.parquet");
        SparkScorer.Summary s = SparkScorer.run(spark, job(parquet.toString(), out, 3, "text", "id"));
        assertEquals(119, s.scored());
        Map<String, Map<String, String>> got = new LinkedHashMap<>();
        List<String> columns = List.of(spark.read().parquet(out.toString()).columns());
        assertEquals(List.of("id", "label", "p_bad", "p_good", "p_meh", "tokens", "truncated", "flags", "top1",
                "p_top1"), columns);
        for (Row row : spark.read().parquet(out.toString()).collectAsList()) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int k = 0; k < columns.size(); k++) {
                m.put(columns.get(k), String.valueOf(row.get(k)));
            }
            got.put(m.get("id"), m);
        }
        assertEquals(want, got);
        // The null text is an error row; its message says which row (as score's "has no string field" does for JSONL).
        assertEquals(wantErrors.keySet(), byId(csvParts(Path.of(s.errorsOutput()))).keySet());

        // The same JSONL file through the job's CSV/JSONL reader: score's rows and errors exactly.
        Path outJ = dir.resolve("table-job.csv");
        SparkScorer.Summary sj = SparkScorer.run(spark, job(jsonl.toString(), outJ, 4, "text", "id"));
        assertEquals(want, byId(csvParts(outJ)));
        assertEquals(wantErrors, byId(csvParts(Path.of(sj.errorsOutput()))));
    }

    static Map<String, Map<String, String>> byId(List<Map<String, String>> rows) {
        Map<String, Map<String, String>> m = new LinkedHashMap<>();
        for (Map<String, String> r : rows) {
            assertEquals(null, m.put(r.get("id"), r), "duplicate id " + r.get("id"));
        }
        return m;
    }

    /**
     * A multi-label bundle trained here: a CSV table scored by the job into CSV, Parquet and JSONL
     * has score's rows, its labels column included, and each row's set is the classifier's own;
     * --threshold is refused as score refuses it.
     */
    @Test
    void aMultiLabelBundleWritesScoresLabelSets() throws Exception {
        Path ml = MultiLabelCorpora.trainTiny(dir.resolve("ml-train.jsonl"), dir.resolve("ml.zip"));
        TextClassifier classifier = TextClassifier.load(ml);
        assertTrue(classifier.multiLabel());

        // A table of id,text: texts with no, one, two and three labels' words, one with none at all.
        Random r = new Random(12);
        List<List<String>> table = new ArrayList<>();
        Map<String, String> texts = new LinkedHashMap<>();
        for (int i = 0; i < 70; i++) {
            List<Integer> set = new ArrayList<>();
            for (int l = 0; l < 3; l++) {
                if (r.nextInt(2) == 0) {
                    set.add(l);
                }
            }
            String text = i == 5 ? "<br /><br />" : MultiLabelCorpora.text(r, set);
            texts.put("ml-" + i, text);
            table.add(List.of("ml-" + i, text));
        }
        Path csvIn = MultiLabelCorpora.write(dir.resolve("ml-table.csv"),
                MultiLabelCorpora.csv(List.of("id", "text"), table));

        Path refCsv = dir.resolve("ml-ref.csv");
        Path refJson = dir.resolve("ml-ref.jsonl");
        for (Path ref : List.of(refCsv, refJson)) {
            BatchScorer.score(classifier, ml, new ScoreOptions(csvIn.toString(), ref, OutputFormat.of(ref), "*.txt",
                    "text", "id", 1, null, 2, 16, 1000, false), InputStream.nullInputStream());
        }
        Map<String, Map<String, String>> want = byId(csv(refCsv));
        assertEquals(70, want.size());
        assertEquals("labels", new ArrayList<>(want.get("ml-0").keySet()).get(2), "score writes labels after label");
        int withTwo = 0;
        for (Map.Entry<String, String> e : texts.entrySet()) {
            Prediction p = classifier.classify(e.getValue());
            assertEquals(String.join("|", p.predictedLabels()), want.get(e.getKey()).get("labels"), e.getKey());
            withTwo += p.predictedLabels().size() >= 2 ? 1 : 0;
        }
        assertTrue(withTwo >= 3, "several documents get two labels or more: " + withTwo);

        // CSV: score's rows, the labels joined by "|".
        Path outCsv = dir.resolve("ml-job.csv");
        SparkScorer.Summary s = SparkScorer.run(spark, mlJob(ml, csvIn, outCsv, 3, null));
        assertEquals(70, s.scored());
        assertEquals(0, s.failed());
        assertEquals(classifier.labels().names(), new ArrayList<>(s.labelCounts().keySet()));
        List<Map<String, String>> gotCsv = csvParts(outCsv);
        assertEquals(List.copyOf(want.get("ml-0").keySet()), List.copyOf(gotCsv.get(0).keySet()));
        assertEquals(want, byId(gotCsv));

        // Parquet: the labels an array<string> column after label; every other column as score's text.
        Path outParquet = dir.resolve("ml-job.parquet");
        SparkScorer.run(spark, mlJob(ml, csvIn, outParquet, 2, null));
        org.apache.spark.sql.Dataset<Row> read = spark.read().parquet(outParquet.toString());
        List<String> columns = List.of(read.columns());
        List<String> names = classifier.labels().names();
        List<String> wantColumns = new ArrayList<>(List.of("id", "label", "labels"));
        names.forEach(l -> wantColumns.add("p_" + l));
        wantColumns.addAll(List.of("tokens", "truncated", "flags", "top1", "p_top1"));
        assertEquals(wantColumns, columns);
        // (Spark reads every Parquet column back as nullable.)
        assertEquals(DataTypes.createArrayType(DataTypes.StringType, true), read.schema().apply("labels").dataType());
        Map<String, Map<String, String>> gotParquet = new LinkedHashMap<>();
        for (Row row : read.collectAsList()) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int k = 0; k < columns.size(); k++) {
                m.put(columns.get(k), columns.get(k).equals("labels") ? String.join("|", row.<String>getList(k))
                        : String.valueOf(row.get(k)));
            }
            assertEquals(classifier.classify(texts.get(m.get("id"))).predictedLabels(),
                    row.getList(columns.indexOf("labels")), m.get("id"));
            gotParquet.put(m.get("id"), m);
        }
        assertEquals(want, gotParquet);

        // JSONL: score's objects, a labels array after label.
        Path outJson = dir.resolve("ml-job.jsonl");
        SparkScorer.run(spark, mlJob(ml, csvIn, outJson, 4, null));
        Map<String, JsonNode> wantJson = new LinkedHashMap<>();
        for (String l : Files.readAllLines(refJson)) {
            JsonNode n = Json.MAPPER.readTree(l);
            wantJson.put(n.path("id").asText(), n);
        }
        Map<String, JsonNode> gotJson = new LinkedHashMap<>();
        for (String l : lines(outJson, ".json")) {
            JsonNode n = Json.MAPPER.readTree(l);
            assertEquals(List.of("id", "label", "labels"), fieldNames(n).subList(0, 3), l);
            assertTrue(n.path("labels").isArray(), l);
            assertEquals(null, gotJson.put(n.path("id").asText(), n));
        }
        assertEquals(wantJson, gotJson);

        // --threshold is for two-label classifiers: refused before any Spark job, in one line on the command line.
        spark.sparkContext().listenerBus().waitUntilEmpty();
        int jobsBefore = JOBS.get();
        Path never = dir.resolve("ml-never.csv");
        TextclsException e = assertThrows(TextclsException.class,
                () -> SparkScorer.run(spark, mlJob(ml, csvIn, never, 2, 0.5)));
        assertTrue(e.getMessage().startsWith("--threshold is for two-label classifiers; " + ml + " is multi-label"),
                e.getMessage());
        spark.sparkContext().listenerBus().waitUntilEmpty();
        assertEquals(jobsBefore, JOBS.get(), "no Spark job ran");
        StringWriter jobErr = new StringWriter();
        int code = ScoreJob.commandLine().setErr(new PrintWriter(jobErr)).execute("--model", ml.toString(),
                "--input", csvIn.toString(), "--text-column", "text", "--output", never.toString(), "--threshold",
                "0.5", "--master", "local[1]");
        assertEquals(1, code);
        assertEquals("error: " + e.getMessage(), jobErr.toString().strip());
        assertFalse(Files.exists(never));
    }

    static JobOptions mlJob(Path bundle, Path input, Path out, int partitions, Double threshold) {
        return new JobOptions(bundle.toString(), input.toString(), out.toString(), null, null, "*.txt", "text", "id",
                1, threshold, 1000, 16, partitions, false);
    }

    static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void aPartitionThatFailsOnceIsRetriedAndTheOutputIsComplete() throws Exception {
        List<Map<String, String>> want = csv(score(data.toString(), "ref-retry.csv", null, null));
        Path out = dir.resolve("retried.csv");
        int failedBefore = FAILED_TASKS.get();
        System.setProperty(PartitionScorer.FAIL_ONCE_PROPERTY, "1");
        try {
            SparkScorer.run(spark, job(data.toString(), out, 3, null, null));
        } finally {
            System.clearProperty(PartitionScorer.FAIL_ONCE_PROPERTY);
        }
        spark.sparkContext().listenerBus().waitUntilEmpty();
        assertTrue(FAILED_TASKS.get() > failedBefore, "a task failed and was retried");
        assertEquals(want, csvParts(out)); // every row once, in order
    }

    @Test
    void aCorruptBundleFailsOnTheDriverWithInspectsMessageBeforeAnyJob() throws Exception {
        Path bad = dir.resolve("corrupt.zip");
        byte[] bytes = Files.readAllBytes(model);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(bad, bytes);
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setErr(new PrintWriter(err)).setOut(new PrintWriter(new StringWriter()))
                .execute("inspect", bad.toString());
        assertEquals(1, code);
        String inspect = err.toString().strip();
        assertTrue(inspect.startsWith("error: "), inspect);

        spark.sparkContext().listenerBus().waitUntilEmpty();
        int jobsBefore = JOBS.get();
        Path out = dir.resolve("never.csv");
        JobOptions o = new JobOptions(bad.toString(), data.toString(), out.toString(), null, null, "*.txt", null, null,
                0, null, 1000, 16, 0, false);
        TextclsException e = assertThrows(TextclsException.class, () -> SparkScorer.run(spark, o));
        assertEquals(inspect, "error: " + e.getMessage());
        spark.sparkContext().listenerBus().waitUntilEmpty();
        assertEquals(jobsBefore, JOBS.get(), "no Spark job ran");
        assertFalse(Files.exists(out));

        // The command line says it in one line, exit code 1.
        StringWriter jobErr = new StringWriter();
        int jobCode = ScoreJob.commandLine().setErr(new PrintWriter(jobErr)).execute("--model", bad.toString(),
                "--input", data.toString(), "--output", out.toString(), "--master", "local[1]");
        assertEquals(1, jobCode);
        assertEquals(inspect, jobErr.toString().strip());
    }

    @Test
    void badOptionsFailBeforeAnySparkWork() {
        TextclsException e = assertThrows(TextclsException.class, () -> SparkScorer.run(spark,
                job(data.toString(), dir.resolve("x.txt"), 0, null, null)));
        assertTrue(e.getMessage().contains("--format parquet|csv|jsonl"), e.getMessage());
        e = assertThrows(TextclsException.class, () -> SparkScorer.run(spark,
                job(dir.resolve("table.parquet").toString(), dir.resolve("y.csv"), 0, null, null)));
        assertTrue(e.getMessage().contains("add --text-column"), e.getMessage());
        e = assertThrows(TextclsException.class, () -> SparkScorer.run(spark,
                job(dir.resolve("nowhere").toString(), dir.resolve("z.csv"), 0, null, null)));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
