package io.textcls.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import opennlp.tools.tokenize.TokenizerME;
import opennlp.tools.tokenize.TokenizerModel;
import opennlp.tools.tokenize.WhitespaceTokenizer;

/**
 * One OpenNLP maximum-entropy tokenizer, with a cache of its answers per whitespace-separated
 * chunk. OpenNLP's {@code TokenizerME} splits the text on whitespace and then decides each split
 * inside a chunk from that chunk alone (its features are the chunk's characters around the
 * position), evaluating its model at every character of every chunk that is not plain
 * alphanumeric. Real text repeats its chunks ("it's", "movie.", "(the") endlessly, so each distinct
 * chunk is tokenized once and its pieces reused: the same tokens, with the model evaluated a small
 * fraction as often. The cache holds at most {@value #MAX_CACHED} chunks of at most
 * {@value #MAX_CACHED_CHARS} characters and starts over when full;
 * its pieces are never changed, so the tokenizers of every thread share one (a server tokenizes on
 * each of its request threads: per-thread caches grew to hundreds of MB). The tokenizer itself is
 * not thread-safe: {@link TextPipeline} keeps one per thread.
 */
final class OpenNlpTokenizer {
    /** The most chunks remembered. */
    static final int MAX_CACHED = 100_000;
    /**
     * The longest chunk remembered: words repeat, long runs rarely do, and with at most 100,000
     * chunks of at most 32 characters the cache stays within a few tens of MB whatever the input.
     */
    static final int MAX_CACHED_CHARS = 32;
    private final TokenizerME tokenizer;
    private final Map<String, String[]> pieces;

    /** @param pieces the cache, shared with other threads' tokenizers of the same model (thread-safe) */
    OpenNlpTokenizer(TokenizerModel model, Map<String, String[]> pieces) {
        this.tokenizer = new TokenizerME(model);
        this.pieces = pieces;
    }

    OpenNlpTokenizer(TokenizerModel model) {
        this(model, new java.util.concurrent.ConcurrentHashMap<>());
    }

    String[] tokenize(String normalized) {
        String[] chunks = WhitespaceTokenizer.INSTANCE.tokenize(normalized);
        List<String> out = new ArrayList<>(chunks.length + chunks.length / 4);
        for (String chunk : chunks) {
            if (chunk.length() < 2) { // OpenNLP never splits a single character
                out.add(chunk);
                continue;
            }
            String[] p = chunk.length() > MAX_CACHED_CHARS ? null : pieces.get(chunk);
            if (p == null) {
                p = tokenizer.tokenize(chunk);
                if (chunk.length() <= MAX_CACHED_CHARS) {
                    if (pieces.size() >= MAX_CACHED) {
                        pieces.clear();
                    }
                    pieces.put(chunk, p);
                }
            }
            for (String s : p) {
                out.add(s);
            }
        }
        return out.toArray(new String[0]);
    }

    /** OpenNLP's own answer for the whole text, without the cache: for tests. */
    String[] tokenizeUncached(String normalized) {
        return tokenizer.tokenize(normalized);
    }
}
