package io.textcls.model.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.model.NetworkLayout;
import io.textcls.model.NetworkSpec;
import io.textcls.model.NetworkWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The plain-Java scorer (a JVM without the Vector API) against the kernels, for every architecture
 * the kernels run, on random weights and documents of very different lengths.
 */
class PlainScorerTest {
    @ParameterizedTest
    @CsvSource({"lstm-last.v1,,2", "lstm-pool.v1,maxmean,1", "bilstm-pool.v1,max,2", "gru-pool.v1,mean,2",
            "bigru-pool.v1,maxmean,1", "cnn-pool.v1,max,1", "cnn-pool.v1,maxmean,2", "ngram-mean.v1,mean,1"})
    void scoresAsTheKernels(String architecture, String pooling, int layers) {
        NetworkSpec spec = new NetworkSpec(architecture, 300, 16, architecture.startsWith("ngram") ? 64 : 12, 3, 0.0,
                0.0, layers, pooling == null || pooling.isEmpty() ? null : pooling);
        Random r = new Random(5);
        float[] values = new float[(int) NetworkLayout.parameterCount(spec)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (0.5 * r.nextGaussian());
        }
        NetworkWeights w = NetworkWeights.of(values);
        List<int[]> docs = new ArrayList<>();
        for (int d = 0; d < 40; d++) {
            int[] ids = new int[1 + r.nextInt(d % 4 == 0 ? 3 : 50)];
            for (int t = 0; t < ids.length; t++) {
                ids[t] = r.nextInt(300);
            }
            docs.add(ids);
        }
        float[][] kernels = NetworkScorer.of(spec, w).probabilities(docs, 16);
        float[][] plain = new PlainScorer(spec, NetworkLayout.layers(spec, w)).probabilities(docs, 16);
        double max = 0, spread = 0;
        for (int d = 0; d < docs.size(); d++) {
            for (int k = 0; k < 3; k++) {
                max = Math.max(max, Math.abs(kernels[d][k] - plain[d][k]));
            }
            spread = Math.max(spread, Math.abs(kernels[d][0] - kernels[0][0]));
        }
        assertEquals(0.0, max, 1e-5, spec + ": largest probability difference");
        assertTrue(spread > 1e-3, "sanity: the network tells documents apart");
    }

    @org.junit.jupiter.api.Test
    void concurrentCallsEachBorrowTheirOwnWorkspace() throws Exception {
        for (String architecture : List.of("lstm-pool.v1", "cnn-pool.v1")) {
            NetworkSpec spec = new NetworkSpec(architecture, 300, 16, 12, 3, 0.0, 0.0, 1, "maxmean");
            Random r = new Random(8);
            float[] values = new float[(int) NetworkLayout.parameterCount(spec)];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (0.5 * r.nextGaussian());
            }
            NetworkScorer scorer = NetworkScorer.of(spec, NetworkWeights.of(values));
            List<int[]> docs = new ArrayList<>();
            for (int d = 0; d < 30; d++) {
                int[] ids = new int[1 + r.nextInt(40)];
                for (int t = 0; t < ids.length; t++) {
                    ids[t] = r.nextInt(300);
                }
                docs.add(ids);
            }
            float[][] alone = scorer.probabilities(docs, 8);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<float[][]>> runs = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    runs.add(pool.submit(() -> scorer.probabilities(docs, 8)));
                }
                for (java.util.concurrent.Future<float[][]> f : runs) {
                    float[][] got = f.get();
                    for (int d = 0; d < docs.size(); d++) {
                        org.junit.jupiter.api.Assertions.assertArrayEquals(alone[d], got[d], architecture + " doc " + d);
                    }
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aSpecTooLargeForAnyBundleIsCountedNotOverflowed() {
        NetworkSpec huge = new NetworkSpec("ngram-nb.v1", 30_000, 8, 1_500_000_000, 3, 0.0, 0.0, 1, "sum");
        assertEquals(2L * (30_000L + 1_500_000_000L) * 3 + 3, NetworkLayout.parameterCount(huge));
    }
}
