package io.textcls.cli;

import io.textcls.recipe.Recipe;
import io.textcls.recipe.Recipes;
import io.textcls.tune.Tuner;
import io.textcls.util.OutputLocations;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code textcls tune}: a grid or random search over training options, scored on validation. */
@Command(name = "tune", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, showDefaultValues = true,
        sortOptions = false,
        description = {"Search recipe fields: each trial trains the recipe with the --set fields plus one value of "
                + "every --param, and is scored on the same held-out validation split (never a test set).",
                "Results go to a CSV table after every trial; --resume continues a killed search.",
                "Fields are named by recipe key or by train's option without the dashes ('textcls recipe keys'), "
                        + "e.g. --param hidden-size=64,128 --param training.learningRate=0.001,0.002 --set sample=2000 "
                        + "--set epochs=3."})
public final class TuneCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "Labeled folder (one subfolder per label) or table "
            + "(.csv, .tsv, .jsonl, optionally .gz; see the table options).")
    Path data;

    @Mixin
    TableOptions table = new TableOptions();

    @Option(names = "--out", required = true, description = "Results table to write (CSV).")
    Path out;

    @Option(names = "--recipe", description = "The recipe to search around: a built-in name or a recipe file.")
    String recipe = Recipes.DEFAULT;

    @Option(names = "--param", required = true, description = "An option to search and its values: name=v1,v2,... "
            + "(repeat for more options).")
    List<String> params = new ArrayList<>();

    @Option(names = "--set", description = "A fixed training option for every trial: name=value (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--search", description = "grid (every combination) or random (shuffled, first --trials).")
    Tuner.Search search = Tuner.Search.GRID;

    @Option(names = "--trials", description = "Most trials to run (0 = the whole grid).")
    int trials;

    @Option(names = "--budget", description = "Minutes: no trial starts that would end past this (0 = none).")
    double budget;

    @Option(names = "--seed", description = "Seed for the random search order.")
    long seed = 42;

    @Option(names = "--repeats", description = "Train each trial this many times, with seeds seed, seed + 1, ... "
            + "(other validation splits and initializations), and report the mean accuracy and its standard error.")
    int repeats = 1;

    @Option(names = "--resume", description = "Keep the trials already in --out and run the rest.")
    boolean resume;

    @Option(names = "--baseline", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "First train the built-in linear baseline (the ngram-nb recipe) on the same split(s), as "
                    + "trial 0, and say how far every trial is from it (default; --no-baseline skips it).")
    boolean baseline = true;

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        OutputLocations.checkWritable(out, "the results table", "--out");
        Recipe base = Recipes.withAll(Recipes.load(recipe), sets);
        List<Tuner.Param> ps = params.stream().map(Tuner.Param::parse).toList();
        List<Map<String, String>> plan = Tuner.plan(ps, search, trials, seed);
        w.printf("tune: %d trial(s) of %s; results in %s%n", plan.size(),
                ps.stream().map(Tuner.Param::option).toList(), out);
        w.flush();
        Path work = out.resolveSibling(out.getFileName() + ".trials");
        List<Tuner.Trial> done = new Tuner(line -> {
            w.println(line);
            w.flush();
        }, table.columns(), table.skipBadRows).run(data, work, out, base, ps, plan, budget, resume, repeats, baseline ? Recipes.baselineFor(base) : null);
        w.println();
        w.print(Tuner.format(done, ps.stream().map(Tuner.Param::option).toList()));
        w.flush();
        return 0;
    }
}
