package io.textcls.classifier;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.textcls.metrics.EvaluationReport;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Provenance saved with the weights ({@code card.json}): how, on what and how well the classifier
 * was trained, and a few self-test documents with the probabilities the training process gave
 * them, so any later JVM can check it reproduces them.
 *
 * @param trainingConfig the resolved training options of bundles of formats 1 and 2 (null since:
 *     their recipe is the bundle's {@code recipe.json})
 * @param corpus where the data came from: root, fingerprint, document counts, how the split was made
 * @param result {@code recipe}, {@code seconds} and per network ({@code networks}) its spec, best
 *     epoch, stop reason, per-epoch history and timings; {@code members} for bundles combined by
 *     {@code textcls ensemble}
 * @param validation scores of the saved classifier (the ensemble, for several networks) on the
 *     validation split (null if none)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelCard(String createdAt, String textclsVersion, String dl4jVersion, String javaVersion, long seed,
                        JsonNode trainingConfig, JsonNode corpus, JsonNode result, EvaluationReport validation,
                        List<SelfTestCase> selfTest) {
    /** Key in {@code corpus}: ids of the documents held out for validation. */
    public static final String VALIDATION_IDS = "validationIds";

    /** Ids of the documents held out for validation, or null if the card lists none. */
    @JsonIgnore
    public Set<String> heldOutIds() {
        JsonNode ids = corpus == null ? null : corpus.get(VALIDATION_IDS);
        if (ids == null || !ids.isArray()) {
            return null;
        }
        Set<String> out = new HashSet<>();
        ids.forEach(id -> out.add(id.asText()));
        return out;
    }

    /** A document and the probabilities the training process computed for it. */
    public record SelfTestCase(String id, String text, float[] probabilities) {
    }
}
