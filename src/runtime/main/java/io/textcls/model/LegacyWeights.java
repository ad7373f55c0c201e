package io.textcls.model;

import io.textcls.TextclsException;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The weights of a network saved by DL4J's {@code ModelSerializer} (bundle formats 1 and 2), read
 * in plain Java: its {@code coefficients.bin}, ND4J's binary array format, without its {@code
 * configuration.json}, whose class names are never instantiated; the spec says what the values
 * are. The format is two buffers, each a header (allocation mode and data type as
 * {@code DataOutputStream} UTF strings around a 64-bit length) and its values, big-endian: the
 * shape information (longs: rank, shape, strides, extras, element stride, order) and the values.
 */
public final class LegacyWeights {
    private LegacyWeights() {
    }

    /** The parameters in a DL4J model zip. */
    public static NetworkWeights read(byte[] modelZip) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(modelZip))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (e.getName().equals("coefficients.bin")) {
                    return NetworkWeights.wrap(coefficients(zip.readAllBytes()));
                }
            }
        }
        throw new TextclsException("no coefficients.bin in the DL4J network");
    }

    /** The values of one ND4J array in its binary format, as floats (a parameter vector: its order does not matter). */
    static float[] coefficients(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        long[] shapeInfo = longs(in, "shape information");
        int rank = (int) shapeInfo[0];
        if (rank < 0 || shapeInfo.length != 2 * rank + 4) {
            throw new TextclsException("coefficients.bin: shape information of " + shapeInfo.length
                    + " values for rank " + rank);
        }
        long elements = 1;
        for (int i = 0; i < rank; i++) {
            elements *= shapeInfo[1 + i];
        }
        for (int i = 0; i < rank; i++) {
            if (shapeInfo[1 + i] != 1 && shapeInfo[1 + i] != elements) {
                throw new TextclsException("coefficients.bin holds a matrix (shape " + java.util.Arrays.toString(
                        java.util.Arrays.copyOfRange(shapeInfo, 1, 1 + rank)) + "), not a parameter vector");
            }
        }
        in.readUTF(); // allocation mode
        long n = in.readLong();
        String type = in.readUTF();
        if (n != elements) {
            throw new TextclsException("coefficients.bin: " + n + " values for a shape of " + elements);
        }
        float[] v = new float[Math.toIntExact(n)];
        switch (type) {
            case "FLOAT" -> {
                for (int i = 0; i < v.length; i++) {
                    v[i] = in.readFloat();
                }
            }
            case "DOUBLE" -> {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) in.readDouble();
                }
            }
            default -> throw new TextclsException("coefficients.bin holds " + type
                    + " values; this textcls reads FLOAT and DOUBLE");
        }
        return v;
    }

    private static long[] longs(DataInputStream in, String what) throws IOException {
        in.readUTF(); // allocation mode
        long n = in.readLong();
        String type = in.readUTF();
        if (n < 0 || n > 64) {
            throw new TextclsException("coefficients.bin: " + what + " of " + n + " values");
        }
        long[] out = new long[(int) n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (type) {
                case "LONG" -> in.readLong();
                case "INT" -> in.readInt();
                default -> throw new TextclsException("coefficients.bin: " + what + " of type " + type);
            };
        }
        return out;
    }
}
