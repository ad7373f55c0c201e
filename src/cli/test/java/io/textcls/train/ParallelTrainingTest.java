package io.textcls.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.textcls.TestCorpora;
import io.textcls.classifier.EnsembleWeights;
import io.textcls.classifier.ModelBundle;
import io.textcls.classifier.TextClassifier;
import io.textcls.eval.Evaluator;
import io.textcls.metrics.EvaluationReport;
import io.textcls.recipe.Recipe;
import io.textcls.recipe.Recipes;
import io.textcls.util.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Networks trained side by side on their own threads get the weights each gets trained alone, and so
 * does a run that measures which way to train them; the ensemble they make weighs them as fitted on
 * the validation split.
 */
class ParallelTrainingTest {
    @TempDir
    Path dir;

    @Test
    void sideBySideEqualsOneAtATimeEqualsAlone() throws Exception {
        Path data = TestCorpora.write(dir.resolve("data"), 40, 6);
        Recipe r = Recipes.withAll(Recipes.parse("""
                {"networks": [{"name": "lstm", "architecture": "lstm-pool.v1"},
                              {"name": "cnn", "architecture": "cnn-pool.v1"},
                              {"name": "ngram", "architecture": "ngram-mean.v1", "hiddenSize": 32}]}""", "test"),
                List.of("epochs=2", "networks.lstm.hiddenSize=8", "networks.cnn.hiddenSize=8", "embedding-size=8",
                        "vocab-size=200", "min-count=1", "max-length=20", "validation-fraction=0.2", "seed=3",
                        "min-steps=0"));
        List<ModelBundle.Member> parallel = train(r, "parallel.zip", 3);
        List<ModelBundle.Member> serial = train(r, "serial.zip", 1);
        List<String> lines = new java.util.ArrayList<>();
        List<ModelBundle.Member> auto = Trainer.run(r, dir.resolve("data"), dir.resolve("auto.zip"),
                new Trainer.Options(false, 2, Trainer.Options.AUTO, lines::add)).classifier().members();
        if (Runtime.getRuntime().availableProcessors() > 1) {
            assertTrue(lines.stream().anyMatch(l -> l.contains("side by side") && l.contains("measured")), lines.toString());
        }
        assertEquals(3, parallel.size());
        for (int k = 0; k < 3; k++) {
            String name = r.networks().get(k).name();
            List<ModelBundle.Member> alone = train(r.only(r.networks().get(k)), name + "-alone.zip", 1);
            assertArrayEquals(serial.get(k).weights().toArray(), parallel.get(k).weights().toArray(), name);
            assertArrayEquals(alone.get(0).weights().toArray(), parallel.get(k).weights().toArray(), name);
            assertArrayEquals(auto.get(k).weights().toArray(), parallel.get(k).weights().toArray(), name + ", auto");
        }
    }

    @Test
    void anEnsembleWeighsItsNetworksAndReportsThemOnDocumentsTheyWereNotFittedOn() throws Exception {
        Path data = TestCorpora.write(dir.resolve("data"), 40, 6);
        Recipe r = Recipes.withAll(Recipes.parse("""
                {"networks": [{"name": "lstm", "architecture": "lstm-pool.v1"},
                              {"name": "ngram", "architecture": "ngram-mean.v1", "hiddenSize": 32}]}""", "test"),
                List.of("epochs=2", "networks.lstm.hiddenSize=8", "embedding-size=8", "vocab-size=200",
                        "min-count=1", "max-length=20", "validation-fraction=0.3", "seed=3", "min-steps=0"));
        Path bundle = dir.resolve("weighted.zip");
        List<String> lines = new java.util.ArrayList<>();
        TrainingResult res = Trainer.run(r, data, bundle, new Trainer.Options(false, 2, 1, lines::add));
        TextClassifier c = TextClassifier.load(bundle);
        JsonNode card = Json.MAPPER.valueToTree(c.card().result().ensembleWeights());
        EnsembleWeights w = c.weights();
        assertEquals(w.weight(0), card.path("weights").path("lstm").asDouble(), 0.0);
        assertEquals(1.0, w.weight(0) + w.weight(1), 1e-9);
        assertTrue(lines.stream().anyMatch(l -> l.contains("ensemble weights fitted")), lines.toString());

        // The reported validation accuracy is the cross-fitted one, which calibrate --weights recomputes from
        // the held-out documents; evaluate --held-out scores them with the weights fitted on all of them.
        Evaluator.Scored s = Evaluator.score(c.uncalibrated(), data, List.of(), 2, c.card().heldOutIds());
        List<TextClassifier.EncodedText> docs = s.tokens().stream().map(t -> c.steps().encodeTokens(List.of(t))).toList();
        EnsembleWeights.Fitted f = EnsembleWeights.fitAndMeasure(List.of("lstm", "ngram"), s.ids(), s.truth(),
                c.steps().memberProbabilities(docs), "again");
        List<String> labels = c.labels().names();
        assertEquals(res.validation().accuracy(), EvaluationReport.of(labels, s.truth(), f.crossFitted()).accuracy(), 0.0);
        assertEquals(c.card().validation().accuracy(), res.validation().accuracy(), 0.0);
        assertEquals(card.path("fittedAccuracy").asDouble(), s.report().accuracy(), 0.0);
        assertArrayEquals(w.weights(), f.weights().weights(), 1e-6);
    }

    private List<ModelBundle.Member> train(Recipe r, String bundle, int parallel) throws Exception {
        return Trainer.run(r, dir.resolve("data"), dir.resolve(bundle), new Trainer.Options(false, 2, parallel, null))
                .classifier().members();
    }
}
