package io.textcls.score;

import java.nio.file.Path;

/**
 * One input document, not yet read: a file to read, a text already in hand, or a problem to
 * report (broken link, unparsable record) under the document's id.
 */
public record SourceItem(String id, Path file, String text, String problem) {
    static SourceItem file(String id, Path file) {
        return new SourceItem(id, file, null, null);
    }

    static SourceItem text(String id, String text) {
        return new SourceItem(id, null, text, null);
    }

    static SourceItem problem(String id, String problem) {
        return new SourceItem(id, null, null, problem);
    }
}
