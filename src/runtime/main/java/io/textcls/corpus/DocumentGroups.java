package io.textcls.corpus;

import io.textcls.TextclsException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Which documents belong together (reviews of one movie, messages of one thread) and so must fall
 * on the same side of a validation split: a validation score on documents whose groups the
 * training split also holds can flatter a model that learned the group rather than the label.
 * Immutable.
 *
 * <p>Where groups come from, as {@code split.groups} names them:
 * <ul>
 *   <li>{@code none}: every document is its own group (a plain random split);</li>
 *   <li>{@code imdb-urls}: the aclImdb layout's {@code <root>/urls_<label>.txt}, whose line i names
 *       the IMDB page of the movie reviewed in {@code <label>/<i>_<rating>.txt}: group = the movie;</li>
 *   <li>{@code auto}: {@code imdb-urls} when the root has those files for every label, else none;</li>
 *   <li>{@code regex:<pattern>}: the first capture group of the pattern, searched in each
 *       document's id (its path under the root), e.g. {@code regex:^[^/]+/([^_]+)_} for files
 *       named {@code <group>_<n>.txt};</li>
 *   <li>any other value: a CSV file of {@code id,group} rows (a header row {@code id,group} is
 *       allowed), ids as the paths under the root.</li>
 * </ul>
 */
public final class DocumentGroups {
    public static final String NONE = "none";
    public static final String AUTO = "auto";
    public static final String IMDB_URLS = "imdb-urls";
    public static final String REGEX = "regex:";
    private static final Pattern IMDB_FILE = Pattern.compile("(?:^|/)(\\d+)_\\d+\\.txt$");
    private static final Pattern IMDB_TITLE = Pattern.compile("/title/(tt\\d+)");

    private final Map<String, String> groupOf;
    private final String source;

    private DocumentGroups(Map<String, String> groupOf, String source) {
        this.groupOf = Map.copyOf(groupOf);
        this.source = source;
    }

    /** No groups: every document stands alone. */
    public static DocumentGroups none() {
        return new DocumentGroups(Map.of(), NONE);
    }

    /** The groups {@code spec} names (see the class comment) for the documents of {@code corpus}. */
    public static DocumentGroups of(String spec, FolderCorpus corpus) {
        String s = spec == null || spec.isBlank() ? NONE : spec.trim();
        if (s.equals(NONE)) {
            return none();
        }
        if (s.equals(AUTO)) {
            return hasImdbUrls(corpus) ? imdbUrls(corpus) : none();
        }
        if (s.equals(IMDB_URLS)) {
            if (!hasImdbUrls(corpus)) {
                throw new TextclsException("split.groups imdb-urls needs " + corpus.root().resolve("urls_<label>.txt")
                        + " for every label " + corpus.labels() + " (aclImdb's layout); use 'auto' to fall back to "
                        + "no groups");
            }
            return imdbUrls(corpus);
        }
        if (s.startsWith(REGEX)) {
            return regex(s.substring(REGEX.length()), ids(corpus));
        }
        return csv(Path.of(s), ids(corpus), corpus.root().toString());
    }

    /**
     * The groups {@code spec} names for the rows of a table: {@code auto} takes the table's group
     * column ({@code columnGroups}, empty without one); {@code regex:} and a CSV file work on the
     * rows' ids as for folders; {@code imdb-urls} is for aclImdb's folders only.
     *
     * @param ids the rows' ids
     * @param columnGroups id to group, from the table's group column (empty: none)
     * @param table the table, for messages
     */
    public static DocumentGroups ofTable(String spec, List<String> ids, Map<String, String> columnGroups,
                                         String table) {
        String s = spec == null || spec.isBlank() ? NONE : spec.trim();
        if (s.equals(NONE)) {
            return none();
        }
        if (s.equals(AUTO)) {
            return columnGroups.isEmpty() ? none() : new DocumentGroups(columnGroups, "the group column of " + table);
        }
        if (s.equals(IMDB_URLS)) {
            throw new TextclsException("split.groups imdb-urls is for aclImdb's folders; " + table + " is a table: "
                    + "name its group column with --group-column and keep split.groups auto");
        }
        if (s.startsWith(REGEX)) {
            return regex(s.substring(REGEX.length()), ids);
        }
        return csv(Path.of(s), ids, table);
    }

