package io.textcls.golden;

import io.textcls.TestCorpora;
import io.textcls.TinyTraining;
import io.textcls.classifier.Prediction;
import io.textcls.classifier.TextClassifier;
import io.textcls.recipe.Recipe;
import io.textcls.recipe.Recipes;
import io.textcls.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the golden bundles of the current format (format 3) and the predictions they give, for
 * {@code GoldenBundleTest}: one per architecture and one ensemble, trained on the tiny corpus.
 * Run on purpose only, when a new format or architecture is introduced: {@code
 * scripts/write-golden.sh [NAME ...]} (names: only those bundles; none: all of this format). The
 * format 1 and 2 files beside them were written the same way by the textcls build that wrote
 * those formats, and are never rewritten; nor is a released format 3 file.
 */
public final class GoldenBundles {
    /** The golden bundles' names: {@link GoldenSet#NAMES}. */
    public static final List<String> NAMES = GoldenSet.NAMES;

    private GoldenBundles() {
    }

    /** The documents every golden bundle's predictions are recorded for: {@link GoldenSet#texts}. */
    public static List<String> texts() {
        return GoldenSet.texts();
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Path data = TestCorpora.write(Files.createTempDirectory("golden").resolve("data"), 30, 21);
        String[][] recipes = {
            {"format3-lstm-last", "architecture=lstm-last.v1"},
            {"format3-lstm-pool", "architecture=lstm-pool.v1", "pooling=max"},
            {"format3-bilstm-pool", "architecture=bilstm-pool.v1", "pooling=maxmean"},
            {"format3-cnn-pool", "architecture=cnn-pool.v1", "pooling=mean"},
            {"format3-ngram-mean", "architecture=ngram-mean.v1", "hidden-size=64"},
            {"format3-gru-pool", "architecture=gru-pool.v1", "pooling=max"},
            {"format3-bigru-pool", "architecture=bigru-pool.v1", "pooling=maxmean"},
            // Written since train fits a temperature: the first golden bundle with calibration.json.
            {"format3-calibrated", "architecture=lstm-pool.v1", "pooling=maxmean"},
            {"format3-ngram-nb", "architecture=ngram-nb.v1", "hidden-size=64", "dropout=0"},
        };
        for (String[] r : recipes) {
            if (args.length > 1 && !List.of(args).subList(1, args.length).contains(r[0])) {
                continue;
            }
            Recipe recipe = TinyTraining.recipe(3, java.util.Arrays.copyOfRange(r, 1, r.length));
            write(out, r[0], Recipes.with(recipe, "name", r[0]), data);
        }
        Recipe ensemble = Recipes.withAll(Recipes.parse("""
                {"name": "format3-ensemble", "networks": [
                  {"name": "lstm", "architecture": "lstm-pool.v1"}, {"name": "cnn", "architecture": "cnn-pool.v1"}]}
                """, "golden ensemble"), List.of("epochs=3", "patience=3", "hidden-size=16", "embedding-size=16",
                "vocab-size=200", "min-count=1", "max-length=20", "truncate=TAIL", "validation-fraction=0.2", "seed=7",
                "learning-rate=0.02", "lr-schedule=CONSTANT", "batch-size=16", "dropout=0.1", "weight-decay=1e-5",
                "min-steps=0"));
        if (args.length == 1 || List.of(args).contains("format3-ensemble")) {
            write(out, "format3-ensemble", ensemble, data);
        }
    }

    private static void write(Path out, String name, Recipe recipe, Path data) throws Exception {
        Path bundle = out.resolve(name + ".zip");
        TinyTraining.train(data, bundle, recipe);
        List<Prediction> preds = TextClassifier.load(bundle).classifyAll(texts());
        Json.MAPPER.writeValue(out.resolve(name + ".predictions.json").toFile(),
                preds.stream().map(p -> new Object[] {p.label(), p.probs()}).toList());
    }
}
