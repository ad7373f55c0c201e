package io.textcls.classifier;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A classifier's answer for one document. Immutable (its arrays are copied in and out).
 *
 * @param label the most probable label
 * @param labels all labels, in output order
 * @param probs probability per label, in output order
 * @param tokens tokens the document has (before truncation)
 * @param truncated true if the document had more tokens than the classifier reads
 */
public record Prediction(String label, List<String> labels, float[] probs, int tokens, boolean truncated) {
    public Prediction {
        labels = List.copyOf(labels);
        probs = probs.clone();
        if (probs.length != labels.size()) {
            throw new IllegalArgumentException(probs.length + " probabilities for " + labels.size() + " labels");
        }
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

    /**
     * True if the document had no tokens after the text pipeline: the prediction is then the
     * networks' answer to a document with no words (their prior), not evidence from the text.
     */
    public boolean empty() {
        return tokens == 0;
    }
}
