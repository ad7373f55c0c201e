package io.textcls.model.kernel;

/**
 * One direction of a recurrent layer over a batch, in vectorized Java: what the LSTM ({@link
 * LstmKernel}) and GRU ({@link GruKernel}) kernels share. Each variant supplies its gates (the
 * per-step arithmetic, forward and backward, and the buffers they keep); the base holds the rest:
 * the parameters (row-major {@code W [nIn][gates·H]}, {@code RW [H][gates·H]}, bias {@code
 * [gates·H]}, and their transposes), the input projection, the buffers of the last forward pass
 * and their growth, the split of a batch's rows over threads, and the backward pass's partial
 * weight gradients, summed in part order so that one thread or many give the same numbers. Arrays
 * are {@code [batch][steps][features]}; masked steps are skipped and give zeros. One instance per
 * thread.
 */
public abstract sealed class RecurrentKernel permits LstmKernel, GruKernel {
    public final int nIn;
    public final int hidden;
    /** Gate columns: gates × H. */
    final int g;
    final float[] w;    // [nIn][g]
    final float[] bias; // [g]
    final float[] rw;   // [H][g]
    final float[] wT;   // [g][nIn]
    final float[] rwT;  // [g][H]

    // the last forward pass
    int batch;
    int steps;
    float[] x;                    // [B][T][nIn] or, featureMajor, [B][nIn][T]: the caller's; null: projected
    boolean featureMajor;
    boolean[] on;                 // [B][T], null: every step
    int[] first;                  // per row: first and last step to compute
    int[] last;
    float[] gates = new float[0]; // [B][T][g]: each variant's gates; their gradients after backward
    float[] out = new float[0];   // [B][T][H]
    final Part[] parts = new Part[RecurrentKernels.MAX_PARTS];

    /** A part of a batch's rows: its scratch and its partial weight gradients, added in part order. */
    final class Part {
        float[] dhRec = new float[0];
        float[] dcNext = new float[0]; // the LSTM's cell gradient
        final float[] dW = new float[nIn * g];
        final float[] dRW = new float[hidden * g];
        final float[] db = new float[g];
        final float[] drb;             // the GRU's recurrent bias gradient (empty for the LSTM)

        Part(int recurrentBias) {
            drb = new float[recurrentBias];
        }

        void ensure(int rows, boolean cellGradient) {
            if (dhRec.length < rows * hidden) {
                dhRec = new float[rows * hidden];
                if (cellGradient) {
                    dcNext = new float[rows * hidden];
                }
            }
        }
    }

    RecurrentKernel(int nIn, int hidden, int gates) {
        this.nIn = nIn;
        this.hidden = hidden;
        this.g = gates * hidden;
        this.w = new float[nIn * g];
        this.bias = new float[g];
        this.rw = new float[hidden * g];
        this.wT = new float[g * nIn];
        this.rwT = new float[g * hidden];
    }

    /** Copies the shared parameters (row-major {@code W [nIn][g]}, {@code RW [H][g]}, {@code b [g]}) and their transposes. */
    final void setWeights(float[] inputWeights, float[] recurrentWeights, float[] biases) {
        System.arraycopy(inputWeights, 0, w, 0, w.length);
        System.arraycopy(recurrentWeights, 0, rw, 0, rw.length);
        System.arraycopy(biases, 0, bias, 0, g);
        transpose(w, nIn, g, wT);
        transpose(rw, hidden, g, rwT);
    }

    private static void transpose(float[] m, int rows, int cols, float[] t) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
    }

    /** Grows the variant's own per-step buffers to {@code rows} steps (the gates and outputs are grown already). */
    abstract void grow(int rows);

    /** The forward pass over rows {@code [r0, r1)}, part {@code part} of the batch. */
    abstract void forwardRows(int part, int r0, int r1);

    final void ensure(int rows) {
        if (gates.length < rows * g) {
            gates = new float[rows * g];
            out = new float[rows * hidden];
            grow(rows);
        }
    }

    final float[] run(float[] input, boolean[] mask, int batch, int steps, int threads) {
        this.batch = batch;
        this.steps = steps;
        this.x = input;
        this.on = mask;
        ensure(batch * steps);
        if (first == null || first.length < batch) {
            first = new int[batch];
            last = new int[batch];
        }
        RecurrentKernels.rowSpans(mask, batch, steps, first, last);
        RecurrentKernels.run(threads, batch, this::forwardRows);
        return out;
    }

    final boolean active(int b, int t) {
        return t >= first[b] && t <= last[b] && (on == null || on[b * steps + t]);
    }

    /**
     * The parts a backward pass of the last forward one splits its rows into, made where missing.
     *
     * @throws IllegalStateException after {@link #forwardProjected}: there is no input to differentiate
     */
    final int backwardParts(int recurrentBias) {
        if (x == null) {
            throw new IllegalStateException("backward after forwardProjected: there is no input to differentiate");
        }
        int used = RecurrentKernels.parts(batch);
        for (int p = 0; p < used; p++) {
            if (parts[p] == null) {
                parts[p] = new Part(recurrentBias);
            }
        }
        return used;
    }

    /** The weight gradients: the parts' partial sums added in part order (the same numbers on any number of threads). */
    final void sumParts(int used, float[] dW, float[] dRW, float[] db, float[] drb) {
        System.arraycopy(parts[0].dW, 0, dW, 0, dW.length);
        System.arraycopy(parts[0].dRW, 0, dRW, 0, dRW.length);
        System.arraycopy(parts[0].db, 0, db, 0, g);
        if (drb != null) {
            System.arraycopy(parts[0].drb, 0, drb, 0, hidden);
        }
        for (int p = 1; p < used; p++) {
            VectorKernels.add(dW, parts[p].dW, dW.length);
            VectorKernels.add(dRW, parts[p].dRW, dRW.length);
            VectorKernels.add(db, parts[p].db, g);
            if (drb != null) {
                VectorKernels.add(drb, parts[p].drb, hidden);
            }
        }
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
    public float[] forward(float[] input, boolean[] mask, int batch, int steps, int threads) {
        if (input == null) {
            throw new IllegalArgumentException("no input: forwardProjected runs from projections");
        }
        this.featureMajor = false;
        return run(input, mask, batch, steps, threads);
    }

    /**
     * The buffer {@link #forwardProjected} reads, {@code [batch][steps][gates·H]}, for the caller to
     * fill with each real step's {@code x·W + b}: for a first layer, rows of a projected embedding
     * table ({@link #project}). Valid until the next pass.
     */
    public final float[] projectionBuffer(int batch, int steps) {
        ensure(batch * steps);
        return gates;
    }

    /**
     * The forward pass from input projections already in {@link #projectionBuffer} (scoring only:
     * there is no backward pass after it); as {@link #forward} otherwise.
     */
    public final float[] forwardProjected(boolean[] mask, int batch, int steps, int threads) {
        if (gates.length < batch * steps * g) {
            throw new IllegalStateException("projectionBuffer(" + batch + ", " + steps + ") was not filled");
        }
        this.featureMajor = false;
        return run(null, mask, batch, steps, threads);
    }

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
