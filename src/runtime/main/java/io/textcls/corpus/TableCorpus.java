package io.textcls.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import io.textcls.TextclsException;
import io.textcls.text.TextPipeline;
import io.textcls.util.AtomicFiles;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * A labeled table of documents, read as a stream: CSV (RFC 4180, a header row), TSV (tab-separated,
 * Commons CSV's TDF format) or JSON Lines (one object per line), each optionally gzipped, with a
 * text column and either one label column (one label, or several joined by a separator, or a JSON
 * array) or one 0/1 column per label (the wide format). Bytes are decoded as UTF-8 with invalid
 * sequences replaced by U+FFFD and counted; a leading byte-order mark is dropped.
 *
 * <p>{@link #open} reads only the header (or the first JSON object) and checks the columns;
 * {@link #load} reads, checks and tokenizes every row, on several threads, keeping file order. A
 * bad row (see {@link #load}) is an error naming the file, its line and the reason, or, when asked,
 * skipped and reported ({@link #writeSkipped}). Immutable; each read opens the file again.
 */
public final class TableCorpus {
    private final Path file;
    private final TableColumns requested;
    private final TableColumns columns;

    private TableCorpus(Path file, TableColumns requested, TableColumns columns) {
        this.file = file;
        this.requested = requested;
        this.columns = columns;
    }

    /** A row left out, and why. {@code line}: the physical line it starts on; {@code id}: its id ("" when unknown). */
    public record SkippedRow(long line, String id, String reason) {
    }

    /**
     * A loaded table.
     *
     * @param corpus labels, documents (in file order) and stats: binarySkipped and unreadable empty,
     *     malformed counts rows whose text had invalid UTF-8 (replaced by U+FFFD), truncatedFiles 0,
     *     fingerprint SHA-256 over every kept row's labels, id and normalized text, in order;
     *     hiddenSkipped 0
     * @param multiLabel whether the documents carry label sets ({@link TokenizedDocument#multiLabel})
     *     or one label each
     * @param skipped the bad rows skipped, in file order
     * @param groups id to group for kept rows with a non-empty group cell (empty without a group column)
     * @param rows data rows read: kept, skipped and passed over (not in {@code only})
     * @param tokens tokens of the kept documents
     * @param distinctTokens distinct token strings (each held once)
     */
    public record Loaded(CorpusLoader.Loaded corpus, boolean multiLabel, List<SkippedRow> skipped,
                         Map<String, String> groups, long rows, long tokens, long distinctTokens) {
    }

    /** Whether a path names a table by its name: .csv .tsv .jsonl .ndjson, each optionally followed by .gz (any case). */
    public static boolean isTable(Path p) {
        return p != null && p.getFileName() != null && TableSource.format(p) != null;
    }

    static boolean isGzip(Path p) {
        return p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz");
    }

    /**
     * Opens a table: reads only its header (CSV/TSV) or its first JSON object line (JSONL) and
     * checks that the named columns exist, choosing the label column ("label", else "labels") and
     * expanding the wide format's "*".
     *
     * @throws TextclsException for a file that is not a table by its name, is missing or unreadable,
     *     or lacks a named column (the message lists the columns it has)
     */
    public static TableCorpus open(Path file, TableColumns columns) {
        Objects.requireNonNull(file, "file");
        TableColumns wanted = columns == null ? TableColumns.defaults() : columns;
        if (!isTable(file)) {
            throw new TextclsException(file + " is not a table: expected a .csv, .tsv, .jsonl or .ndjson file, "
                    + "optionally gzipped (.gz)");
        }
        if (!Files.isRegularFile(file)) {
            throw new TextclsException("table " + file + " does not exist or is not a file");
        }
        List<String> have;
        try (TableSource s = TableSource.open(file)) {
            have = s.columns();
        } catch (IOException e) {
            throw new TextclsException("cannot read table " + file + ": " + TableSource.describe(e), e);
        }
        return new TableCorpus(file, wanted, resolve(file, wanted, have));
    }

    /** The columns with the label column chosen and "*" expanded, checked against those the table has. */
    static TableColumns resolve(Path file, TableColumns c, List<String> have) {
        String text = textColumn(file, c, have);
        c = new TableColumns(text, c.label(), c.labelColumns(), c.id(), c.group(), c.labelSeparator());
        String label = null;
        List<String> labelColumns = null;
        if (!c.wide()) {
            if (c.label() != null) {
                require(file, have, c.label(), "label");
                label = c.label();
            } else if (have.contains(TableColumns.LABEL)) {
                label = TableColumns.LABEL;
            } else if (have.contains(TableColumns.LABELS)) {
                label = TableColumns.LABELS;
            } else {
                throw new TextclsException(file + " has no label column: neither '" + TableColumns.LABEL + "' nor '"
                        + TableColumns.LABELS + "' is there; name the label column, or the 0/1 label columns "
                        + "of a wide table; its columns: " + have);
            }
            if (label.equals(c.text())) {
                throw new TextclsException(file + ": the label column and the text column are both '" + label + "'");
            }
        } else {
            Set<String> others = new HashSet<>();
            others.add(c.text());
            if (c.id() != null) {
                others.add(c.id());
            }
            if (c.group() != null) {
                others.add(c.group());
            }
            if (c.labelColumns().equals(List.of(TableColumns.ALL))) {
                labelColumns = have.stream().filter(h -> !h.isEmpty() && !others.contains(h)).distinct().toList();
                if (labelColumns.isEmpty()) {
                    throw new TextclsException(file + " has no label columns: every column is the text, id or group "
                            + "column; its columns: " + have);
                }
            } else {
                for (String l : c.labelColumns()) {
                    require(file, have, l, "label");
                    if (others.contains(l)) {
                        throw new TextclsException(file + ": '" + l + "' cannot be a label column and the text, id "
                                + "or group column at once");
                    }
                }
                labelColumns = c.labelColumns();
            }
        }
        if (c.id() != null) {
            require(file, have, c.id(), "id");
        }
        if (c.group() != null) {
            require(file, have, c.group(), "group");
        }
        return new TableColumns(c.text(), label, labelColumns, c.id(), c.group(), c.labelSeparator());
    }

    /**
     * The text column: the one named, or where the default ({@value TableColumns#TEXT}) is not in a
     * long-format table, the one column that is none of the label ({@value TableColumns#LABEL} or
     * {@value TableColumns#LABELS}), id and group columns: a {@code label,review} table needs no
     * option.
     */
    private static String textColumn(Path file, TableColumns c, List<String> have) {
        if (have.contains(c.text()) || c.wide() || !TableColumns.TEXT.equals(c.text())) {
            require(file, have, c.text(), "text");
            return c.text();
        }
        Set<String> others = new HashSet<>();
        others.add("");
        others.add(c.label() != null ? c.label() : have.contains(TableColumns.LABEL) ? TableColumns.LABEL
                : TableColumns.LABELS);
        if (c.id() != null) {
            others.add(c.id());
        }
        if (c.group() != null) {
            others.add(c.group());
        }
        List<String> rest = have.stream().filter(h -> !others.contains(h)).distinct().toList();
        if (rest.size() != 1) {
            throw new TextclsException(file + " has no text column '" + TableColumns.TEXT + "'; its columns: " + have
                    + ": name the one holding the text (--text-column)");
        }
        return rest.get(0);
    }

    private static void require(Path file, List<String> have, String column, String role) {
        if (!have.contains(column)) {
            throw new TextclsException(file + " has no " + role + " column '" + column + "'; its columns: " + have);
        }
    }

    public Path file() {
        return file;
    }

    /** The columns, resolved: the label column chosen, "*" expanded. */
    public TableColumns columns() {
        return columns;
    }

    /** Whether labels are 0/1 columns, one per label (always multi-label). */
    public boolean wide() {
        return columns.wide();
    }

    /** The columns as asked for at {@link #open} (to check the header again when reading). */
    TableColumns requested() {
        return requested;
    }

    /**
     * Reads, checks and tokenizes every row, streaming (never the whole file in one string);
     * tokenization runs in chunks on {@code threads} threads, results in file order.
     *
     * <p>Bad rows: invalid JSON or a JSON value that is not an object; a CSV row whose field count
     * differs from the header's; the text missing, not a string, or blank; the label missing, not a
     * string, number or array of them, an empty part between separators, or empty in a single-label
     * table; a label not among {@code wantedLabels}; several labels with {@code multiLabel} FALSE; a
     * wide cell that is not 0 or 1; an id missing, empty or already used by an earlier row. Only the
     * id is checked on rows passed over by {@code only}. Broken CSV quoting is always an error.
     *
     * @param wantedLabels labels to use, in output order (empty = every label found, sorted by String
     *     order; wide format: the label columns in order, and a subset of them)
     * @param multiLabel null = detect from the data (multi-label if a row has a label array or
     *     several labels); TRUE/FALSE forces it (FALSE with a multi-label row is a bad row). Wide tables
     *     are always multi-label
     * @param skipBadRows false: the first bad row throws; true: bad rows are skipped and listed
     * @param only null, or the ids to keep (others are passed over, not tokenized); every id in it
     *     must be found on a kept row
     */
    public Loaded load(TextPipeline pipeline, int threads, List<String> wantedLabels, Boolean multiLabel,
                       boolean skipBadRows, Set<String> only) {
        Objects.requireNonNull(pipeline, "pipeline");
        return new TableLoad(this, pipeline, threads, wantedLabels == null ? List.of() : wantedLabels, multiLabel,
                skipBadRows, only).run();
    }

    /**
     * The raw texts of the given ids, in file order, from one more streaming pass over the file
     * (stopping once all are found); rows that cannot be read are passed over.
     *
     * @throws TextclsException when some id is not found
     */
    public Map<String, String> texts(Set<String> ids) {
        Map<String, String> found = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        try (TableSource src = TableSource.open(file)) {
            TableSource.Raw raw;
            while (found.size() < ids.size() && (raw = src.next()) != null) {
                if (raw.problem() != null) {
                    continue;
                }
                String id = raw.rowId();
                if (columns.id() != null) {
                    JsonNode n = raw.fields().get(columns.id());
                    if (n == null || !(n.isTextual() || n.isNumber())) {
                        continue;
                    }
                    id = n.asText();
                }
                if (!ids.contains(id) || found.containsKey(id)) {
                    continue;
                }
                JsonNode t = raw.fields().get(columns.text());
                if (t != null && t.isTextual()) {
                    found.put(id, t.asText());
                }
            }
        } catch (IOException e) {
            throw new TextclsException("cannot read table " + file + ": " + TableSource.describe(e), e);
        }
        if (found.size() < ids.size()) {
            TreeSet<String> missing = new TreeSet<>(ids);
            missing.removeAll(found.keySet());
            throw new TextclsException(missing.size() + " of the " + ids.size() + " ids asked for have no text in "
                    + file + " (first: " + missing.first() + "); has the table changed?");
        }
        return found;
    }

    /**
     * Every row's text, in file order, one streaming pass, labels not read: for text-only uses such
     * as word vectors, where a table may have no label column. Rows without a text (broken, or the
     * field missing or not a string) are counted, not given.
     *
     * @return how many rows had no text
     */
    public static long forEachText(Path file, String textColumn, java.util.function.Consumer<String> action) {
        return forEachText(file, textColumn, t -> {
            action.accept(t);
            return true;
        });
    }

    /** As {@link #forEachText(Path, String, java.util.function.Consumer)}, stopping when {@code action} returns false. */
    public static long forEachText(Path file, String textColumn, java.util.function.Predicate<String> action) {
        long missing = 0;
        try (TableSource src = TableSource.open(file)) {
            TableSource.Raw raw;
            while ((raw = src.next()) != null) {
                JsonNode t = raw.problem() != null ? null : raw.fields().get(textColumn);
                if (t != null && t.isTextual()) {
                    if (!action.test(t.asText())) {
                        break;
                    }
                } else {
                    missing++;
                }
            }
        } catch (IOException e) {
            throw new TextclsException("cannot read table " + file + ": " + TableSource.describe(e), e);
        }
        return missing;
    }

    /** Writes skipped rows as CSV {@code line,id,reason} (with that header), atomically. */
    public static void writeSkipped(Path out, List<SkippedRow> rows) throws IOException {
        AtomicFiles.write(out, os -> {
            Writer w = new OutputStreamWriter(os, StandardCharsets.UTF_8);
            CSVPrinter p = new CSVPrinter(w, CSVFormat.RFC4180.builder().setHeader("line", "id", "reason").get());
            for (SkippedRow r : rows) {
                p.printRecord(r.line(), r.id(), r.reason());
            }
            p.flush();
        });
    }

    @Override
    public String toString() {
        return "table " + file;
    }

    /** The copy of a list used for labels, checked: no blank or repeated label. */
    static List<String> checkedLabels(List<String> wanted) {
        List<String> out = new ArrayList<>(wanted.size());
        for (String l : wanted) {
            if (l == null || l.isBlank()) {
                throw new TextclsException("a label asked for is empty: " + wanted);
            }
            if (out.contains(l)) {
                throw new TextclsException("the labels asked for list '" + l + "' twice: " + wanted);
            }
            out.add(l);
        }
        return List.copyOf(out);
    }
}
