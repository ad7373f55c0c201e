package io.textcls.cli;

import io.textcls.classifier.TextClassifier;
import io.textcls.corpus.TextFiles;
import io.textcls.score.BatchScorer;
import io.textcls.score.OutputFormat;
import io.textcls.score.ScoreOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code textcls score}: predict a label for every document of a folder, file, table or stdin. */
@Command(name = "score", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, showDefaultValues = true, sortOptions = false,
        description = {"Predict a label for every document of --input: a folder (recursively, sorted by path), a text "
                + "file, a CSV/JSONL table (--text-column), or - for standard input (one document per line).",
                "One row per document: id, label, p_<label> per label, tokens, truncated, flags [, top-k].",
                "Documents that cannot be scored are listed in <output>.errors.csv (id, reason); the exit code is 3 then.",
                "An empty document (no words, or markup only) gets the network's answer to a document with no words "
                + "(its prior) and the flag 'empty'.",
                "Output goes to <output>.partial and is renamed when complete; --resume continues a killed run."})
public final class ScoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "The classifier bundle (.zip).")
    Path model;

    @Option(names = "--input", required = true, description = "A folder, a text file, a CSV/JSONL table, or - for stdin.")
    String input;

    @Option(names = "--output", required = true, description = "Predictions file: .csv or .jsonl; - for standard "
            + "output (rows as they are scored, CSV unless --format says otherwise; failures and the summary on "
            + "standard error).")
    Path output;

    @Option(names = "--format", converter = FormatConverter.class,
            description = "Output format, overriding the extension: ${COMPLETION-CANDIDATES} (any case).")
    OutputFormat format;

    /** Reads --format in any case: csv, CSV, jsonl. */
    static final class FormatConverter implements CommandLine.ITypeConverter<OutputFormat> {
        @Override
        public OutputFormat convert(String value) {
            try {
                return OutputFormat.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("expected csv or jsonl, got '" + value + "'");
            }
        }
    }

    @Option(names = "--glob", description = "File names to score under a folder.")
    String glob = "*.txt";

    @Option(names = "--text-column", description = "--input is a CSV/JSONL table; this column holds the text.")
    String textColumn;

    @Option(names = "--id-column", description = "Column of a CSV/JSONL table holding row ids (default: row numbers).")
    String idColumn;

    @Option(names = "--top-k", description = "Add the k most probable labels and their probabilities to each row.")
    int topK = 0;

    @Option(names = "--threshold", description = "Two-label models: predict the second label when its probability "
            + "is at least this (default: the most probable label).")
    Double threshold;

    @Option(names = "--threads", description = "Worker threads, each reading, tokenizing and running its own network copy.")
    int threads = Math.max(1, Math.min(ScoreOptions.MAX_THREADS, Runtime.getRuntime().availableProcessors()));

    @Option(names = "--chunk", description = "Documents per unit of work (and per resume step).")
    int chunk = 256;

    @Option(names = "--max-bytes", description = "Most bytes read per document; longer ones are cut and flagged.")
    long maxBytes = TextFiles.DEFAULT_MAX_BYTES;

    @Option(names = "--resume", description = "Continue an interrupted run (same model, input and options).")
    boolean resume;

    @Option(names = "--raw-probabilities", description = "Write the networks' own probabilities, ignoring the "
            + "bundle's temperature (the labels are the same).")
    boolean raw;

    @Override
    public Integer call() throws Exception {
        boolean toStdout = ScoreOptions.STDOUT.equals(output.toString());
        OutputFormat fmt = format != null ? format : toStdout ? OutputFormat.CSV : OutputFormat.of(output);
        ScoreOptions options = new ScoreOptions(input, output, fmt, glob, textColumn, idColumn, topK, threshold,
                threads, chunk, maxBytes, resume);
        options.check(); // bad options, a missing input and an unwritable output fail before the model loads
        TextClassifier classifier = BundlePreload.load(model); // a bad bundle fails before any output exists
        if (raw) {
            classifier = classifier.uncalibrated();
        }
        BatchScorer.Summary s = BatchScorer.score(classifier, model, options, System.in, spec.commandLine().getOut(),
                spec.commandLine().getErr());
        // With the rows on standard output, the summary goes to standard error.
        PrintWriter out = toStdout ? spec.commandLine().getErr() : spec.commandLine().getOut();
        out.printf("scored %,d documents into %s in %.1f s (%.1f docs/s, %.2f ms/doc); %,d failed, %,d skipped "
                        + "(hidden, or not matching %s)%s%n", s.scored(), toStdout ? "standard output" : output, s.seconds(), s.docsPerSecond(),
                s.scored() == 0 ? 0 : 1000 * s.seconds() / s.scored(), s.failed(), s.skipped(), glob,
                s.resumedAfter() > 0 ? "; resumed after " + s.resumedAfter() + " inputs" : "");
        out.println("labels: " + s.labelCounts());
        if (s.peakRssBytes() > 0) {
            out.printf("peak RSS: %.0f MB%n", s.peakRssBytes() / 1e6);
        }
        if (s.errorsFile() != null) {
            out.println("failures listed in " + s.errorsFile());
        }
        out.flush();
        return s.failed() > 0 ? Main.EXIT_PARTIAL : 0;
    }
}
