package io.textcls.score;

import io.textcls.TextclsException;
import io.textcls.classifier.Prediction;
import io.textcls.classifier.TextClassifier;
import io.textcls.corpus.TextFiles;
import io.textcls.util.AtomicFiles;
import io.textcls.util.Json;
import io.textcls.util.ProcessStats;
import io.textcls.util.Progress;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.csv.CSVFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores documents at folder scale.
 *
 * <ul>
 *   <li><b>Streaming</b>: documents are taken from the source a chunk at a time; at most
 *       {@code threads + 1} chunks are in flight, so memory does not grow with the input.
 *   <li><b>Parallel</b>: each worker thread reads, tokenizes and runs its own copy of the network
 *       (a DL4J network must not run two forward passes at once), so reading and tokenizing
 *       overlap inference; inside a chunk, documents are batched by length.
 *   <li><b>Ordered</b>: chunks are written in input order whatever finishes first, so the output is
 *       the same for any number of threads.
 *   <li><b>Hardened</b>: a document that cannot be scored (unreadable, binary, empty, broken link,
 *       symlink loop, bad record) gets a row in {@code <output>.errors.csv} and the run goes on.
 *       Malformed UTF-8 and byte-capped files are scored and flagged.
 *   <li><b>Nothing lost</b>: rows go to {@code <output>.partial}; after each chunk the files are
 *       forced to disk and a journal records how many inputs are done and the byte lengths. The
 *       output is renamed into place when complete. {@code resume} truncates the partial files to
 *       the journal's lengths and continues with the next input: no row twice, none missing.
 * </ul>
 */
public final class BatchScorer {
    private static final Logger LOG = LoggerFactory.getLogger(BatchScorer.class);

    /** What the run did. */
    public record Summary(long scored, long failed, long skipped, Map<String, Long> labelCounts, double seconds,
                          Path errorsFile, long peakRssBytes, long resumedAfter) {
        public double docsPerSecond() {
            return seconds == 0 ? 0 : scored / seconds;
        }
    }

    /** The resume journal: a consistent prefix of the output, committed after each chunk. */
    record Journal(String fingerprint, long consumed, long outBytes, long errBytes, long scored, long failed,
                   Map<String, Long> labelCounts, double seconds) {
    }

    private record Chunk(List<ScoredRow> rows) {
    }

    private BatchScorer() {
    }

    public static Path errorsFile(Path output) {
        return sibling(output, ".errors.csv");
    }

    static Path partialFile(Path output) {
        return sibling(output, ".partial");
    }

    static Path journalFile(Path output) {
        return sibling(output, ".journal.json");
    }

    private static Path sibling(Path p, String suffix) {
        return p.resolveSibling(p.getFileName() + suffix);
    }

