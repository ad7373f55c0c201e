package io.textcls.model;

import java.util.Arrays;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The layer of an {@link NgramBag}: sums {@code R ⊙ W} over each document's real ids, in Java. The
 * mask ends here (the output has one row per document, as after global pooling).
 */
public class NgramBagLayer extends BaseLayer<NgramBag> {
    private int[] ids = new int[0];
    private float[] mask, w, r, grad, staging;
    private int batch, steps;

    public NgramBagLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Type type() {
        return Type.FEED_FORWARD;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        readIds();
        int k = (int) layerConf().getNOut();
        w = NativeFloats.readRowMajor(getParam(NgramBag.Params.W), w);
        r = NativeFloats.readRowMajor(getParam(NgramBag.Params.R), r);
        float[] bias = NativeFloats.readRowMajor(getParam(NgramBag.Params.B), null);
        float[] out = new float[batch * k];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < k; c++) {
                double s = bias[c];
                for (int t = 0; t < steps; t++) {
                    int q = b * steps + t;
                    if (mask == null || mask[q] != 0f) {
                        int at = ids[q] * k + c;
                        s += r[at] * w[at];
                    }
                }
                out[b * k + c] = (float) s;
            }
        }
        INDArray ret = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, new long[] {batch, k},
                'c');
        NativeFloats.write(out, ret);
        return ret;
    }

    /** The ids of the input ([B, 1, T] or [B, T]), checked, and the mask as floats. */
    private void readIds() {
        if (input.rank() != 2 && !(input.rank() == 3 && input.size(1) == 1)) {
            throw new DL4JInvalidInputException("an n-gram bag reads [batch, 1, steps] or [batch, steps] ids, got "
                    + input.shapeInfoToString() + " (layer " + layerId() + ")");
        }
        batch = (int) input.size(0);
        steps = (int) input.size(input.rank() - 1);
        float[] raw = staging = NativeFloats.readC(input, staging);
        int n = batch * steps, rows = (int) layerConf().getNIn();
        if (ids.length < n) {
            ids = new int[n];
        }
        for (int i = 0; i < n; i++) {
            int id = (int) raw[i];
            if (id < 0 || id >= rows || id != raw[i]) {
                throw new DL4JInvalidInputException("feature id " + raw[i] + " at entry " + i + " of the batch is not "
                        + "between 0 and " + (rows - 1) + " (layer " + layerId() + ")");
            }
            ids[i] = id;
        }
        if (maskArray != null && (maskArray.size(0) != batch || maskArray.length() != n)) {
            throw new DL4JInvalidInputException("mask " + maskArray.shapeInfoToString() + " does not fit " + batch
                    + " documents of " + steps + " steps (layer " + layerId() + ")");
        }
        mask = maskArray == null ? null : NativeFloats.readC(maskArray, mask);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        readIds();
        int k = (int) layerConf().getNOut(), rows = (int) layerConf().getNIn();
        r = NativeFloats.readRowMajor(getParam(NgramBag.Params.R), r);
        if (grad == null || grad.length != rows * k) {
            grad = new float[rows * k];
        } else {
            Arrays.fill(grad, 0f);
        }
        float[] eps = NativeFloats.readC(epsilon, null); // [B, k]
        float[] db = new float[k];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < k; c++) {
                float e = eps[b * k + c];
                db[c] += e;
                for (int t = 0; t < steps; t++) {
                    int q = b * steps + t;
                    if (mask == null || mask[q] != 0f) {
                        int at = ids[q] * k + c;
                        grad[at] += e * r[at];
                    }
                }
            }
        }
        INDArray wView = gradientViews.get(NgramBag.Params.W);
        wView.assign(NativeFloats.array(grad, new long[] {rows, k}, 'c'));
        gradientViews.get(NgramBag.Params.R).assign(0);
        INDArray bView = gradientViews.get(NgramBag.Params.B);
        bView.assign(NativeFloats.array(db, new long[] {1, k}, 'c'));
        Gradient g = new DefaultGradient();
        g.gradientForVariable().put(NgramBag.Params.W, wView);
        g.gradientForVariable().put(NgramBag.Params.R, gradientViews.get(NgramBag.Params.R));
        g.gradientForVariable().put(NgramBag.Params.B, bView);
        return new Pair<>(g, null);
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState,
                                                          int minibatchSize) {
        // as global pooling: the sum has taken the mask into account, later layers see whole documents
        this.maskArray = maskArray;
        this.maskState = null;
        return null;
    }
}
