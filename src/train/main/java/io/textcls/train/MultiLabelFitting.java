package io.textcls.train;

import io.textcls.classifier.EnsembleWeights;
import io.textcls.classifier.MultiLabelDecision;
import io.textcls.metrics.EvaluationReport;
import io.textcls.metrics.MultiLabelThresholds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * What a multi-label classifier learns on its validation split after its networks are trained:
 * the ensemble's weights (each document-label cell one two-way observation, so the same
 * {@link EnsembleWeights#fit} minimizes the mean binary log loss), the per-label thresholds
 * ({@link MultiLabelThresholds#fit}) and whether every document gets at least one label (kept
 * when it scores better). Reported figures are cross-fitted: each validation document is decided
 * with weights and thresholds fitted on the other {@value EnsembleWeights#FOLDS} folds, so they are
 * measured on documents that did not choose them (with fewer than twice as many validation
 * documents as folds, on the documents themselves); what is stored is fitted on all of them.
 */
final class MultiLabelFitting {
    /** Labels with fewer validation documents than this share one fallback threshold. */
    static final int MIN_POSITIVES = 5;

    private MultiLabelFitting() {
    }

    /**
     * @param weights the fitted ensemble weights (null for one network)
     * @param decision the thresholds fitted on every validation document
     * @param crossFitted the scores of cross-fitted weights and thresholds
     * @param fitted the scores of the stored weights and thresholds on the same documents
     * @param probabilities the validation documents' probabilities with the stored weights
     */
    record Result(EnsembleWeights weights, MultiLabelDecision decision, EvaluationReport crossFitted,
                  EvaluationReport fitted, float[][] probabilities) {
    }

    static Result fit(List<String> members, List<String> labels, List<String> ids, int[][] truth,
                      float[][][] memberProbs, String fittedOn) {
        int n = truth.length;
        int[] fold = folds(ids);
        // Too few documents to leave a fold out: the figures are then measured on the documents fitted on.
        boolean crossFit = n >= 2 * EnsembleWeights.FOLDS;
        // Weights and thresholds fitted once per fold and once on everything; only the decisions depend on the
        // at-least-one rule.
        float[][] crossProbs = new float[n][];
        float[][] crossThresholds = new float[n][];
        for (int f = 0; crossFit && f < EnsembleWeights.FOLDS; f++) {
            List<Integer> in = new ArrayList<>();
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                (fold[i] == f ? out : in).add(i);
            }
            if (out.isEmpty() || in.isEmpty()) {
                continue;
            }
            EnsembleWeights w = weights(members, select(truth, in), select(memberProbs, in), "fold");
            float[][] inProbs = mix(select(memberProbs, in), w);
            float[] t = MultiLabelThresholds.fit(select(truth, in), inProbs, labels.size(), MIN_POSITIVES);
            float[][] outProbs = mix(select(memberProbs, out), w);
            for (int j = 0; j < out.size(); j++) {
                crossProbs[out.get(j)] = outProbs[j];
                crossThresholds[out.get(j)] = t;
            }
        }
        EnsembleWeights w = weights(members, truth, memberProbs, fittedOn);
        float[][] probs = mix(memberProbs, w);
        float[] t = MultiLabelThresholds.fit(truth, probs, labels.size(), MIN_POSITIVES);
        Result best = null;
        for (boolean atLeastOne : new boolean[] {false, true}) {
            MultiLabelDecision d = new MultiLabelDecision(labels, t, atLeastOne, fittedOn);
            EvaluationReport fitted = EvaluationReport.ofMultiLabel(labels, truth, probs, d.decideAll(probs), t);
            EvaluationReport cross = fitted;
            if (crossFit) {
                boolean[][] crossDecided = new boolean[n][];
                for (int i = 0; i < n; i++) {
                    crossDecided[i] = MultiLabelThresholds.decide(crossProbs[i], crossThresholds[i], atLeastOne);
                }
                cross = EvaluationReport.ofMultiLabel(labels, truth, crossProbs, crossDecided, t);
            }
            Result r = new Result(w, d, cross, fitted, probs);
            if (best == null || cross.score() > best.crossFitted().score()) {
                best = r;
            }
        }
        return best;
    }

    /** Weights minimizing the mixture's mean binary log loss over every document-label cell; null for one network. */
    static EnsembleWeights weights(List<String> members, int[][] truth, float[][][] memberProbs, String fittedOn) {
        if (memberProbs.length == 1) {
            return null;
        }
        int k = memberProbs[0].length == 0 ? 0 : memberProbs[0][0].length;
        int cells = truth.length * k;
        int[] y = new int[cells];
        float[][][] p = new float[memberProbs.length][cells][];
        for (int i = 0; i < truth.length; i++) {
            for (int l : truth[i]) {
                y[i * k + l] = 1;
            }
            for (int m = 0; m < memberProbs.length; m++) {
                for (int c = 0; c < k; c++) {
                    float q = memberProbs[m][i][c];
                    p[m][i * k + c] = new float[] {1 - q, q};
                }
            }
        }
        return EnsembleWeights.fit(members, y, p, fittedOn);
    }

    static float[][] mix(float[][][] memberProbs, EnsembleWeights w) {
        return EnsembleWeights.mix(memberProbs, w);
    }

    /** Folds of the documents, seeded by their ids as the single-label weights' folds are. */
    static int[] folds(List<String> ids) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing(ids::get));
        Collections.shuffle(order, new Random(EnsembleWeights.FOLD_SEED));
        int[] fold = new int[ids.size()];
        for (int r = 0; r < order.size(); r++) {
            fold[order.get(r)] = r % EnsembleWeights.FOLDS;
        }
        return fold;
    }

    private static int[][] select(int[][] a, List<Integer> rows) {
        int[][] out = new int[rows.size()][];
        for (int j = 0; j < out.length; j++) {
            out[j] = a[rows.get(j)];
        }
        return out;
    }

    private static float[][][] select(float[][][] a, List<Integer> rows) {
        float[][][] out = new float[a.length][rows.size()][];
        for (int m = 0; m < a.length; m++) {
            for (int j = 0; j < rows.size(); j++) {
                out[m][j] = a[m][rows.get(j)];
            }
        }
        return out;
    }
}
