package io.textcls.classifier;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A classifier's answer for one document. Immutable (its arrays are copied in and out).
 *
 * <p>A single-label classifier predicts one label ({@link #label()}), and its probabilities sum
 * to 1. A multi-label classifier ({@link #multiLabel()}) predicts a set of labels ({@link
 * #predictedLabels()}: every label whose probability reaches its threshold, possibly none), and
 * each label's probability is its own (calibrated per label where the classifier has
 * temperatures: the set and {@link #label()} are decided on the networks' own); {@link #label()}
 * is then the label the networks find most probable, whether or not it is in the set.
 *
 * @param label the most probable label
 * @param labels all labels, in output order
 * @param probs probability per label, in output order
 * @param tokens tokens the document has (before truncation)
 * @param truncated true if the document had more tokens than the classifier reads
 * @param predictedLabels the predicted labels, in output order: {@code [label]} for a
 *     single-label classifier, the label set for a multi-label one
 * @param multiLabel whether the classifier is multi-label
 */
public record Prediction(String label, List<String> labels, float[] probs, int tokens, boolean truncated,
                         List<String> predictedLabels, boolean multiLabel) {
    public Prediction {
        labels = List.copyOf(labels);
        probs = probs.clone();
        if (probs.length != labels.size()) {
            throw new IllegalArgumentException(probs.length + " probabilities for " + labels.size() + " labels");
        }
        predictedLabels = predictedLabels == null ? List.of(label) : List.copyOf(predictedLabels);
        if (!multiLabel && (predictedLabels.size() != 1 || !predictedLabels.get(0).equals(label))) {
            throw new IllegalArgumentException("a single-label prediction predicts its one label, got "
                    + predictedLabels + " for " + label);
        }
    }

    /** A single-label prediction. */
    public Prediction(String label, List<String> labels, float[] probs, int tokens, boolean truncated) {
        this(label, labels, probs, tokens, truncated, null, false);
    }

    /** Probability per label, in output order (a copy). */
    @Override
    public float[] probs() {
        return probs.clone();
    }

    /** The probability of label {@code index} (output order). */
    public float probability(int index) {
        return probs[index];
    }

    /** Probability per label name, in output order. */
    public Map<String, Double> probabilities() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            m.put(labels.get(i), (double) probs[i]);
        }
        return m;
    }

    /** The probability of one label. */
    public double probability(String name) {
        int i = labels.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("unknown label '" + name + "'; labels are " + labels);
        }
        return probs[i];
    }

    /** The probability of the predicted label. */
    public double confidence() {
        return probs[labels.indexOf(label)];
    }

    /** Whether a label is predicted (in the set, for a multi-label classifier). */
    public boolean predicts(String name) {
        return predictedLabels.contains(name);
    }

    /**
     * True if the document had no tokens after the text pipeline: the prediction is then the
     * networks' answer to a document with no words (their prior), not evidence from the text.
     */
    public boolean empty() {
        return tokens == 0;
    }
}
