package io.textcls.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The chunk cache gives OpenNLP's own tokens for the whole text, first time and from the cache. */
class OpenNlpTokenizerTest {
    private static final String[] CHUNKS = {"It's", "movie.", "(the", "end)", "Mr.", "U.S.", "don't", "can't",
        "\"Great\"", "film!!!", "10/10", "$5.99", "e-mail", "self-made", "...", "--", "a", "I", "9", "x.",
        "isn't", "they're", "(1999)", "Dr.Who", "rock'n'roll", "co-star,", "\u00abquote\u00bb", "caf\u00e9", "na\u00efve.",
        "well,", "well;", "Wow?!", "<unk>", "http://x.org/a?b=c", "one.two.three", "!", ":-)", "B-movie",
        "'80s", "1st", "2nd.", "O'Brien's", "\u2014", "\u2026and", "yes/no", "plain", "words", "the", "and"};

    @Test
    void cachedTokensAreOpenNlpsTokens() {
        OpenNlpTokenizer t = new OpenNlpTokenizer(TokenizerModels.load(TokenizerModels.DEFAULT));
        Random random = new Random(11);
        for (int doc = 0; doc < 300; doc++) {
            StringBuilder text = new StringBuilder();
            int n = 1 + random.nextInt(40);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    text.append(random.nextInt(10) == 0 ? "  " : " ");
                }
                text.append(CHUNKS[random.nextInt(CHUNKS.length)]);
            }
            String s = text.toString();
            assertArrayEquals(t.tokenizeUncached(s), t.tokenize(s), s);
        }
        assertArrayEquals(new String[0], t.tokenize(""));
        assertArrayEquals(t.tokenizeUncached(" It's  a movie. "), t.tokenize(" It's  a movie. "));
    }
}
