package io.textcls.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import io.textcls.TextclsException;
import io.textcls.corpus.TableCorpus.SkippedRow;
import io.textcls.text.TextPipeline;
import io.textcls.util.Progress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link TableCorpus#load}: rows are read and checked on the calling thread, gathered in
 * chunks, and each chunk is tokenized on a fixed pool while the next is read (a bounded number in
 * flight, so memory holds a few chunks of raw text at most). Label indices are settled at the end,
 * when every label and whether the table is multi-label are known; rows with an empty label wait
 * until then (they are fine in a multi-label table, bad in a single-label one).
 */
final class TableLoad {
    private static final Logger LOG = LoggerFactory.getLogger(TableCorpus.class);
    static final int CHUNK = 2048;
    private static final int PROGRESS_ROWS = 1024;
    private static final String FIX = "; fix the row, or pass --skip-bad-rows to skip such rows";

    private final TableCorpus table;
    private final Path file;
    private final TableColumns columns;
    private final TextPipeline pipeline;
    private final int threads;
    private final List<String> wanted;
    private final Boolean multiLabel;
    private final boolean skipBadRows;
    private final Set<String> only;

    /** The label columns read (wide format), in label order. */
    private final List<String> wideColumns;
    /** Label to index when the labels are known up front (asked for, or the wide format's columns). */
    private final Map<String, Integer> fixedIndex;
    /** Labels in the order first met (long format, none asked for), and their indices. */
    private final List<String> discovered = new ArrayList<>();
    private final Map<String, Integer> discoveredIndex = new HashMap<>();
    private final Map<String, Long> idLines = new HashMap<>();
    private final Map<String, String> groupNames = new HashMap<>();
    private final ConcurrentHashMap<String, String> tokenNames = new ConcurrentHashMap<>();
    private final List<Row> kept = new ArrayList<>();
    private final List<SkippedRow> skipped = new ArrayList<>();
    private boolean sawMulti;
    /** Whether the row {@link #longLabels} last read has a label array or several labels. */
    private boolean rowIsMulti;
    private long rows;

    /** A kept row: read on the calling thread, tokenized on a worker ({@code text} is then dropped). */
    private static final class Row {
        final long line;
        final String id;
        /** Label indices (fixed, or into {@code discovered}), distinct; empty for none. */
        final int[] labels;
        final String group;
        final int malformed;
        String text;
        String[] tokens;
        long d0;
        long d1;
        long d2;
        long d3;

        Row(long line, String id, int[] labels, String group, String text, int malformed) {
            this.line = line;
            this.id = id;
            this.labels = labels;
            this.group = group;
            this.text = text;
            this.malformed = malformed;
        }
    }

    /** Why a row is bad (no stack trace: it is a message, not a failure). */
    private static final class BadRow extends Exception {
        private static final long serialVersionUID = 1L;

        BadRow(String reason) {
            super(reason, null, false, false);
        }
    }

    TableLoad(TableCorpus table, TextPipeline pipeline, int threads, List<String> wantedLabels, Boolean multiLabel,
              boolean skipBadRows, Set<String> only) {
        this.table = table;
        this.file = table.file();
        this.columns = table.columns();
        this.pipeline = pipeline;
        this.threads = Math.max(1, threads);
        this.wanted = TableCorpus.checkedLabels(wantedLabels);
        this.multiLabel = multiLabel;
        this.skipBadRows = skipBadRows;
        this.only = only;
        if (columns.wide()) {
            if (Boolean.FALSE.equals(multiLabel)) {
                throw new TextclsException(file + " is a wide table (one 0/1 column per label): it is always "
                        + "multi-label, and cannot be read as single-label");
            }
            for (String l : wanted) {
                if (!columns.labelColumns().contains(l)) {
                    throw new TextclsException("label '" + l + "' asked for is not one of the label columns of "
                            + file + ": " + columns.labelColumns());
                }
            }
            this.wideColumns = wanted.isEmpty() ? columns.labelColumns() : wanted;
            this.fixedIndex = indexOf(wideColumns);
        } else {
            this.wideColumns = null;
            this.fixedIndex = wanted.isEmpty() ? null : indexOf(wanted);
        }
    }

