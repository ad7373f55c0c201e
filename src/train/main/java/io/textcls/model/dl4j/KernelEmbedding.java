package io.textcls.model.dl4j;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@code EmbeddingSequenceLayer} configuration, unchanged (same parameter, same layout),
 * whose layer ({@link KernelEmbeddingLayer}) looks rows up and sums their gradient in Java.
 * Checkpoints name this class; bundles never do.
 */
public class KernelEmbedding extends EmbeddingSequenceLayer {
    /** For Jackson, which reads checkpoint configurations. */
    public KernelEmbedding() {
    }

    /** The same configuration as {@code built}, every field copied. */
    public static KernelEmbedding of(EmbeddingSequenceLayer built) {
        return CachingLstm.copyFields(EmbeddingSequenceLayer.class, built, new KernelEmbedding());
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        return LayerWiring.wire(new KernelEmbeddingLayer(conf, networkDataType), initializer(), conf,
                trainingListeners, layerIndex, layerParamsView, initializeParams);
    }
}
