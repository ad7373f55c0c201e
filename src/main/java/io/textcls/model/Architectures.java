package io.textcls.model;

import io.textcls.TextclsException;
import java.util.List;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The closed set of network recipes, by versioned name. A recipe never changes once released: a
 * change gets a new version so old bundles rebuild exactly.
 */
public final class Architectures {
    /**
     * EmbeddingSequenceLayer → LSTM (tanh) → dropout → RnnOutputLayer (softmax, MCXENT), the label
     * read at each document's last real step through the label mask.
     */
    public static final String LSTM_LAST_V1 = "lstm-last.v1";
    public static final List<String> KNOWN = List.of(LSTM_LAST_V1);

    private Architectures() {
    }

    static void requireKnown(String name) {
        if (!KNOWN.contains(name)) {
            throw new TextclsException("unknown architecture '" + name + "': this build knows " + KNOWN);
        }
    }

    /** A new, initialized network for a spec. */
    public static MultiLayerNetwork build(NetworkSpec spec, Optimization opt) {
        requireKnown(spec.architecture());
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder()
                .seed(opt.seed())
                .updater(new Adam(opt.learningRate()))
                .weightInit(WeightInit.XAVIER);
        if (opt.weightDecay() > 0) {
            b.weightDecay(opt.weightDecay());
        }
        if (opt.gradientClip() > 0) {
            b.gradientNormalization(GradientNormalization.ClipL2PerLayer)
                    .gradientNormalizationThreshold(opt.gradientClip());
        }
        LSTM.Builder lstm = new LSTM.Builder()
                .nIn(spec.embeddingSize())
                .nOut(spec.hiddenSize())
                .activation(Activation.TANH)
                .dataFormat(RNNFormat.NCW);
        if (spec.embeddingDropout() > 0) {
            lstm.dropOut(1.0 - spec.embeddingDropout()); // DL4J's dropOut takes the retain probability
        }
        RnnOutputLayer.Builder out = new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .activation(Activation.SOFTMAX)
                .nIn(spec.hiddenSize())
                .nOut(spec.numLabels())
                .dataFormat(RNNFormat.NCW);
        if (spec.dropout() > 0) {
            out.dropOut(1.0 - spec.dropout());
        }
        MultiLayerConfiguration conf = b.list()
                .layer(new EmbeddingSequenceLayer.Builder()
                        .nIn(spec.vocabularySize())
                        .nOut(spec.embeddingSize())
                        .weightInit(new UniformDistribution(-0.05, 0.05))
                        .build())
                .layer(lstm.build())
                .layer(out.build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** Checks that a loaded network has the sizes its spec says; returns a message or null. */
    public static String mismatch(NetworkSpec spec, MultiLayerNetwork net) {
        if (net.getnLayers() != 3) {
            return "network has " + net.getnLayers() + " layers, " + spec.architecture() + " has 3";
        }
        long rows = net.getLayer(0).getParam("W").size(0);
        if (rows != spec.vocabularySize()) {
            return "embedding has " + rows + " rows but the vocabulary has " + spec.vocabularySize() + " tokens";
        }
        long outputs = net.getLayer(2).getParam("W").size(1);
        if (outputs != spec.numLabels()) {
            return "network has " + outputs + " outputs but there are " + spec.numLabels() + " labels";
        }
        return null;
    }
}
