package io.textcls.model.inference;

import io.textcls.TextclsException;
import io.textcls.model.Architectures;
import io.textcls.model.NetworkLayout;
import io.textcls.model.NetworkSpec;
import io.textcls.model.NetworkWeights;
import io.textcls.model.kernel.RecurrentKernels;
import java.util.List;

/**
 * Scores id sequences with a trained network in plain Java: the scoring runtime. It reads the
 * weights straight into {@link NetworkLayout}'s records and runs textcls's kernels over them (the
 * recurrent layers, the convolution, the bags of n-grams), then one masked pooling and one output
 * activation; no DL4J network is ever built. Immutable and thread-safe (each thread gets its own
 * kernels and buffers), so one scorer serves every thread.
 */
public abstract class NetworkScorer {
    private final NetworkSpec spec;

    NetworkScorer(NetworkSpec spec) {
        this.spec = spec;
    }

    /**
     * The scorer of a network with trained weights.
     *
     * @throws TextclsException if the weights do not fit the spec, or a kernel-run architecture is
     *     asked for in a JVM without the Vector API module
     */
    public static NetworkScorer of(NetworkSpec spec, NetworkWeights weights) {
        List<NetworkLayout.Layer> layers = NetworkLayout.layers(spec, weights);
        if (Architectures.NGRAM_NB_V1.equals(spec.architecture())) {
            return new NaiveBayesScorer(spec, layers);
        }
        requireVectorApi(spec);
        if (Architectures.NGRAM_MEAN_V1.equals(spec.architecture())) {
            return new MeanBagScorer(spec, layers);
        }
        if (Architectures.CNN_POOL_V1.equals(spec.architecture())) {
            return new ConvolutionScorer(spec, layers);
        }
        return new RecurrentScorer(spec, layers, true);
    }

    /** Whether this JVM can score a network of this spec (all but the naive-Bayes bag need the Vector API). */
    public static boolean supports(NetworkSpec spec) {
        return Architectures.NGRAM_NB_V1.equals(spec.architecture()) || RecurrentKernels.available();
    }

    static void requireVectorApi(NetworkSpec spec) {
        if (!RecurrentKernels.available()) {
            throw new TextclsException("scoring a " + spec.architecture() + " network needs the JDK's Vector API "
                    + "module: start Java with --add-modules jdk.incubator.vector (the textcls launcher does)");
        }
    }

    /** The network's spec. */
    public final NetworkSpec spec() {
        return spec;
    }

    /**
     * Label probabilities per sequence (each non-empty), in input order: one softmax over the
     * labels, or one sigmoid per label for a multi-label network. Documents are batched by length,
     * at most {@code batchSize} a batch.
     */
    public abstract float[][] probabilities(List<int[]> sequences, int batchSize);
}
