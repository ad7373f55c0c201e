package io.textcls.model.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The kernel against a plain double-precision LSTM written from the equations: outputs, and
 * gradients checked by central finite differences of the double-precision loss, for masks of every
 * shape (right padding, left padding as in the reversed half of a bidirectional layer, holes, empty
 * rows), hidden sizes that are and are not a multiple of the vector width, and rows split over
 * threads.
 */
class LstmKernelTest {
    /** A loss with a different weight per output, so every output's gradient differs. */
    private static double loss(double[] h, double[] r) {
        double s = 0;
        for (int i = 0; i < h.length; i++) {
            s += r[i] * h[i] + 0.5 * h[i] * h[i] * r[(i * 7) % r.length];
        }
        return s;
    }

    private static double sig(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** The reference: DL4J's equations and gate order, masked steps give h = c = 0. */
    static double[] reference(double[] x, boolean[] on, int batch, int steps, int nIn, int hid, double[] w,
                              double[] rw, double[] b) {
        int g = 4 * hid;
        double[] out = new double[batch * steps * hid];
        for (int r = 0; r < batch; r++) {
            double[] h = new double[hid], c = new double[hid];
            for (int t = 0; t < steps; t++) {
                int q = r * steps + t;
                if (on != null && !on[q]) {
                    java.util.Arrays.fill(h, 0);
                    java.util.Arrays.fill(c, 0);
                    continue;
                }
                double[] z = new double[g];
                for (int j = 0; j < g; j++) {
                    double s = b[j];
                    for (int k = 0; k < nIn; k++) {
                        s += x[q * nIn + k] * w[k * g + j];
                    }
                    for (int k = 0; k < hid; k++) {
                        s += h[k] * rw[k * g + j];
                    }
                    z[j] = s;
                }
                for (int j = 0; j < hid; j++) {
                    double a = Math.tanh(z[j]), f = sig(z[hid + j]), o = sig(z[2 * hid + j]), i = sig(z[3 * hid + j]);
                    c[j] = f * c[j] + i * a;
                    h[j] = o * Math.tanh(c[j]);
                    out[q * hid + j] = h[j];
                }
            }
        }
        return out;
    }

    private record Case(int batch, int steps, int nIn, int hid, boolean[] on, int threads) {
    }

    private static boolean[] mask(String kind, int batch, int steps, Random random) {
        if (kind.equals("none")) {
            return null;
        }
        boolean[] on = new boolean[batch * steps];
        for (int r = 0; r < batch; r++) {
            int len = r == batch - 1 && batch > 2 ? 0 : 1 + random.nextInt(steps); // one empty row in bigger batches
            for (int t = 0; t < steps; t++) {
                on[r * steps + t] = switch (kind) {
                    case "right" -> t < len;
                    case "left" -> t >= steps - len;
                    default -> random.nextInt(4) != 0; // holes
                };
            }
        }
        return on;
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static double[] randoms(Random random, int n, double scale) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = (float) ((random.nextDouble() * 2 - 1) * scale); // float-representable, so both sides see the same values
        }
        return d;
    }

    private static void check(Case k, long seed) {
        Random random = new Random(seed);
        int g = 4 * k.hid;
        double[] x = randoms(random, k.batch * k.steps * k.nIn, 1.0);
        double[] w = randoms(random, k.nIn * g, 0.6);
        double[] rw = randoms(random, k.hid * g, 0.6);
        double[] b = randoms(random, g, 0.5);
        double[] r = randoms(random, k.batch * k.steps * k.hid, 1.0);

        LstmKernel kernel = new LstmKernel(k.nIn, k.hid);
        kernel.weights(floats(w), floats(rw), floats(b));
        float[] h = kernel.forward(floats(x), k.on, k.batch, k.steps, k.threads).clone();
        double[] expected = reference(x, k.on, k.batch, k.steps, k.nIn, k.hid, w, rw, b);
        assertClose(expected, h, 1e-5, "outputs " + k);

        // dL/dh of the loss above
        float[] dh = new float[h.length];
        for (int i = 0; i < dh.length; i++) {
            dh[i] = (float) (r[i] + h[i] * r[(i * 7) % r.length]);
        }
        float[] dx = new float[x.length], dW = new float[w.length], dRW = new float[rw.length], db = new float[g];
        kernel.backward(dh, dx, dW, dRW, db, k.threads);

        double eps = 1e-6;
        checkGradient("dX " + k, x, dx, eps, () -> loss(reference(x, k.on, k.batch, k.steps, k.nIn, k.hid, w, rw, b), r));
        checkGradient("dW " + k, w, dW, eps, () -> loss(reference(x, k.on, k.batch, k.steps, k.nIn, k.hid, w, rw, b), r));
        checkGradient("dRW " + k, rw, dRW, eps, () -> loss(reference(x, k.on, k.batch, k.steps, k.nIn, k.hid, w, rw, b), r));
        checkGradient("db " + k, b, db, eps, () -> loss(reference(x, k.on, k.batch, k.steps, k.nIn, k.hid, w, rw, b), r));
    }

