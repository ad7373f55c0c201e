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
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastCopyOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
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
        INDArray eMax = epsilon.get(NDArrayIndex.all(), NDArrayIndex.interval(0, n)).dup('c');
        INDArray eMean = epsilon.get(NDArrayIndex.all(), NDArrayIndex.interval(n, 2 * n)).dup('c');
        return new Pair<>(new DefaultGradient(),
                workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, inputGradient(in, m, eMax, eMean)));
    }

    /**
     * The gradient of {@code [max | mean]} with respect to {@code in} [b, n, t]: the mean's share
     * (eMean / length) on every real step, plus eMax at each row's first maximum over its real steps.
     * Equal to DL4J's {@code MaskedReductionUtil.maskedPoolingEpsilonTimeSeries} for MAX plus AVG
     * ({@code MaxMeanPoolingTest}), without its full-size {@code IsMax} map and mixed-order sum, which
     * took a fifth of the convolutional recipe's training time.
     */
    static INDArray inputGradient(INDArray in, INDArray mask, INDArray eMax, INDArray eMean) {
        long b = in.size(0);
        long n = in.size(1);
        long t = in.size(2);
        DataType type = in.dataType();
        INDArray m = mask.castTo(type);
        INDArray negInf = m.rsub(1.0);
        BooleanIndexing.replaceWhere(negInf, Double.NEGATIVE_INFINITY, Conditions.equals(1.0));
        INDArray withInf = Nd4j.createUninitialized(type, b, n, t);
        Nd4j.getExecutioner().exec(new BroadcastAddOp(in, negInf, withInf, 0, 2));
        long[] argMax = Nd4j.argMax(withInf, 2).data().asLong(); // [b, n], row-major
        INDArray grad = Nd4j.createUninitialized(type, new long[] {b, n, t}, 'c');
        INDArray share = eMean.castTo(type).divColumnVector(m.sum(1).reshape(b, 1));
        Nd4j.getExecutioner().exec(new BroadcastCopyOp(grad, share, grad, 0, 1));
        Nd4j.getExecutioner().exec(new BroadcastMulOp(grad, m, grad, 0, 2));
        DataBuffer g = grad.data();
        double[] toMax = eMax.castTo(DataType.DOUBLE).dup('c').data().asDouble(); // [b, n], row-major
        for (int k = 0; k < argMax.length; k++) {
            long at = k * t + argMax[k];
            g.put(at, g.getDouble(at) + toMax[k]);
        }
        return grad;
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
