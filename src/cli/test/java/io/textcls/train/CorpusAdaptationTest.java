package io.textcls.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.TestCorpora;
import io.textcls.TextclsException;
import io.textcls.TinyTraining;
import io.textcls.corpus.CorpusReport;
import io.textcls.encode.SequenceSettings;
import io.textcls.recipe.Recipe;
import io.textcls.recipe.Recipes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the default recipe adapts to the corpus it reads: the length cap, the n-gram buckets, balanced losses. */
class CorpusAdaptationTest {
    @TempDir
    Path dir;

    private static CorpusReport lengths(int p99) {
        return new CorpusReport(List.of("a"), new int[] {10}, 10, 0, 0, 0, new int[] {p99 / 2, p99 - 1, p99}, p99 + 5,
                0, 600, null, 0, "Latin 100.0%");
    }

    @Test
    void autoLengthFollowsThe99thPercentileWithinItsBounds() {
        SequenceSettings most = new SequenceSettings(600, SequenceSettings.Truncation.HEAD_TAIL);
        assertEquals(136, TrainingData.fittedLength(most, lengths(129)).maxLength());
        assertEquals(SequenceSettings.Truncation.HEAD_TAIL, TrainingData.fittedLength(most, lengths(129)).truncation());
        assertEquals(64, TrainingData.fittedLength(most, lengths(20)).maxLength());
        assertEquals(600, TrainingData.fittedLength(most, lengths(1041)).maxLength());
        assertEquals(600, TrainingData.fittedLength(most, lengths(599)).maxLength());
        Recipe d = Recipes.defaults();
        assertTrue(d.text().autoLength());
        assertEquals(600, d.text().sequence().maxLength());
        assertEquals(400, Recipes.load("lstm").text().sequence().maxLength(), "an explicit length is kept");
    }

    @Test
    void shortTextsTrainWithTheFittedLengthAndTheBundleSaysSo() throws Exception {
        Path data = TestCorpora.write(dir.resolve("data"), 30, 3);
        List<String> log = new CopyOnWriteArrayList<>();
        Recipe auto = TinyTraining.recipe(2, "text.maxLength=0");
        TrainingResult r = Trainer.run(auto, data, dir.resolve("m.zip"), new Trainer.Options(false, 2, 1, log::add));
        int fitted = r.classifier().pipelineSettings().sequence().maxLength();
        assertEquals(64, fitted, "TestCorpora's documents are a few tokens long");
        assertEquals(64, r.classifier().recipe().orElseThrow().text().maxLength());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("text.maxLength: 64 (auto")), String.join("\n", log));
        assertTrue(log.stream().anyMatch(l -> l.contains("longer than the cap of 64 tokens")), String.join("\n", log));
    }

    @Test
    void theNaiveBayesMemberKeepsItsSizeWithManyLabelsInSingleLabelDataToo() {
        Recipe nb = Recipes.load("ngram-nb");
        Recipe.Network n = nb.networks().get(0);
        assertEquals(2_097_152, nb.networkSpec(n, 30_000, 2).hiddenSize());
        assertEquals(1_048_576, nb.networkSpec(n, 30_000, 4).hiddenSize());
        assertEquals(131_072, nb.networkSpec(n, 30_000, 20).hiddenSize());
        assertEquals(65_536, nb.networkSpec(n, 30_000, 200).hiddenSize());
        Recipe.Network cnn = Recipes.defaults().networks().get(1);
        assertEquals(256, Recipes.defaults().networkSpec(cnn, 30_000, 20).hiddenSize(), "other networks keep theirs");
    }

    @Test
    void balanceWeighsEachLabelByItsRarity() {
        assertNull(Recipes.defaults().labelWeights(new int[] {6390, 3200}));
        Recipe balanced = Recipes.with(Recipes.defaults(), "training.balance", "true");
        float[] w = balanced.labelWeights(new int[] {6390, 3200});
        assertArrayEquals(new float[] {9590f / (2 * 6390f), 9590f / (2 * 3200f)}, w, 1e-6f);
        assertEquals(1f, balanced.labelWeights(new int[] {5, 0, 5})[1], "a label without documents");
        // each weighted label then counts the same in the loss: weight x count is n / labels
        assertEquals(w[0] * 6390, w[1] * 3200, 1e-2);
    }

    @Test
    void balanceTrainsWithTheWeightsSaidAndIsRefusedForMultiLabelData() throws Exception {
        Path data = dir.resolve("skewed");
        Path full = TestCorpora.write(data, 40, 5);
        // make "meh" rare: keep 8 of its 40 documents
        List<Path> meh = new ArrayList<>();
        try (var s = Files.list(full.resolve("meh"))) {
            s.sorted().forEach(meh::add);
        }
        for (Path p : meh.subList(8, meh.size())) {
            Files.delete(p);
        }
        List<String> log = new CopyOnWriteArrayList<>();
        Recipe r = TinyTraining.recipe(2, "training.balance=true");
        TrainingResult result = Trainer.run(r, data, dir.resolve("b.zip"), new Trainer.Options(false, 2, 1, log::add));
        assertTrue(result.classifier().recipe().orElseThrow().training().balance());
        String weights = log.stream().filter(l -> l.contains("label weights in the loss")).findFirst().orElseThrow();
        // 32 bad, 32 good, 7 meh in training (80 %): meh's weight is the largest
        assertTrue(weights.matches(".*bad 0\\.7\\d+, good 0\\.7\\d+, meh 3\\.\\d+.*"), weights);

        StringBuilder rows = new StringBuilder("text,labels\n");
        for (int i = 0; i < 40; i++) {
            rows.append("word").append(i).append(i % 2 == 0 ? " a b c,x|y\n" : " d e f,y\n");
        }
        Path table = Files.writeString(dir.resolve("ml.csv"), rows.toString());
        TextclsException e = assertThrows(TextclsException.class, () -> Trainer.run(r, table, dir.resolve("ml.zip"),
                new Trainer.Options(false, 2, 1, null)));
        assertTrue(e.getMessage().contains("--balance") && e.getMessage().contains("multi-label"), e.getMessage());
    }
}
