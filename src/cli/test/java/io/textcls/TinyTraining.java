package io.textcls;

import io.textcls.encode.SequenceSettings;
import io.textcls.model.Optimization;
import io.textcls.recipe.Recipe;
import io.textcls.recipe.Recipes;
import io.textcls.text.TextPipelineSettings;
import io.textcls.train.Trainer;
import io.textcls.train.TrainingResult;
import java.nio.file.Path;
import java.util.List;

/** A small, fast recipe for tests on {@link TestCorpora}: one lstm-last.v1 network of 16 units. */
public final class TinyTraining {
    private TinyTraining() {
    }

    /** The tiny recipe with {@code key=value} overrides (recipe keys or train's flags). */
    public static Recipe recipe(int epochs, String... overrides) {
        Recipe r = new Recipe("tiny", "tests", 7, Recipe.AUTO_TASK, new Recipe.Split(List.of(), 0.2, null, 0, "none"),
                new Recipe.Text(TextPipelineSettings.defaults().tokenizer(), true, true,
                        TextPipelineSettings.DEFAULT_MAX_RUN_CHARS, 20,
                        SequenceSettings.Truncation.TAIL),
                new Recipe.Vocabulary(200, 1, 1), new Recipe.Embeddings(16, null, false),
                new Recipe.Training(epochs, epochs, 16, 0.02, Optimization.Schedule.CONSTANT, 1e-5, 5.0, 0),
                new Recipe.SelfTraining(Recipe.SelfTraining.NONE, 0.9, 0),
                List.of(new Recipe.Network("net", "lstm-last.v1", 16, 1, null, 0.1, 0.0, 0, true)));
        return Recipes.withAll(r, List.of(overrides));
    }

    /** The tiny recipe, unchanged. */
    public static Recipe config(int epochs) {
        return recipe(epochs);
    }

    public static TrainingResult train(Path data, Path bundle, Recipe recipe) throws Exception {
        return Trainer.run(recipe, data, bundle, new Trainer.Options(false, 2, 2, null));
    }

    /** Trains, resuming from a checkpoint when there is one. */
    public static TrainingResult resume(Path data, Path bundle, Recipe recipe) throws Exception {
        return Trainer.run(recipe, data, bundle, new Trainer.Options(true, 2, 2, null));
    }
}
