package io.textcls.model.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.TextclsException;
import io.textcls.model.Architectures;
import io.textcls.model.NetworkSpec;
import io.textcls.model.Optimization;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** The naive-Bayes n-gram bag: its features, its ratios, and its passes against a double-precision reference. */
class NgramBagTest {
    private static final int VOCAB = 10, BUCKETS = 13, K = 3;
    private static final NetworkSpec SPEC = new NetworkSpec(Architectures.NGRAM_NB_V1, VOCAB, 4, BUCKETS, K, 0, 0, 1,
            null);

    @Test
    void featuresAreDistinctWordsPairsAndTriplesAscending() {
        int[] f = Architectures.inputIds(SPEC, new int[] {2, 3, 4});
        for (int i = 1; i < f.length; i++) {
            assertTrue(f[i - 1] < f[i], "ascending and distinct: " + java.util.Arrays.toString(f));
        }
        assertEquals(List.of(2, 3, 4), java.util.Arrays.stream(f).filter(x -> x < VOCAB).boxed().toList());
        long pair = 2 * Architectures.NGRAM_HASH + 3;
        int pairId = VOCAB + (int) Math.floorMod(pair, (long) BUCKETS);
        int tripleId = VOCAB + (int) Math.floorMod(pair * Architectures.NGRAM_HASH + 4 + 1, (long) BUCKETS);
        assertTrue(java.util.Arrays.binarySearch(f, pairId) >= 0);
        assertTrue(java.util.Arrays.binarySearch(f, tripleId) >= 0);
        assertTrue(java.util.Arrays.stream(f).allMatch(x -> x < VOCAB + BUCKETS));
        // a repeated word or phrase is one feature: the bag is binary
        assertEquals(3, Architectures.inputIds(SPEC, new int[] {7, 7, 7, 7, 7}).length, "7, 7 7 and 7 7 7");
        assertArrayEquals(Architectures.inputIds(SPEC, new int[] {5, 6, 5}),
                Architectures.inputIds(SPEC, new int[] {5, 6, 5, 6, 5}), "the same words, pairs and triples");
        assertEquals(VOCAB + BUCKETS, Architectures.embeddingRows(SPEC));
        assertEquals("sum", SPEC.pooling());
        assertThrows(TextclsException.class,
                () -> new NetworkSpec(Architectures.NGRAM_NB_V1, VOCAB, 4, BUCKETS, K, 0, 0, 1, "mean"));
        assertThrows(TextclsException.class, () -> Networks.build(new NetworkSpec(Architectures.NGRAM_NB_V1,
                VOCAB, 4, BUCKETS, K, 0.5, 0, 1, null), new Optimization(0.01, 0, 0, 1)));
        assertEquals(0.0, io.textcls.recipe.Recipes.with(io.textcls.recipe.Recipes.load("ngram-nb"), "dropout", "0.3")
                .networks().get(0).dropout(), "a recipe's dropout does not reach the bag, which has no hidden layer");
    }

    @Test
    void ratiosAreSmoothedLogCountRatiosOfFeaturesInTwoDocumentsOrMore() {
        MultiLayerNetwork net = Networks.build(SPEC, new Optimization(0.01, 0, 0, 1));
        List<int[]> docs = List.of(new int[] {2, 3}, new int[] {2, 4}, new int[] {2}, new int[] {3, 5});
        int[] labels = {0, 0, 1, 2};
        assertEquals(2, Networks.setNaiveBayesRatios(net, SPEC, docs, labels), "ids 2 and 3 are in 2+ documents");
        INDArray r = net.getLayer(0).getParam(NgramBag.Params.R);
        int rows = VOCAB + BUCKETS;
        long[] features = {4, 1, 2}; // feature occurrences per label
        long all = 7;
        int[][] counts = {{2, 1, 0}, {1, 0, 1}}; // ids 2 and 3, per label
        int[] ids = {2, 3};
        for (int f = 0; f < 2; f++) {
            int df = counts[f][0] + counts[f][1] + counts[f][2];
            for (int c = 0; c < K; c++) {
                double in = (counts[f][c] + 1.0) / (features[c] + rows);
                double out = (df - counts[f][c] + 1.0) / (all - features[c] + rows);
                assertEquals(Math.log(in / out), r.getDouble(ids[f], c), 1e-6, "id " + ids[f] + " label " + c);
            }
        }
        for (int id : new int[] {4, 5, 0, rows - 1}) {
            for (int c = 0; c < K; c++) {
                assertEquals(0.0, r.getDouble(id, c), "id " + id + " is in fewer than 2 documents");
            }
        }
    }

    /** A batch of 3 documents, padded to 5 steps; the second has 2 real ids, the third 1. */
    private static DataSet batch() {
        float[][] ids = {{1, 4, 7, 11, 20}, {3, 9, 0, 0, 0}, {22, 0, 0, 0, 0}};
        float[][] mask = {{1, 1, 1, 1, 1}, {1, 1, 0, 0, 0}, {1, 0, 0, 0, 0}};
        INDArray f = Nd4j.createFromArray(ids).reshape(3, 1, 5);
        INDArray labels = Nd4j.createFromArray(new float[][] {{1, 0, 0}, {0, 0, 1}, {0, 1, 0}});
        return new DataSet(f, labels, Nd4j.createFromArray(mask), null);
    }

    private static MultiLayerNetwork randomNet() {
        MultiLayerNetwork net = Networks.build(SPEC, new Optimization(0.01, 0, 0, 1));
        Random rnd = new Random(5);
        INDArray p = net.params();
        for (long i = 0; i < p.length(); i++) {
            p.putScalar(i, (float) rnd.nextGaussian());
        }
        return net;
    }

