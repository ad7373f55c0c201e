package io.textcls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Tiny labeled corpora written by the tests themselves: each label has its own words plus shared noise. */
public final class TestCorpora {
    public static final List<String> LABELS = List.of("bad", "good", "meh");
    private static final String[][] WORDS = {
        {"awful", "boring", "terrible", "dull", "worst", "waste"},
        {"great", "superb", "wonderful", "brilliant", "moving", "best"},
        {"okay", "average", "fine", "mediocre", "passable", "so-so"},
    };
    private static final String[] NOISE = {"the", "film", "movie", "was", "a", "and", "plot", "actor", "it", "this",
        "scene", "story", "with", "of", "<br />", "I", "thought"};

    private TestCorpora() {
    }

    /** Writes {@code perLabel} documents per label under {@code root/<label>/NNNN.txt}. */
    public static Path write(Path root, int perLabel, long seed) throws IOException {
        Random r = new Random(seed);
        for (int l = 0; l < LABELS.size(); l++) {
            Path dir = Files.createDirectories(root.resolve(LABELS.get(l)));
            for (int i = 0; i < perLabel; i++) {
                Files.writeString(dir.resolve(String.format("%04d.txt", i)), document(r, l), StandardCharsets.UTF_8);
            }
        }
        return root;
    }

    /** One document of a label: 10-25 words, about half of them the label's own. */
    public static String document(Random r, int label) {
        int n = 10 + r.nextInt(16);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String w = r.nextInt(2) == 0 ? WORDS[label][r.nextInt(WORDS[label].length)] : NOISE[r.nextInt(NOISE.length)];
            sb.append(i == 0 ? "" : " ").append(w);
        }
        return sb.append('.').toString();
    }
}
