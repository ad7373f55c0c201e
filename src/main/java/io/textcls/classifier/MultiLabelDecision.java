package io.textcls.classifier;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.textcls.metrics.MultiLabelThresholds;
import java.util.List;

/**
 * How a multi-label classifier turns its per-label probabilities into a label set
 * ({@code multilabel.json}, bundle format 5): label c is predicted when its probability reaches
 * its threshold; with {@code atLeastOne}, a document no label reaches gets its most probable one.
 * The thresholds are fitted on the validation split (each label's best F1, a shared one for
 * labels too rare to fit: {@link MultiLabelThresholds#fit}).
 *
 * @param labels the labels, in output order (checked against the bundle's)
 * @param thresholds one per label, in output order, each in (0, 1)
 * @param atLeastOne whether every document gets at least one label
 * @param fittedOn what the thresholds were fitted on, for the record
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MultiLabelDecision(List<String> labels, float[] thresholds, boolean atLeastOne, String fittedOn) {
    public MultiLabelDecision {
        labels = List.copyOf(labels);
        thresholds = thresholds.clone();
        if (thresholds.length != labels.size()) {
            throw new IllegalArgumentException(thresholds.length + " thresholds for " + labels.size() + " labels");
        }
        for (float t : thresholds) {
            if (!(t > 0 && t < 1)) {
                throw new IllegalArgumentException("a threshold must be between 0 and 1 (exclusive), got " + t);
            }
        }
    }

    /** The same threshold for every label. */
    public static MultiLabelDecision constant(List<String> labels, float threshold, boolean atLeastOne) {
        return new MultiLabelDecision(labels, MultiLabelThresholds.constant(labels.size(), threshold), atLeastOne,
                "constant " + threshold);
    }

    @Override
    public float[] thresholds() {
        return thresholds.clone();
    }

    /** The threshold of label {@code index}. */
    public float threshold(int index) {
        return thresholds[index];
    }

    /** Which labels a document with these probabilities gets. */
    public boolean[] decide(float[] probabilities) {
        return MultiLabelThresholds.decide(probabilities, thresholds, atLeastOne);
    }

    /** {@link #decide} for many documents. */
    public boolean[][] decideAll(float[][] probabilities) {
        boolean[][] out = new boolean[probabilities.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = decide(probabilities[i]);
        }
        return out;
    }

    /** Checks that the thresholds are for these labels, in this order. */
    void checkLabels(List<String> bundleLabels, String where) {
        if (!labels.equals(bundleLabels)) {
            throw new IllegalArgumentException(where + " has thresholds for labels " + labels + ", the classifier's "
                    + "labels are " + bundleLabels);
        }
    }
}
