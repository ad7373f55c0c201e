package io.textcls.model.dl4j;

import io.textcls.model.kernel.Layouts;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A kernel layer's copies between DL4J's {@code [B, F, T]} arrays and the kernels'
 * {@code [B][T][F]} buffers, reused from batch to batch: the layer's input and mask in, its output
 * out ('f' order, as DL4J's layers write it, so the next layer's dropout mask lands on the same
 * elements), the incoming gradient in and the input gradient out. One per layer.
 */
final class KernelBatchIo {
    private float[] x = new float[0];
    private float[] dh = new float[0];
    private float[] dx = new float[0];
    private float[] staging = new float[0];
    private boolean[] mask = new boolean[0];

    /** The input {@code [B, nIn, T]} as {@code [B][T][nIn]}. */
    float[] input(INDArray input) {
        x = btf(input, x);
        return x;
    }

    /**
     * The input {@code [B, nIn, T]} as {@code [B][nIn][T]} where it lies so in memory (a dense 'c'
     * array, as the embedding layer writes it), copied without a transpose; else null.
     */
    float[] inputFeatureMajor(INDArray input) {
        if (NativeFloats.order(input) != 'c') {
            return null;
        }
        x = NativeFloats.read(input, x);
        return x;
    }

    /** The incoming gradient {@code [B, H, T]} as {@code [B][T][H]}. */
    float[] epsilon(INDArray epsilon) {
        dh = btf(epsilon, dh);
        return dh;
    }

    private float[] btf(INDArray a, float[] into) {
        int batch = (int) a.size(0), features = (int) a.size(1), steps = (int) a.size(2);
        float[] dst = into.length >= batch * steps * features ? into : new float[batch * steps * features];
        staging = NativeFloats.read(a, staging);
        Layouts.toBtf(staging, NativeFloats.order(a), batch, features, steps, dst);
        return dst;
    }

    /** The mask {@code [B, T]} as true at real steps, or null for none. */
    boolean[] mask(INDArray maskArray, int batch, int steps) {
        if (maskArray == null) {
            return null;
        }
        float[] mk = staging = NativeFloats.readC(maskArray, staging);
        if (mask.length < batch * steps) {
            mask = new boolean[batch * steps];
        }
        for (int i = 0; i < batch * steps; i++) {
            mask[i] = mk[i] != 0f;
        }
        return mask;
    }

    /** A buffer for the input gradient {@code [B][T][nIn]}. */
    float[] inputGradient(int batch, int steps, int nIn) {
        if (dx.length < batch * steps * nIn) {
            dx = new float[batch * steps * nIn];
        }
        return dx;
    }

    /** {@code [B][T][F]} as a new {@code [B, F, T]} array of the given kind in DL4J's 'f' order. */
    INDArray write(float[] btf, int batch, int steps, int features, ArrayType kind, LayerWorkspaceMgr workspaceMgr) {
        return write(btf, batch, steps, features, kind, workspaceMgr, 'f');
    }

    /**
     * {@code [B][T][F]} as a new {@code [B, F, T]} array of the given kind in 'c' order: for an
     * input gradient into an embedding layer, which reads 'c' order along its rows.
     */
    INDArray writeC(float[] btf, int batch, int steps, int features, ArrayType kind, LayerWorkspaceMgr workspaceMgr) {
        return write(btf, batch, steps, features, kind, workspaceMgr, 'c');
    }

    private INDArray write(float[] btf, int batch, int steps, int features, ArrayType kind,
                           LayerWorkspaceMgr workspaceMgr, char order) {
        int n = batch * steps * features;
        if (staging.length < n) {
            staging = new float[n];
        }
        if (order == 'c') {
            Layouts.btfToC(btf, batch, steps, features, staging);
        } else {
            Layouts.btfToF(btf, batch, steps, features, staging);
        }
        INDArray out = workspaceMgr.createUninitialized(kind, DataType.FLOAT, new long[] {batch, features, steps}, order);
        NativeFloats.write(staging, out);
        return out;
    }

    /** Copies a parameter's gradient, row-major, into DL4J's gradient view for it and names it in {@code g}. */
    static void gradient(org.deeplearning4j.nn.gradient.Gradient g, java.util.Map<String, INDArray> views, String key,
                         float[] values) {
        INDArray view = views.get(key);
        view.assign(NativeFloats.array(values, view.shape(), 'c'));
        g.gradientForVariable().put(key, view);
    }
}
