package io.textcls.corpus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads document files as UTF-8, never failing on bad bytes: they become U+FFFD and are counted. */
public final class TextFiles {
    /** Default cap on bytes read from one document (IMDB's longest review is under 14 KB). */
    public static final long DEFAULT_MAX_BYTES = 1L << 20;

    private TextFiles() {
    }

    /**
     * The text of a file.
     *
     * @param text the decoded text (possibly cut at {@code maxBytes})
     * @param malformed number of malformed UTF-8 sequences replaced by U+FFFD
     * @param binary true if the bytes contain NUL, which text never does: callers skip such files
     * @param truncated true if the file was longer than {@code maxBytes}
     * @param bytes bytes read
     */
    public record Content(String text, int malformed, boolean binary, boolean truncated, long bytes) {
    }

    public static Content read(Path file, long maxBytes) throws IOException {
        byte[] data;
        boolean truncated;
        try (InputStream in = Files.newInputStream(file)) {
            data = in.readNBytes((int) Math.min(maxBytes, Integer.MAX_VALUE - 16));
            truncated = in.read() != -1;
        }
        return decode(data, truncated);
    }

    /** Decodes UTF-8, replacing and counting malformed sequences. */
    public static Content decode(byte[] data, boolean truncated) {
        for (byte b : data) {
            if (b == 0) {
                return new Content("", 0, true, truncated, data.length);
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(data);
        CharBuffer out = CharBuffer.allocate(data.length + 16);
        int malformed = 0;
        while (true) {
            CoderResult r = decoder.decode(in, out, true);
            if (r.isUnderflow()) {
                break;
            }
            if (r.isError()) {
                // A cut at maxBytes may split the last character: that is not a malformed file.
                boolean cutTail = truncated && in.position() + r.length() >= data.length;
                if (!cutTail) {
                    malformed++;
                    out.put('\uFFFD');
                }
                in.position(in.position() + r.length());
            } else { // overflow cannot happen (one char per byte at most), but be safe
                CharBuffer bigger = CharBuffer.allocate(out.capacity() * 2);
                out.flip();
                bigger.put(out);
                out = bigger;
            }
        }
        decoder.flush(out);
        out.flip();
        return new Content(out.toString(), malformed, false, truncated, data.length);
    }
}
