package io.textcls.model;

import io.textcls.TextclsException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where each parameter of a network lies in its flat {@link NetworkWeights}, and the typed weight
 * records read from it: the one description of the stored parameters, shared by the scoring
 * runtime (which reads the records) and the DL4J builders (whose networks lay their parameters out
 * this way; a test checks it for every architecture).
 *
 * <p>The flat vector holds the layers in order, each layer's parameters in this order:
 * <ul>
 * <li>embedding: {@code W [rows, E]}, column-major (DL4J's 'f' order);
 * <li>LSTM: {@code W [in, 4H]}, {@code RW [H, 4H]} (both column-major), {@code b [4H]};
 * <li>GRU: {@code W [in, 3H]}, {@code RW [H, 3H]} (both column-major), {@code b [3H]}, {@code rb [H]};
 * <li>bidirectional: the forward half's, then the backward half's;
 * <li>convolution: {@code b [F]}, then {@code W [width, in, F]} row-major (DL4J labels the array
 *     {@code [F, in, width, 1]}, but its one-dimensional convolution reads the values in this order);
 * <li>output: {@code W [in, K]} column-major, {@code b [K]};
 * <li>naive-Bayes bag: {@code W [rows, K]}, {@code R [rows, K]} (both row-major), {@code b [K]}.
 * </ul>
 * The records hold every matrix row-major, as the kernels read it.
 */
public final class NetworkLayout {
    private NetworkLayout() {
    }

    /** The recurrent cell of a {@link Recurrent} layer. */
    public enum Cell {
        /** Four gates, DL4J's LSTM equations (input, forget, output, cell candidate, no peepholes). */
        LSTM(4),
        /** Three gates, PyTorch's {@code nn.GRU} equations (reset, update, candidate; a recurrent bias on it). */
        GRU(3);

        /** Gate blocks per unit. */
        public final int gates;

        Cell(int gates) {
            this.gates = gates;
        }
    }

    /** One layer's weights. */
    public sealed interface Layer permits Embedding, Recurrent, Convolution, Output, NaiveBayesBag {
    }

    /** The embedding table, {@code table [rows][width]} row-major. */
    public record Embedding(int rows, int width, float[] table) implements Layer {
    }

    /**
     * One direction of one recurrent layer: {@code w [in][gates·H]}, {@code rw [H][gates·H]}, {@code b
     * [gates·H]}, and for a GRU {@code rb [H]} (null for an LSTM).
     */
    public record Direction(Cell cell, int in, int hidden, float[] w, float[] rw, float[] b, float[] rb) {
    }

    /** A recurrent layer: its forward direction, and for a bidirectional layer its backward one (else null). */
    public record Recurrent(Direction forward, Direction backward) implements Layer {
        /** Features per step this layer gives: H, or 2H for a bidirectional layer. */
        public int width() {
            return (backward == null ? 1 : 2) * forward.hidden();
        }
    }

    /**
     * A same-length one-dimensional convolution with ReLU: {@code w [width][in][filters]} row-major,
     * {@code b [filters]}; the window is centred (width 3: steps t-1, t, t+1, zero outside the document).
     */
    public record Convolution(int in, int filters, int width, float[] w, float[] b) implements Layer {
    }

    /** The output layer: {@code w [in][labels]} row-major and {@code b [labels]}, before the softmax or sigmoids. */
    public record Output(int in, int labels, float[] w, float[] b) implements Layer {
    }

    /**
     * The naive-Bayes bag of {@link Architectures#NGRAM_NB_V1}: per feature row and label, the weight
     * {@code w} and the frozen log-count ratio {@code r} ({@code [rows][labels]} row-major), and the
     * bias {@code b [labels]}.
     */
    public record NaiveBayesBag(int rows, int labels, float[] w, float[] r, float[] b) implements Layer {
    }

    /** How many parameters the network of a spec has. */
    public static long parameterCount(NetworkSpec spec) {
        return new Reader(spec, null).layers().count;
    }

    /**
     * The layers of a network read from its weights, embedding (or bag) first, output last; the
     * pooling between them is the spec's.
     *
     * @throws TextclsException if the weights do not hold as many values as the spec's network has
     */
    public static List<Layer> layers(NetworkSpec spec, NetworkWeights weights) {
        long expected = parameterCount(spec);
        if (weights.size() != expected) {
            throw new TextclsException(spec.architecture() + " with these sizes has " + expected
                    + " parameters, the stored weights hold " + weights.size());
        }
        return new Reader(spec, weights.values()).layers().layers;
    }

    /** Walks the flat vector in layer order; with no values it only counts. */
    private static final class Reader {
        private final NetworkSpec spec;
        private final float[] v;
        private final List<Layer> layers = new ArrayList<>();
        private long count;

        Reader(NetworkSpec spec, float[] values) {
            this.spec = spec;
            this.v = values;
        }

        Reader layers() {
            String a = spec.architecture();
            int rows = Architectures.embeddingRows(spec);
            if (Architectures.NGRAM_NB_V1.equals(a)) {
                int k = spec.numLabels();
                float[] w = rowMajor(rows, k);
                float[] r = rowMajor(rows, k);
                layers.add(new NaiveBayesBag(rows, k, w, r, vector(k)));
                return this;
            }
            int width = spec.embeddingSize();
            layers.add(new Embedding(rows, width, columnMajor(rows, width)));
            if (Architectures.CNN_POOL_V1.equals(a)) {
                for (int i = 0; i < spec.layers(); i++) {
                    int f = spec.hiddenSize(), k = Architectures.CNN_KERNEL;
                    float[] b = vector(f);
                    layers.add(new Convolution(width, f, k, rowMajor(k * width, f), b));
                    width = f;
                }
            } else if (Architectures.recurrent(a)) {
                Cell cell = Architectures.lstm(a) ? Cell.LSTM : Cell.GRU;
                boolean bi = a.startsWith("bi");
                for (int i = 0; i < spec.layers(); i++) {
                    Direction fwd = direction(cell, width, spec.hiddenSize());
                    Direction bwd = bi ? direction(cell, width, spec.hiddenSize()) : null;
                    Recurrent r = new Recurrent(fwd, bwd);
                    layers.add(r);
                    width = r.width();
                }
            }
            if (NetworkSpec.MAX_MEAN.equals(spec.pooling())) {
                width *= 2;
            }
            int k = spec.numLabels();
            float[] w = columnMajor(width, k);
            layers.add(new Output(width, k, w, vector(k)));
            return this;
        }

        private Direction direction(Cell cell, int in, int h) {
            int g = cell.gates * h;
            float[] w = columnMajor(in, g);
            float[] rw = columnMajor(h, g);
            float[] b = vector(g);
            float[] rb = cell == Cell.GRU ? vector(h) : null;
            return new Direction(cell, in, h, w, rw, b, rb);
        }

        /** The next {@code n} values (none read while only counting). */
        private float[] vector(long n) {
            long at = take(n);
            if (v == null) {
                return null;
            }
            float[] out = new float[Math.toIntExact(n)];
            System.arraycopy(v, (int) at, out, 0, out.length);
            return out;
        }

        /** The next {@code rows × cols} values, stored row-major. */
        private float[] rowMajor(int rows, int cols) {
            return vector((long) rows * cols);
        }

        /** The next {@code rows × cols} values, stored column-major, as a row-major matrix. */
        private float[] columnMajor(int rows, int cols) {
            long at = take((long) rows * cols);
            if (v == null) {
                return null;
            }
            float[] out = new float[Math.toIntExact((long) rows * cols)];
            int base = (int) at;
            for (int c = 0; c < cols; c++) {
                int from = base + c * rows;
                for (int r = 0; r < rows; r++) {
                    out[r * cols + c] = v[from + r];
                }
            }
            return out;
        }

        private long take(long n) {
            long at = count;
            count += n;
            return at;
        }
    }
}
