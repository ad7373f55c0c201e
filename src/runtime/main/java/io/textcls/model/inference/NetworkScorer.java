package io.textcls.model.inference;

import io.textcls.TextclsException;
import io.textcls.encode.Bucketing;
import io.textcls.model.Architectures;
import io.textcls.model.NetworkLayout;
import io.textcls.model.NetworkSpec;
import io.textcls.model.NetworkWeights;
import io.textcls.model.kernel.RecurrentKernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores id sequences with a trained network in plain Java: the scoring runtime. It reads the
 * weights straight into {@link NetworkLayout}'s records and runs textcls's kernels over them (the
 * recurrent layers, the convolution, the bags of n-grams), then one masked pooling and one output
 * activation; no DL4J network is ever built. In a JVM without the Vector API module every network
 * scores in plain scalar Java instead ({@link PlainScorer}), with one warning. Immutable and
 * thread-safe (each call borrows its own kernels and buffers from the scorer, kept for later
 * calls), so one scorer serves every thread.
 */
public abstract class NetworkScorer {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkScorer.class);
    private final NetworkSpec spec;

    NetworkScorer(NetworkSpec spec) {
        this.spec = spec;
    }

    /**
     * The scorer of a network with trained weights.
     *
     * @throws TextclsException if the weights do not fit the spec
     */
    public static NetworkScorer of(NetworkSpec spec, NetworkWeights weights) {
        List<NetworkLayout.Layer> layers = NetworkLayout.layers(spec, weights);
        if (Architectures.NGRAM_NB_V1.equals(spec.architecture())) {
            return new NaiveBayesScorer(spec, layers);
        }
        if (!RecurrentKernels.available()) {
            warnOnce(spec);
            return new PlainScorer(spec, layers);
        }
        if (Architectures.NGRAM_MEAN_V1.equals(spec.architecture())) {
            return new MeanBagScorer(spec, layers);
        }
        if (Architectures.CNN_POOL_V1.equals(spec.architecture())) {
            return new ConvolutionScorer(spec, layers);
        }
        return new RecurrentScorer(spec, layers, true);
    }

    /** Whether this JVM scores a network of this spec on the kernels (the Vector API), rather than in plain Java. */
    public static boolean onKernels(NetworkSpec spec) {
        return Architectures.NGRAM_NB_V1.equals(spec.architecture()) || RecurrentKernels.available();
    }

    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private static void warnOnce(NetworkSpec spec) {
        if (!WARNED.getAndSet(true)) {
            LOG.warn("this JVM has no Vector API module: {} networks score in plain Java, several times slower; "
                    + "start Java with --add-modules jdk.incubator.vector (the textcls launcher does)",
                    spec.architecture());
        }
    }

    /** The network's spec. */
    public final NetworkSpec spec() {
        return spec;
    }

    /**
     * The most token steps (documents × the longest one's length) one batch may hold: what bounds
     * each call's working memory (the kernels' buffers are steps × features), about 30 MB for
     * the default LSTM, whatever the batch size and the documents' lengths.
     */
    static final int MAX_BATCH_STEPS = 16_384;

    /**
     * The batches the engines run: documents grouped by length ({@link Bucketing#inferenceBatches}),
     * each split further where its documents times its longest length pass {@link #MAX_BATCH_STEPS}.
     */
    static List<int[]> batches(int[] lengths, int batchSize) {
        List<int[]> out = new ArrayList<>();
        for (int[] batch : Bucketing.inferenceBatches(lengths, batchSize)) {
            int longest = 1;
            for (int i : batch) {
                longest = Math.max(longest, lengths[i]);
            }
            int per = Math.max(1, MAX_BATCH_STEPS / longest);
            for (int from = 0; from < batch.length; from += per) {
                out.add(Arrays.copyOfRange(batch, from, Math.min(batch.length, from + per)));
            }
        }
        return out;
    }

    /**
     * Label probabilities per sequence (each non-empty), in input order: one softmax over the
     * labels, or one sigmoid per label for a multi-label network. Documents are batched by length,
     * at most {@code batchSize} a batch.
     */
    public abstract float[][] probabilities(List<int[]> sequences, int batchSize);
}
