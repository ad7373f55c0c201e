package io.textcls.model.dl4j;

import io.textcls.model.kernel.RecurrentKernels;
import java.util.Arrays;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.feedforward.embedding.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's embedding-sequence layer with the lookup and its gradient in Java. DL4J's backward pass
 * looks every row up again, multiplies by the mask, copies the result twice and scatters it with
 * a native op into a zeroed gradient; here the forward pass reads just the rows of the batch's
 * distinct ids from the table's buffer and writes the masked rows straight into the
 * {@code [batch, E, T]} output, and the backward pass adds each real token's gradient into its
 * id's row of a small Java array and writes those rows into DL4J's zeroed gradient view. The sums
 * are DL4J's (per row, tokens in batch order). Outside what textcls builds (a bias, another activation
 * or output format, dropout or weight noise on the layer, double precision), DL4J's code runs.
 */
public class KernelEmbeddingLayer extends EmbeddingSequenceLayer {
    private int[] ids = new int[0];
    private float[] mask;
    private int[] position;              // per table row: its number among the batch's ids, else -1
    private int[] distinct = new int[0]; // the batch's distinct ids, ascending
    private int distinctCount;
    private int[] slotOf = new int[0];   // per token: its id's number
    private float[] rows = new float[0]; // [E][distinct]: their entries of W
    private float[] grad = new float[0]; // [E][distinct]: their entries of the gradient
    private float[] staging;
    private int batch;
    private int steps;
    private boolean haveIds;

