package io.textcls.spark;

import java.io.Serializable;

/**
 * One input document on its way to a scoring task: where it is in the input ({@code file}, the
 * ordinal of its table file or 0 for a folder listing, and {@code row}, its position there), its
 * id, and a text file to read, a text in hand, or why it cannot be scored.
 */
record Item(int file, long row, String id, String path, String text, String problem) implements Serializable {
    /** The most rows per table file the sort key holds (2^40). */
    static final long MAX_ROWS = 1L << 40;

    /** The sort key: file, then row. */
    long key() {
        return ((long) file << 40) | row;
    }

    /** The chunk an item's key belongs to (the key of its first row): chunks never span two files. */
    static long chunkOf(long key, int chunk) {
        return key - (key & (MAX_ROWS - 1)) % chunk;
    }
}
