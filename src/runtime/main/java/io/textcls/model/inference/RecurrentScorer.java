package io.textcls.model.inference;

import io.textcls.model.NetworkLayout;
import io.textcls.model.NetworkLayout.Direction;
import io.textcls.model.NetworkLayout.Recurrent;
import io.textcls.model.NetworkSpec;
import io.textcls.model.kernel.GruKernel;
import io.textcls.model.kernel.LstmKernel;
import io.textcls.model.kernel.RecurrentKernel;
import io.textcls.model.kernel.RecurrentKernels;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The recurrent recipes (LSTM and GRU, one or more layers, either direction, pooled or read at
 * the last step) on textcls's kernels: the embedding rows, each layer's kernel, the pooling and
 * the output layer. Each row is run over its own tokens only (a bidirectional layer's reverse half
 * over them reversed), which is what the masked DL4J network computes.
 */
final class RecurrentScorer extends NetworkScorer {
    private final int vocab;
    private final int width;
    private final float[] table;          // [V][E]
    private final List<Recurrent> layers;
    private final Pooling pooling;
    private final NetworkLayout.Output output;
    private final boolean sigmoid;
    /**
     * Per direction of the first layer, {@code b + E·W} for every embedding row ({@code [V][gates]}):
     * each token's input projection is then a row copy, not a product. Made once the scorer has
     * run as many tokens as the table has rows (before that, products per batch: a process that
     * scores one document does not pay for the whole table), never where the tables would pass
     * {@link #MAX_PROJECTED} floats. Rows and products are equal to the last bit.
     */
    private volatile float[][] projected;
    private volatile boolean projectionDecided;
    private final AtomicLong tokensBeforeProjection = new AtomicLong();
    /**
     * The most floats the first layer's projected tables may take: 256 MB, and never more than an
     * eighth of the heap (at {@code -Xmx512m}, 64 MB: the default LSTM's 31 MB fit; a wider network
     * scores with per-batch products instead).
     */
    static final long MAX_PROJECTED = Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 8 / Float.BYTES);
    /** Each call's kernels (per layer and direction, with their buffers), lent for the call and kept for the next. */
    private final Workspaces<RecurrentKernel[][]> kernels;

    /** @param projectInputs whether the first layer may read projected embedding rows (else: products per batch) */
    RecurrentScorer(NetworkSpec spec, List<NetworkLayout.Layer> all, boolean projectInputs) {
        super(spec);
        NetworkLayout.Embedding emb = (NetworkLayout.Embedding) all.get(0);
        this.vocab = emb.rows();
        this.width = emb.width();
        this.table = emb.table();
        this.layers = new ArrayList<>();
        for (NetworkLayout.Layer l : all.subList(1, all.size() - 1)) {
            layers.add((Recurrent) l);
        }
        this.output = (NetworkLayout.Output) all.get(all.size() - 1);
        this.pooling = new Pooling(spec.pooling());
        this.sigmoid = spec.sigmoid();
        if (spec.pooling() == null && layers.get(layers.size() - 1).backward() != null) {
            throw new IllegalArgumentException("a bidirectional network read at the last step: " + spec);
        }
        this.projectionDecided = !projectInputs;
        this.kernels = new Workspaces<>(() -> new RecurrentKernel[layers.size()][2]);
    }

    static RecurrentKernel kernel(Direction d) {
        if (d.cell() == NetworkLayout.Cell.GRU) {
            GruKernel k = new GruKernel(d.in(), d.hidden());
            k.weights(d.w(), d.rw(), d.b(), d.rb());
            return k;
        }
        LstmKernel k = new LstmKernel(d.in(), d.hidden());
        k.weights(d.w(), d.rw(), d.b());
        return k;
    }

    private RecurrentKernel kernel(RecurrentKernel[][] ks, int layer, int dir) {
        if (ks[layer][dir] == null) {
            Recurrent r = layers.get(layer);
            ks[layer][dir] = kernel(dir == 0 ? r.forward() : r.backward());
        }
        return ks[layer][dir];
    }

    /** The first layer's projected embedding tables, per direction, or null when too large. */
    private static float[][] project(Recurrent first, float[] table, int vocab, int width) {
        Direction[] dirs = first.backward() == null ? new Direction[] {first.forward()}
                : new Direction[] {first.forward(), first.backward()};
        long floats = 0;
        for (Direction d : dirs) {
            if (d.in() != width) {
                return null;
            }
            floats += (long) vocab * d.cell().gates * d.hidden();
        }
        if (floats > MAX_PROJECTED) {
            return null;
        }
        float[][] p = new float[dirs.length][];
        for (int i = 0; i < dirs.length; i++) {
            p[i] = kernel(dirs[i]).project(table, vocab);
        }
        return p;
    }

    @Override
    public float[][] probabilities(List<int[]> sequences, int batchSize) {
        RecurrentKernel[][] ks = kernels.take();
        try {
            return probabilities(ks, sequences, batchSize);
        } finally {
            kernels.give(ks);
        }
    }

    private float[][] probabilities(RecurrentKernel[][] ks, List<int[]> sequences, int batchSize) {
        float[][] result = new float[sequences.size()][];
        int[] lengths = sequences.stream().mapToInt(q -> q.length).toArray();
        for (int[] batch : batches(lengths, batchSize)) {
            int b = batch.length, t = 0;
            for (int i : batch) {
                t = Math.max(t, lengths[i]);
            }
            boolean[] mask = new boolean[b * t];
            for (int r = 0; r < b; r++) {
                for (int j = 0; j < lengths[batch[r]]; j++) {
                    mask[r * t + j] = true;
                }
            }
            float[][] projected = projection(batch, lengths);
            // layer input [b][t][E]: each row's tokens from step 0, zero after (unless projected)
            float[] in = projected == null ? Embeddings.rows(table, vocab, width, sequences, batch, t) : null;
            for (int li = 0; li < layers.size(); li++) {
                Recurrent layer = layers.get(li);
                boolean fromTable = li == 0 && projected != null;
                // the kernel's buffer, kept until its next batch
                float[] fwd = fromTable ? runProjected(ks, projected[0], 0, sequences, batch, mask, t, false)
                        : kernel(ks, li, 0).forward(in, mask, b, t, RecurrentKernels.threads());
                if (layer.backward() == null) {
                    in = fwd;
                    continue;
                }
                int h = layer.forward().hidden();
                float[] bwd = fromTable ? runProjected(ks, projected[1], 1, sequences, batch, mask, t, true)
                        : kernel(ks, li, 1).forward(reverse(in, batch, lengths, b, t, layer.forward().in()), mask, b, t,
                        RecurrentKernels.threads());
                float[] both = new float[b * t * 2 * h];
                for (int r = 0; r < b; r++) {
                    int len = lengths[batch[r]];
                    for (int j = 0; j < len; j++) {
                        System.arraycopy(fwd, (r * t + j) * h, both, (r * t + j) * 2 * h, h);
                        // the reverse half's output for step j was computed at its step len-1-j
                        System.arraycopy(bwd, (r * t + len - 1 - j) * h, both, (r * t + j) * 2 * h + h, h);
                    }
                }
                in = both;
            }
            int f = layers.get(layers.size() - 1).width();
            float[] features = new float[pooling.width(f)];
            for (int r = 0; r < b; r++) {
                pooling.pool(in, r * t, lengths[batch[r]], f, features, 0);
                result[batch[r]] = Pooling.output(features, 0, output, sigmoid);
            }
        }
        return result;
    }

    /** The projected tables for this batch, or null while (or where) they are not made. */
    private float[][] projection(int[] batch, int[] lengths) {
        if (projectionDecided) {
            return projected;
        }
        long tokens = 0;
        for (int i : batch) {
            tokens += lengths[i];
        }
        if (tokensBeforeProjection.addAndGet(tokens) < vocab) {
            return null;
        }
        synchronized (this) {
            if (!projectionDecided) {
                projected = project(layers.get(0), table, vocab, width);
                projectionDecided = true;
            }
        }
        return projected;
    }

    /**
     * One direction of the first layer from the projected table: each real step's row copied into
     * the kernel's projection buffer (the reverse direction's in reverse order), then the recurrence.
     */
    private float[] runProjected(RecurrentKernel[][] ks, float[] p, int dir, List<int[]> sequences, int[] batch,
                                 boolean[] mask, int t, boolean reversed) {
        RecurrentKernel k = kernel(ks, 0, dir);
        int b = batch.length;
        float[] buf = k.projectionBuffer(b, t);
        int g = k.gateWidth();
        for (int r = 0; r < b; r++) {
            int[] q = sequences.get(batch[r]);
            int len = q.length;
            for (int j = 0; j < len; j++) {
                int id = Embeddings.check(q[reversed ? len - 1 - j : j], vocab);
                System.arraycopy(p, id * g, buf, (r * t + j) * g, g);
            }
        }
        return k.forwardProjected(mask, b, t, RecurrentKernels.threads());
    }

    /** Each row's real steps of {@code in [b][t][F]} in reverse order, from step 0. */
    private static float[] reverse(float[] in, int[] batch, int[] lengths, int b, int t, int features) {
        float[] out = new float[b * t * features];
        for (int r = 0; r < b; r++) {
            int len = lengths[batch[r]];
            for (int j = 0; j < len; j++) {
                System.arraycopy(in, (r * t + len - 1 - j) * features, out, (r * t + j) * features, features);
            }
        }
        return out;
    }
}
