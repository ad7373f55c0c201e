package io.textcls.model;

import io.textcls.TextclsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

/**
 * The closed set of network recipes, by versioned name. A recipe never changes once released: a
 * change gets a new version so old bundles rebuild exactly. Every recipe starts with an
 * {@code EmbeddingSequenceLayer} and stacks {@link NetworkSpec#layers()} LSTMs (tanh), or
 * convolutions for {@link #CNN_POOL_V1}; DL4J's layer-level dropout acts on a layer's input, so
 * {@code embeddingDropout} sits on the first LSTM, {@code dropout} on every later LSTM and on the
 * output layer.
 */
public final class Architectures {
    /**
     * EmbeddingSequenceLayer → LSTM → dropout → RnnOutputLayer (softmax, MCXENT), the label read at
     * each document's last real step through the label mask. The mission's network.
     */
    public static final String LSTM_LAST_V1 = "lstm-last.v1";
    /**
     * EmbeddingSequenceLayer → LSTM → masked max or mean over the real steps (GlobalPoolingLayer),
     * or both concatenated ({@link MaxMeanPooling}) → dropout → OutputLayer (softmax, MCXENT):
     * every step's output reaches the loss.
     */
    public static final String LSTM_POOL_V1 = "lstm-pool.v1";
    /**
     * As {@link #LSTM_POOL_V1} with each LSTM bidirectional (DL4J's {@code Bidirectional} wrapper,
     * outputs concatenated: 2 × hidden features per step).
     */
    public static final String BILSTM_POOL_V1 = "bilstm-pool.v1";
    /**
     * EmbeddingSequenceLayer → {@link NetworkSpec#layers()} one-dimensional convolutions (width
     * {@value #CNN_KERNEL}, same-length output, ReLU, {@code hiddenSize} filters) → masked pooling
     * → dropout → OutputLayer (softmax, MCXENT). Not an LSTM: a fast, differently-erring member
     * for ensembles (a learned n-gram detector). Padding steps are zero (the embedding layer
     * masks them), so a document's features do not depend on how long its batch is.
     */
    public static final String CNN_POOL_V1 = "cnn-pool.v1";
    /** The convolution width of {@link #CNN_POOL_V1}. */
    public static final int CNN_KERNEL = 3;
    public static final List<String> KNOWN = List.of(LSTM_LAST_V1, LSTM_POOL_V1, BILSTM_POOL_V1, CNN_POOL_V1);
    static final List<String> POOLED = List.of(LSTM_POOL_V1, BILSTM_POOL_V1, CNN_POOL_V1);

    private Architectures() {
    }

    static void requireKnown(String name) {
        if (!KNOWN.contains(name)) {
            throw new TextclsException("unknown architecture '" + name + "': this build knows " + KNOWN);
        }
    }

    /** Whether the recipe's hidden layers are LSTMs (all but {@link #CNN_POOL_V1}). */
    public static boolean recurrent(String architecture) {
        return !CNN_POOL_V1.equals(architecture);
    }

    /** Whether the recipe pools over time (one output per document) rather than reading the last step. */
    public static boolean pools(String architecture) {
        return POOLED.contains(architecture);
    }

