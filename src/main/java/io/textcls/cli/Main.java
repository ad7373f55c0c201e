package io.textcls.cli;

import io.textcls.TextclsException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code textcls} command: a verb per job. Only {@link #main} exits the JVM. */
@Command(name = "textcls", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, versionProvider = VersionProvider.class,
        description = "Train, evaluate, save and reuse LSTM text classifiers (Deeplearning4j).",
        subcommands = {PretrainCommand.class, TrainCommand.class, RecipeCommand.class, TuneCommand.class,
                EnsembleCommand.class, EvaluateCommand.class, ScoreCommand.class, InspectCommand.class,
                BenchCommand.class, ExplainCommand.class, CalibrateCommand.class, ServeCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
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
        return commandLine(true);
    }

    /**
     * As {@link #commandLine()}, with the recipe-key options of {@code train} and {@code bench}
     * (read from the default recipe) only when asked for: other commands start without reading it.
     */
    static CommandLine commandLine(boolean recipeOptions) {
        CommandLine cl = new CommandLine(new Main());
        if (recipeOptions) {
            RecipeOptions.addTo(cl.getSubcommands().get("train").getCommandSpec());
            RecipeOptions.addTo(cl.getSubcommands().get("bench").getCommandSpec());
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

    /** The CLI's logging configuration (stderr, quiet libraries); a user's -Dlogback.configurationFile wins. */
    static final String LOG_CONFIG = "io/textcls/cli/logback-cli.xml";

    /** Whether a command line names a command that takes the recipe-key options (or asks for help). */
    static boolean takesRecipeOptions(String[] args) {
        for (String a : args) {
            if (!a.startsWith("-")) {
                return a.equals("train") || a.equals("bench") || a.equals("help");
            }
        }
        return true;
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOG_CONFIG);
        }
        CommandLine cl = commandLine(takesRecipeOptions(args));
        // Results and messages in UTF-8 whatever the locale: ids, labels and tokens may be in any script.
        cl.setOut(new java.io.PrintWriter(new java.io.OutputStreamWriter(System.out,
                java.nio.charset.StandardCharsets.UTF_8), true));
        cl.setErr(new java.io.PrintWriter(new java.io.OutputStreamWriter(System.err,
                java.nio.charset.StandardCharsets.UTF_8), true));
        System.exit(cl.execute(args));
    }
}
