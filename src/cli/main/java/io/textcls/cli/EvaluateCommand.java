package io.textcls.cli;

import io.textcls.TextclsException;
import io.textcls.classifier.TextClassifier;
import io.textcls.corpus.TableColumns;
import io.textcls.corpus.TableCorpus;
import io.textcls.eval.Evaluator;
import io.textcls.report.HtmlReport;
import io.textcls.util.AtomicFiles;
import io.textcls.util.Json;
import io.textcls.util.OutputLocations;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code textcls evaluate}: accuracy, per-label P/R/F1, macro-F1, confusion and ROC-AUC on a labeled folder. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, showDefaultValues = true, sortOptions = false,
        description = "Score a classifier on a labeled folder (<data>/<label>/*.txt) or table and print the results "
                + "(multi-label: micro-, macro- and samples-F1, subset accuracy, Hamming loss, per-label scores).")
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "The classifier bundle (.zip).")
    Path model;

    @Option(names = "--data", required = true, description = "Labeled folder (one subfolder per label; unsup is "
            + "ignored) or table (.csv, .tsv, .jsonl, optionally .gz; columns as the table options below say).")
    Path data;

    @Mixin
    TableOptions table = new TableOptions();

    @Option(names = "--labels", split = ",", description = "Label folders to use (default: every subfolder but unsup).")
    List<String> labels = List.of();

    @Option(names = "--held-out", description = {"Evaluate only the validation documents the classifier held out of "
            + "--data during training (their ids are in its model card): reproduces the training-time validation "
            + "scores in this JVM."})
    boolean heldOut;

    @Option(names = "--report", description = "Also write the results as JSON to this file.")
    Path report;

    @Option(names = "--html", description = {"Also write a self-contained HTML report to this file: metrics with "
            + "95 % intervals, confusion heat map, ROC and PR curves, calibration, training curves, explained errors "
            + "(multi-label: per-label thresholds and scores, each label's PR and ROC curves, no confusion matrix)."})
    Path html;

    @Option(names = "--raw-probabilities", description = "Score with the networks' own probabilities, ignoring the "
            + "bundle's temperature (the labels are the same).")
    boolean raw;

    @Option(names = "--threads", description = "Threads for reading and tokenizing.")
    int threads = 2;

    /** The most --threads: more only adds threads waiting for the disk. */
    static final int MAX_THREADS = 1024;

    @Override
    public Integer call() throws Exception {
        // Options, the data folder and the report's location are checked before the model loads.
        if (threads < 1 || threads > MAX_THREADS) {
            throw new TextclsException("--threads must be between 1 and " + MAX_THREADS + ", got " + threads);
        }
        boolean isTable = TableCorpus.isTable(data);
        if (isTable ? !Files.isRegularFile(data) : !Files.isDirectory(data)) {
            throw new TextclsException("--data " + data + " is not a " + (isTable ? "file" : "folder") + " ("
                    + (Files.exists(data) ? "it is a " + (isTable ? "folder" : "file") : "it does not exist")
                    + "); give the labeled folder, with one subfolder per label, or a table (.csv, .tsv, .jsonl)");
        }
        TableColumns columns = table.columns();
        if (labels.stream().anyMatch(String::isBlank)) {
            throw new TextclsException("--labels " + String.join(",", labels) + " has an empty name; list label "
                    + "folders separated by commas, like --labels neg,pos");
        }
        if (report != null) {
            OutputLocations.checkWritable(report, "the report", "--report");
        }
        if (html != null) {
            OutputLocations.checkWritable(html, "the HTML report", "--html");
        }
        TextClassifier classifier = BundlePreload.load(model);
        if (raw) {
            classifier = classifier.uncalibrated();
        }
        Set<String> only = null;
        if (heldOut) {
            only = classifier.card() == null ? null : classifier.card().heldOutIds();
            if (only == null) {
                throw new TextclsException(model + " records no held-out validation documents (it was trained with "
                        + "--validation <folder>: evaluate on that folder instead)");
            }
        }
        Evaluator.Scored scored = Evaluator.score(classifier, data, labels, threads, only, columns, table.skipBadRows);
        Evaluator.Result r = new Evaluator.Result(scored.report(), scored.stats(), scored.emptyDocuments());
        PrintWriter out = spec.commandLine().getOut();
        out.println("classifier: " + model + "   data: " + data);
        out.println(r.report().toTable());
        if (r.emptyDocuments() > 0) {
            out.printf("note: %d empty documents (no words) are included in the metrics, classified with the "
                    + "network's prior (its answer to a document with no words)%n", r.emptyDocuments());
        }
        if (!scored.skipped().isEmpty()) {
            out.printf("note: %,d bad rows skipped (--skip-bad-rows; not in the metrics); the first: line %d, %s%n",
                    scored.skipped().size(), scored.skipped().get(0).line(), scored.skipped().get(0).reason());
        }
        if (!r.stats().binarySkipped().isEmpty() || !r.stats().unreadable().isEmpty()) {
            out.printf("note: %d binary and %d unreadable files skipped (not in the metrics)%n",
                    r.stats().binarySkipped().size(), r.stats().unreadable().size());
        }
        if (report != null) {
            AtomicFiles.write(report, o -> Json.MAPPER.writeValue(o, r.report()));
            out.println("report written to " + report);
        }
        if (html != null) {
            out.flush();
            HtmlReport.write(html, classifier, scored, model + " on " + data + (heldOut ? " (held-out documents)" : ""),
                    HtmlReport.Options.defaults(), line -> {
                        out.println(line);
                        out.flush();
                    });
            out.println("HTML report written to " + html);
        }
        out.flush();
        return 0;
    }
}
