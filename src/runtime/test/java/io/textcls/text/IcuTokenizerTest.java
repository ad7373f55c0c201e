package io.textcls.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ibm.icu.text.BreakIterator;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.util.ULocale;
import io.textcls.TextclsException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ICU tokenizers: each script as ICU4J segments it, folding, surfaces, limits and versions. */
class IcuTokenizerTest {
    private static final TextPipeline WORDS = pipeline(TokenizerModels.ICU_WORDS);
    private static final TextPipeline CHARS = pipeline(TokenizerModels.ICU_CJK_CHARS);

    private static TextPipeline pipeline(String tokenizer) {
        return new TextPipeline(new TextPipelineSettings(tokenizer, true, true));
    }

    /** What ICU4J itself says: its word boundaries, whitespace segments left out, each segment NFKC case folded. */
    private static List<String> icuSays(String text) {
        String normalized = Normalizer2.getNFKCInstance().normalize(text);
        BreakIterator b = BreakIterator.getWordInstance(ULocale.ROOT);
        b.setText(normalized);
        List<String> out = new ArrayList<>();
        for (int s = b.first(), e = b.next(); e != BreakIterator.DONE; s = e, e = b.next()) {
            String seg = normalized.substring(s, e);
            if (!seg.isBlank()) {
                out.add(Normalizer2.getNFKCCasefoldInstance().normalize(seg));
            }
        }
        return out;
    }

    @Test
    void chineseIsSegmentedIntoDictionaryWords() {
        String zh = "我们住的酒店很干净，服务也非常好！";
        assertEquals(List.of("我们", "住", "的", "酒店", "很", "干净", ",", "服务", "也", "非常", "好", "!"),
                WORDS.tokens(zh));
        assertEquals(icuSays(zh), WORDS.tokens(zh));
    }

    @Test
    void japaneseIsSegmentedIntoDictionaryWords() {
        String ja = "東京の天気は晴れです。";
        assertEquals(List.of("東京", "の", "天気", "は", "晴れ", "です", "。"), WORDS.tokens(ja));
        assertEquals(icuSays(ja), WORDS.tokens(ja));
    }

    @Test
    void thaiIsSegmentedIntoDictionaryWords() {
        String th = "ภาษาไทยเป็นภาษาที่สวยงาม";
        assertEquals(List.of("ภาษา", "ไทย", "เป็น", "ภาษา", "ที่", "สวยงาม"), WORDS.tokens(th));
        assertEquals(icuSays(th), WORDS.tokens(th));
    }

    @Test
    void germanIsCaseFoldedWithSharpS() {
        String de = "Die Straßenbahnhaltestelle ist nicht weit, sagte der Großvater.";
        assertEquals(List.of("die", "strassenbahnhaltestelle", "ist", "nicht", "weit", ",", "sagte", "der",
                "grossvater", "."), WORDS.tokens(de));
        assertEquals(icuSays(de), WORDS.tokens(de));
        assertEquals(WORDS.tokens("STRASSE"), WORDS.tokens("Straße"));
    }

    @Test
    void cjkCharsSplitsHanAndKanaOnly() {
        assertEquals(List.of("我", "们", "住", "的", "酒", "店", "!"), CHARS.tokens("我们住的酒店！"));
        assertEquals(List.of("カ", "タ", "カ", "ナ", "も", "東", "京"), CHARS.tokens("カタカナも東京"));
        // Thai, Hangul and Latin stay words
        assertEquals(List.of("ภาษา", "ไทย", "한국어", "hello", "world"), CHARS.tokens("ภาษาไทย 한국어 Hello world"));
    }

    @Test
    void surfacesAreTheTokensAsWritten() {
        TextPipeline.Tokenized t = WORDS.tokenize("Die <b>Straße</b> ＡＢＣ");
        assertEquals(List.of("die", "strasse", "abc"), t.tokens());
        assertEquals(List.of("Die", "Straße", "ABC"), t.surfaces()); // NFKC made the full-width letters ASCII
        TextPipeline.Tokenized o = new TextPipeline(TextPipelineSettings.defaults()).tokenize("Not GREAT, Bob!");
        assertEquals(List.of("not", "great", ",", "bob", "!"), o.tokens());
        assertEquals(List.of("Not", "GREAT", ",", "Bob", "!"), o.surfaces());
    }

