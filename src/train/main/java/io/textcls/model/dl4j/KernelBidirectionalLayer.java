package io.textcls.model.dl4j;

import io.textcls.model.kernel.RecurrentKernels;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.BidirectionalLayer;
import org.deeplearning4j.nn.params.BidirectionalParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's bidirectional wrapper with its reversals and concatenation done in Java where both halves
 * are plain kernel LSTMs ({@link KernelLstmLayer#runsPlainKernel}, concatenated outputs). DL4J's
 * wrapper reverses the input, the mask, the backward half's output, the incoming gradient and the
 * backward half's input gradient with array ops, and each half copies its arrays to and from the
 * kernel's layout. Here the input is read once, reversed in Java (the whole time axis, padding
 * included, as DL4J does, so the backward half sees the same steps and mask), both halves run on
 * Java arrays, and the concatenated output and the summed input gradient are each written once.
 * The same numbers as DL4J's wrapper over the same kernel layers; anything else (dropout or
 * weight noise on a half, other modes, DL4J's own LSTM) runs DL4J's wrapper.
 */
public class KernelBidirectionalLayer extends BidirectionalLayer {
    private final KernelLstmLayer fwdLayer;
    private final KernelLstmLayer bwdLayer;
    private final boolean java;
    private final KernelBatchIo io = new KernelBatchIo();
    private INDArray in;
    private INDArray mask;
    private boolean kept;
    private int batch;
    private int steps;
    private float[] xr = new float[0];
    private boolean[] maskR = new boolean[0];
    private float[] both = new float[0];
    private float[] dh1 = new float[0];
    private float[] dh2 = new float[0];
    private float[] dx2 = new float[0];

    public KernelBidirectionalLayer(NeuralNetConfiguration conf, Layer fwd, Layer bwd, INDArray paramsView) {
        super(conf, fwd, bwd, paramsView);
        boolean plain = ((Bidirectional) conf.getLayer()).getMode() == Bidirectional.Mode.CONCAT
                && fwd instanceof KernelLstmLayer f && bwd instanceof KernelLstmLayer b
                && f.runsPlainKernel() && b.runsPlainKernel();
        this.java = plain;
        this.fwdLayer = plain ? (KernelLstmLayer) fwd : null;
        this.bwdLayer = plain ? (KernelLstmLayer) bwd : null;
    }

    /** Whether the halves run on Java arrays here (else DL4J's wrapper code runs). */
    boolean runsInJava() {
        return java;
    }

    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        if (!java) {
            super.setInput(input, workspaceMgr);
            return;
        }
        kept = false;
        this.in = input;
        fwdLayer.setInput(input, workspaceMgr);
        bwdLayer.setInput(input, workspaceMgr); // not reversed: this layer reverses in Java
    }

    @Override
    public INDArray input() {
        return java ? in : super.input();
    }

    @Override
    public void setMaskArray(INDArray maskArray) {
        if (!java) {
            super.setMaskArray(maskArray);
            return;
        }
        this.mask = maskArray;
        fwdLayer.setMaskArray(maskArray);
    }

    @Override
    public INDArray getMaskArray() {
        return java ? mask : super.getMaskArray();
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState,
                                                          int minibatchSize) {
        if (!java) {
            return super.feedForwardMaskArray(maskArray, currentMaskState, minibatchSize);
        }
        return fwdLayer.feedForwardMaskArray(maskArray, currentMaskState, minibatchSize);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!java) {
            return super.activate(training, workspaceMgr);
        }
        kept = false;
        if (in == null || in.rank() != 3) {
            throw new IllegalStateException("bidirectional layer " + getIndex() + ": no [batch, features, steps] input set");
        }
        batch = (int) in.size(0);
        steps = (int) in.size(2);
        int nIn = (int) in.size(1), h = hidden();
        float[] x = io.input(in);
        boolean[] m = io.mask(mask, batch, steps);
        float[] rev = reversedInput(x, nIn);
        boolean[] mr = m == null ? null : reversedMask(m);
        float[] h1 = fwdLayer.forwardBtf(x, m, batch, steps, training, workspaceMgr);
        float[] h2 = bwdLayer.forwardBtf(rev, mr, batch, steps, training, workspaceMgr);
        int n = batch * steps * 2 * h;
        if (both.length < n) {
            both = new float[n];
        }
        int T = steps;
        float[] cat = both;
        RecurrentKernels.parallel(RecurrentKernels.threads(), batch, 4, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                for (int t = 0; t < T; t++) {
                    int o = (b * T + t) * 2 * h;
                    System.arraycopy(h1, (b * T + t) * h, cat, o, h);
                    System.arraycopy(h2, (b * T + T - 1 - t) * h, cat, o + h, h); // the backward half's step, back in order
                }
            }
        });
        INDArray out = io.write(cat, batch, steps, 2 * h, ArrayType.ACTIVATIONS, workspaceMgr);
        kept = training;
        return out;
    }

    private int hidden() {
        return (int) fwdLayer.layerConf().getNOut();
    }

    /** {@code x [B][T][F]} with each row's whole time axis reversed, as DL4J's reverseTimeSeries. */
    private float[] reversedInput(float[] x, int features) {
        int n = batch * steps * features;
        if (xr.length < n) {
            xr = new float[n];
        }
        float[] dst = xr;
        int T = steps;
        RecurrentKernels.parallel(RecurrentKernels.threads(), batch, 4, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                for (int t = 0; t < T; t++) {
                    System.arraycopy(x, (b * T + T - 1 - t) * features, dst, (b * T + t) * features, features);
                }
            }
        });
        return dst;
    }

    private boolean[] reversedMask(boolean[] m) {
        if (maskR.length < batch * steps) {
            maskR = new boolean[batch * steps];
        }
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                maskR[b * steps + t] = m[b * steps + steps - 1 - t];
            }
        }
        return maskR;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!java) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        if (!kept) {
            activate(true, workspaceMgr);
        }
        kept = false;
        int h = hidden(), nIn = fwdLayer.kernelInputs(), T = steps;
        float[] e = io.epsilon(epsilon); // [B][T][2H]
        int n = batch * steps * h;
        if (dh1.length < n) {
            dh1 = new float[n];
            dh2 = new float[n];
        }
        float[] d1 = dh1, d2 = dh2;
        RecurrentKernels.parallel(RecurrentKernels.threads(), batch, 4, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                for (int t = 0; t < T; t++) {
                    int o = (b * T + t) * 2 * h;
                    System.arraycopy(e, o, d1, (b * T + t) * h, h);
                    System.arraycopy(e, o + h, d2, (b * T + T - 1 - t) * h, h); // into the backward half's steps
                }
            }
        });
        float[] dx = io.inputGradient(batch, steps, nIn);
        if (dx2.length < batch * steps * nIn) {
            dx2 = new float[batch * steps * nIn];
        }
        Gradient g1 = fwdLayer.backwardBtf(d1, dx);
        Gradient g2 = bwdLayer.backwardBtf(d2, dx2);
        float[] r = dx2;
        RecurrentKernels.parallel(RecurrentKernels.threads(), batch, 4, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                for (int t = 0; t < T; t++) {
                    int o = (b * T + t) * nIn, q = (b * T + T - 1 - t) * nIn;
                    for (int k = 0; k < nIn; k++) {
                        dx[o + k] += r[q + k];
                    }
                }
            }
        });
        Gradient g = new DefaultGradient(getGradientsViewArray());
        for (Map.Entry<String, INDArray> en : g1.gradientForVariable().entrySet()) {
            g.gradientForVariable().put(BidirectionalParamInitializer.FORWARD_PREFIX + en.getKey(), en.getValue());
        }
        for (Map.Entry<String, INDArray> en : g2.gradientForVariable().entrySet()) {
            g.gradientForVariable().put(BidirectionalParamInitializer.BACKWARD_PREFIX + en.getKey(), en.getValue());
        }
        INDArray eps = io.write(dx, batch, steps, nIn, ArrayType.ACTIVATION_GRAD, workspaceMgr);
        return new Pair<>(g, eps);
    }

    @Override
    public void clear() {
        kept = false;
        in = null;
        mask = null;
        super.clear();
    }
}
