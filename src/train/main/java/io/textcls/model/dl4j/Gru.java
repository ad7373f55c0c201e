package io.textcls.model.dl4j;

import io.textcls.model.kernel.RecurrentKernels;
import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A GRU layer configuration (DL4J 1.0.0-M2.1 has none), as PyTorch's {@code nn.GRU}: gates in the
 * order reset {@code r}, update {@code z}, candidate {@code n};
 * {@code r = σ(x·W_r + h·U_r + b_r)}, {@code z = σ(x·W_z + h·U_z + b_z)},
 * {@code n = tanh(x·W_n + b_n + r ⊙ (h·U_n + b_hn))}, {@code h' = (1 - z) ⊙ n + z ⊙ h}. Parameters
 * ({@link GruParamInitializer}): {@code W [nIn, 3H]}, {@code RW [H, 3H]}, {@code b [3H]} and
 * {@code rb [H]} (the candidate's recurrent bias). Masked steps give zeros and reset the state, as
 * DL4J's LSTM. Runs only on textcls's kernel ({@link GruKernel}): the JVM needs the Vector API module.
 */
public class Gru extends BaseRecurrentLayer {
    /** For Jackson, which reads checkpoint configurations. */
    public Gru() {
    }

    private Gru(Builder b) {
        super(b);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        LayerValidation.assertNInNOutSet("GRU", getLayerName(), layerIndex, getNIn(), getNOut());
        if (!RecurrentKernels.available()) {
            throw new IllegalStateException("GRU layers run only on textcls's kernel, which needs the JDK's Vector API: "
                    + "start Java with --add-modules jdk.incubator.vector (the textcls launcher does)");
        }
        return LayerWiring.wire(new GruLayer(conf, networkDataType), initializer(), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams);
    }

    @Override
    public ParamInitializer initializer() {
        return GruParamInitializer.INSTANCE;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return null;
    }

    /** Builds a {@link Gru}: nIn, nOut (H), dropout, data format as for DL4J's recurrent layers. */
    public static class Builder extends BaseRecurrentLayer.Builder<Builder> {
        @Override
        @SuppressWarnings("unchecked")
        public Gru build() {
            return new Gru(this);
        }
    }
}
