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
    private final KernelBatchIo io = new KernelBatchIo();
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

        float[] h = kernel.forward(io.input(input), io.mask(maskArray, batch, steps), batch, steps,
                RecurrentKernels.threads());
        INDArray out = io.write(h, batch, steps, hidden, ArrayType.ACTIVATIONS, workspaceMgr);
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
        int batch = (int) epsilon.size(0), steps = (int) epsilon.size(2);
        int nIn = kernel.nIn;
        float[] dh = io.epsilon(epsilon);
        float[] dx = io.inputGradient(batch, steps, nIn);
        kernel.backward(dh, dx, dW, dRW, db, RecurrentKernels.threads());

        Gradient g = new DefaultGradient();
        KernelBatchIo.gradient(g, gradientViews, LSTMParamInitializer.INPUT_WEIGHT_KEY, dW);
        KernelBatchIo.gradient(g, gradientViews, LSTMParamInitializer.RECURRENT_WEIGHT_KEY, dRW);
        KernelBatchIo.gradient(g, gradientViews, LSTMParamInitializer.BIAS_KEY, db);

        INDArray eps = io.write(dx, batch, steps, nIn, ArrayType.ACTIVATION_GRAD, workspaceMgr);
        weightNoiseParams.clear();
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
