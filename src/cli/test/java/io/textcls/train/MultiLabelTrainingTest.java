package io.textcls.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.textcls.MultiLabelCorpora;
import io.textcls.TestCorpora;
import io.textcls.TextclsException;
import io.textcls.TinyTraining;
import io.textcls.classifier.EnsembleWeights;
import io.textcls.classifier.EpochStats;
import io.textcls.classifier.ModelBundle;
import io.textcls.classifier.MultiLabelDecision;
import io.textcls.classifier.Prediction;
import io.textcls.classifier.TextClassifier;
import io.textcls.corpus.DocumentGroups;
import io.textcls.corpus.TableColumns;
import io.textcls.corpus.TokenizedDocument;
import io.textcls.metrics.EvaluationReport;
import io.textcls.recipe.Recipe;
import io.textcls.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-label training through the Java API, on a synthetic corpus whose labels are learnable from
 * its words: task detection, the bundle (format 5, thresholds), label sets, save and load,
 * batches, JSONL against CSV, the wide format, and single-label tables beside it.
 */
class MultiLabelTrainingTest {
    static final int EPOCHS = 8;
    /** Clear documents and the label sets they should get (SORTED order: money, sport, weather). */
    static final String[][] CLEAR = {
        {"the team and the coach of the league match today", "sport"},
        {"the bank said the market price and profit of stocks", "money"},
        {"the forecast said rain and wind and snow in the city", "weather"},
        {"the team coach said the bank loan and the league profit", "money|sport"},
        {"the storm and rain hit the market price of stocks today", "money|weather"},
        {"a striker and a goal in the snow and the sunny forecast", "sport|weather"},
    };

    @TempDir
    static Path dir;
    static List<MultiLabelCorpora.Doc> docs;
    static Path jsonl;
    static Path csv;
    static Path bundle;
    static Path csvBundle;
    static TrainingResult result;
    static TrainingResult csvResult;

    static Recipe recipe(int epochs, String... more) {
        List<String> overrides = new ArrayList<>(List.of("networks.0.architecture=lstm-pool.v1"));
        overrides.addAll(List.of(more));
        return TinyTraining.recipe(epochs, overrides.toArray(String[]::new));
    }

    @BeforeAll
    static void train() throws Exception {
        docs = MultiLabelCorpora.documents(400, 11);
        jsonl = MultiLabelCorpora.write(dir.resolve("train.jsonl"), MultiLabelCorpora.jsonlTable(docs));
        csv = MultiLabelCorpora.write(dir.resolve("train.csv"), MultiLabelCorpora.csvTable(docs));
        bundle = dir.resolve("ml.zip");
        csvBundle = dir.resolve("ml-csv.zip");
        assertEquals(Recipe.AUTO_TASK, recipe(EPOCHS).task());
        result = TinyTraining.train(jsonl, bundle, recipe(EPOCHS));
        csvResult = TinyTraining.train(csv, csvBundle, recipe(EPOCHS));
    }

    static List<String> labelsOf(String joined) {
        return List.of(joined.split("\\|"));
    }

