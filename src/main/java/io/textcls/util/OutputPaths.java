package io.textcls.util;

import io.textcls.TextclsException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks, before any work starts, that an output file can be written where the user asked. */
public final class OutputPaths {
    private OutputPaths() {
    }

    /**
     * Fails with a one-line message naming the path and what to do unless {@code file} can be
     * created or replaced: its folder exists (or can be created) and is writable, and the path is
     * not a folder.
     *
     * @param what what the file is, for the message ("the classifier bundle (--model)")
     */
    public static void checkWritable(Path file, String what) {
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw new TextclsException("cannot write " + what + " to " + file + ": it is a folder; give a file name");
        }
        Path dir = abs.getParent();
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            throw new TextclsException("cannot write " + what + " to " + file + ": " + existing
                    + " is not a folder; choose another path");
        }
        if (!Files.isWritable(existing)) {
            throw new TextclsException("cannot write " + what + " to " + file + ": folder " + existing
                    + " is not writable; choose another path or fix its permissions");
        }
        if (Files.exists(abs) && !Files.isWritable(abs)) {
            throw new TextclsException("cannot write " + what + " to " + file + ": the file exists and is read-only");
        }
    }
}
