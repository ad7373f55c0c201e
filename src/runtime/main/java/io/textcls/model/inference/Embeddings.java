package io.textcls.model.inference;

import java.util.List;

/** Embedding-table lookups the engines share. */
final class Embeddings {
    private Embeddings() {
    }

    /** A token id, checked against the table's rows. */
    static int check(int id, int rows) {
        if (id < 0 || id >= rows) {
            throw new IllegalArgumentException("token id " + id + " outside the " + rows + "-row embedding");
        }
        return id;
    }

    /** {@code [b][t][E]}: each batch row's tokens' table rows from step 0, zero after. */
    static float[] rows(float[] table, int rows, int width, List<int[]> sequences, int[] batch, int t) {
        int b = batch.length;
        float[] x = new float[b * t * width];
        for (int r = 0; r < b; r++) {
            int[] q = sequences.get(batch[r]);
            for (int j = 0; j < q.length; j++) {
                System.arraycopy(table, check(q[j], rows) * width, x, (r * t + j) * width, width);
            }
        }
        return x;
    }
}
