package io.textcls.encode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Orders documents so that each mini-batch holds documents of similar length: padding costs full
 * price in DL4J's LSTM (masked steps are still computed), so this turns padding into speed.
 */
public final class Bucketing {
    /** Documents per sorting window, in batches: large enough to group lengths, small enough to mix. */
    static final int WINDOW_BATCHES = 50;

    private Bucketing() {
    }

    /**
     * A training order: shuffle, sort by length inside windows of {@value #WINDOW_BATCHES}
     * batches, cut into batches, then shuffle the full batches (a
     * short one stays last, so the flattened order cuts back into the same batches). Deterministic for a given rng state.
     *
     * @return the batches, each a list of document indexes
     */
    public static List<int[]> trainingBatches(int[] lengths, int batchSize, Random rng) {
        if (lengths.length == 0) {
            return new ArrayList<>();
        }
        Integer[] idx = IntStream.range(0, lengths.length).boxed().toArray(Integer[]::new);
        Collections.shuffle(Arrays.asList(idx), rng);
        int window = batchSize * WINDOW_BATCHES;
        for (int from = 0; from < idx.length; from += window) {
            Arrays.sort(idx, from, Math.min(idx.length, from + window), Comparator.comparingInt(i -> lengths[i]));
        }
        List<int[]> batches = cut(idx, batchSize);
        // Only the last batch can be short; keep it last so a flat order cuts into the same batches.
        int[] tail = batches.get(batches.size() - 1).length < batchSize ? batches.remove(batches.size() - 1) : null;
        Collections.shuffle(batches, rng);
        if (tail != null) {
            batches.add(tail);
        }
        return batches;
    }

    /** An inference order: all documents sorted by length (stable), cut into batches. */
    public static List<int[]> inferenceBatches(int[] lengths, int batchSize) {
        Integer[] idx = IntStream.range(0, lengths.length).boxed().toArray(Integer[]::new);
        Arrays.sort(idx, Comparator.comparingInt(i -> lengths[i]));
        return cut(idx, batchSize);
    }

    private static List<int[]> cut(Integer[] idx, int batchSize) {
        List<int[]> batches = new ArrayList<>();
        for (int from = 0; from < idx.length; from += batchSize) {
            int to = Math.min(idx.length, from + batchSize);
            int[] b = new int[to - from];
            for (int i = from; i < to; i++) {
                b[i - from] = idx[i];
            }
            batches.add(b);
        }
        return batches;
    }

    /** The batches flattened into one document order. */
    public static int[] flatten(List<int[]> batches) {
        return batches.stream().flatMapToInt(Arrays::stream).toArray();
    }
}
