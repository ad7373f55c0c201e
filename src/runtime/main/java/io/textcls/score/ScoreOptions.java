package io.textcls.score;

import io.textcls.TextclsException;
import io.textcls.util.OutputLocations;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * How to score.
 *
 * @param input a folder, a file, or "-" for standard input
 * @param output the predictions file, or {@code -} for standard output ({@link #toStdout()})
 * @param glob file names scored under a folder
 * @param textColumn text column of a CSV/JSONL input (null: the input is documents, not a table)
 * @param idColumn id column of a CSV/JSONL input (null: row numbers)
 * @param topK add the k most probable labels to each row (0 = none)
 * @param threshold two-label models: predict the second label when its probability is at least
 *     this (null = the most probable label)
 * @param threads worker threads, each reading, tokenizing and running its own network copy
 * @param chunk documents per unit of work; also the resume granularity
 * @param maxBytes most bytes read per document; longer ones are cut and flagged
 * @param resume continue an interrupted run from its journal
 */
public record ScoreOptions(String input, Path output, OutputFormat format, String glob, String textColumn,
                           String idColumn, int topK, Double threshold, int threads, int chunk, long maxBytes,
                           boolean resume) {
    /** The most worker threads: each holds up to two chunks of documents in memory. */
    public static final int MAX_THREADS = 1024;
    /** The most documents per chunk. */
    public static final int MAX_CHUNK = 1_000_000;
    /** The most bytes read per document (1 GiB): a document is read whole into memory. */
    public static final long MAX_BYTES = 1L << 30;

    /**
     * Checks every option that needs no classifier, and that the input exists and the output
     * files can be written, so a mistake fails in a line before any model is loaded or document
     * read. {@link BatchScorer#score} calls it first; the CLI calls it before loading the model.
     *
     * @throws TextclsException naming the option, the value and what to do
     */
    public void check() {
        if (format == null && toStdout()) {
            throw new TextclsException("no output format for standard output: pass --format csv or jsonl");
        }
        if (format == null) {
            throw new TextclsException("no output format for " + output + ": name it .csv or .jsonl, or pass --format");
        }
        range("--threads", threads, 1, MAX_THREADS, "");
        range("--chunk", chunk, 1, MAX_CHUNK, "");
        range("--max-bytes", maxBytes, 1, MAX_BYTES, " (1 GiB)");
        checkOutputAndInputOptions(topK, threshold, glob, textColumn);
        if (idColumn != null && textColumn == null) {
            throw new TextclsException("--id-column " + idColumn + " names a column of a table, but --input is read as "
                    + "documents: add --text-column to read it as a CSV/JSONL table, or drop --id-column");
        }
        if (input.equals("-")) {
            if (resume) {
                throw new TextclsException("--resume cannot re-read standard input; score a file instead");
            }
        } else {
            DocumentSource.checkInput(Path.of(input), textColumn);
            if (Files.isRegularFile(Path.of(input)) && sameFile(Path.of(input), output)) {
                throw new TextclsException("--output " + output + " is the --input file: scoring would replace it; "
                        + "choose another --output");
            }
        }
        if (toStdout()) {
            if (resume) {
                throw new TextclsException("--resume continues an output file; standard output (--output -) cannot be "
                        + "continued: write to a file to resume");
            }
            return;
        }
        for (Path p : List.of(output, BatchScorer.partialFile(output), BatchScorer.errorsFile(output),
                BatchScorer.partialFile(BatchScorer.errorsFile(output)), BatchScorer.journalFile(output))) {
            OutputLocations.checkWritable(p, p.equals(output) ? "predictions" : "scoring's working files", "--output");
        }
        if (!resume && Files.exists(BatchScorer.journalFile(output))) {
            throw BatchScorer.interruptedRunLeft(output);
        }
    }

    /** {@code --output} that means standard output. */
    public static final String STDOUT = "-";

    /**
     * Whether the predictions go to standard output ({@code --output -}): written as each chunk is
     * scored, in input order, with failures on standard error; no journal, so no resume.
     */
    public boolean toStdout() {
        return STDOUT.equals(output.toString());
    }

    /** Checks the options that depend on the classifier's labels. */
    void check(List<String> labels) {
        if (threshold != null && labels.size() != 2) {
            throw new TextclsException("--threshold needs a two-label classifier; this one has " + labels.size()
                    + " labels " + labels);
        }
        if (topK > labels.size()) {
            throw new TextclsException("--top-k must be between 0 and the number of labels (" + labels.size()
                    + "), got " + topK);
        }
    }

    /**
     * The checks {@code score} and the Spark job share: {@code --top-k}, {@code --threshold},
     * {@code --glob} and {@code --text-column}, each refused by its option's name.
     */
    public static void checkOutputAndInputOptions(int topK, Double threshold, String glob, String textColumn) {
        if (topK < 0) {
            throw new TextclsException("--top-k must be 0 (no top-k columns) or more, got " + topK);
        }
        if (threshold != null && !(threshold >= 0 && threshold <= 1)) {
            throw new TextclsException("--threshold is a probability: it must be between 0 and 1, got " + threshold);
        }
        try {
            FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (RuntimeException e) {
            throw new TextclsException("--glob '" + glob + "' is not a valid glob (" + e.getMessage().lines()
                    .findFirst().orElse("") + "); write it like *.txt or review-*.{txt,text}", e);
        }
        if (textColumn != null && textColumn.isEmpty()) {
            throw new TextclsException("--text-column is empty: give the name of the column that holds the text");
        }
    }

    private static void range(String option, long value, long min, long max, String unit) {
        if (value < min || value > max) {
            throw new TextclsException(String.format(Locale.ROOT, "%s must be between %,d and %,d%s, got %,d", option,
                    min, max, unit, value));
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
