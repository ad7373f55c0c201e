package io.textcls.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.TextclsException;
import io.textcls.text.TextPipeline;
import io.textcls.text.TextPipelineSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderCorpusTest {
    @TempDir
    Path root;

    private void file(String rel, String text) throws Exception {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    @Test
    void listsLabelsSortedSkipsUnsupAndHiddenAndIsSorted() throws Exception {
        file("pos/b.txt", "good");
        file("pos/a.txt", "great");
        file("pos/sub/c.txt", "fine");
        file("neg/z.txt", "bad");
        file("unsup/u.txt", "whatever");
        file("pos/.DS_Store", "x");
        file(".git/config", "x");
        FolderCorpus c = FolderCorpus.scan(root, List.of());
        assertEquals(List.of("neg", "pos"), c.labels());
        assertEquals(List.of("neg/z.txt", "pos/a.txt", "pos/b.txt", "pos/sub/c.txt"),
                c.entries().stream().map(CorpusEntry::id).toList());
        assertEquals(List.of(0, 1, 1, 1), c.entries().stream().map(CorpusEntry::label).toList());
        assertEquals(1, c.hiddenSkipped());
    }

    @Test
    void explicitLabelsRestrictAndOrder() throws Exception {
        file("pos/a.txt", "good");
        file("neg/a.txt", "bad");
        file("meh/a.txt", "so so");
        FolderCorpus c = FolderCorpus.scan(root, List.of("pos", "neg"));
        assertEquals(List.of("pos", "neg"), c.labels());
        assertEquals(List.of("pos/a.txt", "neg/a.txt"), c.entries().stream().map(CorpusEntry::id).toList());
    }

    @Test
    void unknownLabelNamesTheMissingFolder() throws Exception {
        file("pos/a.txt", "good");
        TextclsException e = assertThrows(TextclsException.class, () -> FolderCorpus.scan(root, List.of("pos", "neutral")));
        assertTrue(e.getMessage().contains(root.resolve("neutral").toString()), e.getMessage());
    }

    @Test
    void missingRootAndEmptyLabelFolderAreClearErrors() throws Exception {
        TextclsException missing = assertThrows(TextclsException.class,
                () -> FolderCorpus.scan(root.resolve("nope"), List.of()));
        assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
        Files.createDirectories(root.resolve("empty"));
        file("pos/a.txt", "good");
        TextclsException empty = assertThrows(TextclsException.class, () -> FolderCorpus.scan(root, List.of()));
        assertTrue(empty.getMessage().contains("empty") && empty.getMessage().contains("no documents"), empty.getMessage());
    }

    @Test
    void loaderSkipsBinaryCountsMalformedAndKeepsEmptyDocuments() throws Exception {
        file("pos/a.txt", "Great <br /> film");
        file("pos/empty.txt", "");
        file("neg/a.txt", "Bad film");
        file("neg/dup.txt", "Bad film");
        Files.write(root.resolve("neg/bin.txt"), new byte[] {1, 0, 2, 0});
        Files.write(root.resolve("pos/latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xe9});
        FolderCorpus c = FolderCorpus.scan(root, List.of());
        CorpusLoader.Loaded loaded = CorpusLoader.load(c, new TextPipeline(TextPipelineSettings.defaults()), 2, 1 << 20);
        assertEquals(List.of("neg/bin.txt"), loaded.stats().binarySkipped());
        assertEquals(5, loaded.documents().size());
        assertEquals(1, loaded.stats().malformedDocuments());
        TokenizedDocument a = loaded.documents().stream().filter(d -> d.id().equals("pos/a.txt")).findFirst().orElseThrow();
        assertEquals(List.of("great", "film"), List.of(a.tokens()));
        CorpusReport report = CorpusReport.of(loaded, 2);
        assertEquals(1, report.empty());
        assertEquals(1, report.duplicates());
        assertEquals(0, report.crossLabelDuplicates());
        assertTrue(report.toText().contains("1 binary"), report.toText());
    }

    @Test
    void fingerprintChangesWhenAFileChanges() throws Exception {
        file("pos/a.txt", "good");
        file("neg/a.txt", "bad");
        TextPipeline p = new TextPipeline(TextPipelineSettings.defaults());
        String before = CorpusLoader.load(FolderCorpus.scan(root, List.of()), p, 1, 1 << 20).stats().fingerprint();
        assertEquals(before, CorpusLoader.load(FolderCorpus.scan(root, List.of()), p, 2, 1 << 20).stats().fingerprint());
        file("neg/a.txt", "bad!");
        String after = CorpusLoader.load(FolderCorpus.scan(root, List.of()), p, 1, 1 << 20).stats().fingerprint();
        assertTrue(!before.equals(after));
    }

    @Test
    void reportPercentiles() {
        int[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(5, CorpusReport.percentile(sorted, 50));
        assertEquals(9, CorpusReport.percentile(sorted, 90));
        assertEquals(10, CorpusReport.percentile(sorted, 99));
    }
}
