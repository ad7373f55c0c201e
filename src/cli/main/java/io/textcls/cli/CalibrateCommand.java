package io.textcls.cli;

import io.textcls.TextclsException;
import io.textcls.classifier.EnsembleWeights;
import io.textcls.classifier.ModelBundle;
import io.textcls.classifier.Prediction;
import io.textcls.classifier.Temperature;
import io.textcls.classifier.TextClassifier;
import io.textcls.corpus.TableCorpus;
import io.textcls.eval.Evaluator;
import io.textcls.metrics.Calibration;
import io.textcls.metrics.EvaluationReport;
import io.textcls.util.OutputLocations;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code textcls calibrate}: fits a bundle's temperature on its held-out validation documents
 * (the ones {@code evaluate --held-out} re-scores) without retraining, for bundles trained before
 * {@code train} fitted one.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, showDefaultValues = true,
        sortOptions = false, description = {"Fit the temperature that calibrates a classifier's probabilities on "
        + "its validation documents and store it in the bundle (train does this itself; this is for bundles "
        + "without one). Labels never change; probabilities become softmax(log(p)/T). With --weights, an "
        + "ensemble's network weights are fitted first."})
public final class CalibrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "The classifier bundle (.zip).")
    Path model;

    @Option(names = "--data", required = true, description = {"The labeled folder it was trained on: the documents "
            + "its model card lists as held out are used. For a classifier trained with --validation <folder>, "
            + "give that folder: all of it is used. A table (.csv, .tsv, .jsonl) is read with the table options."})
    Path data;

    @Mixin
    TableOptions table = new TableOptions();

    @Option(names = "--labels", split = ",", description = "Label folders to use (default: every subfolder but unsup).")
    List<String> labels = List.of();

    @Option(names = "--output", description = "Where to write the calibrated bundle (default: replace --model, atomically).")
    Path output;

    @Option(names = "--threads", description = "Threads for reading and tokenizing.")
    int threads = 2;

    @Option(names = "--weights", description = {"For an ensemble: also fit how much each network counts "
            + "(train does this itself), on the same documents, before the temperature. This can change labels; "
            + "the accuracy printed for the fitted weights is measured on documents they were not fitted on ("
            + EnsembleWeights.FOLDS + "-fold cross-fitting)."})
    boolean weights;

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || threads > EvaluateCommand.MAX_THREADS) {
            throw new TextclsException("--threads must be between 1 and " + EvaluateCommand.MAX_THREADS + ", got "
                    + threads);
        }
        boolean isTable = TableCorpus.isTable(data);
        if (isTable ? !Files.isRegularFile(data) : !Files.isDirectory(data)) {
            throw new TextclsException("--data " + data + " is not a " + (isTable ? "file" : "folder") + " ("
                    + (Files.exists(data) ? "it is a " + (isTable ? "folder" : "file") : "it does not exist")
                    + "); give the labeled folder or table the classifier was trained on");
        }
        Path target = output == null ? model : output;
        OutputLocations.checkWritable(target, "the calibrated bundle", output == null ? "--model" : "--output");
        PrintWriter out = spec.commandLine().getOut();
        TextClassifier classifier = TextClassifier.load(model);
        Set<String> heldOut = classifier.card() == null ? null : classifier.card().heldOutIds();
        if (classifier.multiLabel()) {
            return calibrateLabels(classifier, heldOut, target, out);
        }
        Set<String> only = heldOut;
        String fittedOn;
        if (only != null) {
            fittedOn = "held-out validation documents of " + data.toAbsolutePath().normalize();
            out.printf("fitting on the %,d documents %s held out of %s during training%n", only.size(), model, data);
        } else {
            fittedOn = "every document of " + data.toAbsolutePath().normalize();
            out.printf("%s lists no held-out documents (trained with --validation <folder>): fitting on every "
                    + "document of %s%n", model, data);
        }
        out.flush();
        if (weights && classifier.members().size() < 2) {
            throw new TextclsException("--weights: " + model + " holds one network; only an ensemble has weights");
        }
        Evaluator.Scored s = Evaluator.score(classifier.uncalibrated(), data, labels, threads, only, table.columns(),
                table.skipBadRows);
        float[][] raw = s.raw();
        if (weights) {
            List<TextClassifier.EncodedText> docs = new ArrayList<>();
            for (String[] tokens : s.tokens()) {
                docs.add(classifier.steps().encodeTokens(List.of(tokens)));
            }
            List<String> names = classifier.members().stream().map(ModelBundle.Member::name).toList();
            float[][][] members = classifier.steps().memberProbabilities(docs);
            EnsembleWeights.Fitted f = EnsembleWeights.fitAndMeasure(names, s.ids(), s.truth(), members,
                    fittedOn + ": " + s.truth().length + " documents");
            List<String> known = classifier.labels().names();
            float[][] equal = EnsembleWeights.mix(members, null);
            out.printf("ensemble weights: %s (were: %s)%n", f.weights(), classifier.weights());
            out.printf("accuracy: equal weights %.4f, these weights %.4f measured on documents they were not fitted "
                    + "on (%d-fold cross-fitting), %.4f on the documents they were fitted on%n",
                    EvaluationReport.of(known, s.truth(), equal).accuracy(),
                    EvaluationReport.of(known, s.truth(), f.crossFitted()).accuracy(), EnsembleWeights.FOLDS,
                    EvaluationReport.of(known, s.truth(), f.fitted()).accuracy());
            classifier = classifier.withWeights(f.weights());
            raw = f.fitted();
        }
        Temperature t = Temperature.fit(s.truth(), raw, fittedOn + ": " + s.truth().length + " documents");
        out.printf("documents: %,d   accuracy: %.4f (unchanged by the temperature)%n", s.truth().length,
                EvaluationReport.of(classifier.labels().names(), s.truth(), raw).accuracy());
        out.printf("temperature: %.4f%n", t.temperature());
        out.printf("log loss: %.4f -> %.4f%n", t.logLossBefore(), t.logLossAfter());
        out.printf("expected calibration error (%d bins): %.4f -> %.4f%n", Calibration.DEFAULT_BINS, t.eceBefore(),
                t.eceAfter());
        double[] cross = crossFitted(s.truth(), raw, 42);
        out.printf("2-fold check (fitted on one half, measured on the other): ECE %.4f -> %.4f, log loss %.4f -> "
                + "%.4f%n", cross[0], cross[1], cross[2], cross[3]);
        if (classifier.members().size() > 1) {
            members(classifier, s, out);
        }
        classifier.withTemperature(t).save(target);
        out.println("calibrated bundle written to " + target);
        out.flush();
        return 0;
    }

    /**
     * A multi-label classifier: one temperature per label (each label's probability is its own
     * sigmoid's), fitted on the held-out documents; the label sets stay as they are (decided on the
     * networks' own probabilities with the thresholds train fitted).
     */
    private int calibrateLabels(TextClassifier classifier, Set<String> only, Path target, PrintWriter out)
            throws java.io.IOException {
        if (weights) {
            throw new TextclsException("--weights: " + model + " is multi-label, and train fits its ensemble weights "
                    + "with its thresholds; calibrate fits its per-label temperatures only");
        }
        String fittedOn = (only != null ? "held-out validation documents of " : "every document of ")
                + data.toAbsolutePath().normalize();
        out.printf("fitting one temperature per label on %s%n", fittedOn);
        out.flush();
        Evaluator.Scored s = Evaluator.score(classifier.uncalibrated(), data, labels, threads, only, table.columns(),
                table.skipBadRows);
        int k = classifier.labels().size();
        double[] t = Calibration.fitLabelTemperatures(s.truthSets(), s.raw(), k, MIN_POSITIVES);
        out.printf("documents: %,d; labels with at least %d documents on each side get a temperature of their own "
                + "(the others keep 1)%n", s.truthSets().length, MIN_POSITIVES);
        for (int c = 0; c < k; c++) {
            out.printf("  %s: %.4f%n", classifier.labels().name(c), t[c]);
        }
        out.printf("mean binary log loss: %.4f -> %.4f (label sets unchanged)%n",
                Calibration.multiLabelLogLoss(s.truthSets(), s.raw(), null),
                Calibration.multiLabelLogLoss(s.truthSets(), s.raw(), t));
        classifier.withDecision(classifier.decision().orElseThrow().withTemperatures(t, fittedOn + ": "
                + s.truthSets().length + " documents")).save(target);
        out.println("calibrated bundle written to " + target);
        out.flush();
        return 0;
    }

    /** Labels with fewer held-out documents on either side than this keep temperature 1. */
    static final int MIN_POSITIVES = 5;

    /** For an ensemble, how calibrated each network is alone, and with a temperature of its own (nothing is stored). */
    static void members(TextClassifier ensemble, Evaluator.Scored s, PrintWriter out) {
        List<TextClassifier.EncodedText> docs = new ArrayList<>();
        for (String[] tokens : s.tokens()) {
            docs.add(ensemble.steps().encodeTokens(List.of(tokens)));
        }
        for (ModelBundle.Member m : ensemble.members()) {
            TextClassifier alone = new TextClassifier(new ModelBundle.Contents(ensemble.labels(), ensemble.vocabulary(),
                    ensemble.pipelineSettings(), ensemble.recipe().orElse(null), ensemble.card(), List.of(m)));
            float[][] p = alone.steps().predict(docs).stream().map(Prediction::probs).toArray(float[][]::new);
            double t = Calibration.fitTemperature(s.truth(), p);
            out.printf("  network %s alone: accuracy %.4f, ECE %.4f -> %.4f and log loss %.4f -> %.4f with its own "
                    + "temperature %.4f%n", m.name(), EvaluationReport.of(ensemble.labels().names(), s.truth(), p)
                    .accuracy(), Calibration.ece(s.truth(), p), Calibration.ece(s.truth(), Calibration.scaleAll(p, t)),
                    Calibration.logLoss(s.truth(), p, 1), Calibration.logLoss(s.truth(), p, t), t);
            out.flush();
        }
    }

    /**
     * ECE and log loss before and after a temperature fitted on the other half of a seeded random
     * halving: what the fitted temperature does on documents it was not fitted on.
     *
     * @return ECE before, ECE after, log loss before, log loss after (pooled over both halves)
     */
    static double[] crossFitted(int[] truth, float[][] raw, long seed) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < truth.length; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        int half = truth.length / 2;
        float[][] after = new float[truth.length][];
        for (int fold = 0; fold < 2; fold++) {
            List<Integer> fit = fold == 0 ? order.subList(0, half) : order.subList(half, order.size());
            List<Integer> test = fold == 0 ? order.subList(half, order.size()) : order.subList(0, half);
            int[] ft = fit.stream().mapToInt(i -> truth[i]).toArray();
            float[][] fp = fit.stream().map(i -> raw[i]).toArray(float[][]::new);
            double t = fit.isEmpty() ? 1 : Calibration.fitTemperature(ft, fp);
            for (int i : test) {
                after[i] = Calibration.scale(raw[i], t);
            }
        }
        double lossAfter = 0;
        for (int i = 0; i < truth.length; i++) {
            lossAfter -= Math.log(Math.max(1e-30, after[i][truth[i]]));
        }
        return new double[] {Calibration.ece(truth, raw), Calibration.ece(truth, after),
            Calibration.logLoss(truth, raw, 1), lossAfter / truth.length};
    }
}
