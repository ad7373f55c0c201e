package io.textcls.classifier;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.textcls.TextclsException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * How an ensemble mixes its networks: its probabilities are the weighted mean of theirs, with
 * weights that sum to 1. Without this entry a bundle's networks count equally.
 *
 * <p>{@link #fit} chooses the weights that minimize the log loss of the mixture on labeled
 * documents (the validation split), by the EM algorithm for mixture weights: each step gives each
 * network the mean share of the true label's probability it contributes. The log loss of a
 * mixture is convex in its weights, and each step lowers it, so this finds the best weights
 * whatever the start. {@link #crossFitted} measures the procedure on documents the weights were
 * not fitted on.
 *
 * @param members the networks' names, in the bundle's order
 * @param weights one per network, each at least 0, summing to 1
 * @param fittedOn what the weights were fitted on, for the reader
 */
public record EnsembleWeights(List<String> members, double[] weights, String fittedOn) {
    /** EM steps at most; it stops earlier once no weight moves by more than {@link #TOLERANCE}. */
    static final int MAX_STEPS = 1000;
    static final double TOLERANCE = 1e-7;

    @JsonCreator
    public EnsembleWeights(@JsonProperty("members") List<String> members, @JsonProperty("weights") double[] weights,
                           @JsonProperty("fittedOn") String fittedOn) {
        if (members == null || weights == null || members.size() != weights.length || weights.length < 1) {
            throw new IllegalArgumentException("ensemble weights need one weight per network (got "
                    + (members == null ? "no" : members.size()) + " names and "
                    + (weights == null ? "no" : weights.length) + " weights)");
        }
        double sum = 0;
        for (double w : weights) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("ensemble weights must be finite and at least 0, got " + w);
            }
            sum += w;
        }
        if (Math.abs(sum - 1) > 1e-6) {
            throw new IllegalArgumentException("ensemble weights must sum to 1, these sum to " + sum);
        }
        this.members = List.copyOf(members);
        this.weights = weights.clone();
        this.fittedOn = fittedOn;
    }

    @Override
    public double[] weights() {
        return weights.clone();
    }

    /** The weight of network {@code k}. */
    public double weight(int k) {
        return weights[k];
    }

    /** Equal weights for these networks: what a bundle without this entry does. */
    public static EnsembleWeights equal(List<String> members) {
        double[] w = new double[members.size()];
        java.util.Arrays.fill(w, 1.0 / members.size());
        return new EnsembleWeights(members, w, "equal");
    }

    /**
     * The weights that minimize the mixture's log loss on these documents.
     *
     * @param truth each document's label
     * @param memberProbs {@code [network][document][label]}: each network's probabilities
     */
    public static EnsembleWeights fit(List<String> members, int[] truth, float[][][] memberProbs, String fittedOn) {
        check(members, truth, memberProbs);
        int m = memberProbs.length;
        double[] w = new double[m];
        java.util.Arrays.fill(w, 1.0 / m);
        if (m == 1 || truth.length == 0) {
            return new EnsembleWeights(members, w, fittedOn);
        }
        double[] next = new double[m];
        for (int step = 0; step < MAX_STEPS; step++) {
            java.util.Arrays.fill(next, 0);
            for (int i = 0; i < truth.length; i++) {
                double mix = 0;
                for (int k = 0; k < m; k++) {
                    mix += w[k] * floor(memberProbs[k][i][truth[i]]);
                }
                for (int k = 0; k < m; k++) {
                    next[k] += w[k] * floor(memberProbs[k][i][truth[i]]) / mix;
                }
            }
            double moved = 0;
            double sum = 0;
            for (int k = 0; k < m; k++) {
                next[k] /= truth.length;
                sum += next[k];
            }
            for (int k = 0; k < m; k++) {
                next[k] /= sum;
                moved = Math.max(moved, Math.abs(next[k] - w[k]));
                w[k] = next[k];
            }
            if (moved < TOLERANCE) {
                break;
            }
        }
        return new EnsembleWeights(members, w, fittedOn);
    }

    /**
     * Each document's mixture probabilities with weights fitted on the other folds of a seeded
     * random split into {@code folds}: what fitted weights do on documents they were not fitted on.
     * The folds depend on the documents' ids and the seed, not on their order.
     */
    public static float[][] crossFitted(List<String> members, List<String> ids, int[] truth, float[][][] memberProbs,
                                        int folds, long seed) {
        check(members, truth, memberProbs);
        if (folds < 2) {
            throw new IllegalArgumentException("cross-fitting needs at least 2 folds, got " + folds);
        }
        if (ids.size() != truth.length) {
            throw new IllegalArgumentException(ids.size() + " document ids for " + truth.length + " labels");
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < truth.length; i++) {
            order.add(i);
        }
        order.sort(java.util.Comparator.comparing(ids::get));
        Collections.shuffle(order, new Random(seed));
        int[] fold = new int[truth.length];
        for (int r = 0; r < order.size(); r++) {
            fold[order.get(r)] = r % folds;
        }
        float[][] out = new float[truth.length][];
        for (int f = 0; f < folds; f++) {
            int fitted = 0;
            for (int x : fold) {
                fitted += x != f ? 1 : 0;
            }
            int[] t = new int[fitted];
            float[][][] p = new float[memberProbs.length][fitted][];
            int n = 0;
            for (int i = 0; i < truth.length; i++) {
                if (fold[i] != f) {
                    t[n] = truth[i];
                    for (int k = 0; k < memberProbs.length; k++) {
                        p[k][n] = memberProbs[k][i];
                    }
                    n++;
                }
            }
            EnsembleWeights w = fit(members, t, p, "fold");
            for (int i = 0; i < truth.length; i++) {
                if (fold[i] == f) {
                    out[i] = w.mix(memberProbs, i);
                }
            }
        }
        return out;
    }

    /** Folds of labeled documents that measure fitted weights on documents they were not fitted on. */
    public static final int FOLDS = 5;
    /** Seeds the folds (with the documents' ids: the same documents always get the same folds). */
    public static final long FOLD_SEED = 42;

    /**
     * Weights fitted on labeled documents, and how they do.
     *
     * @param weights fitted on every document
     * @param crossFitted each document's probabilities with weights fitted on the other
     *     {@value #FOLDS} folds: how the fitted weights do on documents they were not fitted on
     * @param fitted each document's probabilities with {@code weights}
     */
    public record Fitted(EnsembleWeights weights, float[][] crossFitted, float[][] fitted) {
    }

    /** {@link #fit} on every document, and {@link #crossFitted} over {@value #FOLDS} folds. */
    public static Fitted fitAndMeasure(List<String> members, List<String> ids, int[] truth, float[][][] memberProbs,
                                       String fittedOn) {
        EnsembleWeights w = fit(members, truth, memberProbs, fittedOn);
        return new Fitted(w, crossFitted(members, ids, truth, memberProbs, FOLDS, FOLD_SEED), w.mixAll(memberProbs));
    }

    /** The mixture of document {@code i}'s probabilities. */
    float[] mix(float[][][] memberProbs, int i) {
        float[] out = new float[memberProbs[0][i].length];
        for (int k = 0; k < memberProbs.length; k++) {
            for (int l = 0; l < out.length; l++) {
                out[l] += (float) (weights[k] * memberProbs[k][i][l]);
            }
        }
        return out;
    }

    /** The mixture of every document's probabilities. */
    public float[][] mixAll(float[][][] memberProbs) {
        float[][] out = new float[memberProbs[0].length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = mix(memberProbs, i);
        }
        return out;
    }

    /**
     * What a bundle predicts from its networks' probabilities {@code [network][document][label]}:
     * their mixture with {@code weights}, or with none (equal weights) their sum divided by their
     * number, the arithmetic of every bundle before weights. One network's are returned as they are.
     */
    public static float[][] mix(float[][][] memberProbs, EnsembleWeights weights) {
        if (memberProbs.length == 1) {
            return memberProbs[0];
        }
        if (weights != null) {
            return weights.mixAll(memberProbs);
        }
        float[][] out = new float[memberProbs[0].length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = memberProbs[0][i].clone();
            for (int k = 1; k < memberProbs.length; k++) {
                for (int l = 0; l < out[i].length; l++) {
                    out[i][l] += memberProbs[k][i][l];
                }
            }
            for (int l = 0; l < out[i].length; l++) {
                out[i][l] /= memberProbs.length;
            }
        }
        return out;
    }

    /** Whether every network counts the same. */
    @JsonIgnore
    public boolean isEqual() {
        for (double w : weights) {
            if (Math.abs(w - 1.0 / weights.length) > 1e-12) {
                return false;
            }
        }
        return true;
    }

    /** Checks these weights belong to networks of these names, in this order. */
    void checkMembers(List<String> names, String where) {
        if (!members.equals(names)) {
            throw new TextclsException(where + " weighs the networks " + members + " but the bundle holds " + names
                    + ": the bundle was edited or is not from textcls; copy it again or retrain");
        }
    }

    private static double floor(float p) {
        return Math.max(p, 1e-12);
    }

    private static void check(List<String> members, int[] truth, float[][][] memberProbs) {
        if (memberProbs.length != members.size()) {
            throw new IllegalArgumentException(memberProbs.length + " networks' probabilities for " + members.size()
                    + " names");
        }
        for (float[][] p : memberProbs) {
            if (p.length != truth.length) {
                throw new IllegalArgumentException("probabilities for " + p.length + " documents, labels for "
                        + truth.length);
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnsembleWeights e && members.equals(e.members) && java.util.Arrays.equals(weights, e.weights)
                && java.util.Objects.equals(fittedOn, e.fittedOn);
    }

    @Override
    public int hashCode() {
        return members.hashCode() * 31 + java.util.Arrays.hashCode(weights);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < weights.length; k++) {
            b.append(k == 0 ? "" : ", ").append(members.get(k)).append(String.format(" %.3f", weights[k]));
        }
        return b.toString();
    }
}
