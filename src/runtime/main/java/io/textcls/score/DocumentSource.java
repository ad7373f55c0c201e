package io.textcls.score;

import com.fasterxml.jackson.databind.JsonNode;
import io.textcls.TextclsException;
import io.textcls.util.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Where documents come from, in a deterministic order, one at a time (never all in memory): a
 * folder tree (sorted by path), a single text file, a CSV/JSONL table with a text column, or
 * standard input (one document per line).
 */
public abstract class DocumentSource implements Iterator<SourceItem>, AutoCloseable {
    /** Entries passed over on purpose (hidden, not matching the glob). */
    long skipped() {
        return 0;
    }

    @Override
    public void close() throws IOException {
    }

    /**
     * Opens the source an input names.
     *
     * @param input a folder, a file, or "-" for standard input
     * @param textColumn if set, the input file is a CSV or JSONL table and this column holds the text
     * @param idColumn column holding each row's id (default: the row number, from 1)
     */
    static DocumentSource open(String input, String glob, String textColumn, String idColumn, InputStream stdin) {
        if (input.equals("-")) {
            return new Lines(stdin);
        }
        Path path = Path.of(input);
        checkInput(path, textColumn);
        if (textColumn != null) {
            String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
            return name.endsWith(".csv") || name.endsWith(".tsv")
                    ? new CsvTable(path, textColumn, idColumn, name.endsWith(".tsv"))
                    : new JsonlTable(path, textColumn, idColumn);
        }
        return new Folder(new InputFiles(path, glob));
    }

    /**
     * A CSV, TSV or JSONL table read from a stream, exactly as {@code score} reads a table file
     * (the same ids, row numbers and problems): for readers of other file systems, such as the
     * Spark job. {@code name} is the file's name or path: its extension says the format, and
     * errors name it.
     */
    public static DocumentSource table(Reader reader, String name, String textColumn, String idColumn) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".csv") || lower.endsWith(".tsv")
                ? new CsvTable(reader, name, textColumn, idColumn, lower.endsWith(".tsv"))
                : new JsonlTable(new BufferedReader(reader), textColumn, idColumn);
    }

    /** Checks that an input path is there and of the kind the options read: a file or folder, a file for a table. */
    static void checkInput(Path path, String textColumn) {
        if (!Files.isRegularFile(path) && !Files.isDirectory(path)) {
            throw new TextclsException("input " + path + " does not exist (or is not a file or folder); check --input");
        }
        if (textColumn != null && !Files.isRegularFile(path)) {
            throw new TextclsException("--text-column needs --input to be a CSV or JSONL file; " + path
                    + " is not a file");
        }
    }

    /** A folder tree or a single file. */
    static final class Folder extends DocumentSource {
        private final InputFiles files;

        Folder(InputFiles files) {
            this.files = files;
        }

        @Override
        public boolean hasNext() {
            return files.hasNext();
        }

        @Override
        public SourceItem next() {
            InputFiles.Item i = files.next();
            return i.problem() != null ? SourceItem.problem(i.id(), i.problem()) : SourceItem.file(i.id(), i.file());
        }

        @Override
        long skipped() {
            return files.skipped();
        }
    }

    /** Standard input, one document per line; ids are line numbers. */
    static final class Lines extends DocumentSource {
        private final BufferedReader reader;
        private String next;
        private long line;

        Lines(InputStream in) {
            this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)));
        }

        @Override
        public boolean hasNext() {
            if (next == null) {
                try {
                    next = reader.readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException("reading standard input failed", e);
                }
            }
            return next != null;
        }

        @Override
        public SourceItem next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            String t = next;
            next = null;
            return SourceItem.text(Long.toString(++line), t);
        }
    }

    /** A CSV (or TSV) file with a header row. */
    static final class CsvTable extends DocumentSource {
        private final Object path;
        private final CSVParser parser;
        private final Iterator<CSVRecord> records;
        private final String textColumn;
        private final String idColumn;
        private long row;

        CsvTable(Path path, String textColumn, String idColumn, boolean tsv) {
            this(reader(path), path, textColumn, idColumn, tsv);
        }

        private static Reader reader(Path path) {
            try {
                return Files.newBufferedReader(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new TextclsException("cannot read " + path + " as CSV: " + e.getMessage(), e);
            }
        }

        CsvTable(Reader r, Object path, String textColumn, String idColumn, boolean tsv) {
            this.path = path;
            this.textColumn = textColumn;
            this.idColumn = idColumn;
            try {
                CSVFormat fmt = (tsv ? CSVFormat.TDF : CSVFormat.RFC4180).builder().setHeader()
                        .setSkipHeaderRecord(true).get();
                this.parser = CSVParser.builder().setReader(r).setFormat(fmt).get();
            } catch (IOException | RuntimeException e) {
                throw new TextclsException("cannot read " + path + " as CSV: " + e.getMessage(), e);
            }
            if (!parser.getHeaderMap().containsKey(textColumn)) {
                throw new TextclsException(path + " has no column '" + textColumn + "'; its columns: "
                        + parser.getHeaderNames());
            }
            if (idColumn != null && !parser.getHeaderMap().containsKey(idColumn)) {
                throw new TextclsException(path + " has no column '" + idColumn + "'; its columns: "
                        + parser.getHeaderNames());
            }
            this.records = parser.iterator();
        }

        @Override
        public boolean hasNext() {
            try {
                return records.hasNext();
            } catch (UncheckedIOException e) {
                throw new TextclsException(path + ": CSV is malformed after row " + row + ": " + e.getMessage(), e);
            }
        }

        @Override
        public SourceItem next() {
            CSVRecord r = records.next();
            row++;
            String id = idColumn == null ? Long.toString(row) : (r.isSet(idColumn) ? r.get(idColumn) : "row " + row);
            if (!r.isSet(textColumn)) {
                return SourceItem.problem(id, "row " + row + " has no '" + textColumn + "' value");
            }
            return SourceItem.text(id, r.get(textColumn));
        }

        @Override
        public void close() throws IOException {
            parser.close();
        }
    }

    /** A JSON Lines file: one object per line. */
    static final class JsonlTable extends DocumentSource {
        private final BufferedReader reader;
        private final String textColumn;
        private final String idColumn;
        private String next;
        private long line;

        JsonlTable(Path path, String textColumn, String idColumn) {
            this(open(path), textColumn, idColumn);
        }

        JsonlTable(BufferedReader reader, String textColumn, String idColumn) {
            this.textColumn = textColumn;
            this.idColumn = idColumn;
            this.reader = reader;
        }

        private static BufferedReader open(Path path) {
            try {
                return Files.newBufferedReader(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new TextclsException("cannot read " + path + ": " + e.getMessage(), e);
            }
        }

        @Override
        public boolean hasNext() {
            try {
                while (next == null) {
                    String l = reader.readLine();
                    if (l == null) {
                        return false;
                    }
                    line++;
                    if (!l.isBlank()) {
                        next = l;
                    }
                }
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public SourceItem next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            String l = next;
            next = null;
            String fallbackId = Long.toString(line);
            JsonNode n;
            try {
                n = Json.MAPPER.readTree(l);
            } catch (IOException e) {
                return SourceItem.problem(fallbackId, "line " + line + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
            }
            String id = idColumn != null && n.hasNonNull(idColumn) ? n.get(idColumn).asText() : fallbackId;
            JsonNode t = n.get(textColumn);
            if (t == null || !t.isTextual()) {
                return SourceItem.problem(id, "line " + line + " has no string field '" + textColumn + "'");
            }
            return SourceItem.text(id, t.asText());
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
