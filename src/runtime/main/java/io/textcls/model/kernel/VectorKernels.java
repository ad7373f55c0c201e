package io.textcls.model.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dense float kernels on the JDK's Vector API ({@code jdk.incubator.vector}): the matrix products
 * and the gate arithmetic of {@link LstmKernel}. Matrices are row-major
 * {@code float[]} slices given by offset and row stride. Every loop keeps its vectors in local
 * variables and never chooses between two vectors with a branch: C2 would box them.
 *
 * <p>Only classes that have checked {@link RecurrentKernels#available()} may touch this class: it
 * does not load where the module is absent.
 */
public final class VectorKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /**
     * Whether blocks four vectors of columns wide fit in the vector registers. Their 16 accumulators
     * and the operands need more than the 16 registers of x86 without AVX-512 (8 float lanes), where
     * they spilled to the stack: 8-lane machines take blocks of six rows by two vectors (12
     * accumulators), as BLAS kernels for AVX2 do. The products are the same, bit for bit: each element's chain of
     * multiply-adds does not depend on the block.
     */
    static final boolean FOUR_WIDE = L != 8;
    /** Rows of the first operand kept in cache while the columns are swept. */
    private static final int ROW_BLOCK = 64;
    /** Rows of the shared dimension summed per pass of {@link #gemmTN}. */
    private static final int K_BLOCK = 128;

    private VectorKernels() {
    }

    /** {@code C[m,n] += A[m,k] · B[k,n]}. */
    static void gemmNN(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        int nv = n - n % L;
        for (int i0 = 0; i0 < m; i0 += ROW_BLOCK) {
            int i1 = Math.min(m, i0 + ROW_BLOCK);
            int j = 0;
            for (; FOUR_WIDE && j + 4 * L <= nv; j += 4 * L) {
                int i = i0;
                for (; i + 4 <= i1; i += 4) {
                    nn4x4(k, a, aOff + i * lda, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc);
                }
                for (; i < i1; i++) {
                    nn1x2(k, a, aOff + i * lda, b, bOff + j, ldb, c, cOff + i * ldc + j);
                    nn1x2(k, a, aOff + i * lda, b, bOff + j + 2 * L, ldb, c, cOff + i * ldc + j + 2 * L);
                }
            }
            for (; j + 2 * L <= nv; j += 2 * L) {
                int i = i0;
                for (; !FOUR_WIDE && i + 6 <= i1; i += 6) {
                    nn6x2(k, a, aOff + i * lda, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc);
                }
                for (; i + 4 <= i1; i += 4) {
                    nn4x2(k, a, aOff + i * lda, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc);
                }
                for (; i < i1; i++) {
                    nn1x2(k, a, aOff + i * lda, b, bOff + j, ldb, c, cOff + i * ldc + j);
                }
            }
            for (; j < nv; j += L) {
                for (int i = i0; i < i1; i++) {
                    nn1x1(k, a, aOff + i * lda, b, bOff + j, ldb, c, cOff + i * ldc + j);
                }
            }
            for (; j < n; j++) {
                for (int i = i0; i < i1; i++) {
                    float s = 0;
                    int ai = aOff + i * lda;
                    for (int p = 0; p < k; p++) {
                        s += a[ai + p] * b[bOff + p * ldb + j];
                    }
                    c[cOff + i * ldc + j] += s;
                }
            }
        }
    }

    /**
     * {@code C[m,n] += A[m,k] · B[k,n]} for tall products with a long shared dimension (the
     * convolution's rows by its unfolded window): eight rows by two vectors of columns at a time,
     * so each vector of B read serves eight rows. Each element's chain of multiply-adds is the same
     * as {@link #gemmNN}'s.
     */
    static void gemmNNTall(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc) {
        if (!FOUR_WIDE) { // eight rows by two vectors is 16 accumulators too
            gemmNN(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            return;
        }
        int nv = n - n % (2 * L);
        int i = 0;
        for (; i + 8 <= m; i += 8) {
            for (int j = 0; j < nv; j += 2 * L) {
                nn8x2(k, a, aOff + i * lda, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc);
            }
        }
        if (i < m) {
            gemmNN(m - i, nv, k, a, aOff + i * lda, lda, b, bOff, ldb, c, cOff + i * ldc, ldc);
        }
        if (nv < n) {
            gemmNN(m, n - nv, k, a, aOff, lda, b, bOff + nv, ldb, c, cOff + nv, ldc);
        }
    }

    private static void nn8x2(int k, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int c0,
                              int ldc) {
        FloatVector x00 = FloatVector.fromArray(S, c, c0), x01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector x10 = FloatVector.fromArray(S, c, c0 + ldc), x11 = FloatVector.fromArray(S, c, c0 + ldc + L);
        FloatVector x20 = FloatVector.fromArray(S, c, c0 + 2 * ldc), x21 = FloatVector.fromArray(S, c, c0 + 2 * ldc + L);
        FloatVector x30 = FloatVector.fromArray(S, c, c0 + 3 * ldc), x31 = FloatVector.fromArray(S, c, c0 + 3 * ldc + L);
        FloatVector x40 = FloatVector.fromArray(S, c, c0 + 4 * ldc), x41 = FloatVector.fromArray(S, c, c0 + 4 * ldc + L);
        FloatVector x50 = FloatVector.fromArray(S, c, c0 + 5 * ldc), x51 = FloatVector.fromArray(S, c, c0 + 5 * ldc + L);
        FloatVector x60 = FloatVector.fromArray(S, c, c0 + 6 * ldc), x61 = FloatVector.fromArray(S, c, c0 + 6 * ldc + L);
        FloatVector x70 = FloatVector.fromArray(S, c, c0 + 7 * ldc), x71 = FloatVector.fromArray(S, c, c0 + 7 * ldc + L);
        for (int p = 0; p < k; p++) {
            int bp = b0 + p * ldb, ap = a0 + p;
            FloatVector v0 = FloatVector.fromArray(S, b, bp);
            FloatVector v1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector s = FloatVector.broadcast(S, a[ap]);
            x00 = s.fma(v0, x00);
            x01 = s.fma(v1, x01);
            s = FloatVector.broadcast(S, a[ap + lda]);
            x10 = s.fma(v0, x10);
            x11 = s.fma(v1, x11);
            s = FloatVector.broadcast(S, a[ap + 2 * lda]);
            x20 = s.fma(v0, x20);
            x21 = s.fma(v1, x21);
            s = FloatVector.broadcast(S, a[ap + 3 * lda]);
            x30 = s.fma(v0, x30);
            x31 = s.fma(v1, x31);
            s = FloatVector.broadcast(S, a[ap + 4 * lda]);
            x40 = s.fma(v0, x40);
            x41 = s.fma(v1, x41);
            s = FloatVector.broadcast(S, a[ap + 5 * lda]);
            x50 = s.fma(v0, x50);
            x51 = s.fma(v1, x51);
            s = FloatVector.broadcast(S, a[ap + 6 * lda]);
            x60 = s.fma(v0, x60);
            x61 = s.fma(v1, x61);
            s = FloatVector.broadcast(S, a[ap + 7 * lda]);
            x70 = s.fma(v0, x70);
            x71 = s.fma(v1, x71);
        }
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + L);
        x10.intoArray(c, c0 + ldc);
        x11.intoArray(c, c0 + ldc + L);
        x20.intoArray(c, c0 + 2 * ldc);
        x21.intoArray(c, c0 + 2 * ldc + L);
        x30.intoArray(c, c0 + 3 * ldc);
        x31.intoArray(c, c0 + 3 * ldc + L);
        x40.intoArray(c, c0 + 4 * ldc);
        x41.intoArray(c, c0 + 4 * ldc + L);
        x50.intoArray(c, c0 + 5 * ldc);
        x51.intoArray(c, c0 + 5 * ldc + L);
        x60.intoArray(c, c0 + 6 * ldc);
        x61.intoArray(c, c0 + 6 * ldc + L);
        x70.intoArray(c, c0 + 7 * ldc);
        x71.intoArray(c, c0 + 7 * ldc + L);
    }

    /** Four rows by four vectors of columns: sixteen accumulators, each element's FMA chain as in {@link #nn4x2}. */
    private static void nn4x4(int k, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int c0,
                              int ldc) {
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        FloatVector x00 = FloatVector.fromArray(S, c, c0), x01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector x02 = FloatVector.fromArray(S, c, c0 + 2 * L), x03 = FloatVector.fromArray(S, c, c0 + 3 * L);
        FloatVector x10 = FloatVector.fromArray(S, c, c1), x11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector x12 = FloatVector.fromArray(S, c, c1 + 2 * L), x13 = FloatVector.fromArray(S, c, c1 + 3 * L);
        FloatVector x20 = FloatVector.fromArray(S, c, c2), x21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector x22 = FloatVector.fromArray(S, c, c2 + 2 * L), x23 = FloatVector.fromArray(S, c, c2 + 3 * L);
        FloatVector x30 = FloatVector.fromArray(S, c, c3), x31 = FloatVector.fromArray(S, c, c3 + L);
        FloatVector x32 = FloatVector.fromArray(S, c, c3 + 2 * L), x33 = FloatVector.fromArray(S, c, c3 + 3 * L);
        for (int p = 0; p < k; p++) {
            int bp = b0 + p * ldb;
            FloatVector v0 = FloatVector.fromArray(S, b, bp);
            FloatVector v1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector v2 = FloatVector.fromArray(S, b, bp + 2 * L);
            FloatVector v3 = FloatVector.fromArray(S, b, bp + 3 * L);
            FloatVector s0 = FloatVector.broadcast(S, a[a0 + p]);
            x00 = s0.fma(v0, x00);
            x01 = s0.fma(v1, x01);
            x02 = s0.fma(v2, x02);
            x03 = s0.fma(v3, x03);
            FloatVector s1 = FloatVector.broadcast(S, a[a1 + p]);
            x10 = s1.fma(v0, x10);
            x11 = s1.fma(v1, x11);
            x12 = s1.fma(v2, x12);
            x13 = s1.fma(v3, x13);
            FloatVector s2 = FloatVector.broadcast(S, a[a2 + p]);
            x20 = s2.fma(v0, x20);
            x21 = s2.fma(v1, x21);
            x22 = s2.fma(v2, x22);
            x23 = s2.fma(v3, x23);
            FloatVector s3 = FloatVector.broadcast(S, a[a3 + p]);
            x30 = s3.fma(v0, x30);
            x31 = s3.fma(v1, x31);
            x32 = s3.fma(v2, x32);
            x33 = s3.fma(v3, x33);
        }
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + L);
        x02.intoArray(c, c0 + 2 * L);
        x03.intoArray(c, c0 + 3 * L);
        x10.intoArray(c, c1);
        x11.intoArray(c, c1 + L);
        x12.intoArray(c, c1 + 2 * L);
        x13.intoArray(c, c1 + 3 * L);
        x20.intoArray(c, c2);
        x21.intoArray(c, c2 + L);
        x22.intoArray(c, c2 + 2 * L);
        x23.intoArray(c, c2 + 3 * L);
        x30.intoArray(c, c3);
        x31.intoArray(c, c3 + L);
        x32.intoArray(c, c3 + 2 * L);
        x33.intoArray(c, c3 + 3 * L);
    }

    /** As {@link #nn4x2}, six rows: 12 accumulators, as many independent chains as an 8-lane machine's two
     * FMA pipes need to hide their latency, and still no spill from its 16 registers. */
    private static void nn6x2(int k, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int c0,
                              int ldc) {
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc;
        FloatVector x00 = FloatVector.fromArray(S, c, c0), x01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector x10 = FloatVector.fromArray(S, c, c1), x11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector x20 = FloatVector.fromArray(S, c, c2), x21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector x30 = FloatVector.fromArray(S, c, c3), x31 = FloatVector.fromArray(S, c, c3 + L);
        FloatVector x40 = FloatVector.fromArray(S, c, c4), x41 = FloatVector.fromArray(S, c, c4 + L);
        FloatVector x50 = FloatVector.fromArray(S, c, c5), x51 = FloatVector.fromArray(S, c, c5 + L);
        for (int p = 0; p < k; p++) {
            int bp = b0 + p * ldb;
            FloatVector v0 = FloatVector.fromArray(S, b, bp);
            FloatVector v1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector s0 = FloatVector.broadcast(S, a[a0 + p]);
            x00 = s0.fma(v0, x00);
            x01 = s0.fma(v1, x01);
            FloatVector s1 = FloatVector.broadcast(S, a[a1 + p]);
            x10 = s1.fma(v0, x10);
            x11 = s1.fma(v1, x11);
            FloatVector s2 = FloatVector.broadcast(S, a[a2 + p]);
            x20 = s2.fma(v0, x20);
            x21 = s2.fma(v1, x21);
            FloatVector s3 = FloatVector.broadcast(S, a[a3 + p]);
            x30 = s3.fma(v0, x30);
            x31 = s3.fma(v1, x31);
            FloatVector s4 = FloatVector.broadcast(S, a[a4 + p]);
            x40 = s4.fma(v0, x40);
            x41 = s4.fma(v1, x41);
            FloatVector s5 = FloatVector.broadcast(S, a[a5 + p]);
            x50 = s5.fma(v0, x50);
            x51 = s5.fma(v1, x51);
        }
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + L);
        x10.intoArray(c, c1);
        x11.intoArray(c, c1 + L);
        x20.intoArray(c, c2);
        x21.intoArray(c, c2 + L);
        x30.intoArray(c, c3);
        x31.intoArray(c, c3 + L);
        x40.intoArray(c, c4);
        x41.intoArray(c, c4 + L);
        x50.intoArray(c, c5);
        x51.intoArray(c, c5 + L);
    }

    private static void nn4x2(int k, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int c0,
                              int ldc) {
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        FloatVector x00 = FloatVector.fromArray(S, c, c0), x01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector x10 = FloatVector.fromArray(S, c, c1), x11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector x20 = FloatVector.fromArray(S, c, c2), x21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector x30 = FloatVector.fromArray(S, c, c3), x31 = FloatVector.fromArray(S, c, c3 + L);
        for (int p = 0; p < k; p++) {
            int bp = b0 + p * ldb;
            FloatVector v0 = FloatVector.fromArray(S, b, bp);
            FloatVector v1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector s0 = FloatVector.broadcast(S, a[a0 + p]);
            x00 = s0.fma(v0, x00);
            x01 = s0.fma(v1, x01);
            FloatVector s1 = FloatVector.broadcast(S, a[a1 + p]);
            x10 = s1.fma(v0, x10);
            x11 = s1.fma(v1, x11);
            FloatVector s2 = FloatVector.broadcast(S, a[a2 + p]);
            x20 = s2.fma(v0, x20);
            x21 = s2.fma(v1, x21);
            FloatVector s3 = FloatVector.broadcast(S, a[a3 + p]);
            x30 = s3.fma(v0, x30);
            x31 = s3.fma(v1, x31);
        }
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + L);
        x10.intoArray(c, c1);
        x11.intoArray(c, c1 + L);
        x20.intoArray(c, c2);
        x21.intoArray(c, c2 + L);
        x30.intoArray(c, c3);
        x31.intoArray(c, c3 + L);
    }

    private static void nn1x2(int k, float[] a, int a0, float[] b, int b0, int ldb, float[] c, int c0) {
        FloatVector x0 = FloatVector.fromArray(S, c, c0), x1 = FloatVector.fromArray(S, c, c0 + L);
        for (int p = 0; p < k; p++) {
            int bp = b0 + p * ldb;
            FloatVector s = FloatVector.broadcast(S, a[a0 + p]);
            x0 = s.fma(FloatVector.fromArray(S, b, bp), x0);
            x1 = s.fma(FloatVector.fromArray(S, b, bp + L), x1);
        }
        x0.intoArray(c, c0);
        x1.intoArray(c, c0 + L);
    }

    private static void nn1x1(int k, float[] a, int a0, float[] b, int b0, int ldb, float[] c, int c0) {
        FloatVector x0 = FloatVector.fromArray(S, c, c0);
        for (int p = 0; p < k; p++) {
            x0 = FloatVector.broadcast(S, a[a0 + p]).fma(FloatVector.fromArray(S, b, b0 + p * ldb), x0);
        }
        x0.intoArray(c, c0);
    }

    /**
     * {@code C[m,n] += Aᵀ · B} where A is stored {@code [k, m]} (stride {@code lda}) and B
     * {@code [k, n]}: the shape of weight gradients, summed over the rows of a batch.
     */
    static void gemmTN(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        int nv = n - n % L;
        for (int p0 = 0; p0 < k; p0 += K_BLOCK) {
            int kb = Math.min(K_BLOCK, k - p0);
            int ap = aOff + p0 * lda, bp = bOff + p0 * ldb;
            int j = 0;
            for (; FOUR_WIDE && j + 4 * L <= nv; j += 4 * L) {
                int i = 0;
                for (; i + 4 <= m; i += 4) {
                    tn4x4(kb, a, ap + i, lda, b, bp + j, ldb, c, cOff + i * ldc + j, ldc);
                }
                for (; i < m; i++) {
                    for (int v = 0; v < 4; v++) {
                        tn1x1(kb, a, ap + i, lda, b, bp + j + v * L, ldb, c, cOff + i * ldc + j + v * L);
                    }
                }
            }
            for (; j + 2 * L <= nv; j += 2 * L) {
                int i = 0;
                for (; !FOUR_WIDE && i + 6 <= m; i += 6) {
                    tn6x2(kb, a, ap + i, lda, b, bp + j, ldb, c, cOff + i * ldc + j, ldc);
                }
                for (; i + 4 <= m; i += 4) {
                    tn4x2(kb, a, ap + i, lda, b, bp + j, ldb, c, cOff + i * ldc + j, ldc);
                }
                for (; i < m; i++) {
                    tn1x1(kb, a, ap + i, lda, b, bp + j, ldb, c, cOff + i * ldc + j);
                    tn1x1(kb, a, ap + i, lda, b, bp + j + L, ldb, c, cOff + i * ldc + j + L);
                }
            }
            for (; j < nv; j += L) {
                for (int i = 0; i < m; i++) {
                    tn1x1(kb, a, ap + i, lda, b, bp + j, ldb, c, cOff + i * ldc + j);
                }
            }
            for (; j < n; j++) {
                for (int i = 0; i < m; i++) {
                    float s = 0;
                    for (int p = 0; p < kb; p++) {
                        s += a[ap + p * lda + i] * b[bp + p * ldb + j];
                    }
                    c[cOff + i * ldc + j] += s;
                }
            }
        }
    }

    /** As {@link #tn4x2}, four vectors of columns wide. */
    private static void tn4x4(int k, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int c0,
                              int ldc) {
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        FloatVector x00 = FloatVector.fromArray(S, c, c0), x01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector x02 = FloatVector.fromArray(S, c, c0 + 2 * L), x03 = FloatVector.fromArray(S, c, c0 + 3 * L);
        FloatVector x10 = FloatVector.fromArray(S, c, c1), x11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector x12 = FloatVector.fromArray(S, c, c1 + 2 * L), x13 = FloatVector.fromArray(S, c, c1 + 3 * L);
        FloatVector x20 = FloatVector.fromArray(S, c, c2), x21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector x22 = FloatVector.fromArray(S, c, c2 + 2 * L), x23 = FloatVector.fromArray(S, c, c2 + 3 * L);
        FloatVector x30 = FloatVector.fromArray(S, c, c3), x31 = FloatVector.fromArray(S, c, c3 + L);
        FloatVector x32 = FloatVector.fromArray(S, c, c3 + 2 * L), x33 = FloatVector.fromArray(S, c, c3 + 3 * L);
        for (int p = 0; p < k; p++) {
            int bp = b0 + p * ldb, ap = a0 + p * lda;
            FloatVector v0 = FloatVector.fromArray(S, b, bp);
            FloatVector v1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector v2 = FloatVector.fromArray(S, b, bp + 2 * L);
            FloatVector v3 = FloatVector.fromArray(S, b, bp + 3 * L);
            FloatVector s0 = FloatVector.broadcast(S, a[ap]);
            x00 = s0.fma(v0, x00);
            x01 = s0.fma(v1, x01);
            x02 = s0.fma(v2, x02);
            x03 = s0.fma(v3, x03);
            FloatVector s1 = FloatVector.broadcast(S, a[ap + 1]);
            x10 = s1.fma(v0, x10);
            x11 = s1.fma(v1, x11);
            x12 = s1.fma(v2, x12);
            x13 = s1.fma(v3, x13);
            FloatVector s2 = FloatVector.broadcast(S, a[ap + 2]);
            x20 = s2.fma(v0, x20);
            x21 = s2.fma(v1, x21);
            x22 = s2.fma(v2, x22);
            x23 = s2.fma(v3, x23);
            FloatVector s3 = FloatVector.broadcast(S, a[ap + 3]);
            x30 = s3.fma(v0, x30);
            x31 = s3.fma(v1, x31);
            x32 = s3.fma(v2, x32);
            x33 = s3.fma(v3, x33);
        }
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + L);
        x02.intoArray(c, c0 + 2 * L);
        x03.intoArray(c, c0 + 3 * L);
        x10.intoArray(c, c1);
        x11.intoArray(c, c1 + L);
        x12.intoArray(c, c1 + 2 * L);
        x13.intoArray(c, c1 + 3 * L);
        x20.intoArray(c, c2);
        x21.intoArray(c, c2 + L);
        x22.intoArray(c, c2 + 2 * L);
        x23.intoArray(c, c2 + 3 * L);
        x30.intoArray(c, c3);
        x31.intoArray(c, c3 + L);
        x32.intoArray(c, c3 + 2 * L);
        x33.intoArray(c, c3 + 3 * L);
    }

    /** As {@link #tn4x2}, six rows (see {@link #nn6x2}). */
    private static void tn6x2(int k, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int c0,
                              int ldc) {
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc;
        FloatVector x00 = FloatVector.fromArray(S, c, c0), x01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector x10 = FloatVector.fromArray(S, c, c1), x11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector x20 = FloatVector.fromArray(S, c, c2), x21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector x30 = FloatVector.fromArray(S, c, c3), x31 = FloatVector.fromArray(S, c, c3 + L);
        FloatVector x40 = FloatVector.fromArray(S, c, c4), x41 = FloatVector.fromArray(S, c, c4 + L);
        FloatVector x50 = FloatVector.fromArray(S, c, c5), x51 = FloatVector.fromArray(S, c, c5 + L);
        for (int p = 0; p < k; p++) {
            int bp = b0 + p * ldb, ap = a0 + p * lda;
            FloatVector v0 = FloatVector.fromArray(S, b, bp);
            FloatVector v1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector s0 = FloatVector.broadcast(S, a[ap]);
            x00 = s0.fma(v0, x00);
            x01 = s0.fma(v1, x01);
            FloatVector s1 = FloatVector.broadcast(S, a[ap + 1]);
            x10 = s1.fma(v0, x10);
            x11 = s1.fma(v1, x11);
            FloatVector s2 = FloatVector.broadcast(S, a[ap + 2]);
            x20 = s2.fma(v0, x20);
            x21 = s2.fma(v1, x21);
            FloatVector s3 = FloatVector.broadcast(S, a[ap + 3]);
            x30 = s3.fma(v0, x30);
            x31 = s3.fma(v1, x31);
            FloatVector s4 = FloatVector.broadcast(S, a[ap + 4]);
            x40 = s4.fma(v0, x40);
            x41 = s4.fma(v1, x41);
            FloatVector s5 = FloatVector.broadcast(S, a[ap + 5]);
            x50 = s5.fma(v0, x50);
            x51 = s5.fma(v1, x51);
        }
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + L);
        x10.intoArray(c, c1);
        x11.intoArray(c, c1 + L);
        x20.intoArray(c, c2);
        x21.intoArray(c, c2 + L);
        x30.intoArray(c, c3);
        x31.intoArray(c, c3 + L);
        x40.intoArray(c, c4);
        x41.intoArray(c, c4 + L);
        x50.intoArray(c, c5);
        x51.intoArray(c, c5 + L);
    }

    private static void tn4x2(int k, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int c0,
                              int ldc) {
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        FloatVector x00 = FloatVector.fromArray(S, c, c0), x01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector x10 = FloatVector.fromArray(S, c, c1), x11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector x20 = FloatVector.fromArray(S, c, c2), x21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector x30 = FloatVector.fromArray(S, c, c3), x31 = FloatVector.fromArray(S, c, c3 + L);
        for (int p = 0; p < k; p++) {
            int bp = b0 + p * ldb, ap = a0 + p * lda;
            FloatVector v0 = FloatVector.fromArray(S, b, bp);
            FloatVector v1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector s0 = FloatVector.broadcast(S, a[ap]);
            x00 = s0.fma(v0, x00);
            x01 = s0.fma(v1, x01);
            FloatVector s1 = FloatVector.broadcast(S, a[ap + 1]);
            x10 = s1.fma(v0, x10);
            x11 = s1.fma(v1, x11);
            FloatVector s2 = FloatVector.broadcast(S, a[ap + 2]);
            x20 = s2.fma(v0, x20);
            x21 = s2.fma(v1, x21);
            FloatVector s3 = FloatVector.broadcast(S, a[ap + 3]);
            x30 = s3.fma(v0, x30);
            x31 = s3.fma(v1, x31);
        }
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + L);
        x10.intoArray(c, c1);
        x11.intoArray(c, c1 + L);
        x20.intoArray(c, c2);
        x21.intoArray(c, c2 + L);
        x30.intoArray(c, c3);
        x31.intoArray(c, c3 + L);
    }

    private static void tn1x1(int k, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int c0) {
        FloatVector x0 = FloatVector.fromArray(S, c, c0);
        for (int p = 0; p < k; p++) {
            x0 = FloatVector.broadcast(S, a[a0 + p * lda]).fma(FloatVector.fromArray(S, b, b0 + p * ldb), x0);
        }
        x0.intoArray(c, c0);
    }

    /** {@code dst[i] = src[i]} for a row repeated {@code rows} times (stride {@code ld}). */
    static void fillRows(float[] dst, int off, int rows, int ld, float[] row, int n) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(row, 0, dst, off + r * ld, n);
        }
    }

    /** {@code sums[j] += Σ_r m[off + r·ld + j]} for {@code j < n}. */
    static void columnSums(float[] m, int off, int rows, int ld, int n, float[] sums) {
        int nv = n - n % L;
        for (int j = 0; j < nv; j += L) {
            FloatVector s = FloatVector.fromArray(S, sums, j);
            for (int r = 0; r < rows; r++) {
                s = s.add(FloatVector.fromArray(S, m, off + r * ld + j));
            }
            s.intoArray(sums, j);
        }
        for (int j = nv; j < n; j++) {
            float s = sums[j];
            for (int r = 0; r < rows; r++) {
                s += m[off + r * ld + j];
            }
            sums[j] = s;
        }
    }

    /** {@code a[i] = max(0, a[i])} for {@code off <= i < off + n}. */
    static void relu(float[] a, int off, int n) {
        int nv = n - n % L;
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < nv; i += L) {
            FloatVector.fromArray(S, a, off + i).max(zero).intoArray(a, off + i);
        }
        for (int i = nv; i < n; i++) {
            a[off + i] = Math.max(0f, a[off + i]);
        }
    }

    /** {@code dst[i] += src[i]}. */
    static void add(float[] dst, float[] src, int n) {
        int nv = n - n % L;
        for (int i = 0; i < nv; i += L) {
            FloatVector.fromArray(S, dst, i).add(FloatVector.fromArray(S, src, i)).intoArray(dst, i);
        }
        for (int i = nv; i < n; i++) {
            dst[i] += src[i];
        }
    }

    // exp(x) = 2^n · p(r), n = round(x·log2 e), r = x - n·ln 2 (in two parts), p Cephes' expf
    // polynomial: basic arithmetic and FMA only, so every lane gives the same bits compiled or
    // interpreted and on every CPU (the JDK's EXP and TANH intrinsics may differ in the last bit
    // between the interpreter, C2 and CPUs, and a resumed run or a fresh JVM would not repeat).
    private static final float EXP_HI = 88.3762626647949f;
    private static final float EXP_LO = -87.3365447504f;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float P0 = 1.9875691500E-4f;
    private static final float P1 = 1.3981999507E-3f;
    private static final float P2 = 8.3334519073E-3f;
    private static final float P3 = 4.1665795894E-2f;
    private static final float P4 = 1.6666665459E-1f;
    private static final float P5 = 5.0000001201E-1f;

    /** 1.5·2^23: added to a float below 2^22 in size, rounds it to an integer held in the low mantissa bits. */
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);

    /**
     * e^x, lane by lane, to about 1e-7 relative; 0 below -87.3 (no denormals), finite above 88.4.
     * n is rounded with the 1.5·2^23 trick and 2^n built from its bits: only reinterpretations
     * between float and int lanes, which compile to nothing (a conversion op did not compile at all
     * on Java 17 and ran on the Vector API's Java fallback).
     */
    static FloatVector exp(FloatVector x) {
        x = x.max(EXP_LO).min(EXP_HI);
        FloatVector tm = x.mul(LOG2E).add(ROUND);
        FloatVector n = tm.sub(ROUND);
        FloatVector r = n.mul(-LN2_HI).add(x);
        r = n.mul(-LN2_LO).add(r);
        FloatVector p = FloatVector.broadcast(S, P0).fma(r, FloatVector.broadcast(S, P1));
        p = p.fma(r, FloatVector.broadcast(S, P2));
        p = p.fma(r, FloatVector.broadcast(S, P3));
        p = p.fma(r, FloatVector.broadcast(S, P4));
        p = p.fma(r, FloatVector.broadcast(S, P5));
        p = p.fma(r.mul(r), r).add(1f);
        FloatVector pow2n = tm.reinterpretAsInts().add(127 - ROUND_BITS).lanewise(VectorOperators.LSHL, 23)
                .reinterpretAsFloats();
        return p.mul(pow2n);
    }

    /** The same as one lane of {@link #exp(FloatVector)}, to the bit. */
    static float exp(float x) {
        x = Math.min(Math.max(x, EXP_LO), EXP_HI);
        float tm = x * LOG2E + ROUND;
        float n = tm - ROUND;
        float r = n * -LN2_HI + x;
        r = n * -LN2_LO + r;
        float p = Math.fma(P0, r, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        p = Math.fma(p, r * r, r) + 1f;
        return p * Float.intBitsToFloat((Float.floatToRawIntBits(tm) + (127 - ROUND_BITS)) << 23);
    }

    static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(S, 1f).div(exp(x.neg()).add(1f));
    }

    static float sigmoid(float x) {
        return 1f / (exp(-x) + 1f);
    }

    private static final float T0 = -5.70498872745E-3f;
    private static final float T1 = 2.06390887954E-2f;
    private static final float T2 = -5.37397155531E-2f;
    private static final float T3 = 1.33314422036E-1f;
    private static final float T4 = -3.33332819422E-1f;

    /**
     * tanh(x) as Cephes' tanhf: below |x| = 0.625 an odd polynomial, above it
     * ±(1 - 2 / (e^{2|x|} + 1)); both computed, one kept per lane.
     */
    static FloatVector tanh(FloatVector x) {
        FloatVector z = x.mul(x);
        FloatVector p = FloatVector.broadcast(S, T0).fma(z, FloatVector.broadcast(S, T1));
        p = p.fma(z, FloatVector.broadcast(S, T2));
        p = p.fma(z, FloatVector.broadcast(S, T3));
        p = p.fma(z, FloatVector.broadcast(S, T4));
        FloatVector small = p.mul(z).fma(x, x);
        FloatVector ax = x.abs();
        FloatVector big = FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(exp(ax.add(ax)).add(1f)));
        big = big.blend(big.neg(), x.compare(VectorOperators.LT, 0f)); // odd: computed at |x|, no cancellation
        return big.blend(small, ax.compare(VectorOperators.LT, 0.625f));
    }

    /** The same as one lane of {@link #tanh(FloatVector)}, to the bit. */
    static float tanh(float x) {
        if (Math.abs(x) < 0.625f) {
            float z = x * x;
            float p = Math.fma(T0, z, T1);
            p = Math.fma(p, z, T2);
            p = Math.fma(p, z, T3);
            p = Math.fma(p, z, T4);
            return Math.fma(p * z, x, x);
        }
        float ax = Math.abs(x);
        float big = 1f - 2f / (exp(ax + ax) + 1f);
        return x < 0f ? -big : big;
    }

    /**
     * Adam with decoupled weight decay over {@code n} parameters from {@code from}, in native
     * memory: {@code g = grad·scale; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²;
     * grad = α·m / (√v + ε) + decay·param} (the update DL4J's step subtracts). The moments are at
     * {@code m0} and {@code v0} of {@code state}.
     */
    public static void adam(ByteBuffer grad, ByteBuffer param, ByteBuffer state, int from, int n, int m0, int v0, float scale,
                     float beta1, float beta2, float eps, float alpha, float decay) {
        int nv = n - n % L;
        ByteOrder o = ByteOrder.nativeOrder();
        float c1 = 1 - beta1, c2 = 1 - beta2;
        for (int i = 0; i < nv; i += L) {
            int gi = (from + i) * 4, mi = (m0 + i) * 4, vi = (v0 + i) * 4;
            FloatVector g = FloatVector.fromByteBuffer(S, grad, gi, o).mul(scale);
            FloatVector m = FloatVector.fromByteBuffer(S, state, mi, o).mul(beta1).add(g.mul(c1));
            FloatVector v = FloatVector.fromByteBuffer(S, state, vi, o).mul(beta2).add(g.mul(g).mul(c2));
            m.intoByteBuffer(state, mi, o);
            v.intoByteBuffer(state, vi, o);
            FloatVector u = m.mul(alpha).div(v.lanewise(VectorOperators.SQRT).add(eps));
            u.add(FloatVector.fromByteBuffer(S, param, gi, o).mul(decay)).intoByteBuffer(grad, gi, o);
        }
        for (int i = nv; i < n; i++) {
            int gi = (from + i) * 4, mi = (m0 + i) * 4, vi = (v0 + i) * 4;
            float g = grad.getFloat(gi) * scale;
            float m = state.getFloat(mi) * beta1 + g * c1;
            float v = state.getFloat(vi) * beta2 + g * g * c2;
            state.putFloat(mi, m);
            state.putFloat(vi, v);
            grad.putFloat(gi, m * alpha / ((float) Math.sqrt(v) + eps) + param.getFloat(gi) * decay);
        }
    }

    /** Plain SGD with decoupled weight decay: {@code grad = grad·rate + decay·param}. */
    public static void sgd(ByteBuffer grad, ByteBuffer param, int from, int n, float rate, float decay) {
        int nv = n - n % L;
        ByteOrder o = ByteOrder.nativeOrder();
        for (int i = 0; i < nv; i += L) {
            int gi = (from + i) * 4;
            FloatVector.fromByteBuffer(S, grad, gi, o).mul(rate)
                    .add(FloatVector.fromByteBuffer(S, param, gi, o).mul(decay)).intoByteBuffer(grad, gi, o);
        }
        for (int i = nv; i < n; i++) {
            int gi = (from + i) * 4;
            grad.putFloat(gi, grad.getFloat(gi) * rate + param.getFloat(gi) * decay);
        }
    }

    /**
     * This core's measured arithmetic peak in float FMA: bursts of twelve independent vector FMA
     * chains (a method called again and again, so it is compiled whole, not on-stack) over about
     * {@code millis} ms, two flops per lane per FMA, in GFLOP/s.
     */
    static double peakGflops(long millis) {
        float[] acc = new float[12 * L];
        long fmas = 0, t0 = System.nanoTime(), end = t0 + millis * 1_000_000L;
        while (System.nanoTime() < end) {
            fmaBurst(acc, 1.0000001f, 0.9999999f);
            fmas += 12L * 10_000;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return fmas * 2.0 * L / seconds / 1e9;
    }

    private static void fmaBurst(float[] acc, float x, float y) {
        FloatVector a = FloatVector.broadcast(S, x), b = FloatVector.broadcast(S, y);
        FloatVector c0 = FloatVector.fromArray(S, acc, 0), c1 = FloatVector.fromArray(S, acc, L);
        FloatVector c2 = FloatVector.fromArray(S, acc, 2 * L), c3 = FloatVector.fromArray(S, acc, 3 * L);
        FloatVector c4 = FloatVector.fromArray(S, acc, 4 * L), c5 = FloatVector.fromArray(S, acc, 5 * L);
        FloatVector c6 = FloatVector.fromArray(S, acc, 6 * L), c7 = FloatVector.fromArray(S, acc, 7 * L);
        FloatVector c8 = FloatVector.fromArray(S, acc, 8 * L), c9 = FloatVector.fromArray(S, acc, 9 * L);
        FloatVector c10 = FloatVector.fromArray(S, acc, 10 * L), c11 = FloatVector.fromArray(S, acc, 11 * L);
        for (int i = 0; i < 10_000; i++) {
            c0 = a.fma(b, c0);
            c1 = a.fma(b, c1);
            c2 = a.fma(b, c2);
            c3 = a.fma(b, c3);
            c4 = a.fma(b, c4);
            c5 = a.fma(b, c5);
            c6 = a.fma(b, c6);
            c7 = a.fma(b, c7);
            c8 = a.fma(b, c8);
            c9 = a.fma(b, c9);
            c10 = a.fma(b, c10);
            c11 = a.fma(b, c11);
        }
        c0.intoArray(acc, 0);
        c1.intoArray(acc, L);
        c2.intoArray(acc, 2 * L);
        c3.intoArray(acc, 3 * L);
        c4.intoArray(acc, 4 * L);
        c5.intoArray(acc, 5 * L);
        c6.intoArray(acc, 6 * L);
        c7.intoArray(acc, 7 * L);
        c8.intoArray(acc, 8 * L);
        c9.intoArray(acc, 9 * L);
        c10.intoArray(acc, 10 * L);
        c11.intoArray(acc, 11 * L);
    }
}
