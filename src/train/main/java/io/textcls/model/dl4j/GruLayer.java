package io.textcls.model.dl4j;

import io.textcls.model.kernel.GruKernel;
import io.textcls.model.kernel.RecurrentKernels;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.BaseRecurrentLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.TimeSeriesUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The layer of a {@link Gru}, run by {@link GruKernel}, with DL4J's dropout calls and masks as
 * {@link KernelLstmLayer}. Float NCW data only; it does not step ({@code rnnTimeStep}) or truncate
 * backpropagation, which textcls does not use.
 */
public class GruLayer extends BaseRecurrentLayer<Gru> {
    private GruKernel kernel;
    private boolean kept;
    private final KernelBatchIo io = new KernelBatchIo();
    private float[] w, rw, b, rb, dW, dRW, db, drb;

    public GruLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private void check() {
        if (TimeSeriesUtils.getFormatFromRnnLayer(layerConf()) != RNNFormat.NCW || input == null || input.rank() != 3
                || dataType != DataType.FLOAT) {
            throw new IllegalStateException("textcls's GRU takes float [batch, features, steps] (NCW) input, got "
                    + (input == null ? "none" : input.shapeInfoToString()) + " in " + dataType);
        }
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
        check();
        applyDropOutIfNecessary(training, workspaceMgr);
        int batch = (int) input.size(0), nIn = (int) input.size(1), steps = (int) input.size(2);
        int hidden = (int) layerConf().getNOut();
        if (kernel == null) {
            kernel = new GruKernel(nIn, hidden);
            w = new float[nIn * 3 * hidden];
            rw = new float[hidden * 3 * hidden];
            b = new float[3 * hidden];
            rb = new float[hidden];
            dW = new float[w.length];
            dRW = new float[rw.length];
            db = new float[b.length];
            drb = new float[rb.length];
        }
        NativeFloats.readC(getParamWithNoise(GruParamInitializer.W, training, workspaceMgr), w);
        NativeFloats.readC(getParamWithNoise(GruParamInitializer.RW, training, workspaceMgr), rw);
        NativeFloats.readC(getParamWithNoise(GruParamInitializer.B, training, workspaceMgr), b);
        NativeFloats.readC(getParamWithNoise(GruParamInitializer.RB, training, workspaceMgr), rb);
        kernel.weights(w, rw, b, rb);
        float[] h = kernel.forward(io.input(input), io.mask(maskArray, batch, steps), batch, steps,
                RecurrentKernels.threads());
        INDArray out = io.write(h, batch, steps, hidden, ArrayType.ACTIVATIONS, workspaceMgr);
        kept = training;
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!kept) {
            activate(true, workspaceMgr);
        }
        kept = false;
        int batch = (int) epsilon.size(0), steps = (int) epsilon.size(2);
        int nIn = kernel.nIn;
        float[] dh = io.epsilon(epsilon);
        float[] dx = io.inputGradient(batch, steps, nIn);
        kernel.backward(dh, dx, dW, dRW, db, drb, RecurrentKernels.threads());
        Gradient g = new DefaultGradient();
        KernelBatchIo.gradient(g, gradientViews, GruParamInitializer.W, dW);
        KernelBatchIo.gradient(g, gradientViews, GruParamInitializer.RW, dRW);
        KernelBatchIo.gradient(g, gradientViews, GruParamInitializer.B, db);
        KernelBatchIo.gradient(g, gradientViews, GruParamInitializer.RB, drb);
        INDArray eps = io.write(dx, batch, steps, nIn, ArrayType.ACTIVATION_GRAD, workspaceMgr);
        weightNoiseParams.clear();
        return new Pair<>(g, backpropDropOutIfPresent(eps));
    }

    @Override
    public void clear() {
        kept = false;
        super.clear();
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public Type type() {
        return Type.RECURRENT;
    }

    @Override
    public Pair<Gradient, INDArray> tbpttBackpropGradient(INDArray epsilon, int tbpttBackLength,
                                                          LayerWorkspaceMgr workspaceMgr) {
        throw new UnsupportedOperationException("textcls's GRU does not truncate backpropagation through time");
    }

    @Override
    public INDArray rnnTimeStep(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        throw new UnsupportedOperationException("textcls's GRU does not step");
    }

    @Override
    public INDArray rnnActivateUsingStoredState(INDArray input, boolean training, boolean storeLastForTBPTT,
                                                LayerWorkspaceMgr workspaceMgr) {
        throw new UnsupportedOperationException("textcls's GRU does not step");
    }

    @Override
    public Gradient gradient() {
        throw new UnsupportedOperationException("not for layer-wise pretraining");
    }
}
