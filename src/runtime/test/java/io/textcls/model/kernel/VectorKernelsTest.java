package io.textcls.model.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The matrix products against a plain loop, for every shape of block and remainder the lane count
 * of this machine leads to (4 by 4 vectors on 16 lanes; 6 by 2 and 4 by 2 on 8). Each element is
 * one chain of multiply-adds in the order of the shared dimension, so the products are equal bit
 * for bit to {@link Math#fma} applied in that order.
 */
class VectorKernelsTest {
    private static final int L = VectorKernels.L;

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void gemmNNAndTallEqualTheChainOfMultiplyAdds() {
        Random r = new Random(1);
        for (int m : new int[] {1, 4, 5, 6, 7, 12, 13, 64, 70}) {
            for (int n : new int[] {1, L, 2 * L, 3 * L + 3, 4 * L, 8 * L + 5}) {
                for (int k : new int[] {1, 7, 64}) {
                    float[] a = random(r, m * k), b = random(r, k * n), c0 = random(r, m * n);
                    float[] want = c0.clone();
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            float s = want[i * n + j];
                            for (int p = 0; p < k; p++) {
                                s = Math.fma(a[i * k + p], b[p * n + j], s);
                            }
                            want[i * n + j] = s;
                        }
                    }
                    float[] got = c0.clone();
                    VectorKernels.gemmNN(m, n, k, a, 0, k, b, 0, n, got, 0, n);
                    float[] tall = c0.clone();
                    VectorKernels.gemmNNTall(m, n, k, a, 0, k, b, 0, n, tall, 0, n);
                    for (int x = 0; x < m * n; x++) {
                        String at = "m " + m + " n " + n + " k " + k + " element " + x;
                        // the scalar remainder columns sum without fma: equal within rounding there
                        float tol = x % n >= n - n % L ? 1e-4f : 0f;
                        assertEquals(want[x], got[x], tol, "gemmNN " + at);
                        assertEquals(want[x], tall[x], tol, "gemmNNTall " + at);
                    }
                }
            }
        }
    }

    @Test
    void gemmTNEqualsTheChainOfMultiplyAdds() {
        Random r = new Random(2);
        for (int m : new int[] {1, 4, 6, 7, 12, 13, 64}) {
            for (int n : new int[] {1, L, 2 * L, 3 * L + 3, 4 * L, 8 * L + 5}) {
                for (int k : new int[] {1, 9, 200}) { // past one K block of 128
                    float[] a = random(r, k * m), b = random(r, k * n), c0 = random(r, m * n);
                    float[] want = c0.clone();
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            float s = want[i * n + j];
                            for (int p = 0; p < k; p++) {
                                s = Math.fma(a[p * m + i], b[p * n + j], s);
                            }
                            want[i * n + j] = s;
                        }
                    }
                    float[] got = c0.clone();
                    VectorKernels.gemmTN(m, n, k, a, 0, m, b, 0, n, got, 0, n);
                    for (int x = 0; x < m * n; x++) {
                        float tol = x % n >= n - n % L ? 1e-4f : 0f;
                        assertEquals(want[x], got[x], tol, "gemmTN m " + m + " n " + n + " k " + k + " element " + x);
                    }
                }
            }
        }
    }
}