    private static Map<String, Integer> indexOf(List<String> labels) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            m.put(labels.get(i), i);
        }
        return m;
    }

    TableCorpus.Loaded run() {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "textcls-table");
            t.setDaemon(true);
            return t;
        });
        long total = size();
        try (TableSource src = TableSource.open(file);
             Progress progress = Progress.start("read+tokenize " + file.getFileName(), total, "bytes")) {
            checkColumnsAgain(src);
            Deque<Future<?>> inFlight = new ArrayDeque<>();
            List<Row> chunk = new ArrayList<>(CHUNK);
            long reported = 0;
            TableSource.Raw raw;
            while ((raw = src.next()) != null) {
                Row row = accept(raw);
                if (row != null) {
                    kept.add(row);
                    chunk.add(row);
                    if (chunk.size() == CHUNK) {
                        submit(pool, chunk, inFlight);
                        chunk = new ArrayList<>(CHUNK);
                    }
                }
                if (rows % PROGRESS_ROWS == 0) {
                    long b = src.bytesRead();
                    progress.step(b - reported);
                    reported = b;
                }
            }
            if (!chunk.isEmpty()) {
                submit(pool, chunk, inFlight);
            }
            while (!inFlight.isEmpty()) {
                inFlight.poll().get();
            }
            progress.step(src.bytesRead() - reported);
        } catch (IOException e) {
            throw new TextclsException("cannot read table " + file + ": " + TableSource.describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TextclsException("interrupted while reading " + file, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new TextclsException("reading " + file + " failed: " + c, c);
        } finally {
            pool.shutdownNow();
        }
        return finish();
    }

    private long size() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new TextclsException("cannot read table " + file + ": " + TableSource.describe(e), e);
        }
    }

    /** A CSV/TSV header read again must give the same columns as at open (the file may have changed). */
    private void checkColumnsAgain(TableSource src) {
        if (TableSource.format(file) == TableSource.Format.JSONL) {
            return; // no header: a field missing from a row makes that row bad
        }
        TableColumns now = TableCorpus.resolve(file, table.requested(), src.columns());
        if (!now.equals(columns)) {
            throw new TextclsException(file + " has changed since it was opened: its columns are now "
                    + src.columns() + "; open it again");
        }
    }

    private void submit(ExecutorService pool, List<Row> chunk, Deque<Future<?>> inFlight)
            throws InterruptedException, ExecutionException {
        inFlight.add(pool.submit(() -> {
            tokenize(chunk);
            return null;
        }));
        while (inFlight.size() > 2 * threads) {
            inFlight.poll().get();
        }
    }

    private void tokenize(List<Row> chunk) {
        MessageDigest sha = CorpusLoader.sha256();
        for (Row r : chunk) {
            String normalized = pipeline.normalize(r.text);
            List<String> toks = pipeline.tokensOfNormalized(normalized);
            String[] out = new String[toks.size()];
            for (int i = 0; i < out.length; i++) {
                String t = toks.get(i);
                String held = tokenNames.putIfAbsent(t, t);
                out[i] = held == null ? t : held;
            }
            ByteBuffer d = ByteBuffer.wrap(sha.digest(normalized.getBytes(StandardCharsets.UTF_8)));
            r.d0 = d.getLong();
            r.d1 = d.getLong();
            r.d2 = d.getLong();
            r.d3 = d.getLong();
            r.tokens = out;
            r.text = null;
        }
    }

    /** Checks one row: the row to keep, or null (skipped or passed over). */
    private Row accept(TableSource.Raw raw) {
        rows++;
        String id = "";
        try {
            if (raw.problem() != null) {
                id = bestId(raw);
                throw new BadRow(raw.problem());
            }
            TableSource.Fields f = raw.fields();
            id = id(raw);
            Long earlier = columns.id() == null ? null : idLines.putIfAbsent(id, raw.line());
            if (earlier != null) {
                throw new BadRow("id '" + id + "' is already used by the row on line " + earlier);
            }
            if (only != null && !only.contains(id)) {
                return null;
            }
            String text = text(f);
            int[] labels = columns.wide() ? wideLabels(f) : null;
            List<String> parts = columns.wide() ? null : longLabels(f);
            String group = group(f);
            if (parts != null) {
                sawMulti |= rowIsMulti; // only kept rows decide
                labels = new int[parts.size()];
                for (int i = 0; i < labels.length; i++) {
                    String p = parts.get(i);
                    labels[i] = fixedIndex != null ? fixedIndex.get(p) : discoveredIndex.computeIfAbsent(p, k -> {
                        discovered.add(k);
                        return discovered.size() - 1;
                    });
                }
            }
            int malformed = 0;
            if (raw.replaced() > 0) {
                int replacementChars = 0;
                for (int i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', i + 1)) {
                    replacementChars++;
                }
                malformed = Math.min(replacementChars, raw.replaced());
            }
            return new Row(raw.line(), id, labels, group, text, malformed);
        } catch (BadRow e) {
            bad(raw.line(), id, e.getMessage());
            return null;
        }
    }

    private void bad(long line, String id, String reason) {
        if (!skipBadRows) {
            throw new TextclsException(file + ", line " + line + ": " + reason + FIX);
        }
        skipped.add(new SkippedRow(line, id, reason));
    }

    /** The id of a row that could not be read, where it can be told; else "". */
    private String bestId(TableSource.Raw raw) {
        if (columns.id() == null) {
            return raw.rowId();
        }
        if (raw.fields() == null) {
            return "";
        }
        JsonNode n = raw.fields().get(columns.id());
        return n != null && (n.isTextual() || n.isNumber()) ? n.asText() : "";
    }

    private String id(TableSource.Raw raw) throws BadRow {
        if (columns.id() == null) {
            return raw.rowId();
        }
        String col = columns.id();
        JsonNode n = raw.fields().get(col);
        if (n == null || n.isNull()) {
            throw new BadRow("no id: field '" + col + "' is missing");
        }
        if (!(n.isTextual() || n.isNumber())) {
            throw new BadRow("the id field '" + col + "' is " + kind(n) + ", not a string or number");
        }
        String id = n.asText();
        if (id.isEmpty()) {
            throw new BadRow("empty id (column '" + col + "')");
        }
        return id;
    }

    private String text(TableSource.Fields f) throws BadRow {
        String col = columns.text();
        JsonNode n = f.get(col);
        if (n == null || n.isNull()) {
            throw new BadRow("no text: field '" + col + "' is missing");
        }
        if (!n.isTextual()) {
            throw new BadRow("the text field '" + col + "' is " + kind(n) + ", not a string");
        }
        // An empty or blank text is an empty document, as an empty file is in a folder tree: counted in the
        // corpus report, left out of training, scored with the network's prior by evaluate (an export's
        // missing review is no reason to stop).
        return n.asText();
    }

    /** The distinct labels of a long-format row, checked; empty for none (fine only in a multi-label table). */
    private List<String> longLabels(TableSource.Fields f) throws BadRow {
        String col = columns.label();
        JsonNode n = f.get(col);
        List<String> parts = new ArrayList<>(2);
        boolean array = false;
        if (n == null || n.isNull()) {
            throw new BadRow("no label: field '" + col + "' is missing");
        } else if (n.isArray()) {
            array = true;
            for (JsonNode e : n) {
                if (!(e.isTextual() || e.isNumber() || e.isBoolean())) {
                    throw new BadRow("the label array '" + col + "' holds " + kind(e) + "; labels are strings");
                }
                String s = e.asText().trim();
                if (s.isEmpty()) {
                    throw new BadRow("an empty label in the label array '" + col + "'");
                }
                if (!parts.contains(s)) {
                    parts.add(s);
                }
            }
        } else if (n.isTextual()) {
            split(n.asText(), parts);
        } else if (n.isNumber() || n.isBoolean()) {
            parts.add(n.asText());
        } else {
            throw new BadRow("the label field '" + col + "' is " + kind(n) + ", not a string or an array of strings");
        }
        if (Boolean.FALSE.equals(multiLabel)) {
            if (parts.size() > 1) {
                throw new BadRow(parts.size() + " labels " + quoted(parts) + " in a table read as single-label "
                        + "(multi-label is off)");
            }
            if (parts.isEmpty()) {
                throw new BadRow("empty label");
            }
        }
        if (fixedIndex != null) {
            for (String p : parts) {
                if (!fixedIndex.containsKey(p)) {
                    throw new BadRow("label '" + p + "' is not one of the labels asked for: " + wanted);
                }
            }
        }
        rowIsMulti = array || parts.size() > 1;
        return parts;
    }

    private void split(String cell, List<String> parts) throws BadRow {
        String s = cell.trim();
        if (s.isEmpty()) {
            return;
        }
        String sep = columns.labelSeparator();
        int from = 0;
        while (true) {
            int at = s.indexOf(sep, from);
            String part = (at < 0 ? s.substring(from) : s.substring(from, at)).trim();
            if (part.isEmpty()) {
                throw new BadRow("an empty label between separators in '" + shorten(s) + "'");
            }
            if (!parts.contains(part)) {
                parts.add(part);
            }
            if (at < 0) {
                return;
            }
            from = at + sep.length();
        }
    }

    /** The label indices of a wide-format row: the columns holding 1, ascending. */
    private int[] wideLabels(TableSource.Fields f) throws BadRow {
        int[] out = new int[wideColumns.size()];
        int n = 0;
        for (int k = 0; k < wideColumns.size(); k++) {
            String col = wideColumns.get(k);
            JsonNode v = f.get(col);
            if (v == null) {
                throw new BadRow("no field '" + col + "' (a label column)");
            }
            Boolean one = flag(v);
            if (one == null) {
                throw new BadRow("label column '" + col + "' holds " + shown(v) + ", not 0 or 1");
            }
            if (one) {
                out[n++] = k;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** 1 or 0 (also 1.0/0.0, true/false, any case): true or false; anything else: null. */
    static Boolean flag(JsonNode v) {
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isNumber()) {
            double d = v.doubleValue();
            return d == 1 ? Boolean.TRUE : d == 0 ? Boolean.FALSE : null;
        }
        if (v.isTextual()) {
            return switch (v.asText().trim().toLowerCase(Locale.ROOT)) {
                case "1", "1.0", "true" -> Boolean.TRUE;
                case "0", "0.0", "false" -> Boolean.FALSE;
                default -> null;
            };
        }
        return null;
    }

    private String group(TableSource.Fields f) throws BadRow {
        if (columns.group() == null) {
            return null;
        }
        JsonNode g = f.get(columns.group());
        if (g == null || g.isNull()) {
            return null;
        }
        if (g.isContainerNode()) {
            throw new BadRow("the group field '" + columns.group() + "' is " + kind(g) + ", not a string");
        }
        String s = g.asText();
        if (s.isBlank()) {
            return null;
        }
        String held = groupNames.putIfAbsent(s, s);
        return held == null ? s : held;
    }

    private TableCorpus.Loaded finish() {
        boolean multi = columns.wide() || Boolean.TRUE.equals(multiLabel) || multiLabel == null && sawMulti;
        List<String> labels;
        int[] remap = null;
        if (columns.wide()) {
            labels = wideColumns;
        } else if (!wanted.isEmpty()) {
            labels = wanted;
        } else {
            labels = discovered.stream().sorted().toList();
            Map<String, Integer> sortedIndex = indexOf(labels);
            remap = new int[discovered.size()];
            for (int i = 0; i < remap.length; i++) {
                remap[i] = sortedIndex.get(discovered.get(i));
            }
        }
        List<TokenizedDocument> docs = new ArrayList<>(kept.size());
        Map<String, String> groups = new HashMap<>();
        MessageDigest fp = CorpusLoader.sha256();
        ByteBuffer digest = ByteBuffer.allocate(32);
        long tokens = 0;
        int malformedDocs = 0;
        long malformed = 0;
        boolean late = false;
        for (Row r : kept) {
            if (!multi && r.labels.length == 0) {
                bad(r.line, r.id, "empty label (the table is single-label: no row has several labels)");
                late = true;
                continue;
            }
            int[] idx = r.labels.clone();
            if (remap != null) {
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = remap[idx[i]];
                }
            }
            Arrays.sort(idx);
            TokenizedDocument d = multi ? TokenizedDocument.multiLabel(r.id, idx, r.tokens, r.d0)
                    : new TokenizedDocument(r.id, idx[0], r.tokens, r.d0);
            docs.add(d);
            tokens += r.tokens.length;
            if (r.malformed > 0) {
                malformedDocs++;
                malformed += r.malformed;
            }
            if (r.group != null) {
                groups.put(r.id, r.group);
            }
            String label = multi ? Arrays.toString(idx) : Integer.toString(idx[0]);
            fp.update((label + "\t" + r.id + "\t").getBytes(StandardCharsets.UTF_8));
            digest.clear();
            digest.putLong(r.d0).putLong(r.d1).putLong(r.d2).putLong(r.d3);
            fp.update(digest.array());
        }
        if (late) {
            skipped.sort(Comparator.comparingLong(SkippedRow::line));
        }
        if (rows == 0) {
            throw new TextclsException(file + " holds no data rows");
        }
        if (only != null && docs.size() < only.size()) {
            Set<String> missing = new TreeSet<>(only);
            docs.forEach(d -> missing.remove(d.id()));
            Set<String> skippedIds = skipped.stream().map(SkippedRow::id).collect(Collectors.toCollection(HashSet::new));
            long bad = missing.stream().filter(skippedIds::contains).count();
            throw new TextclsException(missing.size() + " of the " + only.size() + " requested documents are not in "
                    + file + (bad > 0 ? " (" + bad + " of them on bad rows, skipped)" : "") + " (first: "
                    + missing.iterator().next() + "); is this the table the classifier was trained on?");
        }
        if (docs.isEmpty() && only == null) {
            SkippedRow first = skipped.get(0);
            throw new TextclsException("no row of " + file + " can be used: all " + skipped.size() + " rows are bad "
                    + "(first: line " + first.line() + ": " + first.reason() + ")");
        }
        if (!skipped.isEmpty()) {
            SkippedRow first = skipped.get(0);
            LOG.warn("{}: skipped {} bad row(s) of {} (first: line {}: {})", file, skipped.size(), rows, first.line(),
                    first.reason());
        }
        CorpusLoader.Stats stats = new CorpusLoader.Stats(List.of(), List.of(), malformedDocs, malformed, 0,
                java.util.HexFormat.of().formatHex(fp.digest()));
        CorpusLoader.Loaded corpus = new CorpusLoader.Loaded(labels, docs, stats, 0);
        return new TableCorpus.Loaded(corpus, multi, List.copyOf(skipped), Map.copyOf(groups), rows, tokens,
                tokenNames.size());
    }

    private static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case STRING -> "a string";
            case NULL -> "null";
            default -> "a " + n.getNodeType().toString().toLowerCase(Locale.ROOT);
        };
    }

    private static String shown(JsonNode v) {
        return v.isTextual() ? "'" + shorten(v.asText()) + "'" : shorten(v.toString());
    }

    private static String shorten(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private static String quoted(List<String> parts) {
        return parts.stream().map(p -> "'" + p + "'").collect(Collectors.joining(", "));
    }
}
