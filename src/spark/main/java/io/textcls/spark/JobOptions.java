package io.textcls.spark;

import io.textcls.TextclsException;
import io.textcls.score.ScoreOptions;
import java.util.Locale;

/**
 * How the Spark job scores: {@code score}'s options where they make sense on a cluster.
 *
 * @param model the bundle: a local path or any Hadoop file system URI
 * @param input a folder tree of text files, a text file, a Parquet table, or CSV/JSONL tables
 * @param output the predictions: a folder of part files (Spark's layout); errors go beside it, in
 *     {@code <output>.errors.csv}
 * @param format the predictions' format
 * @param inputFormat how to read {@code input}
 * @param glob file names scored under a folder of text files
 * @param textColumn the column of a table that holds the text (tables only)
 * @param idColumn the column of a table that holds row ids (default: row numbers)
 * @param topK add the k most probable labels to each row
 * @param threshold two-label models: the second label when its probability is at least this
 * @param maxBytes most bytes read per text file; longer ones are cut and flagged
 * @param chunk documents scored together, as {@code score --chunk}: the same chunks give the
 *     same probabilities to the last digit
 * @param partitions scoring tasks (0: eight per core of the cluster, at most one per chunk: small
 *     tasks keep the cores busy to the end)
 * @param overwrite replace an existing output
 */
public record JobOptions(String model, String input, String output, Format format, InputFormat inputFormat,
                         String glob, String textColumn, String idColumn, int topK, Double threshold, long maxBytes,
                         int chunk, int partitions, boolean overwrite) {
    /** Output formats: Spark's writers. */
    public enum Format {
        PARQUET, CSV, JSONL;

        /** The format an output name implies: .parquet, .csv, .jsonl/.json/.ndjson. */
        static Format of(String output) {
            String name = strip(output).toLowerCase(Locale.ROOT);
            if (name.endsWith(".parquet")) {
                return PARQUET;
            }
            if (name.endsWith(".csv")) {
                return CSV;
            }
            if (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")) {
                return JSONL;
            }
            throw new TextclsException("cannot tell the format of --output " + output + " from its name: end it with "
                    + ".parquet, .csv or .jsonl, or pass --format parquet|csv|jsonl");
        }
    }

    /** Input kinds. */
    public enum InputFormat {
        FILES, PARQUET, CSV, JSONL;

        /** What a table's name implies, or null. */
        static InputFormat ofTable(String name) {
            String n = strip(name).toLowerCase(Locale.ROOT);
            if (n.endsWith(".parquet")) {
                return PARQUET;
            }
            if (n.endsWith(".csv") || n.endsWith(".tsv")) {
                return CSV;
            }
            if (n.endsWith(".jsonl") || n.endsWith(".json") || n.endsWith(".ndjson")) {
                return JSONL;
            }
            return null;
        }
    }

    /** The most partitions. */
    public static final int MAX_PARTITIONS = 1_000_000;

    /** The options with the output format and input kind filled in from the names where not given. */
    JobOptions resolved() {
        Format f = format != null ? format : Format.of(output);
        InputFormat in = inputFormat;
        if (in == null) {
            if (textColumn == null) {
                in = InputFormat.ofTable(input) == InputFormat.PARQUET ? InputFormat.PARQUET : InputFormat.FILES;
            } else {
                in = InputFormat.ofTable(input);
            }
        }
        return new JobOptions(model, input, output, f, in, glob, textColumn, idColumn, topK, threshold, maxBytes,
                chunk, partitions, overwrite);
    }

    /**
     * Checks every option that needs neither the cluster nor the bundle, with {@code score}'s
     * messages where the option is the same.
     */
    void check() {
        if (inputFormat == null) {
            throw new TextclsException("cannot tell the table format of --input " + input + " from its name: pass "
                    + "--input-format parquet|csv|jsonl");
        }
        range("--chunk", chunk, 1, ScoreOptions.MAX_CHUNK, "");
        range("--max-bytes", maxBytes, 1, ScoreOptions.MAX_BYTES, " (1 GiB)");
        range("--partitions", partitions, 0, MAX_PARTITIONS, "");
        ScoreOptions.checkOutputAndInputOptions(topK, threshold, glob, textColumn);
        if (inputFormat == InputFormat.FILES && textColumn != null) {
            throw new TextclsException("--text-column " + textColumn + " names a column of a table, but --input-format "
                    + "is files: drop one of them");
        }
        if (inputFormat != InputFormat.FILES && textColumn == null) {
            throw new TextclsException("--input " + input + " is read as a " + inputFormat.name().toLowerCase(Locale.ROOT)
                    + " table: add --text-column with the column that holds the text");
        }
        if (idColumn != null && textColumn == null) {
            throw new TextclsException("--id-column " + idColumn + " names a column of a table, but --input is read as "
                    + "documents: add --text-column to read it as a table, or drop --id-column");
        }
        if (strip(output).equals(strip(input))) {
            throw new TextclsException("--output " + output + " is the --input: scoring would replace it; choose "
                    + "another --output");
        }
    }

    /** The errors output: {@code <output>.errors.csv}, a folder of CSV parts (id, reason). */
    String errorsOutput() {
        return strip(output) + ".errors.csv";
    }

    static String strip(String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    private static void range(String option, long value, long min, long max, String unit) {
        if (value < min || value > max) {
            throw new TextclsException(String.format(Locale.ROOT, "%s must be between %,d and %,d%s, got %,d", option,
                    min, max, unit, value));
        }
    }
}
