package io.textcls.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.TestCorpora;
import io.textcls.TinyTraining;
import io.textcls.corpus.DocumentGroups;
import io.textcls.corpus.FolderCorpus;
import io.textcls.corpus.TokenizedDocument;
import io.textcls.recipe.Recipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupedSplitTest {
    @TempDir
    Path dir;

    /** Files NNNN.txt grouped by their third digit: 6 groups, each with 10 documents of every label. */
    static final String GROUPS = "regex:/\\d\\d(\\d)\\d\\.txt$";

    private static String group(String id) {
        Matcher m = Pattern.compile("/\\d\\d(\\d)\\d\\.txt$").matcher(id);
        assertTrue(m.find(), id);
        return m.group(1);
    }

    @Test
    void wholeGroupsFallOnOneSide() throws Exception {
        Path data = TestCorpora.write(dir.resolve("data"), 60, 5);
        List<String> lines = new ArrayList<>();
        Recipe r = TinyTraining.recipe(1, "groups=" + GROUPS, "validation-fraction=0.34");
        TrainingData d = TrainingData.prepare(data, r, 2, lines::add);
        Set<String> trainGroups = new HashSet<>();
        d.train().forEach(t -> trainGroups.add(group(t.id())));
        for (TokenizedDocument v : d.validation()) {
            assertTrue(!trainGroups.contains(group(v.id())), v.id() + " shares its group with training documents");
        }
        assertEquals(60, d.validation().size(), "two whole groups of 30 fit the 20-per-label share");
        assertTrue(d.splitDescription().contains("whole groups"), d.splitDescription());
        assertTrue(lines.stream().anyMatch(l -> l.contains("0 of its 60 documents (0.0 %) share a group")),
                String.join("\n", lines));

        // The same corpus split at random: most validation documents share a group with training ones.
        TrainingData random = TrainingData.prepare(data, TinyTraining.recipe(1), 2, l -> { });
        assertEquals(36, random.validation().size());
        Set<String> randomTrain = new HashSet<>();
        random.train().forEach(t -> randomTrain.add(group(t.id())));
        assertTrue(random.validation().stream().anyMatch(v -> randomTrain.contains(group(v.id()))));
    }

    @Test
    void vocabularyKeepsTokensOfEnoughGroups() throws Exception {
        // "solo" appears 40 times, all in group 0; "pair" in groups 0 and 1; "all" in every group.
        Path root = dir.resolve("vocab");
        Files.createDirectories(root.resolve("neg"));
        Files.writeString(root.resolve("neg/9999.txt"), "x");
        List<TokenizedDocument> docs = new ArrayList<>();
        for (int g = 0; g < 4; g++) {
            for (int i = 0; i < 10; i++) {
                String id = "pos/00" + g + i + ".txt";
                Files.createDirectories(root.resolve("pos"));
                Files.writeString(root.resolve(id), "x");
                List<String> tokens = new ArrayList<>(List.of("all"));
                if (g == 0) {
                    tokens.addAll(List.of("solo", "solo", "solo", "solo"));
                }
                if (g <= 1) {
                    tokens.add("pair");
                }
                docs.add(new TokenizedDocument(id, 0, tokens.toArray(String[]::new), id.hashCode()));
            }
        }
        DocumentGroups groups = DocumentGroups.of(GROUPS, FolderCorpus.scan(root, List.of()));
        assertTrue(groups.grouped());
        Set<String> any = new HashSet<>(TrainingData.vocabulary(docs, new Recipe.Vocabulary(100, 1, 1), groups).tokens());
        assertTrue(any.containsAll(List.of("solo", "pair", "all")), any.toString());
        Set<String> two = new HashSet<>(TrainingData.vocabulary(docs, new Recipe.Vocabulary(100, 1, 2), groups).tokens());
        assertTrue(two.containsAll(List.of("pair", "all")) && !two.contains("solo"), two.toString());
        Set<String> three = new HashSet<>(TrainingData.vocabulary(docs, new Recipe.Vocabulary(100, 1, 3), groups).tokens());
        assertTrue(three.contains("all") && !three.contains("pair"), three.toString());
        // Without groups there is no limit.
        Set<String> none = new HashSet<>(TrainingData.vocabulary(docs, new Recipe.Vocabulary(100, 1, 3),
                DocumentGroups.none()).tokens());
        assertTrue(none.containsAll(List.of("solo", "pair", "all")), none.toString());
    }
}
