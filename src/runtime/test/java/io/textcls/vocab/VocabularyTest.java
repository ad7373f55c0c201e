package io.textcls.vocab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.textcls.TextclsException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VocabularyTest {
    @Test
    void reservesPadAndUnkAndOrdersByCountThenToken() {
        Vocabulary v = Vocabulary.build(Map.of("b", 5L, "a", 5L, "c", 9L, "rare", 1L), 10, 2);
        assertEquals(List.of("<pad>", "<unk>", "c", "a", "b"), v.tokens());
        assertEquals(2, v.id("c"));
        assertEquals(Vocabulary.UNK_ID, v.id("rare"));
        assertEquals(Vocabulary.UNK_ID, v.id("never-seen"));
    }

    @Test
    void capsTheSizeIncludingReservedIds() {
        Vocabulary v = Vocabulary.build(Map.of("a", 3L, "b", 2L, "c", 1L), 3, 1);
        assertEquals(List.of("<pad>", "<unk>", "a"), v.tokens());
    }

    @Test
    void roundTripsThroughItsTokenList() {
        Vocabulary v = Vocabulary.build(Map.of("x", 2L, "y", 3L), 100, 1);
        assertEquals(v.tokens(), Vocabulary.of(v.tokens()).tokens());
    }

    @Test
    void rejectsBadSavedLists() {
        assertThrows(TextclsException.class, () -> Vocabulary.of(List.of("a", "<unk>")));
        assertThrows(TextclsException.class, () -> Vocabulary.of(List.of("<pad>", "<unk>", "a", "a")));
    }

    @Test
    void labelSetsNeedTwoDistinctNames() {
        assertThrows(TextclsException.class, () -> new LabelSet(List.of("only")));
        assertThrows(TextclsException.class, () -> new LabelSet(List.of("a", "a")));
        assertEquals(1, new LabelSet(List.of("neg", "pos")).indexOf("pos"));
    }
}
