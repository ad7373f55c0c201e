package io.textcls.cli;

import io.textcls.TextclsException;
import io.textcls.util.Json;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code textcls} command: a verb per job. Only {@link #main} exits the JVM. */
@Command(name = "textcls", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, versionProvider = VersionProvider.class,
        description = "Train, evaluate, save and reuse LSTM text classifiers (Deeplearning4j).")
public final class Main implements Runnable {
    /** The commands, in the order help lists them. */
    static final List<Class<?>> COMMANDS = List.of(PretrainCommand.class, TrainCommand.class, RecipeCommand.class,
            TuneCommand.class, EnsembleCommand.class, EvaluateCommand.class, ScoreCommand.class, InspectCommand.class,
            BenchCommand.class, ExplainCommand.class, CalibrateCommand.class, ServeCommand.class,
            CommandLine.HelpCommand.class);
    /** Exit code: the job failed on bad input, a bad bundle or an I/O error. */
    public static final int EXIT_ERROR = 1;
    /** Exit code: the command line is wrong (picocli's default). */
    public static final int EXIT_USAGE = 2;
    /** Exit code: the job finished but some documents could not be processed (see the errors file). */
    public static final int EXIT_PARTIAL = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: train, recipe, pretrain, tune, ensemble, evaluate, score, inspect, bench, explain, calibrate or serve (textcls --help)");
    }

    /** A picocli command line with textcls's error handling, for main() and tests. */
    public static CommandLine commandLine() {
        return commandLine(null);
    }

    /**
     * As {@link #commandLine()}, built for these arguments: with only the command they name (every
     * command where they name none, or ask for help), and the recipe-key options of {@code train}
     * and {@code bench} (read from the default recipe) only where one of those is named. A command
     * starts without building the others' options, a tenth of a second or more.
     *
     * @param args the arguments, or null for every command with every option
     */
    static CommandLine commandLine(String[] args) {
        CommandLine cl = new CommandLine(new Main());
        String named = args == null ? null : commandName(args);
        for (Class<?> c : COMMANDS) {
            if (named == null || named.equals(c.getAnnotation(Command.class).name())) {
                cl.addSubcommand(c);
            }
        }
        if (cl.getSubcommands().isEmpty()) { // not a command: every one, for picocli's message
            COMMANDS.forEach(cl::addSubcommand);
        }
        for (String withRecipe : List.of("train", "bench")) {
            if (cl.getSubcommands().containsKey(withRecipe)) {
                RecipeOptions.addTo(cl.getSubcommands().get(withRecipe).getCommandSpec());
            }
        }
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (ex instanceof TextclsException) {
                err.println("error: " + ex.getMessage());
            } else if ((ex instanceof java.io.IOException || ex instanceof java.io.UncheckedIOException)
                    && !Boolean.getBoolean("textcls.debug")) {
                // Disk full, permissions, a file gone: the message names the path; -Dtextcls.debug=true shows the trace.
                Throwable io = ex instanceof java.io.UncheckedIOException u ? u.getCause() : ex;
                err.println("error: " + io.getClass().getSimpleName() + ": " + io.getMessage());
            } else {
                err.println("error: " + ex);
                ex.printStackTrace(err);
            }
            err.flush();
            return EXIT_ERROR;
        });
        return cl;
    }

    /** The command the arguments name (their first that is not an option), or null for none or {@code help}. */
    static String commandName(String[] args) {
        for (String a : args) {
            if (!a.startsWith("-")) {
                return a.equals("help") ? null : a;
            }
        }
        return null;
    }

    public static void main(String[] args) {
        // A command that reads a bundle starts reading it on another core now; every other command
        // reads JSON (a recipe, a corpus report), and the mapper's first use costs a tenth of a second
        // or more, spent there instead while the command line is parsed.
        Thread warm = new Thread(() -> Json.warmUp(), "json-warm-up");
        warm.setDaemon(true);
        warm.start();
        BundlePreload.start(args);
        CommandLine cl = commandLine(args);
        // Results and messages in UTF-8 whatever the locale: ids, labels and tokens may be in any script.
        cl.setOut(new java.io.PrintWriter(new java.io.OutputStreamWriter(System.out,
                java.nio.charset.StandardCharsets.UTF_8), true));
        cl.setErr(new java.io.PrintWriter(new java.io.OutputStreamWriter(System.err,
                java.nio.charset.StandardCharsets.UTF_8), true));
        System.exit(cl.execute(args));
    }
}
