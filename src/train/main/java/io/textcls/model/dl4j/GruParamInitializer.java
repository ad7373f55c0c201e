package io.textcls.model.dl4j;

import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The parameters of a {@link Gru}, in this order in the flat vector: {@code W [nIn, 3H]},
 * {@code RW [H, 3H]} (both 'f' order, as DL4J's), {@code b [3H]}, {@code rb [H]}. Weights start from
 * the layer's weight initialization (the recurrent one where set), biases at zero.
 */
final class GruParamInitializer implements ParamInitializer {
    static final GruParamInitializer INSTANCE = new GruParamInitializer();
    static final String W = "W";
    static final String RW = "RW";
    static final String B = "b";
    static final String RB = "rb";

    private GruParamInitializer() {
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        Gru c = (Gru) layer;
        long nIn = c.getNIn(), h = c.getNOut();
        return nIn * 3 * h + h * 3 * h + 3 * h + h;
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return List.of(W, RW, B, RB);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of(W, RW);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return List.of(B, RB);
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return W.equals(key) || RW.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return B.equals(key) || RB.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        Gru c = (Gru) conf.getLayer();
        long nIn = c.getNIn(), h = c.getNOut();
        Map<String, INDArray> m = subsets(paramsView, nIn, h);
        if (initializeParams) {
            c.getWeightInitFn().init(nIn, 3 * h, new long[] {nIn, 3 * h}, 'f', m.get(W));
            IWeightInit recurrent = c.getWeightInitFnRecurrent() != null ? c.getWeightInitFnRecurrent()
                    : c.getWeightInitFn();
            recurrent.init(h, 3 * h, new long[] {h, 3 * h}, 'f', m.get(RW));
            m.get(B).assign(0);
            m.get(RB).assign(0);
        }
        for (String k : List.of(W, RW, B, RB)) {
            conf.addVariable(k);
        }
        return m;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        Gru c = (Gru) conf.getLayer();
        return subsets(gradientView, c.getNIn(), c.getNOut());
    }

    private static Map<String, INDArray> subsets(INDArray flat, long nIn, long h) {
        INDArray in = flat.reshape(flat.length());
        long at = 0;
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put(W, in.get(interval(at, at + nIn * 3 * h)).reshape('f', nIn, 3 * h));
        at += nIn * 3 * h;
        m.put(RW, in.get(interval(at, at + h * 3 * h)).reshape('f', h, 3 * h));
        at += h * 3 * h;
        m.put(B, in.get(interval(at, at + 3 * h)).reshape(1, 3 * h));
        at += 3 * h;
        m.put(RB, in.get(interval(at, at + h)).reshape(1, h));
        return m;
    }
}
