package io.textcls.cli;

import io.textcls.recipe.Recipe;
import io.textcls.recipe.Recipes;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code textcls recipe}: list, show and explain recipes. */
@Command(name = "recipe", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "List the built-in recipes, print one resolved (a file to start your own from), or list "
                + "every recipe key with its meaning.",
        subcommands = {RecipeCommand.Show.class, RecipeCommand.ListRecipes.class, RecipeCommand.Keys.class})
public final class RecipeCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print a recipe with every field resolved.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", defaultValue = Recipes.DEFAULT, paramLabel = "RECIPE",
                description = "A built-in recipe name or a recipe file (default: ${DEFAULT-VALUE}).")
        String recipe;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Change one field first (repeatable).")
        List<String> sets = new ArrayList<>();

        @Override
        public Integer call() {
            Recipe r = Recipes.withAll(Recipes.load(recipe), sets);
            PrintWriter out = spec.commandLine().getOut();
            out.println(Recipes.toJson(r));
            out.flush();
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The built-in recipes.")
    static final class ListRecipes implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            for (String name : Recipes.BUILT_IN) {
                Recipe r = Recipes.load(name);
                out.printf("%-13s %s%s%n", name, r.description(), name.equals(Recipes.DEFAULT) ? " (default)" : "");
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "keys", mixinStandardHelpOptions = true, description = "Every recipe key: its option, type, "
            + "default (" + Recipes.DEFAULT + ") and meaning.")
    static final class Keys implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Recipe d = Recipes.defaults();
            for (Recipes.Key k : Recipes.keys()) {
                out.printf("%-29s %-21s %-8s %-22s %s%n", k.path(), k.flag().isEmpty() ? "" : "--" + k.flag(),
                        k.type().length() > 8 ? "enum" : k.type(), RecipeOptions.defaultOf(d, k.path()), k.doc());
            }
            out.flush();
            return 0;
        }
    }
}
