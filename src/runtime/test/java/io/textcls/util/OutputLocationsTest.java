package io.textcls.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.textcls.TextclsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputLocationsTest {
    @TempDir
    Path dir;

    static String refused(Path file) {
        TextclsException e = assertThrows(TextclsException.class,
                () -> OutputLocations.checkWritable(file, "predictions", "--output"));
        assertTrue(e.getMessage().startsWith("cannot write predictions to " + file + ": "), e.getMessage());
        assertTrue(e.getMessage().endsWith("choose another --output"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    List<Path> entries() throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.toList();
        }
    }

    @Test
    void writableAndCreatableLocationsPassAndLeaveNothingBehind() throws Exception {
        Files.writeString(dir.resolve("old.csv"), "kept");
        List<Path> before = entries();
        OutputLocations.checkWritable(dir.resolve("p.csv"), "predictions", "--output");
        OutputLocations.checkWritable(dir.resolve("old.csv"), "predictions", "--output");
        OutputLocations.checkWritable(dir.resolve("new/deeper/p.csv"), "predictions", "--output");
        OutputLocations.checkWritable(Path.of("relative-name.csv"), "predictions", "--output");
        assertEquals(before, entries(), "no probe file or folder left");
        assertEquals("kept", Files.readString(dir.resolve("old.csv")));
    }

    @Test
    void aFileWhereAFolderShouldBeIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        String m = refused(file.resolve("sub/p.csv"));
        assertTrue(m.contains(file + " is a file, not a folder"), m);
    }

    @Test
    void aFolderIsNotAFile() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("p.csv"));
        assertTrue(refused(folder).contains("it is a folder"));
    }

    @Test
    void aDeviceIsNotReplaced() {
        Path devNull = Path.of("/dev/null");
        assumeTrue(Files.exists(devNull));
        assertTrue(refused(devNull).contains("not a regular file"));
    }

    @Test
    void aReadOnlyFolderIsNamed() throws Exception {
        Path ro = Files.createDirectories(dir.resolve("ro"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(ro), "root writes anywhere: no read-only folder to test with");
            assertTrue(refused(ro.resolve("p.csv")).contains("folder " + ro + " is not writable; make it writable"));
            String m = refused(ro.resolve("missing/p.csv"));
            assertTrue(m.contains("folder " + ro.resolve("missing") + " does not exist and cannot be created: " + ro
                    + " is not writable; create it"), m);
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void aFolderNoFileCanBeCreatedInIsNamed() {
        Path proc = Path.of("/proc");
        assumeTrue(Files.isDirectory(proc.resolve("self")), "no /proc here");
        assertTrue(refused(proc.resolve("p.csv")).contains("folder /proc is not writable"));
    }
}
