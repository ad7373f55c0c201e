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
 * @param temperatures per label, the temperature its reported probability is rescaled by,
 *     {@code sigmoid(logit(p) / T)} (calibration: the label set is decided on the networks' own
 *     probabilities, so it never changes); null: none (bundles written before per-label
 *     calibration, and {@link #uncalibrated})
 * @param calibratedOn what the temperatures were fitted on (null without them)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MultiLabelDecision(List<String> labels, float[] thresholds, boolean atLeastOne, String fittedOn,
                                 double[] temperatures, String calibratedOn) {
    /** Thresholds without per-label temperatures. */
    public MultiLabelDecision(List<String> labels, float[] thresholds, boolean atLeastOne, String fittedOn) {
        this(labels, thresholds, atLeastOne, fittedOn, null, null);
    }

    public MultiLabelDecision {
        labels = List.copyOf(labels);
        thresholds = thresholds.clone();
        if (temperatures != null) {
            temperatures = temperatures.clone();
            if (temperatures.length != labels.size()) {
                throw new IllegalArgumentException(temperatures.length + " temperatures for " + labels.size()
                        + " labels");
            }
            for (double t : temperatures) {
                if (!(t > 0) || Double.isInfinite(t)) {
                    throw new IllegalArgumentException("a temperature must be positive and finite, got " + t);
                }
            }
        }
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

    @Override
    public double[] temperatures() {
        return temperatures == null ? null : temperatures.clone();
    }

    /** The same thresholds with per-label temperatures (null: none). */
    public MultiLabelDecision withTemperatures(double[] t, String on) {
        return new MultiLabelDecision(labels, thresholds, atLeastOne, fittedOn, t, t == null ? null : on);
    }

    /** The same thresholds, the probabilities reported as the networks give them. */
    public MultiLabelDecision uncalibrated() {
        return temperatures == null ? this : withTemperatures(null, null);
    }

    /** The probabilities reported for networks' probabilities {@code raw}: each label's rescaled by its temperature. */
    public float[] calibrate(float[] raw) {
        float[] out = raw.clone();
        if (temperatures != null) {
            for (int c = 0; c < out.length; c++) {
                out[c] = io.textcls.metrics.Calibration.scaleBinary(raw[c], temperatures[c]);
            }
        }
        return out;
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
