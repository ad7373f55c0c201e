package io.textcls.model;

import io.textcls.TextclsException;

/**
 * How the network is trained: Adam with decoupled weight decay, per-layer gradient clipping and
 * a learning-rate schedule over training steps.
 *
 * @param learningRate Adam step size (the schedule's start)
 * @param weightDecay weight decay coefficient (0 = none)
 * @param gradientClip per-layer L2 norm limit for gradients (0 = none)
 * @param seed weight initialization seed
 * @param schedule how the step size changes with training steps
 * @param totalSteps steps the schedule spans (the most epochs times steps per epoch); unused for
 *     {@link Schedule#CONSTANT}
 * @param freezeEmbeddings keep the embedding layer's weights fixed (pretrained vectors used as they are)
 * @param labelWeights for a softmax output, each label's weight in the cross-entropy (null: all 1)
 */
public record Optimization(double learningRate, double weightDecay, double gradientClip, long seed,
                           Schedule schedule, long totalSteps, boolean freezeEmbeddings, float[] labelWeights) {
    /** Learning-rate schedules, by the name the CLI takes. */
    public enum Schedule {
        /** The same step size throughout. */
        CONSTANT,
        /** Falls linearly from the learning rate to zero at the last step. */
        LINEAR,
        /** Halves after every tenth of the span. */
        STEP
    }

    public Optimization {
        if (!(learningRate > 0)) {
            throw new TextclsException("learning rate must be > 0, got " + learningRate);
        }
        if (weightDecay < 0 || gradientClip < 0) {
            throw new TextclsException("weight decay and gradient clip must be >= 0");
        }
        if (schedule == null) {
            schedule = Schedule.CONSTANT;
        }
        if (schedule != Schedule.CONSTANT && totalSteps < 1) {
            throw new TextclsException("a " + schedule + " learning-rate schedule needs the number of training steps");
        }
    }

    /** Without label weights: every document counts the same in the loss. */
    public Optimization(double learningRate, double weightDecay, double gradientClip, long seed, Schedule schedule,
                        long totalSteps, boolean freezeEmbeddings) {
        this(learningRate, weightDecay, gradientClip, seed, schedule, totalSteps, freezeEmbeddings, null);
    }

    /** These settings with each label's documents weighed in the loss as {@code weights} says (null: equally). */
    public Optimization withLabelWeights(float[] weights) {
        return new Optimization(learningRate, weightDecay, gradientClip, seed, schedule, totalSteps, freezeEmbeddings,
                weights == null ? null : weights.clone());
    }

    /** Constant step size, embeddings trained. */
    public Optimization(double learningRate, double weightDecay, double gradientClip, long seed) {
        this(learningRate, weightDecay, gradientClip, seed, Schedule.CONSTANT, 0, false);
    }
}
