package io.textcls.classifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.TestCorpora;
import io.textcls.TinyTraining;
import io.textcls.eval.Evaluator;
import io.textcls.model.dl4j.InferenceEngine;
import io.textcls.model.dl4j.Networks;
import io.textcls.train.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The "overfit, save, load, predict the same" test on a three-label corpus written here. */
class TrainSaveLoadTest {
    @TempDir
    static Path dir;
    static Path bundle;
    static TrainingResult result;

    @BeforeAll
    static void train() throws Exception {
        Path data = TestCorpora.write(dir.resolve("data"), 60, 1);
        bundle = dir.resolve("models/tiny.zip");
        result = TinyTraining.train(data, bundle, TinyTraining.config(12));
    }

    @Test
    void learnsTheSeparableCorpus() {
        assertEquals(TestCorpora.LABELS, result.validation().labels());
        assertTrue(result.validation().accuracy() >= 0.95, "validation accuracy " + result.validation().accuracy());
        assertEquals(12, result.networks().get(0).history().size());
        int best = result.networks().get(0).bestEpoch();
        assertTrue(best >= 1 && best <= 12);
        assertFalse(Files.exists(dir.resolve("models/tiny.zip.ckpt")), "checkpoint removed after success");
    }

    @Test
    void reloadedClassifierPredictsExactlyAsTheTrainingProcessDid() {
        TextClassifier c = TextClassifier.load(bundle);
        assertEquals(0.0, c.selfTestMaxDifference());
        assertEquals(3, c.card().selfTest().size());
        Prediction p = c.classify("a superb , wonderful and moving film");
        assertEquals("good", p.label());
        assertEquals(1.0, p.probabilities().values().stream().mapToDouble(Double::doubleValue).sum(), 1e-5);
        assertEquals(List.of("bad", "good", "meh"), List.copyOf(p.probabilities().keySet()));
    }

    @Test
    void batchPredictionsEqualSinglePredictions() {
        TextClassifier c = TextClassifier.load(bundle);
        Random r = new Random(5);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            texts.add(TestCorpora.document(r, i % 3));
        }
        texts.add("");
        List<Prediction> batch = c.classifyAll(texts);
        for (int i = 0; i < texts.size(); i++) {
            Prediction single = c.classify(texts.get(i));
            assertEquals(single.label(), batch.get(i).label());
            for (int k = 0; k < 3; k++) {
                assertEquals(single.probs()[k], batch.get(i).probs()[k], 1e-6, "doc " + i);
            }
        }
        assertTrue(batch.get(texts.size() - 1).empty());
    }

    @Test
    void theRuntimeScoresAsDl4jsLayers() {
        TextClassifier c = TextClassifier.load(bundle);
        Random r = new Random(8);
        List<TextClassifier.EncodedText> docs = new ArrayList<>();
        List<int[]> ids = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            TextClassifier.EncodedText d = c.encode(TestCorpora.document(r, i % 3));
            if (d.ids().length > 0) {
                docs.add(d);
                ids.add(d.ids());
            }
        }
        float[][][] runtime = c.memberProbabilities(docs);
        for (int m = 0; m < c.members().size(); m++) {
            ModelBundle.Member member = c.members().get(m);
            float[][] dl4j = InferenceEngine.of(InferenceEngine.Kind.LAYERS, member.spec(),
                    Networks.build(member.spec(), member.weights())).probabilities(ids, 16);
            for (int i = 0; i < ids.size(); i++) {
                for (int k = 0; k < 3; k++) {
                    assertEquals(dl4j[i][k], runtime[m][i][k], 1e-5, member.name() + " doc " + i);
                }
            }
        }
    }

    @Test
    void saveAndLoadAgainIsIdentical() throws Exception {
        TextClassifier c = TextClassifier.load(bundle);
        Path copy = dir.resolve("copy.zip");
        c.save(copy);
        TextClassifier again = TextClassifier.load(copy);
        String text = "boring and dull , the worst";
        assertArrayEquals(c.classify(text).probs(), again.classify(text).probs());
        assertEquals(c.vocabulary().tokens(), again.vocabulary().tokens());
    }

    @Test
    void evaluatorAgreesWithTheTrainingSplitScores() throws Exception {
        TextClassifier c = TextClassifier.load(bundle);
        Evaluator.Result all = Evaluator.evaluate(c, dir.resolve("data"), List.of(), 2);
        assertEquals(180, all.report().documents());
        assertTrue(all.report().accuracy() >= 0.95, "accuracy " + all.report().accuracy());
    }
}
