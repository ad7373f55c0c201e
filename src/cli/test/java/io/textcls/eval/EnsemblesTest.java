package io.textcls.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.TestCorpora;
import io.textcls.TextclsException;
import io.textcls.TinyTraining;
import io.textcls.classifier.BundleException;
import io.textcls.classifier.EnsembleWeights;
import io.textcls.classifier.ModelBundle;
import io.textcls.classifier.Prediction;
import io.textcls.classifier.TextClassifier;
import io.textcls.model.Architectures;
import io.textcls.recipe.Recipe;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An ensemble bundle predicts the mean of its members, reloads exactly, and refuses mismatched members. */
class EnsemblesTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path last;
    static Path pooled;

    @BeforeAll
    static void members() throws Exception {
        data = TestCorpora.write(dir.resolve("data"), 60, 1);
        last = dir.resolve("last.zip");
        pooled = dir.resolve("pooled.zip");
        TinyTraining.train(data, last, TinyTraining.config(6)); // lstm-last.v1: the fused engine
        TinyTraining.train(data, pooled, TinyTraining.recipe(6, "architecture=" + Architectures.BILSTM_POOL_V1,
                "pooling=maxmean"));
    }

    /**
     * Asserts that the ensemble's uncalibrated probabilities are {@code wa·a + wb·b} of its two
     * members' for every text (3 labels), and returns the ensemble's predictions.
     */
    private static List<Prediction> assertMixes(TextClassifier ensemble, TextClassifier a, double wa,
            TextClassifier b, double wb, List<String> texts) {
        List<Prediction> pe = ensemble.uncalibrated().classifyAll(texts);
        List<Prediction> pa = a.uncalibrated().classifyAll(texts);
        List<Prediction> pb = b.uncalibrated().classifyAll(texts);
        for (int i = 0; i < texts.size(); i++) {
            for (int k = 0; k < 3; k++) {
                assertEquals(wa * pa.get(i).probs()[k] + wb * pb.get(i).probs()[k], pe.get(i).probs()[k], 1e-6, "doc " + i);
            }
        }
        return pe;
    }

    private static List<String> texts() {
        Random rnd = new Random(5);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            texts.add(TestCorpora.document(rnd, i % 3));
        }
        return texts;
    }

    @Test
    void predictsTheMeanOfItsMembersAndReloadsExactly() throws Exception {
        Path ens = dir.resolve("ensemble.zip");
        Ensembles.Result r = Ensembles.combine(List.of(last, pooled), data, 2);
        Ensembles.write(r, ens);

        TextClassifier e = TextClassifier.load(ens);
        TextClassifier a = TextClassifier.load(last);
        TextClassifier b = TextClassifier.load(pooled);
        assertEquals(2, e.members().size());
        assertEquals(Architectures.LSTM_LAST_V1, e.members().get(0).spec().architecture());
        assertEquals(Architectures.BILSTM_POOL_V1, e.members().get(1).spec().architecture());
        List<String> texts = texts();
        // The networks' own probabilities: each bundle's temperature applies to its own mean.
        List<Prediction> pe = assertMixes(e, a, 0.5, b, 0.5, texts);
        for (int i = 0; i < texts.size(); i++) {
            assertEquals(pe.get(i).probs()[0], e.uncalibrated().classify(texts.get(i)).probs()[0], 1e-6);
            assertEquals(pe.get(i).label(), e.classify(texts.get(i)).label());
        }
        assertEquals(0.0, e.selfTestMaxDifference(), "a fresh load reproduces the ensemble's self-test");
        assertTrue(e.card().selfTest().size() > 0);

        // The card's validation scores are the held-out documents re-scored: evaluate --held-out agrees.
        Set<String> ids = new java.util.HashSet<>();
        ids.addAll(e.card().corpus().validationIds());
        assertEquals(36, ids.size()); // 0.2 of 60 per label, 3 labels
        Evaluator.Result again = Evaluator.evaluate(e, data, List.of(), 2, ids);
        assertEquals(e.card().validation().accuracy(), again.report().accuracy(), 0.0);
        assertEquals(r.validation().report().accuracy(), e.card().validation().accuracy(), 0.0);
        assertTrue(r.validation().report().accuracy() >= 0.9, "ensemble accuracy " + r.validation().report().accuracy());
        assertEquals(2, e.card().result().members().size());
    }

    @Test
    void weightedEnsembleMixesItsMembersAndIsFormat4() throws Exception {
        Path ens = dir.resolve("weighted.zip");
        TextClassifier equal = new TextClassifier(Ensembles.combine(List.of(last, pooled), data, 2).contents());
        List<String> names = equal.members().stream().map(ModelBundle.Member::name).toList();
        equal.withWeights(new EnsembleWeights(names, new double[] {0.2, 0.8}, "a test")).save(ens);
        assertEquals(4, ModelBundle.listing(ens).manifest().path("formatVersion").asInt());
        TextClassifier w = TextClassifier.load(ens);
        assertEquals(0.8, w.weights().weight(1), 0.0);
        assertTrue(w.card().selfTest().size() > 0);
        assertEquals(0.0, w.selfTestMaxDifference(), 1e-6, "the self-test follows the weights");
        assertMixes(w, TextClassifier.load(last), 0.2, TextClassifier.load(pooled), 0.8, texts());
        // Equal weights store nothing: the bundle stays format 3, readable by earlier textcls.
        Path plain = dir.resolve("plain.zip");
        equal.withWeights(EnsembleWeights.equal(names)).save(plain);
        assertEquals(3, ModelBundle.listing(plain).manifest().path("formatVersion").asInt());
        // Weights naming other networks are refused.
        TextclsException e = assertThrows(TextclsException.class, () -> equal.withWeights(
                new EnsembleWeights(List.of("x", "y"), new double[] {0.5, 0.5}, "t")));
        assertTrue(e.getMessage().contains("[x, y]"), e.getMessage());
    }

    @Test
    void refusesMembersTrainedOnAnotherSplit() throws Exception {
        Path other = dir.resolve("other-seed.zip");
        Recipe cfg = TinyTraining.recipe(2, "seed=8");
        TinyTraining.train(data, other, cfg);
        TextclsException e = assertThrows(TextclsException.class,
                () -> Ensembles.combine(List.of(last, other), data, 2));
        assertTrue(e.getMessage().contains("other-seed.zip") && e.getMessage().contains("--seed"), e.getMessage());
        assertThrows(TextclsException.class, () -> Ensembles.combine(List.of(last), data, 2));
    }

    @Test
    void aMissingMemberEntryIsNamed() throws Exception {
        Path ens = dir.resolve("ensemble-broken-src.zip");
        Ensembles.write(Ensembles.combine(List.of(last, pooled), data, 2), ens);
        Path broken = dir.resolve("ensemble-broken.zip");
        try (ZipFile in = new ZipFile(ens.toFile()); OutputStream os = Files.newOutputStream(broken);
             ZipOutputStream out = new ZipOutputStream(os)) {
            for (ZipEntry z : java.util.Collections.list(in.entries())) {
                if (!z.getName().equals("network-2.params")) {
                    out.putNextEntry(new ZipEntry(z.getName()));
                    out.write(in.getInputStream(z).readAllBytes());
                    out.closeEntry();
                }
            }
        }
        BundleException e = assertThrows(BundleException.class, () -> ModelBundle.read(broken));
        assertTrue(e.getMessage().contains("network-2.params"), e.getMessage());
    }
}
