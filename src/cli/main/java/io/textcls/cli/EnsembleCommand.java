package io.textcls.cli;

import io.textcls.eval.Ensembles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code textcls ensemble}: several trained classifiers as one bundle that averages their probabilities. */
@Command(name = "ensemble", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, showDefaultValues = true,
        sortOptions = false,
        description = {"Combine classifiers trained on the same data, split and vocabulary settings (different "
                + "networks) into one bundle whose prediction is the mean of their probabilities; score it on the "
                + "validation documents they held out and save it."})
public final class EnsembleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "2..*", paramLabel = "MEMBER", description = "Classifier bundles (.zip) to combine.")
    List<Path> members;

    @Option(names = "--data", required = true, description = "The labeled folder the members were trained on (their "
            + "held-out documents are scored), or a validation folder if they were trained with --validation.")
    Path data;

    @Option(names = "--model", required = true, description = "Where to write the ensemble bundle (.zip).")
    Path model;

    @Option(names = "--threads", description = "Threads for reading and tokenizing.")
    int threads = 2;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        Ensembles.Result r = Ensembles.combine(members, data, threads);
        Ensembles.write(r, model);
        out.printf("ensemble of %d networks from %s%n", r.contents().members().size(), members);
        r.contents().card().result().members().forEach(m -> out.printf("  %-28s validation accuracy %.4f%n",
                m.bundle(), m.validationAccuracy() == null ? Double.NaN : m.validationAccuracy()));
        out.println("validation of the ensemble:");
        out.println(r.validation().report().toTable());
        out.printf("saved %s (%.1f s)%n", model, (System.nanoTime() - t0) / 1e9);
        out.flush();
        return 0;
    }
}
