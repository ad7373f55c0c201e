package io.textcls.text;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UScript;
import com.ibm.icu.text.BreakIterator;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.util.ULocale;
import java.util.List;

/**
 * ICU4J's word segmentation: Unicode's word boundaries (UAX #29), with ICU's dictionaries for the
 * scripts written without spaces (Chinese and Japanese, Thai, Lao, Khmer, Burmese). Every segment
 * that is not whitespace is a token, punctuation included (each mark its own, as OpenNLP gives
 * them); with case folding on, a token is its NFKC case fold ({@code NFKC_Casefold}: "Straße" and
 * "STRASSE" are one token).
 *
 * <p>In {@link Mode#CJK_CHARS} a segment of Han, Hiragana or Katakana is split into its
 * characters, so that the networks read characters and the n-gram members count character pairs
 * and triples: measured on Chinese reviews, characters beat dictionary words (docs/results.md).
 *
 * <p>Linear cost: ICU's break engines look at most a bounded window around each boundary
 * (measured: 1 MiB of Chinese without a space segments in about 0.2 s). Not thread-safe (the
 * break iterator holds the text); {@link TextPipeline} keeps one per thread.
 */
final class IcuTokenizer {
    /** How segments of the scripts written without spaces become tokens. */
    enum Mode {
        /** Dictionary words. */
        WORDS,
        /** Han, Hiragana and Katakana as single characters; every other script as words. */
        CJK_CHARS
    }

    private static final Normalizer2 FOLD = Normalizer2.getNFKCCasefoldInstance();
    private final BreakIterator words = BreakIterator.getWordInstance(ULocale.ROOT);
    private final Mode mode;
    private final boolean fold;

    IcuTokenizer(Mode mode, boolean fold) {
        this.mode = mode;
        this.fold = fold;
    }

    /**
     * Appends the tokens of {@code text} (already NFKC-normalized), and where {@code surfaces} is
     * not null each token as written, before case folding.
     */
    void tokenize(String text, int maxChars, List<String> tokens, List<String> surfaces) {
        words.setText(text);
        int start = words.first();
        for (int end = words.next(); end != BreakIterator.DONE; start = end, end = words.next()) {
            if (isBlank(text, start, end)) {
                continue;
            }
            if (end - start > maxChars) {
                tokens.add(TextPipeline.OVERLONG_RUN);
                if (surfaces != null) {
                    surfaces.add(TextPipeline.overlongSurface(text.substring(start, end)));
                }
                continue;
            }
            if (mode == Mode.CJK_CHARS && isCjk(text, start, end)) {
                for (int i = start; i < end; ) {
                    int cp = text.codePointAt(i);
                    int next = i + Character.charCount(cp);
                    add(text.substring(i, next), tokens, surfaces);
                    i = next;
                }
            } else {
                add(text.substring(start, end), tokens, surfaces);
            }
        }
        words.setText(""); // the iterator, kept per thread, holds no document between calls
    }

    private void add(String segment, List<String> tokens, List<String> surfaces) {
        String token = withoutSpaces(fold ? FOLD.normalize(segment) : segment);
        if (token.isEmpty()) {
            return; // a segment of default-ignorable characters only
        }
        tokens.add(token);
        if (surfaces != null) {
            surfaces.add(segment);
        }
    }

    /**
     * Whether a segment is Han, Hiragana or Katakana, by its first character of a script of its
     * own (Japanese's long-vowel mark ー, script Common, can start a katakana word): such a
     * segment is split into characters.
     */
    static boolean isCjk(String text, int start, int end) {
        for (int i = start; i < end; ) {
            int cp = text.codePointAt(i);
            int s = UScript.getScript(cp);
            if (s != UScript.COMMON && s != UScript.INHERITED) {
                return s == UScript.HAN || s == UScript.HIRAGANA || s == UScript.KATAKANA;
            }
            i += Character.charCount(cp);
        }
        return false;
    }

    private static boolean isBlank(String text, int start, int end) {
        for (int i = start; i < end; ) {
            int cp = text.codePointAt(i);
            if (!UCharacter.isUWhiteSpace(cp)) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }

    /**
     * A fold without whitespace: NFKC maps a few compatibility characters to a space and a mark
     * (U+00A8 to U+0020 U+0308), and a token must never hold a space (word2vec's input and the
     * vocabulary file split on them).
     */
    private static String withoutSpaces(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i)) || Character.isSpaceChar(s.charAt(i))) {
                StringBuilder b = new StringBuilder(s.length());
                s.codePoints().filter(cp -> !Character.isWhitespace(cp) && !Character.isSpaceChar(cp))
                        .forEach(b::appendCodePoint);
                return b.toString();
            }
        }
        return s;
    }
}