    /** A new, initialized network for a spec. */
    public static MultiLayerNetwork build(NetworkSpec spec, Optimization opt) {
        requireKnown(spec.architecture());
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder()
                .seed(opt.seed())
                .updater(opt.schedule() == Optimization.Schedule.CONSTANT ? new Adam(opt.learningRate())
                        : new Adam(schedule(opt)))
                .weightInit(WeightInit.XAVIER);
        if (opt.weightDecay() > 0) {
            b.weightDecay(opt.weightDecay());
        }
        if (opt.gradientClip() > 0) {
            b.gradientNormalization(GradientNormalization.ClipL2PerLayer)
                    .gradientNormalizationThreshold(opt.gradientClip());
        }
        List<Layer> layers = new ArrayList<>();
        EmbeddingSequenceLayer.Builder emb = new EmbeddingSequenceLayer.Builder()
                .nIn(spec.vocabularySize())
                .nOut(spec.embeddingSize())
                .weightInit(new UniformDistribution(-0.05, 0.05));
        if (opt.freezeEmbeddings()) {
            // A zero step: DL4J's NoOp updater would apply the raw gradient.
            emb.updater(new Sgd(0.0)).regularization(new ArrayList<>()).regularizationBias(new ArrayList<>());
        }
        layers.add(emb.build());
        boolean bidirectional = spec.architecture().equals(BILSTM_POOL_V1);
        int width = spec.embeddingSize();
        for (int i = 0; i < spec.layers(); i++) {
            FeedForwardLayer.Builder<?> hidden;
            int out = spec.hiddenSize();
            if (recurrent(spec.architecture())) {
                hidden = new LSTM.Builder().activation(Activation.TANH).dataFormat(RNNFormat.NCW);
            } else {
                hidden = new Convolution1DLayer.Builder()
                        .kernelSize(CNN_KERNEL)
                        .convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU)
                        .rnnDataFormat(RNNFormat.NCW);
            }
            hidden.nIn(width).nOut(out);
            double drop = i == 0 ? spec.embeddingDropout() : spec.dropout();
            if (drop > 0) {
                hidden.dropOut(1.0 - drop); // DL4J's dropOut takes the retain probability
            }
            Layer built = hidden.build();
            if (bidirectional) {
                built = new Bidirectional(Bidirectional.Mode.CONCAT, built);
            } else if (built instanceof LSTM lstm) {
                built = CachingLstm.of(lstm); // one forward pass per training step instead of two
            }
            layers.add(built);
            width = bidirectional ? 2 * out : out;
        }
        if (pools(spec.architecture())) {
            if (NetworkSpec.MAX_MEAN.equals(spec.pooling())) {
                layers.add(new MaxMeanPooling());
                width *= 2;
            } else {
                layers.add(new GlobalPoolingLayer.Builder(NetworkSpec.MEAN.equals(spec.pooling()) ? PoolingType.AVG
                        : PoolingType.MAX).collapseDimensions(true).build());
            }
            OutputLayer.Builder out = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .activation(Activation.SOFTMAX)
                    .nIn(width)
                    .nOut(spec.numLabels());
            if (spec.dropout() > 0) {
                out.dropOut(1.0 - spec.dropout());
            }
            layers.add(out.build());
        } else {
            RnnOutputLayer.Builder out = new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .activation(Activation.SOFTMAX)
                    .nIn(width)
                    .nOut(spec.numLabels())
                    .dataFormat(RNNFormat.NCW);
            if (spec.dropout() > 0) {
                out.dropOut(1.0 - spec.dropout());
            }
            layers.add(out.build());
        }
        NeuralNetConfiguration.ListBuilder list = b.list();
        for (Layer l : layers) {
            list.layer(l);
        }
        MultiLayerConfiguration conf = list.build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static ISchedule schedule(Optimization opt) {
        double lr = opt.learningRate();
        long total = opt.totalSteps();
        return switch (opt.schedule()) {
            case CONSTANT -> throw new IllegalArgumentException("a constant rate needs no schedule");
            case STEP -> new StepSchedule(ScheduleType.ITERATION, lr, 0.5, Math.max(1, total / 10));
            case LINEAR -> {
                // A 100-stair approximation of a straight line from lr down to 0 at the last step
                // (MapSchedule serializes with the network, so a checkpoint resumes on the same schedule).
                Map<Integer, Double> stairs = new TreeMap<>();
                int pieces = 100;
                for (int k = 0; k < pieces; k++) {
                    int at = (int) (total * k / pieces);
                    stairs.put(at, lr * (1.0 - (k + 0.5) / pieces));
                }
                yield new MapSchedule(ScheduleType.ITERATION, stairs);
            }
        };
    }

    /**
     * Copies pretrained vectors into the embedding layer.
     *
     * @param rows one row per vocabulary id; a null row keeps its random initialization
     * @return how many rows were copied
     */
    public static int setEmbeddings(MultiLayerNetwork net, float[][] rows) {
        INDArray w = net.getLayer(0).getParam("W");
        if (rows.length != w.size(0)) {
            throw new TextclsException("got " + rows.length + " embedding rows for a " + w.size(0) + "-row embedding");
        }
        int copied = 0;
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] != null) {
                if (rows[i].length != w.size(1)) {
                    throw new TextclsException("vector for id " + i + " has " + rows[i].length
                            + " values, the embedding is " + w.size(1) + " wide");
                }
                w.putRow(i, Nd4j.createFromArray(rows[i]).castTo(w.dataType()));
                copied++;
            }
        }
        return copied;
    }

    /** Checks that a loaded network has the sizes its spec says; returns a message or null. */
    public static String mismatch(NetworkSpec spec, MultiLayerNetwork net) {
        int expected = 2 + spec.layers() + (pools(spec.architecture()) ? 1 : 0);
        if (net.getnLayers() != expected) {
            return "network has " + net.getnLayers() + " layers, " + spec.architecture() + " with " + spec.layers()
                    + " hidden layer(s) has " + expected;
        }
        long rows = net.getLayer(0).getParam("W").size(0);
        if (rows != spec.vocabularySize()) {
            return "embedding has " + rows + " rows but the vocabulary has " + spec.vocabularySize() + " tokens";
        }
        long outputs = net.getLayer(expected - 1).getParam("W").size(1);
        if (outputs != spec.numLabels()) {
            return "network has " + outputs + " outputs but there are " + spec.numLabels() + " labels";
        }
        return null;
    }
}
