package io.textcls.model.inference;

import io.textcls.model.Architectures;
import io.textcls.model.NetworkLayout;
import io.textcls.model.NetworkLayout.Cell;
import io.textcls.model.NetworkLayout.Direction;
import io.textcls.model.NetworkSpec;
import java.util.List;

/**
 * Every architecture in plain scalar Java, one document at a time: what a JVM started without
 * the Vector API module scores with (several times slower than the kernels, the same answers
 * within float rounding). The same equations as the kernels: DL4J's LSTM (gate blocks cell input,
 * forget, output, input), PyTorch's GRU ({@code n = tanh(x·W_n + b_n + r ⊙ (h·U_n + rb))}, {@code
 * h' = n + z ⊙ (h - n)}), the centred ReLU convolution with zeros beyond the document, the mean bag.
 * Immutable and thread-safe.
 */
final class PlainScorer extends NetworkScorer {
    private final List<NetworkLayout.Layer> layers;
    private final NetworkLayout.Embedding embedding;
    private final NetworkLayout.Output output;
    private final Pooling pooling;

    PlainScorer(NetworkSpec spec, List<NetworkLayout.Layer> layers) {
        super(spec);
        this.layers = layers;
        this.embedding = (NetworkLayout.Embedding) layers.get(0);
        this.output = (NetworkLayout.Output) layers.get(layers.size() - 1);
        this.pooling = new Pooling(spec.pooling());
    }

    @Override
    public float[][] probabilities(List<int[]> sequences, int batchSize) {
        float[][] out = new float[sequences.size()][];
        for (int d = 0; d < out.length; d++) {
            out[d] = document(Architectures.inputIds(spec(), sequences.get(d)));
        }
        return out;
    }

    private float[] document(int[] ids) {
        int e = embedding.width(), len = ids.length;
        float[] x = new float[len * e];
        for (int j = 0; j < len; j++) {
            System.arraycopy(embedding.table(), Embeddings.check(ids[j], embedding.rows()) * e, x, j * e, e);
        }
        int f = e;
        for (NetworkLayout.Layer l : layers.subList(1, layers.size() - 1)) {
            if (l instanceof NetworkLayout.Recurrent r) {
                float[] fwd = direction(r.forward(), x, len, false);
                if (r.backward() == null) {
                    x = fwd;
                } else {
                    float[] bwd = direction(r.backward(), x, len, true);
                    int h = r.forward().hidden();
                    x = new float[len * 2 * h];
                    for (int j = 0; j < len; j++) {
                        System.arraycopy(fwd, j * h, x, j * 2 * h, h);
                        System.arraycopy(bwd, j * h, x, j * 2 * h + h, h);
                    }
                }
                f = r.width();
            } else {
                NetworkLayout.Convolution c = (NetworkLayout.Convolution) l;
                x = convolution(c, x, len);
                f = c.filters();
            }
        }
        float[] features = new float[pooling.width(f)];
        pooling.pool(x, 0, len, f, features, 0);
        return Pooling.output(features, 0, output, spec().sigmoid());
    }

    /** One direction over the steps (reversed: from the last; each output kept at its own step). */
    private static float[] direction(Direction d, float[] x, int len, boolean reversed) {
        int h = d.hidden(), g = d.cell().gates * h, in = d.in();
        float[] out = new float[len * h];
        float[] state = new float[h], cell = new float[h], z = new float[g], hn = new float[h];
        boolean first = true;
        for (int s = 0; s < len; s++) {
            int t = reversed ? len - 1 - s : s;
            System.arraycopy(d.b(), 0, z, 0, g);
            for (int i = 0; i < in; i++) {
                float v = x[t * in + i];
                if (v != 0) {
                    for (int k = 0; k < g; k++) {
                        z[k] += v * d.w()[i * g + k];
                    }
                }
            }
            if (d.cell() == Cell.LSTM) {
                if (!first) {
                    addProduct(state, d.rw(), h, g, 0, g, z, 0);
                }
                for (int j = 0; j < h; j++) {
                    float a = (float) Math.tanh(z[j]);
                    float fg = sigmoid(z[h + j]), o = sigmoid(z[2 * h + j]), ig = sigmoid(z[3 * h + j]);
                    cell[j] = (first ? 0f : fg * cell[j]) + ig * a;
                    state[j] = o * (float) Math.tanh(cell[j]);
                }
            } else {
                System.arraycopy(d.rb(), 0, hn, 0, h);
                if (!first) {
                    addProduct(state, d.rw(), h, g, 0, 2 * h, z, 0);
                    addProduct(state, d.rw(), h, g, 2 * h, h, hn, 0);
                }
                for (int j = 0; j < h; j++) {
                    float r = sigmoid(z[j]), u = sigmoid(z[h + j]);
                    float n = (float) Math.tanh(z[2 * h + j] + r * hn[j]);
                    float prev = first ? 0f : state[j];
                    state[j] = n + u * (prev - n);
                }
            }
            System.arraycopy(state, 0, out, t * h, h);
            first = false;
        }
        return out;
    }

    /** {@code dst[d0 + k] += Σ_i v[i] · m[i·ld + c0 + k]} for {@code k < n}. */
    private static void addProduct(float[] v, float[] m, int rows, int ld, int c0, int n, float[] dst, int d0) {
        for (int i = 0; i < rows; i++) {
            float a = v[i];
            for (int k = 0; k < n; k++) {
                dst[d0 + k] += a * m[i * ld + c0 + k];
            }
        }
    }

    private static float[] convolution(NetworkLayout.Convolution c, float[] x, int len) {
        int in = c.in(), f = c.filters(), width = c.width(), half = width / 2;
        float[] out = new float[len * f];
        for (int t = 0; t < len; t++) {
            System.arraycopy(c.b(), 0, out, t * f, f);
            for (int k = 0; k < width; k++) {
                int src = t + k - half;
                if (src < 0 || src >= len) {
                    continue;
                }
                for (int i = 0; i < in; i++) {
                    float v = x[src * in + i];
                    int w0 = (k * in + i) * f;
                    for (int o = 0; o < f; o++) {
                        out[t * f + o] += v * c.w()[w0 + o];
                    }
                }
            }
            for (int o = 0; o < f; o++) {
                out[t * f + o] = Math.max(0f, out[t * f + o]);
            }
        }
        return out;
    }

    private static float sigmoid(float v) {
        return (float) (1.0 / (1.0 + Math.exp(-v)));
    }
}
