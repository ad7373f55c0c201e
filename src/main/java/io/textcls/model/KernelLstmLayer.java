package io.textcls.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.LSTM;
import org.deeplearning4j.nn.params.LSTMParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.TimeSeriesUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's LSTM layer with its forward and backward passes run by {@link LstmKernel}: same
 * parameters and gradient views, same dropout calls (so the same random numbers), same masks
 * (see the kernel for the one difference, after masked steps). The kernel's state stays on the
 * Java heap from the forward pass of a training step to its backward pass; nothing is computed
 * twice. What the kernel does not cover runs DL4J's own code: NWC data, other activations, double
 * precision, and stateful stepping ({@code rnnTimeStep}, truncated backpropagation), which textcls
 * does not use.
 */
public class KernelLstmLayer extends LSTM {
    private LstmKernel kernel;
    /** Whether the kernel holds the forward pass of the current input, for backprop. */
    private boolean kept;
    private float[] x = new float[0];
    private float[] dh = new float[0];
    private float[] dx = new float[0];
    private float[] staging = new float[0];
    private boolean[] mask = new boolean[0];
    private float[] w, rw, b, dW, dRW, db;

    public KernelLstmLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean kernelApplies() {
        return TimeSeriesUtils.getFormatFromRnnLayer(layerConf()) == RNNFormat.NCW
                && input != null && input.rank() == 3 && dataType == DataType.FLOAT
                && layerConf().getActivationFn() instanceof ActivationTanH
                && layerConf().getGateActivationFn() instanceof ActivationSigmoid;
    }

    @Override
    public INDArray activate(INDArray input, boolean training, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        return activate(training, workspaceMgr);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        kept = false;
        assertInputSet(false);
        if (!kernelApplies()) {
            return super.activate(training, workspaceMgr);
        }
        applyDropOutIfNecessary(training, workspaceMgr);
        int batch = (int) input.size(0), nIn = (int) input.size(1), steps = (int) input.size(2);
        int hidden = (int) layerConf().getNOut();
        if (kernel == null) {
            kernel = new LstmKernel(nIn, hidden);
            w = new float[nIn * 4 * hidden];
            rw = new float[hidden * 4 * hidden];
            b = new float[4 * hidden];
            dW = new float[w.length];
            dRW = new float[rw.length];
            db = new float[b.length];
        }
        copyRowMajor(getParamWithNoise(LSTMParamInitializer.INPUT_WEIGHT_KEY, training, workspaceMgr), w);
        copyRowMajor(getParamWithNoise(LSTMParamInitializer.RECURRENT_WEIGHT_KEY, training, workspaceMgr), rw);
        copyRowMajor(getParamWithNoise(LSTMParamInitializer.BIAS_KEY, training, workspaceMgr), b);
        kernel.weights(w, rw, b);

        int n = batch * steps * nIn;
        if (x.length < n) {
            x = new float[n];
        }
        // [B, nIn, T] -> [B][T][nIn]
        Layouts.toBtf(read(input), NativeFloats.order(input), batch, nIn, steps, x);
        boolean[] m = null;
        if (maskArray != null) {
            float[] mk = staging = NativeFloats.readC(maskArray, staging);
            if (mask.length < mk.length) {
                mask = new boolean[mk.length];
            }
            for (int i = 0; i < batch * steps; i++) {
                mask[i] = mk[i] != 0f;
            }
            m = mask;
        }
        float[] h = kernel.forward(x, m, batch, steps, RecurrentKernels.threads());
        // 'f' order as DL4J's: the next layer's dropout draws its mask in this order
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[] {batch, hidden, steps}, 'f');
        NativeFloats.write(toF(h, batch, steps, hidden), out);
        kept = training;
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!kernelApplies()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        if (!kept) {
            activate(true, workspaceMgr);
        }
        kept = false;
        int batch = (int) epsilon.size(0), hidden = (int) epsilon.size(1), steps = (int) epsilon.size(2);
        int nIn = kernel.nIn;
        if (dh.length < batch * steps * hidden) {
            dh = new float[batch * steps * hidden];
        }
        Layouts.toBtf(read(epsilon), NativeFloats.order(epsilon), batch, hidden, steps, dh);
        if (dx.length < batch * steps * nIn) {
            dx = new float[batch * steps * nIn];
        }
        kernel.backward(dh, dx, dW, dRW, db, RecurrentKernels.threads());

        INDArray gw = gradientViews.get(LSTMParamInitializer.INPUT_WEIGHT_KEY);
        INDArray grw = gradientViews.get(LSTMParamInitializer.RECURRENT_WEIGHT_KEY);
        INDArray gb = gradientViews.get(LSTMParamInitializer.BIAS_KEY);
        gw.assign(NativeFloats.array(dW, new long[] {nIn, 4L * hidden}, 'c'));
        grw.assign(NativeFloats.array(dRW, new long[] {hidden, 4L * hidden}, 'c'));
        gb.assign(NativeFloats.array(db, gb.shape(), 'c'));
        Gradient g = new DefaultGradient();
        g.gradientForVariable().put(LSTMParamInitializer.INPUT_WEIGHT_KEY, gw);
        g.gradientForVariable().put(LSTMParamInitializer.RECURRENT_WEIGHT_KEY, grw);
        g.gradientForVariable().put(LSTMParamInitializer.BIAS_KEY, gb);

        INDArray eps = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                new long[] {batch, nIn, steps}, 'f');
        NativeFloats.write(toF(dx, batch, steps, nIn), eps);
        weightNoiseParams.clear();
        return new Pair<>(g, backpropDropOutIfPresent(eps));
    }

    @Override
    public void clear() {
        kept = false;
        super.clear();
    }

    /** {@code [B][T][F]} to the 'f' order of {@code [B, F, T]} in the staging buffer. */
    private float[] toF(float[] src, int batch, int steps, int features) {
        int n = batch * steps * features;
        if (staging.length < n) {
            staging = new float[n];
        }
        Layouts.btfToF(src, batch, steps, features, staging);
        return staging;
    }

    /** A 2-d parameter (any order) as row-major floats. */
    private static void copyRowMajor(INDArray param, float[] dst) {
        NativeFloats.readC(param, dst);
    }

    private float[] read(INDArray a) {
        return staging = NativeFloats.read(a, staging);
    }
}
