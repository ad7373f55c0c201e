package io.textcls.metrics;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.textcls.TextclsException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Classification quality on labeled documents: accuracy, log loss, per-label precision, recall,
 * F1 and support, macro-F1, the confusion matrix (rows = true label, columns = predicted) and,
 * for two labels, ROC-AUC of the second label's probability. Immutable (the matrix is copied in and out).
 *
 * <p>A multi-label report ({@link #ofMultiLabel}, {@link #multiLabel()}) also has the micro-averaged
 * scores, samples-F1, subset accuracy, Hamming loss, label ranking average precision and the decision
 * thresholds; its confusion matrix is empty (0 × 0) and its accuracy is the subset accuracy. These
 * components are null in a single-label report, and left out of its JSON, so reports written before
 * they existed read back with them null.
 *
 * @param rocAuc null unless there are exactly two labels and both occur
 * @param microF1 multi-label only: 2TP / (2TP + FP + FN) over all (document, label) cells
 * @param microPrecision multi-label only: TP / (TP + FP) over all cells
 * @param microRecall multi-label only: TP / (TP + FN) over all cells
 * @param samplesF1 multi-label only: mean over documents of the F1 between true and predicted label sets
 * @param subsetAccuracy multi-label only: share of documents whose predicted set is exactly the true one
 * @param hammingLoss multi-label only: share of (document, label) cells predicted wrong
 * @param labelRankingAveragePrecision multi-label only: scikit-learn's label_ranking_average_precision_score
 * @param thresholds multi-label only, and only when given: the per-label decision thresholds, in label order
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvaluationReport(List<String> labels, int documents, double accuracy, double logLoss,
                               List<LabelScores> perLabel, double macroF1, long[][] confusion, Double rocAuc,
                               Double microF1, Double microPrecision, Double microRecall, Double samplesF1,
                               Double subsetAccuracy, Double hammingLoss, Double labelRankingAveragePrecision,
                               List<Double> thresholds) {
    public EvaluationReport {
        labels = List.copyOf(labels);
        perLabel = List.copyOf(perLabel);
        confusion = copy(confusion);
        thresholds = thresholds == null ? null : List.copyOf(thresholds);
    }

    /** Whether this is a multi-label report (it has a micro-F1). Not part of the JSON. */
    @JsonIgnore
    public boolean multiLabel() {
        return microF1 != null;
    }

    /** The figure model selection maximizes: micro-F1 for a multi-label report, accuracy otherwise. Not part of the JSON. */
    @JsonIgnore
    public double score() {
        return multiLabel() ? microF1 : accuracy;
    }

    /** The confusion matrix, rows = true label, columns = predicted (a copy). */
    @Override
    public long[][] confusion() {
        return copy(confusion);
    }

    private static long[][] copy(long[][] m) {
        long[][] c = new long[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }

    /** One label's scores. */
    public record LabelScores(String label, double precision, double recall, double f1, long support) {
    }

    /** Probabilities below this are clamped before the log, so one confident mistake stays finite. */
    static final double MIN_PROB = 1e-7;

    /**
     * Scores predictions.
     *
     * @param labels label names in output order
     * @param truth true label index per document
     * @param probabilities label probabilities per document, in output order
     */
    public static EvaluationReport of(List<String> labels, int[] truth, float[][] probabilities) {
        int k = labels.size();
        int n = truth.length;
        if (probabilities.length != n) {
            throw new IllegalArgumentException(n + " labels but " + probabilities.length + " predictions");
        }
        if (n == 0) {
            throw new TextclsException("nothing to evaluate: no labeled documents");
        }
        long[][] confusion = new long[k][k];
        double loss = 0;
        long correct = 0;
        for (int i = 0; i < n; i++) {
            int pred = argmax(probabilities[i]);
            confusion[truth[i]][pred]++;
            correct += pred == truth[i] ? 1 : 0;
            loss -= Math.log(Math.max(MIN_PROB, probabilities[i][truth[i]]));
        }
        List<LabelScores> per = new ArrayList<>(k);
        double f1Sum = 0;
        for (int c = 0; c < k; c++) {
            long tp = confusion[c][c];
            long predicted = 0;
            long actual = 0;
            for (int j = 0; j < k; j++) {
                predicted += confusion[j][c];
                actual += confusion[c][j];
            }
            double p = predicted == 0 ? 0 : (double) tp / predicted;
            double r = actual == 0 ? 0 : (double) tp / actual;
            double f1 = p + r == 0 ? 0 : 2 * p * r / (p + r);
            f1Sum += f1;
            per.add(new LabelScores(labels.get(c), p, r, f1, actual));
        }
        Double auc = k == 2 ? rocAuc(truth, probabilities) : null;
        return new EvaluationReport(List.copyOf(labels), n, (double) correct / n, loss / n, List.copyOf(per),
                f1Sum / k, confusion, auc, null, null, null, null, null, null, null, null);
    }

    /**
     * Multi-label scores, defined as scikit-learn defines them so that figures compare with published
     * ones; where scikit-learn divides by zero it returns 0 (its default {@code zero_division}), and so
     * does this:
     *
     * <ul>
     *   <li>accuracy and subsetAccuracy: the share of documents whose predicted label set equals the true one;
     *   <li>logLoss: the mean over documents and labels of the binary cross-entropy, probabilities clamped
     *       to [{@value #MIN_PROB}, 1 − {@value #MIN_PROB}];
     *   <li>perLabel: precision TP/(TP+FP), recall TP/(TP+FN), F1 2TP/(2TP+FP+FN), support TP+FN, each 0
     *       where its denominator is (so a label neither true nor predicted anywhere has F1 0);
     *       macroF1: their mean F1;
     *   <li>microF1, microPrecision, microRecall: the same over all (document, label) cells together;
     *   <li>samplesF1: the mean over documents of 2|T∩P|/(|T|+|P|), 0 for a document with both sets empty;
     *   <li>hammingLoss: wrong cells / (documents × labels);
     *   <li>labelRankingAveragePrecision: scikit-learn's {@code label_ranking_average_precision_score}:
     *       per document, the mean over its true labels l of (true labels scoring ≥ l) / (labels scoring ≥ l),
     *       1 for a document with no true label or with every label true; averaged over documents;
     *   <li>confusion: empty (0 × 0); rocAuc: null.
     * </ul>
     *
     * @param labels label names in output order
     * @param truth the true label indices of each document (ascending, possibly empty)
     * @param probabilities {@code probabilities[i][c]} = P(label c) for document i, independent per label
     * @param predicted {@code predicted[i][c]} = whether label c is predicted for document i
     * @param thresholds the per-label thresholds that made {@code predicted}, for the record (may be null);
     *     each is stored as the shortest decimal that reads back as the same float
     * @throws TextclsException if there are no documents
     */
    public static EvaluationReport ofMultiLabel(List<String> labels, int[][] truth, float[][] probabilities,
                                                boolean[][] predicted, float[] thresholds) {
        int k = labels.size();
        int n = truth.length;
        if (probabilities.length != n || predicted.length != n) {
            throw new IllegalArgumentException(n + " label sets but " + probabilities.length + " predictions and "
                    + predicted.length + " decisions");
        }
        if (n == 0) {
            throw new TextclsException("nothing to evaluate: no labeled documents");
        }
        if (k == 0) {
            throw new IllegalArgumentException("no labels");
        }
        if (thresholds != null && thresholds.length != k) {
            throw new IllegalArgumentException(k + " labels but " + thresholds.length + " thresholds");
        }
        long[] tp = new long[k];
        long[] fp = new long[k];
        long[] fn = new long[k];
        long exact = 0;
        long wrongCells = 0;
        double loss = 0;
        double samplesF1 = 0;
        double lrap = 0;
        boolean[] y = new boolean[k];
        for (int i = 0; i < n; i++) {
            if (probabilities[i].length != k || predicted[i].length != k) {
                throw new IllegalArgumentException("document " + i + ": " + probabilities[i].length
                        + " probabilities and " + predicted[i].length + " decisions for " + k + " labels");
            }
            Arrays.fill(y, false);
            for (int c : truth[i]) {
                if (c < 0 || c >= k) {
                    throw new IllegalArgumentException("document " + i + ": label index " + c + " outside 0.." + (k - 1));
                }
                y[c] = true;
            }
            long both = 0;
            long trueCount = 0;
            long predCount = 0;
            long wrong = 0;
            for (int c = 0; c < k; c++) {
                boolean t = y[c];
                boolean p = predicted[i][c];
                trueCount += t ? 1 : 0;
                predCount += p ? 1 : 0;
                if (t && p) {
                    tp[c]++;
                    both++;
                } else if (p) {
                    fp[c]++;
                    wrong++;
                } else if (t) {
                    fn[c]++;
                    wrong++;
                }
                double q = Math.min(1 - MIN_PROB, Math.max(MIN_PROB, probabilities[i][c]));
                loss -= Math.log(t ? q : 1 - q);
            }
            exact += wrong == 0 ? 1 : 0;
            wrongCells += wrong;
            samplesF1 += ratio(2 * both, trueCount + predCount);
            lrap += rankingPrecision(y, (int) trueCount, probabilities[i]);
        }
        List<LabelScores> per = new ArrayList<>(k);
        double f1Sum = 0;
        long tpAll = 0;
        long fpAll = 0;
        long fnAll = 0;
        for (int c = 0; c < k; c++) {
            double f1 = ratio(2 * tp[c], 2 * tp[c] + fp[c] + fn[c]);
            f1Sum += f1;
            per.add(new LabelScores(labels.get(c), ratio(tp[c], tp[c] + fp[c]), ratio(tp[c], tp[c] + fn[c]), f1,
                    tp[c] + fn[c]));
            tpAll += tp[c];
            fpAll += fp[c];
            fnAll += fn[c];
        }
        List<Double> kept = null;
        if (thresholds != null) {
            kept = new ArrayList<>(k);
            for (float t : thresholds) {
                kept.add(Double.parseDouble(Float.toString(t)));
            }
        }
        double subset = (double) exact / n;
        return new EvaluationReport(List.copyOf(labels), n, subset, loss / ((double) n * k), per,
                f1Sum / k, new long[0][0], null, ratio(2 * tpAll, 2 * tpAll + fpAll + fnAll),
                ratio(tpAll, tpAll + fpAll), ratio(tpAll, tpAll + fnAll), samplesF1 / n, subset,
                (double) wrongCells / ((double) n * k), lrap / n, kept);
    }

    /** {@code num / den}, or 0 when {@code den} is 0 (scikit-learn's zero_division=0). */
    static double ratio(long num, long den) {
        return den == 0 ? 0 : (double) num / den;
    }

    /**
     * One document's label ranking average precision (scikit-learn's): the mean over its true labels
     * l of |true labels with score ≥ score(l)| / |labels with score ≥ score(l)|; 1 when no label or
     * every label is true. O(k log k).
     */
    static double rankingPrecision(boolean[] y, int trueCount, float[] scores) {
        int k = scores.length;
        if (trueCount == 0 || trueCount == k) {
            return 1;
        }
        float[] all = scores.clone();
        float[] relevant = new float[trueCount];
        for (int c = 0, r = 0; c < k; c++) {
            if (y[c]) {
                relevant[r++] = scores[c];
            }
        }
        Arrays.sort(all);
        Arrays.sort(relevant);
        double sum = 0;
        for (float s : relevant) {
            long rank = k - lowerBound(all, s);
            long above = trueCount - lowerBound(relevant, s);
            sum += (double) above / rank;
        }
        return sum / trueCount;
    }

    /** Index of the first element of ascending {@code a} that is ≥ {@code v} ({@code a.length} if none). */
    static int lowerBound(float[] a, float v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Index of the largest probability; the first on ties. */
    public static int argmax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * ROC-AUC of label 1's probability as the Mann-Whitney statistic: the chance that a random
     * label-1 document scores above a random label-0 one, ties counting one half.
     */
    static Double rocAuc(int[] truth, float[][] probabilities) {
        int n = truth.length;
        Integer[] idx = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(idx, Comparator.comparingDouble(i -> probabilities[i][1]));
        long pos = Arrays.stream(truth).filter(t -> t == 1).count();
        long neg = n - pos;
        if (pos == 0 || neg == 0) {
            return null;
        }
        double rankSum = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && probabilities[idx[j + 1]][1] == probabilities[idx[i]][1]) {
                j++;
            }
            double avgRank = (i + j) / 2.0 + 1; // 1-based average rank of the tie group
            for (int t = i; t <= j; t++) {
                if (truth[idx[t]] == 1) {
                    rankSum += avgRank;
                }
            }
            i = j + 1;
        }
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /**
     * The report as an aligned text table: the headline figures, the per-label table and, for a
     * single-label report, the confusion matrix (a multi-label report has none; its per-label table
     * also shows each label's threshold, "-" when not recorded).
     */
    public String toTable() {
        if (multiLabel()) {
            return multiLabelTable();
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("documents: %,d   accuracy: %.4f   macro-F1: %.4f   log loss: %.4f", documents, accuracy,
                macroF1, logLoss));
        if (rocAuc != null) {
            sb.append(String.format("   ROC-AUC: %.4f", rocAuc));
        }
        sb.append("\n\n");
        int w = Math.max(9, labels.stream().mapToInt(String::length).max().orElse(5) + 2);
        sb.append(String.format("%-" + w + "s %9s %9s %9s %9s%n", "label", "precision", "recall", "F1", "support"));
        for (LabelScores s : perLabel) {
            sb.append(String.format("%-" + w + "s %9.4f %9.4f %9.4f %9d%n", s.label(), s.precision(), s.recall(), s.f1(),
                    s.support()));
        }
        if (confusion.length != labels.size()) {
            return sb.toString(); // no matrix to show (not one from of())
        }
        sb.append("\nconfusion (rows: true label, columns: predicted)\n");
        sb.append(String.format("%-" + w + "s", ""));
        for (String l : labels) {
            sb.append(String.format(" %" + w + "s", l));
        }
        sb.append('\n');
        for (int r = 0; r < labels.size(); r++) {
            sb.append(String.format("%-" + w + "s", labels.get(r)));
            for (int c = 0; c < labels.size(); c++) {
                sb.append(String.format(" %" + w + "d", confusion[r][c]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private String multiLabelTable() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("documents: %,d   micro-F1: %.4f   macro-F1: %.4f   samples-F1: %.4f   "
                        + "subset accuracy: %.4f   Hamming loss: %.4f   LRAP: %.4f   log loss: %.4f", documents,
                orZero(microF1), macroF1, orZero(samplesF1), orZero(subsetAccuracy), orZero(hammingLoss),
                orZero(labelRankingAveragePrecision), logLoss));
        sb.append(String.format("%nmicro: precision %.4f   recall %.4f%n%n", orZero(microPrecision),
                orZero(microRecall)));
        int w = Math.max(9, labels.stream().mapToInt(String::length).max().orElse(5) + 2);
        sb.append(String.format("%-" + w + "s %9s %9s %9s %9s %9s%n", "label", "threshold", "precision", "recall", "F1",
                "support"));
        for (int c = 0; c < perLabel.size(); c++) {
            LabelScores s = perLabel.get(c);
            String t = thresholds == null || c >= thresholds.size() ? "-" : String.format("%.4f", thresholds.get(c));
            sb.append(String.format("%-" + w + "s %9s %9.4f %9.4f %9.4f %9d%n", s.label(), t, s.precision(), s.recall(),
                    s.f1(), s.support()));
        }
        return sb.toString();
    }

    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }
}
