package io.textcls.corpus;

/**
 * A document read and tokenized through the text pipeline.
 *
 * @param id path relative to the corpus root
 * @param label label index, or -1 for unlabeled text
 * @param tokens the tokens, in order (empty for an empty document)
 * @param contentHash 64-bit hash of the normalized text, for duplicate detection
 */
public record TokenizedDocument(String id, int label, String[] tokens, long contentHash) {
}
