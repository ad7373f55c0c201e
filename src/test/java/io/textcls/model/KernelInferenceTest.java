package io.textcls.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Java scoring engine against DL4J's own layers (for the GRU, which DL4J lacks, against the
 * network of GRU layers) for every recurrent recipe, stacked or not, on batches of very different
 * lengths.
 */
class KernelInferenceTest {
    private static MultiLayerNetwork reference(NetworkSpec spec, MultiLayerNetwork net) {
        if (!Architectures.lstm(spec.architecture())) {
            return net;
        }
        Architectures.DL4J_LAYERS.set(true);
        try {
            MultiLayerNetwork ref = Architectures.build(spec, new Optimization(0.01, 0, 0, 9));
            ref.setParams(net.params().dup());
            return ref;
        } finally {
            Architectures.DL4J_LAYERS.set(false);
        }
    }

    @ParameterizedTest
    @CsvSource({"lstm-last.v1,,1", "lstm-last.v1,,2", "lstm-pool.v1,max,1", "lstm-pool.v1,mean,1",
            "lstm-pool.v1,maxmean,2", "bilstm-pool.v1,maxmean,1", "bilstm-pool.v1,max,2", "gru-pool.v1,maxmean,1",
            "gru-pool.v1,mean,2", "bigru-pool.v1,maxmean,1", "bigru-pool.v1,max,2"})
    void matchesDl4jsLayers(String architecture, String pooling, int layers) {
        NetworkSpec spec = new NetworkSpec(architecture, 500, 24, 20, 3, 0.5, 0.0, layers, pooling);
        assertTrue(KernelInference.supports(spec));
        MultiLayerNetwork net = Architectures.build(spec, new Optimization(0.01, 0, 0, 9));
        net.params().muli(4); // gates that matter
        List<int[]> seqs = FusedLstmInferenceTest.sequences();
        MultiLayerNetwork ref = reference(spec, net);
        float[][] want = SequenceInference.probabilities(ref, seqs, 3, 16);
        float[][] got = new KernelInference(net, spec).probabilities(seqs, 16);
        assertEquals(0.0, FusedLstmInferenceTest.maxDifference(want, got), 2e-5, spec + ": largest probability difference");
        double spread = 0;
        for (float[] p : want) {
            spread = Math.max(spread, Math.abs(p[0] - want[0][0]));
        }
        assertTrue(spread > 1e-3, "sanity: the test network tells documents apart");
        float[][] again = InferenceEngine.kernel(spec, net).replica().probabilities(seqs, 7);
        assertEquals(0.0, FusedLstmInferenceTest.maxDifference(got, again), 1e-6, "other batch sizes, same answers");
        // the projected embedding table gives each token's product to the last bit
        float[][] products = new KernelInference(net, spec, false).probabilities(seqs, 16);
        for (int i = 0; i < got.length; i++) {
            assertArrayEquals(products[i], got[i], "document " + i + ": table rows against per-batch products");
        }
        // rows split over two threads: the same numbers
        float[][] whole = new KernelInference(net, spec).probabilities(seqs, 64);
        int before = RecurrentKernels.threads();
        RecurrentKernels.setThreadsUnlessFixed(2);
        try {
            float[][] split = new KernelInference(net, spec).probabilities(seqs, 64);
            for (int i = 0; i < got.length; i++) {
                assertArrayEquals(whole[i], split[i], "document " + i + ": two threads against one");
            }
        } finally {
            RecurrentKernels.setThreadsUnlessFixed(before);
        }
    }
}
