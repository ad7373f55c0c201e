package io.textcls.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.TextclsException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextPipelineTest {
    private final TextPipeline pipeline = new TextPipeline(TextPipelineSettings.defaults());

    @Test
    void removesMarkupAndDecodesEntities() {
        assertEquals("Great film. Loved it & more", pipeline.normalize("Great film.<br /><br />Loved <i>it</i> &amp; more"));
    }

    @Test
    void collapsesWhitespaceAndDropsControlCharacters() {
        assertEquals("a b c", pipeline.normalize("  a\t\n b\u00a0\u2028c\u200b\u0007  "));
    }

    @Test
    void appliesNfkc() {
        assertEquals("fi 2", pipeline.normalize("\ufb01 \u2082"));
    }

    @Test
    void tokenizesWithOpenNlpAndLowercases() {
        List<String> tokens = pipeline.tokens("This movie wasn't GOOD, it was great!<br />");
        assertEquals(List.of("this", "movie", "wasn't", "good", ",", "it", "was", "great", "!"), tokens);
    }

    @Test
    void emptyAndMarkupOnlyTextHaveNoTokens() {
        assertTrue(pipeline.tokens("").isEmpty());
        assertTrue(pipeline.tokens(" <br /> \n ").isEmpty());
    }

    @Test
    void keepsCaseWhenAsked() {
        TextPipeline cased = new TextPipeline(new TextPipelineSettings(TokenizerModels.DEFAULT, false, true));
        assertEquals(List.of("Hello", "World"), cased.tokens("Hello World"));
    }

    @Test
    void unknownTokenizerIsAClearError() {
        TextclsException e = assertThrows(TextclsException.class,
                () -> new TextPipeline(new TextPipelineSettings("whitespace-v9", true, true)));
        assertTrue(e.getMessage().contains("whitespace-v9"), e.getMessage());
    }

    @Test
    void isSafeAcrossThreads() throws Exception {
        String text = "One thread's tokens must not leak into another's, whatever the timing.";
        List<String> expected = pipeline.tokens(text);
        Thread[] threads = new Thread[4];
        boolean[] ok = new boolean[threads.length];
        for (int t = 0; t < threads.length; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                boolean good = true;
                for (int i = 0; i < 200; i++) {
                    good &= pipeline.tokens(text).equals(expected);
                }
                ok[id] = good;
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        for (boolean b : ok) {
            assertTrue(b);
        }
    }
}
