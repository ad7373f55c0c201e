package io.textcls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.classifier.BundleException;
import io.textcls.classifier.TextClassifier;
import io.textcls.golden.GoldenSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundle read ahead is used only for the same, unchanged file; errors come from the command's own load. */
class BundlePreloadTest {
    @TempDir
    Path dir;

    private Path golden(String name) throws Exception {
        return GoldenSet.copy(name, dir);
    }

    @Test
    void theSameUnchangedFileIsReadOnce() throws Exception {
        Path p = golden("format3-lstm-pool");
        int taken = BundlePreload.TAKEN.get();
        assertTrue(BundlePreload.start(new String[] {"score", "--model", p.toString(), "--input", "x"}));
        assertEquals(TextClassifier.load(p).labels().names(), BundlePreload.load(p).labels().names());
        assertEquals(taken + 1, BundlePreload.TAKEN.get());
        BundlePreload.load(p); // taken once: a second load reads the file itself
        assertEquals(taken + 1, BundlePreload.TAKEN.get());
        assertTrue(BundlePreload.start(new String[] {"explain", "--model=" + p, "--text", "x"}));
        BundlePreload.load(dir.resolve(".").resolve(p.getFileName())); // the same file by another name
        assertEquals(taken + 2, BundlePreload.TAKEN.get());
    }

    @Test
    void aChangedOrOtherFileIsLoadedAgain() throws Exception {
        Path p = golden("format3-lstm-pool");
        Path other = golden("format3-gru-pool");
        assertTrue(BundlePreload.start(new String[] {"score", "--model", p.toString()}));
        int taken = BundlePreload.TAKEN.get();
        TextClassifier c = BundlePreload.load(other);
        assertTrue(c.members().get(0).spec().architecture().contains("gru"), c.members().get(0).spec().toString());

        assertTrue(BundlePreload.start(new String[] {"score", "--model", p.toString()}));
        Files.copy(other, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().plusSeconds(60)));
        assertTrue(BundlePreload.load(p).members().get(0).spec().architecture().contains("gru"));
        assertEquals(taken, BundlePreload.TAKEN.get());
    }

    /** {@code link/../m.zip} is the file the system opens through the link, not {@code ./m.zip}. */
    @Test
    void aPathThroughALinkIsTheFileItOpens() throws Exception {
        Path real = Files.createDirectories(dir.resolve("real/sub"));
        Files.createDirectories(dir.resolve("real/models"));
        Files.createDirectories(dir.resolve("models"));
        Files.move(golden("format3-lstm-pool"), dir.resolve("real/models/m.zip"));
        Files.move(golden("format3-gru-pool"), dir.resolve("models/m.zip"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        Path throughLink = link.resolve("../models/m.zip");
        int taken = BundlePreload.TAKEN.get();
        assertTrue(BundlePreload.start(new String[] {"score", "--model", throughLink.toString()}));
        TextClassifier c = BundlePreload.load(dir.resolve("models/m.zip"));
        assertTrue(c.members().get(0).spec().architecture().contains("gru"), c.members().get(0).spec().toString());
        assertEquals(taken, BundlePreload.TAKEN.get());
        assertTrue(BundlePreload.start(new String[] {"score", "--model", throughLink.toString()}));
        c = BundlePreload.load(throughLink);
        assertTrue(c.members().get(0).spec().architecture().contains("lstm"), c.members().get(0).spec().toString());
        assertEquals(taken + 1, BundlePreload.TAKEN.get());
    }

    @Test
    void aFailedReadAheadFailsAsAnyLoad() throws Exception {
        Path bad = dir.resolve("bad.zip");
        Files.writeString(bad, "not a zip");
        assertTrue(BundlePreload.start(new String[] {"evaluate", "--model", bad.toString()}));
        BundleException e = assertThrows(BundleException.class, () -> BundlePreload.load(bad));
        assertTrue(e.getMessage().contains("bad.zip"), e.getMessage());
    }

    @Test
    void onlyCommandsThatReadAnExistingBundle() {
        assertFalse(BundlePreload.start(new String[] {"train", "--model", "x.zip"}));
        assertFalse(BundlePreload.start(new String[] {"score", "--model", dir.resolve("missing.zip").toString()}));
        assertFalse(BundlePreload.start(new String[] {"score", "--model"}));
        assertFalse(BundlePreload.start(new String[] {"--help"}));
    }
}
