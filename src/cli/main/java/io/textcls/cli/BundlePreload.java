package io.textcls.cli;

import io.textcls.classifier.TextClassifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Reads the bundle a command's {@code --model} names on another core while picocli builds the
 * command and checks its options (a fifth of a second on a small machine; a one-line
 * {@code score} is mostly these two). The command then takes the classifier read ahead if it
 * names the same file and the file has not changed since; otherwise, and whenever the read ahead
 * failed, it loads the bundle itself, so errors come where and as they always do.
 */
final class BundlePreload {
    /** The commands whose {@code --model} is a bundle they read (train's is one it writes). */
    static final Set<String> READERS = Set.of("score", "explain", "evaluate");

    private record Ahead(Path file, BasicFileAttributes before, CompletableFuture<TextClassifier> classifier) {
    }

    private static volatile Ahead ahead;
    /** How many loads took the classifier read ahead (for tests). */
    static final java.util.concurrent.atomic.AtomicInteger TAKEN = new java.util.concurrent.atomic.AtomicInteger();

    private BundlePreload() {
    }

    /** Starts reading the bundle if {@code args} name a reading command and an existing file as its model. */
    static boolean start(String[] args) {
        String command = Main.commandName(args);
        if (command == null || !READERS.contains(command)) {
            return false;
        }
        String model = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--model") && i + 1 < args.length) {
                model = args[i + 1];
            } else if (args[i].startsWith("--model=")) {
                model = args[i].substring("--model=".length());
            }
        }
        if (model == null) {
            return false;
        }
        Path file;
        try {
            file = Path.of(model).toAbsolutePath();
        } catch (RuntimeException e) { // not a path here: picocli will say so
            return false;
        }
        BasicFileAttributes before = attributes(file);
        if (before == null || !before.isRegularFile()) {
            return false;
        }
        CompletableFuture<TextClassifier> read = new CompletableFuture<>();
        ahead = new Ahead(file, before, read);
        Thread t = new Thread(() -> {
            try {
                read.complete(TextClassifier.load(file));
            } catch (Throwable e) {
                read.completeExceptionally(e);
            }
        }, "bundle-preload");
        t.setDaemon(true);
        t.start();
        return true;
    }

    /**
     * The classifier read ahead for {@code model} if it is the same file (the file system says so,
     * through any link) and unchanged since (size, time, file key), else one loaded now.
     */
    static TextClassifier load(Path model) {
        Ahead a = ahead;
        ahead = null;
        if (a != null && sameFile(a.file(), model)) {
            try {
                TextClassifier c = a.classifier().join();
                BasicFileAttributes now = attributes(model);
                BasicFileAttributes was = a.before();
                if (now != null && now.size() == was.size() && now.lastModifiedTime().equals(was.lastModifiedTime())
                        && java.util.Objects.equals(now.fileKey(), was.fileKey())) {
                    TAKEN.incrementAndGet();
                    return c;
                }
            } catch (CompletionException e) {
                // read again below, so that the error is reported as for any load
            }
        }
        return TextClassifier.load(model);
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    private static BasicFileAttributes attributes(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
