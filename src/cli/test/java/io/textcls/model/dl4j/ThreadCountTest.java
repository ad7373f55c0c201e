package io.textcls.model.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.textcls.model.Architectures;
import io.textcls.model.NetworkSpec;
import io.textcls.model.Optimization;
import io.textcls.model.kernel.RecurrentKernels;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training on one thread and on two gives the same parameters to the bit: the kernels, the
 * embedding, the pooling, the layouts and the updater all split their work so that no sum depends
 * on the split (sizes here large enough that every one of them does split).
 */
class ThreadCountTest {
    private static INDArray train(String architecture, int threads) {
        int before = RecurrentKernels.threads();
        RecurrentKernels.setThreadsUnlessFixed(threads);
        try {
            NetworkSpec spec = new NetworkSpec(architecture, 6000, 32, 32, 3, 0.3, 0.1, 1, NetworkSpec.MAX_MEAN);
            MultiLayerNetwork net = Networks.build(spec, new Optimization(0.01, 1e-4, 5, 3));
            Networks.fuseUpdater(net);
            for (int s = 0; s < 3; s++) {
                DataSet d = KernelLstmLayerTest.batch(48, 40, s, true);
                Nd4j.getRandom().setSeed(70 + s);
                RnnMasks.set(net, d.getFeaturesMaskArray());
                net.fit(d);
            }
            return net.params().dup();
        } finally {
            RecurrentKernels.setThreadsUnlessFixed(before);
        }
    }

    @Test
    void oneThreadAndTwoTrainTheSameWeights() {
        for (String arch : new String[] {Architectures.LSTM_POOL_V1, Architectures.BIGRU_POOL_V1}) {
            INDArray one = train(arch, 1);
            INDArray two = train(arch, 2);
            assertNotEquals(0.0, one.amaxNumber().doubleValue());
            assertArrayEquals(one.data().asFloat(), two.data().asFloat(), arch);
        }
    }
}
