package io.textcls.model.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.model.Architectures;
import io.textcls.model.NetworkSpec;
import io.textcls.model.Optimization;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fused updater against DL4J's: the same parameters and Adam state after several steps of
 * every recipe's optimizer settings (clipping that does and does not bite, weight decay, a
 * learning-rate schedule, frozen embeddings), and checkpoints that load into either.
 */
class FusedAdamUpdaterTest {
    private static final int VOCAB = 500;

    private static NetworkSpec spec(String architecture) {
        return new NetworkSpec(architecture, VOCAB, 16, 12, 3, 0.2, 0.1, 1, NetworkSpec.MAX_MEAN);
    }

    private static void train(MultiLayerNetwork net, int steps) {
        for (int s = 0; s < steps; s++) {
            DataSet d = KernelLstmLayerTest.batch(8, 15, s, true);
            Nd4j.getRandom().setSeed(40 + s);
            RnnMasks.set(net, d.getFeaturesMaskArray());
            net.fit(d);
        }
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double scale = expected.amaxNumber().doubleValue();
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        // float rounding: DL4J divides, then scales in two roundings, here in one; Adam's m/√v
        // magnifies the difference where a moment is near zero (tiny clipped gradients)
        assertTrue(diff <= 1e-4 * scale, what + ": differ by " + diff + " against " + scale);
    }

    @Test
    void takesDl4jsStepsForEveryRecipeSetting() {
        List<Optimization> settings = List.of(
                new Optimization(0.01, 1e-4, 5.0, 3, Optimization.Schedule.LINEAR, 20, false),
                new Optimization(0.05, 0, 0.01, 3, Optimization.Schedule.CONSTANT, 0, false), // clipping bites
                new Optimization(0.01, 1e-3, 0, 3, Optimization.Schedule.STEP, 20, true));   // frozen embedding
        for (Optimization opt : settings) {
            for (String arch : new String[] {Architectures.LSTM_POOL_V1, Architectures.CNN_POOL_V1}) {
                MultiLayerNetwork dl4j = Networks.build(spec(arch), opt);
                MultiLayerNetwork fused = Networks.build(spec(arch), opt);
                Networks.fuseUpdater(fused);
                assertInstanceOf(FusedAdamUpdater.class, fused.getUpdater());
                INDArray before = dl4j.params().dup();
                train(dl4j, 6);
                train(fused, 6);
                assertNotEquals(before, dl4j.params());
                assertEquals(6, ((FusedAdamUpdater) fused.getUpdater()).fusedSteps, "the fused pass ran");
                String what = arch + " " + opt;
                assertClose(dl4j.params(), fused.params(), what + " parameters");
                assertClose(dl4j.getUpdater().getStateViewArray(), fused.getUpdater().getStateViewArray(),
                        what + " Adam state");
            }
        }
    }

    @Test
    void checkpointsLoadAndResumeTheSameWay() throws Exception {
        Optimization opt = new Optimization(0.01, 1e-4, 5.0, 3, Optimization.Schedule.LINEAR, 20, false);
        MultiLayerNetwork net = Networks.build(spec(Architectures.LSTM_POOL_V1), opt);
        Networks.fuseUpdater(net);
        train(net, 3);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()),
                true);
        assertInstanceOf(MultiLayerUpdater.class, back.getUpdater());
        assertEquals(net.getUpdater().getStateViewArray(), back.getUpdater().getStateViewArray());
        Networks.fuseUpdater(back);
        assertEquals(net.getUpdater().getStateViewArray(), back.getUpdater().getStateViewArray(), "state kept");
        train(net, 2);
        train(back, 2);
        assertArrayEquals(net.params().data().asFloat(), back.params().data().asFloat(),
                "a resumed network takes the same steps, to the bit");
    }
}
