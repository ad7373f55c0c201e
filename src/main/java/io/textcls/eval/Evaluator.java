package io.textcls.eval;

import io.textcls.TextclsException;
import io.textcls.classifier.Prediction;
import io.textcls.classifier.Temperature;
import io.textcls.classifier.TextClassifier;
import io.textcls.corpus.CorpusLoader;
import io.textcls.corpus.FolderCorpus;
import io.textcls.corpus.TextFiles;
import io.textcls.corpus.TokenizedDocument;
import io.textcls.metrics.Calibration;
import io.textcls.metrics.EvaluationReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Scores a classifier on a labeled folder tree read exactly as training reads one (same folder
 * rules, same text pipeline, taken from the bundle). Empty documents (no tokens) are in the
 * metrics, classified as scoring classifies them: by the network's answer to a document with no
 * words (one {@code <unk>}), its prior; binary and unreadable files are left out.
 */
public final class Evaluator {
    private Evaluator() {
    }

    /**
     * The outcome: the report plus what reading the folder met.
     *
     * @param emptyDocuments documents with no tokens, included in the report with the network's prior
     */
    public record Result(EvaluationReport report, CorpusLoader.Stats stats, int emptyDocuments) {
    }

    /**
     * @param labels label folders to use (empty: every subfolder but unsup); each must be a label
     *     of the classifier
     */
    public static Result evaluate(TextClassifier classifier, Path data, List<String> labels, int threads) {
        return evaluate(classifier, data, labels, threads, null);
    }

    /**
     * @param only if not null, evaluate only documents with these ids (paths relative to data)
     */
    public static Result evaluate(TextClassifier classifier, Path data, List<String> labels, int threads,
                                  Set<String> only) {
        Scored s = score(classifier, data, labels, threads, only);
        return new Result(s.report(), s.stats(), s.emptyDocuments());
    }

    /**
     * Every document's prediction, for reports that look past the metrics.
     *
     * @param ids document ids (paths relative to the data folder), in reading order
     * @param tokens each document's tokens from the classifier's pipeline
     * @param truth true label index (classifier's output order) per document
     * @param raw the networks' own probabilities (no temperature)
     * @param probabilities the classifier's probabilities (with its temperature, if it has one)
     * @param report the metrics of {@code probabilities}
     */
    public record Scored(List<String> ids, List<String[]> tokens, int[] truth, float[][] raw, float[][] probabilities,
                         EvaluationReport report, CorpusLoader.Stats stats, int emptyDocuments) {
    }

    /** As {@link #evaluate}, keeping every document's tokens and probabilities. */
    public static Scored score(TextClassifier classifier, Path data, List<String> labels, int threads,
                               Set<String> only) {
        FolderCorpus corpus = FolderCorpus.scan(data, labels);
        if (only != null) {
            corpus = corpus.restrictTo(only);
        }
        List<String> known = classifier.labels().names();
        int[] toModel = new int[corpus.labels().size()];
        for (int i = 0; i < toModel.length; i++) {
            toModel[i] = known.indexOf(corpus.labels().get(i));
            if (toModel[i] < 0) {
                throw new TextclsException("folder " + data.resolve(corpus.labels().get(i)) + " is not a label of "
                        + "the classifier (its labels: " + known + "); pick folders with --labels");
            }
        }
        CorpusLoader.Loaded loaded = CorpusLoader.load(corpus, classifier.pipeline(), threads,
                TextFiles.DEFAULT_MAX_BYTES);
        List<TextClassifier.EncodedText> docs = new ArrayList<>(loaded.documents().size());
        int[] truth = new int[loaded.documents().size()];
        int empty = 0;
        for (int i = 0; i < truth.length; i++) {
            TokenizedDocument d = loaded.documents().get(i);
            docs.add(classifier.encodeTokens(List.of(d.tokens())));
            truth[i] = toModel[d.label()];
            empty += d.tokens().length == 0 ? 1 : 0;
        }
        List<Prediction> preds = classifier.uncalibrated().predict(docs);
        float[][] raw = new float[preds.size()][];
        float[][] probs = new float[preds.size()][];
        double t = classifier.temperature().map(Temperature::temperature).orElse(1.0);
        List<String> ids = new ArrayList<>(raw.length);
        List<String[]> tokens = new ArrayList<>(raw.length);
        for (int i = 0; i < probs.length; i++) {
            raw[i] = preds.get(i).probs();
            probs[i] = Calibration.scale(raw[i], t);
            ids.add(loaded.documents().get(i).id());
            tokens.add(loaded.documents().get(i).tokens());
        }
        return new Scored(ids, tokens, truth, raw, probs, EvaluationReport.of(known, truth, probs), loaded.stats(),
                empty);
    }
}
