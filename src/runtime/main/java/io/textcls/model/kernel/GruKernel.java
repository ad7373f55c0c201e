package io.textcls.model.kernel;

import static io.textcls.model.kernel.VectorKernels.L;
import static io.textcls.model.kernel.VectorKernels.S;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * One direction of a {@link Gru} layer, forward and backward over a batch, on the machinery of
 * {@link LstmKernel}: the input projection {@code X·W + b} of all steps as one product per row;
 * per step the recurrent product {@code h·RW} (its reset and update columns added to the
 * projection, its candidate columns kept with {@code rb}, as {@code r} multiplies them) and the
 * gate arithmetic; backward in reverse, the gradients overwriting the kept gates; then {@code dX},
 * {@code dW}, {@code dRW} as large products. Masked steps are skipped and give zeros, resetting the
 * state. Arrays are {@code [batch][steps][features]}; rows are split over threads. One instance per
 * layer; not for concurrent use.
 */
public final class GruKernel extends RecurrentKernel {
    private final float[] rw;  // [H][3H]
    private final float[] rb;  // [H]
    private final float[] wT;  // [3H][nIn]
    private final float[] rwT; // [3H][H]

    private int batch;
    private int steps;
    private float[] x;
    private boolean[] on;
    private int[] first;
    private int[] last;
    private float[] gates = new float[0]; // [B][T][3H]: r, z, n; then their gradients dZ
    private float[] hn = new float[0];    // [B][T][H]: h·U_n + rb; then its gradient
    private float[] out = new float[0];   // [B][T][H]
    private final Part[] parts = new Part[RecurrentKernels.MAX_PARTS];

    private final class Part {
        float[] dhRec = new float[0];
        final float[] dW = new float[nIn * g];
        final float[] dRW = new float[hidden * g];
        final float[] db = new float[g];
        final float[] drb = new float[hidden];

        void ensure(int rows) {
            if (dhRec.length < rows * hidden) {
                dhRec = new float[rows * hidden];
            }
        }
    }

    public GruKernel(int nIn, int hidden) {
        super(nIn, hidden, 3);
        this.rw = new float[hidden * g];
        this.rb = new float[hidden];
        this.wT = new float[g * nIn];
        this.rwT = new float[g * hidden];
    }

    /** Sets the parameters, row-major: {@code W [nIn][3H]}, {@code RW [H][3H]}, {@code b [3H]}, {@code rb [H]}. */
    public void weights(float[] inputWeights, float[] recurrentWeights, float[] biases, float[] recurrentBias) {
        System.arraycopy(inputWeights, 0, w, 0, w.length);
        System.arraycopy(recurrentWeights, 0, rw, 0, rw.length);
        System.arraycopy(biases, 0, bias, 0, g);
        System.arraycopy(recurrentBias, 0, rb, 0, hidden);
        for (int r = 0; r < nIn; r++) {
            for (int c = 0; c < g; c++) {
                wT[c * nIn + r] = w[r * g + c];
            }
        }
        for (int r = 0; r < hidden; r++) {
            for (int c = 0; c < g; c++) {
                rwT[c * hidden + r] = rw[r * g + c];
            }
        }
    }

    /** The forward pass; see {@link LstmKernel#forward} for the arguments and the result. */
    @Override
    public float[] forward(float[] input, boolean[] mask, int batch, int steps, int threads) {
        if (input == null) {
            throw new IllegalArgumentException("no input: forwardProjected runs from projections");
        }
        return run(input, mask, batch, steps, threads);
    }

    /** As {@link LstmKernel#projectionBuffer}: {@code [batch][steps][3H]}, for each real step's {@code x·W + b}. */
    @Override
    public float[] projectionBuffer(int batch, int steps) {
        ensure(batch * steps);
        return gates;
    }

    /** As {@link LstmKernel#forwardProjected}. */
    @Override
    public float[] forwardProjected(boolean[] mask, int batch, int steps, int threads) {
        if (gates.length < batch * steps * g) {
            throw new IllegalStateException("projectionBuffer(" + batch + ", " + steps + ") was not filled");
        }
        return run(null, mask, batch, steps, threads);
    }


    private void ensure(int rows) {
        if (gates.length < rows * g) {
            gates = new float[rows * g];
            hn = new float[rows * hidden];
            out = new float[rows * hidden];
        }
    }

