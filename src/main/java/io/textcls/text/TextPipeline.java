package io.textcls.text;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The one text-to-tokens path: markup removal, Unicode normalization, OpenNLP tokenization and
 * lower-casing. Training, evaluation, scoring and the Java API all tokenize through an instance
 * built from the {@link TextPipelineSettings} saved in the classifier bundle, so serving-time
 * tokens match training-time tokens.
 *
 * <p>Thread-safe: the OpenNLP tokenizer is not, so each thread gets its own.
 */
public final class TextPipeline {
    private static final Pattern BREAK_TAG = Pattern.compile("(?i)<\\s*(br|p|hr|/p|div|/div)\\s*/?\\s*>");
    private static final Pattern ANY_TAG = Pattern.compile("</?[a-zA-Z][^<>]{0,200}>");
    private static final Pattern ENTITY = Pattern.compile("&(amp|lt|gt|quot|apos|nbsp|#39);");

    private final TextPipelineSettings settings;
    private final ThreadLocal<OpenNlpTokenizer> tokenizer;

    public TextPipeline(TextPipelineSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        TokenizerModels.check(settings.tokenizer());
        this.tokenizer = ThreadLocal.withInitial(() -> new OpenNlpTokenizer(TokenizerModels.load(settings.tokenizer())));
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
        s = Normalizer.normalize(s, Normalizer.Form.NFKC);
        StringBuilder out = new StringBuilder(s.length());
        boolean space = true; // drops leading whitespace
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
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

    /** Tokens of text already passed through {@link #normalize}. */
    public List<String> tokensOfNormalized(String normalized) {
        if (normalized.isEmpty()) {
            return List.of();
        }
        String[] toks = tokenizer.get().tokenize(normalized);
        List<String> out = new ArrayList<>(toks.length);
        for (String t : toks) {
            String tok = settings.lowercase() ? t.toLowerCase(Locale.ROOT) : t;
            if (!tok.isEmpty()) {
                out.add(tok);
            }
        }
        return out;
    }

}
