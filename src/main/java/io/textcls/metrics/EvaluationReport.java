package io.textcls.metrics;

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
 * @param rocAuc null unless there are exactly two labels and both occur
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvaluationReport(List<String> labels, int documents, double accuracy, double logLoss,
                               List<LabelScores> perLabel, double macroF1, long[][] confusion, Double rocAuc) {
    public EvaluationReport {
        labels = List.copyOf(labels);
        perLabel = List.copyOf(perLabel);
        confusion = copy(confusion);
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
                f1Sum / k, confusion, auc);
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

    /** The report as an aligned text table. */
    public String toTable() {
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
}
