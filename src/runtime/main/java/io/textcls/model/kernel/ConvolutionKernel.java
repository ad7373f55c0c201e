package io.textcls.model.kernel;

/**
 * A same-length one-dimensional convolution with ReLU, for scoring: {@code out[t][o] = max(0, b[o]
 * + Σ_{k,i} w[k][i][o] · x[t + k - width/2][i])}, steps outside a document zero. Several documents
 * run as one matrix product: their steps lie one after another in a padded buffer, a zero row
 * between neighbours, so each output row's window is {@code width} consecutive rows of it, and the
 * weights, {@code [width·in][filters]}, multiply it directly (no im2col copy). Immutable
 * after construction; {@link #forward} is thread-safe.
 *
 * <p>Only classes that have checked {@link RecurrentKernels#available()} may use it.
 */
public final class ConvolutionKernel {
    public final int in;
    public final int filters;
    public final int width;
    private final float[] unfolded; // [width·in][filters]
    private final float[] bias;

    /**
     * @param w {@code [width][in][filters]} row-major
     * @param b {@code [filters]}
     */
    public ConvolutionKernel(int in, int filters, int width, float[] w, float[] b) {
        if (width % 2 != 1) {
            throw new IllegalArgumentException("an odd convolution width is needed, got " + width);
        }
        if (w.length != filters * in * width || b.length != filters) {
            throw new IllegalArgumentException("convolution weights of " + w.length + " and " + b.length
                    + " values for " + filters + " filters × " + in + " inputs × width " + width);
        }
        this.in = in;
        this.filters = filters;
        this.width = width;
        this.bias = b.clone();
        this.unfolded = w.clone();
    }

    /** Zero rows before each document, and after the last: {@code width / 2}. */
    public int gap() {
        return width / 2;
    }

    /**
     * The padded input layout for documents of these lengths: document {@code d}'s step {@code j}
     * is row {@code starts[d] + j}; every other row is zero.
     *
     * @return the number of rows, the last document's end plus {@link #gap()}
     */
    public int layout(int[] lengths, int[] starts) {
        int g = gap(), at = g;
        for (int d = 0; d < lengths.length; d++) {
            starts[d] = at;
            at += lengths[d] + g;
        }
        return at;
    }

    /**
     * The convolution of padded rows {@code x [rows][in]} (as {@link #layout} places them, zero
     * between documents): {@code out [rows][filters]}, valid at the documents' rows; the gap rows of
     * {@code out} hold values of no document, to be zeroed or ignored.
     *
     * @param threads threads to split the rows over
     */
    public void forward(float[] x, int rows, float[] out, int threads) {
        int g = gap(), m = rows - 2 * g; // output rows g .. rows-g-1 have a full window
        if (m <= 0) {
            return;
        }
        RecurrentKernels.parallel(threads, m, 64, (r0, r1) -> {
            int n = r1 - r0;
            VectorKernels.fillRows(out, (g + r0) * filters, n, filters, bias, filters);
            // row t's window starts at padded row t - g, so window row r0 starts at x[(r0)·in]
            VectorKernels.gemmNNTall(n, filters, width * in, x, r0 * in, in, unfolded, 0, filters, out,
                    (g + r0) * filters, filters);
            VectorKernels.relu(out, (g + r0) * filters, n * filters);
        });
    }
}
