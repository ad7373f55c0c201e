package io.textcls.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.TestCorpora;
import io.textcls.TextclsException;
import io.textcls.TinyTraining;
import io.textcls.classifier.ModelBundle;
import io.textcls.classifier.Prediction;
import io.textcls.classifier.TextClassifier;
import io.textcls.embed.Word2VecPretrainer;
import io.textcls.embed.WordVectors;
import io.textcls.model.Architectures;
import io.textcls.model.NetworkSpec;
import io.textcls.model.Optimization;
import io.textcls.model.dl4j.Networks;
import io.textcls.recipe.Recipe;
import io.textcls.recipe.Recipes;
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

/** The recipes end to end on the tiny three-label corpus: pooled, bidirectional, stacked, pretrained. */
class RecipesTest {
    @TempDir
    static Path dir;
    static Path data;

    @BeforeAll
    static void corpus() throws Exception {
        data = TestCorpora.write(dir.resolve("data"), 60, 1);
    }

    private static Recipe tiny(String architecture, int layers, String pooling) {
        return TinyTraining.recipe(8, "architecture=" + architecture, "layers=" + layers, "pooling=" + pooling,
                "lr-schedule=LINEAR");
    }

    private static void learnsAndReloads(Recipe cfg, String name) throws Exception {
        Path bundle = dir.resolve(name + ".zip");
        TrainingResult r = TinyTraining.train(data, bundle, cfg);
        assertTrue(r.validation().accuracy() >= 0.9, name + ": validation accuracy " + r.validation().accuracy());
        TextClassifier c = TextClassifier.load(bundle);
        assertEquals(cfg.networks().get(0).architecture(), c.members().get(0).spec().architecture());
        assertEquals(cfg.networks().get(0).layers(), c.members().get(0).spec().layers());
        assertEquals(cfg.withTask(Recipe.SINGLE_LABEL), c.recipe().orElseThrow(),
                "the bundle stores the recipe it was trained with, its task decided by the data");
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
    void bagOfNgramsBaseline() throws Exception {
        learnsAndReloads(TinyTraining.recipe(8, "architecture=ngram-mean.v1", "hidden-size=64", "learning-rate=0.05",
                "dropout=0"), "ngram");
    }

    @Test
    void naiveBayesNgrams() throws Exception {
        // three labels: one log-count ratio per label against the other two
        learnsAndReloads(TinyTraining.recipe(8, "architecture=ngram-nb.v1", "hidden-size=64", "learning-rate=0.05",
                "dropout=0"), "ngram-nb");
    }

    @Test
    void ngramInputsAreWordIdsThenHashedPairs() {
        NetworkSpec spec = new NetworkSpec(Architectures.NGRAM_MEAN_V1, 10, 4, 7, 2, 0, 0, 1, "mean");
        int[] in = Architectures.inputIds(spec, new int[] {2, 3, 4});
        assertEquals(5, in.length);
        assertEquals(List.of(2, 3, 4), java.util.Arrays.stream(in, 0, 3).boxed().toList());
        for (int k = 3; k < 5; k++) {
            assertTrue(in[k] >= 10 && in[k] < 17, "pair ids follow the vocabulary: " + in[k]);
        }
        assertEquals(in[3], Architectures.inputIds(spec, new int[] {2, 3})[2], "a pair hashes the same anywhere");
        assertEquals(1, Architectures.inputIds(spec, new int[] {5}).length);
        assertEquals(17, Architectures.embeddingRows(spec));
        assertThrows(TextclsException.class,
                () -> new NetworkSpec(Architectures.NGRAM_MEAN_V1, 10, 4, 7, 2, 0, 0, 2, "mean"));
        assertEquals("mean", Recipes.with(Recipes.load("lstm64"), "architecture", Architectures.NGRAM_MEAN_V1)
                .networks().get(0).pooling(), "a bag of n-grams is always a mean");
    }

    @Test
    void aFailingBatchSourceEndsTheEpochWithAnErrorInsteadOfHanging() {
        // DL4J's AsyncDataSetIterator waits forever when its source throws; the trainer must not.
        Recipe cfg = tiny(Architectures.LSTM_POOL_V1, 1, "max");
        MultiLayerNetwork net = Networks.build(new NetworkSpec(Architectures.LSTM_POOL_V1, 20, 4, 4, 2, 0, 0, 1,
                "max"), new Optimization(0.01, 0, 0, 1));
        List<int[]> seqs = new ArrayList<>();
        int[] labels = new int[40];
        for (int i = 0; i < labels.length; i++) {
            seqs.add(new int[]{2 + i % 10, 3, 4});
            labels[i] = i == 37 ? 5 : i % 2; // label 5 of 2: building that batch fails
        }
        int[] lengths = seqs.stream().mapToInt(x -> x.length).toArray();
        RuntimeException e = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> assertThrows(RuntimeException.class,
                () -> NetworkTrainer.runEpoch(net, 1, cfg, cfg.networks().get(0), seqs, labels, null, lengths, 2)));
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

        Recipe cfg = Recipes.withAll(tiny(Architectures.BILSTM_POOL_V1, 1, "max"), List.of("embedding-size=16",
                "embeddings=" + vectors, "freeze-embeddings=true"));
        Path bundle = dir.resolve("frozen.zip");
        TinyTraining.train(data, bundle, cfg);
        TextClassifier c = TextClassifier.load(bundle);
        ModelBundle.Member m = c.members().get(0);
        MultiLayerNetwork net = Networks.build(m.spec(), m.weights());
        INDArray w = net.getLayer(0).getParam("W");
        int id = c.vocabulary().id("superb");
        INDArray want = Nd4j.createFromArray(wv.vectors().get("superb"));
        assertEquals(want, w.getRow(id).castTo(want.dataType()), "a frozen row is the pretrained vector");
    }