    @Test
    void forwardAndGradientMatchAReferenceAndIgnorePadding() {
        MultiLayerNetwork net = randomNet();
        DataSet ds = batch();
        INDArray w = net.getLayer(0).getParam(NgramBag.Params.W), r = net.getLayer(0).getParam(NgramBag.Params.R);
        INDArray b = net.getLayer(0).getParam(NgramBag.Params.B);
        float[][] ids = ds.getFeatures().reshape(3, 5).toFloatMatrix(), mask = ds.getFeaturesMaskArray().toFloatMatrix();
        double[][] p = new double[3][K];
        for (int d = 0; d < 3; d++) {
            double[] s = new double[K];
            double max = Double.NEGATIVE_INFINITY, z = 0;
            for (int c = 0; c < K; c++) {
                s[c] = b.getDouble(0, c);
                for (int t = 0; t < 5; t++) {
                    if (mask[d][t] != 0) {
                        s[c] += r.getDouble((int) ids[d][t], c) * w.getDouble((int) ids[d][t], c);
                    }
                }
                max = Math.max(max, s[c]);
            }
            for (int c = 0; c < K; c++) {
                z += Math.exp(s[c] - max);
            }
            for (int c = 0; c < K; c++) {
                p[d][c] = Math.exp(s[c] - max) / z;
            }
        }
        INDArray out = net.output(ds.getFeatures(), false, ds.getFeaturesMaskArray(), null);
        for (int d = 0; d < 3; d++) {
            for (int c = 0; c < K; c++) {
                assertEquals(p[d][c], out.getDouble(d, c), 1e-5, "probability, doc " + d + " label " + c);
            }
        }
        net.setInput(ds.getFeatures());
        net.setLabels(ds.getLabels());
        net.setLayerMaskArrays(ds.getFeaturesMaskArray(), null);
        net.computeGradientAndScore();
        INDArray gw = net.gradient().getGradientFor("0_" + NgramBag.Params.W);
        INDArray gr = net.gradient().getGradientFor("0_" + NgramBag.Params.R);
        INDArray gb = net.gradient().getGradientFor("0_" + NgramBag.Params.B);
        float[][] y = ds.getLabels().toFloatMatrix();
        double[][] expected = new double[VOCAB + BUCKETS][K];
        double[] expectedBias = new double[K];
        for (int d = 0; d < 3; d++) {
            for (int c = 0; c < K; c++) {
                double e = p[d][c] - y[d][c]; // summed over the batch: DL4J's updater divides by its size
                expectedBias[c] += e;
                for (int t = 0; t < 5; t++) {
                    if (mask[d][t] != 0) {
                        expected[(int) ids[d][t]][c] += e * r.getDouble((int) ids[d][t], c);
                    }
                }
            }
        }
        for (int j = 0; j < VOCAB + BUCKETS; j++) {
            for (int c = 0; c < K; c++) {
                assertEquals(expected[j][c], gw.getDouble(j, c), 1e-5, "dW row " + j + " label " + c);
                assertEquals(0.0, gr.getDouble(j, c), "the ratios get no gradient");
            }
        }
        for (int c = 0; c < K; c++) {
            assertEquals(expectedBias[c], gb.getDouble(0, c), 1e-5, "db " + c);
        }
        assertEquals(0.0, gw.getRow(0).norm1Number().doubleValue(), "padding id 0 gets no gradient");
    }

    @Test
    void theJavaEngineScoresAsDl4jsLayers() {
        MultiLayerNetwork net = randomNet();
        assertEquals(InferenceEngine.Kind.RUNTIME, InferenceEngine.choice(SPEC));
        Random rnd = new Random(9);
        List<int[]> docs = new java.util.ArrayList<>();
        for (int d = 0; d < 70; d++) {
            int[] ids = new int[1 + rnd.nextInt(d % 7 == 0 ? 40 : 6)];
            for (int t = 0; t < ids.length; t++) {
                ids[t] = 2 + rnd.nextInt(VOCAB - 2);
            }
            docs.add(ids);
        }
        float[][] java = InferenceEngine.of(SPEC, net).probabilities(docs, 16);
        float[][] dl4j = InferenceEngine.of(InferenceEngine.Kind.LAYERS, SPEC, net).probabilities(docs, 16);
        for (int d = 0; d < docs.size(); d++) {
            for (int c = 0; c < K; c++) {
                assertEquals(dl4j[d][c], java[d][c], 1e-6, "doc " + d + " label " + c);
            }
        }
    }

    @Test
    void trainingMovesTheWeightsAndNeverTheRatios() {
        MultiLayerNetwork net = Networks.build(SPEC, new Optimization(0.05, 0.1, 5.0, 1));
        Networks.fuseUpdater(net);
        List<int[]> docs = List.of(new int[] {1, 4, 7, 11, 20}, new int[] {3, 9}, new int[] {22});
        Networks.setNaiveBayesRatios(net, SPEC, List.of(docs.get(0), docs.get(0), docs.get(1), docs.get(1)),
                new int[] {0, 1, 2, 0});
        INDArray r0 = net.getLayer(0).getParam(NgramBag.Params.R).dup();
        INDArray w0 = net.getLayer(0).getParam(NgramBag.Params.W).dup();
        assertNotEquals(0.0, r0.norm1Number().doubleValue());
        DataSet ds = batch();
        for (int i = 0; i < 5; i++) {
            net.fit(ds);
        }
        assertEquals(r0, net.getLayer(0).getParam(NgramBag.Params.R), "ratios stay frozen (no update, no decay)");
        assertNotEquals(w0, net.getLayer(0).getParam(NgramBag.Params.W));
        assertEquals(DataType.FLOAT, net.params().dataType());
    }
}
