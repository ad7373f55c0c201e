package io.textcls.corpus;

import io.textcls.text.Scripts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The scripts of a corpus's letters, counted on a sample of its raw texts before it is read in
 * full: what {@code auto} chooses the tokenizer from, before anything is tokenized.
 */
public final class CorpusScripts {
    /** Most documents of a folder tree read (spread evenly over its sorted files, so over its labels). */
    static final int SAMPLE_FILES = 2_000;
    /** Most characters counted. */
    static final long SAMPLE_CHARS = 5_000_000;

    private CorpusScripts() {
    }

    /** Counts the scripts of a folder tree's or a table's texts ({@code columns} name a table's text column). */
    public static Scripts sample(Path data, TableColumns columns) {
        Scripts scripts = new Scripts();
        long[] chars = {0};
        if (TableCorpus.isTable(data)) {
            TableCorpus.forEachText(data, columns.text(), t -> {
                scripts.add(t);
                chars[0] += t.length();
                return chars[0] < SAMPLE_CHARS;
            });
            return scripts;
        }
        List<CorpusEntry> entries = FolderCorpus.scan(data, List.of()).entries();
        int n = Math.min(SAMPLE_FILES, entries.size());
        for (int i = 0; i < n && chars[0] < SAMPLE_CHARS; i++) {
            CorpusEntry e = entries.get((int) ((long) i * entries.size() / n));
            try {
                TextFiles.Content c = TextFiles.read(e.file(), TextFiles.DEFAULT_MAX_BYTES);
                if (!c.binary()) {
                    scripts.add(c.text());
                    chars[0] += c.text().length();
                }
            } catch (IOException ex) {
                // left for reading the corpus to report, with every other unreadable file
            }
        }
        return scripts;
    }
}
