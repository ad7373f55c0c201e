package io.textcls.model;

import io.textcls.TextclsException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * A trained network's parameters: one flat array in DL4J's parameter order of the network its
 * {@link NetworkSpec} builds (layer by layer, each layer's parameters in its own order). Immutable;
 * holds no DL4J type, so bundles and the public API can carry it.
 *
 * <p>Stored in a bundle in this binary layout (all little-endian):
 * <pre>
 * 8 bytes   magic "TCLSPAR1"
 * int32     value type: 1 = float32
 * int64     n, the number of values
 * n float32 the values
 * int32     CRC-32 of the n values' bytes
 * </pre>
 */
public final class NetworkWeights {
    static final byte[] MAGIC = "TCLSPAR1".getBytes(StandardCharsets.US_ASCII);
    static final int FLOAT32 = 1;
    private static final int HEADER = MAGIC.length + 4 + 8;

    private final float[] values;

    private NetworkWeights(float[] values) {
        this.values = values;
    }

    /** Weights holding a copy of {@code values}. */
    public static NetworkWeights of(float[] values) {
        return new NetworkWeights(values.clone());
    }

    static NetworkWeights wrap(float[] values) {
        return new NetworkWeights(values);
    }

    /** How many parameters. */
    public int size() {
        return values.length;
    }

    /** A copy of the values. */
    public float[] toArray() {
        return values.clone();
    }

    float[] values() {
        return values;
    }

    /** The stored form (see the class comment). */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(HEADER + 4 * values.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(FLOAT32).putLong(values.length);
        b.asFloatBuffer().put(values);
        b.position(HEADER + 4 * values.length);
        b.putInt((int) crc(b.array(), HEADER, 4 * values.length));
        return b.array();
    }

    /** Whether {@code bytes} begin as the stored form does (its magic). */
    public static boolean hasHeader(byte[] bytes) {
        return bytes.length >= MAGIC.length && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** Reads the stored form; {@code what} names the entry in error messages. */
    public static NetworkWeights fromBytes(byte[] bytes, String what) {
        if (bytes.length < HEADER + 4 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new TextclsException(what + " is not a textcls parameter file (no TCLSPAR1 header)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.position(MAGIC.length);
        int type = b.getInt();
        long n = b.getLong();
        if (type != FLOAT32) {
            throw new TextclsException(what + " holds value type " + type + "; this textcls reads float32 (1)");
        }
        if (n < 0 || HEADER + 4 * n + 4 != bytes.length) {
            throw new TextclsException(what + " says " + n + " values but has " + bytes.length + " bytes (expected "
                    + (HEADER + 4 * n + 4) + "): the file is truncated or corrupt");
        }
        int stored = b.getInt(HEADER + 4 * (int) n);
        if (stored != (int) crc(bytes, HEADER, 4 * (int) n)) {
            throw new TextclsException(what + ": CRC-32 of the values does not match: the file is corrupt");
        }
        float[] v = new float[(int) n];
        b.position(HEADER);
        b.asFloatBuffer().get(v);
        return new NetworkWeights(v);
    }

    private static long crc(byte[] bytes, int from, int length) {
        CRC32 c = new CRC32();
        c.update(bytes, from, length);
        return c.getValue();
    }
}
