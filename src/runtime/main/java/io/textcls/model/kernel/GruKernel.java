package io.textcls.model.kernel;

import static io.textcls.model.kernel.VectorKernels.L;
import static io.textcls.model.kernel.VectorKernels.S;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * One direction of a GRU layer (PyTorch's {@code nn.GRU} equations), forward and backward over a batch, on the machinery of
 * {@link LstmKernel}: the input projection {@code X·W + b} of all steps as one product per row;
 * per step the recurrent product {@code h·RW} (its reset and update columns added to the
 * projection, its candidate columns kept with {@code rb}, as {@code r} multiplies them) and the
 * gate arithmetic; backward in reverse, the gradients overwriting the kept gates; then {@code dX},
 * {@code dW}, {@code dRW} as large products. Masked steps are skipped and give zeros, resetting the
 * state. Arrays are {@code [batch][steps][features]}; rows are split over threads. One instance per
 * layer; not for concurrent use.
 */
public final class GruKernel extends RecurrentKernel {
    private final float[] rb;  // [H]
    // gates [B][T][3H]: r, z, n; then their gradients dZ
    private float[] hn = new float[0];    // [B][T][H]: h·U_n + rb; then its gradient

    public GruKernel(int nIn, int hidden) {
        super(nIn, hidden, 3);
        this.rb = new float[hidden];
    }

    /** Sets the parameters, row-major: {@code W [nIn][3H]}, {@code RW [H][3H]}, {@code b [3H]}, {@code rb [H]}. */
    public void weights(float[] inputWeights, float[] recurrentWeights, float[] biases, float[] recurrentBias) {
        setWeights(inputWeights, recurrentWeights, biases);
        System.arraycopy(recurrentBias, 0, rb, 0, hidden);
    }

    @Override
    void grow(int rows) {
        hn = new float[rows * hidden];
    }

    @Override
    void forwardRows(int part, int r0, int r1) {
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
        int used = backwardParts(hidden);
        RecurrentKernels.run(threads, batch, (part, r0, r1) -> backwardRows(part, r0, r1, dh, dx));
        sumParts(used, dW, dRW, db, drb);
    }

    private void backwardRows(int part, int r0, int r1, float[] dh, float[] dx) {
        int T = steps, H = hidden;
        Part s = parts[part];
        s.ensure(r1 - r0, false);
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
