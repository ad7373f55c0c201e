package io.textcls.model.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.layers.recurrent.BidirectionalLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * textcls's LSTM and embedding layers against DL4J's own, inside whole networks with the same parameters, masks
 * and dropout masks: outputs and every parameter's gradient, for the pooled and last-step recipes,
 * stacked layers, both directions, batches of 1 and 64 rows of very different lengths.
 */
class KernelLstmLayerTest {
    private static final int VOCAB = 60;
    private static final int EMB = 10;
    private static final int HID = 12;

    private enum Shape { POOLED, LAST, STACKED, BIDIRECTIONAL }

    private static LSTM lstm(int nIn, double retain) {
        LSTM.Builder b = new LSTM.Builder().nIn(nIn).nOut(HID).activation(Activation.TANH).dataFormat(RNNFormat.NCW);
        if (retain < 1) {
            b.dropOut(retain);
        }
        return b.build();
    }

    private static Layer recurrent(boolean kernel, Shape shape, int nIn, double retain) {
        LSTM l = lstm(nIn, retain);
        Layer layer = kernel ? KernelLstm.of(l) : l;
        if (shape != Shape.BIDIRECTIONAL) {
            return layer;
        }
        return kernel ? new KernelBidirectional(Bidirectional.Mode.CONCAT, layer)
                : new Bidirectional(Bidirectional.Mode.CONCAT, layer);
    }

    private static EmbeddingSequenceLayer embedding() {
        return new EmbeddingSequenceLayer.Builder().nIn(VOCAB).nOut(EMB).build();
    }

    static MultiLayerNetwork net(boolean kernel, Shape shape) {
        return net(kernel, shape, true);
    }

