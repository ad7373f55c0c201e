package io.textcls.score;

import io.textcls.classifier.Prediction;
import io.textcls.classifier.TextClassifier;
import io.textcls.corpus.TextFiles;
import io.textcls.util.AtomicFiles;
import io.textcls.util.Progress;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Scores every document under a folder (recursively, sorted) and writes one row each. Documents
 * are processed in chunks, so memory does not grow with the folder. A document that cannot be
 * scored (unreadable, binary, broken link) gets a row in {@code <output>.errors.csv} and the run
 * goes on. Both files are written to temporary files and renamed into place when complete.
 */
public final class BatchScorer {
    /**
     * @param glob file names to score (e.g. {@code *.txt})
     * @param chunk documents read, scored and written per step
     * @param maxBytes most bytes read per document; longer ones are cut and flagged truncated
     */
    public record Options(Path input, Path output, OutputFormat format, String glob, int chunk, long maxBytes) {
    }

    /** Counts for the run's summary. */
    public record Summary(long scored, long failed, long skipped, Map<String, Long> labelCounts, double seconds,
                          Path errorsFile) {
        public double docsPerSecond() {
            return seconds == 0 ? 0 : scored / seconds;
        }
    }

    private BatchScorer() {
    }

    public static Path errorsFile(Path output) {
        return output.resolveSibling(output.getFileName() + ".errors.csv");
    }

    public static Summary score(TextClassifier classifier, Options o) throws IOException {
        long t0 = System.nanoTime();
        InputFiles files = new InputFiles(o.input(), o.glob());
        Map<String, Long> counts = new LinkedHashMap<>();
        classifier.labels().names().forEach(l -> counts.put(l, 0L));
        long[] scored = {0};
        List<String[]> errors = new ArrayList<>();
        try (Progress progress = Progress.start("score", -1, "docs")) {
            AtomicFiles.write(o.output(), raw -> {
                Writer w = new BufferedWriter(new OutputStreamWriter(raw, StandardCharsets.UTF_8));
                PredictionWriter writer = PredictionWriter.create(o.format(), w, classifier.labels().names());
                List<String> ids = new ArrayList<>(o.chunk());
                List<TextClassifier.EncodedText> docs = new ArrayList<>(o.chunk());
                while (files.hasNext()) {
                    InputFiles.Item item = files.next();
                    if (item.problem() != null) {
                        errors.add(new String[] {item.id(), item.problem()});
                        continue;
                    }
                    TextFiles.Content c;
                    try {
                        c = TextFiles.read(item.file(), o.maxBytes());
                    } catch (IOException e) {
                        errors.add(new String[] {item.id(), "unreadable: " + e.getClass().getSimpleName() + ": "
                                + e.getMessage()});
                        continue;
                    }
                    if (c.binary()) {
                        errors.add(new String[] {item.id(), "binary file (NUL bytes): not text"});
                        continue;
                    }
                    TextClassifier.EncodedText enc = classifier.encode(c.text());
                    if (c.truncated()) {
                        enc = new TextClassifier.EncodedText(enc.ids(), enc.tokens(), true);
                    }
                    ids.add(item.id());
                    docs.add(enc);
                    if (docs.size() == o.chunk()) {
                        flush(classifier, ids, docs, writer, counts, scored, progress);
                    }
                }
                flush(classifier, ids, docs, writer, counts, scored, progress);
                w.flush();
            });
        }
        Path errFile = errorsFile(o.output());
        if (errors.isEmpty()) {
            Files.deleteIfExists(errFile);
        } else {
            AtomicFiles.write(errFile, raw -> {
                Writer w = new OutputStreamWriter(raw, StandardCharsets.UTF_8);
                try (CSVPrinter p = new CSVPrinter(w, CSVFormat.RFC4180.builder().setHeader("id", "reason").get())) {
                    for (String[] e : errors) {
                        p.printRecord((Object[]) e);
                    }
                }
            });
        }
        return new Summary(scored[0], errors.size(), files.skipped(), counts, (System.nanoTime() - t0) / 1e9,
                errors.isEmpty() ? null : errFile);
    }

    private static void flush(TextClassifier classifier, List<String> ids, List<TextClassifier.EncodedText> docs,
                              PredictionWriter writer, Map<String, Long> counts, long[] scored, Progress progress)
            throws IOException {
        if (docs.isEmpty()) {
            return;
        }
        List<Prediction> preds = classifier.predict(docs);
        for (int i = 0; i < preds.size(); i++) {
            writer.write(ids.get(i), preds.get(i));
            counts.merge(preds.get(i).label(), 1L, Long::sum);
        }
        scored[0] += preds.size();
        progress.step(preds.size());
        ids.clear();
        docs.clear();
    }
}
