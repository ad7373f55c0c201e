package io.textcls.model.dl4j;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.recurrent.BidirectionalLayer;
import org.deeplearning4j.nn.layers.recurrent.LSTM;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Gives a batch's feature mask to the LSTM layers themselves. In DL4J 1.0.0-M2.1
 * {@code MultiLayerNetwork} passes the mask along with {@code feedForwardMaskArray}, which an
 * {@code LSTM} ignores (it only masks in backprop), so the backward half of a
 * {@code Bidirectional} LSTM starts each padded row on the padding steps and carries their state
 * into the real tokens: a row's output then depends on the other rows in its batch. With the mask
 * set on the layer, DL4J zeroes the state at masked steps, and (the {@code Bidirectional} wrapper
 * reverses the mask for its backward half) every row starts from a zero state at its own real
 * tokens. The network clears the masks at the end of each {@code fit} and {@code output}, so this
 * is called before every one.
 */
public final class RnnMasks {
    private RnnMasks() {
    }

    /**
     * Whether a network needs this: every network with an LSTM. The pooled recipes need the mask for
     * their answer; lstm-last.v1 reads only steps before the padding, whose outputs the mask does not
     * change, and with it the layers skip each row's padding.
     */
    public static boolean needed(MultiLayerNetwork net) {
        for (Layer l : net.getLayers()) {
            if (l instanceof BidirectionalLayer || l instanceof LSTM || l instanceof GruLayer) {
                return true;
            }
        }
        return false;
    }

    /** Sets the mask ({@code [batch, T]}, or null for none) on every LSTM layer. */
    public static void set(MultiLayerNetwork net, INDArray mask) {
        for (Layer l : net.getLayers()) {
            if (l instanceof BidirectionalLayer || l instanceof LSTM || l instanceof GruLayer) {
                l.setMaskArray(mask);
            }
        }
    }
}
