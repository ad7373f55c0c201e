package io.textcls.model;

import io.textcls.encode.Bucketing;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.layers.recurrent.BidirectionalLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Scoring of the recurrent recipes (LSTM and GRU, one or more layers, either direction, pooled or
 * read at the last step) on textcls's kernels, with no ND4J call per batch: the embedding rows,
 * each layer's kernel, the pooling and the output layer in Java. Each row is run over its own
 * tokens only (a bidirectional layer's reverse half over them reversed), which is what the masked
 * DL4J network computes. The weights are copied once from a trained network, so this object is
 * immutable; each thread gets its own kernels and buffers, so {@link #probabilities} is thread-safe.
 */
final class KernelInference {
    /** One direction of one recurrent layer: its parameters, row-major. */
    private record Direction(boolean gru, int nIn, int hidden, float[] w, float[] rw, float[] b, float[] rb) {
    }

    private final int vocab;
    private final int width;
    private final float[] table;          // [V][E]
    private final List<Direction[]> layers; // per layer: forward, or forward and backward
    private final String pooling;         // null: the last real step
    private final float[] outW;           // [F][K]
    private final float[] outB;
    private final int labels;
    private final boolean sigmoid;        // multi-label: one sigmoid per label
    /**
     * Per direction of the first layer, {@code b + E·W} for every embedding row ({@code [V][gates]}):
     * each token's input projection is then a row copy, not a product; null where the tables
     * would pass {@link #MAX_PROJECTED} floats.
     */
    private final float[][] projected;
    /** The most floats the first layer's projected tables may take (256 MB). */
    static final long MAX_PROJECTED = 64L << 20;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /** A thread's kernels (per layer and direction) and buffers. */
    private final class Scratch {
        final Object[][] kernels = new Object[layers.size()][2];

        Object kernel(int layer, int dir) {
            if (kernels[layer][dir] == null) {
                Direction d = layers.get(layer)[dir];
                if (d.gru()) {
                    GruKernel k = new GruKernel(d.nIn(), d.hidden());
                    k.weights(d.w(), d.rw(), d.b(), d.rb());
                    kernels[layer][dir] = k;
                } else {
                    LstmKernel k = new LstmKernel(d.nIn(), d.hidden());
                    k.weights(d.w(), d.rw(), d.b());
                    kernels[layer][dir] = k;
                }
            }
            return kernels[layer][dir];
        }
    }

    /** Whether this engine runs a recipe: every recurrent one, where the Vector API is present. */
    static boolean supports(NetworkSpec spec) {
        return RecurrentKernels.available() && Architectures.recurrent(spec.architecture());
    }

    KernelInference(MultiLayerNetwork net, NetworkSpec spec) {
        this(net, spec, true);
    }

    /** @param projectInputs whether the first layer may read projected embedding rows (else: products per batch) */
    KernelInference(MultiLayerNetwork net, NetworkSpec spec, boolean projectInputs) {
        Layer[] ls = net.getLayers();
        float[] emb = NativeFloats.readC(ls[0].getParam("W"), null);
        this.vocab = (int) ls[0].getParam("W").size(0);
        this.width = (int) ls[0].getParam("W").size(1);
        this.table = emb;
        this.layers = new ArrayList<>();
        int i = 1;
        for (; i < ls.length && (ls[i] instanceof BidirectionalLayer || ls[i] instanceof org.deeplearning4j.nn.layers.recurrent.LSTM
                || ls[i] instanceof GruLayer); i++) {
            Layer l = ls[i];
            if (l instanceof BidirectionalLayer) {
                boolean gru = ((org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional) l.conf().getLayer()).getFwd()
                        instanceof Gru;
                layers.add(new Direction[] {direction(l, "f", gru), direction(l, "b", gru)});
            } else {
                layers.add(new Direction[] {direction(l, "", l instanceof GruLayer)});
            }
        }
        this.pooling = i == ls.length - 1 ? null : poolingOf(ls[i].conf().getLayer());
        Layer out = ls[ls.length - 1];
        this.outW = NativeFloats.readC(out.getParam("W"), null);
        this.outB = NativeFloats.readC(out.getParam("b"), null);
        this.labels = (int) out.getParam("W").size(1);
        this.sigmoid = spec.sigmoid();
        if (pooling == null && layers.get(layers.size() - 1).length == 2) {
            throw new IllegalArgumentException("a bidirectional network read at the last step: " + spec);
        }
        this.projected = projectInputs ? project(layers.get(0), table, vocab, width) : null;
    }

    /** The first layer's projected embedding tables, per direction, or null when too large. */
    private static float[][] project(Direction[] first, float[] table, int vocab, int width) {
        long floats = 0;
        for (Direction d : first) {
            if (d.nIn() != width) {
                return null;
            }
            floats += (long) vocab * (d.gru() ? 3 : 4) * d.hidden();
        }
        if (floats > MAX_PROJECTED) {
            return null;
        }
        float[][] p = new float[first.length][];
        for (int i = 0; i < first.length; i++) {
            Direction d = first[i];
            if (d.gru()) {
                GruKernel k = new GruKernel(d.nIn(), d.hidden());
                k.weights(d.w(), d.rw(), d.b(), d.rb());
                p[i] = k.project(table, vocab);
            } else {
                LstmKernel k = new LstmKernel(d.nIn(), d.hidden());
                k.weights(d.w(), d.rw(), d.b());
                p[i] = k.project(table, vocab);
            }
        }
        return p;
    }

    private static Direction direction(Layer l, String prefix, boolean gru) {
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> p = l.paramTable();
        org.nd4j.linalg.api.ndarray.INDArray w = p.get(prefix + "W");
        int nIn = (int) w.size(0), hidden = (int) p.get(prefix + "RW").size(0);
        return new Direction(gru, nIn, hidden, NativeFloats.readC(w, null), NativeFloats.readC(p.get(prefix + "RW"), null),
                NativeFloats.readC(p.get(prefix + "b"), null), gru ? NativeFloats.readC(p.get(prefix + "rb"), null) : null);
    }

    private static String poolingOf(org.deeplearning4j.nn.conf.layers.Layer layer) {
        if (layer instanceof MaxMeanPooling) {
            return NetworkSpec.MAX_MEAN;
        }
        if (layer instanceof GlobalPoolingLayer g && (g.getPoolingType() == PoolingType.MAX
                || g.getPoolingType() == PoolingType.AVG)) {
            return g.getPoolingType() == PoolingType.MAX ? NetworkSpec.MAX : NetworkSpec.MEAN;
        }
        throw new IllegalArgumentException("no kernel inference for a network whose pooling layer is " + layer);
    }

    /** Label probabilities per sequence (each non-empty), in input order; batches are formed by length. */
    float[][] probabilities(List<int[]> sequences, int batchSize) {
        Scratch s = scratch.get();
        float[][] result = new float[sequences.size()][];
        int[] lengths = sequences.stream().mapToInt(q -> q.length).toArray();
        for (int[] batch : Bucketing.inferenceBatches(lengths, batchSize)) {
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
            // layer input [b][t][E]: each row's tokens from step 0, zero after (unless projected)
            float[] in = projected == null ? embed(sequences, batch, t) : null;
            float[] features = null;
            for (int li = 0; li < layers.size(); li++) {
                Direction[] dirs = layers.get(li);
                boolean fromTable = li == 0 && projected != null;
                // the kernel's buffer, kept until its next batch
                float[] fwd = fromTable ? runProjected(s, 0, sequences, batch, mask, t, false)
                        : run(s, li, 0, in, mask, b, t);
                if (dirs.length == 1) {
                    in = fwd;
                    continue;
                }
                int h = dirs[0].hidden();
                float[] bwd = fromTable ? runProjected(s, 1, sequences, batch, mask, t, true)
                        : run(s, li, 1, reverse(in, batch, lengths, b, t, dirs[0].nIn()), mask, b, t);
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
            int f = layers.get(layers.size() - 1).length * layers.get(layers.size() - 1)[0].hidden();
            features = pool(in, batch, lengths, b, t, f);
            int nf = pooling != null && pooling.equals(NetworkSpec.MAX_MEAN) ? 2 * f : f;
            for (int r = 0; r < b; r++) {
                float[] logits = outB.clone();
                for (int k = 0; k < nf; k++) {
                    float v = features[r * nf + k];
                    for (int c = 0; c < labels; c++) {
                        logits[c] += v * outW[k * labels + c];
                    }
                }
                result[batch[r]] = OutputActivation.apply(logits, sigmoid);
            }
        }
        return result;
    }

    private float[] run(Scratch s, int layer, int dir, float[] in, boolean[] mask, int b, int t) {
        Object k = s.kernel(layer, dir);
        int threads = RecurrentKernels.threads();
        return k instanceof LstmKernel l ? l.forward(in, mask, b, t, threads)
                : ((GruKernel) k).forward(in, mask, b, t, threads);
    }

    /**
     * One direction of the first layer from the projected table: each real step's row copied into
     * the kernel's projection buffer (the reverse direction's in reverse order), then the recurrence.
     */
    private float[] runProjected(Scratch s, int dir, List<int[]> sequences, int[] batch, boolean[] mask, int t,
                                 boolean reversed) {
        Object k = s.kernel(0, dir);
        int b = batch.length;
        float[] p = projected[dir];
        float[] buf;
        int g;
        if (k instanceof LstmKernel l) {
            buf = l.projectionBuffer(b, t);
            g = 4 * l.hidden;
        } else {
            GruKernel gk = (GruKernel) k;
            buf = gk.projectionBuffer(b, t);
            g = 3 * gk.hidden;
        }
        for (int r = 0; r < b; r++) {
            int[] q = sequences.get(batch[r]);
            int len = q.length;
            for (int j = 0; j < len; j++) {
                int id = q[reversed ? len - 1 - j : j];
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException("token id " + id + " outside the " + vocab + "-row embedding");
                }
                System.arraycopy(p, id * g, buf, (r * t + j) * g, g);
            }
        }
        int threads = RecurrentKernels.threads();
        return k instanceof LstmKernel l ? l.forwardProjected(mask, b, t, threads)
                : ((GruKernel) k).forwardProjected(mask, b, t, threads);
    }

    private float[] embed(List<int[]> sequences, int[] batch, int t) {
        int b = batch.length;
        float[] x = new float[b * t * width];
        for (int r = 0; r < b; r++) {
            int[] q = sequences.get(batch[r]);
            for (int j = 0; j < q.length; j++) {
                int id = q[j];
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException("token id " + id + " outside the " + vocab + "-row embedding");
                }
                System.arraycopy(table, id * width, x, (r * t + j) * width, width);
            }
        }
        return x;
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

    private float[] pool(float[] h, int[] batch, int[] lengths, int b, int t, int f) {
        boolean max = pooling == null || !pooling.equals(NetworkSpec.MEAN);
        boolean both = NetworkSpec.MAX_MEAN.equals(pooling);
        int nf = both ? 2 * f : f;
        float[] out = new float[b * nf];
        for (int r = 0; r < b; r++) {
            int len = lengths[batch[r]];
            if (pooling == null) {
                System.arraycopy(h, (r * t + len - 1) * f, out, r * nf, f);
                continue;
            }
            for (int k = 0; k < f; k++) {
                float m = Float.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < len; j++) {
                    float v = h[(r * t + j) * f + k];
                    m = Math.max(m, v);
                    sum += v;
                }
                if (both) {
                    out[r * nf + k] = m;
                    out[r * nf + f + k] = sum / len;
                } else {
                    out[r * nf + k] = max ? m : sum / len;
                }
            }
        }
        return out;
    }
}
