package io.textcls.classifier;

/**
 * One epoch of training, as the model card records it.
 *
 * @param epoch 1-based epoch number
 * @param trainLoss mean training loss (cross-entropy, without the weight-decay term) over the epoch's batches
 * @param validationLoss mean validation log loss
 * @param validationAccuracy validation accuracy
 * @param seconds wall time of the training pass (validation excluded)
 * @param docsPerSecond training documents per second
 * @param tokensPerSecond training tokens (after truncation) per second
 */
public record EpochStats(int epoch, double trainLoss, double validationLoss, double validationAccuracy, double seconds,
                         double docsPerSecond, double tokensPerSecond) {
}
