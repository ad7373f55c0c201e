package io.textcls.model.dl4j;

import java.nio.FloatBuffer;
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
 * The layer of an {@link NgramBag}: sums {@code R ⊙ W} over each document's real ids, in Java,
 * reading and writing only the rows of a batch's ids (the tables hold millions of rows; a batch
 * touches tens of thousands). The mask ends here (the output has one row per document, as after
 * global pooling).
 */
public class NgramBagLayer extends BaseLayer<NgramBag> {
    private int[] ids = new int[0];
    private float[] mask, staging;
    private int[] position;              // per feature row: its number among the batch's ids, else -1
    private int[] distinct = new int[0]; // the batch's distinct ids
    private float[] grad = new float[0]; // [distinct][k]: their rows of W's gradient
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
        INDArray wp = getParam(NgramBag.Params.W), rp = getParam(NgramBag.Params.R);
        FloatBuffer wb = wp.data().asNioFloat(), rb = rp.data().asNioFloat();
        long w0 = wp.offset(), ws0 = wp.stride(0), ws1 = wp.stride(1);
        long r0 = rp.offset(), rs0 = rp.stride(0), rs1 = rp.stride(1);
        float[] bias = NativeFloats.readRowMajor(getParam(NgramBag.Params.B), null);
        float[] out = new float[batch * k];
        // only the rows of the batch's ids are read, straight from the parameters' buffers
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < k; c++) {
                double s = bias[c];
                for (int t = 0; t < steps; t++) {
                    int q = b * steps + t;
                    if (mask == null || mask[q] != 0f) {
                        long id = ids[q];
                        s += rb.get((int) (r0 + id * rs0 + c * rs1)) * wb.get((int) (w0 + id * ws0 + c * ws1));
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
        INDArray rp = getParam(NgramBag.Params.R);
        FloatBuffer rb = rp.data().asNioFloat();
        long r0 = rp.offset(), rs0 = rp.stride(0), rs1 = rp.stride(1);
        // the batch's distinct ids, numbered in order of first use; their gradient rows in a small array
        if (position == null || position.length != rows) {
            position = new int[rows];
            Arrays.fill(position, -1);
        }
        int n = batch * steps, count = 0;
        if (distinct.length < n) {
            distinct = new int[n];
        }
        for (int q = 0; q < n; q++) {
            if ((mask == null || mask[q] != 0f) && position[ids[q]] < 0) {
                position[ids[q]] = count;
                distinct[count++] = ids[q];
            }
        }
        if (grad.length < count * k) {
            grad = new float[count * k];
        }
        Arrays.fill(grad, 0, count * k, 0f);
        float[] eps = NativeFloats.readC(epsilon, null); // [B, k]
        float[] db = new float[k];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < k; c++) {
                float e = eps[b * k + c];
                db[c] += e;
                for (int t = 0; t < steps; t++) {
                    int q = b * steps + t;
                    if (mask == null || mask[q] != 0f) {
                        long id = ids[q];
                        grad[position[ids[q]] * k + c] += e * rb.get((int) (r0 + id * rs0 + c * rs1));
                    }
                }
            }
        }
        INDArray wView = gradientViews.get(NgramBag.Params.W);
        wView.assign(0);
        FloatBuffer gb = wView.data().asNioFloat();
        long g0 = wView.offset(), gs0 = wView.stride(0), gs1 = wView.stride(1);
        for (int d = 0; d < count; d++) {
            long id = distinct[d];
            for (int c = 0; c < k; c++) {
                gb.put((int) (g0 + id * gs0 + c * gs1), grad[d * k + c]);
            }
            position[distinct[d]] = -1; // ready for the next batch
        }
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
