package io.textcls.corpus;

import java.nio.file.Path;

/**
 * One labeled document file of a corpus.
 *
 * @param file the file
 * @param id the path relative to the corpus root, with '/' separators (stable across machines)
 * @param label index into the corpus's label list
 */
public record CorpusEntry(Path file, String id, int label) {
}