    static JsonNode manifest(Path zip) throws IOException {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            return Json.MAPPER.readTree(z.getInputStream(z.getEntry(ModelBundle.MANIFEST)));
        }
    }

    static boolean hasEntry(Path zip, String name) throws IOException {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            return z.getEntry(name) != null;
        }
    }

    static List<String> someTexts(int n, long seed) {
        Random r = new Random(seed);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Integer> set = new ArrayList<>();
            for (int l = 0; l < 3; l++) {
                if (r.nextInt(3) == 0) {
                    set.add(l);
                }
            }
            texts.add(MultiLabelCorpora.text(r, set));
        }
        return texts;
    }

    static void assertSamePredictions(List<Prediction> want, List<Prediction> got, double delta) {
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i).predictedLabels(), got.get(i).predictedLabels(), "doc " + i);
            assertEquals(want.get(i).label(), got.get(i).label(), "doc " + i);
            assertTrue(got.get(i).multiLabel(), "doc " + i);
            if (delta == 0) {
                assertArrayEquals(want.get(i).probs(), got.get(i).probs(), "doc " + i);
            } else {
                assertArrayEquals(want.get(i).probs(), got.get(i).probs(), (float) delta, "doc " + i);
            }
        }
    }

    @Test
    void theTaskIsDetectedAsMultiLabelFromTheData() {
        TextClassifier c = TextClassifier.load(bundle);
        assertEquals(Recipe.MULTI_LABEL, result.classifier().recipe().orElseThrow().task());
        assertEquals(Recipe.MULTI_LABEL, c.recipe().orElseThrow().task());
        assertEquals(Recipe.MULTI_LABEL, c.card().corpus().task(), c.card().corpus().toString());
        assertEquals(MultiLabelCorpora.SORTED, c.labels().names());
        assertTrue(result.validation().multiLabel(), "the validation report is multi-label");
        for (ModelBundle.Member m : c.members()) {
            assertTrue(m.spec().sigmoid(), "network " + m.name() + " ends in one sigmoid per label");
            assertEquals(Boolean.TRUE, m.spec().multiLabel());
        }
    }

    @Test
    void theBundleIsFormat5WithAThresholdForEveryLabel() throws Exception {
        assertEquals(5, manifest(bundle).path("formatVersion").asInt(), manifest(bundle).toString());
        assertTrue(hasEntry(bundle, ModelBundle.MULTI_LABEL), "multilabel.json in the bundle");
        assertFalse(hasEntry(bundle, ModelBundle.CALIBRATION), "no temperature for sigmoids");
        TextClassifier c = TextClassifier.load(bundle);
        assertTrue(c.multiLabel());
        MultiLabelDecision d = c.decision().orElseThrow();
        assertEquals(MultiLabelCorpora.SORTED, d.labels());
        assertEquals(3, d.thresholds().length);
        for (float t : d.thresholds()) {
            assertTrue(t > 0 && t < 1, "threshold " + t);
        }
        assertEquals(0.0, c.selfTestMaxDifference(), "the bundle re-scores its self-test documents exactly");
    }

    @Test
    void clearDocumentsGetTheirLabelSets() {
        TextClassifier c = TextClassifier.load(bundle);
        for (String[] clear : CLEAR) {
            Prediction p = c.classify(clear[0]);
            assertTrue(p.multiLabel());
            assertEquals(labelsOf(clear[1]), p.predictedLabels(), clear[0] + " -> " + p.probabilities());
            for (String l : p.predictedLabels()) {
                assertTrue(p.predicts(l));
            }
            // label() is the most probable label
            float max = 0;
            for (float f : p.probs()) {
                max = Math.max(max, f);
            }
            assertEquals(max, p.probability(p.label()), clear[0]);
        }
    }

    @Test
    void probabilitiesArePerLabelAndNeedNotSumToOne() {
        TextClassifier c = TextClassifier.load(bundle);
        Prediction two = c.classify(CLEAR[3][0]);
        double sum = 0;
        for (float f : two.probs()) {
            assertTrue(f >= 0 && f <= 1, "each label's own probability: " + f);
            sum += f;
        }
        assertTrue(two.probability("money") > 0.5 && two.probability("sport") > 0.5, two.probabilities().toString());
        assertTrue(sum > 1.2, "two likely labels: the sum is past 1, as sigmoids allow: " + two.probabilities());
        Prediction none = c.classify("the people said this was local news of the week");
        double noneSum = 0;
        for (float f : none.probs()) {
            noneSum += f;
        }
        assertTrue(noneSum < 0.9, "filler only: every label unlikely: " + none.probabilities());
        MultiLabelDecision d = c.decision().orElseThrow();
        if (!d.atLeastOne()) {
            assertEquals(List.of(), none.predictedLabels(), none.probabilities().toString());
        } else {
            assertEquals(List.of(none.label()), none.predictedLabels());
        }
    }

    @Test
    void validationMicroF1IsWellAboveChance() {
        EvaluationReport v = result.validation();
        assertTrue(v.multiLabel());
        // Chance (every label predicted everywhere) gives a micro-F1 near 2p/(1+p) with p ~ 0.42: about 0.6.
        assertTrue(v.microF1() >= 0.85, "validation micro-F1 " + v.microF1());
        assertTrue(v.macroF1() >= 0.8, "validation macro-F1 " + v.macroF1());
        assertTrue(v.samplesF1() >= 0.8, "validation samples-F1 " + v.samplesF1());
        assertTrue(v.hammingLoss() <= 0.1, "validation Hamming loss " + v.hammingLoss());
        int validation = result.classifier().card().corpus().validationDocuments();
        assertEquals(validation, v.documents());
        assertTrue(validation >= 60 && validation <= 100, "about a fifth of 400 held out: " + validation);
        JsonNode mixing = Json.MAPPER.valueToTree(result.classifier().card().result().ensembleWeights());
        assertEquals(v.microF1(), mixing.path("crossFittedMicroF1").asDouble(), 1e-12, mixing.toString());
    }

    @Test
    void everyLabelIsOnBothSidesOfTheSplit() {
        TextClassifier c = TextClassifier.load(bundle);
        List<String> ids = c.card().corpus().validationIds();
        assertTrue(ids != null && !ids.isEmpty());
        int[] inValidation = new int[3];
        int[] inTraining = new int[3];
        Set<String> held = c.card().heldOutIds();
        for (int i = 0; i < docs.size(); i++) {
            for (String l : docs.get(i).labels()) {
                int k = MultiLabelCorpora.SORTED.indexOf(l);
                if (held.contains(Integer.toString(i + 1))) {
                    inValidation[k]++;
                } else {
                    inTraining[k]++;
                }
            }
        }
        for (int k = 0; k < 3; k++) {
            int all = inValidation[k] + inTraining[k];
            double share = inValidation[k] / (double) all;
            assertTrue(share > 0.12 && share < 0.28, "label " + MultiLabelCorpora.SORTED.get(k) + ": " + inValidation[k]
                    + " of " + all + " held out (iterative stratification keeps each label near 0.2)");
        }
    }

    @Test
    void saveThenLoadGivesIdenticalProbabilitiesAndLabelSets() throws Exception {
        List<String> texts = someTexts(40, 3);
        List<Prediction> trained = result.classifier().classifyAll(texts);
        TextClassifier loaded = TextClassifier.load(bundle);
        assertSamePredictions(trained, loaded.classifyAll(texts), 0);
        Path copy = dir.resolve("copy.zip");
        loaded.save(copy);
        TextClassifier again = TextClassifier.load(copy);
        assertTrue(again.multiLabel());
        assertArrayEquals(loaded.decision().orElseThrow().thresholds(), again.decision().orElseThrow().thresholds());
        assertEquals(loaded.decision().orElseThrow().atLeastOne(), again.decision().orElseThrow().atLeastOne());
        assertSamePredictions(trained, again.classifyAll(texts), 0);
    }

    @Test
    void classifyAllEqualsOneByOne() {
        TextClassifier c = TextClassifier.load(bundle);
        List<String> texts = new ArrayList<>(someTexts(120, 5));
        texts.add("");
        texts.add("<br /><br />");
        List<Prediction> batch = c.classifyAll(texts);
        List<Prediction> single = new ArrayList<>();
        for (String t : texts) {
            single.add(c.classify(t));
        }
        assertSamePredictions(single, batch, 1e-6);
        assertTrue(batch.get(texts.size() - 1).empty() && batch.get(texts.size() - 2).empty());
    }

    @Test
    void jsonlAndCsvFormsOfTheSameCorpusTrainTheSameClassifier() {
        TextClassifier a = TextClassifier.load(bundle);
        TextClassifier b = TextClassifier.load(csvBundle);
        assertEquals(a.card().corpus().fingerprint(), b.card().corpus().fingerprint(),
                "same rows, same ids, same labels: the same corpus fingerprint");
        assertEquals(a.card().corpus().validationIds(), b.card().corpus().validationIds());
        assertEquals(Recipe.MULTI_LABEL, b.recipe().orElseThrow().task());
        assertEquals(a.labels().names(), b.labels().names());
        assertArrayEquals(a.decision().orElseThrow().thresholds(), b.decision().orElseThrow().thresholds());
        List<String> texts = someTexts(40, 7);
        for (String[] clear : CLEAR) {
            texts.add(clear[0]);
        }
        assertSamePredictions(a.classifyAll(texts), b.classifyAll(texts), 0);
        assertEquals(result.validation().microF1(), csvResult.validation().microF1());
    }

    @Test
    void singleLabelTaskOnAMultiLabelTableNamesTheRow() throws Exception {
        // Rows 1-3 have one label each, row 4 two: read as single-label, row 4 is the error.
        List<MultiLabelCorpora.Doc> rows = List.of(
                new MultiLabelCorpora.Doc("the team and the coach", List.of("sport")),
                new MultiLabelCorpora.Doc("the bank and the loan", List.of("money")),
                new MultiLabelCorpora.Doc("the rain and the wind", List.of("weather")),
                new MultiLabelCorpora.Doc("the team and the bank", List.of("money", "sport")),
                new MultiLabelCorpora.Doc("the snow and the storm", List.of("weather")));
        Recipe single = recipe(1, "task=single-label");
        Path j = MultiLabelCorpora.write(dir.resolve("single/rows.jsonl"), MultiLabelCorpora.jsonlTable(rows));
        Path c = MultiLabelCorpora.write(dir.resolve("single/rows.csv"), MultiLabelCorpora.csvTable(rows));
        for (Path table : List.of(j, c)) {
            Path m = dir.resolve("single/" + table.getFileName() + ".zip");
            TextclsException e = assertThrows(TextclsException.class, () -> TinyTraining.train(table, m, single));
            String line = table == j ? "line 4" : "line 5"; // CSV: the header is line 1
            assertTrue(e.getMessage().contains(table.toString()) && e.getMessage().contains(line + ":")
                    && e.getMessage().contains("single-label") && e.getMessage().contains("'money', 'sport'"),
                    e.getMessage());
            assertFalse(Files.exists(m), "no bundle written");
        }
    }

    @Test
    void aWideTableWithOneColumnPerLabelTrains() throws Exception {
        List<MultiLabelCorpora.Doc> wideDocs = MultiLabelCorpora.documents(300, 12);
        Path wide = MultiLabelCorpora.write(dir.resolve("wide.csv"), MultiLabelCorpora.wideCsvTable(wideDocs));
        Path m = dir.resolve("wide.zip");
        TableColumns columns = new TableColumns(null, null, List.of(TableColumns.ALL), null, null, null);
        TrainingResult r = Trainer.run(recipe(EPOCHS), wide, m, new Trainer.Options(false, 2, 2, null)
                .withTable(columns, false));
        TextClassifier c = TextClassifier.load(m);
        assertTrue(c.multiLabel());
        assertEquals(MultiLabelCorpora.LABELS, c.labels().names(), "the wide format's labels are its columns, in order");
        assertEquals(Recipe.MULTI_LABEL, c.card().corpus().task());
        assertTrue(r.validation().microF1() >= 0.8, "validation micro-F1 " + r.validation().microF1());
        Prediction p = c.classify(CLEAR[3][0]);
        assertEquals(List.of("sport", "money"), p.predictedLabels(), "in the classifier's label order: "
                + p.probabilities());
        assertEquals(List.of("weather"), c.classify(CLEAR[2][0]).predictedLabels());
    }

    @Test
    void aSingleLabelTableTrainsASingleLabelClassifier() throws Exception {
        Random rnd = new Random(21);
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            int l = i % 3;
            rows.add(List.of(TestCorpora.document(rnd, l), TestCorpora.LABELS.get(l)));
        }
        Path table = MultiLabelCorpora.write(dir.resolve("single.csv"),
                MultiLabelCorpora.csv(List.of("text", "label"), rows));
        Path m = dir.resolve("single.zip");
        TrainingResult r = TinyTraining.train(table, m, TinyTraining.recipe(6));
        TextClassifier c = TextClassifier.load(m);
        assertFalse(c.multiLabel());
        assertTrue(c.decision().isEmpty());
        assertEquals(TestCorpora.LABELS, c.labels().names());
        assertEquals(Recipe.SINGLE_LABEL, c.recipe().orElseThrow().task());
        assertEquals(Recipe.SINGLE_LABEL, c.card().corpus().task());
        assertFalse(r.validation().multiLabel());
        assertNull(r.validation().microF1());
        assertTrue(r.validation().accuracy() >= 0.9, "validation accuracy " + r.validation().accuracy());
        assertEquals(3, manifest(m).path("formatVersion").asInt(), manifest(m).toString());
        assertFalse(hasEntry(m, ModelBundle.MULTI_LABEL));
        for (ModelBundle.Member mem : c.members()) {
            assertFalse(mem.spec().sigmoid(), "softmax output");
            assertNull(mem.spec().multiLabel());
        }
        Prediction p = c.classify("a superb , wonderful and moving film");
        assertEquals("good", p.label());
        assertFalse(p.multiLabel());
        assertEquals(List.of("good"), p.predictedLabels());
        double sum = 0;
        for (float f : p.probs()) {
            sum += f;
        }
        assertEquals(1.0, sum, 1e-5, "one softmax");
    }

    static TrainingResult ensemble;

    /** The LSTM and a naive-Bayes member on the JSONL corpus, trained once for the tests that need it. */
    static synchronized TrainingResult ensemble() throws Exception {
        if (ensemble == null) {
            Recipe base = recipe(EPOCHS);
            Recipe two = new Recipe(base.name(), base.description(), base.seed(), base.task(), base.split(),
                    base.text(), base.vocabulary(), base.embeddings(), base.training(), base.selfTraining(),
                    List.of(base.networks().get(0),
                            new Recipe.Network("nb", "ngram-nb.v1", 4096, 1, null, 0, 0, 0, false)));
            ensemble = TinyTraining.train(jsonl, dir.resolve("ensemble.zip"), two);
        }
        return ensemble;
    }

    @Test
    void everyMembersTrainingLossIsItsDataLoss() throws Exception {
        // A multi-label network's training loss is the binary cross-entropy summed over the labels: 3 ln 2 = 2.08
        // for a network that knows nothing, near 0 for one that fits this separable corpus (its validation loss
        // says it does).
        TrainingResult r = ensemble();
        double chance = 3 * Math.log(2);
        for (TrainingResult.NetworkSummary n : r.networks()) {
            List<EpochStats> h = n.history();
            EpochStats last = h.get(h.size() - 1);
            assertTrue(last.validationLoss() < 0.25, n.name() + ": validation loss " + last.validationLoss());
            assertTrue(last.trainLoss() < chance / 2, n.name() + ": the training loss after " + h.size()
                    + " epochs is " + last.trainLoss() + ", about chance (" + chance + ") though the network fits "
                    + "the data (validation loss " + last.validationLoss() + "); training losses by epoch: "
                    + h.stream().map(x -> String.format("%.4f", x.trainLoss())).toList());
        }
    }

    @Test
    void aTwoNetworkEnsembleMixesItsSigmoids() throws Exception {
        TrainingResult r = ensemble();
        Path m = r.bundle();
        TextClassifier c = TextClassifier.load(m);
        assertTrue(c.multiLabel());
        assertEquals(2, c.members().size());
        for (ModelBundle.Member mem : c.members()) {
            assertTrue(mem.spec().sigmoid(), mem.name());
        }
        assertEquals(5, manifest(m).path("formatVersion").asInt());
        assertTrue(r.validation().microF1() >= 0.85, "validation micro-F1 " + r.validation().microF1());
        JsonNode mixing = Json.MAPPER.valueToTree(c.card().result().ensembleWeights());
        assertTrue(mixing.has("crossFittedMicroF1") && mixing.has("fittedMicroF1"), mixing.toString());
        EnsembleWeights w = c.weights();
        assertEquals(List.of("net", "nb"), w.members());
        if (mixing.has("weights")) {
            assertEquals(w.weight(0), mixing.path("weights").path("net").asDouble(), 1e-9, mixing.toString());
            assertEquals(w.weight(1), mixing.path("weights").path("nb").asDouble(), 1e-9, mixing.toString());
        }
        for (String[] clear : CLEAR) {
            assertEquals(labelsOf(clear[1]), c.classify(clear[0]).predictedLabels(), clear[0]);
        }
        // The ensemble's own probabilities are its members' sigmoids mixed with its weights (what is
        // reported is each label's calibrated by its temperature; the label sets are decided on these).
        List<String> texts = someTexts(20, 9);
        List<TextClassifier.EncodedText> enc = texts.stream().map(c.steps()::encode).toList();
        float[][][] members = c.steps().memberProbabilities(enc);
        List<Prediction> preds = c.uncalibrated().steps().predict(enc);
        List<Prediction> reported = c.steps().predict(enc);
        for (int i = 0; i < texts.size(); i++) {
            assertEquals(preds.get(i).predictedLabels(), reported.get(i).predictedLabels());
            assertArrayEquals(c.steps().calibrated(preds.get(i).probs()), reported.get(i).probs(), 0f);
        }
        for (int i = 0; i < texts.size(); i++) {
            for (int l = 0; l < 3; l++) {
                double want = w.weight(0) * members[0][i][l] + w.weight(1) * members[1][i][l];
                assertEquals(want, preds.get(i).probs()[l], 1e-5, "doc " + i + " label " + l);
            }
        }
        // and the decision is the stored thresholds' (at least one label when asked to)
        MultiLabelDecision d = c.decision().orElseThrow();
        for (Prediction p : preds) {
            List<String> want = new ArrayList<>();
            for (int l = 0; l < 3; l++) {
                if (p.probs()[l] >= d.threshold(l)) {
                    want.add(c.labels().names().get(l));
                }
            }
            if (want.isEmpty() && d.atLeastOne()) {
                want.add(p.label());
            }
            assertEquals(want, p.predictedLabels(), p.probabilities().toString());
        }
        assertSamePredictions(c.classifyAll(texts), TextClassifier.load(m).classifyAll(texts), 0);
    }

    static TokenizedDocument doc(int i, long hash, int... labels) {
        return TokenizedDocument.multiLabel(String.format("%04d", i), labels, new String[] {"w" + i},
                hash);
    }

    @Test
    void theMultiLabelSplitKeepsGroupsAndDuplicatesWholeAndEveryLabelNearItsShare() {
        Random r = new Random(4);
        List<TokenizedDocument> all = new ArrayList<>();
        Map<String, String> groupOf = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            List<Integer> set = new ArrayList<>();
            for (int l = 0; l < 4; l++) {
                if (r.nextInt(l + 2) == 0) {
                    set.add(l);
                }
            }
            // every 50th document repeats the text of the one before (an exact duplicate)
            long hash = i % 50 == 49 ? i - 1 : i;
            all.add(doc(i, hash, set.stream().mapToInt(Integer::intValue).toArray()));
            groupOf.put(String.format("%04d", i), "g" + (i / 4)); // groups of four
        }
        DocumentGroups groups = DocumentGroups.ofTable("auto",
                all.stream().map(TokenizedDocument::id).toList(), groupOf, "t.csv");
        List<TokenizedDocument> train = new ArrayList<>();
        List<TokenizedDocument> val = new ArrayList<>();
        TrainingData.holdOutMultiLabel(all, 4, recipe(1), groups, train, val);
        assertEquals(400, train.size() + val.size());
        Set<String> valIds = new HashSet<>();
        val.forEach(d -> valIds.add(d.id()));
        Map<String, Boolean> sideOfGroup = new HashMap<>();
        Map<Long, Boolean> sideOfText = new HashMap<>();
        int[] inVal = new int[4];
        int[] inAll = new int[4];
        for (TokenizedDocument d : all) {
            boolean v = valIds.contains(d.id());
            Boolean g = sideOfGroup.putIfAbsent(groupOf.get(d.id()), v);
            assertTrue(g == null || g == v, "group " + groupOf.get(d.id()) + " split across the sides");
            Boolean t = sideOfText.putIfAbsent(d.contentHash(), v);
            assertTrue(t == null || t == v, "duplicates of " + d.id() + " split across the sides");
            for (int l : d.labelSet()) {
                inAll[l]++;
                inVal[l] += v ? 1 : 0;
            }
        }
        assertTrue(val.size() >= 60 && val.size() <= 100, "about 0.2 of 400 held out: " + val.size());
        for (int l = 0; l < 4; l++) {
            double share = inVal[l] / (double) inAll[l];
            assertTrue(share > 0.1 && share < 0.3, "label " + l + ": " + inVal[l] + " of " + inAll[l]);
        }
    }

    @Test
    void aLabelWithTwoDocumentsIsOnBothSidesOfTheSplit() {
        // TrainingData's documentation: the multi-label split is made "so that every label with at least two
        // documents is represented on both sides".
        Random r = new Random(5);
        List<TokenizedDocument> all = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            all.add(doc(i, i, r.nextInt(2)));
        }
        all.add(doc(100, 100, 0, 2));
        all.add(doc(101, 101, 1, 2));
        List<TokenizedDocument> train = new ArrayList<>();
        List<TokenizedDocument> val = new ArrayList<>();
        TrainingData.holdOutMultiLabel(all, 3, recipe(1), DocumentGroups.none(), train, val);
        long rareInVal = val.stream().filter(d -> d.labelSet().length == 2).count();
        long rareInTrain = train.stream().filter(d -> d.labelSet().length == 2).count();
        assertEquals(1, rareInVal, "label 2's two documents: " + rareInTrain + " in training, " + rareInVal
                + " in validation");
        assertEquals(1, rareInTrain);
    }
}
