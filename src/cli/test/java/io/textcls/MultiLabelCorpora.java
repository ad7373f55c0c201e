package io.textcls;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.textcls.util.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Tiny synthetic multi-label corpora written by the tests themselves: three topics, each with its
 * own indicator words, mixed with filler words. About half the documents have one label, a third
 * two, and one in ten none (filler only). Labels are learnable from the words alone.
 */
public final class MultiLabelCorpora {
    /** The labels in generation (and wide-column) order. */
    public static final List<String> LABELS = List.of("sport", "money", "weather");
    /** The labels as a long-format table orders them: sorted. */
    public static final List<String> SORTED = List.of("money", "sport", "weather");
    private static final String[][] WORDS = {
        {"goal", "match", "team", "coach", "striker", "league"},
        {"bank", "price", "profit", "market", "loan", "stocks"},
        {"rain", "storm", "sunny", "forecast", "wind", "snow"},
    };
    private static final String[] FILLER = {"the", "a", "of", "and", "today", "people", "said", "news", "report",
        "city", "it", "was", "this", "in", "local", "week"};

    /** One document: its text and its labels, in {@link #SORTED} order (possibly none). */
    public record Doc(String text, List<String> labels) {
    }

    private MultiLabelCorpora() {
    }

    /** {@code n} documents, seeded. */
    public static List<Doc> documents(int n, long seed) {
        Random r = new Random(seed);
        List<Doc> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(100);
            List<Integer> set = new ArrayList<>();
            if (kind >= 10) {
                set.add(r.nextInt(3));
                if (kind >= 60) {
                    int second = (set.get(0) + 1 + r.nextInt(2)) % 3;
                    set.add(second);
                }
            }
            out.add(new Doc(text(r, set), SORTED.stream().filter(l -> set.contains(LABELS.indexOf(l))).toList()));
        }
        return out;
    }

    /** A text with indicator words of the given labels (indices into {@link #LABELS}) among filler words. */
    public static String text(Random r, List<Integer> labels) {
        List<String> words = new ArrayList<>();
        for (int l : labels) {
            int k = 2 + r.nextInt(2);
            for (int j = 0; j < k; j++) {
                words.add(WORDS[l][r.nextInt(WORDS[l].length)]);
            }
        }
        int n = 8 + r.nextInt(7);
        while (words.size() < n) {
            words.add(FILLER[r.nextInt(FILLER.length)]);
        }
        Collections.shuffle(words, r);
        return String.join(" ", words);
    }

    /** One JSON Lines row: {"text": ..., "labels": [...]} (compact). */
    public static String jsonl(Doc d) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("text", d.text());
        ArrayNode a = o.putArray("labels");
        d.labels().forEach(a::add);
        return compact(o);
    }

    /** Compact JSON of any value. */
    public static String compact(Object json) {
        try {
            return Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The documents as JSON Lines, a "labels" array per row. */
    public static String jsonlTable(List<Doc> docs) {
        StringBuilder sb = new StringBuilder();
        for (Doc d : docs) {
            sb.append(jsonl(d)).append('\n');
        }
        return sb.toString();
    }

    /** The documents as CSV {@code text,labels}, several labels joined by "|", none as an empty cell. */
    public static String csvTable(List<Doc> docs) {
        List<List<String>> rows = new ArrayList<>();
        for (Doc d : docs) {
            rows.add(List.of(d.text(), String.join("|", d.labels())));
        }
        return csv(List.of("text", "labels"), rows);
    }

    /** The documents as a wide CSV: {@code text,sport,money,weather}, one 0/1 column per label. */
    public static String wideCsvTable(List<Doc> docs) {
        List<String> header = new ArrayList<>(List.of("text"));
        header.addAll(LABELS);
        List<List<String>> rows = new ArrayList<>();
        for (Doc d : docs) {
            List<String> row = new ArrayList<>(List.of(d.text()));
            for (String l : LABELS) {
                row.add(d.labels().contains(l) ? "1" : "0");
            }
            rows.add(row);
        }
        return csv(header, rows);
    }

    /** RFC 4180 CSV with a header, LF line ends. */
    public static String csv(List<String> header, List<List<String>> rows) {
        StringWriter w = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(w, CSVFormat.RFC4180.builder().setRecordSeparator("\n")
                .setHeader(header.toArray(String[]::new)).get())) {
            for (List<String> row : rows) {
                p.printRecord(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /**
     * The tiny multi-label classifier several tests share: an LSTM (max+mean pooling) trained for 6
     * epochs on {@code documents(300, 41)} written as {@code table} (JSONL), saved as {@code bundle}.
     */
    public static Path trainTiny(Path table, Path bundle) throws Exception {
        write(table, jsonlTable(documents(300, 41)));
        TinyTraining.train(table, bundle, TinyTraining.recipe(6, "networks.0.architecture=lstm-pool.v1"));
        return bundle;
    }

    /** Writes text as UTF-8 (gzipped when the name ends in .gz). */
    public static Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (file.getFileName().toString().endsWith(".gz")) {
            try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(file))) {
                os.write(content.getBytes(StandardCharsets.UTF_8));
            }
            return file;
        }
        return Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