    @Test
    void aLongTextWithoutSpacesIsTokenizedNotDropped() {
        String zh = "我们住的酒店很干净服务也非常好".repeat(400); // 6,000 characters, no space
        List<String> tokens = WORDS.tokens(zh);
        assertFalse(tokens.contains(TextPipeline.OVERLONG_RUN));
        assertTrue(tokens.size() > 3000, tokens.size() + " tokens");
    }

    @Test
    void anOverlongTokenBecomesTheUnknownToken() {
        TextPipeline p = new TextPipeline(new TextPipelineSettings(TokenizerModels.ICU_WORDS, true, true, 16));
        TextPipeline.Tokenized t = p.tokenize("short " + "x".repeat(40) + " end");
        assertEquals(List.of("short", TextPipeline.OVERLONG_RUN, "end"), t.tokens());
        assertTrue(t.surfaces().get(1).startsWith("xxxx") && t.surfaces().get(1).endsWith("…"));
    }

    @Test
    void foldedTokensNeverHoldSpaces() {
        // NFKC maps U+00A8 DIAERESIS and U+FE4D to a space plus a mark or to "_"
        for (String tok : WORDS.tokens("a\u00a8b \u00a8 \u203e x\u00a0y")) {
            assertFalse(tok.isEmpty());
            assertTrue(tok.chars().noneMatch(Character::isWhitespace), "'" + tok + "'");
        }
    }

    @Test
    void tokensNeverHoldSpacesWithoutCaseFoldingEither() {
        TextPipeline unfolded = new TextPipeline(new TextPipelineSettings(TokenizerModels.ICU_WORDS, false, true));
        assertEquals(List.of("Straße", "ABC"), unfolded.tokens("Straße ＡＢＣ"));
        for (String tok : unfolded.tokens("a\u00a8b \u00a8 \u203e")) {
            assertFalse(tok.isEmpty());
            assertTrue(tok.chars().noneMatch(Character::isWhitespace), "'" + tok + "'");
        }
    }

    @Test
    void aKatakanaWordStartingWithTheLongVowelMarkIsSplitToo() {
        List<String> t = CHARS.tokens("ーラーメン");
        assertTrue(t.size() > 1 && t.contains("ラ") && t.contains("メ"), t.toString());
    }

    @Test
    void theLibraryVersionIsPinnedInTheName() {
        assertEquals(TokenizerModels.ICU_VERSION, TokenizerModels.icuRuntimeVersion());
        assertEquals("icu-" + TokenizerModels.ICU_VERSION + "-words", TokenizerModels.ICU_WORDS);
        TextclsException e = assertThrows(TextclsException.class,
                () -> pipeline("icu-78.2-words"));
        assertTrue(e.getMessage().contains("ICU4J 78.2") && e.getMessage().contains(TokenizerModels.ICU_VERSION),
                e.getMessage());
        TextclsException auto = assertThrows(TextclsException.class, () -> pipeline(TokenizerModels.AUTO));
        assertTrue(auto.getMessage().contains("auto"), auto.getMessage());
        for (String bad : List.of("icu-words", "icu-" + TokenizerModels.ICU_VERSION + "-word", "opennlp")) {
            TextclsException u = assertThrows(TextclsException.class, () -> pipeline(bad));
            assertTrue(u.getMessage().startsWith("unknown tokenizer '" + bad + "' (text.tokenizer, --tokenizer)")
                    && u.getMessage().contains(TokenizerModels.ICU_CJK_CHARS), u.getMessage());
        }
    }

    @Test
    void autoChoosesFromTheScripts() {
        assertEquals(TokenizerModels.ICU_CJK_CHARS, choose("很好吃，下次还点这家 OK"));
        assertEquals(TokenizerModels.ICU_CJK_CHARS, choose("東京の天気は晴れです"));
        assertEquals(TokenizerModels.ICU_WORDS, choose("ภาษาไทยเป็นภาษาที่สวยงาม"));
        assertEquals(TokenizerModels.OPENNLP_EN_UD_EWT_1_3, choose("A fine film, with one line of 中文 in it."));
        assertEquals(TokenizerModels.ICU_WORDS, choose("Очень хороший фильм, рекомендую"));
        assertEquals(TokenizerModels.ICU_WORDS, choose("12345 !!!"));
        Scripts s = new Scripts();
        s.add("Hello 世界");
        assertEquals("Latin 71.4%, Han 28.6%", s.toText());
    }

    private static String choose(String text) {
        Scripts s = new Scripts();
        s.add(text);
        return s.choose().tokenizer();
    }
}
