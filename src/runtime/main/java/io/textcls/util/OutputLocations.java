package io.textcls.util;

import io.textcls.TextclsException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Checks, before a command does any work, that it will be able to write an output file, so a
 * long run never ends in an I/O error at its last step, and the user gets one line naming the
 * path instead of a stack trace.
 */
public final class OutputLocations {
    private OutputLocations() {
    }

    /**
     * Checks that {@code file} can be created or replaced the way textcls writes files (a new file
     * or a temporary one beside it, renamed into place; missing folders are created): the file is
     * not a folder, and its folder is a writable folder, or does not exist yet and can be created
     * (its nearest existing ancestor is a writable folder). Whether a folder is writable is found
     * by creating and deleting a probe file in it, which also covers read-only file systems, ACLs
     * and root; nothing stays behind.
     *
     * @param file the file to be written
     * @param what what will be written, for the message: "predictions", "the report", "the model"
     * @param option the option that named the file, for the message: "--output"
     * @throws TextclsException naming the file, what is wrong and what to do
     */
    public static void checkWritable(Path file, String what, String option) {
        Path abs = file.toAbsolutePath().normalize();
        String head = "cannot write " + what + " to " + file + ": ";
        String other = "choose another " + option;
        if (Files.isDirectory(abs)) {
            throw new TextclsException(head + "it is a folder; " + other);
        }
        Path folder = abs.getParent();
        if (folder == null) {
            throw new TextclsException(head + "it names no file; " + other);
        }
        Path existing = folder;
        while (existing != null && !Files.exists(existing)) {
            if (Files.isSymbolicLink(existing)) {
                throw new TextclsException(head + existing + " is a broken symbolic link; fix it or " + other);
            }
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new TextclsException(head + "no part of " + folder + " exists; " + other);
        }
        if (!Files.isDirectory(existing)) {
            throw new TextclsException(head + existing + " is a file, not a folder; " + other);
        }
        String problem = probe(existing);
        if (problem != null) {
            String where = existing.equals(folder) ? "folder " + folder + " " + problem
                    : "folder " + folder + " does not exist and cannot be created: " + existing + " " + problem;
            throw new TextclsException(head + where + "; "
                    + (existing.equals(folder) ? "make it writable or " : "create it or ") + other);
        }
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(abs)) {
            throw new TextclsException(head + "it is not a regular file (a device, pipe or socket), which textcls "
                    + "would replace rather than write to; " + other);
        }
    }

    /** Null if a file can be created in the folder, else why not ("is not writable"). */
    private static String probe(Path folder) {
        Path probe = null;
        try {
            probe = Files.createTempFile(folder, ".textcls-write-check-", ".tmp");
            return null;
        } catch (AccessDeniedException e) {
            return "is not writable";
        } catch (FileSystemException e) {
            return "is not writable (" + (e.getReason() != null ? e.getReason() : "no file can be created in it")
                    + ")";
        } catch (IOException e) {
            return "is not writable (" + e.getMessage() + ")";
        } finally {
            if (probe != null) {
                try {
                    Files.deleteIfExists(probe);
                } catch (IOException ignored) {
                    // a probe file that cannot be deleted is harmless: hidden, empty, and named for what it is
                }
            }
        }
    }
}
