package io.textcls.text;

import com.ibm.icu.text.Normalizer2;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.regex.Pattern;

/**
 * The one text-to-tokens path: markup removal, Unicode normalization (NFKC), tokenization (OpenNLP's
 * English tokenizer, or ICU4J's Unicode word segmentation: {@link TokenizerModels}) and lower-casing
 * (for ICU, NFKC case folding). Training, evaluation, scoring and the Java API all tokenize through an instance
 * built from the {@link TextPipelineSettings} saved in the classifier bundle, so serving-time
 * tokens match training-time tokens.
 *
 * <p>Linear cost: OpenNLP's tokenizer takes time quadratic in the length of each run of
 * non-space characters it is given (measured: 0.5 s for a run of 20,000 characters, 1.6 s for
 * 40,000; a 1 MiB document without whitespace, extrapolated, takes 20 minutes or more), so a run
 * longer than {@link TextPipelineSettings#effectiveMaxRunChars()} never reaches it: it becomes the
 * one token {@link #OVERLONG_RUN}. Runs within the limit are
 * tokenized exactly as before, whatever surrounds them, because the tokenizer splits on
 * whitespace first and decides each run on its own characters. The regular expressions of
 * {@link #normalize} are linear too: the tag pattern's repetition is bounded and the break-tag
 * pattern's whitespace is matched possessively (backtracking over it was quadratic in a
 * whitespace run after {@code <br}).
 *
 * <p>Thread-safe: the OpenNLP tokenizer is not, so each thread gets its own.
 */
public final class TextPipeline {
    /**
     * Whitespace is matched possessively ({@code \s*+}): what follows it is never whitespace, so
     * giving some back could not make a match, and backtracking over a long run of it was quadratic.
     */
    private static final Pattern BREAK_TAG = Pattern.compile("(?i)<\\s*+(br|p|hr|/p|div|/div)\\s*+/?\\s*+>");
    private static final Pattern ANY_TAG = Pattern.compile("</?[a-zA-Z][^<>]{0,200}>");
    private static final Pattern ENTITY = Pattern.compile("&(amp|lt|gt|quot|apos|nbsp|#39);");

    /**
     * The token a run of non-space characters longer than the limit becomes. A placeholder rather
     * than a cut: a cut run would still cost the tokenizer the square of the limit and give tokens
     * made of arbitrary fragments (a URL's or a base64 blob's first characters), while the
     * placeholder costs nothing and is the same for every such run. It is {@code <unk>}, the
     * vocabulary's unknown-word token, because that can never be in a vocabulary as a learned word
     * ({@code Vocabulary.build} reserves it as id 1 and drops it from the counts): every classifier,
     * old or new, reads an overlong run as an unknown word, which is what a run that long
     * nearly always is anyway. The text itself cannot fake it with markup removal on, which deletes
     * {@code <unk>} as a tag.
     */
    public static final String OVERLONG_RUN = "<unk>";

    /** ICU's NFKC, loaded only by the ICU tokenizers' pipelines. */
    private static final class IcuNfkc {
        static final Normalizer2 INSTANCE = Normalizer2.getNFKCInstance();
    }

    private final TextPipelineSettings settings;
    private final boolean icu;
    /**
     * Idle tokenizers (neither OpenNLP's nor ICU's is thread-safe): each call takes one and gives it
     * back, so concurrent calls each have their own, and none outlives the pipeline (a server's
     * threads keep nothing of a model it has reloaded away).
     */
    private final ConcurrentLinkedDeque<OpenNlpTokenizer> tokenizers = new ConcurrentLinkedDeque<>();
    private final ConcurrentLinkedDeque<IcuTokenizer> icuTokenizers = new ConcurrentLinkedDeque<>();
    private final IcuTokenizer.Mode icuMode;
    /** The OpenNLP tokenizers' answers per chunk, shared by all of them (a server tokenizes on many threads). */
    final Map<String, String[]> pieces = new ConcurrentHashMap<>();

    public TextPipeline(TextPipelineSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        TokenizerModels.check(settings.tokenizer());
        this.icu = TokenizerModels.isIcu(settings.tokenizer());
        this.icuMode = TokenizerModels.ICU_CJK_CHARS.equals(settings.tokenizer())
                ? IcuTokenizer.Mode.CJK_CHARS : IcuTokenizer.Mode.WORDS;
        TokenizerModels.prefetch(settings.tokenizer());
    }

    /**
     * Tokens and the same tokens as the text wrote them (after markup removal and NFKC, before
     * lower-casing or case folding), index for index: what {@code explain} shows.
     */
    public record Tokenized(List<String> tokens, List<String> surfaces) {
    }

    /** {@link #tokens} with each token's surface form. */
    public Tokenized tokenize(String raw) {
        List<String> out = new ArrayList<>();
        List<String> surfaces = new ArrayList<>();
        collect(normalize(raw), out, surfaces);
        return new Tokenized(out, surfaces);
    }

