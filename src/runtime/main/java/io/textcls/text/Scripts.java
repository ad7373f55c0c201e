package io.textcls.text;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UScript;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a corpus's letters divide among Unicode scripts (Latin, Han, Thai, ...), counted from its
 * texts: what {@code auto} chooses the tokenizer from, shown in the corpus report. Letters only
 * (digits, punctuation and symbols are shared by every script). Not thread-safe.
 */
public final class Scripts {
    /** A script's share of the letters below which {@link #toText} leaves it out. */
    private static final double SHOWN = 0.001;
    /**
     * Least share of the letters in Han, Hiragana and Katakana for {@code auto} to read characters:
     * a Chinese or Japanese corpus is far above it (Latin brand names and the like are a few per
     * cent of its letters), an English one with a few quoted words of Chinese far below.
     */
    static final double CJK_SHARE = 0.2;
    /** The same for the other scripts written without spaces between words (Thai, Lao, Khmer, Burmese). */
    static final double UNSPACED_SHARE = 0.2;
    /** Least share of Latin letters for {@code auto} to keep OpenNLP's English tokenizer. */
    static final double LATIN_SHARE = 0.5;

    private final long[] letters = new long[UScript.CODE_LIMIT];
    private long total;
    private long documents;

    /** Counts the letters of one text. */
    public void add(String text) {
        documents++;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (UCharacter.isLetter(cp)) {
                int s = UScript.getScript(cp);
                if (s >= 0 && s < letters.length) {
                    letters[s]++;
                    total++;
                }
            }
        }
    }

    /** Letters counted. */
    public long letters() {
        return total;
    }

    /** Texts counted. */
    public long documents() {
        return documents;
    }

    /** The share of the letters in one script ({@link UScript} code), 0 before any. */
    public double share(int script) {
        return total == 0 ? 0 : (double) letters[script] / total;
    }

    private double share(int... scripts) {
        double s = 0;
        for (int script : scripts) {
            s += share(script);
        }
        return s;
    }

    /**
     * The tokenizer {@code auto} takes for these scripts, and why:
     * <ul>
     *   <li>Chinese or Japanese (Han and kana at least {@value #CJK_SHARE} of the letters):
     *       {@link TokenizerModels#ICU_CJK_CHARS};</li>
     *   <li>Thai, Lao, Khmer or Burmese (at least {@value #UNSPACED_SHARE}): {@link TokenizerModels#ICU_WORDS},
     *       whose dictionaries find their words;</li>
     *   <li>mostly Latin (at least {@value #LATIN_SHARE}): {@link TokenizerModels#OPENNLP_EN_UD_EWT_1_3}, the
     *       tokenizer every English result here was measured with;</li>
     *   <li>anything else (Cyrillic, Greek, Arabic, Hangul, Devanagari, ...), or no letters:
     *       {@link TokenizerModels#ICU_WORDS}.</li>
     * </ul>
     */
    public Choice choose() {
        double cjk = share(UScript.HAN, UScript.HIRAGANA, UScript.KATAKANA);
        double unspaced = share(UScript.THAI, UScript.LAO, UScript.KHMER, UScript.MYANMAR);
        double latin = share(UScript.LATIN);
        if (cjk >= CJK_SHARE) {
            return new Choice(TokenizerModels.ICU_CJK_CHARS, String.format(Locale.ROOT,
                    "Han and kana are %.0f%% of the letters: ICU words, Chinese and Japanese as characters", 100 * cjk));
        }
        if (unspaced >= UNSPACED_SHARE) {
            return new Choice(TokenizerModels.ICU_WORDS, String.format(Locale.ROOT,
                    "scripts written without spaces are %.0f%% of the letters: ICU's dictionary words", 100 * unspaced));
        }
        if (total > 0 && latin >= LATIN_SHARE) {
            return new Choice(TokenizerModels.OPENNLP_EN_UD_EWT_1_3, String.format(Locale.ROOT,
                    "Latin is %.0f%% of the letters: OpenNLP's English tokenizer", 100 * latin));
        }
        return new Choice(TokenizerModels.ICU_WORDS, total == 0 ? "no letters: ICU words"
                : String.format(Locale.ROOT, "Latin is %.0f%% of the letters: ICU words", 100 * latin));
    }

    /** A tokenizer {@code auto} chose, and the reason, for the log and the model card. */
    public record Choice(String tokenizer, String reason) {
    }

    /** "Latin 97.3%, Han 2.1%, ..." for the scripts with at least 0.1% of the letters, most first. */
    public String toText() {
        if (total == 0) {
            return "no letters";
        }
        List<Integer> shown = new ArrayList<>();
        for (int s = 0; s < letters.length; s++) {
            if (letters[s] > 0 && share(s) >= SHOWN) {
                shown.add(s);
            }
        }
        shown.sort((a, b) -> Long.compare(letters[b], letters[a]));
        StringBuilder sb = new StringBuilder();
        for (int s : shown) {
            sb.append(sb.length() == 0 ? "" : ", ").append(UScript.getName(s))
                    .append(String.format(Locale.ROOT, " %.1f%%", 100 * share(s)));
        }
        return sb.toString();
    }
}
