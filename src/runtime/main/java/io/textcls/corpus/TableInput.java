package io.textcls.corpus;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * The characters of a table file, streamed: bytes counted as they are read from disk (compressed
 * bytes for a .gz file), gunzipped where the name ends in .gz, decoded as UTF-8 with every invalid
 * sequence replaced by U+FFFD (never failing on it) and its character offset kept, so a reader can
 * tell which row held it; a leading UTF-8 byte-order mark is dropped. Offsets count the characters
 * this reader has handed out (after the byte-order mark), as Commons CSV counts a record's
 * character position. {@link #readLine()} serves JSON Lines. Not thread-safe.
 */
final class TableInput extends Reader {
    private static final int BUFFER = 1 << 16;

    private final CountingStream counted;
    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    /** Bytes not yet decoded, in read mode. */
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER);
    /** Characters decoded and not yet handed out, in read mode. */
    private final CharBuffer chars = CharBuffer.allocate(BUFFER);
    private boolean inputDone;
    private boolean eof;
    /** Characters handed out so far: the offset of the next one. */
    private long delivered;
    /** Offsets of replaced sequences not yet taken, ascending: marks[head, tail). */
    private long[] marks = new long[16];
    private int head;
    private int tail;
    private IOException failure;

    private TableInput(InputStream file, boolean gzip) throws IOException {
        this.counted = new CountingStream(file);
        InputStream s = new BufferedInputStream(counted, BUFFER);
        this.in = gzip ? new GZIPInputStream(s, BUFFER) : s;
        bytes.flip();
        chars.flip();
        while (bytes.remaining() < 3 && !inputDone) {
            readBytes();
        }
        if (bytes.remaining() >= 3 && (bytes.get(0) & 0xff) == 0xEF && (bytes.get(1) & 0xff) == 0xBB
                && (bytes.get(2) & 0xff) == 0xBF) {
            bytes.position(3);
        }
    }

    /** Opens a table file: gunzipped when its name ends in .gz (any case). */
    static TableInput open(Path file) throws IOException {
        InputStream s = Files.newInputStream(file);
        try {
            return new TableInput(s, TableCorpus.isGzip(file));
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Bytes read from the file so far (compressed bytes for .gz). */
    long bytesRead() {
        return counted.count;
    }

    /** Characters handed out so far. */
    long position() {
        return delivered;
    }

    /** The I/O failure this reader last threw, if any (to tell it from a CSV syntax error). */
    IOException failure() {
        return failure;
    }

    /** How many replaced sequences lie before character offset {@code end}; they are forgotten. */
    int takeBefore(long end) {
        int n = 0;
        while (head < tail && marks[head] < end) {
            head++;
            n++;
        }
        if (head == tail) {
            head = 0;
            tail = 0;
        }
        return n;
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, chars.remaining());
        chars.get(cbuf, off, n);
        delivered += n;
        return n;
    }

    /**
     * The next line without its end (LF, CRLF or CR), or null at the end of the input. The
     * replaced sequences of the line lie before {@link #position()} when it returns.
     */
    String readLine() throws IOException {
        if (!fill()) {
            return null;
        }
        StringBuilder line = new StringBuilder();
        while (fill()) {
            int start = chars.position();
            int limit = chars.limit();
            int i = start;
            while (i < limit) {
                char c = chars.get(i);
                if (c == '\n' || c == '\r') {
                    break;
                }
                i++;
            }
            line.append(chars, 0, i - start);
            chars.position(i);
            delivered += i - start;
            if (i < limit) {
                char end = chars.get();
                delivered++;
                if (end == '\r' && fill() && chars.get(chars.position()) == '\n') {
                    chars.get();
                    delivered++;
                }
                return line.toString();
            }
        }
        return line.toString();
    }

    /** Makes characters available; false at the end of the input. */
    private boolean fill() throws IOException {
        while (!chars.hasRemaining()) {
            if (eof) {
                return false;
            }
            chars.clear();
            try {
                decode();
            } catch (IOException e) {
                failure = e;
                throw e;
            } finally {
                chars.flip();
            }
        }
        return true;
    }

    /** Decodes into the (empty, write-mode) character buffer until it is full or the input ends. */
    private void decode() throws IOException {
        while (chars.hasRemaining() && !eof) {
            CoderResult r = decoder.decode(bytes, chars, inputDone);
            if (r.isError()) {
                if (!chars.hasRemaining()) {
                    return; // the replacement goes in the next buffer; the decoder reports it again
                }
                mark(delivered + chars.position());
                chars.put('\uFFFD');
                bytes.position(bytes.position() + r.length());
            } else if (r.isOverflow()) {
                return;
            } else if (inputDone) {
                if (decoder.flush(chars).isOverflow()) {
                    return;
                }
                eof = true;
            } else {
                readBytes();
            }
        }
    }

    /** Tops up the byte buffer (read mode before and after). */
    private void readBytes() throws IOException {
        bytes.compact();
        try {
            while (bytes.hasRemaining()) {
                int n = in.read(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
                if (n < 0) {
                    inputDone = true;
                    break;
                }
                bytes.position(bytes.position() + n);
                if (n > 0) {
                    break;
                }
            }
        } catch (IOException e) {
            failure = e;
            throw e;
        } finally {
            bytes.flip();
        }
    }

    private void mark(long offset) {
        if (tail == marks.length) {
            if (head > 0) {
                System.arraycopy(marks, head, marks, 0, tail - head);
                tail -= head;
                head = 0;
            } else {
                marks = Arrays.copyOf(marks, marks.length * 2);
            }
        }
        marks[tail++] = offset;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Counts the bytes read through it. */
    private static final class CountingStream extends FilterInputStream {
        private long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }
    }
}
