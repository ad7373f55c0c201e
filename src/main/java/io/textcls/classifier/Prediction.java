package io.textcls.classifier;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A classifier's answer for one document. Immutable.
 *
 * @param label the most probable label
 * @param labels all labels, in output order
 * @param probs probability per label, in output order
 * @param tokens tokens the document has (before truncation)
 * @param truncated true if the document had more tokens than the classifier reads
 */
public record Prediction(String label, List<String> labels, float[] probs, int tokens, boolean truncated) {
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

    /** True if the document had no tokens: the prediction is then the classifier's prior guess. */
    public boolean empty() {
        return tokens == 0;
    }
}
