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
    /** Most documents of a folder tree read (spread evenly over its sorted files, so over its labels; {@value #FILE_CHARS} characters of each at most). */
    static final int SAMPLE_FILES = 2_000;
    /** Most characters counted. */
    static final long SAMPLE_CHARS = 5_000_000;
    /** Most characters counted of one file, so that long documents do not end the walk over the labels early. */
    static final int FILE_CHARS = (int) (SAMPLE_CHARS / SAMPLE_FILES);

    private CorpusScripts() {
    }

    /** Counts the scripts of a folder tree's or a table's texts ({@code columns} name a table's text column). */
    public static Scripts sample(Path data, TableColumns columns) {
        if (TableCorpus.isTable(data)) {
            return sampleTable(data, TableCorpus.open(data, columns).columns().text());
        }
        return sampleEntries(FolderCorpus.scan(data, List.of()).entries());
    }

    /** Counts the scripts of a table's {@code textColumn} (labels, if any, not read), its first {@value #SAMPLE_CHARS} characters. */
    public static Scripts sampleTable(Path table, String textColumn) {
        Scripts scripts = new Scripts();
        long[] chars = {0};
        TableCorpus.forEachText(table, textColumn, t -> {
            scripts.add(t);
            chars[0] += t.length();
            return chars[0] < SAMPLE_CHARS;
        });
        return scripts;
    }

    /** Counts the scripts of the text files anywhere under {@code folder} (a folder of unlabeled documents). */
    public static Scripts sampleFiles(Path folder) {
        Path abs = folder.toAbsolutePath().normalize();
        if (abs.getParent() == null) {
            return new Scripts();
        }
        // read as the one "label" of its parent, which lists it recursively (as pretrain reads it)
        return sampleEntries(FolderCorpus.scan(abs.getParent(), List.of(abs.getFileName().toString())).entries());
    }

    private static Scripts sampleEntries(List<CorpusEntry> entries) {
        Scripts scripts = new Scripts();
        long[] chars = {0};
        int n = Math.min(SAMPLE_FILES, entries.size());
        for (int i = 0; i < n && chars[0] < SAMPLE_CHARS; i++) {
            CorpusEntry e = entries.get((int) ((long) i * entries.size() / n));
            try {
                TextFiles.Content c = TextFiles.read(e.file(), TextFiles.DEFAULT_MAX_BYTES);
                if (!c.binary()) {
                    String t = c.text().length() > FILE_CHARS ? c.text().substring(0, FILE_CHARS) : c.text();
                    scripts.add(t);
                    chars[0] += t.length();
                }
            } catch (IOException ex) {
                // left for reading the corpus to report, with every other unreadable file
            }
        }
        return scripts;
    }
}
