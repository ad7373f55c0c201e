package io.textcls.spark;

import io.textcls.TextclsException;
import io.textcls.classifier.TextClassifier;
import io.textcls.score.BatchScorer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The Spark scoring job's driver side: checks the options, the input, the output and the bundle
 * (a bad bundle fails here with {@code inspect}'s message, before any task), then builds items in
 * {@code score}'s order, groups them into {@code score}'s chunks, scores each partition on the
 * executors and writes the predictions and the errors through Spark's writers (whose commit
 * protocol keeps only one attempt of each task, so a retried task leaves no duplicate). Documents
 * never come to the driver: only a folder's paths are listed here.
 */
public final class SparkScorer {
    private static final Logger LOG = LoggerFactory.getLogger(SparkScorer.class);
    /** Largest self-test difference a bundle may show ({@code inspect}'s tolerance). */
    static final double SELF_TEST_TOLERANCE = 1e-5;
    /**
     * Default scoring tasks per core: small enough that the last tasks leave cores idle only
     * briefly (score hands out single chunks), large enough that each writes a useful part file.
     */
    static final int TASKS_PER_CORE = 8;
    /** Tests only: ship the bundle as a cluster does (broadcast bytes, loaded by the tasks) on a local master too. */
    static final String BROADCAST_PROPERTY = "textcls.spark.broadcastBundle";

    /** What the job did. */
    public record Summary(long scored, long failed, long skipped, Map<String, Long> labelCounts, double seconds,
                          int partitions, String errorsOutput) {
        public double docsPerSecond() {
            return seconds == 0 ? 0 : scored / seconds;
        }
    }

    private SparkScorer() {
    }

