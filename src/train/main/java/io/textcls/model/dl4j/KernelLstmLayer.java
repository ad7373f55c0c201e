package io.textcls.model.dl4j;

import io.textcls.model.kernel.LstmKernel;
import io.textcls.model.kernel.RecurrentKernels;
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
    private final KernelBatchIo io = new KernelBatchIo();
    /** Whether the last input was a 'c' array (read as it lies). */
    private boolean inputInC;
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
        int batch = (int) input.size(0), steps = (int) input.size(2);
        int hidden = (int) layerConf().getNOut();
        float[] direct = io.inputFeatureMajor(input);
        inputInC = direct != null;
        boolean[] mask = io.mask(maskArray, batch, steps);
        float[] h = direct != null ? forward(direct, true, mask, batch, steps, training, workspaceMgr)
                : forward(io.input(input), false, mask, batch, steps, training, workspaceMgr);
        INDArray out = io.write(h, batch, steps, hidden, ArrayType.ACTIVATIONS, workspaceMgr);
        kept = training;
        return out;
    }

    /** The number of input features. */
    int kernelInputs() {
        return (int) layerConf().getNIn();
    }

    /**
     * Whether this layer runs on the kernel with nothing of DL4J's between its input and the
     * kernel (no dropout or weight noise on it): then a wrapper ({@link KernelBidirectionalLayer})
     * may hand it Java arrays through {@link #forwardBtf} and {@link #backwardBtf}.
     */
    boolean runsPlainKernel() {
        return TimeSeriesUtils.getFormatFromRnnLayer(layerConf()) == RNNFormat.NCW && dataType == DataType.FLOAT
                && layerConf().getActivationFn() instanceof ActivationTanH
                && layerConf().getGateActivationFn() instanceof ActivationSigmoid
                && layerConf().getIDropout() == null && layerConf().getWeightNoise() == null;
    }

    /**
     * The forward pass on Java arrays: {@code x [batch][steps][nIn]} (kept, not copied, until
     * {@link #backwardBtf}) to the outputs {@code [batch][steps][H]} (the kernel's buffer, valid
     * until the next pass).
     */
    float[] forwardBtf(float[] x, boolean[] mask, int batch, int steps, boolean training,
                       LayerWorkspaceMgr workspaceMgr) {
        return forward(x, false, mask, batch, steps, training, workspaceMgr);
    }

    /** As {@link #forwardBtf}, the input {@code [batch][nIn][steps]} where {@code featureMajor}. */
    float[] forward(float[] x, boolean featureMajor, boolean[] mask, int batch, int steps, boolean training,
                    LayerWorkspaceMgr workspaceMgr) {
        int nIn = (int) layerConf().getNIn(), hidden = (int) layerConf().getNOut();
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
        return kernel.forward(x, featureMajor, mask, batch, steps, RecurrentKernels.threads());
    }

    /**
     * The backward pass of the last {@link #forwardBtf}: {@code dh [batch][steps][H]} in, the input
     * gradient into {@code dx [batch][steps][nIn]}; the parameter gradients written into this
     * layer's gradient views and returned by name.
     */
    Gradient backwardBtf(float[] dh, float[] dx) {
        kernel.backward(dh, dx, dW, dRW, db, RecurrentKernels.threads());
        Gradient g = new DefaultGradient();
        KernelBatchIo.gradient(g, gradientViews, LSTMParamInitializer.INPUT_WEIGHT_KEY, dW);
        KernelBatchIo.gradient(g, gradientViews, LSTMParamInitializer.RECURRENT_WEIGHT_KEY, dRW);
        KernelBatchIo.gradient(g, gradientViews, LSTMParamInitializer.BIAS_KEY, db);
        weightNoiseParams.clear();
        return g;
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
        int batch = (int) epsilon.size(0), steps = (int) epsilon.size(2);
        int nIn = kernel.nIn;
        float[] dh = io.epsilon(epsilon);
        float[] dx = io.inputGradient(batch, steps, nIn);
        Gradient g = backwardBtf(dh, dx);
        // in the input's own order: 'c' from the embedding layer, which then reads it along its rows
        INDArray eps = inputInC ? io.writeC(dx, batch, steps, nIn, ArrayType.ACTIVATION_GRAD, workspaceMgr)
                : io.write(dx, batch, steps, nIn, ArrayType.ACTIVATION_GRAD, workspaceMgr);
        return new Pair<>(g, backpropDropOutIfPresent(eps));
    }

    @Override
    public void clear() {
        kept = false;
        super.clear();
    }

    /** A 2-d parameter (any order) as row-major floats. */
    private static void copyRowMajor(INDArray param, float[] dst) {
        NativeFloats.readC(param, dst);
    }
}
