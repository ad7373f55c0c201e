package io.textcls.model.kernel;

/**
 * Memory layouts of recurrent data: DL4J's {@code [B, F, T]} arrays ('c' order {@code [B][F][T]},
 * 'f' order {@code [T][F][B]}) and the kernels' {@code [B][T][F]}, converted by tiled transposes
 * (split over the layer's threads: each writes its own part).
 */
public final class Layouts {
    private Layouts() {
    }

    /** {@code [B][T][F]} to the 'f' order of {@code [B, F, T]} ({@code [T][F][B]}). */
    public static void btfToF(float[] src, int batch, int steps, int features, float[] dst) {
        RecurrentKernels.parallel(RecurrentKernels.threads(), steps, 16, (t0, t1) -> {
            for (int t = t0; t < t1; t++) { // [B][F] rows of step t, stride T*F, to [F][B]
                transpose(src, t * features, steps * features, batch, features, dst, t * features * batch, batch);
            }
        });
    }

    /** {@code [B][T][F]} to the 'c' order of {@code [B, F, T]} ({@code [B][F][T]}). */
    public static void btfToC(float[] src, int batch, int steps, int features, float[] dst) {
        RecurrentKernels.parallel(RecurrentKernels.threads(), batch, 4, (b0, b1) -> {
            for (int b = b0; b < b1; b++) { // row b's [T][F] to [F][T]
                transpose(src, b * steps * features, features, steps, features, dst, b * features * steps, steps);
            }
        });
    }

    /** {@code [B, F, T]} in 'c' ({@code [B][F][T]}) or 'f' ({@code [T][F][B]}) order to {@code [B][T][F]}. */
    public static void toBtf(float[] src, char order, int batch, int features, int steps, float[] dst) {
        if (order == 'c') {
            RecurrentKernels.parallel(RecurrentKernels.threads(), batch, 4, (b0, b1) -> {
                for (int b = b0; b < b1; b++) {
                    transpose(src, b * features * steps, steps, features, steps, dst, b * steps * features, features);
                }
            });
        } else {
            RecurrentKernels.parallel(RecurrentKernels.threads(), steps, 16, (t0, t1) -> {
                for (int t = t0; t < t1; t++) { // [F][B] of step t to rows (b, t) of dst, stride T*F
                    transpose(src, t * features * batch, batch, features, batch, dst, t * features, steps * features);
                }
            });
        }
    }

    /**
     * {@code dst[d0 + c·dStride + r] = src[s0 + r·sStride + c]} for {@code r < rows}, {@code c < cols}:
     * a transpose, in tiles that stay in cache.
     */
    static void transpose(float[] src, int s0, int sStride, int rows, int cols, float[] dst, int d0, int dStride) {
        final int tile = 16;
        for (int r0 = 0; r0 < rows; r0 += tile) {
            int r1 = Math.min(rows, r0 + tile);
            for (int c0 = 0; c0 < cols; c0 += tile) {
                int c1 = Math.min(cols, c0 + tile);
                for (int c = c0; c < c1; c++) {
                    int d = d0 + c * dStride;
                    for (int r = r0; r < r1; r++) {
                        dst[d + r] = src[s0 + r * sStride + c];
                    }
                }
            }
        }
    }
}