    private static List<String> ids(FolderCorpus corpus) {
        return corpus.entries().stream().map(CorpusEntry::id).toList();
    }

    /** The group of a document id; a document no group names is its own. */
    public String groupOf(String id) {
        return groupOf.getOrDefault(id, id);
    }

    /** Where the groups came from, for the model card and the report. */
    public String source() {
        return source;
    }

    /** Whether any document shares a group with another. */
    public boolean grouped() {
        return !groupOf.isEmpty();
    }

    private static boolean hasImdbUrls(FolderCorpus corpus) {
        return corpus.labels().stream().allMatch(l -> Files.isRegularFile(corpus.root().resolve("urls_" + l + ".txt")));
    }

    private static DocumentGroups imdbUrls(FolderCorpus corpus) {
        Map<String, List<String>> urls = new HashMap<>();
        for (String label : corpus.labels()) {
            Path f = corpus.root().resolve("urls_" + label + ".txt");
            try {
                urls.put(label, Files.readAllLines(f, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new TextclsException("cannot read " + f + ": " + e.getMessage(), e);
            }
        }
        Map<String, String> groups = new HashMap<>();
        for (CorpusEntry e : corpus.entries()) {
            String label = corpus.labels().get(e.label());
            Matcher m = IMDB_FILE.matcher(e.id());
            List<String> lines = urls.get(label);
            if (!m.find()) {
                continue;
            }
            int line = Integer.parseInt(m.group(1));
            if (line >= lines.size()) {
                throw new TextclsException(corpus.root().resolve("urls_" + label + ".txt") + " has " + lines.size()
                        + " lines, but " + e.id() + " needs line " + (line + 1) + ": the urls file does not belong to "
                        + "this folder");
            }
            Matcher t = IMDB_TITLE.matcher(lines.get(line));
            groups.put(e.id(), t.find() ? t.group(1) : lines.get(line).trim());
        }
        return new DocumentGroups(groups, IMDB_URLS + " (movie of each review, from urls_<label>.txt)");
    }

    private static DocumentGroups regex(String pattern, List<String> ids) {
        Pattern p;
        try {
            p = Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new TextclsException("split.groups regex '" + pattern + "' is not a valid pattern: "
                    + e.getDescription());
        }
        if (p.matcher("").groupCount() < 1) {
            throw new TextclsException("split.groups regex '" + pattern + "' needs a capture group, e.g. "
                    + "regex:^[^/]+/([^_]+)_");
        }
        Map<String, String> groups = new HashMap<>();
        for (String id : ids) {
            Matcher m = p.matcher(id);
            if (m.find() && m.group(1) != null) {
                groups.put(id, m.group(1));
            }
        }
        return new DocumentGroups(groups, REGEX + pattern);
    }

    private static DocumentGroups csv(Path file, List<String> ids, String where) {
        if (!Files.isRegularFile(file)) {
            throw new TextclsException("split.groups '" + file + "' is not none, auto, imdb-urls, regex:<pattern> nor "
                    + "a CSV file of id,group rows");
        }
        Map<String, String> groups = new HashMap<>();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CSVParser p = CSVParser.parse(r, CSVFormat.DEFAULT)) {
            for (CSVRecord rec : p) {
                if (rec.size() != 2) {
                    throw new TextclsException("groups file " + file + ", line " + rec.getRecordNumber() + ": expected "
                            + "2 columns (id,group), got " + rec.size());
                }
                if (rec.getRecordNumber() == 1 && rec.get(0).equals("id") && rec.get(1).equals("group")) {
                    continue;
                }
                groups.put(rec.get(0), rec.get(1));
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new TextclsException("cannot read groups file " + file + ": " + e.getMessage(), e);
        }
        long known = ids.stream().filter(groups::containsKey).count();
        if (known == 0) {
            throw new TextclsException("groups file " + file + " names none of the documents of " + where
                    + " (ids are paths under a folder, a table's id column or row numbers; e.g. "
                    + (ids.isEmpty() ? "none" : ids.get(0)) + ")");
        }
        return new DocumentGroups(groups, "file " + file);
    }
}
