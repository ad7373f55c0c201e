package io.textcls.model.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.model.NetworkSpec;
import io.textcls.model.Optimization;
import io.textcls.model.inference.NetworkScorerTest;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fused op must give the DL4J network's probabilities (float noise aside) for any lengths. */
class FusedLstmInferenceTest {
    static MultiLayerNetwork network() {
        MultiLayerNetwork net = Networks.build(NetworkSpec.lstmLast(500, 24, 20, 3, 0.5, 0.2),
                new Optimization(0.01, 0, 0, 9));
        // Initial weights are too tame to tell the gates apart; scale them up so every gate matters.
        net.params().muli(4);
        return net;
    }

    @Test
    void matchesTheDl4jNetworkOnVariableLengthBatches() {
        MultiLayerNetwork net = network();
        List<int[]> seqs = NetworkScorerTest.sequences(500);
        float[][] want = SequenceInference.probabilities(net, seqs, 3, 16);
        float[][] got = new FusedLstmInference(net).probabilities(seqs, 16);
        assertEquals(0.0, NetworkScorerTest.maxDifference(want, got), 1e-5, "largest probability difference");
    }

    @ParameterizedTest
    @CsvSource({"lstm-pool.v1,max", "lstm-pool.v1,mean", "lstm-pool.v1,maxmean", "bilstm-pool.v1,max",
            "bilstm-pool.v1,mean", "bilstm-pool.v1,maxmean"})
    void pooledNetworksMatchTheDl4jLayers(String architecture, String pooling) {
        NetworkSpec spec = new NetworkSpec(architecture, 500, 24, 20, 3, 0.5, 0.0, 1, pooling);
        assertTrue(FusedLstmInference.supports(spec));
        MultiLayerNetwork net = Networks.build(spec, new Optimization(0.01, 0, 0, 9));
        net.params().muli(4);
        List<int[]> seqs = NetworkScorerTest.sequences(500);
        float[][] want = SequenceInference.probabilities(net, seqs, 3, 16);
        float[][] got = new FusedLstmInference(net).probabilities(seqs, 16);
        assertEquals(0.0, NetworkScorerTest.maxDifference(want, got), 1e-5, pooling + ": largest probability difference");
        assertTrue(Math.abs(want[0][0] - want[1][0]) > 1e-3, "sanity: the test network tells documents apart");
        // A wrong gate order in the backward half (or anywhere) shows.
        float[][] swapped = new FusedLstmInference(net, new int[] {0, 1, 2, 3}).probabilities(seqs, 16);
        assertTrue(NetworkScorerTest.maxDifference(want, swapped) > 1e-3, pooling + ": the test network tells gate orders apart");
        // A stacked network cannot take the fused path.
        assertFalse(FusedLstmInference.supports(new NetworkSpec(architecture, 500, 24, 20, 3, 0.5, 0.0, 2, pooling)));
    }

    @Test
    void aWrongGateOrderIsCaught() {
        MultiLayerNetwork net = network();
        List<int[]> seqs = NetworkScorerTest.sequences(500);
        float[][] want = SequenceInference.probabilities(net, seqs, 3, 16);
        float[][] swapped = new FusedLstmInference(net, new int[] {0, 1, 2, 3}).probabilities(seqs, 16);
        double d = NetworkScorerTest.maxDifference(want, swapped);
        assertEquals(true, d > 1e-3, "the test network must be able to tell gate orders apart, difference " + d);
    }
}