    static MultiLayerNetwork net(boolean kernel, Shape shape, boolean dropout) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(7)
                .updater(new Adam(0.01)).list()
                .layer(kernel ? KernelEmbedding.of(embedding()) : embedding())
                .layer(recurrent(kernel, shape, EMB, dropout ? 0.8 : 1.0));
        int width = shape == Shape.BIDIRECTIONAL ? 2 * HID : HID;
        if (shape == Shape.STACKED) {
            list.layer(recurrent(kernel, shape, HID, dropout ? 0.9 : 1.0));
        }
        if (shape == Shape.LAST) {
            list.layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                    .nIn(width).nOut(3).dataFormat(RNNFormat.NCW).build());
        } else {
            list.layer(new MaxMeanPooling()).layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .activation(Activation.SOFTMAX).nIn(2 * width).nOut(3).dropOut(dropout ? 0.7 : 1.0).build());
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }

    /** Rows of lengths 1 to T (right-padded), ids [b, 1, T], labels as the network reads them. */
    static DataSet batch(int rows, int steps, long seed, boolean pooled) {
        java.util.Random random = new java.util.Random(seed);
        INDArray ids = Nd4j.zeros(DataType.FLOAT, rows, 1, steps);
        INDArray mask = Nd4j.zeros(DataType.FLOAT, rows, steps);
        INDArray labels = pooled ? Nd4j.zeros(DataType.FLOAT, rows, 3) : Nd4j.zeros(DataType.FLOAT, rows, 3, steps);
        INDArray labelMask = Nd4j.zeros(DataType.FLOAT, rows, steps);
        for (int r = 0; r < rows; r++) {
            int len = r == 0 ? steps : 1 + random.nextInt(steps);
            for (int t = 0; t < len; t++) {
                ids.putScalar(new int[] {r, 0, t}, 1 + random.nextInt(VOCAB - 1));
                mask.putScalar(r, t, 1);
            }
            int y = random.nextInt(3);
            if (pooled) {
                labels.putScalar(r, y, 1);
            } else {
                labels.putScalar(new int[] {r, y, len - 1}, 1);
                labelMask.putScalar(r, len - 1, 1);
            }
        }
        return new DataSet(ids, labels, mask, pooled ? null : labelMask);
    }

    private static INDArray gradient(MultiLayerNetwork net, DataSet d) {
        Nd4j.getRandom().setSeed(99); // the same dropout masks on both sides
        net.setInput(d.getFeatures());
        net.setLabels(d.getLabels());
        net.setLayerMaskArrays(d.getFeaturesMaskArray(), d.getLabelsMaskArray());
        RnnMasks.set(net, d.getFeaturesMaskArray());
        net.computeGradientAndScore();
        return net.gradient().gradient().dup();
    }

    private static INDArray output(MultiLayerNetwork net, DataSet d) {
        RnnMasks.set(net, d.getFeaturesMaskArray());
        return net.output(d.getFeatures(), false, d.getFeaturesMaskArray(), d.getLabelsMaskArray());
    }

    /** Largest difference relative to the largest value, per parameter of the network. */
    private static void assertClose(MultiLayerNetwork layout, INDArray expected, INDArray actual, double tol,
                                    String what) {
        assertClose(layout, expected, actual, tol, what, "");
    }

    /** As above, but for the parameter named {@code skip}. */
    private static void assertClose(MultiLayerNetwork layout, INDArray expected, INDArray actual, double tol,
                                    String what, String skip) {
        expected = expected.reshape(1, expected.length());
        actual = actual.reshape(1, actual.length());
        long at = 0;
        StringBuilder failures = new StringBuilder();
        for (int i = 0; i < layout.getnLayers(); i++) {
            for (Map.Entry<String, INDArray> p : layout.getLayer(i).paramTable().entrySet()) {
                long n = p.getValue().length();
                INDArray e = expected.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(at, at + n));
                INDArray a = actual.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(at, at + n));
                double scale = Math.max(1e-12, e.amaxNumber().doubleValue());
                double diff = e.sub(a).amaxNumber().doubleValue();
                if (!(diff / scale <= tol) && !p.getKey().equals(skip)) {
                    failures.append("\n  layer ").append(i).append(' ').append(p.getKey()).append(" differs by ")
                            .append(diff).append(" against ").append(scale).append(" (relative ")
                            .append(diff / scale).append(')');
                }
                at += n;
            }
        }
        assertTrue(failures.isEmpty(), what + ":" + failures);
    }

    private static void compare(Shape shape, int rows, int steps) {
        compare(shape, rows, steps, true);
    }

    private static void compare(Shape shape, int rows, int steps, boolean dropout) {
        MultiLayerNetwork dl4j = net(false, shape, dropout);
        MultiLayerNetwork ours = net(true, shape, dropout);
        org.deeplearning4j.nn.api.Layer l1 = ours.getLayer(1);
        if (l1 instanceof BidirectionalLayer) {
            assertEquals(dl4j.params(), ours.params());
            // dropout on the halves' input: DL4J's wrapper code; none: the reversals in Java
            assertEquals(!dropout, ((KernelBidirectionalLayer) l1).runsInJava());
        } else {
            assertInstanceOf(KernelLstmLayer.class, l1);
        }
        assertInstanceOf(KernelEmbeddingLayer.class, ours.getLayer(0));
        assertEquals(dl4j.params(), ours.params(), "same initial parameters");
        boolean pooled = shape != Shape.LAST;
        for (long seed = 0; seed < 2; seed++) {
            DataSet d = batch(rows, steps, seed + 31L * rows, pooled);
            String what = shape + " batch " + rows + " seed " + seed;
            INDArray expected = output(dl4j, d), actual = output(ours, d);
            double diff = expected.sub(actual).amaxNumber().doubleValue();
            assertTrue(diff <= 1e-5, what + ": outputs differ by " + diff);
            // DL4J's backward pass runs without the mask: in the reversed half, where the padding comes
            // first, it sends gradient into the padding steps' gates and so into that half's bias "bb"
            // (ours is exact: see paddedGradientIsTheSumOfUnpaddedRows)
            assertClose(ours, gradient(dl4j, d), gradient(ours, d), 1e-5, what + " gradient",
                    shape == Shape.BIDIRECTIONAL && rows > 1 ? "bb" : "");
        }
    }

    @Test
    void pooledRecipeMatchesDl4j() {
        compare(Shape.POOLED, 1, 30);
        compare(Shape.POOLED, 64, 50);
    }

    @Test
    void lastStepRecipeMatchesDl4j() {
        compare(Shape.LAST, 1, 30);
        compare(Shape.LAST, 64, 50);
    }

    @Test
    void stackedLayersMatchDl4j() {
        compare(Shape.STACKED, 64, 40);
    }

    @Test
    void bidirectionalLayerMatchesDl4j() {
        compare(Shape.BIDIRECTIONAL, 1, 30);
        compare(Shape.BIDIRECTIONAL, 64, 50);
        compare(Shape.BIDIRECTIONAL, 1, 30, false);
        compare(Shape.BIDIRECTIONAL, 64, 50, false);
    }

    @Test
    void checkpointedBidirectionalNetworkLoadsWithTheJavaWrapper() throws Exception {
        MultiLayerNetwork net = net(true, Shape.BIDIRECTIONAL, false);
        DataSet d = batch(16, 20, 1, true);
        RnnMasks.set(net, d.getFeaturesMaskArray());
        net.fit(d);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()),
                true);
        assertTrue(((KernelBidirectionalLayer) back.getLayer(1)).runsInJava());
        assertEquals(output(net, d), output(back, d));
        RnnMasks.set(net, d.getFeaturesMaskArray());
        net.fit(d);
        RnnMasks.set(back, d.getFeaturesMaskArray());
        back.fit(d);
        assertArrayEquals(net.params().data().asFloat(), back.params().data().asFloat(),
                "a resumed network takes the same step, to the bit");
    }

    /**
     * A padded batch's gradient equals the sum of each row's own gradient computed by DL4J without
     * any padding or mask (no dropout, so the rows are comparable): the masks change nothing but
     * what the padding would.
     */
    @Test
    void paddedGradientIsTheSumOfUnpaddedRows() {
        for (Shape shape : new Shape[] {Shape.BIDIRECTIONAL, Shape.STACKED}) {
            MultiLayerNetwork ours = net(true, shape, false);
            MultiLayerNetwork dl4j = net(false, shape, false);
            int rows = 6, steps = 25;
            DataSet d = batch(rows, steps, 3, true);
            INDArray sum = null; // DL4J's gradients are sums over the batch (the updater divides)
            for (int r = 0; r < rows; r++) {
                int len = d.getFeaturesMaskArray().getRow(r).sumNumber().intValue();
                org.nd4j.linalg.indexing.INDArrayIndex[] one = {org.nd4j.linalg.indexing.NDArrayIndex.interval(r, r + 1),
                        org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, len)};
                DataSet row = new DataSet(d.getFeatures().get(one).dup(),
                        d.getLabels().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(r, r + 1),
                                org.nd4j.linalg.indexing.NDArrayIndex.all()).dup(),
                        Nd4j.ones(DataType.FLOAT, 1, len), null);
                INDArray g = gradient(dl4j, row);
                sum = sum == null ? g : sum.addi(g);
            }
            assertClose(ours, sum, gradient(ours, d), 1e-5, shape + ": padded batch against unpadded rows");
        }
    }

    @Test
    void checkpointedNetworkLoadsWithTheKernelAndTrainsOn() throws Exception {
        MultiLayerNetwork net = net(true, Shape.POOLED);
        DataSet d = batch(16, 20, 1, true);
        RnnMasks.set(net, d.getFeaturesMaskArray());
        net.fit(d);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()),
                true);
        assertInstanceOf(KernelLstmLayer.class, back.getLayer(1));
        assertEquals(output(net, d), output(back, d));
        RnnMasks.set(net, d.getFeaturesMaskArray());
        Nd4j.getRandom().setSeed(5);
        net.fit(d);
        RnnMasks.set(back, d.getFeaturesMaskArray());
        Nd4j.getRandom().setSeed(5);
        back.fit(d);
        assertArrayEquals(net.params().data().asFloat(), back.params().data().asFloat(),
                "a resumed network takes the same step, to the bit");
    }
}
