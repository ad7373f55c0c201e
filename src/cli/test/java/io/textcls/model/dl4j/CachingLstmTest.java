package io.textcls.model.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
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

class CachingLstmTest {
    private static final int VOCAB = 50;
    private static final int T = 9;

    private static MultiLayerNetwork net(boolean caching, boolean pooled) {
        LSTM lstm = new LSTM.Builder().nIn(8).nOut(6).activation(Activation.TANH).dataFormat(RNNFormat.NCW)
                .dropOut(0.8).build();
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(7)
                .updater(new Adam(0.05)).list()
                .layer(new EmbeddingSequenceLayer.Builder().nIn(VOCAB).nOut(8).build())
                .layer(caching ? CachingLstm.of(lstm) : lstm);
        if (pooled) {
            list.layer(new MaxMeanPooling()).layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .activation(Activation.SOFTMAX).nIn(12).nOut(2).dropOut(0.7).build());
        } else {
            list.layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                    .nIn(6).nOut(2).dataFormat(RNNFormat.NCW).build());
        }
        MultiLayerConfiguration conf = list.build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** A batch of variable-length rows: ids [b, 1, T], feature mask [b, T], labels as the network reads them. */
    private static DataSet batch(int seed, boolean pooled) {
        java.util.Random random = new java.util.Random(seed);
        int b = 5;
        INDArray ids = Nd4j.zeros(DataType.FLOAT, b, 1, T);
        for (int r = 0; r < b; r++) {
            for (int t = 0; t < T; t++) {
                ids.putScalar(new int[] {r, 0, t}, 1 + random.nextInt(VOCAB - 1));
            }
        }
        INDArray mask = Nd4j.zeros(DataType.FLOAT, b, T);
        INDArray labels = pooled ? Nd4j.zeros(DataType.FLOAT, b, 2) : Nd4j.zeros(DataType.FLOAT, b, 2, T);
        INDArray labelMask = Nd4j.zeros(DataType.FLOAT, b, T);
        for (int r = 0; r < b; r++) {
            int len = 2 + (r * 3 + seed) % (T - 1);
            for (int t = 0; t < len; t++) {
                mask.putScalar(r, t, 1);
            }
            int y = (r + seed) % 2;
            if (pooled) {
                labels.putScalar(r, y, 1);
            } else {
                labels.putScalar(new int[] {r, y, len - 1}, 1);
                labelMask.putScalar(r, len - 1, 1);
            }
        }
        return new DataSet(ids, labels, mask, pooled ? null : labelMask);
    }

    private static void fit(MultiLayerNetwork net, boolean pooled) {
        Nd4j.getRandom().setSeed(99); // the same dropout masks for both networks
        for (int step = 0; step < 6; step++) {
            DataSet d = batch(step, pooled);
            if (pooled) {
                RnnMasks.set(net, d.getFeaturesMaskArray());
            }
            net.fit(d);
        }
    }

    @Test
    void trainsToTheSameParametersAsDl4jsLstm() {
        for (boolean pooled : new boolean[] {true, false}) {
            MultiLayerNetwork plain = net(false, pooled);
            MultiLayerNetwork caching = net(true, pooled);
            assertInstanceOf(CachingLstmLayer.class, caching.getLayer(1));
            assertEquals(plain.params(), caching.params(), "same initial parameters");
            INDArray before = plain.params().dup();
            fit(plain, pooled);
            fit(caching, pooled);
            assertNotEquals(before, plain.params(), "training moved the parameters");
            INDArray diff = plain.params().sub(caching.params());
            assertEquals(0.0, diff.amaxNumber().doubleValue(), 0.0, "pooled " + pooled + ": parameters differ");
        }
    }

    @Test
    void savedNetworkLoadsWithItsLayerAndGivesTheSameOutputs() throws Exception {
        MultiLayerNetwork net = net(true, true);
        fit(net, true);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), true);
        assertInstanceOf(CachingLstmLayer.class, back.getLayer(1));
        DataSet d = batch(11, true);
        RnnMasks.set(net, d.getFeaturesMaskArray());
        INDArray expected = net.output(d.getFeatures(), false, d.getFeaturesMaskArray(), null);
        RnnMasks.set(back, d.getFeaturesMaskArray());
        assertEquals(expected, back.output(d.getFeatures(), false, d.getFeaturesMaskArray(), null));
        fit(back, true); // and trains on, with the saved updater state
    }
}
