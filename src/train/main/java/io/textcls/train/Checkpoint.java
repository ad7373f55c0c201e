package io.textcls.train;

import io.textcls.TextclsException;
import io.textcls.classifier.EpochStats;
import io.textcls.metrics.EvaluationReport;
import io.textcls.recipe.Recipe;
import io.textcls.util.AtomicFiles;
import io.textcls.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * The state of one network's unfinished training run, in {@code <bundle>.ckpt/<network name>/}:
 * the network after the last
 * finished epoch (with Adam's state), the best epoch's network, and {@code state.json}. Network
 * files are named by epoch and written before {@code state.json}, which is renamed into place
 * last: a kill at any moment leaves the previous consistent state.
 */
final class Checkpoint {
    static final String STATE = "state.json";

    /**
     * What {@code state.json} holds.
     *
     * @param recipe the result-defining part of the recipe, with only this network ({@link Recipe#resultDefining})
     * @param dataFingerprint fingerprint of the training and validation documents
     * @param bestAccuracy the best epoch's model-selection figure ({@link EvaluationReport#score()}: accuracy, or
     *     micro-F1 for a multi-label network)
     * @param stopReason set once training has stopped (the bundle may still be unwritten)
     */
    record State(Recipe recipe, String dataFingerprint, List<EpochStats> history, int bestEpoch,
                 double bestAccuracy, double bestLoss, EvaluationReport bestReport, double elapsedSeconds,
                 String stopReason, String lastFile, String bestFile) {
        State stopped(String reason, double elapsed) {
            return new State(recipe, dataFingerprint, history, bestEpoch, bestAccuracy, bestLoss, bestReport, elapsed,
                    reason, lastFile, bestFile);
        }

        /** After an epoch: its history, and the epoch as the best one when {@code newBest} is its number. */
        State afterEpoch(List<EpochStats> allEpochs, int newBest, EvaluationReport val, double elapsed) {
            boolean better = newBest > 0;
            return new State(recipe, dataFingerprint, List.copyOf(allEpochs), better ? newBest : bestEpoch,
                    better ? val.score() : bestAccuracy, better ? val.logLoss() : bestLoss,
                    better ? val : bestReport, elapsed, null, lastFile, bestFile);
        }
    }

    private final Path dir;

    /** The checkpoint kept in {@code dir}. */
    Checkpoint(Path dir) {
        this.dir = dir;
    }

    /** Where the checkpoints of a bundle's networks are kept: {@code <bundle>.ckpt/}. */
    static Path root(Path bundle) {
        return bundle.resolveSibling(bundle.getFileName() + ".ckpt");
    }

    Path dir() {
        return dir;
    }

    boolean exists() {
        return Files.isRegularFile(dir.resolve(STATE));
    }

    State read() {
        Path f = dir.resolve(STATE);
        try {
            return Json.MAPPER.readValue(f.toFile(), State.class);
        } catch (IOException e) {
            throw new TextclsException("checkpoint " + f + " cannot be read (" + e.getMessage() + "); delete " + dir
                    + " to start the run again", e);
        }
    }

    MultiLayerNetwork loadLast(State s) {
        return load(s.lastFile(), true);
    }

    MultiLayerNetwork loadBest(State s) {
        return load(s.bestFile(), false);
    }

    private MultiLayerNetwork load(String name, boolean updater) {
        Path f = dir.resolve(name);
        try {
            return ModelSerializer.restoreMultiLayerNetwork(f.toFile(), updater);
        } catch (IOException | RuntimeException e) {
            throw new TextclsException("checkpoint network " + f + " cannot be read (" + e.getMessage() + "); delete "
                    + dir + " to start the run again", e);
        }
    }

    /** Saves the network after an epoch, and as the best one if it is; then commits the new state. */
    State save(MultiLayerNetwork net, State state, boolean best) throws IOException {
        int epoch = state.history().size();
        String last = String.format("epoch-%03d.dl4j.zip", epoch);
        AtomicFiles.write(dir.resolve(last), out -> ModelSerializer.writeModel(net, out, true));
        String bestFile = state.bestFile();
        if (best) {
            bestFile = String.format("best-epoch-%03d.dl4j.zip", epoch);
            AtomicFiles.write(dir.resolve(bestFile), out -> ModelSerializer.writeModel(net, out, false));
        }
        State next = new State(state.recipe(), state.dataFingerprint(), state.history(), state.bestEpoch(),
                state.bestAccuracy(), state.bestLoss(), state.bestReport(), state.elapsedSeconds(),
                state.stopReason(), last, bestFile);
        commit(next);
        return next;
    }

    /** Writes state.json atomically, then removes network files it no longer names. */
    void commit(State state) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve(STATE), out -> Json.MAPPER.writeValue(out, state));
        Set<String> keep = Set.of(STATE, String.valueOf(state.lastFile()), String.valueOf(state.bestFile()));
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                if (!keep.contains(p.getFileName().toString())) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Removes a folder and everything in it, if it is there. */
    static void deleteTree(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
