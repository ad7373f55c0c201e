package io.textcls.spark;

import io.textcls.TextclsException;
import io.textcls.corpus.TextFiles;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The Spark scoring job: {@code spark-submit --class io.textcls.spark.ScoreJob textcls-spark.jar
 * --model <bundle> --input <path> --output <path>}, or {@code scripts/textcls spark-score ...} on
 * an embedded {@code local[*]} session. Rows are {@code score}'s rows.
 */
@Command(name = "spark-score", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, showDefaultValues = true,
        sortOptions = false, versionProvider = ScoreJob.Version.class,
        description = {"Score on Apache Spark: every document of --input (a folder tree of text files on any Hadoop "
                + "file system, a Parquet table, or CSV/JSONL tables with --text-column), with score's rows: id, label, "
                + "labels (multi-label models only), p_<label> per label, tokens, truncated, flags [, top-k].",
                "--output is a folder of part files (Parquet, CSV or JSONL); documents that cannot be scored go to "
                + "<output>.errors.csv (id, reason) and the exit code is 3."})
public final class ScoreJob implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "The classifier bundle (.zip): a local path or any "
            + "Hadoop file system URI.")
    String model;

    @Option(names = "--input", required = true, description = "A folder tree of text files, a text file, a Parquet "
            + "table, or a CSV/JSONL table (a file or a folder of them).")
    String input;

    @Option(names = "--output", required = true, description = "The predictions folder: .parquet, .csv or .jsonl.")
    String output;

    @Option(names = "--format", converter = FormatConverter.class,
            description = "Output format, overriding the name: parquet, csv or jsonl.")
    JobOptions.Format format;

    @Option(names = "--input-format", converter = InputFormatConverter.class, description = "How to read --input: "
            + "files, parquet, csv or jsonl (default: files; with --text-column, from its name).")
    JobOptions.InputFormat inputFormat;

    @Option(names = "--glob", description = "File names to score under a folder of text files.")
    String glob = "*.txt";

    @Option(names = "--text-column", description = "--input is a table; this column holds the text.")
    String textColumn;

    @Option(names = "--id-column", description = "Column of a table holding row ids (default: row numbers).")
    String idColumn;

    @Option(names = "--top-k", description = "Add the k most probable labels and their probabilities to each row.")
    int topK = 0;

    @Option(names = "--threshold", description = "Two-label models: predict the second label when its probability "
            + "is at least this (default: the most probable label).")
    Double threshold;

    @Option(names = "--max-bytes", description = "Most bytes read per text file; longer ones are cut and flagged.")
    long maxBytes = TextFiles.DEFAULT_MAX_BYTES;

    @Option(names = "--chunk", description = "Documents scored together (as score's --chunk: equal chunks, equal "
            + "probabilities).")
    int chunk = 256;

    @Option(names = "--partitions", description = "Scoring tasks (0: eight per core, at most one per chunk).")
    int partitions = 0;

    @Option(names = "--overwrite", description = "Replace an existing --output.")
    boolean overwrite;

    @Option(names = "--master", description = "Spark master for a session of its own, e.g. local[*] (default: "
            + "spark-submit's).")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting for the session (repeatable).")
    Map<String, String> conf = new LinkedHashMap<>();

    /** textcls's, DL4J's and Spark's versions for {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"textcls " + io.textcls.Versions.TEXTCLS + " spark-score (Deeplearning4j "
                    + io.textcls.Versions.DL4J + ", Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION()
                    + ", Java " + System.getProperty("java.version") + ")"};
        }
    }

    /** Converts any case of parquet, csv, jsonl. */
    static final class FormatConverter implements CommandLine.ITypeConverter<JobOptions.Format> {
        @Override
        public JobOptions.Format convert(String value) {
            try {
                return JobOptions.Format.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("expected parquet, csv or jsonl, got '" + value + "'");
            }
        }
    }

    /** Converts any case of files, parquet, csv, jsonl. */
    static final class InputFormatConverter implements CommandLine.ITypeConverter<JobOptions.InputFormat> {
        @Override
        public JobOptions.InputFormat convert(String value) {
            try {
                return JobOptions.InputFormat.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("expected files, parquet, csv or jsonl, got '" + value
                        + "'");
            }
        }
    }

    JobOptions options() {
        return new JobOptions(model, input, output, format, inputFormat, glob, textColumn, idColumn, topK, threshold,
                maxBytes, chunk, partitions, overwrite);
    }

    @Override
    public Integer call() throws Exception {
        JobOptions o = options().resolved();
        o.check(); // option mistakes fail before a Spark session starts
        SparkConf sc = new SparkConf(); // spark-submit's settings (spark.* system properties)
        conf.forEach(sc::set);
        if (master != null) {
            sc.setMaster(master);
        }
        if (!sc.contains("spark.master")) {
            throw new TextclsException("no Spark master: run the job with spark-submit, or pass --master local[*] "
                    + "(scripts/textcls spark-score does)");
        }
        boolean local = sc.get("spark.master").startsWith("local");
        if (local) {
            sc.setIfMissing("spark.ui.enabled", "false");
            sc.setIfMissing("spark.ui.showConsoleProgress", "true");
        }
        // One ND4J (OpenMP) thread per task core on executors, unless the user chose.
        sc.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", sc.get("spark.task.cpus", "1"));
        sc.setIfMissing("spark.app.name", "textcls spark-score");
        boolean ours = SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = SparkSession.builder().config(sc).getOrCreate();
        try {
            SparkScorer.Summary s = SparkScorer.run(spark, o);
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "scored %,d documents into %s in %.1f s (%.1f docs/s, %d partitions); %,d failed, "
                            + "%,d skipped (hidden, or not matching %s)%n", s.scored(), o.output(), s.seconds(),
                    s.docsPerSecond(), s.partitions(), s.failed(), s.skipped(), o.glob());
            out.println("labels: " + s.labelCounts());
            if (s.errorsOutput() != null) {
                out.println("failures listed in " + s.errorsOutput());
            }
            out.flush();
            return s.failed() > 0 ? EXIT_PARTIAL : 0;
        } finally {
            if (ours) {
                spark.stop();
            }
        }
    }

    /** Exit codes, as the textcls CLI's: error, bad command line, some documents not scored. */
    static final int EXIT_ERROR = 1;
    static final int EXIT_PARTIAL = 3;

    /** The job's command line with textcls's error handling: one line naming what to fix, no trace. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ScoreJob());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            TextclsException t = userError(ex);
            if (t != null) {
                err.println("error: " + t.getMessage());
            } else {
                err.println("error: " + ex);
                ex.printStackTrace(err);
            }
            err.flush();
            return EXIT_ERROR;
        });
        return cl;
    }

    /** A textcls error behind a failure (a task's, wrapped by Spark), or null. */
    static TextclsException userError(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof TextclsException te) {
                return te;
            }
        }
        return null;
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "io/textcls/spark/logback-spark.xml");
        }
        System.exit(commandLine().execute(args));
    }
}
