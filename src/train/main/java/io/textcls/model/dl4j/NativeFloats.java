package io.textcls.model.dl4j;

import java.util.Arrays;
import org.nd4j.common.util.ArrayUtil;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Bulk copies between ND4J arrays and Java {@code float[]}s, for the layers whose arithmetic runs in
 * Java: one copy each way, in the array's own memory order where it is dense, instead of element
 * access or ND4J calls on small arrays.
 */
final class NativeFloats {
    private NativeFloats() {
    }

    /** Whether an array's buffer holds just its values, densely in its order ('c' or 'f'). */
    static boolean plain(INDArray a) {
        if (a.dataType() != DataType.FLOAT || a.isView() || a.data().length() != a.length()) {
            return false;
        }
        long[] expected = a.ordering() == 'c' ? ArrayUtil.calcStrides(a.shape()) : ArrayUtil.calcStridesFortran(a.shape());
        return Arrays.equals(a.stride(), expected);
    }

    /** The order ('c' or 'f') in which {@link #read} gives an array's values. */
    static char order(INDArray a) {
        return plain(a) ? a.ordering() : 'c';
    }

    /** An array's values in {@link #order}, in {@code buf} if it is large enough, else in a new array. */
    static float[] read(INDArray a, float[] buf) {
        INDArray p = plain(a) ? a : a.castTo(DataType.FLOAT).dup('c');
        int n = (int) a.length();
        float[] dst = buf != null && buf.length >= n ? buf : new float[n];
        p.data().asNioFloat().get(dst, 0, n);
        return dst;
    }

    /**
     * The values of a row-major array that may be a view (a parameter inside a network's flat
     * vector), read straight from its buffer where they lie together, else through a copy.
     */
    static float[] readRowMajor(INDArray a, float[] buf) {
        int n = (int) a.length();
        float[] dst = buf != null && buf.length >= n ? buf : new float[n];
        if (a.dataType() == DataType.FLOAT && a.ordering() == 'c'
                && Arrays.equals(a.stride(), ArrayUtil.calcStrides(a.shape()))) {
            a.data().asNioFloat().get((int) a.offset(), dst, 0, n);
            return dst;
        }
        return readC(a, dst);
    }

    /** An array's values in 'c' order. */
    static float[] readC(INDArray a, float[] buf) {
        return read(order(a) == 'c' ? a : a.dup('c'), buf);
    }

    /** Copies {@code dst.length()} values, in {@code dst}'s order, into a dense array (one made by ND4J's create). */
    static void write(float[] src, INDArray dst) {
        if (!plain(dst)) {
            throw new IllegalArgumentException("not a dense float array: " + dst.shapeInfoToString());
        }
        dst.data().asNioFloat().put(src, 0, (int) dst.length());
    }

    /** A new dense array holding {@code src} (in {@code order}), copied in one bulk write. */
    static INDArray array(float[] src, long[] shape, char order) {
        INDArray a = org.nd4j.linalg.factory.Nd4j.createUninitialized(DataType.FLOAT, shape, order);
        a.data().asNioFloat().put(src, 0, (int) a.length());
        return a;
    }
}
