package io.textcls.model.dl4j;

import io.textcls.model.kernel.RecurrentKernels;
import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's LSTM configuration, unchanged (same parameters, same layout, same JSON fields), whose
 * layer runs textcls's own kernel ({@link KernelLstmLayer}); where the JVM lacks the Vector API
 * module, DL4J's arithmetic ({@link CachingLstmLayer}) with one warning. Checkpoints name this
 * class; bundles never do.
 */
public class KernelLstm extends LSTM {
    /** For Jackson, which reads checkpoint configurations. */
    public KernelLstm() {
    }

    /** The same configuration as {@code built}, every field copied. */
    public static KernelLstm of(LSTM built) {
        return CachingLstm.copyInto(built, new KernelLstm());
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        LayerValidation.assertNInNOutSet("LSTM", getLayerName(), layerIndex, getNIn(), getNOut());
        org.deeplearning4j.nn.layers.recurrent.LSTM layer = RecurrentKernels.useForLstm()
                ? new KernelLstmLayer(conf, networkDataType) : new CachingLstmLayer(conf, networkDataType);
        return LayerWiring.wire(layer, initializer(), conf, trainingListeners, layerIndex, layerParamsView,
                initializeParams);
    }
}