    public KernelEmbeddingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean applies() {
        var c = layerConf();
        return dataType == DataType.FLOAT && !c.hasBias() && c.getActivationFn() instanceof ActivationIdentity
                && c.getOutputFormat() == RNNFormat.NCW && c.getIDropout() == null && c.getWeightNoise() == null
                && input != null && (input.rank() == 2 || (input.rank() == 3 && input.size(1) == 1));
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        haveIds = false;
        if (!applies()) {
            return super.activate(training, workspaceMgr);
        }
        readIds();
        int width = (int) layerConf().getNOut();
        gatherRows(getParam(DefaultParamInitializer.WEIGHT_KEY), width);
        int n = batch * width * steps;
        if (staging == null || staging.length < n) {
            staging = new float[n];
        }
        float[] out = staging, rowsOf = rows, mk = mask; // [B][E][T]
        int[] sl = slotOf;
        int steps = this.steps, count = distinctCount;
        RecurrentKernels.parallel(RecurrentKernels.threads(), batch, 8, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                int q = b * steps;
                for (int e = 0; e < width; e++) {
                    int o = (b * width + e) * steps, col = e * count;
                    for (int t = 0; t < steps; t++) {
                        out[o + t] = mk == null || mk[q + t] != 0f ? rowsOf[col + sl[q + t]] : 0f;
                    }
                }
            }
        });
        INDArray ret = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[] {batch, width, steps}, 'c');
        NativeFloats.write(out, ret);
        haveIds = true;
        return ret;
    }

    /**
     * Numbers the batch's distinct ids in ascending order ({@link #distinct}, and per token its
     * number in {@link #slotOf}) and reads their entries of {@code W [V, E]} straight from its
     * buffer into {@link #rows} ({@code [E][distinct]}), a column of the table at a time, ids
     * ascending: a batch touches a few thousand of the table's rows, so the table itself is never
     * copied.
     */
    private void gatherRows(INDArray w, int width) {
        int n = batch * steps;
        int vocab = (int) w.size(0);
        if (position == null || position.length != vocab) {
            position = new int[vocab];
            Arrays.fill(position, -1);
        }
        if (slotOf.length < n) {
            slotOf = new int[n];
        }
        if (distinct.length < Math.min(n, vocab)) {
            distinct = new int[Math.min(n, vocab)];
        }
        int count = 0;
        for (int i = 0; i < n; i++) {
            int id = ids[i];
            if (position[id] < 0) {
                position[id] = 0;
                distinct[count++] = id;
            }
        }
        Arrays.sort(distinct, 0, count);
        for (int d = 0; d < count; d++) {
            position[distinct[d]] = d;
        }
        for (int i = 0; i < n; i++) {
            slotOf[i] = position[ids[i]];
        }
        for (int d = 0; d < count; d++) {
            position[distinct[d]] = -1; // ready for the next batch
        }
        distinctCount = count;
        if (rows.length < count * width) {
            rows = new float[count * width];
        }
        java.nio.FloatBuffer buf = w.data().asNioFloat();
        long off = w.offset(), s0 = w.stride(0), s1 = w.stride(1);
        for (int e = 0; e < width; e++) {
            long col = off + e * s1;
            int r = e * count;
            for (int d = 0; d < count; d++) {
                rows[r + d] = buf.get((int) (col + distinct[d] * s0));
            }
        }
    }

    /** The ids of the input ([B, 1, T] or [B, T]), checked, and the mask as floats. */
    private void readIds() {
        batch = (int) input.size(0);
        steps = (int) input.size(input.rank() - 1);
        if (!layerConf().isInferInputLength() && steps != layerConf().getInputLength()) {
            throw new DL4JInvalidInputException("sequence length " + steps + " of the embedding input is not the "
                    + "configured input length " + layerConf().getInputLength() + " (layer " + layerId() + ")");
        }
        float[] raw = NativeFloats.readC(input, staging);
        staging = raw;
        int n = batch * steps, vocab = (int) layerConf().getNIn();
        if (ids.length < n) {
            ids = new int[n];
        }
        for (int i = 0; i < n; i++) {
            int id = (int) raw[i];
            if (id < 0 || id >= vocab || id != raw[i]) {
                throw new DL4JInvalidInputException("Invalid index for embedding layer: got index " + raw[i]
                        + " for entry " + i + " in minibatch; indexes must be between 0 and nIn-1 inclusive (0 to "
                        + (vocab - 1) + ")");
            }
            ids[i] = id;
        }
        mask = maskArray == null ? null : NativeFloats.readC(maskArray, mask);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (!applies()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        int width = (int) layerConf().getNOut();
        if (!haveIds) {
            readIds();
            gatherRows(getParam(DefaultParamInitializer.WEIGHT_KEY), width);
        }
        int count = distinctCount;
        if (grad.length < count * width) {
            grad = new float[count * width];
        }
        Arrays.fill(grad, 0, count * width, 0f);
        char order = NativeFloats.order(epsilon);
        float[] eps = staging = NativeFloats.read(epsilon, staging); // [B, E, T]
        float[] acc = grad, mk = mask;
        int[] sl = slotOf;
        int steps = this.steps, batch = this.batch;
        // one column of the rows' gradient per thread at a time: disjoint writes, DL4J's sums
        // (per row of the table, its tokens in batch order)
        RecurrentKernels.parallel(RecurrentKernels.threads(), width, 8, (e0, e1) -> {
            for (int e = e0; e < e1; e++) {
                int col = e * count;
                for (int b = 0; b < batch; b++) {
                    int q = b * steps;
                    for (int t = 0; t < steps; t++) {
                        if (mk == null || mk[q + t] != 0f) {
                            int at = order == 'c' ? (b * width + e) * steps + t : (t * width + e) * batch + b;
                            acc[col + sl[q + t]] += eps[at];
                        }
                    }
                }
            }
        });
        // the view: zero, then the touched entries written into its buffer, a column at a time
        INDArray view = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        view.assign(0);
        java.nio.FloatBuffer buf = view.data().asNioFloat();
        long off = view.offset(), s0 = view.stride(0), s1 = view.stride(1);
        for (int e = 0; e < width; e++) {
            long col = off + e * s1;
            int r = e * count;
            for (int d = 0; d < count; d++) {
                buf.put((int) (col + distinct[d] * s0), acc[r + d]);
            }
        }
        Gradient g = new DefaultGradient();
        g.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, view);
        haveIds = false;
        return new Pair<>(g, null);
    }

    @Override
    public void clear() {
        haveIds = false;
        super.clear();
    }
}
