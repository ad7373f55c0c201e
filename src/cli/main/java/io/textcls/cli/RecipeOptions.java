package io.textcls.cli;

import io.textcls.TextclsException;
import io.textcls.recipe.Recipe;
import io.textcls.recipe.Recipes;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The recipe fields that have a flag ({@code --epochs}, {@code --hidden-size}, ...), added to
 * {@code train} and {@code bench} as options. Their help comes from the fields' {@code @Doc}, so
 * the recipe file, {@code --set}, {@code tune}'s field names and these options share one
 * description per field.
 */
final class RecipeOptions {
    private RecipeOptions() {
    }

    /** Adds one option per flagged recipe field to {@code spec}. */
    static void addTo(CommandSpec spec) {
        Recipe defaults = Recipes.defaults();
        for (Recipes.Key k : Recipes.keys()) {
            if (k.flag().isEmpty()) {
                continue;
            }
            boolean bool = k.type().equals("boolean");
            String where = k.path().startsWith("networks.*.") ? k.path() + " (every network)" : k.path();
            OptionSpec.Builder b = OptionSpec.builder("--" + k.flag())
                    .description(k.doc() + " Recipe key " + where + "; " + Recipes.DEFAULT + ": "
                            + defaultOf(defaults, k.path()) + ".")
                    .type(bool ? boolean.class : String.class)
                    .arity(bool ? "0..1" : "1")
                    .paramLabel(bool ? "" : label(k));
            spec.addOption(b.build());
        }
    }

    /** The {@code path=value} overrides the matched recipe options stand for, in command-line order. */
    static List<String> overrides(ParseResult parsed) {
        List<String> out = new ArrayList<>();
        for (OptionSpec o : parsed.matchedOptions()) {
            String flag = o.longestName().substring(2);
            for (Recipes.Key k : Recipes.keys()) {
                if (k.flag().equals(flag)) {
                    out.add(k.path() + "=" + o.getValue());
                }
            }
        }
        return out;
    }

    /** The recipe named by {@code --recipe} with the flags' and {@code --set}'s overrides applied. */
    static Recipe resolve(String recipe, ParseResult parsed, List<String> sets) {
        Recipe r = Recipes.load(recipe);
        if (r.networks().size() > 1 && parsed.hasMatchedOption("--architecture")) {
            throw new TextclsException("--architecture would give every network of recipe " + r.name() + " ("
                    + String.join(", ", r.networks().stream().map(Recipe.Network::name).toList()) + ") the same "
                    + "architecture; choose a one-network recipe (--recipe lstm64, cnn, bilstm or lstm) or change one "
                    + "network with --set networks.NAME.architecture=...");
        }
        return Recipes.withAll(Recipes.withAll(r, overrides(parsed)), sets);
    }

    /** The default recipe's value; for a network field, each network's. */
    static String defaultOf(Recipe defaults, String path) {
        if (!path.startsWith("networks.*.")) {
            return shown(Recipes.get(defaults, path));
        }
        List<String> each = new ArrayList<>();
        for (Recipe.Network n : defaults.networks()) {
            each.add(n.name() + " " + shown(Recipes.get(defaults, path.replace("*", n.name()))));
        }
        return String.join(", ", each);
    }

    private static String shown(String v) {
        return v == null || v.equals("null") || v.isEmpty() ? "none" : v;
    }

    private static String label(Recipes.Key k) {
        return switch (k.type()) {
            case "int", "long" -> "N";
            case "double" -> "X";
            case "list" -> "A,B";
            case "string" -> "VALUE";
            default -> k.type();
        };
    }
}
