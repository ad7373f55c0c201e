package io.textcls.model.dl4j;

import io.textcls.model.Architectures;
import io.textcls.model.NetworkSpec;
import io.textcls.model.Optimization;
import io.textcls.model.inference.NetworkScorer;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Runs a live DL4J network (one being trained, or built for a benchmark) over id sequences: on
 * the scoring runtime ({@link NetworkScorer}, over the network's weights copied out of it: what
 * {@code score}, {@code serve} and Spark run, so validation agrees with them by construction), on
 * ND4J's fused native {@code lstmLayer} op ({@link FusedLstmInference}: one-layer LSTMs) or on DL4J's
 * own layers. All three equal each other within float rounding; benchmarks time each.
 */
public abstract class InferenceEngine {
    /**
     * System property choosing the engine for live networks: {@code runtime}, {@code fused} or
     * {@code dl4j} (DL4J's layers, for every network); where the chosen one cannot run a network,
     * the default order (runtime, fused, dl4j) picks. Saved bundles always score on the runtime.
     */
    public static final String PROPERTY = "textcls.inference";

    /** The engines, in the order the default picks. */
    public enum Kind {
        /** The scoring runtime: textcls's kernels, in Java (all but the naive-Bayes bag need the Vector API). */
        RUNTIME("runtime"),
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
            case RUNTIME -> NetworkScorer.onKernels(spec);
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

    /**
     * The engine for a live network. The runtime and the fused engine copy the weights, so later
     * training of {@code net} does not reach them; the DL4J engine runs {@code net} itself.
     */
    public static InferenceEngine of(NetworkSpec spec, MultiLayerNetwork net) {
        return of(choice(spec), spec, net);
    }

    /** An engine of the given kind (which must {@link #supports} the spec): for benchmarks and tests that compare engines. */
    public static InferenceEngine of(Kind kind, NetworkSpec spec, MultiLayerNetwork net) {
        return switch (kind) {
            case RUNTIME -> new Shared(NetworkScorer.of(spec, Networks.weights(net))::probabilities);
            case FUSED -> new Shared(new FusedLstmInference(net)::probabilities);
            case LAYERS -> new Layers(net, spec);
        };
    }

    /**
     * An engine of the given kind (which must {@link #supports} the spec) over a new, randomly
     * initialized network: for benchmarks that time scoring.
     */
    public static InferenceEngine untrained(Kind kind, NetworkSpec spec, long seed) {
        return of(kind, spec, Networks.build(spec, new Optimization(1e-3, 0, 0, seed)));
    }

    /** Label probabilities per sequence (each non-empty), in input order; documents are batched by length. */
    public abstract float[][] probabilities(List<int[]> sequences, int batchSize);

    /**
     * An engine a worker thread can run in parallel with this one: the same engine where it is
     * thread-safe (the runtime and the fused one: immutable weights), else one over a copy of the network.
     */
    public abstract InferenceEngine replica();

    /** How a thread-safe engine scores: sequences and a batch size in, probabilities out. */
    private interface Scorer {
        float[][] probabilities(List<int[]> sequences, int batchSize);
    }

    /** An engine over immutable weights with per-thread buffers, so every thread shares this one. */
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
