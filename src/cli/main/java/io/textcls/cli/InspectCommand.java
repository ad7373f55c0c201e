package io.textcls.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.textcls.classifier.EnsembleWeights;
import io.textcls.classifier.ModelBundle;
import io.textcls.classifier.ModelCard;
import io.textcls.classifier.TextClassifier;
import io.textcls.util.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code textcls inspect}: what a bundle holds, checked, plus its self-test. */
@Command(name = "inspect", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, showDefaultValues = true,
        description = {"Check a classifier bundle and show what it holds: labels, vocabulary, text pipeline,",
                "network, training config, validation scores; then re-score its self-test documents."})
public final class InspectCommand implements Callable<Integer> {
    /** Largest difference from the recorded self-test probabilities that still counts as the same. */
    static final double SELF_TEST_TOLERANCE = 1e-5;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BUNDLE", description = "The classifier bundle (.zip).")
    Path model;

    @Option(names = "--json", description = "Print the model card as JSON instead of a summary.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        TextClassifier c = TextClassifier.load(model);
        // every entry's SHA-256 (loading checks the parameters by their own CRC-32), and the listing
        ModelBundle.Listing listing = ModelBundle.verifiedListing(model);
        PrintWriter out = spec.commandLine().getOut();
        ModelCard card = c.card();
        if (json) {
            out.println(Json.MAPPER.writeValueAsString(card));
            out.flush();
            return 0;
        }
        JsonNode manifest = listing.manifest();
        out.printf("bundle:     %s (format %s v%d, made by textcls %s with Deeplearning4j %s)%n", model,
                manifest.path("format").asText(), manifest.path("formatVersion").asInt(),
                manifest.path("textclsVersion").asText(), manifest.path("dl4jVersion").asText());
        out.println("labels:     " + c.labels().names());
        out.printf("vocabulary: %,d tokens%n", c.vocabulary().size());
        out.println("pipeline:   " + c.pipelineSettings().text() + ", " + c.pipelineSettings().sequence());
        List<ModelBundle.Member> members = c.members();
        if (members.size() > 1) {
            EnsembleWeights w = c.weights();
            out.printf("ensemble:   %s of %d networks%s%n", w.isEqual() ? "mean probability" : "weighted mean probability",
                    members.size(), w.isEqual() ? "" : " (" + w + "; fitted on " + w.fittedOn() + ")");
        }
        for (ModelBundle.Member m : members) {
            out.printf("network:    %s: %s, %,d parameters%n", m.name(), m.spec(), m.weights().size());
        }
        c.recipe().ifPresent(r -> out.printf("recipe:     %s (%s)%n", r.name(), r.description()));
        out.println(c.temperature().map(t -> String.format(java.util.Locale.ROOT, "temperature: %.4f, fitted on %s "
                + "(ECE %.4f -> %.4f)", t.temperature(), t.fittedOn(), t.eceBefore(), t.eceAfter()))
                .orElse("temperature: none (the networks' own probabilities)"));
        if (card != null) {
            out.println("created:    " + card.createdAt() + " (Java " + card.javaVersion() + ", seed " + card.seed() + ")");
            ModelCard.Result res = card.result();
            if (res != null && res.networks() != null) {
                for (ModelCard.NetworkResult n : res.networks()) {
                    boolean multi = n.validationMicroF1() != null;
                    out.printf("training:   %s: validation %s %.4f, best epoch %s of %d, stopped: %s; %.1f min, "
                                    + "%.1f docs/s%n", n.name() == null ? "network" : n.name(),
                            multi ? "micro-F1" : "accuracy",
                            orNaN(multi ? n.validationMicroF1() : n.validationAccuracy()),
                            n.bestEpoch(), n.history() == null ? 0 : n.history().size(), n.stopReason(),
                            orNaN(n.seconds()) / 60, orNaN(n.trainDocsPerSecond()));
                }
            } else if (res != null && res.members() != null) {
                for (ModelCard.Member m : res.members()) {
                    ModelCard.NetworkResult first = m.result() == null || m.result().networks() == null
                            || m.result().networks().isEmpty() ? null : m.result().networks().get(0);
                    out.printf("member:     %s: validation accuracy %.4f, best epoch %s of %d, %.1f min, %.1f docs/s%n",
                            m.bundle(), orNaN(m.validationAccuracy()), first == null ? "?" : first.bestEpoch(),
                            first == null || first.history() == null ? 0 : first.history().size(),
                            first == null ? Double.NaN : orNaN(first.seconds()) / 60,
                            first == null ? Double.NaN : orNaN(first.trainDocsPerSecond()));
                }
            }
            ModelCard.Corpus corpus = card.corpus();
            if (corpus != null) {
                String fp = corpus.fingerprint() == null ? "?" : corpus.fingerprint();
                out.printf("corpus:     %s (fingerprint %s), %s training / %s validation documents%n",
                        corpus.root(), fp.substring(0, Math.min(16, fp.length())), corpus.trainingDocuments(),
                        corpus.validationDocuments());
            }
            if (card.trainingConfig() != null) {
                out.println("config:     " + Json.MAPPER.writer().without(
                        com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(card.trainingConfig()));
            }
            if (card.validation() != null) {
                out.println("validation:");
                out.println(card.validation().toTable().indent(2).stripTrailing());
            }
        }
        out.print("entries:   ");
        for (Map.Entry<String, Integer> e : listing.entrySizes().entrySet()) {
            out.printf(" %s (%,d B)", e.getKey(), e.getValue());
        }
        out.println();
        out.printf("checksums:  the SHA-256 of all %d entries match the manifest%n", listing.entrySizes().size() - 1);
        int n = card == null || card.selfTest() == null ? 0 : card.selfTest().size();
        double diff = c.selfTestMaxDifference();
        boolean ok = diff <= SELF_TEST_TOLERANCE;
        out.printf("self-test:  %d documents re-scored, largest difference from training-time probabilities %.2e: %s%n",
                n, diff, ok ? "OK" : "MISMATCH (the bundle does not reproduce its training-time predictions)");
        out.flush();
        return ok ? 0 : Main.EXIT_ERROR;
    }

    private static double orNaN(Double d) {
        return d == null ? Double.NaN : d;
    }
}
