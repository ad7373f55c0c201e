package io.textcls.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.TestCorpora;
import io.textcls.TextclsException;
import io.textcls.TinyTraining;
import io.textcls.classifier.Prediction;
import io.textcls.classifier.TextClassifier;
import io.textcls.embed.Word2VecPretrainer;
import io.textcls.embed.WordVectors;
import io.textcls.model.Architectures;
import io.textcls.model.NetworkSpec;
import io.textcls.model.Optimization;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The issue-5 recipes end to end on the tiny three-label corpus: pooled, bidirectional, stacked, pretrained. */
class RecipesTest {
    @TempDir
    static Path dir;
    static Path data;

    @BeforeAll
    static void corpus() throws Exception {
        data = TestCorpora.write(dir.resolve("data"), 60, 1);
    }

    private static TrainingConfig tiny(String architecture, int layers, String pooling) {
        return TinyTraining.config(8).with("architecture", architecture).with("layers", String.valueOf(layers))
                .with("pooling", pooling).with("lr-schedule", "LINEAR");
    }

    private static void learnsAndReloads(TrainingConfig cfg, String name) throws Exception {
        Path bundle = dir.resolve(name + ".zip");
        TrainingResult r = TinyTraining.train(data, bundle, cfg);
        assertTrue(r.validation().accuracy() >= 0.9, name + ": validation accuracy " + r.validation().accuracy());
        TextClassifier c = TextClassifier.load(bundle);
        assertEquals(cfg.architecture(), c.spec().architecture());
        assertEquals(cfg.layers(), c.spec().layers());
        assertEquals(0.0, c.selfTestMaxDifference(), name + ": a fresh load predicts as training did");
        // Length bucketing must not change a pooled network's outputs: batch == one at a time.
        Random rnd = new Random(3);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            texts.add(TestCorpora.document(rnd, i % 3));
        }
        List<Prediction> batch = c.classifyAll(texts);
        for (int i = 0; i < texts.size(); i++) {
            float[] single = c.classify(texts.get(i)).probs();
            for (int k = 0; k < 3; k++) {
                assertEquals(single[k], batch.get(i).probs()[k], 1e-5, name + " doc " + i);
            }
        }
    }

    @Test
    void bidirectionalMaxPooling() throws Exception {
        learnsAndReloads(tiny(Architectures.BILSTM_POOL_V1, 1, "max"), "bilstm-max");
    }

    @Test
    void bidirectionalMaxAndMeanPooling() throws Exception {
        learnsAndReloads(tiny(Architectures.BILSTM_POOL_V1, 1, "maxmean"), "bilstm-maxmean");
    }

    @Test
    void stackedMeanPooling() throws Exception {
        learnsAndReloads(tiny(Architectures.LSTM_POOL_V1, 2, "mean"), "lstm2-mean");
    }

    @Test
    void stackedConvolutionsWithMaxAndMeanPooling() throws Exception {
        // Batch == one at a time also checks that padding steps reach no convolution window.
        learnsAndReloads(tiny(Architectures.CNN_POOL_V1, 2, "maxmean"), "cnn2-maxmean");
    }

    @Test
    void aFailingBatchSourceEndsTheEpochWithAnErrorInsteadOfHanging() {
        // DL4J's AsyncDataSetIterator waits forever when its source throws; the trainer must not.
        TrainingConfig cfg = tiny(Architectures.LSTM_POOL_V1, 1, "max");
        MultiLayerNetwork net = Architectures.build(new NetworkSpec(Architectures.LSTM_POOL_V1, 20, 4, 4, 2, 0, 0, 1,
                "max"), new Optimization(0.01, 0, 0, 1));
        List<int[]> seqs = new ArrayList<>();
        int[] labels = new int[40];
        for (int i = 0; i < labels.length; i++) {
            seqs.add(new int[]{2 + i % 10, 3, 4});
            labels[i] = i == 37 ? 5 : i % 2; // label 5 of 2: building that batch fails
        }
        int[] lengths = seqs.stream().mapToInt(x -> x.length).toArray();
        RuntimeException e = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> assertThrows(RuntimeException.class,
                () -> ClassifierTrainer.runEpoch(net, 1, cfg, seqs, labels, lengths, 2)));
        assertTrue(e.getMessage().contains("building a training batch failed"), e.getMessage());
    }

    @Test
    void pretrainedFrozenEmbeddingsStayAsPretrained() throws Exception {
        Path vectors = dir.resolve("vectors.txt");
        Word2VecPretrainer.Result pr = Word2VecPretrainer.run(List.of(data.resolve("good"), data.resolve("bad"),
                data.resolve("meh")), vectors, new Word2VecPretrainer.Settings(16, 3, 3, 1, 2, 0, 0.025, 1, 1), l -> { });
        assertEquals(180, pr.documents());
        WordVectors wv = WordVectors.read(vectors, null);
        assertEquals(16, wv.dimension());
        assertEquals(pr.words(), wv.vectors().size());
        assertTrue(wv.vectors().containsKey("superb") && wv.vectors().containsKey("boring"), "" + wv.vectors().keySet());

        TrainingConfig cfg = tiny(Architectures.BILSTM_POOL_V1, 1, "max").with("embedding-size", "16")
                .with("embeddings", vectors.toString()).with("freeze-embeddings", "true");
        Path bundle = dir.resolve("frozen.zip");
        TinyTraining.train(data, bundle, cfg);
        TextClassifier c = TextClassifier.load(bundle);
        MultiLayerNetwork net = io.textcls.classifier.ModelBundle.read(bundle).network();
        INDArray w = net.getLayer(0).getParam("W");
        int id = c.vocabulary().id("superb");
        INDArray want = Nd4j.createFromArray(wv.vectors().get("superb"));
        assertEquals(want, w.getRow(id).castTo(want.dataType()), "a frozen row is the pretrained vector");
    }

    @Test
    void vectorsOfTheWrongWidthAreRefused() throws Exception {
        Path vectors = dir.resolve("wide.txt");
        new WordVectors(5, new java.util.LinkedHashMap<>(java.util.Map.of("great", new float[5]))).write(vectors);
        TrainingConfig cfg = tiny(Architectures.LSTM_POOL_V1, 1, "max").with("embeddings", vectors.toString());
        TextclsException e = assertThrows(TextclsException.class,
                () -> TinyTraining.train(data, dir.resolve("wide.zip"), cfg));
        assertTrue(e.getMessage().contains("5 dimensions"), e.getMessage());
    }

    @Test
    void optionsByName() {
        TrainingConfig d = TrainingConfig.defaults();
        assertEquals(64, d.with("hidden-size", "64").hiddenSize());
        assertEquals(3, d.with("epochs", "3").maxEpochs());
        assertEquals("mean", d.with("architecture", "lstm-pool.v1").with("pooling", "mean").pooling());
        assertNull(TrainingConfig.firstRelease().pooling(), "lstm-last takes no pooling");
        TextclsException unknown = assertThrows(TextclsException.class, () -> d.with("hiden-size", "64"));
        assertTrue(unknown.getMessage().contains("hidden-size"), unknown.getMessage());
        TextclsException bad = assertThrows(TextclsException.class, () -> d.with("hidden-size", "many"));
        assertTrue(bad.getMessage().contains("hidden-size"), bad.getMessage());
        TextclsException arch = assertThrows(TextclsException.class, () -> d.with("architecture", "gru.v1"));
        assertTrue(arch.getMessage().contains("lstm-last.v1"), arch.getMessage());
    }
}
