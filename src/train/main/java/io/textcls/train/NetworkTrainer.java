package io.textcls.train;

import io.textcls.TextclsException;
import io.textcls.classifier.EpochStats;
import io.textcls.encode.Bucketing;
import io.textcls.metrics.EvaluationReport;
import io.textcls.metrics.MultiLabelThresholds;
import io.textcls.model.Architectures;
import io.textcls.model.NetworkSpec;
import io.textcls.model.NetworkWeights;
import io.textcls.model.Optimization;
import io.textcls.model.dl4j.InferenceEngine;
import io.textcls.model.dl4j.Networks;
import io.textcls.model.dl4j.RnnMasks;
import io.textcls.model.dl4j.SequenceBatches;
import io.textcls.recipe.Recipe;
import io.textcls.util.Progress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.deeplearning4j.datasets.iterator.AsyncDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains one network of a recipe, epoch by epoch, on length-bucketed batches: validates after each
 * epoch, checkpoints after each, stops early when validation accuracy stops improving, and returns
 * the best epoch's weights.
 *
 * <p>Repeatable: every epoch's shuffling and dropout are seeded from (seed, epoch), so a run resumed
 * from its checkpoint ends with the same weights as one that never stopped. One instance per
 * network; networks of one recipe may train on separate threads at once (ND4J's random generator
 * and workspaces are per thread).
 */
final class NetworkTrainer {
    static final int INFERENCE_BATCH = 64;

    /**
     * What training one network produced.
     *
     * @param weights the best epoch's parameters
     * @param validation the best epoch's validation scores
     */
    record Result(String name, NetworkSpec spec, NetworkWeights weights, int bestEpoch, String stopReason,
                  List<EpochStats> history, EvaluationReport validation, double seconds, double trainDocsPerSecond) {
    }

    private final Recipe recipe;
    private final Recipe.Network network;
    private final Checkpoint ckpt;
    private final Trainer.Listener listener;

    NetworkTrainer(Recipe recipe, Recipe.Network network, Path checkpointDir, Trainer.Listener listener) {
        this.recipe = recipe;
        this.network = network;
        this.ckpt = new Checkpoint(checkpointDir);
        this.listener = line -> listener.info(recipe.networks().size() > 1 ? "[" + network.name() + "] " + line : line);
    }

    /**
     * The checkpoint to resume from, or null for a new run; checked against the recipe.
     */
    Checkpoint.State startState(boolean resume) {
        return startState(resume, false);
    }

    /**
     * As {@link #startState(boolean)}; {@code beforeData}: checked before the corpus is read, when
     * what the data decides ({@link Recipe#beforeData}: the task, epochs stretched for a small split)
     * is not known yet, so those fields are left out of the comparison (checked again after).
     */
    Checkpoint.State startState(boolean resume, boolean beforeData) {
        Recipe defining = recipe.only(network).resultDefining();
        if (!ckpt.exists()) {
            return null;
        }
        if (!resume) {
            throw new TextclsException("an unfinished training run left a checkpoint in " + ckpt.dir()
                    + ": add --resume to continue it, or delete that folder to start again");
        }
        Checkpoint.State prior = ckpt.read();
        if (beforeData ? !defining.beforeData().equals(prior.recipe().beforeData()) : !defining.equals(prior.recipe())) {
            throw new TextclsException("the checkpoint in " + ckpt.dir() + " was made with a different recipe:\n  "
                    + "checkpoint: " + prior.recipe() + "\n  now:        " + defining
                    + "\nrerun with the same recipe and options, or delete the folder to start again");
        }
        return prior;
    }

    /** Fails if a checkpoint to resume was made on other documents than {@code data}. */
    void checkData(Checkpoint.State prior, TrainingData data) {
        if (prior != null && !prior.dataFingerprint().equals(data.fingerprint())) {
            throw new TextclsException("the checkpoint in " + ckpt.dir() + " was made on different data (files "
                    + "of " + data.source() + " changed since); delete the folder to start again");
        }
    }

