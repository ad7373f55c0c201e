package io.textcls.model.kernel;

/**
 * One direction of a recurrent layer over a batch, in vectorized Java: what the LSTM ({@link
 * LstmKernel}) and GRU ({@link GruKernel}) kernels share. Each variant supplies its gates; the
 * parameters (row-major {@code W [nIn][gates·H]} and bias {@code [gates·H]}, each variant adding its
 * own recurrent ones), the input projection and the forward contract are common. Arrays are {@code
 * [batch][steps][features]}; masked steps are skipped and give zeros. One instance per thread.
 */
public abstract sealed class RecurrentKernel permits LstmKernel, GruKernel {
    public final int nIn;
    public final int hidden;
    /** Gate columns: gates × H. */
    protected final int g;
    protected final float[] w;    // [nIn][g]
    protected final float[] bias; // [g]

    RecurrentKernel(int nIn, int hidden, int gates) {
        this.nIn = nIn;
        this.hidden = hidden;
        this.g = gates * hidden;
        this.w = new float[nIn * g];
        this.bias = new float[g];
    }

    /** Gate columns per step: the width of {@link #project}'s rows and of {@link #projectionBuffer}'s. */
    public final int gateWidth() {
        return g;
    }

    /**
     * The forward pass.
     *
     * @param input {@code [batch][steps][nIn]}, kept (not copied) until a backward pass
     * @param mask {@code [batch][steps]} true at real steps, or null for all
     * @return the outputs {@code [batch][steps][H]}, zero at masked steps; an internal array, valid
     *     until the next call
     */
    public abstract float[] forward(float[] input, boolean[] mask, int batch, int steps, int threads);

    /**
     * The buffer {@link #forwardProjected} reads, {@code [batch][steps][gates·H]}, for the caller to
     * fill with each real step's {@code x·W + b}: for a first layer, rows of a projected embedding
     * table ({@link #project}). Valid until the next pass.
     */
    public abstract float[] projectionBuffer(int batch, int steps);

    /**
     * The forward pass from input projections already in {@link #projectionBuffer} (scoring only:
     * there is no backward pass after it); as {@link #forward} otherwise.
     */
    public abstract float[] forwardProjected(boolean[] mask, int batch, int steps, int threads);

    /**
     * {@code b + table·W} for every row of {@code table [rows][nIn]}, row-major {@code [rows][gates·H]}:
     * the input projection of each embedding row, computed once, equal to the last bit to what
     * {@link #forward} computes per token (each element the same chain of fused multiply-adds).
     */
    public final float[] project(float[] table, int rows) {
        float[] p = new float[rows * g];
        VectorKernels.fillRows(p, 0, rows, g, bias, g);
        VectorKernels.gemmNN(rows, g, nIn, table, 0, nIn, w, 0, g, p, 0, g);
        return p;
    }
}
