package io.textcls.classifier;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.textcls.metrics.EvaluationReport;
import io.textcls.model.NetworkSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Provenance saved with the weights ({@code card.json}): how, on what and how well the classifier
 * was trained, and a few self-test documents with the probabilities the training process gave
 * them, so any later JVM can check it reproduces them. Every part is a record; a bundle of any
 * format reads into them (a format 1 bundle's one network's figures become {@link
 * Result#networks()}' only entry), and unknown fields of later versions are ignored.
 *
 * @param trainingConfig the resolved training options of bundles of formats 1 and 2, as they were
 *     stored (null since: their recipe is the bundle's {@code recipe.json})
 * @param corpus what the classifier was trained on
 * @param result how training went: per network, and the ensemble's weights
 * @param validation scores of the saved classifier (the ensemble, for several networks) on the
 *     validation split (null if none)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelCard(String createdAt, String textclsVersion, String dl4jVersion, String javaVersion, long seed,
                        JsonNode trainingConfig, Corpus corpus, Result result, EvaluationReport validation,
                        List<SelfTestCase> selfTest) {

    /** Ids of the documents held out for validation, or null if the card lists none. */
    @JsonIgnore
    public Set<String> heldOutIds() {
        return corpus == null || corpus.validationIds() == null ? null : new HashSet<>(corpus.validationIds());
    }

    /** This card with other self-test probabilities (the same documents scored another way). */
    public ModelCard withSelfTest(List<SelfTestCase> cases) {
        return new ModelCard(createdAt, textclsVersion, dl4jVersion, javaVersion, seed, trainingConfig, corpus, result,
                validation, cases);
    }

    /** A document and the probabilities the training process computed for it. */
    public record SelfTestCase(String id, String text, float[] probabilities) {
    }

    /**
     * What the classifier was trained on.
     *
     * @param root the corpus folder or table, absolute
     * @param fingerprint SHA-256 over labels, ids and contents
     * @param task {@code single-label} or {@code multi-label} (null before tables)
     * @param skippedRows rows of a table left out as bad ({@code --skip-bad-rows}), null if none
     * @param documentsPerLabel the corpus's documents per label, in label order
     * @param emptyLeftOut documents with no tokens, left out of training
     * @param validationSource how the validation split was made
     * @param validationIds the validation documents' ids, so that {@code evaluate --held-out}
     *     re-scores exactly them (null when a separate validation corpus was named)
     * @param report the corpus report, as training printed it
     * @param selfTraining the teacher and pseudo-labels of a self-trained classifier, else null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Corpus(String root, String fingerprint, String task, List<String> labels, Integer skippedRows,
                         List<Integer> documentsPerLabel, Integer trainingDocuments, Integer validationDocuments,
                         Integer emptyLeftOut, String validationSource, List<String> validationIds, String report,
                         SelfTraining selfTraining) {
    }

    /**
     * How a self-trained classifier's pseudo-labels were made.
     *
     * @param unlabeled the unlabeled folder or table
     * @param threshold the teacher's probability a pseudo-label needed
     * @param teacherNetworks the teacher's networks, trained on the labeled documents only
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SelfTraining(String unlabeled, double threshold, int documentsRead, int confident, int pseudoLabeled,
                               Map<String, Integer> pseudoLabeledPerLabel, int labeledTrainingDocuments,
                               double teacherValidationAccuracy, double teacherValidationLogLoss,
                               List<TeacherNetwork> teacherNetworks) {
    }

    /** One network of a self-training teacher. */
    public record TeacherNetwork(String name, int bestEpoch, double validationAccuracy, double seconds) {
    }

    /**
     * How training went.
     *
     * @param recipe the recipe's name (null before recipes and for ensembles of bundles)
     * @param seconds the whole run, wall time
     * @param networks per network, in the bundle's order
     * @param ensembleWeights how the networks' weights were fitted (null for one network or equal weights)
     * @param members for {@code textcls ensemble}: the bundles combined, each with its own result
     * @param stopReason for {@code textcls ensemble}: what the ensemble is
     * @param memberSeconds for {@code textcls ensemble}: the members' training time together
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(String recipe, Double seconds, List<NetworkResult> networks, EnsembleFit ensembleWeights,
                         List<Member> members, String stopReason, Double memberSeconds) {
        /**
         * Reads every stored shape: a format 1 bundle's result is its one network's figures
         * ({@code bestEpoch}, {@code history}, ...) at the top.
         */
        @JsonCreator
        static Result read(@JsonProperty("recipe") String recipe, @JsonProperty("seconds") Double seconds,
                           @JsonProperty("networks") List<NetworkResult> networks,
                           @JsonProperty("ensembleWeights") EnsembleFit ensembleWeights,
                           @JsonProperty("members") List<Member> members,
                           @JsonProperty("stopReason") String stopReason,
                           @JsonProperty("memberSeconds") Double memberSeconds,
                           @JsonProperty("bestEpoch") Integer bestEpoch,
                           @JsonProperty("trainDocsPerSecond") Double trainDocsPerSecond,
                           @JsonProperty("history") List<EpochStats> history) {
            if (networks == null && members == null && history != null) {
                EpochStats best = bestEpoch == null ? null : history.stream().filter(e -> e.epoch() == bestEpoch)
                        .findFirst().orElse(null);
                networks = List.of(new NetworkResult(null, null, bestEpoch, stopReason, seconds, trainDocsPerSecond,
                        best == null ? null : best.validationAccuracy(), null,
                        best == null ? null : best.validationLoss(), history));
                stopReason = null;
            }
            return new Result(recipe, seconds, networks, ensembleWeights, members, stopReason, memberSeconds);
        }
    }

    /**
     * One network's training.
     *
     * @param name its name in the recipe (null in format 1 bundles, which hold one)
     * @param bestEpoch the epoch whose weights were kept
     * @param validationMicroF1 multi-label networks only
     * @param history every epoch
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NetworkResult(String name, NetworkSpec spec, Integer bestEpoch, String stopReason, Double seconds,
                                Double trainDocsPerSecond, Double validationAccuracy, Double validationMicroF1,
                                Double validationLogLoss, List<EpochStats> history) {
    }

    /**
     * How an ensemble's weights were fitted on the validation split ({@link EnsembleWeights}), with
     * scores measured by cross-fitting ({@code folds} folds: each document scored with weights fitted
     * on the others) and on the documents they were fitted on. Single-label ensembles give
     * accuracies and log losses; multi-label ones micro- and macro-F1 and their at-least-one rule.
     *
     * @param weights per network (null: a multi-label ensemble that kept equal weights)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EnsembleFit(Map<String, Double> weights, int folds, Double crossFittedAccuracy,
                              Double crossFittedLogLoss, Double fittedAccuracy, Double equalWeightsAccuracy,
                              Double equalWeightsLogLoss, Boolean atLeastOne, Double crossFittedMicroF1,
                              Double crossFittedMacroF1, Double fittedMicroF1) {
        /** A single-label ensemble's. */
        public static EnsembleFit singleLabel(Map<String, Double> weights, int folds, double crossFittedAccuracy,
                                              double crossFittedLogLoss, double fittedAccuracy,
                                              double equalWeightsAccuracy, double equalWeightsLogLoss) {
            return new EnsembleFit(weights, folds, crossFittedAccuracy, crossFittedLogLoss, fittedAccuracy,
                    equalWeightsAccuracy, equalWeightsLogLoss, null, null, null, null);
        }

        /** A multi-label classifier's (weights null when its networks count equally). */
        public static EnsembleFit multiLabel(Map<String, Double> weights, int folds, boolean atLeastOne,
                                             double crossFittedMicroF1, double crossFittedMacroF1,
                                             double fittedMicroF1) {
            return new EnsembleFit(weights, folds, null, null, null, null, null, atLeastOne, crossFittedMicroF1,
                    crossFittedMacroF1, fittedMicroF1);
        }
    }

    /**
     * A bundle combined by {@code textcls ensemble}.
     *
     * @param bundle its file name
     * @param networks each network as "name: spec"
     * @param validationAccuracy its own validation accuracy (null if its card had none)
     * @param trainingConfig its training options (formats 1 and 2)
     * @param result its own training result
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Member(String bundle, List<String> networks, Double validationAccuracy, JsonNode trainingConfig,
                         Result result) {
    }
}