    /**
     * Trains to the end and returns the best epoch.
     *
     * @param prior the state {@link #startState} returned (null: a new run)
     * @param embeddings rows of pretrained vectors per vocabulary id, read only for a new run
     */
    Result train(TrainingData data, Checkpoint.State prior, Supplier<float[][]> embeddings) throws IOException {
        long start = System.nanoTime();
        NetworkSpec spec = recipe.networkSpec(network, data.vocabulary().size(), data.labels().size());
        long stepsPerEpoch = (data.trainSequences().size() + recipe.training().batchSize() - 1)
                / recipe.training().batchSize();
        Optimization opt = recipe.optimization(network, stepsPerEpoch);
        if (!data.multiLabel() && recipe.training().balance()) {
            int[] counts = new int[data.labels().size()];
            for (int l : data.trainLabels()) {
                counts[l]++;
            }
            float[] w = recipe.labelWeights(counts);
            opt = opt.withLabelWeights(w);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < w.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(data.labels().names().get(i))
                        .append(String.format(java.util.Locale.ROOT, " %.3f", w[i]));
            }
            listener.info("training.balance: label weights in the loss " + sb);
        }
        Checkpoint.State state;
        MultiLayerNetwork net;
        if (prior != null) {
            listener.info("resuming from " + ckpt.dir() + " after epoch " + prior.history().size());
            state = prior;
            net = ckpt.loadLast(prior);
            long expected = Networks.parameterCount(spec);
            if (net.numParams() != expected) {
                throw new TextclsException("the checkpoint in " + ckpt.dir() + " holds a network of " + net.numParams()
                        + " parameters, but this textcls builds " + spec.architecture() + " with " + expected + " for "
                        + "this recipe and data (an older textcls sized it otherwise): delete the folder to start again");
            }
        } else {
            state = new Checkpoint.State(recipe.only(network).resultDefining(), data.fingerprint(), List.of(), 0, -1,
                    Double.MAX_VALUE, null, 0, null, null, null);
            net = Networks.build(spec, opt);
            if (network.usesVectors(recipe.embeddings())) {
                int copied = Networks.setEmbeddings(net, embeddings.get());
                listener.info(String.format("embeddings: %,d of %,d vocabulary ids start from %s (%s)", copied,
                        data.vocabulary().size(), recipe.embeddings().vectors(),
                        recipe.embeddings().freeze() ? "frozen" : "fine-tuned"));
            }
        }
        List<int[]> trainInputs = Architectures.inputIds(spec, data.trainSequences());
        if (prior == null) {
            int kept = data.multiLabel()
                    ? Networks.setNaiveBayesRatios(net, spec, trainInputs, data.trainLabelSets())
                    : Networks.setNaiveBayesRatios(net, spec, trainInputs, data.trainLabels());
            if (kept > 0) {
                listener.info(String.format("naive-Bayes ratios: %,d features in at least 2 training documents", kept));
            }
        }
        listener.info(String.format("network: %s, %,d parameters", spec, net.numParams()));

