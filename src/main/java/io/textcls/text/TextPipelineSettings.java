package io.textcls.text;

/**
 * Everything that decides how text becomes tokens; saved in the bundle as {@code pipeline.json}.
 *
 * @param tokenizer versioned name of the tokenizer (see {@link TokenizerModels#KNOWN})
 * @param lowercase lower-case tokens (Locale.ROOT) after tokenizing
 * @param stripHtml replace markup such as {@code <br />} with spaces and decode common entities
 */
public record TextPipelineSettings(String tokenizer, boolean lowercase, boolean stripHtml) {
    /** The defaults used for IMDB-style English text. */
    public static TextPipelineSettings defaults() {
        return new TextPipelineSettings(TokenizerModels.DEFAULT, true, true);
    }
}
