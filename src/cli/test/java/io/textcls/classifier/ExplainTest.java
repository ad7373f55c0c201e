package io.textcls.classifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.TestCorpora;
import io.textcls.TinyTraining;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Occlusion explanations on the tiny corpus, where the answer is known: each label has its own
 * words, and the rest is noise shared by all labels.
 */
class ExplainTest {
    @TempDir
    static Path dir;
    static TextClassifier classifier;
    static final List<Set<String>> LABEL_WORDS = List.of(
            Set.of("awful", "boring", "terrible", "dull", "worst", "waste"),
            Set.of("great", "superb", "wonderful", "brilliant", "moving", "best"),
            Set.of("okay", "average", "fine", "mediocre", "passable", "so-so"));

    @BeforeAll
    static void train() throws Exception {
        Path data = TestCorpora.write(dir.resolve("data"), 40, 4);
        classifier = TinyTraining.train(data, dir.resolve("m.zip"), TinyTraining.recipe(8, "max-length=30", "architecture=lstm-pool.v1", "pooling=maxmean"))
                .classifier();
    }

    static List<String> documents(int n) {
        Random r = new Random(77);
        List<String> docs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            docs.add(TestCorpora.document(r, i % 3));
        }
        return docs;
    }

    @Test
    void theTokensThatMatterMostAreTheLabelsOwnWords() {
        int hits = 0;
        int total = 0;
        for (String doc : documents(30)) {
            Explanation e = classifier.explain(doc);
            int k = e.predictedIndex();
            assertEquals(classifier.classify(doc).label(), e.prediction().label());
            if (e.tokens().stream().noneMatch(LABEL_WORDS.get(k)::contains)) {
                continue;
            }
            total++;
            hits += LABEL_WORDS.get(k).contains(e.tokens().get(e.top(k, 1).get(0))) ? 1 : 0;
        }
        assertTrue(total >= 20, total + " documents with their label's words");
        assertTrue(hits >= 0.85 * total, hits + " of " + total + " top tokens are the predicted label's words");
    }

    /** The faithfulness check of the README's IMDB figure, on the tiny corpus. */
    @Test
    void leavingOutTheTopTokensLowersTheProbabilityFarMoreThanRandomOnes() {
        Random r = new Random(5);
        double top = 0;
        double random = 0;
        List<String> docs = documents(30);
        for (String doc : docs) {
            Explanation e = classifier.explain(doc);
            int k = e.predictedIndex();
            List<Integer> shuffled = new ArrayList<>();
            for (int i = 0; i < e.tokens().size(); i++) {
                shuffled.add(i);
            }
            java.util.Collections.shuffle(shuffled, r);
            List<Prediction> p = classifier.uncalibrated().predictWithout(e.tokens(),
                    List.of(Set.of(), Set.copyOf(e.top(k, 5)), Set.copyOf(shuffled.subList(0, 5))));
            top += p.get(0).probability(k) - p.get(1).probability(k);
            random += p.get(0).probability(k) - p.get(2).probability(k);
        }
        top /= docs.size();
        random /= docs.size();
        assertTrue(top > 0.1, "mean drop without the top 5: " + top);
        assertTrue(top > 3 * Math.max(random, 0.01), "top-5 drop " + top + " against random-5 drop " + random);
    }

    @Test
    void attributionIsTheProbabilityDropWhenTheTokenIsLeftOut() {
        String doc = documents(1).get(0);
        Explanation e = classifier.explain(doc);
        TextClassifier raw = classifier.uncalibrated();
        for (int i : List.of(0, 3, e.tokens().size() - 1)) {
            List<Prediction> p = raw.predictWithout(e.tokens(), List.of(Set.of(), Set.of(i)));
            for (int k = 0; k < 3; k++) {
                assertEquals(p.get(0).probability(k) - p.get(1).probability(k), e.attribution(i, k), 1e-6);
            }
        }
        Explanation windows = classifier.explainTokens(e.tokens(), 3);
        assertEquals(windows.attribution(0, 1), windows.attribution(2, 1));
    }

    @Test
    void tokensPastTheMaximumLengthAreNotReadAndGetNothing() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            sb.append(i % 2 == 0 ? "great " : "film ");
        }
        Explanation e = classifier.explain(sb.toString());
        assertEquals(40, e.tokens().size());
        // max-length 30, tail truncation: the first 10 tokens are not read.
        for (int i = 0; i < 10; i++) {
            assertFalse(e.read()[i]);
            assertEquals(0f, e.attribution(i, 1));
        }
        assertTrue(e.read()[10]);
        assertTrue(e.top(1, 40).stream().allMatch(i -> i >= 10));
    }

    @Test
    void anEnsembleExplainsAsTheMeanOfItsNetworks() throws Exception {
        Path bundle = dir.resolve("ensemble.zip");
        try (var in = getClass().getResourceAsStream("/golden/format3-ensemble.zip")) {
            Files.copy(in, bundle);
        }
        ModelBundle.Contents c = ModelBundle.read(bundle);
        TextClassifier ensemble = new TextClassifier(c);
        String doc = documents(2).get(1);
        Explanation all = ensemble.explain(doc);
        List<Explanation> each = new ArrayList<>();
        for (ModelBundle.Member m : c.members()) {
            each.add(new TextClassifier(new ModelBundle.Contents(c.labels(), c.vocabulary(), c.pipeline(), c.recipe(),
                    c.card(), List.of(m))).explain(doc));
        }
        for (int i = 0; i < all.tokens().size(); i++) {
            for (int k = 0; k < 3; k++) {
                double mean = (each.get(0).attribution(i, k) + each.get(1).attribution(i, k)) / 2;
                assertEquals(mean, all.attribution(i, k), 1e-6);
            }
        }
    }
}
