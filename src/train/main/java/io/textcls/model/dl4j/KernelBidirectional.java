package io.textcls.model.dl4j;

import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@code Bidirectional} configuration, unchanged (same fields, parameters and layout),
 * whose layer is {@link KernelBidirectionalLayer}: where both halves run textcls's LSTM kernel, it
 * reverses the steps in Java instead of through DL4J's array ops. Checkpoints name this class;
 * bundles never do.
 */
public class KernelBidirectional extends Bidirectional {
    /** For Jackson, which reads checkpoint configurations. */
    public KernelBidirectional() {
    }

    public KernelBidirectional(Mode mode, org.deeplearning4j.nn.conf.layers.Layer layer) {
        super(mode, layer);
    }

    /** As DL4J's {@code Bidirectional.instantiate}, with the other layer class. */
    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        NeuralNetConfiguration c1 = conf.clone();
        NeuralNetConfiguration c2 = conf.clone();
        c1.setLayer(getFwd());
        c2.setLayer(getBwd());
        INDArray flat = layerParamsView.reshape(layerParamsView.length());
        long n = layerParamsView.length() / 2;
        Layer f = getFwd().instantiate(c1, trainingListeners, layerIndex, flat.get(interval(0, n)), initializeParams,
                networkDataType);
        Layer b = getBwd().instantiate(c2, trainingListeners, layerIndex, flat.get(interval(n, 2 * n)),
                initializeParams, networkDataType);
        KernelBidirectionalLayer ret = new KernelBidirectionalLayer(conf, f, b, layerParamsView);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
        ret.setParamTable(paramTable);
        ret.setConf(conf);
        return ret;
    }
}