    /** Central differences in double precision of every (or, for big arrays, 200 sampled) entries. */
    private static void checkGradient(String what, double[] p, float[] analytic, double eps,
                                      java.util.function.DoubleSupplier f) {
        double[] numeric = new double[p.length];
        float[] got = new float[p.length];
        int stride = Math.max(1, p.length / 200);
        for (int i = 0; i < p.length; i += stride) {
            double keep = p[i];
            p[i] = keep + eps;
            double up = f.getAsDouble();
            p[i] = keep - eps;
            double down = f.getAsDouble();
            p[i] = keep;
            numeric[i] = (up - down) / (2 * eps);
            got[i] = analytic[i];
        }
        assertClose(numeric, got, 1e-4, what);
    }

    /** Largest difference relative to the largest expected value. */
    static void assertClose(double[] expected, float[] actual, double tolerance, String what) {
        double scale = 1e-12, diff = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(diff / scale <= tolerance, what + ": largest difference " + diff + " against largest value "
                + scale + " (relative " + diff / scale + ")");
    }

    @Test
    void matchesTheEquationsAndTheirFiniteDifferences() {
        Random random = new Random(5);
        long seed = 1;
        for (String kind : new String[] {"none", "right", "left", "holes"}) {
            for (int hid : new int[] {3, 16, 21}) {
                for (int threads : new int[] {1, 2}) {
                    int batch = threads == 2 ? 9 : 5;
                    check(new Case(batch, 7, 5, hid, mask(kind, batch, 7, random), threads), seed++);
                }
            }
        }
        check(new Case(1, 11, 4, 8, null, 1), seed++); // batch 1
    }

    @Test
    void splittingRowsOverThreadsGivesTheSameNumbers() {
        Random random = new Random(3);
        int batch = 64, steps = 40, nIn = 24, hid = 32, g = 4 * hid;
        boolean[] on = mask("right", batch, steps, random);
        float[] x = floats(randoms(random, batch * steps * nIn, 1));
        float[] w = floats(randoms(random, nIn * g, 0.3)), rw = floats(randoms(random, hid * g, 0.3));
        float[] b = floats(randoms(random, g, 0.3)), dh = floats(randoms(random, batch * steps * hid, 1));
        float[][] results = new float[2][];
        float[][] grads = new float[2][];
        for (int threads = 1; threads <= 2; threads++) {
            LstmKernel kernel = new LstmKernel(nIn, hid);
            kernel.weights(w, rw, b);
            results[threads - 1] = kernel.forward(x, on, batch, steps, threads).clone();
            float[] dx = new float[x.length], dW = new float[w.length], dRW = new float[rw.length], db = new float[g];
            kernel.backward(dh, dx, dW, dRW, db, threads);
            grads[threads - 1] = concat(dx, dW, dRW, db);
        }
        assertArrayEquals(results[0], results[1], "rows are independent: the same outputs on 1 and 2 threads");
        assertArrayEquals(grads[0], grads[1], "the same gradients: each part's sums are added in part order");
    }

    /** Input [B][nIn][T] (DL4J's 'c' order, no transpose) gives what [B][T][nIn] gives, to the bit. */
    @Test
    void featureMajorInputGivesTheSameNumbers() {
        Random random = new Random(8);
        for (int hid : new int[] {16, 32}) {
            int batch = 19, steps = 33, nIn = 24, g = 4 * hid;
            for (String kind : new String[] {"right", "left", "holes"}) {
                boolean[] on = mask(kind, batch, steps, random);
                float[] x = floats(randoms(random, batch * steps * nIn, 1));
                float[] xf = new float[x.length]; // [B][nIn][T]
                for (int b = 0; b < batch; b++) {
                    for (int t = 0; t < steps; t++) {
                        for (int i = 0; i < nIn; i++) {
                            xf[(b * nIn + i) * steps + t] = x[(b * steps + t) * nIn + i];
                        }
                    }
                }
                float[] w = floats(randoms(random, nIn * g, 0.3)), rw = floats(randoms(random, hid * g, 0.3));
                float[] bias = floats(randoms(random, g, 0.3)), dh = floats(randoms(random, batch * steps * hid, 1));
                float[][] outs = new float[2][], grads = new float[2][];
                for (int v = 0; v < 2; v++) {
                    LstmKernel kernel = new LstmKernel(nIn, hid);
                    kernel.weights(w, rw, bias);
                    outs[v] = kernel.forward(v == 0 ? x : xf, v == 1, on, batch, steps, 2).clone();
                    float[] dx = new float[x.length], dW = new float[w.length], dRW = new float[rw.length];
                    float[] db = new float[g];
                    kernel.backward(dh, dx, dW, dRW, db, 2);
                    grads[v] = concat(dx, dW, dRW, db);
                }
                assertArrayEquals(outs[0], outs[1], kind + " H " + hid + ": outputs");
                assertArrayEquals(grads[0], grads[1], kind + " H " + hid + ": gradients");
            }
        }
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
