package io.textcls.cli;

import io.textcls.classifier.TextClassifier;
import io.textcls.corpus.TextFiles;
import io.textcls.score.BatchScorer;
import io.textcls.score.OutputFormat;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code textcls score}: predict a label for every document under a folder. */
@Command(name = "score", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = {"Predict a label for every document under --input (recursively, sorted by path).",
                "One row per document: id (relative path), label, p_<label> per label, tokens, truncated.",
                "Documents that cannot be scored are listed in <output>.errors.csv; exit code 3 then."})
public final class ScoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "The classifier bundle (.zip).")
    Path model;

    @Option(names = "--input", required = true, description = "A folder of documents, or one text file.")
    Path input;

    @Option(names = "--output", required = true, description = "Predictions file: .csv or .jsonl.")
    Path output;

    @Option(names = "--format", description = "Output format, overriding the extension: ${COMPLETION-CANDIDATES}.")
    OutputFormat format;

    @Option(names = "--glob", description = "File names to score.")
    String glob = "*.txt";

    @Option(names = "--chunk", description = "Documents read, scored and written per step.")
    int chunk = 512;

    @Option(names = "--max-bytes", description = "Most bytes read per document; longer ones are cut and flagged truncated.")
    long maxBytes = TextFiles.DEFAULT_MAX_BYTES;

    @Override
    public Integer call() throws Exception {
        OutputFormat fmt = format != null ? format : OutputFormat.of(output);
        TextClassifier classifier = TextClassifier.load(model);
        BatchScorer.Summary s = BatchScorer.score(classifier,
                new BatchScorer.Options(input, output, fmt, glob, Math.max(1, chunk), maxBytes));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("scored %,d documents into %s (%.1f docs/s); %d failed, %d skipped (hidden or not %s)%n",
                s.scored(), output, s.docsPerSecond(), s.failed(), s.skipped(), glob);
        out.println("labels: " + s.labelCounts());
        if (s.errorsFile() != null) {
            out.println("failures listed in " + s.errorsFile());
        }
        out.flush();
        return s.failed() > 0 ? Main.EXIT_PARTIAL : 0;
    }
}
