package io.textcls.model.dl4j;

import io.textcls.encode.Bucketing;
import io.textcls.model.Architectures;
import io.textcls.model.NetworkSpec;
import java.util.List;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.MaskedReductionUtil;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMActivations;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDataFormat;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDirectionMode;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Scoring for one-layer networks of every recipe ({@code lstm-last.v1}; {@code lstm-pool.v1} and
 * {@code bilstm-pool.v1} with max, mean or max+mean pooling) through ND4J's fused native
 * {@code lstmLayer} op instead of DL4J's LSTM layer, whose Java loop issues 20-30 small native ops
 * per time step.
 *
 * <p>The op is called through {@code DynamicCustomOp} with its arguments spelled out: M2.1's
 * {@code LSTMLayer(INDArray...)} constructor passes the inputs as outputs and fails.
 *
 * <p>The op runs every row of a batch to the batch's longest length, with no per-row lengths:
 * for a forward LSTM, a row's outputs at its real steps do not depend on the padding after them,
 * so reading the last real step gives the masked network's answer, and so does pooling the real
 * steps with DL4J's own masked pooling. A bidirectional layer's backward half is run as a second
 * forward pass over each row's real tokens in reverse order (padding again after them): with its
 * mask, DL4J's backward LSTM also starts from a zero state at the last real token. Its outputs are
 * then in reverse time order, which max and mean over the real steps do not see. Length bucketing
 * keeps the padded steps few. The weights are copied once from a trained network (DL4J's gate
 * blocks reordered to the op's), so this object is immutable and its {@link #probabilities} is
 * thread-safe.
 */
final class FusedLstmInference {
    /** Where each of DL4J's LSTM column blocks goes in the op's layout: see {@link #reorder}. */
    static final int[] DL4J_TO_OP = {2, 1, 3, 0};

    /** One direction's weights in the op's layout. */
    private record Direction(INDArray wx, INDArray wr, INDArray bias) { // [E, 4H], [H, 4H], [4H]
    }

    private final INDArray embedding; // [V, E]
    private final Direction forward;
    /** Null for a unidirectional LSTM. */
    private final Direction backward;
    private final INDArray outW;      // [F, K]: F = H or 2H per direction's features, x2 for max+mean
    private final INDArray outB;      // [1, K]
    private final int hidden;
    /** Null: read the last real step; else the pooling over the real steps ({@link NetworkSpec}). */
    private final String pooling;

    /** Whether this engine can run a recipe: every LSTM recipe with one layer. */
    static boolean supports(NetworkSpec spec) {
        return spec.layers() == 1 && !spec.sigmoid() && Architectures.KNOWN.contains(spec.architecture())
                && Architectures.lstm(spec.architecture());
    }

    FusedLstmInference(MultiLayerNetwork net) {
        this(net, DL4J_TO_OP);
    }

    FusedLstmInference(MultiLayerNetwork net, int[] blockOrder) {
        this.embedding = net.getLayer(0).getParam("W").dup();
        org.deeplearning4j.nn.api.Layer lstm = net.getLayer(1);
        boolean bidirectional = lstm.paramTable().containsKey("fW");
        this.forward = direction(lstm, bidirectional ? "f" : "", blockOrder);
        this.backward = bidirectional ? direction(lstm, "b", blockOrder) : null;
        this.hidden = (int) forward.wr().size(0);
        int out = net.getnLayers() - 1;
        this.pooling = out == 2 ? null : poolingOf(net.getLayer(2).conf().getLayer());
        if (bidirectional && pooling == null) {
            throw new IllegalArgumentException("no fused inference for a bidirectional LSTM read at the last step");
        }
        this.outW = net.getLayer(out).getParam("W").dup();
        this.outB = net.getLayer(out).getParam("b").dup().reshape(1, outW.size(1));
    }

    private static Direction direction(org.deeplearning4j.nn.api.Layer lstm, String prefix, int[] blockOrder) {
        INDArray w = lstm.getParam(prefix + "W");
        long h = w.size(1) / 4;
        return new Direction(reorder(w, blockOrder), reorder(lstm.getParam(prefix + "RW"), blockOrder),
                reorder(lstm.getParam(prefix + "b"), blockOrder).reshape(4L * h));
    }

    private static String poolingOf(org.deeplearning4j.nn.conf.layers.Layer layer) {
        if (layer instanceof MaxMeanPooling) {
            return NetworkSpec.MAX_MEAN;
        }
        if (layer instanceof GlobalPoolingLayer g && (g.getPoolingType() == PoolingType.MAX
                || g.getPoolingType() == PoolingType.AVG)) {
            return g.getPoolingType() == PoolingType.MAX ? NetworkSpec.MAX : NetworkSpec.MEAN;
        }
        throw new IllegalArgumentException("no fused inference for a network whose third layer is " + layer);
    }

    /**
     * DL4J's LSTM keeps its four column blocks as [cell input (tanh), forget, output, input gate];
     * block {@code b} moves to position {@code order[b]}.
     */
    static INDArray reorder(INDArray m, int[] order) {
        INDArray src = m.rank() == 1 ? m.reshape(1, m.length()) : m;
        long h = src.size(1) / 4;
        INDArray out = Nd4j.create(src.dataType(), src.size(0), src.size(1));
        for (int b = 0; b < 4; b++) {
            out.get(NDArrayIndex.all(), NDArrayIndex.interval(order[b] * h, (order[b] + 1) * h))
                    .assign(src.get(NDArrayIndex.all(), NDArrayIndex.interval(b * h, (b + 1) * h)));
        }
        return out;
    }

    /** Label probabilities per sequence, in input order; batches are formed by length. */
    float[][] probabilities(List<int[]> sequences, int batchSize) {
        float[][] result = new float[sequences.size()][];
        int[] lengths = sequences.stream().mapToInt(s -> s.length).toArray();
        for (int[] batch : Bucketing.inferenceBatches(lengths, batchSize)) {
            int b = batch.length;
            int t = 0;
            for (int i : batch) {
                t = Math.max(t, lengths[i]);
            }
            // Per-batch arrays live off the Java heap; close them here, or native memory grows until a
            // GC happens to collect their small Java handles (14 GB RSS when scoring 50k reviews).
            INDArray h = null;
            INDArray hb = null;
            INDArray both = null;
            INDArray features = null;
            INDArray probs = null;
            try {
                h = run(forward, sequences, batch, t, false);
                if (pooling == null) {
                    features = Nd4j.create(DataType.FLOAT, b, hidden);
                    for (int r = 0; r < b; r++) {
                        features.putRow(r, h.get(NDArrayIndex.point(r), NDArrayIndex.point(lengths[batch[r]] - 1),
                                NDArrayIndex.all()));
                    }
                } else if (backward == null) {
                    features = pool(h, batch, lengths, t);
                } else {
                    hb = run(backward, sequences, batch, t, true);
                    both = Nd4j.concat(2, h, hb); // [b, t, 2H]: forward then backward, as DL4J's CONCAT mode
                    features = pool(both, batch, lengths, t);
                }
                probs = Transforms.softmax(features.mmul(outW).addiRowVector(outB), false);
                float[] flat = probs.data().asFloat();
                int k = (int) outW.size(1);
                for (int r = 0; r < b; r++) {
                    result[batch[r]] = java.util.Arrays.copyOfRange(flat, r * k, (r + 1) * k);
                }
            } finally {
                close(h, hb, both, features, probs);
            }
        }
        return result;
    }

    /**
     * The op over one batch: row-major [b, t] token ids, each row's tokens (reversed if asked) from
     * step 0, padded after with id 0 (whose outputs are never read). Returns [b, t, H].
     */
    private INDArray run(Direction d, List<int[]> sequences, int[] batch, int t, boolean reversed) {
        int b = batch.length;
        int[] ids = new int[b * t];
        for (int r = 0; r < b; r++) {
            int[] s = sequences.get(batch[r]);
            if (reversed) {
                for (int j = 0; j < s.length; j++) {
                    ids[r * t + j] = s[s.length - 1 - j];
                }
            } else {
                System.arraycopy(s, 0, ids, r * t, s.length);
            }
        }
        INDArray pulled = Nd4j.pullRows(embedding, 1, ids);
        try {
            INDArray x = pulled.reshape(b, t, embedding.size(1)); // NTS
            INDArray[] out = Nd4j.exec(DynamicCustomOp.builder("lstmLayer")
                    .addInputs(x, d.wx(), d.wr(), d.bias())
                    .addIntegerArguments(LSTMDataFormat.NTS.ordinal(), LSTMDirectionMode.FWD.ordinal(),
                            LSTMActivations.SIGMOID.ordinal(), LSTMActivations.TANH.ordinal(),
                            LSTMActivations.TANH.ordinal())
                    .addFloatingPointArguments(0.0) // no cell clipping
                    // has bias, seq lengths, initial h, initial c, peepholes; return full sequence, last h, last c.
                    // The last h and c are unused but asked for: M2.1's oneDNN version of the op fails ("object
                    // is not initialized") when they are not.
                    .addBooleanArguments(true, false, false, false, false, true, true, true)
                    .build());
            close(out[1], out[2]);
            return out[0];
        } finally {
            close(pulled);
        }
    }

    /** Masked pooling of {@code h} [b, t, H] over each row's real steps, as the DL4J layers compute it. */
    private INDArray pool(INDArray h, int[] batch, int[] lengths, int t) {
        INDArray mask = Nd4j.zeros(DataType.FLOAT, batch.length, t);
        for (int r = 0; r < batch.length; r++) {
            mask.get(NDArrayIndex.point(r), NDArrayIndex.interval(0, lengths[batch[r]])).assign(1);
        }
        INDArray ncw = h.permute(0, 2, 1); // [b, H, t], the layout DL4J's pooling takes
        INDArray max = null;
        INDArray mean = null;
        try {
            if (!NetworkSpec.MAX_MEAN.equals(pooling)) {
                PoolingType type = NetworkSpec.MAX.equals(pooling) ? PoolingType.MAX : PoolingType.AVG;
                return MaskedReductionUtil.maskedPoolingTimeSeries(type, ncw, mask, 0, DataType.FLOAT);
            }
            max = MaskedReductionUtil.maskedPoolingTimeSeries(PoolingType.MAX, ncw, mask, 0, DataType.FLOAT);
            mean = MaskedReductionUtil.maskedPoolingTimeSeries(PoolingType.AVG, ncw, mask, 0, DataType.FLOAT);
            return Nd4j.hstack(max, mean);
        } finally {
            close(mask, max, mean);
        }
    }

    /** Frees arrays' native memory now (views and nulls are skipped). */
    static void close(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a != null && !a.isView() && a.closeable()) {
                a.close();
            }
        }
    }
}
