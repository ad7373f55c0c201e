package io.textcls.corpus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.TextNode;
import io.textcls.TextclsException;
import io.textcls.util.Json;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The data rows of a table file, one at a time, never the whole file at once: CSV (RFC 4180, a
 * header row), TSV (Commons CSV's TDF format, as {@code score} reads it) or JSON Lines, each
 * possibly gzipped ({@link TableInput}). Blank lines are passed over (they are no rows, but they
 * count in line numbers). Each row says the physical line it starts on, its row-number id, and
 * either a structural problem (invalid JSON, not an object, a wrong number of CSV fields) or its
 * fields. Broken CSV quoting, which the parser cannot get past, and read failures are
 * TextclsExceptions naming the file and line. Not thread-safe.
 */
abstract class TableSource implements Closeable {
    enum Format { CSV, TSV, JSONL }

    /** A row's fields by column name: a CSV cell as a JSON string, a JSONL field as it is; null where absent. */
    interface Fields {
        JsonNode get(String column);
    }

    /**
     * One data row as read.
     *
     * @param line the physical line (from 1) the row starts on
     * @param rowId the row's id when the table has no id column: the data row number (CSV/TSV, from 1,
     *     blank lines not counted) or the line number (JSONL)
     * @param problem why the row cannot be read as a row, or null
     * @param fields its fields (null with a problem)
     * @param replaced invalid UTF-8 sequences replaced by U+FFFD anywhere in the row
     */
    record Raw(long line, String rowId, String problem, Fields fields, int replaced) {
    }

    protected final Path file;
    protected final TableInput input;

    private TableSource(Path file) {
        this.file = file;
        try {
            this.input = TableInput.open(file);
        } catch (IOException e) {
            throw new TextclsException("cannot read table " + file + ": " + describe(e), e);
        }
    }

    static Format format(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        if (name.endsWith(".csv")) {
            return Format.CSV;
        }
        if (name.endsWith(".tsv")) {
            return Format.TSV;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return Format.JSONL;
        }
        return null;
    }

    /** Opens a table file (a CSV/TSV header is read at once). */
    static TableSource open(Path file) {
        Format f = format(file);
        if (f == null) {
            throw new TextclsException(file + " is not a table: expected a .csv, .tsv, .jsonl or .ndjson file, "
                    + "optionally gzipped (.gz)");
        }
        return f == Format.JSONL ? new Jsonl(file) : new Csv(file, f == Format.TSV);
    }

    /**
     * The columns a table has: its header (CSV/TSV), or the fields of its first JSON object line
     * (JSONL; lines before it that are not JSON objects are passed over here, and are bad rows when
     * the table is loaded).
     */
    abstract List<String> columns();

    /** The next data row, or null at the end. */
    abstract Raw next();

    /** Bytes read from the file so far (compressed bytes for .gz). */
    long bytesRead() {
        return input.bytesRead();
    }

    @Override
    public void close() throws IOException {
        input.close();
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
    }

    /** A CSV or TSV file with a header row. */
    private static final class Csv extends TableSource {
        private final CSVParser parser;
        private final Iterator<CSVRecord> records;
        private final List<String> header;
        private final Map<String, Integer> index = new HashMap<>();
        private boolean started;
        /** The record read ahead (null once the file is done), so that the one before knows where it ends. */
        private CSVRecord ahead;
        private long aheadLine;
        private long dataRows;

        Csv(Path file, boolean tsv) {
            super(file);
            try {
                CSVFormat fmt = (tsv ? CSVFormat.TDF : CSVFormat.RFC4180).builder()
                        .setHeader()
                        .setSkipHeaderRecord(true)
                        .setIgnoreEmptyLines(false) // blank lines are passed over here, keeping line numbers exact
                        .setAllowMissingColumnNames(true) // e.g. pandas' unnamed index column
                        .get();
                this.parser = CSVParser.builder().setReader(input).setFormat(fmt).get();
            } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
                closeQuietly();
                throw new TextclsException("cannot read the header row of " + file + ": " + describe(e), e);
            }
            this.header = List.copyOf(parser.getHeaderNames());
            if (header.isEmpty() || header.size() == 1 && header.get(0).isEmpty()) {
                closeQuietly();
                throw new TextclsException(file + " has no header row: a " + (tsv ? "TSV" : "CSV") + " table's first "
                        + "line names its columns, e.g. text" + (tsv ? "\\t" : ",") + "label");
            }
            for (int i = 0; i < header.size(); i++) {
                index.putIfAbsent(header.get(i), i);
            }
            this.records = parser.iterator();
        }

        private void closeQuietly() {
            try {
                input.close();
            } catch (IOException ignored) {
                // already failing
            }
        }

        @Override
        List<String> columns() {
            return header;
        }

        /** Reads the next record into {@code ahead}; false at the end. */
        private boolean readAhead() {
            long before = parser.getCurrentLineNumber();
            try {
                if (!records.hasNext()) {
                    ahead = null;
                    return false;
                }
                ahead = records.next();
                aheadLine = before + 1;
                return true;
            } catch (UncheckedIOException e) {
                IOException cause = e.getCause();
                if (cause instanceof CSVException && input.failure() == null) {
                    throw new TextclsException(file + ", line " + (before + 1) + ": broken CSV quoting the parser "
                            + "cannot get past (" + cause.getMessage() + "); fix the quoting of this row (a "
                            + "quoted cell must end with a quote followed by a delimiter or line end, and a quote "
                            + "inside it must be doubled). --skip-bad-rows cannot skip it: the rows after it "
                            + "cannot be told apart", e);
                }
                throw new TextclsException("cannot read " + file + " (near line " + (before + 1) + "): "
                        + describe(input.failure() != null ? input.failure() : cause), e);
            }
        }

        @Override
        Raw next() {
            if (!started) {
                started = true;
                readAhead();
            }
            while (ahead != null) {
                CSVRecord r = ahead;
                long line = aheadLine;
                long end = readAhead() ? ahead.getCharacterPosition() : Long.MAX_VALUE;
                int replaced = input.takeBefore(end);
                if (r.size() == 1 && r.get(0).isEmpty()) {
                    continue; // a blank line
                }
                dataRows++;
                String problem = r.size() == header.size() ? null
                        : "the row has " + r.size() + " field" + (r.size() == 1 ? "" : "s") + ", the header has "
                        + header.size() + " (a delimiter too many or too few, or a quote not doubled?)";
                Fields fields = column -> {
                    Integer i = index.get(column);
                    return i == null || i >= r.size() ? null : TextNode.valueOf(r.get(i));
                };
                return new Raw(line, Long.toString(dataRows), problem, fields, replaced);
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            parser.close();
        }
    }

    /** A JSON Lines file: one object per line. */
    private static final class Jsonl extends TableSource {
        private static final ObjectReader READER = Json.MAPPER.reader()
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        private long line;

        Jsonl(Path file) {
            super(file);
        }

        @Override
        List<String> columns() {
            Raw r;
            while ((r = next()) != null) {
                if (r.problem() == null) {
                    List<String> names = new ArrayList<>();
                    ((JsonObjectFields) r.fields()).node().fieldNames().forEachRemaining(names::add);
                    return names;
                }
            }
            throw new TextclsException(file + " holds no JSON object line: a JSONL table holds one JSON object per "
                    + "line, e.g. {\"text\": \"...\", \"label\": \"...\"}");
        }

        @Override
        Raw next() {
            while (true) {
                String l;
                try {
                    l = input.readLine();
                } catch (IOException e) {
                    throw new TextclsException("cannot read " + file + " (near line " + (line + 1) + "): "
                            + describe(e), e);
                }
                if (l == null) {
                    return null;
                }
                line++;
                int replaced = input.takeBefore(input.position());
                if (l.isBlank()) {
                    continue;
                }
                String id = Long.toString(line);
                JsonNode n;
                try {
                    n = READER.readTree(l);
                } catch (JsonProcessingException e) {
                    return new Raw(line, id, "not valid JSON: " + e.getOriginalMessage(), null, replaced);
                }
                if (n == null || !n.isObject()) {
                    String kind = n == null ? "nothing" : n.getNodeType().toString().toLowerCase(Locale.ROOT);
                    return new Raw(line, id, "not a JSON object but " + (n != null && n.isArray() ? "an " : "a ")
                            + kind, null, replaced);
                }
                return new Raw(line, id, null, new JsonObjectFields(n), replaced);
            }
        }
    }

    private record JsonObjectFields(JsonNode node) implements Fields {
        @Override
        public JsonNode get(String column) {
            return node.get(column);
        }
    }
}
