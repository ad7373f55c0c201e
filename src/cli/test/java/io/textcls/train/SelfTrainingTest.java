package io.textcls.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.textcls.TestCorpora;
import io.textcls.TextclsException;
import io.textcls.TinyTraining;
import io.textcls.classifier.TextClassifier;
import io.textcls.corpus.TokenizedDocument;
import io.textcls.recipe.Recipe;
import io.textcls.recipe.Recipes;
import io.textcls.util.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfTrainingTest {
    @TempDir
    Path dir;

    @Test
    void eachLabelKeepsItsShareOfTheLabeledSplit() {
        int[] train = new int[100];
        for (int i = 60; i < 90; i++) {
            train[i] = 1;
        }
        for (int i = 90; i < 100; i++) {
            train[i] = 2;
        }
        // 100 confident documents labeled 0, 20 labeled 1, 50 labeled 2, and 30 unsure ones.
        int n = 200;
        int[] label = new int[n];
        float[] top = new float[n];
        for (int i = 0; i < n; i++) {
            label[i] = i < 100 ? 0 : i < 120 ? 1 : i < 170 ? 2 : i % 3;
            top[i] = i < 170 ? 0.95f : 0.6f;
        }
        // Label 1 limits: 20 documents are its 30 %, so 66 in all: 40, 20 and 6.
        assertArrayEquals(new int[] {40, 20, 6}, PseudoLabels.shares(train, 3, label, top, 0.9));
        // Without a threshold the unsure ones count too (10 more for each label).
        assertArrayEquals(new int[] {60, 30, 10}, PseudoLabels.shares(train, 3, label, top, 0.0));
        // A label the teacher never predicts with confidence: nothing can keep the shares.
        top[100] = 0.1f;
        for (int i = 100; i < 120; i++) {
            top[i] = 0.1f;
        }
        assertArrayEquals(new int[] {0, 0, 0}, PseudoLabels.shares(train, 3, label, top, 0.9));
    }

    @Test
    void aSampledCorpusSelfTrainsOnTheSameShareOfItsUnlabeledDocuments() throws Exception {
        Path data = TestCorpora.write(dir.resolve("s"), 40, 3); // 40 documents of each of 3 labels
        assertEquals(1.0, Trainer.unlabeledFraction(TinyTraining.recipe(1), data), "no sample: all of them");
        assertEquals(0.25, Trainer.unlabeledFraction(TinyTraining.recipe(1, "sample=10"), data), 1e-12,
                "10 of 40 per label");
        assertEquals(1.0, Trainer.unlabeledFraction(TinyTraining.recipe(1, "sample=100"), data),
                "a sample larger than the corpus keeps all");
    }

    @Test
    void theFolderIsNoneAutoOrOneThatExists() throws Exception {
        Path data = TestCorpora.write(dir.resolve("d"), 2, 1);
        assertNull(new Recipe.SelfTraining("none", 0.9, 0).folder(data));
        assertNull(new Recipe.SelfTraining("auto", 0.9, 0).folder(data), "no unsup/ folder: nothing to self-train on");
        Files.createDirectories(data.resolve("unsup"));
        assertEquals(data.resolve("unsup"), new Recipe.SelfTraining("auto", 0.9, 0).folder(data));
        TextclsException missing = assertThrows(TextclsException.class,
                () -> new Recipe.SelfTraining(dir.resolve("nowhere").toString(), 0.9, 0).folder(data));
        assertTrue(missing.getMessage().contains("--unlabeled") && missing.getMessage().contains("nowhere"),
                missing.getMessage());
        TextclsException threshold = assertThrows(TextclsException.class,
                () -> Recipes.with(TinyTraining.recipe(1), "pseudo-threshold", "1.5"));
        assertTrue(threshold.getMessage().contains("--pseudo-threshold"), threshold.getMessage());
        Recipe r = Recipes.with(TinyTraining.recipe(4), "student-epochs", "2");
        assertEquals(2, r.student().training().epochs());
        assertEquals(4, r.training().epochs(), "the teacher keeps the recipe's epochs");
    }

    @Test
    void theTeacherLabelsWhatItIsSureOfAndTheStudentTrainsOnIt() throws Exception {
        Path data = TestCorpora.write(dir.resolve("data"), 40, 3);
        Path unsup = Files.createDirectories(data.resolve("unsup"));
        Random r = new Random(11);
        for (int i = 0; i < 90; i++) {
            Files.writeString(unsup.resolve(String.format("u%03d.txt", i)), TestCorpora.document(r, i % 3),
                    StandardCharsets.UTF_8);
        }
        // An exact copy of a labeled document, and an empty one: neither may become a pseudo-label.
        Files.copy(data.resolve("good/0003.txt"), unsup.resolve("copy.txt"));
        Files.writeString(unsup.resolve("empty.txt"), "<br />");

        Recipe recipe = TinyTraining.recipe(3, "unlabeled=auto", "pseudo-threshold=0.5", "student-epochs=2");
        List<String> log = new ArrayList<>();
        Path bundle = dir.resolve("m.zip");
        TrainingResult res = Trainer.run(recipe, data, bundle, Trainer.Options.defaults().withListener(log::add));
        String all = String.join("\n", log);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("teacher epoch 3")), all);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("teacher: validation accuracy")), all);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("pseudo-labels: ") && l.contains("of 92 unlabeled")), all);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("epoch 2")), all);
        assertTrue(log.stream().noneMatch(l -> l.startsWith("epoch 3")), "the student stops at 2 epochs: " + all);
        assertTrue(!Files.exists(Path.of(bundle + ".ckpt")), "teacher and student checkpoints go with the run");

        TextClassifier c = TextClassifier.load(bundle);
        JsonNode st = Json.MAPPER.valueToTree(c.card().corpus().selfTraining());
        int pseudo = st.path("pseudoLabeled").asInt();
        assertTrue(pseudo > 30, "a teacher this sure labels most of the 90 documents: " + st);
        assertEquals(92, st.path("documentsRead").asInt(), st.toString());
        assertEquals(st.path("labeledTrainingDocuments").asInt() + pseudo,
                c.card().corpus().trainingDocuments());
        int[] per = {st.path("pseudoLabeledPerLabel").path("bad").asInt(),
            st.path("pseudoLabeledPerLabel").path("good").asInt(), st.path("pseudoLabeledPerLabel").path("meh").asInt()};
        assertEquals(pseudo, per[0] + per[1] + per[2]);
        assertTrue(Math.abs(per[0] - per[1]) <= 1 && Math.abs(per[1] - per[2]) <= 1, "equal labels, equal shares: "
                + st);
        assertTrue(st.path("teacherValidationAccuracy").asDouble() > 0.5, st.toString());
        assertEquals(res.validation().accuracy(), c.card().validation().accuracy(), 1e-9);
        assertEquals(2, c.recipe().orElseThrow().training().epochs(), "the bundle's recipe is the student's");

        // The choice itself: no copy of labeled text, no empty document, the teacher's labels.
        TrainingData d = TrainingData.prepare(data, Trainer.resolve(recipe), 1, l -> { });
        TextClassifier teacher = TextClassifier.load(bundle).uncalibrated();
        PseudoLabels p = PseudoLabels.choose(unsup, d, teacher, 0.0, 1);
        Set<Long> labeled = new HashSet<>();
        d.train().forEach(x -> labeled.add(x.contentHash()));
        d.validation().forEach(x -> labeled.add(x.contentHash()));
        assertEquals(92, p.read());
        for (TokenizedDocument x : p.docs()) {
            assertTrue(!labeled.contains(x.contentHash()) && x.tokens().length > 0, x.id());
            assertTrue(x.id().startsWith("unsup/u"), x.id());
        }
        // A fraction of the unlabeled folder (split.sample's share): a seeded, repeatable subset.
        PseudoLabels half = PseudoLabels.choose(unsup, d, teacher, 0.0, 1, 0.5, 7);
        assertEquals(46, half.read());
        assertEquals(half.read(), PseudoLabels.choose(unsup, d, teacher, 0.0, 1, 0.5, 7).read());
        assertEquals(half.fingerprint(), PseudoLabels.choose(unsup, d, teacher, 0.0, 1, 0.5, 7).fingerprint());
        TrainingData student = d.withPseudoLabeled(p);
        assertEquals(d.train().size() + p.size(), student.trainSequences().size());
        assertEquals(d.validation(), student.validation());
        assertTrue(!student.fingerprint().equals(d.fingerprint()));
    }
}
