package io.textcls.model.dl4j;

import static io.textcls.model.Architectures.*;

import io.textcls.TextclsException;
import io.textcls.model.Architectures;
import io.textcls.model.NetworkSpec;
import io.textcls.model.NetworkWeights;
import io.textcls.model.Optimization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
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
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

/**
 * Builds each {@link Architectures architecture} as a DL4J network, for training: one builder per
 * released name, frozen once released. Which layer implementation runs (textcls's own LSTM kernel,
 * {@link KernelLstm}, with DL4J's parameters and arithmetic) is chosen here, at build time. DL4J's
 * layer dropout acts on a layer's input, so {@code embeddingDropout} sits on the first hidden layer,
 * {@code dropout} on later ones and on the output layer. The parameters of a built network lie as
 * {@link io.textcls.model.NetworkLayout} says (a test checks it for every architecture).
 */
public final class Networks {
    /** Builds the layers of one architecture, embedding first, output last. */
    private interface Builder {
        List<Layer> layers(NetworkSpec spec, Optimization opt);
    }

    /** One entry per released name; frozen once released. */
    private static final Map<String, Builder> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put(LSTM_LAST_V1, Networks::lstmLastV1);
        REGISTRY.put(LSTM_POOL_V1, Networks::lstmPoolV1);
        REGISTRY.put(BILSTM_POOL_V1, Networks::bilstmPoolV1);
        REGISTRY.put(CNN_POOL_V1, Networks::cnnPoolV1);
        REGISTRY.put(GRU_POOL_V1, (spec, opt) -> gruPool(spec, opt, false));
        REGISTRY.put(BIGRU_POOL_V1, (spec, opt) -> gruPool(spec, opt, true));
        REGISTRY.put(NGRAM_MEAN_V1, Networks::ngramMeanV1);
        REGISTRY.put(NGRAM_NB_V1, Networks::ngramNbV1);
    }


    private Networks() {
    }

    /**
     * Sets the frozen log-count ratios of an {@link #NGRAM_NB_V1} network from its training
     * documents: for feature j and label c, {@code log((n_jc + α) / Σ_i (n_ic + α)) - log((m_jc + α) /
     * Σ_i (m_ic + α))}, where n counts the documents of label c holding j and m those of the other
     * labels (α = {@value #NB_SMOOTHING}); features in fewer than {@value #NB_MIN_DOCUMENTS} training
     * documents get 0. Does nothing for other architectures.
     *
     * @param inputs each training document's {@link #inputIds} (distinct ids)
     * @return how many features got a ratio
     */
    public static int setNaiveBayesRatios(MultiLayerNetwork net, NetworkSpec spec, List<int[]> inputs, int[] labels) {
        int[][] sets = new int[labels.length][];
        for (int d = 0; d < labels.length; d++) {
            sets[d] = new int[] {labels[d]};
        }
        return setNaiveBayesRatios(net, spec, inputs, sets);
    }

    /**
     * As {@link #setNaiveBayesRatios(MultiLayerNetwork, NetworkSpec, List, int[])} for documents with
     * label sets (multi-label): for label c, n counts the documents whose set holds c and m all
     * the others. With one label per document the two are the same.
     */
    public static int setNaiveBayesRatios(MultiLayerNetwork net, NetworkSpec spec, List<int[]> inputs,
                                          int[][] labelSets) {
        if (!NGRAM_NB_V1.equals(spec.architecture())) {
            return 0;
        }
        int rows = embeddingRows(spec), k = spec.numLabels();
        int[] counts = new int[rows * k];
        int[] documentFrequency = new int[rows];
        long[] perLabel = new long[k];
        long all = 0;
        for (int d = 0; d < inputs.size(); d++) {
            int[] features = inputs.get(d);
            for (int id : features) {
                documentFrequency[id]++;
            }
            for (int label : labelSets[d]) {
                for (int id : features) {
                    counts[id * k + label]++;
                }
                perLabel[label] += features.length;
            }
            all += features.length;
        }
        float[] ratios = new float[rows * k];
        int kept = 0;
        for (int j = 0; j < rows; j++) {
            int df = documentFrequency[j];
            if (df < NB_MIN_DOCUMENTS) {
                continue;
            }
            kept++;
            for (int c = 0; c < k; c++) {
                double in = counts[j * k + c] + NB_SMOOTHING, out = df - counts[j * k + c] + NB_SMOOTHING;
                double inTotal = perLabel[c] + NB_SMOOTHING * rows, outTotal = all - perLabel[c] + NB_SMOOTHING * rows;
                ratios[j * k + c] = (float) (Math.log(in / inTotal) - Math.log(out / outTotal));
            }
        }
        net.getLayer(0).getParam(NgramBag.Params.R).assign(NativeFloats.array(ratios, new long[] {rows, k}, 'c'));
        return kept;
    }

    private static List<Layer> lstmLastV1(NetworkSpec spec, Optimization opt) {
        List<Layer> layers = new ArrayList<>(List.of(embedding(spec, opt)));
        int width = spec.embeddingSize();
        for (int i = 0; i < spec.layers(); i++) {
            layers.add(lstm(width, spec, i));
            width = spec.hiddenSize();
        }
        RnnOutputLayer.Builder out = new RnnOutputLayer.Builder(loss(spec, opt))
                .activation(outputActivation(spec))
                .nIn(width)
                .nOut(spec.numLabels())
                .dataFormat(RNNFormat.NCW);
        if (spec.dropout() > 0) {
            out.dropOut(1.0 - spec.dropout());
        }
        layers.add(out.build());
        return layers;
    }

    private static List<Layer> lstmPoolV1(NetworkSpec spec, Optimization opt) {
        List<Layer> layers = new ArrayList<>(List.of(embedding(spec, opt)));
        int width = spec.embeddingSize();
        for (int i = 0; i < spec.layers(); i++) {
            layers.add(lstm(width, spec, i));
            width = spec.hiddenSize();
        }
        return pooledOutput(layers, width, spec, opt);
    }

    private static List<Layer> bilstmPoolV1(NetworkSpec spec, Optimization opt) {
        List<Layer> layers = new ArrayList<>(List.of(embedding(spec, opt)));
        int width = spec.embeddingSize();
        for (int i = 0; i < spec.layers(); i++) {
            // The wrapper runs each half's passes itself, the backward half on reversed steps and mask.
            layers.add(DL4J_LAYERS.get() ? new Bidirectional(Bidirectional.Mode.CONCAT, lstm(width, spec, i))
                    : new KernelBidirectional(Bidirectional.Mode.CONCAT, lstm(width, spec, i)));
            width = 2 * spec.hiddenSize();
        }
        return pooledOutput(layers, width, spec, opt);
    }

    private static List<Layer> gruPool(NetworkSpec spec, Optimization opt, boolean bidirectional) {
        List<Layer> layers = new ArrayList<>(List.of(embedding(spec, opt)));
        int width = spec.embeddingSize();
        for (int i = 0; i < spec.layers(); i++) {
            Gru gru = (Gru) hidden(new Gru.Builder().activation(Activation.TANH).dataFormat(RNNFormat.NCW), width, spec, i);
            layers.add(bidirectional ? new Bidirectional(Bidirectional.Mode.CONCAT, gru) : gru);
            width = (bidirectional ? 2 : 1) * spec.hiddenSize();
        }
        return pooledOutput(layers, width, spec, opt);
    }

    private static List<Layer> cnnPoolV1(NetworkSpec spec, Optimization opt) {
        List<Layer> layers = new ArrayList<>(List.of(embedding(spec, opt)));
        int width = spec.embeddingSize();
        for (int i = 0; i < spec.layers(); i++) {
            layers.add(hidden(new Convolution1DLayer.Builder()
                    .kernelSize(CNN_KERNEL)
                    .convolutionMode(ConvolutionMode.Same)
                    .activation(Activation.RELU)
                    .rnnDataFormat(RNNFormat.NCW), width, spec, i));
            width = spec.hiddenSize();
        }
        return pooledOutput(layers, width, spec, opt);
    }

    private static List<Layer> ngramMeanV1(NetworkSpec spec, Optimization opt) {
        if (spec.layers() != 1 || !NetworkSpec.MEAN.equals(spec.pooling())) {
            throw new TextclsException(NGRAM_MEAN_V1 + " has one layer and mean pooling, got " + spec.layers()
                    + " layer(s) and pooling '" + spec.pooling() + "'");
        }
        List<Layer> layers = new ArrayList<>(List.of(embedding(spec, opt)));
        return pooledOutput(layers, spec.embeddingSize(), spec, opt);
    }

    private static List<Layer> ngramNbV1(NetworkSpec spec, Optimization opt) {
        if (spec.layers() != 1 || !NetworkSpec.SUM.equals(spec.pooling()) || spec.dropout() > 0
                || spec.embeddingDropout() > 0) {
            throw new TextclsException(NGRAM_NB_V1 + " has one layer, sum pooling and no dropout; got " + spec.layers()
                    + " layer(s), pooling '" + spec.pooling() + "', dropout " + spec.dropout()
                    + ", embedding dropout " + spec.embeddingDropout());
        }
        return List.of(new NgramBag.Builder().nIn(embeddingRows(spec)).nOut(spec.numLabels()).build(),
                new LossLayer.Builder(loss(spec, opt)).activation(outputActivation(spec)).build());
    }

    /**
     * The output's loss: cross-entropy over one softmax (MCXENT), or for a multi-label network the
     * binary cross-entropy of each label's own sigmoid (XENT), summed over the labels.
     */
    private static ILossFunction loss(NetworkSpec spec, Optimization opt) {
        if (spec.sigmoid()) {
            return LossFunctions.LossFunction.XENT.getILossFunction();
        }
        if (opt.labelWeights() != null) {
            if (opt.labelWeights().length != spec.numLabels()) {
                throw new TextclsException(opt.labelWeights().length + " label weights for " + spec.numLabels()
                        + " labels");
            }
            return new LossMCXENT(Nd4j.createFromArray(opt.labelWeights()).reshape(1, spec.numLabels()));
        }
        return LossFunctions.LossFunction.MCXENT.getILossFunction();
    }

    private static Activation outputActivation(NetworkSpec spec) {
        return spec.sigmoid() ? Activation.SIGMOID : Activation.SOFTMAX;
    }

    private static Layer embedding(NetworkSpec spec, Optimization opt) {
        EmbeddingSequenceLayer.Builder emb = new EmbeddingSequenceLayer.Builder()
                .nIn(embeddingRows(spec))
                .nOut(spec.embeddingSize())
                .weightInit(new UniformDistribution(-0.05, 0.05));
        if (opt.freezeEmbeddings()) {
            // A zero step: DL4J's NoOp updater would apply the raw gradient.
            emb.updater(new Sgd(0.0)).regularization(new ArrayList<>()).regularizationBias(new ArrayList<>());
        }
        return DL4J_LAYERS.get() ? emb.build() : KernelEmbedding.of(emb.build()); // DL4J's layer, lookup and gradient in Java
    }

    /** For tests that compare with DL4J itself: networks built on this thread get DL4J's own LSTM and embedding layers. */
    public static final ThreadLocal<Boolean> DL4J_LAYERS = ThreadLocal.withInitial(() -> false);

    /** The LSTM every recipe runs: DL4J's configuration, textcls's kernel ({@link KernelLstm}). */
    private static LSTM lstm(int nIn, NetworkSpec spec, int index) {
        LSTM built = (LSTM) hidden(new LSTM.Builder().activation(Activation.TANH).dataFormat(RNNFormat.NCW), nIn,
                spec, index);
        return DL4J_LAYERS.get() ? built : KernelLstm.of(built);
    }

    private static Layer hidden(FeedForwardLayer.Builder<?> b, int nIn, NetworkSpec spec, int index) {
        b.nIn(nIn).nOut(spec.hiddenSize());
        double drop = index == 0 ? spec.embeddingDropout() : spec.dropout();
        if (drop > 0) {
            b.dropOut(1.0 - drop); // DL4J's dropOut takes the retain probability
        }
        return b.build();
    }

    private static List<Layer> pooledOutput(List<Layer> layers, int width, NetworkSpec spec, Optimization opt) {
        if (NetworkSpec.MAX_MEAN.equals(spec.pooling())) {
            layers.add(new MaxMeanPooling());
            width *= 2;
        } else {
            layers.add(new GlobalPoolingLayer.Builder(NetworkSpec.MEAN.equals(spec.pooling()) ? PoolingType.AVG
                    : PoolingType.MAX).collapseDimensions(true).build());
        }
        OutputLayer.Builder out = new OutputLayer.Builder(loss(spec, opt))
                .activation(outputActivation(spec))
                .nIn(width)
                .nOut(spec.numLabels());
        if (spec.dropout() > 0) {
            out.dropOut(1.0 - spec.dropout());
        }
        layers.add(out.build());
        return layers;
    }

    private static MultiLayerConfiguration configuration(NetworkSpec spec, Optimization opt) {
        requireKnown(spec.architecture());
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder()
                .seed(opt.seed())
                .updater(opt.schedule() == Optimization.Schedule.CONSTANT ? new Adam(opt.learningRate())
                        : new Adam(schedule(opt)))
                .weightInit(WeightInit.XAVIER);
        if (opt.weightDecay() > 0) { // DL4J's weightDecay(λ): the weights, not the biases, rate-scaled
            b.regularization(new ArrayList<>(List.of(new UnscoredWeightDecay(opt.weightDecay()))));
        }
        if (opt.gradientClip() > 0) {
            b.gradientNormalization(GradientNormalization.ClipL2PerLayer)
                    .gradientNormalizationThreshold(opt.gradientClip());
        }
        NeuralNetConfiguration.ListBuilder list = b.list();
        for (Layer l : REGISTRY.get(spec.architecture()).layers(spec, opt)) {
            list.layer(l);
        }
        return list.build();
    }

    /** A new, initialized network for training. */
    public static MultiLayerNetwork build(NetworkSpec spec, Optimization opt) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(spec, opt));
        net.init();
        return net;
    }

    /**
     * Makes a network about to train (new, or restored from a checkpoint) update its parameters in
     * one fused pass ({@link FusedAdamUpdater}); its updater state is kept.
     */
    public static void fuseUpdater(MultiLayerNetwork net) {
        FusedAdamUpdater.install(net);
    }

    /** Settings for a network that only scores: no optimizer state is ever made. */
    private static final Optimization INFERENCE = new Optimization(1e-3, 0, 0, 0);

    /**
     * The network a spec builds, with trained weights, for scoring.
     *
     * @throws TextclsException if the weights do not fit the network
     */
    public static MultiLayerNetwork build(NetworkSpec spec, NetworkWeights weights) {
        MultiLayerConfiguration conf = configuration(spec, INFERENCE);
        long expected = parameterCount(conf);
        if (weights.size() != expected) {
            throw new TextclsException(spec.architecture() + " with these sizes has " + expected
                    + " parameters, the stored weights hold " + weights.size());
        }
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init(Nd4j.createFromArray(weights.toArray()).reshape(1, weights.size()), false);
        return net;
    }

    /** How many parameters the network of a spec has. */
    public static long parameterCount(NetworkSpec spec) {
        return parameterCount(configuration(spec, INFERENCE));
    }

    private static long parameterCount(MultiLayerConfiguration conf) {
        long n = 0;
        for (int i = 0; i < conf.getConfs().size(); i++) {
            NeuralNetConfiguration c = conf.getConf(i);
            n += c.getLayer().initializer().numParams(c);
        }
        return n;
    }

    /** A trained network's weights, copied out of it. */
    public static NetworkWeights weights(MultiLayerNetwork net) {
        return NetworkWeights.of(net.params().dup().data().asFloat());
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
     * @param rows one row per vocabulary id (the first rows of the embedding; {@link #NGRAM_MEAN_V1}'s
     *     bigram rows follow them and keep their random start); a null row keeps its random start
     * @return how many rows were copied
     */
    public static int setEmbeddings(MultiLayerNetwork net, float[][] rows) {
        INDArray w = net.getLayer(0).getParam("W");
        if (rows.length > w.size(0)) {
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
}
