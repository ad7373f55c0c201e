package io.textcls.text;

import opennlp.tools.tokenize.TokenizerME;
import opennlp.tools.tokenize.TokenizerModel;

/** One OpenNLP maximum-entropy tokenizer. Not thread-safe: {@link TextPipeline} keeps one per thread. */
final class OpenNlpTokenizer {
    private final TokenizerME tokenizer;

    OpenNlpTokenizer(TokenizerModel model) {
        this.tokenizer = new TokenizerME(model);
    }

    String[] tokenize(String normalized) {
        return tokenizer.tokenize(normalized);
    }
}
