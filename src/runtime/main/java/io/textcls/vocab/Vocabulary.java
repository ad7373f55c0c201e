package io.textcls.vocab;

import io.textcls.TextclsException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Token ↔ id mapping. Id 0 is {@value #PAD}, id 1 is {@value #UNK}; the rest are in a
 * deterministic order (count descending, then token ascending). Immutable and thread-safe.
 */
public final class Vocabulary {
    public static final String PAD = "<pad>";
    public static final String UNK = "<unk>";
    public static final int PAD_ID = 0;
    public static final int UNK_ID = 1;

    private final List<String> tokens;
    private final Map<String, Integer> ids;

    private Vocabulary(List<String> tokens) {
        this.tokens = List.copyOf(tokens);
        this.ids = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) {
            if (this.ids.putIfAbsent(tokens.get(i), i) != null) {
                throw new TextclsException("vocabulary lists token '" + tokens.get(i) + "' twice (line " + (i + 1) + ")");
            }
        }
    }

    /**
     * Builds a vocabulary from token counts.
     *
     * @param counts token counts over the training split only
     * @param maxSize the most ids, {@code <pad>} and {@code <unk>} included
     * @param minCount tokens seen fewer times map to {@code <unk>}
     */
    public static Vocabulary build(Map<String, Long> counts, int maxSize, int minCount) {
        if (maxSize < 3) {
            throw new TextclsException("vocabulary size must be at least 3 (<pad>, <unk> and one token), got " + maxSize);
        }
        List<Map.Entry<String, Long>> kept = new ArrayList<>();
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            if (e.getValue() >= minCount && !e.getKey().equals(PAD) && !e.getKey().equals(UNK)) {
                kept.add(e);
            }
        }
        kept.sort((a, b) -> {
            int c = Long.compare(b.getValue(), a.getValue());
            return c != 0 ? c : a.getKey().compareTo(b.getKey());
        });
        List<String> tokens = new ArrayList<>(Math.min(maxSize, kept.size() + 2));
        tokens.add(PAD);
        tokens.add(UNK);
        for (int i = 0; i < kept.size() && tokens.size() < maxSize; i++) {
            tokens.add(kept.get(i).getKey());
        }
        return new Vocabulary(tokens);
    }

    /** A vocabulary from its saved token list; checks the reserved ids. */
    public static Vocabulary of(List<String> tokens) {
        if (tokens.size() < 2 || !tokens.get(PAD_ID).equals(PAD) || !tokens.get(UNK_ID).equals(UNK)) {
            throw new TextclsException("vocabulary must start with " + PAD + " and " + UNK + " (ids 0 and 1), found "
                    + tokens.subList(0, Math.min(2, tokens.size())));
        }
        return new Vocabulary(tokens);
    }

    /** The id of a token, or {@link #UNK_ID}. */
    public int id(String token) {
        Integer id = ids.get(token);
        return id == null ? UNK_ID : id;
    }

    public String token(int id) {
        return tokens.get(id);
    }

    public int size() {
        return tokens.size();
    }

    /** All tokens in id order. */
    public List<String> tokens() {
        return Collections.unmodifiableList(tokens);
    }
}
