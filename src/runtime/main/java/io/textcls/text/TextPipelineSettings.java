package io.textcls.text;

import io.textcls.TextclsException;

/**
 * Everything that decides how text becomes tokens; saved in the bundle as {@code pipeline.json}.
 *
 * @param tokenizer versioned name of the tokenizer (see {@link TokenizerModels#KNOWN})
 * @param lowercase lower-case tokens (Locale.ROOT) after tokenizing
 * @param stripHtml replace markup such as {@code <br />} with spaces and decode common entities
 * @param maxRunChars the longest run of non-space characters given to the tokenizer; a longer run
 *     becomes the one token {@link TextPipeline#OVERLONG_RUN} (see {@link TextPipeline} for why).
 *     Null in bundles written before the field existed: they get {@link #DEFAULT_MAX_RUN_CHARS},
 *     which changes no token of real text (see {@link #effectiveMaxRunChars()}).
 */
public record TextPipelineSettings(String tokenizer, boolean lowercase, boolean stripHtml, Integer maxRunChars) {
    /**
     * The run limit of new bundles, and of old ones that have none. Measured over the 75,000
     * reviews of aclImdb/train (pos, neg and unsup) after {@link TextPipeline#normalize}: the
     * longest run is 91 characters (a chain of hyphenated words); 99.8% of the 17.4 million runs are
     * shorter than 32 and only 49 reach 64. At 512 the tokenizer's worst case (text made of runs just
     * under the limit) costs about 2 µs per character, under 3 times ordinary review text (0.74 µs);
     * the cost per character grows with the limit (10 µs at 8,192).
     */
    public static final int DEFAULT_MAX_RUN_CHARS = 512;

    public TextPipelineSettings {
        if (maxRunChars != null && maxRunChars < 1) {
            throw new TextclsException("text pipeline setting maxRunChars must be at least 1 (or absent, for the "
                    + "default " + DEFAULT_MAX_RUN_CHARS + "), got " + maxRunChars + "; fix pipeline.json or retrain");
        }
    }

    /** Settings with the default run limit, {@link #DEFAULT_MAX_RUN_CHARS}. */
    public TextPipelineSettings(String tokenizer, boolean lowercase, boolean stripHtml) {
        this(tokenizer, lowercase, stripHtml, DEFAULT_MAX_RUN_CHARS);
    }

    /** The defaults used for IMDB-style English text. */
    public static TextPipelineSettings defaults() {
        return new TextPipelineSettings(TokenizerModels.DEFAULT, true, true, DEFAULT_MAX_RUN_CHARS);
    }

    /**
     * The run limit in force: {@link #maxRunChars}, or {@link #DEFAULT_MAX_RUN_CHARS} where it is
     * null (a bundle from before the field). Old bundles are thus protected from quadratic
     * tokenizing too, and score as before: their texts' runs are never that long (IMDB's longest is
     * 91), and runs within the limit are tokenized exactly as they always were.
     */
    public int effectiveMaxRunChars() {
        return maxRunChars == null ? DEFAULT_MAX_RUN_CHARS : maxRunChars;
    }
}
