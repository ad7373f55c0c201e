package io.textcls.model;

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
 * a native op into a zeroed gradient; here the forward pass writes the masked rows straight into
 * the {@code [batch, E, T]} output, and the backward pass adds each real token's gradient into its
 * row of a Java copy of the gradient, which one copy moves to DL4J's gradient view. The sums are
 * DL4J's (per row, tokens in batch order). Outside what textcls builds (a bias, another activation
 * or output format, dropout or weight noise on the layer, double precision), DL4J's code runs.
 */
public class KernelEmbeddingLayer extends EmbeddingSequenceLayer {
    private int[] ids = new int[0];
    private float[] mask;
    private float[] table;   // W in DL4J's 'f' order: [E][V]
    private float[] grad;    // likewise
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
        int vocab = (int) layerConf().getNIn(), width = (int) layerConf().getNOut();
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
        INDArray dense = w.dup('f'); // [V, E] in 'f' order: the columns, [E][V]
        table = NativeFloats.read(dense, table);
        int n = batch * width * steps;
        if (staging == null || staging.length < n) {
            staging = new float[n];
        }
        float[] out = staging, tab = table, mk = mask; // [B][E][T]
        int[] id = ids;
        int steps = this.steps;
        RecurrentKernels.parallel(RecurrentKernels.threads(), batch, 8, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                for (int e = 0; e < width; e++) {
                    int o = (b * width + e) * steps, col = e * vocab, q = b * steps;
                    for (int t = 0; t < steps; t++) {
                        out[o + t] = mk == null || mk[q + t] != 0f ? tab[col + id[q + t]] : 0f;
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
        if (!haveIds) {
            readIds();
        }
        int vocab = (int) layerConf().getNIn(), width = (int) layerConf().getNOut();
        if (grad == null || grad.length != vocab * width) {
            grad = new float[vocab * width];
        } else {
            Arrays.fill(grad, 0f);
        }
        char order = NativeFloats.order(epsilon);
        float[] eps = staging = NativeFloats.read(epsilon, staging); // [B, E, T]
        float[] acc = grad, mk = mask;
        int[] id = ids;
        int steps = this.steps, batch = this.batch;
        // one column of the table's gradient per thread at a time: disjoint writes, the same sums
        RecurrentKernels.parallel(RecurrentKernels.threads(), width, 8, (e0, e1) -> {
            for (int e = e0; e < e1; e++) {
                int col = e * vocab;
                for (int b = 0; b < batch; b++) {
                    int q = b * steps;
                    for (int t = 0; t < steps; t++) {
                        if (mk == null || mk[q + t] != 0f) {
                            int at = order == 'c' ? (b * width + e) * steps + t : (t * width + e) * batch + b;
                            acc[col + id[q + t]] += eps[at];
                        }
                    }
                }
            }
        });
        INDArray view = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        view.assign(NativeFloats.array(grad, new long[] {vocab, width}, 'f'));
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