    private float[] run(float[] input, boolean[] mask, int batch, int steps, int threads) {
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

    private boolean active(int b, int t) {
        return t >= first[b] && t <= last[b] && (on == null || on[b * steps + t]);
    }

    private void forwardRows(int part, int r0, int r1) {
        int T = steps, H = hidden;
        Arrays.fill(out, r0 * T * H, r1 * T * H, 0f);
        for (int b = r0; b < r1; b++) {
            if (last[b] < first[b]) {
                continue;
            }
            int q = b * T + first[b], n = last[b] - first[b] + 1;
            if (x != null) {
                VectorKernels.fillRows(gates, q * g, n, g, bias, g);
                VectorKernels.gemmNN(n, g, nIn, x, q * nIn, nIn, w, 0, g, gates, q * g, g);
            }
            VectorKernels.fillRows(hn, q * H, n, H, rb, H);
        }
        for (int t = 0; t < T; t++) {
            long span = RecurrentKernels.rowsWithPrevious(t, r0, r1, first, last);
            int lo = (int) (span >>> 32), hi = (int) span;
            if (lo <= hi) {
                int rows = hi - lo + 1, h0 = (lo * T + t - 1) * H;
                VectorKernels.gemmNN(rows, 2 * H, H, out, h0, T * H, rw, 0, g, gates, (lo * T + t) * g, T * g);
                VectorKernels.gemmNN(rows, H, H, out, h0, T * H, rw, 2 * H, g, hn, (lo * T + t) * H, T * H);
            }
            for (int b = r0; b < r1; b++) {
                if (active(b, t)) {
                    gatesForward(b * T + t, t > 0 && active(b, t - 1));
                }
            }
        }
    }

    private void gatesForward(int q, boolean hasPrev) {
        int H = hidden, hv = H - H % L;
        int z0 = q * g, c = q * H, p = (q - 1) * H;
        float[] gt = gates;
        for (int j = 0; j < hv; j += L) {
            FloatVector r = VectorKernels.sigmoid(FloatVector.fromArray(S, gt, z0 + j));
            r.intoArray(gt, z0 + j);
            VectorKernels.sigmoid(FloatVector.fromArray(S, gt, z0 + H + j)).intoArray(gt, z0 + H + j);
            FloatVector pre = r.fma(FloatVector.fromArray(S, hn, c + j), FloatVector.fromArray(S, gt, z0 + 2 * H + j));
            VectorKernels.tanh(pre).intoArray(gt, z0 + 2 * H + j);
        }
        if (hasPrev) {
            for (int j = 0; j < hv; j += L) {
                FloatVector z = FloatVector.fromArray(S, gt, z0 + H + j);
                FloatVector n = FloatVector.fromArray(S, gt, z0 + 2 * H + j);
                z.fma(FloatVector.fromArray(S, out, p + j).sub(n), n).intoArray(out, c + j); // n + z·(h - n)
            }
        } else {
            for (int j = 0; j < hv; j += L) {
                FloatVector z = FloatVector.fromArray(S, gt, z0 + H + j);
                FloatVector n = FloatVector.fromArray(S, gt, z0 + 2 * H + j);
                n.sub(z.mul(n)).intoArray(out, c + j);
            }
        }
        for (int j = hv; j < H; j++) {
            float r = VectorKernels.sigmoid(gt[z0 + j]);
            float z = VectorKernels.sigmoid(gt[z0 + H + j]);
            float n = VectorKernels.tanh(gt[z0 + 2 * H + j] + r * hn[c + j]);
            gt[z0 + j] = r;
            gt[z0 + H + j] = z;
            gt[z0 + 2 * H + j] = n;
            float hp = hasPrev ? out[p + j] : 0f;
            out[c + j] = n + z * (hp - n);
        }
    }

    /**
     * The backward pass of the last {@link #forward}: {@code dRW}, {@code dW} row-major as their
     * parameters, {@code db [3H]}, {@code drb [H]}.
     */
    public void backward(float[] dh, float[] dx, float[] dW, float[] dRW, float[] db, float[] drb, int threads) {
        if (x == null) {
            throw new IllegalStateException("backward after forwardProjected: there is no input to differentiate");
        }
        int used = RecurrentKernels.parts(batch);
        for (int p = 0; p < used; p++) {
            if (parts[p] == null) {
                parts[p] = new Part();
            }
        }
        RecurrentKernels.run(threads, batch, (part, r0, r1) -> backwardRows(part, r0, r1, dh, dx));
        System.arraycopy(parts[0].dW, 0, dW, 0, dW.length);
        System.arraycopy(parts[0].dRW, 0, dRW, 0, dRW.length);
        System.arraycopy(parts[0].db, 0, db, 0, g);
        System.arraycopy(parts[0].drb, 0, drb, 0, hidden);
        for (int p = 1; p < used; p++) {
            VectorKernels.add(dW, parts[p].dW, dW.length);
            VectorKernels.add(dRW, parts[p].dRW, dRW.length);
            VectorKernels.add(db, parts[p].db, g);
            VectorKernels.add(drb, parts[p].drb, hidden);
        }
    }

    private void backwardRows(int part, int r0, int r1, float[] dh, float[] dx) {
        int T = steps, H = hidden;
        Part s = parts[part];
        s.ensure(r1 - r0);
        Arrays.fill(s.dhRec, 0, (r1 - r0) * H, 0f);
        for (int t = T - 1; t >= 0; t--) {
            for (int b = r0; b < r1; b++) {
                int q = b * T + t, r = (b - r0) * H;
                if (active(b, t)) {
                    gatesBackward(q, r, t > 0 && active(b, t - 1), dh, s.dhRec);
                } else {
                    Arrays.fill(gates, q * g, (q + 1) * g, 0f);
                    Arrays.fill(hn, q * H, (q + 1) * H, 0f);
                    Arrays.fill(s.dhRec, r, r + H, 0f);
                }
            }
            if (t == 0) {
                break;
            }
            long span = RecurrentKernels.rowsWithPrevious(t, r0, r1, first, last);
            int lo = (int) (span >>> 32), hi = (int) span;
            // dhRec already holds dh·z for each row; add [dzr, dzz]·U_rzᵀ + dhn·U_nᵀ
            if (lo <= hi) {
                int rows = hi - lo + 1;
                VectorKernels.gemmNN(rows, H, 2 * H, gates, (lo * T + t) * g, T * g, rwT, 0, H, s.dhRec, (lo - r0) * H, H);
                VectorKernels.gemmNN(rows, H, H, hn, (lo * T + t) * H, T * H, rwT, 2 * H * H, H, s.dhRec, (lo - r0) * H, H);
            }
        }
        Arrays.fill(s.dW, 0f);
        Arrays.fill(s.dRW, 0f);
        Arrays.fill(s.db, 0f);
        Arrays.fill(s.drb, 0f);
        Arrays.fill(dx, r0 * T * nIn, r1 * T * nIn, 0f);
        for (int b = r0; b < r1; b++) {
            if (last[b] < first[b]) {
                continue;
            }
            int q = b * T + first[b], n = last[b] - first[b] + 1;
            VectorKernels.gemmNN(n, nIn, g, gates, q * g, g, wT, 0, nIn, dx, q * nIn, nIn);
            VectorKernels.gemmTN(nIn, g, n, x, q * nIn, nIn, gates, q * g, g, s.dW, 0, g);
            VectorKernels.gemmTN(H, 2 * H, n - 1, out, q * H, H, gates, (q + 1) * g, g, s.dRW, 0, g);
            VectorKernels.gemmTN(H, H, n - 1, out, q * H, H, hn, (q + 1) * H, H, s.dRW, 2 * H, g);
            VectorKernels.columnSums(gates, q * g, n, g, g, s.db);
            VectorKernels.columnSums(hn, q * H, n, H, H, s.drb);
        }
    }

    /**
     * One row's step: reads {@code dh = dhIn + dhRec}, writes {@code [dzr, dzz, dzn]} over the gates,
     * {@code dhn} over {@code hn} and {@code dh·z} (the direct path to {@code h(t-1)}) into {@code dhRec}.
     */
    private void gatesBackward(int q, int r, boolean hasPrev, float[] dhIn, float[] dhRec) {
        int H = hidden, hv = H - H % L;
        int z0 = q * g, c = q * H, p = hasPrev ? (q - 1) * H : c; // without a previous step: its own row, times 0
        float keep = hasPrev ? 1f : 0f;
        float[] gt = gates;
        for (int j = 0; j < hv; j += L) {
            FloatVector d = FloatVector.fromArray(S, dhIn, c + j).add(FloatVector.fromArray(S, dhRec, r + j));
            FloatVector rr = FloatVector.fromArray(S, gt, z0 + j);
            FloatVector z = FloatVector.fromArray(S, gt, z0 + H + j);
            FloatVector n = FloatVector.fromArray(S, gt, z0 + 2 * H + j);
            FloatVector hp = FloatVector.fromArray(S, out, p + j).mul(keep);
            FloatVector dzn = d.mul(z.neg().add(1f)).mul(n.mul(n).neg().add(1f));
            FloatVector dhnV = FloatVector.fromArray(S, hn, c + j);
            dzn.mul(dhnV).mul(rr).mul(rr.neg().add(1f)).intoArray(gt, z0 + j);         // dzr = dzn·hn·r(1-r)
            d.mul(hp.sub(n)).mul(z).mul(z.neg().add(1f)).intoArray(gt, z0 + H + j);    // dzz = dh·(h'-n)·z(1-z)
            dzn.intoArray(gt, z0 + 2 * H + j);
            dzn.mul(rr).intoArray(hn, c + j);                                           // dhn = dzn·r
            d.mul(z).intoArray(dhRec, r + j);
        }
        for (int j = hv; j < H; j++) {
            float d = dhIn[c + j] + dhRec[r + j];
            float rr = gt[z0 + j], z = gt[z0 + H + j], n = gt[z0 + 2 * H + j];
            float hp = hasPrev ? out[p + j] : 0f;
            float dzn = d * (1 - z) * (1 - n * n);
            gt[z0 + j] = dzn * hn[c + j] * rr * (1 - rr);
            gt[z0 + H + j] = d * (hp - n) * z * (1 - z);
            gt[z0 + 2 * H + j] = dzn;
            hn[c + j] = dzn * rr;
            dhRec[r + j] = d * z;
        }
    }
}
