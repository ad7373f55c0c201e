package io.textcls.model.kernel;

import static io.textcls.model.kernel.VectorKernels.L;
import static io.textcls.model.kernel.VectorKernels.S;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * One direction of an LSTM layer, forward and backward over a batch, with DL4J's arithmetic,
 * parameter layout and mask semantics, in vectorized Java.
 *
 * <p>DL4J's layout: the four column blocks of {@code W [nIn, 4H]}, {@code RW [H, 4H]} and
 * {@code b [4H]} are, in order, the cell input {@code a} (tanh), the forget gate {@code f}, the
 * output gate {@code o} and the input gate {@code i} (sigmoids); {@code c = f·c' + i·a} and
 * {@code h = o·tanh(c)}. At a masked step DL4J sets {@code h} and {@code c} to zero, so the next
 * real step starts from a zero state; here masked steps are skipped and give zeros, which is the
 * same function, and its exact gradient (DL4J's backward pass runs without the mask: where real
 * steps follow masked ones, as in the reversed half of a bidirectional layer, DL4J also sends
 * gradient into the masked steps' gates, and so into the bias).
 *
 * <p>Work: the input projection {@code X·W + b} of all steps of a row as one product; per step
 * the recurrent product {@code h·RW} over the batch rows and the gate arithmetic; backward in
 * reverse over the kept gates, the gate gradients {@code dZ} overwriting them; then {@code dX},
 * {@code dW}, {@code dRW} as large products and {@code db} as column sums. Rows are independent,
 * so a batch's rows are split over threads, each summing its own weight gradients, added in a
 * fixed order. Arrays are {@code [batch][steps][features]}, reused from batch to batch. One
 * instance per layer; not for concurrent use.
 */
public final class LstmKernel extends RecurrentKernel {
    // gates [B][T][4H]: a, f, o, i; dZ after backward
    private float[] cell = new float[0];  // [B][T][H]
    private float[] tanhC = new float[0]; // [B][T][H]

    public LstmKernel(int nIn, int hidden) {
        super(nIn, hidden, 4);
    }

    /** Sets the parameters, each row-major: {@code W [nIn][4H]}, {@code RW [H][4H]}, {@code b [4H]}. */
    public void weights(float[] inputWeights, float[] recurrentWeights, float[] biases) {
        setWeights(inputWeights, recurrentWeights, biases);
    }

    /**
     * As {@link #forward(float[], boolean[], int, int, int)}, the input either {@code [batch][steps][nIn]}
     * or, {@code featureMajor}, {@code [batch][nIn][steps]} (DL4J's 'c' order of {@code [B, nIn, T]},
     * read without a transpose: the products take it transposed, each element's chain of
     * multiply-adds the same).
     */
    public float[] forward(float[] input, boolean featureMajor, boolean[] mask, int batch, int steps, int threads) {
        if (input == null) {
            throw new IllegalArgumentException("no input: forwardProjected runs from projections");
        }
        this.featureMajor = featureMajor;
        return run(input, mask, batch, steps, threads);
    }

    @Override
    void grow(int rows) {
        cell = new float[rows * hidden];
        tanhC = new float[rows * hidden];
    }

    @Override
    void forwardRows(int part, int r0, int r1) {
        int T = steps, H = hidden;
        Arrays.fill(out, r0 * T * H, r1 * T * H, 0f);
        Arrays.fill(cell, r0 * T * H, r1 * T * H, 0f);
        for (int b = r0; b < r1 && x != null; b++) {
            if (last[b] < first[b]) {
                continue;
            }
            int q = b * T + first[b], n = last[b] - first[b] + 1;
            VectorKernels.fillRows(gates, q * g, n, g, bias, g);
            if (featureMajor) {
                VectorKernels.gemmTN(n, g, nIn, x, b * nIn * T + first[b], T, w, 0, g, gates, q * g, g);
            } else {
                VectorKernels.gemmNN(n, g, nIn, x, q * nIn, nIn, w, 0, g, gates, q * g, g);
            }
        }
        for (int t = 0; t < T; t++) {
            long span = RecurrentKernels.rowsWithPrevious(t, r0, r1, first, last);
            int lo = (int) (span >>> 32), hi = (int) span;
            if (lo <= hi) { // rows whose previous step may hold a state
                VectorKernels.gemmNN(hi - lo + 1, g, H, out, (lo * T + t - 1) * H, T * H, rw, 0, g,
                        gates, (lo * T + t) * g, T * g);
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
        int z = q * g, c = q * H, cp = (q - 1) * H;
        float[] gt = gates;
        for (int j = 0; j < hv; j += L) {
            VectorKernels.tanh(FloatVector.fromArray(S, gt, z + j)).intoArray(gt, z + j);
            VectorKernels.sigmoid(FloatVector.fromArray(S, gt, z + 3 * H + j)).intoArray(gt, z + 3 * H + j);
        }
        if (hasPrev) {
            for (int j = 0; j < hv; j += L) {
                FloatVector f = VectorKernels.sigmoid(FloatVector.fromArray(S, gt, z + H + j));
                f.intoArray(gt, z + H + j);
                FloatVector a = FloatVector.fromArray(S, gt, z + j);
                FloatVector i = FloatVector.fromArray(S, gt, z + 3 * H + j);
                f.fma(FloatVector.fromArray(S, cell, cp + j), i.mul(a)).intoArray(cell, c + j);
            }
        } else {
            for (int j = 0; j < hv; j += L) {
                VectorKernels.sigmoid(FloatVector.fromArray(S, gt, z + H + j)).intoArray(gt, z + H + j);
                FloatVector a = FloatVector.fromArray(S, gt, z + j);
                FloatVector i = FloatVector.fromArray(S, gt, z + 3 * H + j);
                i.mul(a).intoArray(cell, c + j);
            }
        }
        for (int j = 0; j < hv; j += L) {
            FloatVector o = VectorKernels.sigmoid(FloatVector.fromArray(S, gt, z + 2 * H + j));
            o.intoArray(gt, z + 2 * H + j);
            FloatVector th = VectorKernels.tanh(FloatVector.fromArray(S, cell, c + j));
            th.intoArray(tanhC, c + j);
            o.mul(th).intoArray(out, c + j);
        }
        for (int j = hv; j < H; j++) {
            float a = VectorKernels.tanh(gt[z + j]);
            float f = VectorKernels.sigmoid(gt[z + H + j]);
            float o = VectorKernels.sigmoid(gt[z + 2 * H + j]);
            float i = VectorKernels.sigmoid(gt[z + 3 * H + j]);
            gt[z + j] = a;
            gt[z + H + j] = f;
            gt[z + 2 * H + j] = o;
            gt[z + 3 * H + j] = i;
            float cv = (hasPrev ? f * cell[cp + j] : 0f) + i * a;
            cell[c + j] = cv;
            float th = VectorKernels.tanh(cv);
            tanhC[c + j] = th;
            out[c + j] = o * th;
        }
    }

    /**
     * The backward pass of the last {@link #forward}.
     *
     * @param dh the loss gradient of the outputs {@code [batch][steps][H]} (ignored at masked steps)
     * @param dx receives the input gradient {@code [batch][steps][nIn]} (zero at masked steps)
     * @param dW receives the gradient of {@code W}, row-major {@code [nIn][4H]}; {@code dRW}, {@code db} likewise
     */
    public void backward(float[] dh, float[] dx, float[] dW, float[] dRW, float[] db, int threads) {
        int used = backwardParts(0);
        RecurrentKernels.run(threads, batch, (part, r0, r1) -> backwardRows(part, r0, r1, dh, dx));
        sumParts(used, dW, dRW, db, null);
    }

    private void backwardRows(int part, int r0, int r1, float[] dh, float[] dx) {
        int T = steps, H = hidden;
        Part s = parts[part];
        s.ensure(r1 - r0, true);
        Arrays.fill(s.dhRec, 0, (r1 - r0) * H, 0f);
        Arrays.fill(s.dcNext, 0, (r1 - r0) * H, 0f);
        for (int t = T - 1; t >= 0; t--) {
            for (int b = r0; b < r1; b++) {
                int q = b * T + t, r = (b - r0) * H;
                if (active(b, t)) {
                    gatesBackward(q, r, t > 0 && active(b, t - 1), dh, s);
                } else {
                    Arrays.fill(gates, q * g, (q + 1) * g, 0f);
                    Arrays.fill(s.dcNext, r, r + H, 0f);
                }
            }
            if (t == 0) {
                break;
            }
            long span = RecurrentKernels.rowsWithPrevious(t, r0, r1, first, last);
            int lo = (int) (span >>> 32), hi = (int) span;
            Arrays.fill(s.dhRec, 0, (r1 - r0) * H, 0f);
            if (lo <= hi) {
                VectorKernels.gemmNN(hi - lo + 1, H, g, gates, (lo * T + t) * g, T * g, rwT, 0, H,
                        s.dhRec, (lo - r0) * H, H);
            }
        }
        Arrays.fill(s.dW, 0f);
        Arrays.fill(s.dRW, 0f);
        Arrays.fill(s.db, 0f);
        Arrays.fill(dx, r0 * T * nIn, r1 * T * nIn, 0f);
        for (int b = r0; b < r1; b++) {
            if (last[b] < first[b]) {
                continue;
            }
            int q = b * T + first[b], n = last[b] - first[b] + 1;
            VectorKernels.gemmNN(n, nIn, g, gates, q * g, g, wT, 0, nIn, dx, q * nIn, nIn);
            if (featureMajor) {
                VectorKernels.gemmNN(nIn, g, n, x, b * nIn * T + first[b], T, gates, q * g, g, s.dW, 0, g);
            } else {
                VectorKernels.gemmTN(nIn, g, n, x, q * nIn, nIn, gates, q * g, g, s.dW, 0, g);
            }
            VectorKernels.gemmTN(H, g, n - 1, out, q * H, H, gates, (q + 1) * g, g, s.dRW, 0, g);
            VectorKernels.columnSums(gates, q * g, n, g, g, s.db);
        }
    }

    private void gatesBackward(int q, int r, boolean hasPrev, float[] dhIn, Part s) {
        int H = hidden, hv = H - H % L;
        int z = q * g, c = q * H, cp = (q - 1) * H;
        float[] gt = gates, dhRec = s.dhRec, dcNext = s.dcNext;
        for (int j = 0; j < hv; j += L) {
            FloatVector d = FloatVector.fromArray(S, dhIn, c + j).add(FloatVector.fromArray(S, dhRec, r + j));
            FloatVector th = FloatVector.fromArray(S, tanhC, c + j);
            FloatVector o = FloatVector.fromArray(S, gt, z + 2 * H + j);
            // dzo = dh·tanh(c)·o(1-o); dc = dh·o·(1-tanh²(c)) + dc(t+1)·f(t+1)
            d.mul(th).mul(o).mul(o.neg().add(1f)).intoArray(gt, z + 2 * H + j);
            FloatVector dc = d.mul(o).mul(th.mul(th).neg().add(1f)).add(FloatVector.fromArray(S, dcNext, r + j));
            FloatVector a = FloatVector.fromArray(S, gt, z + j);
            FloatVector i = FloatVector.fromArray(S, gt, z + 3 * H + j);
            FloatVector f = FloatVector.fromArray(S, gt, z + H + j);
            dc.mul(i).mul(a.mul(a).neg().add(1f)).intoArray(gt, z + j);        // dza = dc·i·(1-a²)
            dc.mul(a).mul(i).mul(i.neg().add(1f)).intoArray(gt, z + 3 * H + j); // dzi = dc·a·i(1-i)
            dc.mul(f).intoArray(dcNext, r + j);
            if (hasPrev) { // a branch on a scalar: both paths store, no vector is chosen
                dc.mul(FloatVector.fromArray(S, cell, cp + j)).mul(f).mul(f.neg().add(1f)).intoArray(gt, z + H + j);
            } else {
                FloatVector.zero(S).intoArray(gt, z + H + j);
            }
        }
        for (int j = hv; j < H; j++) {
            float d = dhIn[c + j] + dhRec[r + j];
            float th = tanhC[c + j], o = gt[z + 2 * H + j];
            float a = gt[z + j], i = gt[z + 3 * H + j], f = gt[z + H + j];
            gt[z + 2 * H + j] = d * th * o * (1 - o);
            float dc = d * o * (1 - th * th) + dcNext[r + j];
            gt[z + j] = dc * i * (1 - a * a);
            gt[z + 3 * H + j] = dc * a * i * (1 - i);
            dcNext[r + j] = dc * f;
            gt[z + H + j] = hasPrev ? dc * cell[cp + j] * f * (1 - f) : 0f;
        }
    }
}
