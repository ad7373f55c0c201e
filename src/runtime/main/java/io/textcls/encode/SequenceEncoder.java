package io.textcls.encode;

import io.textcls.vocab.Vocabulary;
import java.util.List;

/** Turns tokens into the id sequence the network reads. Immutable and thread-safe. */
public final class SequenceEncoder {
    private final Vocabulary vocabulary;
    private final SequenceSettings settings;

    public SequenceEncoder(Vocabulary vocabulary, SequenceSettings settings) {
        this.vocabulary = vocabulary;
        this.settings = settings;
    }

    /**
     * The ids of a document's tokens, cut to the maximum length. Never empty: a document with no
     * tokens becomes a single {@code <unk>} so it still gets a prediction (callers flag it).
     */
    public int[] encode(List<String> tokens) {
        int n = tokens.size();
        if (n == 0) {
            return new int[] {Vocabulary.UNK_ID};
        }
        int len = Math.min(n, settings.maxLength());
        int[] ids = new int[len];
        if (settings.truncation() == SequenceSettings.Truncation.HEAD_TAIL && n > len) {
            int head = len / 3;
            for (int i = 0; i < head; i++) {
                ids[i] = vocabulary.id(tokens.get(i));
            }
            for (int i = head; i < len; i++) {
                ids[i] = vocabulary.id(tokens.get(n - len + i));
            }
            return ids;
        }
        int start = settings.truncation() == SequenceSettings.Truncation.TAIL ? n - len : 0;
        for (int i = 0; i < len; i++) {
            ids[i] = vocabulary.id(tokens.get(start + i));
        }
        return ids;
    }

    /**
     * Which tokens {@link #encode} reads, for a document of {@code n} tokens: the token index of
     * each id, in order (empty for {@code n == 0}, whose single id is {@code <unk>}).
     */
    public int[] positions(int n) {
        int len = Math.min(n, settings.maxLength());
        int[] pos = new int[len];
        if (settings.truncation() == SequenceSettings.Truncation.HEAD_TAIL && n > len) {
            int head = len / 3;
            for (int i = 0; i < len; i++) {
                pos[i] = i < head ? i : n - len + i;
            }
            return pos;
        }
        int start = settings.truncation() == SequenceSettings.Truncation.TAIL ? n - len : 0;
        for (int i = 0; i < len; i++) {
            pos[i] = start + i;
        }
        return pos;
    }

    /** Array form of {@link #encode(List)}. */
    public int[] encode(String[] tokens) {
        return encode(List.of(tokens));
    }

    public SequenceSettings settings() {
        return settings;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }
}
