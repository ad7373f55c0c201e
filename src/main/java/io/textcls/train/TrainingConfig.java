package io.textcls.train;

import io.textcls.TextclsException;
import io.textcls.encode.SequenceSettings;
import java.nio.file.Path;
import java.util.List;

/**
 * Every training option, resolved. Saved in the model card and in checkpoints; a resumed run must
 * use the same values for everything that changes the result (see {@link #resultDefining()}).
 *
 * @param labels labels to train, in output order; empty = every label folder except unsup
 * @param validationFraction share of each label held out for validation when no validation folder is given
 * @param validationDir a labeled folder to validate on instead of a held-out share (null = none)
 * @param seed seeds the split, the weights, shuffling and dropout
 * @param vocabularySize most vocabulary ids, {@code <pad>} and {@code <unk>} included
 * @param minCount least training-split count for a token to get its own id
 * @param maxLength most tokens per document fed to the network
 * @param truncation which tokens of a longer document are kept
 * @param embeddingSize embedding width
 * @param hiddenSize LSTM units
 * @param dropout drop rate on LSTM outputs
 * @param embeddingDropout drop rate on the embeddings
 * @param learningRate Adam step size
 * @param weightDecay weight decay coefficient
 * @param gradientClip per-layer gradient L2 norm limit (0 = none)
 * @param batchSize documents per training step
 * @param maxEpochs most passes over the training split
 * @param patience stop after this many epochs without a better validation accuracy
 * @param timeLimitMinutes do not start an epoch expected to end past this (0 = no limit)
 * @param threads threads for reading and tokenizing
 */
public record TrainingConfig(List<String> labels, double validationFraction, Path validationDir, long seed,
                             int vocabularySize, int minCount, int maxLength, SequenceSettings.Truncation truncation,
                             int embeddingSize, int hiddenSize, double dropout, double embeddingDropout,
                             double learningRate, double weightDecay, double gradientClip, int batchSize,
                             int maxEpochs, int patience, double timeLimitMinutes, int threads) {

    public TrainingConfig {
        labels = labels == null ? List.of() : List.copyOf(labels);
        if (validationDir == null && !(validationFraction > 0 && validationFraction < 1)) {
            throw new TextclsException("--validation-fraction must be between 0 and 1 (exclusive), got "
                    + validationFraction);
        }
        if (batchSize < 1 || maxEpochs < 1 || patience < 1 || threads < 1 || minCount < 1) {
            throw new TextclsException("--batch-size, --epochs, --patience, --threads and --min-count must be >= 1");
        }
        if (timeLimitMinutes < 0) {
            throw new TextclsException("--time-limit must be >= 0 minutes, got " + timeLimitMinutes);
        }
    }

    /** The defaults: the recipe measured in the README. */
    public static TrainingConfig defaults() {
        return new TrainingConfig(List.of(), 0.1, null, 42, 30_000, 2, 400, SequenceSettings.Truncation.TAIL, 128,
                128, 0.5, 0.0, 0.002, 1e-4, 5.0, 64, 6, 2, 0, 2);
    }

    /** The options that change the trained weights (a resumed run must match them). */
    TrainingConfig resultDefining() {
        return new TrainingConfig(labels, validationFraction, validationDir, seed, vocabularySize, minCount, maxLength,
                truncation, embeddingSize, hiddenSize, dropout, embeddingDropout, learningRate, weightDecay,
                gradientClip, batchSize, 1, 1, 0, 1);
    }
}
