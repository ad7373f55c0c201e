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
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
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
 *   <li><b>Hardened</b>: a document that cannot be scored (unreadable, binary, broken link,
 *       symlink loop, bad record) gets a row in {@code <output>.errors.csv} and the run goes on.
 *       Malformed UTF-8 and byte-capped files are scored and flagged. An empty document (no tokens
 *       after the text pipeline: no text, or markup only) is classified like any other, by the
 *       network's answer to a document with no words (a single {@code <unk>}: its prior), and
 *       flagged {@value #EMPTY_FLAG}; it does not count as failed.
 *   <li><b>Nothing lost</b>: rows go to {@code <output>.partial}; after each chunk the files are
 *       forced to disk and a journal records how many inputs are done and the byte lengths. The
 *       output is renamed into place when complete. {@code resume} truncates the partial files to
 *       the journal's lengths and continues with the next input: no row twice, none missing.
 * </ul>
 */
public final class BatchScorer {
    private static final Logger LOG = LoggerFactory.getLogger(BatchScorer.class);
    /** The flag of a document with no tokens, in the flags column beside the others ({@code ;}-separated). */
    public static final String EMPTY_FLAG = "empty";

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
        /**
         * The journal of an interrupted run to continue, or null to start afresh; refuses a journal
         * left without {@code resume}, one of another model, input or options, and a partial
         * output shorter than it records.
         */
        static Journal resume(Path out, String fingerprint, boolean resume) throws IOException {
            Path journalPath = journalFile(out);
            Path partial = partialFile(out);
            if (!Files.exists(journalPath)) {
                return null;
            }
            if (!resume) {
                throw interruptedRunLeft(out);
            }
            Journal journal = Json.MAPPER.readValue(journalPath.toFile(), Journal.class);
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
            return journal;
        }
    }

    /** The error for a journal found by a run without {@code --resume}. */
    static TextclsException interruptedRunLeft(Path out) {
        return new TextclsException("an interrupted run left " + journalFile(out) + ": add --resume to continue it, "
                + "or delete " + journalFile(out) + " and " + partialFile(out) + " to start again");
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
     * @param o checked first ({@link ScoreOptions#check()}): a bad option or unwritable output
     *     fails before any document is read
     * @param model the bundle file, fingerprinted so a resume uses the same classifier
     * @param stdin read when the input is "-"
     */
    public static Summary score(TextClassifier classifier, Path model, ScoreOptions o, InputStream stdin)
            throws IOException {
        return score(classifier, model, o, stdin, null, null);
    }

    /**
     * As {@link #score(TextClassifier, Path, ScoreOptions, InputStream)}; with {@code --output -}
     * the rows go to {@code stdout} as each chunk is scored (flushed, in input order) and each
     * document that cannot be scored to {@code stderr} as {@code error: <id>: <reason>}.
     */
    public static Summary score(TextClassifier classifier, Path model, ScoreOptions o, InputStream stdin,
                                Writer stdout, Writer stderr) throws IOException {
        long t0 = System.nanoTime();
        o.check();
        List<String> labels = classifier.labels().names();
        o.check(labels);
        if (classifier.multiLabel() && o.threshold() != null) {
            throw new TextclsException("--threshold is for two-label classifiers; " + model + " is multi-label: its "
                    + "per-label thresholds, fitted in training, decide the labels column");
        }
        if (o.toStdout()) {
            if (stdout == null || stderr == null) {
                throw new IllegalArgumentException("--output - needs the standard output and error writers");
            }
            return scoreToStream(classifier, o, stdin, stdout, stderr, t0);
        }
        Path out = o.output();
        // With the temperature used (none with --raw-probabilities): a resume writes the same probabilities.
        String fingerprint = fingerprint(model, o) + classifier.temperature().map(t -> "/T=" + t.temperature())
                .orElse("") + classifier.decision().map(d -> d.temperatures() == null ? "/raw"
                        : "/T=" + java.util.Arrays.toString(d.temperatures())).orElse("");
        Journal journal = Journal.resume(out, fingerprint, o.resume());
        Files.createDirectories(out.toAbsolutePath().getParent());
        Tally tally = new Tally(labels, journal);
        ExecutorService workers = workers(o);
        try (DocumentSource source = DocumentSource.open(o.input(), o.glob(), o.textColumn(), o.idColumn(), stdin);
             Outputs outputs = Outputs.open(out, PredictionWriter.create(o.format(), labels, o.topK(), classifier.multiLabel()), journal);
             Progress progress = Progress.start("score", -1, "docs")) {
            for (long skip = 0; skip < tally.consumed && source.hasNext(); skip++) {
                source.next();
            }
            scoreChunks(source, workers, classifier, o, (chunk, inputs) -> {
                outputs.write(chunk, tally, o.threshold());
                tally.consumed += inputs;
                outputs.commit(fingerprint, tally, tally.seconds(t0));
                progress.step(chunk.rows().size());
            });
            Path errFile = outputs.finish(tally.failed);
            return new Summary(tally.scored, tally.failed, source.skipped(), tally.counts, tally.seconds(t0), errFile,
                    ProcessStats.peakRssBytes(), tally.resumedAfter);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TextclsException("scoring interrupted; rerun with --resume to continue", e);
        } finally {
            workers.shutdownNow();
        }
    }

    /** {@code --output -}: rows to {@code stdout} chunk by chunk, failures to {@code stderr}; nothing on disk. */
    private static Summary scoreToStream(TextClassifier classifier, ScoreOptions o, InputStream stdin, Writer stdout,
                                         Writer stderr, long t0) throws IOException {
        List<String> labels = classifier.labels().names();
        Tally tally = new Tally(labels, null);
        PredictionWriter rows = PredictionWriter.create(o.format(), labels, o.topK(), classifier.multiLabel());
        ExecutorService workers = workers(o);
        try (DocumentSource source = DocumentSource.open(o.input(), o.glob(), o.textColumn(), o.idColumn(), stdin)) {
            rows.header(stdout);
            scoreChunks(source, workers, classifier, o, (chunk, inputs) -> {
                writeRows(chunk, tally, o.threshold(), rows, stdout,
                        (id, reason) -> stderr.write("error: " + id + ": " + reason + System.lineSeparator()));
                tally.consumed += inputs;
                stdout.flush();
                stderr.flush();
                if (stdout instanceof java.io.PrintWriter w && w.checkError()) {
                    // a PrintWriter never throws: a reader that stopped (| head) or a full disk shows only here
                    throw new TextclsException("standard output could not be written (its reader stopped, or the "
                            + "disk behind it is full): scoring stopped after " + tally.consumed + " inputs");
                }
            });
            return new Summary(tally.scored, tally.failed, source.skipped(), tally.counts, tally.seconds(t0), null,
                    ProcessStats.peakRssBytes(), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TextclsException("scoring interrupted", e);
        } finally {
            workers.shutdownNow();
        }
    }

    private static ExecutorService workers(ScoreOptions o) {
        return Executors.newFixedThreadPool(Math.max(1, o.threads()), r -> {
            Thread t = new Thread(r, "textcls-score");
            t.setDaemon(true);
            return t;
        });
    }

    /** Where a document that could not be scored is reported. */
    private interface ErrorSink {
        void accept(String id, String reason) throws IOException;
    }

    /** Writes a chunk's rows: predictions with {@code rowWriter}, failures to {@code errors}; counts both. */
    private static void writeRows(Chunk chunk, Tally tally, Double threshold, PredictionWriter rowWriter, Writer out,
                                  ErrorSink errors) throws IOException {
        for (ScoredRow row : chunk.rows()) {
            if (row.error() != null) {
                errors.accept(row.id(), row.error());
                tally.failed++;
            } else {
                String label = decide(row.prediction(), threshold);
                rowWriter.write(out, row.id(), label, row.prediction(), row.flags());
                tally.counts.merge(label, 1L, Long::sum);
                tally.scored++;
            }
        }
    }

    /** Where a finished chunk goes, in input order; {@code inputs} is how many source items it holds. */
    private interface ChunkSink {
        void accept(Chunk chunk, int inputs) throws IOException;
    }

    /**
     * The scoring loop: takes the source a chunk at a time, keeps at most {@code threads + 1}
     * chunks in flight on the workers, and hands each finished one to the sink in input order.
     */
    private static void scoreChunks(DocumentSource source, ExecutorService workers,
                                    TextClassifier classifier, ScoreOptions o, ChunkSink sink)
            throws IOException, InterruptedException {
        long delayMs = Long.getLong("textcls.score.chunkDelayMs", 0); // tests only: widens the kill window
        Deque<Future<Chunk>> inflight = new ArrayDeque<>();
        Deque<Integer> sizes = new ArrayDeque<>();
        int maxInflight = Math.max(1, o.threads()) + 1;
        while (true) {
            while (inflight.size() < maxInflight && source.hasNext()) {
                List<SourceItem> items = new ArrayList<>(o.chunk());
                while (items.size() < o.chunk() && source.hasNext()) {
                    items.add(source.next());
                }
                inflight.add(workers.submit(() -> process(classifier, items, o.maxBytes())));
                sizes.add(items.size());
            }
            if (inflight.isEmpty()) {
                return;
            }
            sink.accept(await(inflight.poll()), sizes.poll());
            if (delayMs > 0) {
                Thread.sleep(delayMs);
            }
        }
    }

    /** The counts of a run: restored from the journal on resume, committed to it after each chunk. */
    private static final class Tally {
        final Map<String, Long> counts = new LinkedHashMap<>();
        final long resumedAfter;
        final double secondsBefore;
        long consumed;
        long scored;
        long failed;

        Tally(List<String> labels, Journal journal) {
            labels.forEach(l -> counts.put(l, 0L));
            if (journal != null) {
                counts.putAll(journal.labelCounts());
                consumed = journal.consumed();
                scored = journal.scored();
                failed = journal.failed();
            }
            resumedAfter = consumed;
            secondsBefore = journal == null ? 0 : journal.seconds();
        }

        double seconds(long t0) {
            return secondsBefore + (System.nanoTime() - t0) / 1e9;
        }
    }

    /**
     * The journal/resume bookkeeping of the output: rows go to {@code <output>.partial} and
     * {@code <output>.errors.csv.partial}; {@link #commit} forces both to disk and records their
     * lengths in the journal; {@link #finish} renames them into place and drops the journal.
     */
    private static final class Outputs implements AutoCloseable {
        private final Path out;
        private final Path partial;
        private final Path errPartial;
        private final PredictionWriter rowWriter;
        private final FileChannel outCh;
        private final FileChannel errCh;
        private final Writer outW;
        private final Writer errW;

        private Outputs(Path out, PredictionWriter rowWriter, FileChannel outCh, FileChannel errCh) {
            this.out = out;
            this.partial = partialFile(out);
            this.errPartial = partialFile(errorsFile(out));
            this.rowWriter = rowWriter;
            this.outCh = outCh;
            this.errCh = errCh;
            this.outW = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(outCh), StandardCharsets.UTF_8));
            this.errW = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(errCh), StandardCharsets.UTF_8));
        }

        /** Opens the partial files: new ones with their headers, or a resumed run's cut to the journal's lengths. */
        static Outputs open(Path out, PredictionWriter rowWriter, Journal journal) throws IOException {
            FileChannel outCh = BatchScorer.open(partialFile(out), journal == null ? 0 : journal.outBytes());
            FileChannel errCh;
            try {
                errCh = BatchScorer.open(partialFile(errorsFile(out)), journal == null ? 0 : journal.errBytes());
            } catch (IOException | RuntimeException e) {
                outCh.close();
                throw e;
            }
            Outputs o = new Outputs(out, rowWriter, outCh, errCh);
            if (journal == null) {
                rowWriter.header(o.outW);
                CSVFormat.RFC4180.printRecord(o.errW, "id", "reason");
            }
            return o;
        }

        /** Writes a chunk's rows: predictions to the output, errors to the errors file. */
        void write(Chunk chunk, Tally tally, Double threshold) throws IOException {
            writeRows(chunk, tally, threshold, rowWriter, outW,
                    (id, reason) -> CSVFormat.RFC4180.printRecord(errW, id, reason));
        }

        /** Forces the rows so far to disk and records them, with the counts, in the journal. */
        void commit(String fingerprint, Tally tally, double seconds) throws IOException {
            outW.flush();
            errW.flush();
            outCh.force(false);
            errCh.force(false);
            Journal committed = new Journal(fingerprint, tally.consumed, outCh.position(), errCh.position(),
                    tally.scored, tally.failed, tally.counts, seconds);
            AtomicFiles.write(journalFile(out), os -> Json.MAPPER.writeValue(os, committed));
        }

        /** Renames the complete files into place and drops the journal; the errors file only if there were errors. */
        Path finish(long failed) throws IOException {
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
            Files.deleteIfExists(journalFile(out));
            return failed == 0 ? null : errFile;
        }

        @Override
        public void close() throws IOException {
            try {
                outCh.close();
            } finally {
                errCh.close();
            }
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

    /** One document read and encoded, with its flags; or, with {@code error} set, why it cannot be scored. */
    private record Encoded(TextClassifier.EncodedText text, String flags, String error) {
        static Encoded error(String error) {
            return new Encoded(null, null, error);
        }
    }

    /** Reads, tokenizes and predicts one chunk on a worker thread; a bad document becomes an error row. */
    static Chunk process(TextClassifier c, List<SourceItem> items, long maxBytes) {
        return new Chunk(predict(c, items, SourceItem::id, item -> readAndEncode(c, item, maxBytes)));
    }

    /**
     * One document of a chunk for {@link #scoreChunk}: a file's content read by the caller (from
     * any file system, at most {@code maxBytes} as {@link TextFiles#read} does), a text in hand,
     * or why it cannot be scored.
     */
    public record ChunkItem(String id, TextFiles.Content content, String text, String problem) {
        public static ChunkItem content(String id, TextFiles.Content content) {
            return new ChunkItem(id, content, null, null);
        }

        public static ChunkItem text(String id, String text) {
            return new ChunkItem(id, null, text, null);
        }

        public static ChunkItem problem(String id, String problem) {
            return new ChunkItem(id, null, null, problem);
        }
    }

    /**
     * Scores one chunk exactly as {@code score} scores its chunks (the same flags, errors and
     * length-sorted batches, so the same items give the same rows): for scorers that read
     * documents themselves, such as the Spark job.
     */
    public static List<ScoredRow> scoreChunk(TextClassifier c, List<ChunkItem> items, long maxBytes) {
        return predict(c, items, ChunkItem::id, item -> {
            try {
                if (item.problem() != null) {
                    return Encoded.error(item.problem());
                }
                return item.content() != null ? encodeContent(c, item.content(), maxBytes) : encode(c, item.text(),
                        new StringBuilder(), false);
            } catch (RuntimeException e) {
                return Encoded.error("failed: " + e);
            }
        });
    }

    /** The reason a document that could not be read gets in the errors file. */
    public static String unreadable(IOException e) {
        return "unreadable: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** The label a row gets: the most probable, or with a threshold on two labels the second when p >= threshold. */
    public static String label(Prediction p, Double threshold) {
        return decide(p, threshold);
    }

    /** The {@code k} most probable label indexes by falling probability (ties: model order); none when k is 0. */
    public static int[] topK(float[] probs, int k) {
        if (k == 0) {
            return new int[0];
        }
        Integer[] idx = new Integer[probs.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, Comparator.comparingDouble((Integer i) -> -probs[i]));
        return Arrays.stream(idx).mapToInt(Integer::intValue).limit(k).toArray();
    }

    private interface Encoding<T> {
        Encoded apply(T item);
    }

    /** Encodes each item (a bad one becomes an error row), then predicts the rest together, in item order. */
    private static <T> List<ScoredRow> predict(TextClassifier c, List<T> items, Function<T, String> id,
                                               Encoding<T> encoding) {
        ScoredRow[] rows = new ScoredRow[items.size()];
        List<TextClassifier.EncodedText> docs = new ArrayList<>(items.size());
        List<Integer> at = new ArrayList<>(items.size());
        List<String> flags = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Encoded e = encoding.apply(items.get(i));
            if (e.error() != null) {
                rows[i] = new ScoredRow(id.apply(items.get(i)), null, null, e.error());
            } else {
                docs.add(e.text());
                at.add(i);
                flags.add(e.flags());
            }
        }
        if (!docs.isEmpty()) {
            List<Prediction> preds = c.steps().predict(docs);
            for (int j = 0; j < preds.size(); j++) {
                int i = at.get(j);
                rows[i] = new ScoredRow(id.apply(items.get(i)), preds.get(j), flags.get(j), null);
            }
        }
        return List.of(rows);
    }

    /** Reads (a file, up to {@code maxBytes}) and encodes one item; a bad document gives an error, never an exception. */
    private static Encoded readAndEncode(TextClassifier c, SourceItem item, long maxBytes) {
        try {
            if (item.problem() != null) {
                return Encoded.error(item.problem());
            }
            if (item.file() != null) {
                TextFiles.Content content;
                try {
                    content = TextFiles.read(item.file(), maxBytes);
                } catch (IOException e) {
                    return Encoded.error(unreadable(e));
                }
                return encodeContent(c, content, maxBytes);
            }
            return encode(c, item.text(), new StringBuilder(), false);
        } catch (RuntimeException e) {
            return Encoded.error("failed: " + e);
        }
    }

    /** A file's content: binary files are errors; malformed UTF-8 and a cut at maxBytes are flagged. */
    private static Encoded encodeContent(TextClassifier c, TextFiles.Content content, long maxBytes) {
        if (content.binary()) {
            return Encoded.error("binary file (NUL bytes): not text");
        }
        StringBuilder f = new StringBuilder();
        if (content.malformed() > 0) {
            f.append("malformed-utf8:").append(content.malformed());
        }
        if (content.truncated()) {
            f.append(f.isEmpty() ? "" : ";").append("cut-at-bytes:").append(maxBytes);
        }
        return encode(c, content.text(), f, content.truncated());
    }

    private static Encoded encode(TextClassifier c, String text, StringBuilder f, boolean cut) {
        TextClassifier.EncodedText e = c.steps().encode(text);
        if (e.tokens() == 0) {
            f.append(f.isEmpty() ? "" : ";").append(EMPTY_FLAG);
        }
        return new Encoded(cut ? new TextClassifier.EncodedText(e.ids(), e.tokens(), true) : e, f.toString(), null);
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
