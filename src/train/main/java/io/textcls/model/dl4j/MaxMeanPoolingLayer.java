package io.textcls.model.dl4j;

import io.textcls.model.kernel.RecurrentKernels;
import java.util.Arrays;
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
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * The layer {@link MaxMeanPooling} configures: {@code [max | mean]} over each row's real steps, in
 * Java for float networks (one pass over the input's memory, a few small ND4J calls fewer per
 * batch), with ND4J's ops otherwise.
 */
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

    private float[] in;
    private float[] mk;
    private float[] work;
    private int[] argMax = new int[0];

    /** Whether the pooling runs in Java (float [b, n, t] input); ND4J's ops otherwise (the gradient check's doubles). */
    private boolean java() {
        return dataType == DataType.FLOAT && input.dataType() == DataType.FLOAT && input.rank() == 3
                && (maskArray == null || maskArray.rank() == 2);
    }

    /**
     * Max and mean over each row's real steps of the input, in Java, in one pass over its memory
     * order: {@code max[b·n + k]}, {@code mean}, and the first step of each maximum.
     */
    private void pool(float[] max, float[] mean) {
        int b = (int) input.size(0), n = (int) input.size(1), t = (int) input.size(2);
        char order = NativeFloats.order(input);
        in = NativeFloats.read(input, in);
        mk = maskArray == null ? null : NativeFloats.readC(maskArray, mk);
        if (argMax.length < b * n) {
            argMax = new int[b * n];
        }
        Arrays.fill(max, 0, b * n, Float.NEGATIVE_INFINITY);
        Arrays.fill(mean, 0, b * n, 0f);
        Arrays.fill(argMax, 0, b * n, 0);
        float[] x = in, m0 = mk;
        int[] arg0 = argMax;
        // split by channel: each thread owns its channels' maxima and sums
        RecurrentKernels.parallel(RecurrentKernels.threads(), n, 8, (k0, k1) -> {
            if (order == 'c') {
                for (int r = 0; r < b; r++) {
                    for (int k = k0; k < k1; k++) {
                        int at = (r * n + k) * t, out = r * n + k;
                        float m = Float.NEGATIVE_INFINITY, s = 0f;
                        int arg = 0;
                        for (int s0 = 0; s0 < t; s0++) {
                            if (m0 == null || m0[r * t + s0] != 0f) {
                                float v = x[at + s0];
                                if (v > m) {
                                    m = v;
                                    arg = s0;
                                }
                                s += v;
                            }
                        }
                        max[out] = m;
                        mean[out] = s;
                        arg0[out] = arg;
                    }
                }
            } else { // 'f': [t][n][b]
                for (int s0 = 0; s0 < t; s0++) {
                    for (int k = k0; k < k1; k++) {
                        int at = (s0 * n + k) * b;
                        for (int r = 0; r < b; r++) {
                            if (m0 == null || m0[r * t + s0] != 0f) {
                                float v = x[at + r];
                                int out = r * n + k;
                                if (v > max[out]) {
                                    max[out] = v;
                                    arg0[out] = s0;
                                }
                                mean[out] += v;
                            }
                        }
                    }
                }
            }
        });
        for (int r = 0; r < b; r++) {
            float len = length(r, t);
            for (int k = 0; k < n; k++) {
                mean[r * n + k] /= len;
            }
        }
    }

    private float length(int r, int t) {
        if (mk == null) {
            return t;
        }
        float len = 0;
        for (int s0 = 0; s0 < t; s0++) {
            len += mk[r * t + s0];
        }
        return len;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (java()) {
            int b = (int) input.size(0), n = (int) input.size(1);
            float[] max = new float[b * n], mean = new float[b * n];
            pool(max, mean);
            if (work == null || work.length < 2 * b * n) {
                work = new float[2 * b * n];
            }
            for (int r = 0; r < b; r++) {
                System.arraycopy(max, r * n, work, 2 * r * n, n);
                System.arraycopy(mean, r * n, work, 2 * r * n + n, n);
            }
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, new long[] {b, 2L * n},
                    'c');
            NativeFloats.write(work, out);
            return out;
        }
        INDArray in = input.castTo(dataType);
        INDArray m = mask(in);
        INDArray max = MaskedReductionUtil.maskedPoolingTimeSeries(PoolingType.MAX, in, m, 0, dataType);
        INDArray mean = MaskedReductionUtil.maskedPoolingTimeSeries(PoolingType.AVG, in, m, 0, dataType);
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, Nd4j.hstack(max, mean));
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (java()) {
            int b = (int) input.size(0), n = (int) input.size(1), t = (int) input.size(2);
            pool(new float[b * n], new float[b * n]); // the argmax, the mask
            char order = NativeFloats.order(input);
            float[] e = NativeFloats.readC(epsilon.castTo(DataType.FLOAT), null); // [b][2n]
            if (work == null || work.length < b * n * t) {
                work = new float[b * n * t];
            }
            float[] g = work;
            float[] share = new float[b * n];
            for (int r = 0; r < b; r++) {
                float len = length(r, t);
                for (int k = 0; k < n; k++) {
                    share[r * n + k] = e[2 * r * n + n + k] / len;
                }
            }
            // the mean's share on every real step, in the input's memory order
            float[] m0 = mk;
            RecurrentKernels.parallel(RecurrentKernels.threads(), n, 8, (k0, k1) -> {
                if (order == 'c') {
                    for (int r = 0; r < b; r++) {
                        for (int k = k0; k < k1; k++) {
                            int at = (r * n + k) * t;
                            float v = share[r * n + k];
                            for (int s0 = 0; s0 < t; s0++) {
                                g[at + s0] = m0 == null || m0[r * t + s0] != 0f ? v : 0f;
                            }
                        }
                    }
                } else {
                    for (int s0 = 0; s0 < t; s0++) {
                        for (int k = k0; k < k1; k++) {
                            int at = (s0 * n + k) * b;
                            for (int r = 0; r < b; r++) {
                                g[at + r] = m0 == null || m0[r * t + s0] != 0f ? share[r * n + k] : 0f;
                            }
                        }
                    }
                }
            });
            for (int r = 0; r < b; r++) { // plus the max's gradient at its first maximum
                for (int k = 0; k < n; k++) {
                    g[index(order, r, k, argMax[r * n + k], b, n, t)] += e[2 * r * n + k];
                }
            }
            INDArray grad = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                    new long[] {b, n, t}, order);
            NativeFloats.write(g, grad);
            return new Pair<>(new DefaultGradient(), grad);
        }
        INDArray in = input.castTo(dataType);
        INDArray m = mask(in);
        long n = in.size(1);
        INDArray eMax = epsilon.get(NDArrayIndex.all(), NDArrayIndex.interval(0, n)).dup('c');
        INDArray eMean = epsilon.get(NDArrayIndex.all(), NDArrayIndex.interval(n, 2 * n)).dup('c');
        return new Pair<>(new DefaultGradient(),
                workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, inputGradient(in, m, eMax, eMean)));
    }

    private static int index(char order, int r, int k, int s, int b, int n, int t) {
        return order == 'c' ? (r * n + k) * t + s : (s * n + k) * b + r;
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
