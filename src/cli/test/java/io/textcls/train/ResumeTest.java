package io.textcls.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.TestCorpora;
import io.textcls.TextclsException;
import io.textcls.TinyTraining;
import io.textcls.classifier.ModelBundle;
import io.textcls.classifier.TextClassifier;
import io.textcls.recipe.Recipe;
import io.textcls.recipe.Recipes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ResumeTest {
    @TempDir
    Path dir;

    /** Thrown from the listener right after a checkpoint is committed: a kill at that moment. */
    static final class Killed extends RuntimeException {
    }

    static List<Recipe> recipes() {
        return List.of(TinyTraining.recipe(4),
                // the pooled recipes' moving parts: bidirectional, max+mean pooling, head+tail, linear decay
                TinyTraining.recipe(4, "architecture=bilstm-pool.v1", "pooling=maxmean", "truncate=HEAD_TAIL",
                        "lr-schedule=LINEAR"),
                // two networks trained side by side on their own threads, as imdb-default does
                Recipes.withAll(Recipes.parse("""
                        {"networks": [{"name": "lstm", "architecture": "lstm-pool.v1"},
                                      {"name": "cnn", "architecture": "cnn-pool.v1"}]}""", "test recipe"),
                        List.of("epochs=4", "patience=4", "hidden-size=16", "embedding-size=16", "vocab-size=200",
                                "min-count=1", "max-length=20", "validation-fraction=0.2", "seed=7", "min-steps=0")));
    }

    @ParameterizedTest
    @MethodSource("recipes")
    void aKilledRunResumedReachesTheSameWeightsAsAnUninterruptedOne(Recipe cfg) throws Exception {
        Path data = TestCorpora.write(dir.resolve("data"), 40, 2);

        Path straight = dir.resolve("straight.zip");
        TinyTraining.train(data, straight, cfg);

        Path resumed = dir.resolve("resumed.zip");
        String firstNetwork = cfg.networks().get(0).name();
        Trainer.Options killAfterEpoch2 = new Trainer.Options(false, 2, 2, line -> {
            if (line.contains("checkpoint: epoch 2 ") && (cfg.networks().size() == 1
                    || line.startsWith("[" + firstNetwork + "]"))) {
                throw new Killed();
            }
        });
        assertThrows(Killed.class, () -> Trainer.run(cfg, data, resumed, killAfterEpoch2));
        assertTrue(Files.exists(dir.resolve("resumed.zip.ckpt/" + firstNetwork + "/state.json")));
        assertTrue(!Files.exists(resumed));

        TextclsException noFlag = assertThrows(TextclsException.class, () -> TinyTraining.train(data, resumed, cfg));
        assertTrue(noFlag.getMessage().contains("--resume"), noFlag.getMessage());

        Recipe changed = Recipes.with(cfg, "hidden-size", "32");
        TextclsException mismatch = assertThrows(TextclsException.class,
                () -> TinyTraining.resume(data, resumed, changed));
        assertTrue(mismatch.getMessage().contains("different recipe"), mismatch.getMessage());

        List<String> after = new ArrayList<>();
        TrainingResult r = Trainer.run(cfg, data, resumed, new Trainer.Options(true, 2, 2, after::add));
        assertTrue(after.stream().anyMatch(l -> l.contains("resuming from")), String.join("\n", after));
        assertEquals(4, r.networks().get(0).history().size());

        List<ModelBundle.Member> a = TextClassifier.load(straight).members();
        List<ModelBundle.Member> b = TextClassifier.load(resumed).members();
        assertEquals(a.size(), b.size());
        for (int k = 0; k < a.size(); k++) {
            assertArrayEquals(a.get(k).weights().toArray(), b.get(k).weights().toArray(),
                    "network " + k + ": resumed weights differ from the uninterrupted run's");
        }
    }
}
