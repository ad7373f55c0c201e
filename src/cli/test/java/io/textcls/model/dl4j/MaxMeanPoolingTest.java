package io.textcls.model.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.MaskedReductionUtil;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class MaxMeanPoolingTest {
    private static MultiLayerNetwork net() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(12).dataType(DataType.DOUBLE)
                .updater(new NoOp()).weightInit(WeightInit.XAVIER).list()
                .layer(new LSTM.Builder().nIn(3).nOut(4).activation(Activation.TANH).dataFormat(RNNFormat.NCW).build())
                .layer(new MaxMeanPooling())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(8).nOut(2).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static INDArray mask() {
        return Nd4j.createFromArray(new double[][] {{1, 1, 1, 1, 1}, {1, 1, 0, 0, 0}, {1, 1, 1, 0, 0}});
    }

    @Test
    void forwardIsMaskedMaxThenMaskedMean() {
        MultiLayerNetwork net = net();
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 3, 5);
        INDArray mask = mask();
        INDArray h = net.feedForwardToLayer(0, x).get(1); // LSTM output [3, 4, 5]
        MaxMeanPoolingLayer pool = (MaxMeanPoolingLayer) net.getLayer(1);
        pool.setMaskArray(mask);
        pool.setInput(h, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
        INDArray out = pool.activate(false, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
        assertEquals(8, out.size(1));
        for (int r = 0; r < 3; r++) {
            int len = mask.getRow(r).sumNumber().intValue();
            for (int k = 0; k < 4; k++) {
                double max = Double.NEGATIVE_INFINITY;
                double sum = 0;
                for (int t = 0; t < len; t++) {
                    max = Math.max(max, h.getDouble(r, k, t));
                    sum += h.getDouble(r, k, t);
                }
                assertEquals(max, out.getDouble(r, k), 1e-12);
                assertEquals(sum / len, out.getDouble(r, 4 + k), 1e-12);
            }
        }
    }

    @Test
    void backwardPassesDl4jsGradientCheck() {
        MultiLayerNetwork net = net();
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 3, 5);
        INDArray y = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}, {1, 0}});
        DataType before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x)
                    .labels(y).inputMask(mask()).epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8)
                    .callEachIter(n -> RnnMasks.set(n, mask())));
            assertTrue(ok, "analytic and numeric gradients agree");
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }

    @Test
    void inputGradientEqualsDl4jsMaskedMaxPlusMean() {
        Nd4j.getRandom().setSeed(5);
        int b = 4;
        int n = 6;
        int t = 7;
        for (char order : new char[] {'c', 'f'}) {
            INDArray in = Nd4j.rand(DataType.FLOAT, b, n, t).subi(0.5).dup(order);
            // a ReLU-like tie: a whole channel at zero, whose first step gets the max's gradient
            in.get(NDArrayIndex.point(0), NDArrayIndex.point(2), NDArrayIndex.all()).assign(0);
            INDArray mask = Nd4j.createFromArray(new float[][] {
                {1, 1, 1, 1, 1, 1, 1}, {1, 1, 0, 0, 0, 0, 0}, {1, 1, 1, 1, 0, 0, 0}, {1, 0, 0, 0, 0, 0, 0}});
            INDArray eMax = Nd4j.rand(DataType.FLOAT, b, n);
            INDArray eMean = Nd4j.rand(DataType.FLOAT, b, n);
            INDArray expected = MaskedReductionUtil.maskedPoolingEpsilonTimeSeries(PoolingType.MAX, in, mask, eMax, 0)
                    .add(MaskedReductionUtil.maskedPoolingEpsilonTimeSeries(PoolingType.AVG, in, mask, eMean, 0));
            INDArray actual = MaxMeanPoolingLayer.inputGradient(in, mask, eMax, eMean);
            assertArrayEquals(expected.shape(), actual.shape());
            for (int i = 0; i < b; i++) {
                for (int c = 0; c < n; c++) {
                    for (int s = 0; s < t; s++) {
                        assertEquals(expected.getFloat(i, c, s), actual.getFloat(i, c, s), 1e-6,
                                "order " + order + " at " + i + "," + c + "," + s);
                    }
                }
            }
        }
    }

    /** The Java path of a float network against DL4J's masked pooling and its gradient, for both memory orders. */
    @Test
    void floatLayerEqualsDl4jsMaskedPooling() {
        Nd4j.getRandom().setSeed(6);
        int b = 4, n = 6, t = 7;
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .list().layer(new MaxMeanPooling()).layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX).nIn(2 * n).nOut(2).build()).build());
        net.init();
        MaxMeanPoolingLayer pool = (MaxMeanPoolingLayer) net.getLayer(0);
        org.deeplearning4j.nn.workspace.LayerWorkspaceMgr none = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        INDArray mask = Nd4j.createFromArray(new float[][] {
            {1, 1, 1, 1, 1, 1, 1}, {1, 1, 0, 0, 0, 0, 0}, {1, 1, 1, 1, 0, 0, 0}, {1, 0, 0, 0, 0, 0, 0}});
        for (char order : new char[] {'c', 'f'}) {
            INDArray in = Nd4j.rand(DataType.FLOAT, b, n, t).subi(0.5).dup(order);
            in.get(NDArrayIndex.point(0), NDArrayIndex.point(2), NDArrayIndex.all()).assign(0); // a tie
            pool.setMaskArray(mask);
            pool.setInput(in, none);
            INDArray out = pool.activate(true, none);
            INDArray max = MaskedReductionUtil.maskedPoolingTimeSeries(PoolingType.MAX, in, mask, 0, DataType.FLOAT);
            INDArray mean = MaskedReductionUtil.maskedPoolingTimeSeries(PoolingType.AVG, in, mask, 0, DataType.FLOAT);
            assertEquals(Nd4j.hstack(max, mean), out, "order " + order);
            INDArray eps = Nd4j.rand(DataType.FLOAT, b, 2 * n);
            INDArray expected = inputGradientOfDl4j(in, mask, eps, n);
            INDArray actual = pool.backpropGradient(eps, none).getSecond();
            assertEquals(order, actual.ordering(), "the gradient in the input's order");
            assertTrue(expected.equalsWithEps(actual, 1e-6), "order " + order + ": " + expected + " vs " + actual);
        }
    }

    private static INDArray inputGradientOfDl4j(INDArray in, INDArray mask, INDArray eps, int n) {
        INDArray eMax = eps.get(NDArrayIndex.all(), NDArrayIndex.interval(0, n)).dup();
        INDArray eMean = eps.get(NDArrayIndex.all(), NDArrayIndex.interval(n, 2 * n)).dup();
        return MaskedReductionUtil.maskedPoolingEpsilonTimeSeries(PoolingType.MAX, in, mask, eMax, 0)
                .add(MaskedReductionUtil.maskedPoolingEpsilonTimeSeries(PoolingType.AVG, in, mask, eMean, 0));
    }
}
