package io.textcls.model.dl4j;

import java.util.Collection;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.NoParamLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Layer configuration: masked max and masked mean over time, concatenated ({@code [batch, 2n]}
 * from {@code [batch, n, T]}). DL4J's {@code GlobalPoolingLayer} takes one pooling type and a
 * {@code MultiLayerNetwork} cannot branch, so this layer does both: forward with DL4J's own
 * {@code MaskedReductionUtil} (the code {@code GlobalPoolingLayer} runs), backward with its own
 * equal and cheaper pass ({@link MaxMeanPoolingLayer#inputGradient}).
 * Saved in the network JSON under this class name like any DL4J layer.
 */
public class MaxMeanPooling extends NoParamLayer {
    public MaxMeanPooling() {
        super(new Builder());
    }

    protected MaxMeanPooling(Builder builder) {
        super(builder);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int layerIndex,
                                                       INDArray layerParamsView, boolean initializeParams,
                                                       DataType networkDataType) {
        return LayerWiring.wire(new MaxMeanPoolingLayer(conf, networkDataType), initializer(), conf, listeners,
                layerIndex, layerParamsView, initializeParams);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (inputType.getType() != InputType.Type.RNN) {
            throw new UnsupportedOperationException("max+mean pooling takes time series input, got " + inputType);
        }
        return InputType.feedForward(2 * ((InputType.InputTypeRecurrent) inputType).getSize());
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return new LayerMemoryReport.Builder(layerName, MaxMeanPooling.class, inputType,
                getOutputType(-1, inputType))
                .standardMemory(0, 0)
                .workingMemory(0, 0, 0, 0)
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    /** Builder, as DL4J layers have. */
    public static class Builder extends org.deeplearning4j.nn.conf.layers.Layer.Builder<Builder> {
        @Override
        @SuppressWarnings("unchecked")
        public MaxMeanPooling build() {
            return new MaxMeanPooling(this);
        }
    }
}
