package io.textcls.corpus;

/**
 * A document read and tokenized through the text pipeline.
 *
 * <p>A document of a single-label corpus has one label ({@code label}); a document of a
 * multi-label corpus has a set of labels, possibly empty ({@code labelSet}), and its {@code
 * label} is the first of them (-1 when it has none). {@link #labelSet()} answers for both.
 *
 * @param id path relative to the corpus root, or a table row's id
 * @param label label index, or -1 for unlabeled text (and for a multi-label document with no label)
 * @param tokens the tokens, in order (empty for an empty document)
 * @param contentHash 64-bit hash of the normalized text, for duplicate detection
 * @param labelSet the label indices of a multi-label document, ascending and distinct; null for a
 *     single-label one
 */
public record TokenizedDocument(String id, int label, String[] tokens, long contentHash, int[] labelSet) {
    private static final int[] NONE = {};

    /** A single-label (or unlabeled, label -1) document. */
    public TokenizedDocument(String id, int label, String[] tokens, long contentHash) {
        this(id, label, tokens, contentHash, null);
    }

    /** A multi-label document: {@code labels} ascending and distinct, possibly empty. */
    public static TokenizedDocument multiLabel(String id, int[] labels, String[] tokens, long contentHash) {
        return new TokenizedDocument(id, labels.length == 0 ? -1 : labels[0], tokens, contentHash, labels.clone());
    }

    /** The document's labels: its label set, or its one label (none when unlabeled). */
    @Override
    public int[] labelSet() {
        if (labelSet != null) {
            return labelSet.clone();
        }
        return label >= 0 ? new int[] {label} : NONE;
    }

    /** Whether the document carries a label set (it came from a multi-label corpus). */
    public boolean multiLabel() {
        return labelSet != null;
    }

    /** The same document with other tokens. */
    public TokenizedDocument withTokens(String[] newTokens) {
        return new TokenizedDocument(id, label, newTokens, contentHash, labelSet);
    }
}
