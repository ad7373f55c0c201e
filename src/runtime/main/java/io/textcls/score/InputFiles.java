package io.textcls.score;

import io.textcls.TextclsException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Lists the documents under a folder lazily, in sorted depth-first order (by name at each level),
 * so huge folders are never listed whole. Hidden entries and names not matching the glob are
 * counted as skipped; symlinked folders are followed once (loops are reported, not followed).
 */
final class InputFiles implements Iterator<InputFiles.Item> {
    /** A file to score, or a problem to report for a path. */
    record Item(Path file, String id, String problem) {
    }

    private final Path root;
    private final PathMatcher glob;
    private final Deque<Iterator<Path>> stack = new ArrayDeque<>();
    private final Set<Path> visited = new HashSet<>();
    private Item next;
    private long skipped;

    InputFiles(Path root, String glob) {
        this.root = root;
        this.glob = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        if (Files.isRegularFile(root)) {
            stack.push(List.of(root).iterator());
        } else if (Files.isDirectory(root)) {
            enter(root);
        } else {
            throw new TextclsException("input " + root + " does not exist (or is not a file or folder)");
        }
    }

    long skipped() {
        return skipped;
    }

    private boolean enter(Path dir) {
        try {
            if (!visited.add(dir.toRealPath())) {
                return false;
            }
            try (Stream<Path> s = Files.list(dir)) {
                stack.push(s.sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                        .toList().iterator());
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedListing(dir, e);
        }
    }

    /** A folder that could not be listed: reported as a problem row, the walk goes on. */
    private static final class UncheckedListing extends RuntimeException {
        final Path dir;

        UncheckedListing(Path dir, IOException cause) {
            super(cause);
            this.dir = dir;
        }
    }

    @Override
    public boolean hasNext() {
        while (next == null && !stack.isEmpty()) {
            Iterator<Path> it = stack.peek();
            if (!it.hasNext()) {
                stack.pop();
                continue;
            }
            Path p = it.next();
            String name = p.getFileName().toString();
            String id = Files.isRegularFile(root) ? name : root.relativize(p).toString().replace('\\', '/');
            if (name.startsWith(".")) {
                skipped++;
            } else if (Files.isDirectory(p)) {
                try {
                    if (!enter(p)) {
                        next = new Item(p, id + "/", "symlink loop: folder already visited");
                    }
                } catch (UncheckedListing e) {
                    next = new Item(p, id + "/", "cannot list folder: " + e.getCause().getMessage());
                }
            } else if (!Files.exists(p)) {
                if (Files.isSymbolicLink(p)) {
                    next = new Item(p, id, "broken symlink");
                }
            } else if (!Files.isRegularFile(p)) {
                skipped++;
            } else if (glob.matches(p.getFileName()) || p.equals(root)) {
                next = new Item(p, id, null);
            } else {
                skipped++;
            }
        }
        return next != null;
    }

    @Override
    public Item next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Item i = next;
        next = null;
        return i;
    }
}