        int[] lengths = trainInputs.stream().mapToInt(s -> s.length).toArray();
        double elapsedBefore = state.elapsedSeconds();
        List<EpochStats> history = new ArrayList<>(state.history());
        Recipe.Training t = recipe.training();
        while (state.stopReason() == null) {
            int epoch = history.size() + 1;
            double elapsed = elapsedBefore + (System.nanoTime() - start) / 1e9;
            String stop = null;
            if (epoch > t.epochs()) {
                stop = "reached training.epochs " + t.epochs();
            } else if (t.timeLimitMinutes() > 0 && !history.isEmpty()) {
                double perEpoch = elapsed / history.size();
                if (elapsed + perEpoch > t.timeLimitMinutes() * 60) {
                    stop = String.format("time limit %.0f min: another epoch (~%.0f s) would pass it",
                            t.timeLimitMinutes(), perEpoch);
                }
            }
            if (stop != null) {
                state = state.stopped(stop, elapsed);
                ckpt.commit(state);
                break;
            }
            EpochStats stats = runEpoch(net, epoch, recipe, network, trainInputs, data.trainLabels(),
                    data.multiLabel() ? data.trainLabelSets() : null, lengths, data.labels().size());
            // The same inference engine classifiers score with, so validation and serving agree.
            float[][] probs = InferenceEngine.of(spec, net).probabilities(data.validationSequences(), INFERENCE_BATCH);
            EvaluationReport val = validationReport(data, probs);
            // Model selection's figure: accuracy, or for multi-label the micro-F1 with thresholds fitted on
            // the same documents (what the classifier's decisions will be made with).
            stats = new EpochStats(epoch, stats.trainLoss(), val.logLoss(), val.score(), stats.seconds(),
                    stats.docsPerSecond(), stats.tokensPerSecond());
            history.add(stats);
            boolean better = val.score() > state.bestAccuracy()
                    || (val.score() == state.bestAccuracy() && val.logLoss() < state.bestLoss());
            listener.info(String.format("epoch %d: train loss %.4f, validation loss %.4f, %s %.4f%s "
                            + "(%.0f s, %.1f docs/s, %,.0f tokens/s)", epoch, stats.trainLoss(), val.logLoss(),
                    val.multiLabel() ? "micro-F1" : "accuracy", val.score(), better ? " (best)" : "", stats.seconds(),
                    stats.docsPerSecond(), stats.tokensPerSecond()));
            elapsed = elapsedBefore + (System.nanoTime() - start) / 1e9;
            state = state.afterEpoch(history, better ? epoch : -1, val, elapsed);
            if (epoch - state.bestEpoch() >= t.patience()) {
                state = state.stopped("no better validation " + (data.multiLabel() ? "micro-F1" : "accuracy") + " for "
                        + t.patience() + " epochs", elapsed);
            }
            state = ckpt.save(net, state, better);
            listener.info("checkpoint: epoch " + epoch + " saved in " + ckpt.dir());
        }
        MultiLayerNetwork best = ckpt.loadBest(state);
        double seconds = elapsedBefore + (System.nanoTime() - start) / 1e9;
        double trainSeconds = history.stream().mapToDouble(EpochStats::seconds).sum();
        double docsPerSecond = trainSeconds == 0 ? 0
                : history.size() * (double) data.trainSequences().size() / trainSeconds;
        listener.info(String.format("done: best epoch %d (validation %s %.4f), stopped: %s; %.1f min, %.1f "
                + "training docs/s", state.bestEpoch(), data.multiLabel() ? "micro-F1" : "accuracy",
                state.bestAccuracy(), state.stopReason(), seconds / 60, docsPerSecond));
        return new Result(network.name(), spec, Networks.weights(best), state.bestEpoch(), state.stopReason(),
                List.copyOf(history), state.bestReport(), seconds, docsPerSecond);
    }

    String name() {
        return network.name();
    }

    /**
     * The validation scores of probabilities: single-label, or multi-label with per-label
     * thresholds fitted on these documents.
     */
    static EvaluationReport validationReport(TrainingData data, float[][] probs) {
        List<String> names = data.labels().names();
        if (!data.multiLabel()) {
            return EvaluationReport.of(names, data.validationLabels(), probs);
        }
        for (float[] p : probs) {
            for (float v : p) {
                if (Float.isNaN(v)) {
                    throw new TextclsException("a network's validation probabilities are not numbers: it diverged; "
                            + "lower training.learningRate (--learning-rate) or raise training.clip (--clip)");
                }
            }
        }
        float[] t = MultiLabelThresholds.fit(data.validationLabelSets(), probs, names.size(),
                MultiLabelFitting.MIN_POSITIVES);
        return EvaluationReport.ofMultiLabel(names, data.validationLabelSets(), probs,
                MultiLabelThresholds.decideAll(probs, t, false), t);
    }

    /**
     * One pass over the training documents in length-bucketed batches, seeded from (seed, epoch),
     * with batches built on a second thread. Validation fields of the result are NaN.
     */
    static EpochStats runEpoch(MultiLayerNetwork net, int epoch, Recipe recipe, Recipe.Network network,
                               List<int[]> seqs, int[] labels, int[][] labelSets, int[] lengths, int numLabels) {
        int batchSize = recipe.training().batchSize();
        Nd4j.getRandom().setSeed(recipe.seed() * 1_000_003L + epoch);
        Random rng = new Random(recipe.seed() * 31 + epoch);
        int[] order = Bucketing.flatten(Bucketing.trainingBatches(lengths, batchSize, rng));
        List<int[]> orderedSeqs = new ArrayList<>(order.length);
        int[] orderedLabels = new int[order.length];
        int[][] orderedSets = labelSets == null ? null : new int[order.length][];
        long tokens = 0;
        for (int i = 0; i < order.length; i++) {
            orderedSeqs.add(seqs.get(order[i]));
            orderedLabels[i] = labels[order[i]];
            if (orderedSets != null) {
                orderedSets[i] = labelSets[order[i]];
            }
            tokens += lengths[order[i]];
        }
        boolean pools = Architectures.pools(network.architecture());
        boolean rescore = labelSets != null && Architectures.NGRAM_NB_V1.equals(network.architecture());
        // Batches are built on a second thread while the network trains on the current one.
        FailureRecordingIterator source = new FailureRecordingIterator(orderedSets == null
                ? SequenceBatches.iterator(orderedSeqs, orderedLabels, numLabels, batchSize, pools)
                : SequenceBatches.multiLabelIterator(orderedSeqs, orderedSets, numLabels, batchSize, pools));
        DataSetIterator it = new AsyncDataSetIterator(source, 4, true);
        long t0 = System.nanoTime();
        double lossSum = 0;
        int steps = 0;
        String task = String.format("%sepoch %d/%d", recipe.networks().size() > 1 ? network.name() + " " : "", epoch,
                recipe.training().epochs());
        Networks.fuseUpdater(net);
        try (Progress progress = Progress.start(task, order.length, "docs", recipe.networks().size() > 1)) {
            boolean masks = RnnMasks.needed(net);
            while (it.hasNext()) {
                DataSet ds = it.next();
                if (masks) {
                    RnnMasks.set(net, ds.getFeaturesMaskArray());
                }
                // A multi-label naive-Bayes bag ends in a LossLayer whose sigmoid backward pass overwrites
                // the scores score() is then computed from: its loss is taken by a forward pass first.
                double before = rescore ? net.score((org.nd4j.linalg.dataset.DataSet) ds, false) : 0;
                net.fit(ds);
                // The data loss: networks of older checkpoints add the weight-decay term to score().
                lossSum += (rescore ? before : net.score()) - net.calcRegularizationScore(true);
                steps++;
                progress.step(ds.numExamples());
                progress.extra(String.format(" loss %.4f", lossSum / steps));
            }
        } finally {
            if (it instanceof AsyncDataSetIterator a) {
                a.shutdown();
            }
        }
        source.rethrowIfFailed();
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new EpochStats(epoch, lossSum / Math.max(1, steps), Double.NaN, Double.NaN, seconds,
                order.length / seconds, tokens / seconds);
    }
}
