package io.textcls.cli;

import io.textcls.encode.SequenceSettings;
import io.textcls.train.ClassifierTrainer;
import io.textcls.train.TrainingConfig;
import io.textcls.TextclsException;
import io.textcls.embed.WordVectors;
import io.textcls.model.Architectures;
import io.textcls.model.Optimization;
import io.textcls.train.TrainingResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code textcls train}: train a classifier on a labeled folder tree and save it as a bundle. */
@Command(name = "train", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, showDefaultValues = true, sortOptions = false,
        description = {"Train an LSTM classifier on <data>/<label>/*.txt and save it as one zip.",
                "A checkpoint is written after every epoch to <model>.ckpt/; --resume continues a killed run."})
public final class TrainCommand implements Callable<Integer> {
    private static final TrainingConfig D = TrainingConfig.defaults();

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "Labeled folder: one subfolder per label (unsup is ignored).")
    Path data;

    @Option(names = "--model", required = true, description = "Where to write the classifier bundle (.zip).")
    Path model;

    @Option(names = "--resume", description = "Continue the run whose checkpoint is in <model>.ckpt/.")
    boolean resume;

    @Option(names = "--labels", split = ",", description = "Labels to use, in output order (default: every subfolder but unsup).")
    List<String> labels = List.of();

    @Option(names = "--validation", description = "A labeled folder to validate on (default: hold out a share of --data).")
    Path validation;

    @Option(names = "--validation-fraction", description = "Share of each label held out for validation.")
    double validationFraction = D.validationFraction();

    @Option(names = "--seed", description = "Seed for the split, weights, shuffling and dropout.")
    long seed = D.seed();

    @Option(names = "--vocab-size", description = "Most vocabulary entries, <pad> and <unk> included.")
    int vocabSize = D.vocabularySize();

    @Option(names = "--min-count", description = "Least count in the training split for a token to get its own id.")
    int minCount = D.minCount();

    @Option(names = "--max-length", description = "Most tokens per document fed to the network.")
    int maxLength = D.maxLength();

    @Option(names = "--truncate", description = "Which part of a longer document to keep: ${COMPLETION-CANDIDATES}.")
    SequenceSettings.Truncation truncation = D.truncation();

    @Option(names = "--architecture", description = "Network recipe: ${COMPLETION-CANDIDATES}.",
            completionCandidates = ArchitectureNames.class)
    String architecture = D.architecture();

    @Option(names = "--layers", description = "Stacked LSTM (or, for cnn-pool.v1, convolution) layers.")
    int layers = D.layers();

    @Option(names = "--pooling", description = "For the *-pool recipes: max, mean or maxmean (both) over the real time steps.")
    String pooling = D.pooling();

    @Option(names = "--embeddings", description = "Word vectors (word2vec text format, e.g. from 'textcls pretrain') "
            + "to start the embedding layer from; --embedding-size follows them.")
    Path embeddings;

    @Option(names = "--freeze-embeddings", description = "Keep the --embeddings vectors fixed instead of fine-tuning them.")
    boolean freezeEmbeddings;

    @Option(names = "--embedding-size", description = "Embedding width.")
    int embeddingSize = D.embeddingSize();

    @Option(names = "--hidden-size", description = "LSTM units (per direction for bilstm-pool.v1; filters for cnn-pool.v1).")
    int hiddenSize = D.hiddenSize();

    @Option(names = "--dropout", description = "Drop rate on the LSTM outputs.")
    double dropout = D.dropout();

    @Option(names = "--embedding-dropout", description = "Drop rate on the embeddings fed to the LSTM.")
    double embeddingDropout = D.embeddingDropout();

    @Option(names = "--learning-rate", description = "Adam learning rate.")
    double learningRate = D.learningRate();

    @Option(names = "--lr-schedule", description = "Learning-rate schedule over --epochs: ${COMPLETION-CANDIDATES} "
            + "(linear: down to zero at the last step; step: halved every tenth).")
    Optimization.Schedule schedule = D.schedule();

    @Option(names = "--weight-decay", description = "Weight decay coefficient.")
    double weightDecay = D.weightDecay();

    @Option(names = "--clip", description = "Per-layer gradient L2 norm limit (0 = none).")
    double clip = D.gradientClip();

    @Option(names = "--batch-size", description = "Documents per training step.")
    int batchSize = D.batchSize();

    @Option(names = "--epochs", description = "Most passes over the training split.")
    int epochs = D.maxEpochs();

    @Option(names = "--patience", description = "Stop after this many epochs without better validation accuracy.")
    int patience = D.patience();

    @Option(names = "--time-limit", description = "Minutes: do not start an epoch that would end past this (0 = none).")
    double timeLimit = D.timeLimitMinutes();

    @Option(names = "--sample", description = "Use a seeded random subset of at most this many documents per label "
            + "(0 = all): for quick experiments.")
    int sample;

    @Option(names = "--threads", description = "Threads for reading and tokenizing.")
    int threads = D.threads();

    /** The recipe names, for picocli's completion and help. */
    static final class ArchitectureNames extends java.util.ArrayList<String> {
        ArchitectureNames() {
            super(Architectures.KNOWN);
        }
    }

    @Override
    public Integer call() throws Exception {
        int width = embeddingSize;
        if (embeddings != null) {
            int dim = WordVectors.readDimension(embeddings);
            if (spec.commandLine().getParseResult().hasMatchedOption("--embedding-size") && dim != embeddingSize) {
                throw new TextclsException("--embedding-size " + embeddingSize + " does not match the " + dim
                        + "-dimensional vectors in " + embeddings + "; leave it out to follow the vectors");
            }
            width = dim;
        }
        TrainingConfig cfg = new TrainingConfig(labels, validationFraction,
                validation == null ? null : validation.toAbsolutePath(), seed, vocabSize, minCount, maxLength,
                truncation, width, hiddenSize, dropout, embeddingDropout, learningRate, weightDecay, clip,
                batchSize, epochs, patience, timeLimit, threads, architecture, layers,
                pooling, schedule,
                embeddings == null ? null : embeddings.toAbsolutePath(), freezeEmbeddings, sample);
        PrintWriter out = spec.commandLine().getOut();
        TrainingResult r = new ClassifierTrainer(line -> {
            out.println(line);
            out.flush();
        }).train(data, model, cfg, resume);
        out.println();
        out.println("validation of the saved classifier (epoch " + r.bestEpoch() + "):");
        out.println(r.validation().toTable());
        out.printf("stopped: %s; total %.1f min; training %.1f docs/s%n", r.stopReason(), r.seconds() / 60,
                r.trainDocsPerSecond());
        out.flush();
        return 0;
    }
}
