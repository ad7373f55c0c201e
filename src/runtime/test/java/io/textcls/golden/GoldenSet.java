package io.textcls.golden;

import io.textcls.TestCorpora;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The golden bundles (src/runtime/test/resources/golden) and the documents their predictions are
 * recorded for: what the runtime's test scores them on, and the writer ({@code GoldenBundles}, in
 * the application's tests, which can train) writes them with.
 */
public final class GoldenSet {
    /** The golden bundles' names (without .zip), oldest format first. */
    public static final List<String> NAMES = List.of("format1-lstm-last", "format1-lstm-pool", "format1-bilstm-pool",
            "format1-cnn-pool", "format2-ensemble", "format3-lstm-last", "format3-lstm-pool", "format3-bilstm-pool",
            "format3-cnn-pool", "format3-ensemble", "format3-ngram-mean", "format3-gru-pool", "format3-bigru-pool",
            "format3-calibrated", "format3-ngram-nb");

    private GoldenSet() {
    }

    /** Copies the golden bundle {@code name} (see {@link #NAMES}) into {@code dir}; returns the copy. */
    public static Path copy(String name, Path dir) throws IOException {
        Path p = dir.resolve(name + ".zip");
        try (InputStream in = GoldenSet.class.getResourceAsStream("/golden/" + name + ".zip")) {
            if (in == null) {
                throw new IOException("no golden bundle " + name + " on the test class path");
            }
            Files.copy(in, p);
        }
        return p;
    }

    /** The documents every golden bundle's predictions are recorded for (the last one is empty). */
    public static List<String> texts() {
        Random r = new Random(12);
        List<String> t = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            t.add(TestCorpora.document(r, i % 3));
        }
        t.add("A superb, brilliant and moving film: the best this year.");
        t.add("");
        return t;
    }
}
