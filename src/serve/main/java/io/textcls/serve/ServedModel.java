package io.textcls.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.textcls.classifier.ModelCard;
import io.textcls.classifier.TextClassifier;
import io.textcls.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The classifier being served, with what {@code GET /v1/model} says about it. Documents are encoded
 * and scored by the same instance, so a reload never mixes one model's vocabulary with another's
 * networks.
 */
final class ServedModel {
    final TextClassifier classifier;
    /** SHA-256 of the bundle file, or null when the classifier did not come from a file. */
    final String sha256;
    final Instant loadedAt;
    /** The body of {@code GET /v1/model}. */
    final byte[] info;

    ServedModel(TextClassifier classifier, Path bundle) {
        this.classifier = classifier;
        this.sha256 = bundle == null ? null : sha256(bundle);
        this.loadedAt = Instant.now();
        this.info = info(classifier, bundle, sha256, loadedAt);
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] info(TextClassifier c, Path bundle, String sha256, Instant loadedAt) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.putPOJO("labels", c.labels().names());
        n.put("task", c.multiLabel() ? "multi-label" : "single-label");
        c.decision().ifPresent(d -> {
            ObjectNode t = n.putObject("thresholds");
            for (int k = 0; k < d.labels().size(); k++) {
                t.put(d.labels().get(k), d.threshold(k));
            }
            n.put("at_least_one", d.atLeastOne());
        });
        n.put("bundle", bundle == null ? null : bundle.toString());
        n.put("sha256", sha256);
        n.put("loaded_at", loadedAt.toString());
        n.put("vocabulary_size", c.vocabulary().size());
        n.putPOJO("networks", c.members().stream().map(m -> {
            ObjectNode net = Json.MAPPER.createObjectNode();
            net.put("name", m.name());
            net.put("architecture", m.spec().architecture());
            net.put("parameters", m.weights().size());
            return net;
        }).toList());
        n.set("recipe", c.recipe().map(r -> (JsonNode) Json.MAPPER.valueToTree(r)).orElse(null));
        ModelCard card = c.card();
        ObjectNode training = n.putObject("training");
        if (card != null) {
            training.put("created_at", card.createdAt());
            training.put("textcls_version", card.textclsVersion());
            training.put("seed", card.seed());
            if (card.validation() != null) {
                JsonNode v = Json.MAPPER.valueToTree(card.validation());
                training.set("validation", v);
            }
            ModelCard.Result res = card.result();
            if (res != null && res.networks() != null) {
                var nets = training.putArray("networks");
                for (ModelCard.NetworkResult r : res.networks()) {
                    ObjectNode o = nets.addObject();
                    o.put("name", r.name());
                    o.put("validation_accuracy", r.validationAccuracy());
                    o.put("best_epoch", r.bestEpoch());
                    o.put("epochs", r.history() == null ? 0 : r.history().size());
                    o.put("stop_reason", r.stopReason());
                    o.put("seconds", r.seconds());
                }
            }
            ModelCard.Corpus source = card.corpus();
            if (source != null) {
                ObjectNode corpus = training.putObject("corpus");
                if (source.root() != null) {
                    corpus.put("root", source.root());
                }
                if (source.fingerprint() != null) {
                    corpus.put("fingerprint", source.fingerprint());
                }
                if (source.trainingDocuments() != null) {
                    corpus.put("trainingDocuments", source.trainingDocuments());
                }
                if (source.validationDocuments() != null) {
                    corpus.put("validationDocuments", source.validationDocuments());
                }
            }
        }
        return Api.bytes(n);
    }
}
