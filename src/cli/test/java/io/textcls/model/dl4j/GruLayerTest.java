package io.textcls.model.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.model.Architectures;
import io.textcls.model.NetworkSpec;
import io.textcls.model.Optimization;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.deeplearning4j.nn.layers.recurrent.BidirectionalLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The GRU recipes' networks (the kernel's equations and gradients are checked in
 * {@code GruKernelTest}): masks change nothing but what the padding would, both directions and
 * stacked; they learn; checkpoints load and give the same outputs.
 */
class GruLayerTest {
    private static NetworkSpec spec(String arch, int layers, double dropout) {
        return new NetworkSpec(arch, 60, 10, 12, 3, dropout, dropout, layers, NetworkSpec.MAX_MEAN);
    }

    private static INDArray gradient(MultiLayerNetwork net, DataSet d) {
        net.setInput(d.getFeatures());
        net.setLabels(d.getLabels());
        net.setLayerMaskArrays(d.getFeaturesMaskArray(), null);
        RnnMasks.set(net, d.getFeaturesMaskArray());
        net.computeGradientAndScore();
        return net.gradient().gradient().dup();
    }

    @Test
    void paddedGradientIsTheSumOfUnpaddedRows() {
        for (String arch : new String[] {Architectures.GRU_POOL_V1, Architectures.BIGRU_POOL_V1}) {
            for (int layers = 1; layers <= 2; layers++) {
                Optimization opt = new Optimization(0.01, 0, 0, 5);
                MultiLayerNetwork net = Networks.build(spec(arch, layers, 0), opt);
                org.deeplearning4j.nn.api.Layer l1 = net.getLayer(1);
                Class<?> expected = arch.equals(Architectures.GRU_POOL_V1) ? GruLayer.class : BidirectionalLayer.class;
                assertTrue(expected.isInstance(l1), arch + ": " + l1.getClass());
                int rows = 6, steps = 25;
                DataSet d = KernelLstmLayerTest.batch(rows, steps, 4, true);
                INDArray sum = null;
                for (int r = 0; r < rows; r++) {
                    int len = d.getFeaturesMaskArray().getRow(r).sumNumber().intValue();
                    INDArrayIndex[] one = {NDArrayIndex.interval(r, r + 1), NDArrayIndex.all(), NDArrayIndex.interval(0, len)};
                    DataSet row = new DataSet(d.getFeatures().get(one).dup(),
                            d.getLabels().get(NDArrayIndex.interval(r, r + 1), NDArrayIndex.all()).dup(),
                            Nd4j.ones(DataType.FLOAT, 1, len), null);
                    INDArray g = gradient(net, row);
                    sum = sum == null ? g : sum.addi(g);
                }
                INDArray padded = gradient(net, d);
                double scale = sum.amaxNumber().doubleValue();
                double diff = sum.sub(padded).amaxNumber().doubleValue();
                assertTrue(diff <= 1e-5 * scale, arch + " " + layers + " layer(s): differ by " + diff + " against " + scale);
            }
        }
    }

    @Test
    void learnsAndLoadsFromACheckpoint() throws Exception {
        MultiLayerNetwork net = Networks.build(spec(Architectures.BIGRU_POOL_V1, 1, 0.1),
                new Optimization(0.02, 1e-4, 5, 5));
        Networks.fuseUpdater(net);
        DataSet d = KernelLstmLayerTest.batch(32, 20, 9, true);
        RnnMasks.set(net, d.getFeaturesMaskArray());
        net.setInput(d.getFeatures());
        net.setLabels(d.getLabels());
        net.setLayerMaskArrays(d.getFeaturesMaskArray(), null);
        net.computeGradientAndScore();
        double before = net.score();
        for (int i = 0; i < 40; i++) {
            RnnMasks.set(net, d.getFeaturesMaskArray());
            net.fit(d);
        }
        assertTrue(net.score() < 0.5 * before, "the loss fell from " + before + " to " + net.score());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()),
                true);
        RnnMasks.set(net, d.getFeaturesMaskArray());
        INDArray expected = net.output(d.getFeatures(), false, d.getFeaturesMaskArray(), null);
        RnnMasks.set(back, d.getFeaturesMaskArray());
        assertEquals(expected, back.output(d.getFeatures(), false, d.getFeaturesMaskArray(), null));
    }
}