    @Test
    void theEmbeddingWidthFollowsTheVectors() throws Exception {
        Path vectors = dir.resolve("wide.txt");
        new WordVectors(5, new java.util.LinkedHashMap<>(java.util.Map.of("great", new float[5]))).write(vectors);
        Recipe cfg = Recipes.with(tiny(Architectures.LSTM_POOL_V1, 1, "max"), "embeddings", vectors.toString());
        Recipe resolved = Trainer.resolve(cfg);
        assertEquals(5, resolved.embeddings().size());
        assertEquals(vectors.toAbsolutePath().normalize().toString(), resolved.embeddings().vectors());
    }

    @Test
    void aNetworkCanHaveItsOwnWidthAndSkipTheVectors() throws Exception {
        Path vectors = dir.resolve("v16.txt");
        float[] half = new float[16];
        java.util.Arrays.fill(half, 0.5f);
        new WordVectors(16, new java.util.LinkedHashMap<>(java.util.Map.of("superb", half))).write(vectors);
        Recipe r = Recipes.withAll(Recipes.parse("""
                {"networks": [{"name": "lstm", "architecture": "lstm-pool.v1"},
                              {"name": "bag", "architecture": "ngram-mean.v1", "embeddingSize": 8, "pretrained": false}]}
                """, "test"), List.of("epochs=1", "hidden-size=8", "embeddings=" + vectors, "freeze-embeddings=true",
                "vocab-size=200", "min-count=1", "max-length=20", "validation-fraction=0.2", "min-steps=0"));
        TextClassifier c = TinyTraining.train(data, dir.resolve("mixed.zip"), r).classifier();
        ModelBundle.Member lstm = c.members().get(0);
        ModelBundle.Member bag = c.members().get(1);
        assertEquals(16, lstm.spec().embeddingSize(), "follows the vectors");
        assertEquals(8, bag.spec().embeddingSize(), "its own width");
        INDArray w = Networks.build(lstm.spec(), lstm.weights()).getLayer(0).getParam("W");
        assertEquals(Nd4j.createFromArray(half), w.getRow(c.vocabulary().id("superb")).castTo(
                org.nd4j.linalg.api.buffer.DataType.FLOAT), "the pretrained network's frozen row is the vector");
        Recipe wrong = Recipes.with(r, "networks.bag.pretrained", "true");
        TextclsException e = assertThrows(TextclsException.class, () -> Trainer.resolve(wrong));
        assertTrue(e.getMessage().contains("'bag'") && e.getMessage().contains("16-dimensional"), e.getMessage());
    }

