package io.textcls.model;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.MaskedReductionUtil;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The layer {@link MaxMeanPooling} configures: {@code [max | mean]} over each row's real steps. */
public class MaxMeanPoolingLayer extends AbstractLayer<MaxMeanPooling> {
    public MaxMeanPoolingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void clearNoiseWeightParams() {
    }

    @Override
    public Type type() {
        return Type.SUBSAMPLING;
    }

    private INDArray mask(INDArray in) {
        return maskArray != null ? maskArray : Nd4j.ones(in.dataType(), in.size(0), in.size(2));
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        INDArray in = input.castTo(dataType);
        INDArray m = mask(in);
        INDArray max = MaskedReductionUtil.maskedPoolingTimeSeries(PoolingType.MAX, in, m, 0, dataType);
        INDArray mean = MaskedReductionUtil.maskedPoolingTimeSeries(PoolingType.AVG, in, m, 0, dataType);
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, Nd4j.hstack(max, mean));
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray in = input.castTo(dataType);
        INDArray m = mask(in);
        long n = in.size(1);
        INDArray eMax = epsilon.get(NDArrayIndex.all(), NDArrayIndex.interval(0, n)).dup();
        INDArray eMean = epsilon.get(NDArrayIndex.all(), NDArrayIndex.interval(n, 2 * n)).dup();
        INDArray grad = MaskedReductionUtil.maskedPoolingEpsilonTimeSeries(PoolingType.MAX, in, m, eMax, 0);
        grad.addi(MaskedReductionUtil.maskedPoolingEpsilonTimeSeries(PoolingType.AVG, in, m, eMean, 0));
        return new Pair<>(new DefaultGradient(), workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, grad));
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState,
                                                          int minibatchSize) {
        // Pooling uses the mask up; nothing after this layer is masked.
        this.maskArray = maskArray;
        this.maskState = null;
        return null;
    }
}
