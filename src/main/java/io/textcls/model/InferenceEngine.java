package io.textcls.model;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Runs one trained network over id sequences and returns label probabilities. The one place that
 * chooses how a network scores: ND4J's fused native {@code lstmLayer} op ({@link
 * FusedLstmInference}: one-layer LSTMs), textcls's kernels in Java ({@link KernelInference}: every
 * LSTM and GRU architecture, stacked too, where the Vector API is present; {@link
 * NgramBagInference}: the naive-Bayes bag) or DL4J's own layers
 * (every other network). All three equal each other within float rounding. Training validates, {@code score} scores and
 * {@code bench} times through the same choice.
 */
public abstract class InferenceEngine {
    /**
     * System property choosing the engine: {@code kernel}, {@code fused} or {@code dl4j} (DL4J's
     * layers, for every network); where the chosen one cannot run a network, the default order
     * (kernel, fused, dl4j) picks.
     */
    public static final String PROPERTY = "textcls.inference";

    /**
     * The engines, in the order the default picks: the kernels where the Vector API is present
     * (every recurrent network and the naive-Bayes bag: with the first layer's input projection
     * read from a table made at load, faster than the fused op, docs/performance.md), then the
     * fused op (one-layer LSTMs without the Vector API), then DL4J's layers.
     */
    public enum Kind {
        /** textcls's kernels, in Java. */
        KERNEL("kernel"),
        /** ND4J's fused lstmLayer op. */
        FUSED("fused op"),
        /** DL4J's layers. */
        LAYERS("dl4j layers");

        /** The name benchmarks print. */
        public final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** Whether an engine can run a network of this spec. */
    public static boolean supports(Kind kind, NetworkSpec spec) {
        return switch (kind) {
            case KERNEL -> KernelInference.supports(spec) || NgramBagInference.supports(spec);
            case FUSED -> FusedLstmInference.supports(spec);
            case LAYERS -> true;
        };
    }

    /** The engine {@link #of} runs a network of this spec on. */
    public static Kind choice(NetworkSpec spec) {
        String p = System.getProperty(PROPERTY, "");
        if (p.equals("dl4j")) {
            return Kind.LAYERS;
        }
        if (p.equals("fused") && supports(Kind.FUSED, spec)) {
            return Kind.FUSED;
        }
        for (Kind k : Kind.values()) {
            if (supports(k, spec)) {
                return k;
            }
        }
        return Kind.LAYERS;
    }

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
        return of(choice(spec), spec, net);
    }

    private static InferenceEngine of(Kind kind, NetworkSpec spec, MultiLayerNetwork net) {
        return switch (kind) {
            case KERNEL -> NgramBagInference.supports(spec) ? bag(new NgramBagInference(net, spec))
                    : kernel(spec, net);
            case FUSED -> fused(net);
            case LAYERS -> layers(spec, net);
        };
    }

    /**
     * An engine of the given kind (which must {@link #supports} the spec) over a new, randomly
     * initialized network: for benchmarks that time scoring.
     */
    public static InferenceEngine untrained(Kind kind, NetworkSpec spec, long seed) {
        return of(kind, spec, Architectures.build(spec, new Optimization(1e-3, 0, 0, seed)));
    }

    /** textcls's kernels, whatever {@link #of} would choose: for tests that compare engines. */
    static InferenceEngine kernel(NetworkSpec spec, MultiLayerNetwork net) {
        return new Shared(new KernelInference(net, spec)::probabilities);
    }

    private static InferenceEngine bag(NgramBagInference bag) {
        return new Shared((sequences, batchSize) -> bag.probabilities(sequences));
    }

    /** The fused engine, whatever {@link #of} would choose: for tests that compare engines. */
    static InferenceEngine fused(MultiLayerNetwork net) {
        return new Shared(new FusedLstmInference(net)::probabilities);
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

    /** How a thread-safe engine scores: sequences and a batch size in, probabilities out. */
    private interface Scorer {
        float[][] probabilities(List<int[]> sequences, int batchSize);
    }

    /**
     * An engine over immutable weights with per-thread buffers (the fused op, textcls's kernels,
     * the naive-Bayes bag), so every thread shares this one.
     */
    private static final class Shared extends InferenceEngine {
        private final Scorer scorer;

        Shared(Scorer scorer) {
            this.scorer = scorer;
        }

        @Override
        public float[][] probabilities(List<int[]> sequences, int batchSize) {
            return scorer.probabilities(sequences, batchSize);
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
