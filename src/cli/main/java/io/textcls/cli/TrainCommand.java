package io.textcls.cli;

import io.textcls.TextclsException;
import io.textcls.corpus.FolderCorpus;
import io.textcls.corpus.TableColumns;
import io.textcls.corpus.TableCorpus;
import io.textcls.embed.WordVectors;
import io.textcls.recipe.Recipe;
import io.textcls.recipe.Recipes;
import io.textcls.train.Trainer;
import io.textcls.train.TrainingResult;
import io.textcls.util.OutputLocations;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code textcls train}: train a recipe on a labeled folder tree and save it as one bundle. The
 * recipe options ({@code --epochs}, {@code --hidden-size}, ...) are added by {@link RecipeOptions}.
 */
@Command(name = "train", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, showDefaultValues = true,
        sortOptions = false,
        description = {"Train a recipe on <data>/<label>/*.txt or a table (CSV, TSV, JSONL; single- or multi-label) "
                + "and save the classifier as one zip.",
                "The recipe (default " + Recipes.DEFAULT + ") holds every setting; the options below change one "
                        + "field each, --set changes any (see 'textcls recipe keys'). A recipe with several "
                        + "networks trains them side by side and saves them as one ensemble.",
                "Each network writes a checkpoint after every epoch to <model>.ckpt/; --resume continues a killed "
                        + "run."})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "Labeled folder (one subfolder per label; unsup is "
            + "ignored) or table (.csv, .tsv, .jsonl, optionally .gz: a text column and a label column, several "
            + "labels per cell for multi-label, or one 0/1 column per label; see the table options below).")
    Path data;

    @Mixin
    TableOptions table = new TableOptions();

    @Option(names = "--model", required = true, description = "Where to write the classifier bundle (.zip).")
    Path model;

    @Option(names = "--recipe", description = "A built-in recipe (" + "imdb-default, lstm, lstm64, bilstm, cnn" + ") "
            + "or a recipe file (JSON; 'textcls recipe show NAME' prints one to start from).")
    String recipe = Recipes.DEFAULT;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Change one recipe field, e.g. "
            + "training.epochs=3 or networks.cnn.hiddenSize=128 (repeatable; applied after the options below).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--resume", description = "Continue the run whose checkpoints are in <model>.ckpt/.")
    boolean resume;

    @Option(names = "--threads", description = "Threads for reading and tokenizing.")
    int threads = Math.min(2, Runtime.getRuntime().availableProcessors());

    @Option(names = "--parallel", description = "Most networks trained at once, each on its own thread, or auto "
            + "(default): side by side on the cores or one at a time on all of them, whichever a short measurement "
            + "finds faster.", converter = ParallelConverter.class)
    int parallel = Trainer.Options.AUTO;

    /** A number of networks, or auto. */
    static final class ParallelConverter implements picocli.CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            if (value.equalsIgnoreCase("auto")) {
                return Trainer.Options.AUTO;
            }
            try {
                int n = Integer.parseInt(value.trim());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a number of networks >= 1 "
                    + "or 'auto'");
        }
    }

    @Option(names = "--dry-run", description = "Check the options, the recipe, --data's label folders and --model's "
            + "location, print the resolved recipe and stop before reading any document.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        Recipe r = RecipeOptions.resolve(recipe, spec.commandLine().getParseResult(), sets);
        boolean sizeGiven = spec.commandLine().getParseResult().hasMatchedOption("--embedding-size")
                || sets.stream().anyMatch(s -> s.contains("=")
                        && Recipes.pathOf(s.substring(0, s.indexOf('=')).trim()).equals("embeddings.size"));
        if (sizeGiven && r.embeddings().vectors() != null) {
            int dim = WordVectors.readDimension(Path.of(r.embeddings().vectors()));
            if (dim != r.embeddings().size()) {
                throw new TextclsException("--embedding-size " + r.embeddings().size() + " does not match the " + dim
                        + "-dimensional vectors in " + r.embeddings().vectors() + "; leave it out to follow the "
                        + "vectors");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        TableColumns columns = table.columns();
        Trainer.Options options = new Trainer.Options(resume, threads, parallel, line -> {
            out.println(line);
            out.flush();
        }).withTable(columns, table.skipBadRows);
        if (dryRun) {
            OutputLocations.checkWritable(model, "the classifier bundle", "--model");
            if (TableCorpus.isTable(data)) {
                TableCorpus t = TableCorpus.open(data, columns);
                out.println(Recipes.toJson(r));
                out.printf("dry run: table %s, columns %s; nothing trained%n", data, t.columns());
                out.flush();
                return 0;
            }
            FolderCorpus corpus = FolderCorpus.scan(data, r.split().labels());
            Path unlabeled = r.selfTraining().folder(data);
            out.println(Recipes.toJson(r));
            out.printf("dry run: %,d documents under %s (labels %s)%s; nothing trained%n", corpus.entries().size(), data,
                    corpus.labels(), unlabeled == null ? "" : "; self-training on the unlabeled documents of "
                            + unlabeled);
            out.flush();
            return 0;
        }
        out.printf("recipe: %s (%d network%s: %s)%n", r.name(), r.networks().size(), r.networks().size() == 1 ? "" : "s",
                String.join(", ", r.networks().stream().map(n -> n.name() + " " + n.architecture()).toList()));
        out.flush();
        TrainingResult result = Trainer.run(r, data, model, options);
        out.println();
        for (TrainingResult.NetworkSummary n : result.networks()) {
            out.printf("%s: best epoch %d, validation %s %.4f, stopped: %s; %.1f min, %.1f training docs/s%n",
                    n.name(), n.bestEpoch(), n.validation().multiLabel() ? "micro-F1" : "accuracy",
                    n.validation().score(), n.stopReason(), n.seconds() / 60, n.trainDocsPerSecond());
        }
        out.println("validation of the saved classifier" + (result.validation().multiLabel()
                ? " (weights and thresholds measured on documents they were not fitted on)"
                : result.networks().size() > 1 ? " (the ensemble, its weights measured on documents they were not "
                + "fitted on)" : "") + ":");
        out.println(result.validation().toTable());
        out.printf("saved %s; total %.1f min%n", model, result.seconds() / 60);
        out.flush();
        return 0;
    }
}
