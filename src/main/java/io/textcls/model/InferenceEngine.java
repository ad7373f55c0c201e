package io.textcls.model;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Runs one trained network over id sequences and returns label probabilities. The one place that
 * chooses how a network scores: ND4J's fused native {@code lstmLayer} op over the trained weights
 * ({@link FusedLstmInference}: every one-layer LSTM architecture; equal to DL4J's layers within
 * float rounding and faster than their per-step loop) or DL4J's own layers (every other network,
 * or all of them with {@code -Dtextcls.inference=dl4j}). Training validates, {@code score}
 * scores and {@code bench} times through the same choice.
 */
public abstract class InferenceEngine {
    /**
     * System property choosing the engine: {@code fused} (default) or {@code dl4j} (the DL4J layers
     * themselves, for every network).
     */
    public static final String PROPERTY = "textcls.inference";

    InferenceEngine() {
    }

    /** The engine for a network with trained weights. */
    public static InferenceEngine load(NetworkSpec spec, NetworkWeights weights) {
        return of(spec, Architectures.build(spec, weights));
    }

    /**
     * The engine for a live network. The fused engine copies the weights, so later training of
     * {@code net} does not reach it; the DL4J engine runs {@code net} itself.
     */
    public static InferenceEngine of(NetworkSpec spec, MultiLayerNetwork net) {
        boolean fused = !"dl4j".equals(System.getProperty(PROPERTY)) && supportsFused(spec);
        return fused ? fused(net) : layers(spec, net);
    }

    /**
     * An engine over a new, randomly initialized network of a spec: for benchmarks that time
     * scoring. {@code fused} picks the fused engine (the spec must support it) or DL4J's layers.
     */
    public static InferenceEngine untrained(NetworkSpec spec, long seed, boolean fused) {
        MultiLayerNetwork net = Architectures.build(spec, new Optimization(1e-3, 0, 0, seed));
        return fused ? fused(net) : layers(spec, net);
    }

    /** Whether the fused engine runs this network (every one-layer LSTM architecture). */
    public static boolean supportsFused(NetworkSpec spec) {
        return FusedLstmInference.supports(spec);
    }

    /** The fused engine, whatever {@link #of} would choose: for tests that compare engines. */
    static InferenceEngine fused(MultiLayerNetwork net) {
        return new Fused(new FusedLstmInference(net));
    }

    /** DL4J's layers, whatever {@link #of} would choose: for tests that compare engines. */
    static InferenceEngine layers(NetworkSpec spec, MultiLayerNetwork net) {
        return new Layers(net, spec);
    }

    /** Label probabilities per sequence (each non-empty), in input order; documents are batched by length. */
    public abstract float[][] probabilities(List<int[]> sequences, int batchSize);

    /**
     * An engine a worker thread can run in parallel with this one: the same engine where it is
     * thread-safe (the fused one: immutable weights), else one over a copy of the network.
     */
    public abstract InferenceEngine replica();

    private static final class Fused extends InferenceEngine {
        private final FusedLstmInference fused;

        Fused(FusedLstmInference fused) {
            this.fused = fused;
        }

        @Override
        public float[][] probabilities(List<int[]> sequences, int batchSize) {
            return fused.probabilities(sequences, batchSize);
        }

        @Override
        public InferenceEngine replica() {
            return this;
        }
    }

    /** DL4J's layers; a network keeps per-call state, so calls into one are serialized. */
    private static final class Layers extends InferenceEngine {
        private final MultiLayerNetwork net;
        private final NetworkSpec spec;

        Layers(MultiLayerNetwork net, NetworkSpec spec) {
            this.net = net;
            this.spec = spec;
        }

        @Override
        public float[][] probabilities(List<int[]> sequences, int batchSize) {
            List<int[]> inputs = Architectures.inputIds(spec, sequences);
            synchronized (net) {
                return SequenceInference.probabilities(net, inputs, spec.numLabels(), batchSize);
            }
        }

        @Override
        public InferenceEngine replica() {
            synchronized (net) {
                return new Layers(net.clone(), spec);
            }
        }
    }
}
