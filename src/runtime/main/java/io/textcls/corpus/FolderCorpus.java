package io.textcls.corpus;

import io.textcls.TextclsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A labeled folder tree, {@code <root>/<label>/**}: each subfolder name is a label. IMDB's
 * {@code unsup} folder holds unlabeled text and is never a label. Files are listed in sorted
 * order (by name, at every level) so every run sees the same documents in the same order.
 * Hidden files and folders (name starting with '.') are skipped and counted.
 *
 * <p>Immutable once scanned.
 */
public final class FolderCorpus {
    /**
     * IMDB's folder of unlabeled reviews: never a label unless asked for by name. The same name as
     * {@code Recipe.SelfTraining.UNLABELED_FOLDER} (self-training's "auto"), which the layering keeps
     * from importing this class: change both together.
     */
    public static final String UNLABELED_FOLDER = "unsup";

    private final Path root;
    private final List<String> labels;
    private final List<CorpusEntry> entries;
    private final int hiddenSkipped;

    private FolderCorpus(Path root, List<String> labels, List<CorpusEntry> entries, int hiddenSkipped) {
        this.root = root;
        this.labels = List.copyOf(labels);
        this.entries = List.copyOf(entries);
        this.hiddenSkipped = hiddenSkipped;
    }

    /**
     * Lists a corpus.
     *
     * @param root the folder holding one subfolder per label
     * @param wanted labels to use, in output order; empty means every subfolder except
     *     {@value #UNLABELED_FOLDER} and hidden ones, in sorted order
     */
    public static FolderCorpus scan(Path root, List<String> wanted) {
        if (!Files.isDirectory(root)) {
            throw new TextclsException("data folder " + root + " does not exist or is not a folder; expected "
                    + "<root>/<label>/*.txt (for IMDB: data/aclImdb/train, made by scripts/get-imdb.sh)");
        }
        List<String> folders = new ArrayList<>();
        for (Path p : sortedChildren(root)) {
            String name = p.getFileName().toString();
            if (Files.isDirectory(p) && !name.startsWith(".")) {
                folders.add(name);
            }
        }
        List<String> labels;
        if (wanted.isEmpty()) {
            labels = folders.stream().filter(f -> !f.equals(UNLABELED_FOLDER)).toList();
            if (labels.isEmpty()) {
                throw new TextclsException("data folder " + root + " has no label subfolders; expected "
                        + "<root>/<label>/*.txt, e.g. " + root.resolve("pos") + " and " + root.resolve("neg"));
            }
        } else {
            labels = List.copyOf(wanted);
            for (String l : labels) {
                if (!folders.contains(l)) {
                    throw new TextclsException("label '" + l + "' has no folder " + root.resolve(l)
                            + "; label folders found: " + folders);
                }
            }
            if (labels.stream().distinct().count() != labels.size()) {
                throw new TextclsException("--labels lists a label twice: " + labels);
            }
        }
        List<CorpusEntry> entries = new ArrayList<>();
        int[] hidden = {0};
        for (int i = 0; i < labels.size(); i++) {
            Path dir = root.resolve(labels.get(i));
            int before = entries.size();
            collect(root, dir, i, entries, hidden);
            if (entries.size() == before) {
                throw new TextclsException("label folder " + dir + " holds no documents; remove it or add files");
            }
        }
        return new FolderCorpus(root, labels, entries, hidden[0]);
    }

    private static void collect(Path root, Path dir, int label, List<CorpusEntry> out, int[] hidden) {
        for (Path p : sortedChildren(dir)) {
            String name = p.getFileName().toString();
            if (name.startsWith(".")) {
                hidden[0]++;
            } else if (Files.isDirectory(p)) {
                collect(root, p, label, out, hidden);
            } else if (Files.isRegularFile(p)) {
                out.add(new CorpusEntry(p, relativeId(root, p), label));
            }
        }
    }

    static List<Path> sortedChildren(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new TextclsException("cannot list folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A path relative to root with '/' separators. */
    public static String relativeId(Path root, Path file) {
        return root.relativize(file).toString().replace(root.getFileSystem().getSeparator(), "/");
    }

    /**
     * The same corpus limited to the given ids; every id must be present, so a changed folder is
     * noticed rather than silently evaluated on fewer documents.
     */
    public FolderCorpus restrictTo(java.util.Set<String> ids) {
        List<CorpusEntry> kept = entries.stream().filter(e -> ids.contains(e.id())).toList();
        if (kept.size() != ids.size()) {
            java.util.Set<String> missing = new java.util.TreeSet<>(ids);
            kept.forEach(e -> missing.remove(e.id()));
            throw new TextclsException(missing.size() + " of the " + ids.size() + " requested documents are not under "
                    + root + " (first: " + missing.iterator().next() + "); is this the folder the classifier was "
                    + "trained on?");
        }
        return new FolderCorpus(root, labels, kept, hiddenSkipped);
    }

    /** A seeded random subset of at most {@code perLabel} documents of each label, in the original order. */
    public FolderCorpus sample(int perLabel, long seed) {
        java.util.Set<String> keep = new java.util.HashSet<>();
        for (int label = 0; label < labels.size(); label++) {
            int l = label;
            List<CorpusEntry> of = new ArrayList<>(entries.stream().filter(e -> e.label() == l).toList());
            java.util.Collections.shuffle(of, new java.util.Random(seed * 7919 + label));
            of.stream().limit(perLabel).forEach(e -> keep.add(e.id()));
        }
        return new FolderCorpus(root, labels, entries.stream().filter(e -> keep.contains(e.id())).toList(),
                hiddenSkipped);
    }

    public Path root() {
        return root;
    }

    /** Label names in output order. */
    public List<String> labels() {
        return labels;
    }

    public List<CorpusEntry> entries() {
        return entries;
    }

    public int hiddenSkipped() {
        return hiddenSkipped;
    }
}
