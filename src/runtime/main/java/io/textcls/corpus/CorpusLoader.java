package io.textcls.corpus;

import io.textcls.TextclsException;
import io.textcls.text.TextPipeline;
import io.textcls.util.Progress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and tokenizes a corpus on several threads, keeping corpus order. Unreadable and binary
 * files are skipped, counted and named in the stats; malformed UTF-8 is replaced and counted.
 */
public final class CorpusLoader {
    private static final Logger LOG = LoggerFactory.getLogger(CorpusLoader.class);

    private CorpusLoader() {
    }

    /**
     * What loading met besides good documents.
     *
     * @param binarySkipped ids of files skipped because they hold NUL bytes (not text)
     * @param unreadable ids of files that could not be read, each with the reason
     * @param malformedDocuments documents with malformed UTF-8 (replaced with U+FFFD)
     * @param malformedSequences total malformed sequences replaced
     * @param truncatedFiles files longer than the byte cap, read up to it
     * @param fingerprint SHA-256 over (label, id, content) of every loaded document, in order
     */
    public record Stats(List<String> binarySkipped, List<String> unreadable, int malformedDocuments,
                        long malformedSequences, int truncatedFiles, String fingerprint) {
    }

    /** Loaded documents (skipped files left out) and what loading met. */
    public record Loaded(List<String> labels, List<TokenizedDocument> documents, Stats stats, int hiddenSkipped) {
    }

    /** One file's outcome: a document, or the id of a skipped file and why. */
    private record One(TokenizedDocument doc, String skipId, String skipReason, int malformed, boolean truncated,
                       byte[] digest) {
    }

    public static Loaded load(FolderCorpus corpus, TextPipeline pipeline, int threads, long maxBytes) {
        List<CorpusEntry> entries = corpus.entries();
        One[] results = new One[entries.size()];
        int n = entries.size();
        int workers = Math.max(1, threads);
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "textcls-read");
            t.setDaemon(true);
            return t;
        });
        try (Progress progress = Progress.start("read+tokenize", n, "docs")) {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                futures.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        results[i] = loadOne(entries.get(i), pipeline, maxBytes);
                        progress.step(1);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TextclsException("interrupted while reading " + corpus.root(), e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new TextclsException("reading " + corpus.root() + " failed: " + c, c);
        } finally {
            pool.shutdownNow();
        }
        List<TokenizedDocument> docs = new ArrayList<>(n);
        List<String> binary = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        int malformedDocs = 0;
        long malformed = 0;
        int truncated = 0;
        MessageDigest fp = sha256();
        for (One o : results) {
            if (o.doc == null) {
                if (o.skipReason == null) {
                    binary.add(o.skipId);
                } else {
                    unreadable.add(o.skipId + " (" + o.skipReason + ")");
                }
                continue;
            }
            docs.add(o.doc);
            malformedDocs += o.malformed > 0 ? 1 : 0;
            malformed += o.malformed;
            truncated += o.truncated ? 1 : 0;
            fp.update((o.doc.label() + "\t" + o.doc.id() + "\t").getBytes(StandardCharsets.UTF_8));
            fp.update(o.digest);
        }
        for (String b : binary) {
            LOG.warn("skipped binary (non-text) file {}", b);
        }
        for (String u : unreadable) {
            LOG.warn("skipped unreadable file: {}", u);
        }
        Stats stats = new Stats(List.copyOf(binary), List.copyOf(unreadable), malformedDocs, malformed, truncated,
                HexFormat.of().formatHex(fp.digest()));
        return new Loaded(corpus.labels(), docs, stats, corpus.hiddenSkipped());
    }

    private static One loadOne(CorpusEntry e, TextPipeline pipeline, long maxBytes) {
        TextFiles.Content c;
        try {
            c = TextFiles.read(e.file(), maxBytes);
        } catch (IOException ex) {
            return new One(null, e.id(), ex.getClass().getSimpleName() + ": " + ex.getMessage(), 0, false, null);
        }
        if (c.binary()) {
            return new One(null, e.id(), null, 0, false, null);
        }
        String normalized = pipeline.normalize(c.text());
        List<String> toks = pipeline.tokensOfNormalized(normalized);
        byte[] digest = sha256().digest(normalized.getBytes(StandardCharsets.UTF_8));
        long hash = 0;
        for (int i = 0; i < 8; i++) {
            hash = (hash << 8) | (digest[i] & 0xff);
        }
        return new One(new TokenizedDocument(e.id(), e.label(), toks.toArray(String[]::new), hash), null, null,
                c.malformed(), c.truncated(), digest);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
