package io.textcls.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.textcls.TextclsException;
import io.textcls.util.Json;
import io.textcls.vocab.Vocabulary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
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
    void threadsShareOneCacheOfTokenizedChunks() throws Exception {
        TextPipeline p = new TextPipeline(TextPipelineSettings.defaults());
        String text = "It's a film (the director's) - don't miss it, e-mail me: a.b@c.d!";
        List<String> alone = p.tokens(text);
        int cached = p.pieces.size();
        assertTrue(cached > 0, "sanity: chunks were cached");
        Thread[] threads = new Thread[8];
        List<List<String>> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> seen.add(p.tokens(text)));
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(8, seen.size());
        seen.forEach(tokens -> assertEquals(alone, tokens));
        assertEquals(cached, p.pieces.size(), "eight threads, one cache: no chunk cached twice");
        p.tokens("unbelievably-long-hyphenated-compound-words-are-rare here");
        assertEquals(cached + 1, p.pieces.size(), "only the short chunk is remembered: long runs rarely repeat");
    }

    /** The tokens OpenNLP gives for the whole text, with no run limit: what the pipeline did before it had one. */
    static List<String> unbounded(String normalized) {
        OpenNlpTokenizer raw = new OpenNlpTokenizer(TokenizerModels.load(TokenizerModels.DEFAULT));
        return Arrays.stream(raw.tokenize(normalized)).map(t -> t.toLowerCase(Locale.ROOT)).filter(t -> !t.isEmpty())
                .toList();
    }

    @Test
    void tenMegabyteTokenTakesLinearTime() {
        String text = "word".repeat(2_500_000); // 10 MB, no whitespace: hours for the tokenizer without the limit
        List<String> tokens = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> pipeline.tokens(text));
        assertEquals(List.of(TextPipeline.OVERLONG_RUN), tokens);
        String mixed = "Great film. " + text + " Loved it!";
        assertEquals(List.of("great", "film", ".", "<unk>", "loved", "it", "!"),
                assertTimeoutPreemptively(Duration.ofSeconds(20), () -> pipeline.tokens(mixed)));
    }

    @Test
    void runsWithinTheLimitTokenizeExactlyAsBefore() {
        int limit = TextPipelineSettings.DEFAULT_MAX_RUN_CHARS;
        Random r = new Random(3);
        String alphabet = "abcdefghijklmnopqrstuvwxyzABC0123456789.,;:!?'\"-/()&$%*_=+#@";
        for (int doc = 0; doc < 20; doc++) {
            StringBuilder sb = new StringBuilder("This movie wasn't GOOD, it was great! (really) ");
            for (int w = 0; w < 40; w++) {
                int len = w % 10 == 0 ? limit - r.nextInt(3) : 1 + r.nextInt(12); // some runs at or near the limit
                for (int i = 0; i < len; i++) {
                    sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
                }
                sb.append(' ');
            }
            String normalized = pipeline.normalize(sb.toString());
            assertEquals(unbounded(normalized), pipeline.tokensOfNormalized(normalized), "document " + doc);
        }
    }

    @Test
    void onlyRunsOverTheLimitBecomeThePlaceholder() {
        TextPipeline small = new TextPipeline(new TextPipelineSettings(TokenizerModels.DEFAULT, true, true, 8));
        assertEquals(List.of("awful", "12345678", "<unk>", ",", "really", "!"),
                small.tokens("Awful 12345678 123456789 , really!"));
        // The text beside an overlong run is tokenized as if the run were not there.
        List<String> expected = new ArrayList<>(small.tokens("It's a"));
        expected.add("<unk>");
        expected.addAll(small.tokens("\"so-so\" film, sadly."));
        assertEquals(expected, small.tokens("It's a https://example.com/a/long/path \"so-so\" film, sadly."));
        assertEquals(Vocabulary.UNK, TextPipeline.OVERLONG_RUN, "the placeholder is the token no vocabulary learns");
    }

    @Test
    void settingsWithoutARunLimitGetTheDefaultOne() throws Exception {
        // pipeline.json of a bundle written before maxRunChars existed
        TextPipelineSettings old = Json.MAPPER.readValue(
                "{\"tokenizer\": \"" + TokenizerModels.DEFAULT + "\", \"lowercase\": true, \"stripHtml\": true}",
                TextPipelineSettings.class);
        assertNull(old.maxRunChars());
        assertEquals(TextPipelineSettings.DEFAULT_MAX_RUN_CHARS, old.effectiveMaxRunChars());
        TextPipeline p = new TextPipeline(old);
        int limit = TextPipelineSettings.DEFAULT_MAX_RUN_CHARS;
        assertEquals(List.of("x".repeat(limit)), p.tokens("x".repeat(limit)));
        assertEquals(List.of("<unk>"), p.tokens("x".repeat(limit + 1)));

        JsonNode saved = Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(TextPipelineSettings.defaults()));
        assertEquals(limit, saved.get("maxRunChars").asInt());
        assertEquals(TextPipelineSettings.defaults(), Json.MAPPER.treeToValue(saved, TextPipelineSettings.class));
        assertEquals(limit, new TextPipelineSettings(TokenizerModels.DEFAULT, true, true).maxRunChars());
    }

    @Test
    void aRunLimitBelowOneIsAClearError() {
        TextclsException e = assertThrows(TextclsException.class,
                () -> new TextPipelineSettings(TokenizerModels.DEFAULT, true, true, 0));
        assertTrue(e.getMessage().contains("maxRunChars") && e.getMessage().contains("got 0"), e.getMessage());
    }

    @Test
    void normalizeTakesLinearTimeOnHostileMarkup() {
        String spaces = " ".repeat(1_000_000);
        // A break tag's whitespace once backtracked quadratically: 0.3 s for 16,000 spaces, ~20 min for a million.
        assertEquals("<br x", assertTimeoutPreemptively(Duration.ofSeconds(20), () -> pipeline.normalize("<br" + spaces + "x")));
        assertEquals("a b", pipeline.normalize("a<br \n / >b"));
        String unclosed = "<a" + "x".repeat(1_000_000);
        assertEquals(unclosed, assertTimeoutPreemptively(Duration.ofSeconds(20), () -> pipeline.normalize(unclosed)));
        String manyTags = "<i>".repeat(300_000) + "ok";
        assertEquals("ok", assertTimeoutPreemptively(Duration.ofSeconds(20), () -> pipeline.normalize(manyTags)));
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