    /**
     * Scores every document of the input.
     *
     * @param model the bundle file, fingerprinted so a resume uses the same classifier
     * @param stdin read when the input is "-"
     */
    public static Summary score(TextClassifier classifier, Path model, ScoreOptions o, InputStream stdin)
            throws IOException {
        long t0 = System.nanoTime();
        List<String> labels = classifier.labels().names();
        if (o.threshold() != null && labels.size() != 2) {
            throw new TextclsException("--threshold needs a two-label classifier; this one has " + labels.size()
                    + " labels " + labels);
        }
        if (o.topK() < 0 || o.topK() > labels.size()) {
            throw new TextclsException("--top-k must be between 0 and the number of labels (" + labels.size() + ")");
        }
        if (o.resume() && o.input().equals("-")) {
            throw new TextclsException("--resume cannot re-read standard input; score a file instead");
        }
        Path out = o.output();
        Path partial = partialFile(out);
        Path errPartial = partialFile(errorsFile(out));
        Path journalPath = journalFile(out);
        String fingerprint = fingerprint(model, o);
        Journal journal = null;
        if (Files.exists(journalPath)) {
            if (!o.resume()) {
                throw new TextclsException("an interrupted run left " + journalPath + ": add --resume to continue it, "
                        + "or delete " + journalPath + " and " + partial + " to start again");
            }
            journal = Json.MAPPER.readValue(journalPath.toFile(), Journal.class);
            if (!journal.fingerprint().equals(fingerprint)) {
                throw new TextclsException("the interrupted run in " + journalPath + " used another model, input or "
                        + "options; rerun with the same ones, or delete it and " + partial + " to start again");
            }
            if (!Files.exists(partial) || Files.size(partial) < journal.outBytes()) {
                throw new TextclsException(partial + " is missing or shorter than " + journalPath + " records; delete "
                        + journalPath + " to start again");
            }
            LOG.info("resuming: {} inputs already done ({} scored, {} failed)", journal.consumed(), journal.scored(),
                    journal.failed());
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        PredictionWriter rowWriter = PredictionWriter.create(o.format(), labels, o.topK());
        Map<String, Long> counts = new LinkedHashMap<>();
        labels.forEach(l -> counts.put(l, 0L));
        long consumed = 0;
        long scored = 0;
        long failed = 0;
        double secondsBefore = 0;
        if (journal != null) {
            counts.putAll(journal.labelCounts());
            consumed = journal.consumed();
            scored = journal.scored();
            failed = journal.failed();
            secondsBefore = journal.seconds();
        }
        long resumedAfter = consumed;

        ExecutorService workers = Executors.newFixedThreadPool(Math.max(1, o.threads()), r -> {
            Thread t = new Thread(r, "textcls-score");
            t.setDaemon(true);
            return t;
        });
        ThreadLocal<TextClassifier> replicas = ThreadLocal.withInitial(classifier::replica);
        long delayMs = Long.getLong("textcls.score.chunkDelayMs", 0); // tests only: widens the kill window
        try (DocumentSource source = DocumentSource.open(o.input(), o.glob(), o.textColumn(), o.idColumn(), stdin);
             FileChannel outCh = open(partial, journal == null ? 0 : journal.outBytes());
             FileChannel errCh = open(errPartial, journal == null ? 0 : journal.errBytes());
             Progress progress = Progress.start("score", -1, "docs")) {
            Writer outW = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(outCh), StandardCharsets.UTF_8));
            Writer errW = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(errCh), StandardCharsets.UTF_8));
            if (journal == null) {
                rowWriter.header(outW);
                CSVFormat.RFC4180.printRecord(errW, "id", "reason");
            }
            for (long skip = 0; skip < consumed && source.hasNext(); skip++) {
                source.next();
            }
            Deque<Future<Chunk>> inflight = new ArrayDeque<>();
            Deque<Integer> sizes = new ArrayDeque<>();
            int maxInflight = Math.max(1, o.threads()) + 1;
            while (true) {
                while (inflight.size() < maxInflight && source.hasNext()) {
                    List<SourceItem> items = new ArrayList<>(o.chunk());
                    while (items.size() < o.chunk() && source.hasNext()) {
                        items.add(source.next());
                    }
                    inflight.add(workers.submit(() -> process(replicas.get(), items, o.maxBytes())));
                    sizes.add(items.size());
                }
                if (inflight.isEmpty()) {
                    break;
                }
                Chunk chunk = await(inflight.poll());
                for (ScoredRow row : chunk.rows()) {
                    if (row.error() != null) {
                        CSVFormat.RFC4180.printRecord(errW, row.id(), row.error());
                        failed++;
                    } else {
                        String label = decide(row.prediction(), o.threshold());
                        rowWriter.write(outW, row.id(), label, row.prediction(), row.flags());
                        counts.merge(label, 1L, Long::sum);
                        scored++;
                    }
                }
                consumed += sizes.poll();
                outW.flush();
                errW.flush();
                outCh.force(false);
                errCh.force(false);
                Journal committed = new Journal(fingerprint, consumed, outCh.position(), errCh.position(), scored,
                        failed, counts, secondsBefore + (System.nanoTime() - t0) / 1e9);
                AtomicFiles.write(journalPath, os -> Json.MAPPER.writeValue(os, committed));
                progress.step(chunk.rows().size());
                if (delayMs > 0) {
                    Thread.sleep(delayMs);
                }
            }
            long skipped = source.skipped();
            outW.flush();
            errW.flush();
            outCh.force(true);
            errCh.force(true);
            AtomicFiles.move(partial, out);
            Path errFile = errorsFile(out);
            if (failed == 0) {
                Files.deleteIfExists(errPartial);
                Files.deleteIfExists(errFile);
            } else {
                AtomicFiles.move(errPartial, errFile);
            }
            Files.deleteIfExists(journalPath);
            return new Summary(scored, failed, skipped, counts, secondsBefore + (System.nanoTime() - t0) / 1e9,
                    failed == 0 ? null : errFile, ProcessStats.peakRssBytes(), resumedAfter);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TextclsException("scoring interrupted; rerun with --resume to continue", e);
        } finally {
            workers.shutdownNow();
        }
    }

    private static String decide(Prediction p, Double threshold) {
        if (threshold == null) {
            return p.label();
        }
        return p.probs()[1] >= threshold ? p.labels().get(1) : p.labels().get(0);
    }

    private static Chunk await(Future<Chunk> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new TextclsException("scoring failed: " + c, c);
        }
    }

    /** Reads, tokenizes and predicts one chunk on a worker thread; a bad document becomes an error row. */
    static Chunk process(TextClassifier c, List<SourceItem> items, long maxBytes) {
        ScoredRow[] rows = new ScoredRow[items.size()];
        List<TextClassifier.EncodedText> docs = new ArrayList<>(items.size());
        List<Integer> at = new ArrayList<>(items.size());
        List<String> flags = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            SourceItem item = items.get(i);
            try {
                if (item.problem() != null) {
                    rows[i] = new ScoredRow(item.id(), null, null, item.problem());
                    continue;
                }
                String text = item.text();
                StringBuilder f = new StringBuilder();
                boolean cut = false;
                if (item.file() != null) {
                    TextFiles.Content content;
                    try {
                        content = TextFiles.read(item.file(), maxBytes);
                    } catch (IOException e) {
                        rows[i] = new ScoredRow(item.id(), null, null, "unreadable: " + e.getClass().getSimpleName()
                                + (e.getMessage() == null ? "" : ": " + e.getMessage()));
                        continue;
                    }
                    if (content.binary()) {
                        rows[i] = new ScoredRow(item.id(), null, null, "binary file (NUL bytes): not text");
                        continue;
                    }
                    if (content.malformed() > 0) {
                        f.append("malformed-utf8:").append(content.malformed());
                    }
                    if (content.truncated()) {
                        f.append(f.isEmpty() ? "" : ";").append("cut-at-bytes:").append(maxBytes);
                        cut = true;
                    }
                    text = content.text();
                }
                TextClassifier.EncodedText e = c.encode(text);
                if (e.tokens() == 0) {
                    rows[i] = new ScoredRow(item.id(), null, null, "empty: no text to classify");
                    continue;
                }
                docs.add(cut ? new TextClassifier.EncodedText(e.ids(), e.tokens(), true) : e);
                at.add(i);
                flags.add(f.toString());
            } catch (RuntimeException e) {
                rows[i] = new ScoredRow(item.id(), null, null, "failed: " + e);
            }
        }
        if (!docs.isEmpty()) {
            List<Prediction> preds = c.predict(docs);
            for (int j = 0; j < preds.size(); j++) {
                int i = at.get(j);
                rows[i] = new ScoredRow(items.get(i).id(), preds.get(j), flags.get(j), null);
            }
        }
        return new Chunk(List.of(rows));
    }

    private static FileChannel open(Path file, long length) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        ch.truncate(length);
        ch.position(length);
        return ch;
    }

    /** SHA-256 of the model file and every option that shapes the output (not the thread count). */
    static String fingerprint(Path model, ScoreOptions o) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(model)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                }
            }
            String opts = String.join("\u0000", o.input().equals("-") ? "-" : Path.of(o.input()).toAbsolutePath()
                    .normalize().toString(), String.valueOf(o.format()), o.glob(), String.valueOf(o.textColumn()),
                    String.valueOf(o.idColumn()), Integer.toString(o.topK()), String.valueOf(o.threshold()),
                    Integer.toString(o.chunk()), Long.toString(o.maxBytes()));
            md.update(opts.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
