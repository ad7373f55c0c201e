package io.textcls.model.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.TextclsException;
import io.textcls.model.Architectures;
import io.textcls.model.NetworkLayout;
import io.textcls.model.NetworkSpec;
import io.textcls.model.NetworkWeights;
import io.textcls.model.Optimization;
import io.textcls.model.dl4j.InferenceEngine;
import io.textcls.model.dl4j.Networks;
import io.textcls.model.kernel.RecurrentKernels;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The scoring runtime against DL4J's own layers for every architecture (the LSTMs against DL4J's
 * LSTM layer, the rest against the networks textcls trains), stacked or not, every pooling,
 * single- and multi-label, on batches of very different lengths; and the stored layout against
 * the parameter counts of the networks DL4J builds.
 */
public class NetworkScorerTest {
    /** Seventy documents of 1 to 60 random ids below {@code vocabulary}, every fifth of 1 to 3. */
    public static List<int[]> sequences(int vocabulary) {
        Random r = new Random(4);
        List<int[]> seqs = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            int[] s = new int[1 + r.nextInt(i % 5 == 0 ? 3 : 60)];
            for (int t = 0; t < s.length; t++) {
                s[t] = r.nextInt(vocabulary);
            }
            seqs.add(s);
        }
        return seqs;
    }

    /** The largest difference between two sets of probabilities. */
    public static double maxDifference(float[][] a, float[][] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < a[i].length; k++) {
                max = Math.max(max, Math.abs(a[i][k] - b[i][k]));
            }
        }
        return max;
    }

    /** DL4J's own network of the same weights: DL4J's LSTM and embedding layers where textcls has its own. */
    private static MultiLayerNetwork reference(NetworkSpec spec, MultiLayerNetwork net) {
        Networks.DL4J_LAYERS.set(true);
        try {
            MultiLayerNetwork ref = Networks.build(spec, new Optimization(0.01, 0, 0, 9));
            ref.setParams(net.params().dup());
            return ref;
        } finally {
            Networks.DL4J_LAYERS.set(false);
        }
    }

    private static NetworkSpec spec(String architecture, String pooling, int layers, boolean multi) {
        int hidden = architecture.startsWith("ngram") ? 64 : 20;
        double dropout = Architectures.NGRAM_NB_V1.equals(architecture) ? 0 : 0.5;
        return new NetworkSpec(architecture, 500, 24, hidden, 3, dropout, 0.0, layers, pooling == null || pooling.isEmpty() ? null : pooling,
                multi ? Boolean.TRUE : null);
    }

    @ParameterizedTest
    @CsvSource({"lstm-last.v1,,1,false", "lstm-last.v1,,2,false", "lstm-pool.v1,max,1,false",
            "lstm-pool.v1,mean,1,true", "lstm-pool.v1,maxmean,2,false", "bilstm-pool.v1,maxmean,1,false",
            "bilstm-pool.v1,max,2,false", "gru-pool.v1,maxmean,1,false", "gru-pool.v1,mean,2,true",
            "bigru-pool.v1,maxmean,1,false", "bigru-pool.v1,max,2,false", "cnn-pool.v1,max,1,false",
            "cnn-pool.v1,maxmean,2,false", "cnn-pool.v1,mean,3,true", "ngram-mean.v1,mean,1,false",
            "ngram-nb.v1,sum,1,false", "ngram-nb.v1,sum,1,true"})
    void matchesDl4jsLayers(String architecture, String pooling, int layers, boolean multi) {
        NetworkSpec spec = spec(architecture, pooling, layers, multi);
        MultiLayerNetwork net = Networks.build(spec, new Optimization(0.01, 0, 0, 9));
        Random r = new Random(3);
        float[] p = Networks.weights(net).toArray();
        boolean bag = Architectures.NGRAM_NB_V1.equals(architecture);
        for (int i = 0; i < p.length; i++) {
            // gates that matter; the bag of naive-Bayes features starts at zero
            p[i] = bag ? (float) (0.3 * r.nextGaussian()) : p[i] * 4;
        }
        net.setParams(org.nd4j.linalg.factory.Nd4j.createFromArray(p).reshape(1, p.length));
        NetworkWeights weights = Networks.weights(net);
        assertEquals(Networks.parameterCount(spec), NetworkLayout.parameterCount(spec), "stored layout's count");
        List<int[]> seqs = sequences(500);
        // DL4J does not mask between stacked convolutions: a shorter document's next layer reads the
        // padding after its end as the layer's output there, so its answer depends on its batch.
        // The runtime scores each document as DL4J does alone in its batch.
        boolean stackedConvolutions = Architectures.CNN_POOL_V1.equals(architecture) && layers > 1;
        float[][] want = InferenceEngine.of(InferenceEngine.Kind.LAYERS, spec, reference(spec, net))
                .probabilities(seqs, stackedConvolutions ? 1 : 16);
        NetworkScorer scorer = NetworkScorer.of(spec, weights);
        float[][] got = scorer.probabilities(seqs, 16);
        assertEquals(0.0, maxDifference(want, got), 2e-5, spec + ": largest probability difference");
        double spread = 0;
        for (float[] q : want) {
            spread = Math.max(spread, Math.abs(q[0] - want[0][0]));
        }
        assertTrue(spread > 1e-3, "sanity: the test network tells documents apart");
        float[][] again = scorer.probabilities(seqs, 7);
        assertEquals(0.0, maxDifference(got, again), 1e-6, "other batch sizes, same answers");
        // rows split over two threads: the same numbers
        int before = RecurrentKernels.threads();
        RecurrentKernels.setThreadsUnlessFixed(2);
        try {
            float[][] split = NetworkScorer.of(spec, weights).probabilities(seqs, 64);
            float[][] whole = scorer.probabilities(seqs, 64);
            for (int i = 0; i < got.length; i++) {
                assertArrayEquals(whole[i], split[i], "document " + i + ": two threads against one");
            }
        } finally {
            RecurrentKernels.setThreadsUnlessFixed(before);
        }
        if (Architectures.recurrent(architecture)) {
            // the projected embedding table gives each token's product to the last bit
            float[][] products = new RecurrentScorer(spec, NetworkLayout.layers(spec, weights), false)
                    .probabilities(seqs, 16);
            for (int i = 0; i < got.length; i++) {
                assertArrayEquals(products[i], got[i], "document " + i + ": table rows against per-batch products");
            }
        }
    }

    @Test
    void weightsOfAnotherSizeAreRefusedWithBothCounts() {
        NetworkSpec spec = spec("cnn-pool.v1", "max", 1, false);
        TextclsException e = assertThrows(TextclsException.class,
                () -> NetworkScorer.of(spec, NetworkWeights.of(new float[10])));
        assertTrue(e.getMessage().contains("has " + NetworkLayout.parameterCount(spec) + " parameters"), e.getMessage());
        assertTrue(e.getMessage().contains("hold 10"), e.getMessage());
    }
}
