package io.textcls.eval;

import io.textcls.TextclsException;
import io.textcls.classifier.Prediction;
import io.textcls.classifier.Temperature;
import io.textcls.classifier.TextClassifier;
import io.textcls.corpus.CorpusLoader;
import io.textcls.corpus.FolderCorpus;
import io.textcls.corpus.TableColumns;
import io.textcls.corpus.TableCorpus;
import io.textcls.corpus.TextFiles;
import io.textcls.corpus.TokenizedDocument;
import io.textcls.metrics.Calibration;
import io.textcls.metrics.EvaluationReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Scores a classifier on a labeled folder tree or table read exactly as training reads one (same
 * folder and table rules, same text pipeline, taken from the bundle); a multi-label classifier on a
 * table whose rows carry label sets. Empty documents (no tokens) are in the
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
     * @param truthSets each document's true labels, for a multi-label classifier (else null)
     * @param skipped bad table rows skipped ({@code --skip-bad-rows}); empty for folders
     */
    public record Scored(List<String> ids, List<String[]> tokens, int[] truth, float[][] raw, float[][] probabilities,
                         EvaluationReport report, CorpusLoader.Stats stats, int emptyDocuments, int[][] truthSets,
                         List<TableCorpus.SkippedRow> skipped) {
        public Scored(List<String> ids, List<String[]> tokens, int[] truth, float[][] raw, float[][] probabilities,
                      EvaluationReport report, CorpusLoader.Stats stats, int emptyDocuments) {
            this(ids, tokens, truth, raw, probabilities, report, stats, emptyDocuments, null, List.of());
        }
    }

    /**
     * As {@link #score(TextClassifier, Path, List, int, Set)} for a folder tree or a table
     * ({@link TableCorpus#isTable}: CSV, TSV or JSONL, read with {@code columns}).
     */
    public static Scored score(TextClassifier classifier, Path data, List<String> labels, int threads, Set<String> only,
                               TableColumns columns, boolean skipBadRows) {
        if (!TableCorpus.isTable(data)) {
            if (classifier.multiLabel()) {
                throw new TextclsException(data + " is a folder tree (one label per document), but the classifier is "
                        + "multi-label: evaluate it on a table whose rows carry label sets");
            }
            return score(classifier, data, labels, threads, only);
        }
        TableCorpus table = TableCorpus.open(data, columns);
        List<String> known = classifier.labels().names();
        List<String> wanted = labels.isEmpty() ? List.of() : labels;
        for (String l : wanted) {
            if (!known.contains(l)) {
                throw new TextclsException("--labels names '" + l + "', which is not a label of the classifier (its "
                        + "labels: " + known + ")");
            }
        }
        TableCorpus.Loaded t = table.load(classifier.steps().pipeline(), threads, wanted.isEmpty() ? known : wanted,
                classifier.multiLabel() ? Boolean.TRUE : Boolean.FALSE, skipBadRows, only);
        CorpusLoader.Loaded loaded = t.corpus();
        int[] toModel = new int[loaded.labels().size()];
        for (int i = 0; i < toModel.length; i++) {
            toModel[i] = known.indexOf(loaded.labels().get(i));
            if (toModel[i] < 0) {
                throw new TextclsException(data + ": label '" + loaded.labels().get(i) + "' is not a label of the "
                        + "classifier (its labels: " + known + "); pick labels with --labels");
            }
        }
        List<TokenizedDocument> documents = loaded.documents();
        List<TextClassifier.EncodedText> docs = new ArrayList<>(documents.size());
        int[] truth = new int[documents.size()];
        int[][] sets = new int[documents.size()][];
        int empty = 0;
        for (int i = 0; i < truth.length; i++) {
            TokenizedDocument d = documents.get(i);
            docs.add(classifier.steps().encodeTokens(List.of(d.tokens())));
            int[] s = d.labelSet();
            for (int k = 0; k < s.length; k++) {
                s[k] = toModel[s[k]];
            }
            java.util.Arrays.sort(s);
            sets[i] = s;
            truth[i] = s.length == 0 ? -1 : s[0];
            empty += d.tokens().length == 0 ? 1 : 0;
        }
        if (!classifier.multiLabel()) {
            Scored sc = scoreSingle(classifier, docs, truth, known, documents, loaded.stats(), empty);
            return new Scored(sc.ids(), sc.tokens(), sc.truth(), sc.raw(), sc.probabilities(), sc.report(), sc.stats(),
                    sc.emptyDocuments(), null, t.skipped());
        }
        // Label sets are decided on the networks' own probabilities; reported, each label's is calibrated.
        List<Prediction> preds = classifier.uncalibrated().steps().predict(docs);
        float[][] raw = new float[preds.size()][];
        float[][] probs = new float[preds.size()][];
        boolean[][] predicted = new boolean[preds.size()][];
        for (int i = 0; i < probs.length; i++) {
            raw[i] = preds.get(i).probs();
            probs[i] = classifier.steps().calibrated(raw[i]);
            predicted[i] = new boolean[known.size()];
            for (String l : preds.get(i).predictedLabels()) {
                predicted[i][known.indexOf(l)] = true;
            }
        }
        float[] thresholds = classifier.decision().orElseThrow().thresholds();
        EvaluationReport report = EvaluationReport.ofMultiLabel(known, sets, probs, predicted, thresholds);
        return new Scored(documents.stream().map(TokenizedDocument::id).toList(),
                documents.stream().map(TokenizedDocument::tokens).toList(), truth, raw, probs, report, loaded.stats(),
                empty, sets, t.skipped());
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
        CorpusLoader.Loaded loaded = CorpusLoader.load(corpus, classifier.steps().pipeline(), threads,
                TextFiles.DEFAULT_MAX_BYTES);
        List<TextClassifier.EncodedText> docs = new ArrayList<>(loaded.documents().size());
        int[] truth = new int[loaded.documents().size()];
        int empty = 0;
        for (int i = 0; i < truth.length; i++) {
            TokenizedDocument d = loaded.documents().get(i);
            docs.add(classifier.steps().encodeTokens(List.of(d.tokens())));
            truth[i] = toModel[d.label()];
            empty += d.tokens().length == 0 ? 1 : 0;
        }
        return scoreSingle(classifier, docs, truth, known, loaded.documents(), loaded.stats(), empty);
    }

    private static Scored scoreSingle(TextClassifier classifier, List<TextClassifier.EncodedText> docs, int[] truth,
                                      List<String> known, List<TokenizedDocument> documents, CorpusLoader.Stats stats,
                                      int empty) {
        List<Prediction> preds = classifier.uncalibrated().steps().predict(docs);
        float[][] raw = new float[preds.size()][];
        float[][] probs = new float[preds.size()][];
        double t = classifier.temperature().map(Temperature::temperature).orElse(1.0);
        List<String> ids = new ArrayList<>(raw.length);
        List<String[]> tokens = new ArrayList<>(raw.length);
        for (int i = 0; i < probs.length; i++) {
            raw[i] = preds.get(i).probs();
            probs[i] = Calibration.scale(raw[i], t);
            ids.add(documents.get(i).id());
            tokens.add(documents.get(i).tokens());
        }
        return new Scored(ids, tokens, truth, raw, probs, EvaluationReport.of(known, truth, probs), stats, empty);
    }
}