    @Test
    void recipeFieldsByFlagOrPath() {
        Recipe d = Recipes.defaults();
        assertEquals(List.of(64, 64, 64), Recipes.with(d, "hidden-size", "64").networks().stream()
                .map(Recipe.Network::hiddenSize).toList(), "a network flag sets every network");
        assertEquals(128, Recipes.with(d, "networks.cnn.hiddenSize", "128").networks().get(1).hiddenSize());
        assertEquals(64, Recipes.with(d, "networks.cnn.hiddenSize", "128").networks().get(0).hiddenSize());
        assertEquals(0.3, Recipes.with(d, "networks.0.dropout", "0.3").networks().get(0).dropout());
        assertEquals(3, Recipes.with(d, "epochs", "3").training().epochs());
        assertEquals(3, Recipes.with(d, "training.epochs", "3").training().epochs());
        assertEquals(List.of("neg", "pos"), Recipes.with(d, "labels", "neg,pos").split().labels());
        assertEquals("mean", Recipes.with(Recipes.load("lstm64"), "pooling", "mean").networks().get(0).pooling());
        assertNull(Recipes.load("lstm").networks().get(0).pooling(), "lstm-last takes no pooling");
        assertEquals("4", Recipes.get(d, "epochs"));
        TextclsException unknown = assertThrows(TextclsException.class, () -> Recipes.with(d, "hiden-size", "64"));
        assertTrue(unknown.getMessage().contains("hiden-size"), unknown.getMessage());
        TextclsException bad = assertThrows(TextclsException.class, () -> Recipes.with(d, "hidden-size", "many"));
        assertTrue(bad.getMessage().contains("hidden-size"), bad.getMessage());
        TextclsException negative = assertThrows(TextclsException.class, () -> Recipes.with(d, "hidden-size", "-3"));
        assertTrue(negative.getMessage().contains("hidden size must be at least 1"), negative.getMessage());
        TextclsException arch = assertThrows(TextclsException.class, () -> Recipes.with(d, "architecture", "gru.v1"));
        assertTrue(arch.getMessage().contains("lstm-last.v1"), arch.getMessage());
        TextclsException net = assertThrows(TextclsException.class,
                () -> Recipes.with(d, "networks.gru.hiddenSize", "8"));
        assertTrue(net.getMessage().contains("lstm64"), net.getMessage());
    }

    @Test
    void recipeFiles() {
        Recipe partial = Recipes.parse("""
                // comments are allowed
                {"name": "mine", "training": {"epochs": 2},
                 "networks": [{"architecture": "cnn-pool.v1", "hiddenSize": 32}]}""", "test");
        assertEquals(2, partial.training().epochs());
        assertEquals(0.002, partial.training().learningRate(), "left out: the default recipe's value");
        assertEquals("net-1", partial.networks().get(0).name());
        assertEquals(Recipes.parse(Recipes.toJson(partial), "again"), partial, "printed recipes read back equal");
        TextclsException typo = assertThrows(TextclsException.class,
                () -> Recipes.parse("{\"training\": {\"epoks\": 2}}", "typo.json"));
        assertTrue(typo.getMessage().contains("typo.json") && typo.getMessage().contains("epoks"), typo.getMessage());
        TextclsException bad = assertThrows(TextclsException.class,
                () -> Recipes.parse("{\"training\": {\"epochs\": 0}}", "zero.json"));
        assertTrue(bad.getMessage().contains("zero.json") && bad.getMessage().contains("epochs"), bad.getMessage());
        for (String name : Recipes.BUILT_IN) {
            assertEquals(name, Recipes.load(name).name());
        }
        assertEquals(List.of("lstm64", "cnn", "nb"), Recipes.defaults().networks().stream().map(Recipe.Network::name)
                .toList(), "the default is the LSTM + CNN + naive-Bayes ensemble");
    }
}
