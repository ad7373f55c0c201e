package io.textcls.train;

import io.textcls.classifier.EpochStats;
import io.textcls.recipe.Recipe;
import java.util.List;

/** Timing of training passes, for {@code textcls bench} and benchmark scripts; not part of training's API. */
public final class TrainingBenchmarks {
    private TrainingBenchmarks() {
    }

    /**
     * One training pass of a new network (the recipe's first) over {@code seqs}, as {@code train}
     * runs it, its schedule spanning the recipe's epochs. Validation fields of the result are NaN.
     */
    public static EpochStats timeEpoch(Recipe recipe, List<int[]> seqs, int[] labels, int vocabularySize,
                                       int numLabels) {
        return Trainer.timeEpoch(recipe, recipe.networks().get(0), seqs, labels, vocabularySize, numLabels);
    }
}
