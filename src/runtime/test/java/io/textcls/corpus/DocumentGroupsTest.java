package io.textcls.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.TextclsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentGroupsTest {
    @TempDir
    Path dir;

    /** An aclImdb-style folder: pos/<i>_<rating>.txt, with urls_pos.txt naming each review's movie. */
    private Path imdbLike() throws Exception {
        Path root = dir.resolve("train");
        for (String label : List.of("pos", "neg")) {
            Files.createDirectories(root.resolve(label));
            StringBuilder urls = new StringBuilder();
            for (int i = 0; i < 6; i++) {
                Files.writeString(root.resolve(label + "/" + i + "_" + (label.equals("pos") ? 9 : 2) + ".txt"),
                        label + " review " + i);
                urls.append("http://www.imdb.com/title/tt000000").append(i / 3).append("/usercomments\n");
            }
            Files.writeString(root.resolve("urls_" + label + ".txt"), urls);
        }
        return root;
    }

    @Test
    void imdbUrlsGroupReviewsByMovie() throws Exception {
        FolderCorpus c = FolderCorpus.scan(imdbLike(), List.of());
        DocumentGroups g = DocumentGroups.of("auto", c);
        assertTrue(g.grouped());
        assertEquals("tt0000000", g.groupOf("pos/0_9.txt"));
        assertEquals("tt0000000", g.groupOf("neg/2_2.txt"));
        assertEquals("tt0000001", g.groupOf("pos/5_9.txt"));
        assertEquals(g.groupOf("pos/3_9.txt"), g.groupOf("neg/4_2.txt"), "one movie, both labels");
    }

    @Test
    void autoWithoutUrlsFilesIsNoGroups() throws Exception {
        Path root = imdbLike();
        Files.delete(root.resolve("urls_neg.txt"));
        FolderCorpus c = FolderCorpus.scan(root, List.of());
        assertFalse(DocumentGroups.of("auto", c).grouped());
        TextclsException e = assertThrows(TextclsException.class, () -> DocumentGroups.of("imdb-urls", c));
        assertTrue(e.getMessage().contains("urls_<label>.txt"), e.getMessage());
    }

    @Test
    void regexAndCsvGroups() throws Exception {
        FolderCorpus c = FolderCorpus.scan(imdbLike(), List.of());
        DocumentGroups r = DocumentGroups.of("regex:/(\\d)_", c);
        assertEquals("3", r.groupOf("pos/3_9.txt"));
        assertThrows(TextclsException.class, () -> DocumentGroups.of("regex:no-group", c));
        Path csv = dir.resolve("groups.csv");
        Files.writeString(csv, "id,group\npos/0_9.txt,a\nneg/0_2.txt,a\n");
        DocumentGroups f = DocumentGroups.of(csv.toString(), c);
        assertEquals("a", f.groupOf("neg/0_2.txt"));
        assertEquals("pos/1_9.txt", f.groupOf("pos/1_9.txt"), "a document no row names is its own group");
        Files.writeString(csv, "x,y\n");
        TextclsException none = assertThrows(TextclsException.class, () -> DocumentGroups.of(csv.toString(), c));
        assertTrue(none.getMessage().contains("names none"), none.getMessage());
        TextclsException missing = assertThrows(TextclsException.class,
                () -> DocumentGroups.of(dir.resolve("nope.csv").toString(), c));
        assertTrue(missing.getMessage().contains("nope.csv"), missing.getMessage());
    }
}
