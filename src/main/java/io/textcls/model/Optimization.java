package io.textcls.model;

import io.textcls.TextclsException;

/**
 * How the network is trained: Adam with decoupled weight decay and per-layer gradient clipping.
 *
 * @param learningRate Adam step size
 * @param weightDecay weight decay coefficient (0 = none)
 * @param gradientClip per-layer L2 norm limit for gradients (0 = none)
 * @param seed weight initialization seed
 */
public record Optimization(double learningRate, double weightDecay, double gradientClip, long seed) {
    public Optimization {
        if (!(learningRate > 0)) {
            throw new TextclsException("learning rate must be > 0, got " + learningRate);
        }
        if (weightDecay < 0 || gradientClip < 0) {
            throw new TextclsException("weight decay and gradient clip must be >= 0");
        }
    }
}