    /** How an overlong run is shown: its first characters. */
    static String overlongSurface(String run) {
        int cut = run.offsetByCodePoints(0, Math.min(24, run.codePointCount(0, run.length())));
        return run.substring(0, cut) + "…";
    }

    public TextPipelineSettings settings() {
        return settings;
    }

    /** Normalizes raw text: markup to spaces, entities decoded, NFKC, controls dropped, whitespace collapsed. */
    public String normalize(String raw) {
        String s = raw;
        if (settings.stripHtml()) {
            s = BREAK_TAG.matcher(s).replaceAll(" ");
            s = ANY_TAG.matcher(s).replaceAll(" ");
            s = ENTITY.matcher(s).replaceAll(m -> switch (m.group(1)) {
                case "amp" -> "&";
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                case "apos", "#39" -> "'";
                default -> " ";
            });
        }
        // ICU's NFKC for the ICU tokenizers (its Unicode version is pinned with the tokenizer's name);
        // the JDK's for OpenNLP, as bundles made with it always had.
        s = icu ? IcuNfkc.INSTANCE.normalize(s) : Normalizer.normalize(s, Normalizer.Form.NFKC);
        StringBuilder out = new StringBuilder(s.length());
        boolean space = true; // drops leading whitespace
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isSpace(c)) {
                if (!space) {
                    out.append(' ');
                    space = true;
                }
            } else if (Character.getType(c) == Character.CONTROL || Character.getType(c) == Character.FORMAT) {
                // zero-width and control characters carry no meaning for classification
            } else {
                out.append(c);
                space = false;
            }
        }
        int n = out.length();
        if (n > 0 && out.charAt(n - 1) == ' ') {
            out.setLength(n - 1);
        }
        return out.toString();
    }

    /** Tokens of raw text, in order. Never null; empty for text with no tokens. */
    public List<String> tokens(String raw) {
        return tokensOfNormalized(normalize(raw));
    }

    /**
     * Tokens of text already passed through {@link #normalize}. A run of non-space characters
     * longer than the limit becomes {@link #OVERLONG_RUN}; the text between such runs goes to the
     * tokenizer as it is.
     */
    public List<String> tokensOfNormalized(String normalized) {
        if (normalized.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        collect(normalized, out, null);
        return out;
    }

    /**
     * Appends the tokens of normalized text to {@code out}, and their surface forms to {@code
     * surfaces} unless it is null. The ICU tokenizers are linear in any text: for them the limit
     * applies to each token (a longer one becomes {@link #OVERLONG_RUN}), since a run without
     * spaces is an ordinary sentence in Chinese or Thai.
     */
    private void collect(String normalized, List<String> out, List<String> surfaces) {
        int limit = settings.effectiveMaxRunChars();
        if (icu) {
            IcuTokenizer t = icuTokenizers.pollFirst();
            if (t == null) {
                t = new IcuTokenizer(icuMode, settings.lowercase());
            }
            try {
                t.tokenize(normalized, limit, out, surfaces);
            } finally {
                icuTokenizers.offerFirst(t);
            }
            return;
        }
        OpenNlpTokenizer tokenizer = tokenizers.pollFirst();
        if (tokenizer == null) {
            tokenizer = new OpenNlpTokenizer(TokenizerModels.load(settings.tokenizer()), pieces);
        }
        try {
            collectOpenNlp(tokenizer, normalized, limit, out, surfaces);
        } finally {
            tokenizers.offerFirst(tokenizer);
        }
    }

    private void collectOpenNlp(OpenNlpTokenizer tokenizer, String normalized, int limit, List<String> out,
                                List<String> surfaces) {
        int from = 0; // start of the text not yet tokenized
        int run = 0; // start of the current run
        int n = normalized.length();
        for (int i = 0; i <= n; i++) {
            if (i == n || isSpace(normalized.charAt(i))) {
                if (i - run > limit) {
                    tokenize(tokenizer, normalized.substring(from, run), out, surfaces);
                    out.add(OVERLONG_RUN);
                    if (surfaces != null) {
                        surfaces.add(overlongSurface(normalized.substring(run, i)));
                    }
                    from = i;
                }
                run = i + 1;
            }
        }
        tokenize(tokenizer, from == 0 ? normalized : normalized.substring(from), out, surfaces);
    }

    /** Appends the tokens of a text with no run over the limit. */
    private void tokenize(OpenNlpTokenizer tokenizer, String text, List<String> out, List<String> surfaces) {
        if (text.isBlank()) {
            return;
        }
        for (String t : tokenizer.tokenize(text)) {
            String tok = settings.lowercase() ? t.toLowerCase(Locale.ROOT) : t;
            if (!tok.isEmpty()) {
                out.add(tok);
                if (surfaces != null) {
                    surfaces.add(t);
                }
            }
        }
    }

    /** Whitespace as {@link #normalize} collapses it (and as the tokenizer splits on it). */
    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }
}
