package io.textcls.model.dl4j;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's LSTM configuration, unchanged, whose layer ({@link CachingLstmLayer}) keeps the forward
 * pass of a training step for the backward pass instead of computing it twice.
 *
 * <p>DL4J 1.0.0-M2.1's LSTM runs its forward loop once when the network feeds forward and again
 * inside {@code backpropGradient} (its cache mode is switched off in the source: "not passing all
 * tests"), and that loop is most of an LSTM's training time. Saved networks name this class in their
 * configuration; the parameters and the arithmetic are DL4J's, so training gives the same numbers
 * ({@code CachingLstmTest}).
 */
public class CachingLstm extends LSTM {
    /** For Jackson, which reads saved configurations. */
    public CachingLstm() {
    }

    /** The same configuration as {@code built}, every field copied. */
    public static CachingLstm of(LSTM built) {
        return copyInto(built, new CachingLstm());
    }

    /** Copies every field of an LSTM configuration into another one. */
    static <C extends LSTM> C copyInto(LSTM built, C copy) {
        return copyFields(LSTM.class, built, copy);
    }

    /**
     * Copies every instance field that {@code root} and its superclasses declare from one layer
     * configuration to another: textcls's subclasses of DL4J's configurations start as the
     * configuration DL4J's builder made.
     */
    static <C> C copyFields(Class<?> root, Object from, C to) {
        for (Class<?> c = root; c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                f.setAccessible(true);
                try {
                    f.set(to, f.get(from));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot copy " + root.getSimpleName() + " field " + f.getName(), e);
                }
            }
        }
        return to;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        LayerValidation.assertNInNOutSet("LSTM", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(new CachingLstmLayer(conf, networkDataType), initializer(), conf, trainingListeners,
                layerIndex, layerParamsView, initializeParams);
    }
}
