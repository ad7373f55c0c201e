package io.textcls.model.dl4j;

import io.textcls.model.Architectures;
import io.textcls.model.NetworkSpec;
import io.textcls.model.Optimization;
import io.textcls.model.inference.NetworkScorer;
import io.textcls.model.kernel.RecurrentKernels;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Run by {@code VectorApiFallbackTest} in a JVM without the Vector API module: builds and trains an
 * LSTM network twice and scores with it, printing what ran.
 */
public final class FallbackProbe {
    private FallbackProbe() {
    }

    public static void main(String[] args) {
        NetworkSpec spec = new NetworkSpec(Architectures.LSTM_POOL_V1, 60, 10, 12, 3, 0.2, 0.1, 1, NetworkSpec.MAX_MEAN);
        for (int i = 0; i < 2; i++) {
            MultiLayerNetwork net = Networks.build(spec, new Optimization(0.01, 1e-4, 5, 3));
            Networks.fuseUpdater(net);
            var d = KernelLstmLayerTest.batch(8, 12, i, true);
            RnnMasks.set(net, d.getFeaturesMaskArray());
            net.fit(d);
            System.out.println("layer=" + net.getLayer(1).getClass().getSimpleName() + " updater="
                    + net.getUpdater().getClass().getSimpleName() + " engine=" + InferenceEngine.choice(spec)
                    + " available=" + RecurrentKernels.available());
        }
        MultiLayerNetwork trained = Networks.build(spec, new Optimization(0.01, 0, 0, 3));
        List<int[]> docs = List.of(new int[] {1, 2, 3}, new int[] {4, 5});
        float[][] p = InferenceEngine.of(spec, trained).probabilities(docs, 16);
        System.out.println("scored=" + p.length);
        // the scoring runtime without the Vector API: plain Java, the same answers
        float[][] runtime = NetworkScorer.of(spec, Networks.weights(trained)).probabilities(docs, 16);
        double max = 0;
        for (int d = 0; d < docs.size(); d++) {
            for (int k = 0; k < p[d].length; k++) {
                max = Math.max(max, Math.abs(p[d][k] - runtime[d][k]));
            }
        }
        System.out.println("runtime-difference-below-1e-5=" + (max < 1e-5));
    }
}