    /** Runs the job on a session; the output is complete when this returns. */
    public static Summary run(SparkSession spark, JobOptions options) throws IOException {
        JobOptions o = options.resolved();
        o.check();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Inputs.status(conf, o.input(), "--input");
        checkOutput(conf, o);
        byte[] bundle = readBundle(conf, o.model());
        String sha = BundleCache.sha256(bundle);
        TextClassifier checked = checkBundle(o, bundle);
        List<String> labels = checked.labels().names();
        // A local master runs the tasks in this JVM: they use the classifier just checked, and the
        // bytes need no broadcast (29 MB for the default bundle: large arrays the GC would copy).
        boolean local = spark.sparkContext().isLocal() && !Boolean.getBoolean(BROADCAST_PROPERTY);
        if (local) {
            BundleCache.put(sha, checked);
        }
        long t0 = System.nanoTime(); // seconds and docs/s as score counts them: from after the model is loaded
        Broadcast<byte[]> bundleBytes = local ? null : jsc.broadcast(bundle);
        Broadcast<PartitionScorer.Shipped> shipped = jsc.broadcast(new PartitionScorer.Shipped(Inputs.settings(conf)));
        int parallelism = Math.max(1, jsc.defaultParallelism());

        JavaRDD<Item> sorted;
        long skipped = 0;
        int partitions;
        if (o.inputFormat() == JobOptions.InputFormat.FILES) {
            Inputs.Listing listing = Inputs.listTextFiles(conf, o.input(), o.glob());
            skipped = listing.skipped();
            List<List<Item>> chunks = new ArrayList<>();
            for (int i = 0; i < listing.items().size(); i += o.chunk()) {
                chunks.add(new ArrayList<>(listing.items().subList(i, Math.min(listing.items().size(), i + o.chunk()))));
            }
            partitions = Math.max(1, Math.min(chunks.size(),
                    o.partitions() > 0 ? o.partitions() : TASKS_PER_CORE * parallelism));
            LOG.info("{} files to score ({} skipped) in {} chunks, {} partitions", listing.items().size(), skipped,
                    chunks.size(), partitions);
            // Contiguous slices of whole chunks: part files follow score's order.
            sorted = jsc.parallelize(chunks, partitions).flatMap(List::iterator);
        } else {
            JavaRDD<Item> items;
            if (o.inputFormat() == JobOptions.InputFormat.PARQUET) {
                items = Inputs.parquetItems(spark, o.input(), o.textColumn(), o.idColumn());
            } else {
                List<String[]> files = Inputs.tableFiles(conf, o.input(), o.inputFormat());
                Inputs.openTable(conf, files.get(0)[0], o.textColumn(), o.idColumn()).close(); // header check
                items = Inputs.tableItems(jsc, files, o.textColumn(), o.idColumn(), shipped);
            }
            partitions = o.partitions() > 0 ? o.partitions() : TASKS_PER_CORE * parallelism;
            LOG.info("scoring the {} table {} in {} partitions", o.inputFormat().name().toLowerCase(Locale.ROOT),
                    o.input(), partitions);
            JavaPairRDD<Long, Item> keyed = items.mapToPair(i -> new Tuple2<>(i.key(), i));
            sorted = keyed.repartitionAndSortWithinPartitions(new ChunkPartitioner(partitions, o.chunk())).values();
        }

        JavaRDD<OutRow> rows = sorted.mapPartitions(new PartitionScorer(bundleBytes, shipped, sha, o.chunk(),
                o.maxBytes(), o.threshold())).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            OutputRows out = new OutputRows(labels, checked.multiLabel(), o.topK(), o.format());
            write(spark.createDataFrame(rows.filter(r -> r.error() == null).map(out::row), out.schema()).write(),
                    o.format(), o.output(), o.overwrite());
            // Rows by label, the most probable one (a multi-label row counts once, whatever its set).
            Map<String, Long> counts = new LinkedHashMap<>();
            labels.forEach(l -> counts.put(l, 0L));
            long failed = 0;
            for (Map.Entry<String, Long> e : rows.map(r -> r.error() != null ? "\u0000" : r.label()).countByValue()
                    .entrySet()) {
                if (e.getKey().equals("\u0000")) {
                    failed = e.getValue();
                } else {
                    counts.merge(e.getKey(), e.getValue(), Long::sum);
                }
            }
            String errors = o.errorsOutput();
            if (failed > 0) {
                StructType schema = new StructType().add("id", DataTypes.StringType).add("reason", DataTypes.StringType);
                write(spark.createDataFrame(rows.filter(r -> r.error() != null)
                        .map(r -> RowFactory.create(r.id(), r.error())), schema).write(), JobOptions.Format.CSV,
                        errors, true);
            } else {
                Path e = new Path(errors);
                e.getFileSystem(conf).delete(e, true); // a stale one from an overwritten run
            }
            long scored = counts.values().stream().mapToLong(Long::longValue).sum();
            return new Summary(scored, failed, skipped, counts, (System.nanoTime() - t0) / 1e9, partitions,
                    failed > 0 ? errors : null);
        } finally {
            rows.unpersist(false);
            shipped.destroy();
            if (bundleBytes != null) {
                bundleBytes.destroy();
            }
        }
    }

    private static void write(DataFrameWriter<Row> w, JobOptions.Format format, String path, boolean overwrite) {
        w = w.mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists);
        switch (format) {
            case PARQUET -> w.parquet(path);
            // RFC 4180 quoting like score's (a quote is doubled), a header row, empty flags as empty fields.
            case CSV -> w.option("header", "true").option("quote", "\"").option("escape", "\"")
                    .option("emptyValue", "").csv(path);
            case JSONL -> w.json(path);
        }
    }

    private static void checkOutput(Configuration conf, JobOptions o) throws IOException {
        Path out = new Path(o.output());
        FileSystem fs = out.getFileSystem(conf);
        if (fs.exists(out) && !o.overwrite()) {
            throw new TextclsException("--output " + o.output() + " exists: choose another --output, or add --overwrite "
                    + "to replace it");
        }
        Path errors = new Path(o.errorsOutput());
        if (errors.getFileSystem(conf).exists(errors) && !o.overwrite()) {
            throw new TextclsException(o.errorsOutput() + " exists (the errors of an earlier run): delete it, choose "
                    + "another --output, or add --overwrite");
        }
        if (fs.exists(out) && fs.getFileStatus(out).isFile()) {
            throw new TextclsException("--output " + o.output() + " is a file; the job writes a folder of part files: "
                    + "choose another --output");
        }
    }

    /** The bundle's bytes, from a local path or any Hadoop file system. */
    static byte[] readBundle(Configuration conf, String model) throws IOException {
        Inputs.status(conf, model, "--model");
        Path p = new Path(model);
        try (InputStream in = p.getFileSystem(conf).open(p)) {
            return in.readAllBytes();
        }
    }

    /**
     * Loads and checks the bundle on the driver, with {@code inspect}'s checks and messages: a bad
     * or mismatched bundle, or one that no longer reproduces its self-test, fails before any task.
     */
    static TextClassifier checkBundle(JobOptions o, byte[] bundle) throws IOException {
        java.nio.file.Path local = localPath(o.model());
        java.nio.file.Path tmp = null;
        TextClassifier c;
        try {
            if (local == null) {
                tmp = Files.createTempFile("textcls-bundle-", ".zip");
                Files.write(tmp, bundle);
            }
            try {
                c = TextClassifier.load(local != null ? local : tmp);
            } catch (TextclsException e) {
                throw tmp == null ? e : new TextclsException(e.getMessage().replace(tmp.toString(), o.model()), e);
            }
        } finally {
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
        }
        double diff = c.selfTestMaxDifference();
        if (diff > SELF_TEST_TOLERANCE) {
            throw new TextclsException(String.format(Locale.ROOT, "%s: self-test MISMATCH (the bundle does not "
                    + "reproduce its training-time predictions: largest difference %.2e); check it with textcls "
                    + "inspect", o.model(), diff));
        }
        if (c.multiLabel() && o.threshold() != null) { // score's message
            throw new TextclsException("--threshold is for two-label classifiers; " + o.model() + " is multi-label: "
                    + "its per-label thresholds, fitted in training, decide the labels column");
        }
        List<String> labels = c.labels().names();
        if (o.threshold() != null && labels.size() != 2) {
            throw new TextclsException("--threshold needs a two-label classifier; this one has " + labels.size()
                    + " labels " + labels);
        }
        if (o.topK() > labels.size()) {
            throw new TextclsException("--top-k must be between 0 and the number of labels (" + labels.size()
                    + "), got " + o.topK());
        }
        if (o.format() == JobOptions.Format.PARQUET) {
            for (String l : labels) {
                if (l.matches(".*[ ,;{}()\\n\\t=].*")) {
                    throw new TextclsException("label '" + l + "' makes the column p_" + l + ", which Parquet cannot "
                            + "name (no spaces or any of ,;{}()=): write CSV or JSONL instead");
                }
            }
        }
        return c;
    }

    /** The local file a --model names (a plain path or a file: URI), or null for another file system. */
    private static java.nio.file.Path localPath(String model) {
        java.net.URI uri = new Path(model).toUri();
        if (uri.getScheme() == null) {
            return java.nio.file.Path.of(model);
        }
        return uri.getScheme().equals("file") ? java.nio.file.Path.of(uri.getPath()) : null;
    }

    /** Spreads chunks over partitions; every row of a chunk goes to the same one. */
    static final class ChunkPartitioner extends Partitioner {
        private final int partitions;
        private final int chunk;

        ChunkPartitioner(int partitions, int chunk) {
            this.partitions = partitions;
            this.chunk = chunk;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            long c = Item.chunkOf((Long) key, chunk);
            long h = c * 0x9E3779B97F4A7C15L;
            return (int) Math.floorMod(h ^ (h >>> 32), (long) partitions);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ChunkPartitioner p && p.partitions == partitions && p.chunk == chunk;
        }

        @Override
        public int hashCode() {
            return 31 * partitions + chunk;
        }
    }

    /** Turns scored rows into Spark rows with {@code score}'s columns. */
    static final class OutputRows implements java.io.Serializable {
        /** What joins a multi-label row's labels in CSV, as in score's CSV. */
        static final String LABEL_SEPARATOR = "|";
        private final List<String> labels;
        private final boolean multiLabel;
        private final int topK;
        private final JobOptions.Format format;

        OutputRows(List<String> labels, boolean multiLabel, int topK, JobOptions.Format format) {
            this.labels = List.copyOf(labels);
            this.multiLabel = multiLabel;
            this.topK = topK;
            this.format = format;
        }

        /**
         * CSV and Parquet: id, label, p_&lt;label&gt; per label, tokens, truncated, flags, then top1,
         * p_top1, ... with --top-k; JSONL: score's JSONL objects (a probabilities object, flags only
         * when there are some, a top array with --top-k). A multi-label classifier's rows have the
         * predicted label set after the label, as score's: {@code labels}, an array of strings in
         * Parquet and JSONL, joined by "|" in CSV (empty for none).
         */
        StructType schema() {
            List<StructField> f = new ArrayList<>();
            f.add(DataTypes.createStructField("id", DataTypes.StringType, false));
            f.add(DataTypes.createStructField("label", DataTypes.StringType, false));
            if (multiLabel) {
                f.add(DataTypes.createStructField("labels", format == JobOptions.Format.CSV ? DataTypes.StringType
                        : DataTypes.createArrayType(DataTypes.StringType, false), false));
            }
            if (format == JobOptions.Format.JSONL) {
                List<StructField> p = new ArrayList<>();
                labels.forEach(l -> p.add(DataTypes.createStructField(l, DataTypes.FloatType, false)));
                f.add(DataTypes.createStructField("probabilities", DataTypes.createStructType(p), false));
            } else {
                labels.forEach(l -> f.add(DataTypes.createStructField("p_" + l, DataTypes.FloatType, false)));
            }
            f.add(DataTypes.createStructField("tokens", DataTypes.IntegerType, false));
            f.add(DataTypes.createStructField("truncated", DataTypes.BooleanType, false));
            f.add(DataTypes.createStructField("flags", DataTypes.StringType, true));
            if (format == JobOptions.Format.JSONL) {
                if (topK > 0) {
                    f.add(DataTypes.createStructField("top", DataTypes.createArrayType(new StructType()
                            .add("label", DataTypes.StringType, false)
                            .add("probability", DataTypes.FloatType, false), false), false));
                }
            } else {
                for (int k = 1; k <= topK; k++) {
                    f.add(DataTypes.createStructField("top" + k, DataTypes.StringType, false));
                    f.add(DataTypes.createStructField("p_top" + k, DataTypes.FloatType, false));
                }
            }
            return DataTypes.createStructType(f);
        }

        Row row(OutRow r) {
            List<Object> v = new ArrayList<>();
            v.add(r.id());
            v.add(r.label());
            if (multiLabel) {
                v.add(format == JobOptions.Format.CSV ? String.join(LABEL_SEPARATOR, r.labels())
                        : scala.jdk.javaapi.CollectionConverters.asScala(r.labels()).toSeq());
            }
            float[] p = r.probs();
            if (format == JobOptions.Format.JSONL) {
                Object[] probs = new Object[p.length];
                for (int i = 0; i < p.length; i++) {
                    probs[i] = p[i];
                }
                v.add(RowFactory.create(probs));
            } else {
                for (float x : p) {
                    v.add(x);
                }
            }
            v.add(r.tokens());
            v.add(r.truncated());
            v.add(format == JobOptions.Format.JSONL && r.flags().isEmpty() ? null : r.flags());
            int[] top = BatchScorer.topK(p, topK);
            if (format == JobOptions.Format.JSONL) {
                if (topK > 0) {
                    List<Row> t = new ArrayList<>();
                    for (int i : top) {
                        t.add(RowFactory.create(labels.get(i), p[i]));
                    }
                    v.add(scala.jdk.javaapi.CollectionConverters.asScala(t).toSeq());
                }
            } else {
                for (int i : top) {
                    v.add(labels.get(i));
                    v.add(p[i]);
                }
            }
            return RowFactory.create(v.toArray());
        }
    }
}
