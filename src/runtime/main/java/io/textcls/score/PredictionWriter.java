package io.textcls.score;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.textcls.classifier.Prediction;
import io.textcls.util.Json;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;

/**
 * Writes prediction rows: id (relative path or row id), label, one probability per label
 * ({@code p_<label>}), token count, truncated, flags, and optionally the top-k labels. A
 * multi-label classifier's rows also hold the predicted label set after the label (the most
 * probable one): {@code labels}, joined by {@value #LABEL_SEPARATOR} in CSV, an array in JSONL.
 * CSV quoting is commons-csv's RFC 4180, so ids with commas, quotes or newlines survive; JSONL is
 * Jackson's.
 */
abstract class PredictionWriter {
    /** What joins a multi-label row's labels in CSV: the separator tables are read with by default. */
    static final String LABEL_SEPARATOR = "|";
    protected final List<String> labels;
    protected final int topK;
    protected final boolean multiLabel;

    PredictionWriter(List<String> labels, int topK, boolean multiLabel) {
        this.labels = labels;
        this.topK = topK;
        this.multiLabel = multiLabel;
    }

    static PredictionWriter create(OutputFormat format, List<String> labels, int topK, boolean multiLabel) {
        return format == OutputFormat.CSV ? new Csv(labels, topK, multiLabel) : new Jsonl(labels, topK, multiLabel);
    }

    /** The header, written once at the start of a new file (nothing for JSONL). */
    abstract void header(Writer out) throws IOException;

    abstract void write(Writer out, String id, String label, Prediction p, String flags) throws IOException;

    /** The top-k label indexes by falling probability (ties: model order); none when k is 0. */
    protected int[] ranked(float[] probs) {
        return BatchScorer.topK(probs, topK);
    }

    static final class Csv extends PredictionWriter {
        private final CSVFormat format = CSVFormat.RFC4180;

        Csv(List<String> labels, int topK, boolean multiLabel) {
            super(labels, topK, multiLabel);
        }

        @Override
        void header(Writer out) throws IOException {
            List<String> h = new ArrayList<>(List.of("id", "label"));
            if (multiLabel) {
                h.add("labels");
            }
            labels.forEach(l -> h.add("p_" + l));
            h.addAll(List.of("tokens", "truncated", "flags"));
            for (int k = 1; k <= topK; k++) {
                h.add("top" + k);
                h.add("p_top" + k);
            }
            format.printRecord(out, h.toArray());
        }

        @Override
        void write(Writer out, String id, String label, Prediction p, String flags) throws IOException {
            List<Object> row = new ArrayList<>(labels.size() + 6 + 2 * topK);
            row.add(id);
            row.add(label);
            if (multiLabel) {
                row.add(String.join(LABEL_SEPARATOR, p.predictedLabels()));
            }
            for (float f : p.probs()) {
                row.add(Float.toString(f));
            }
            row.add(p.tokens());
            row.add(p.truncated());
            row.add(flags);
            for (int i : ranked(p.probs())) {
                row.add(labels.get(i));
                row.add(Float.toString(p.probs()[i]));
            }
            format.printRecord(out, row.toArray());
        }
    }

    static final class Jsonl extends PredictionWriter {
        private final ObjectWriter writer = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

        Jsonl(List<String> labels, int topK, boolean multiLabel) {
            super(labels, topK, multiLabel);
        }

        @Override
        void header(Writer out) {
        }

        @Override
        void write(Writer out, String id, String label, Prediction p, String flags) throws IOException {
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("id", id);
            n.put("label", label);
            if (multiLabel) {
                ArrayNode set = n.putArray("labels");
                p.predictedLabels().forEach(set::add);
            }
            ObjectNode probs = n.putObject("probabilities");
            for (int i = 0; i < labels.size(); i++) {
                probs.put(labels.get(i), p.probs()[i]);
            }
            n.put("tokens", p.tokens());
            n.put("truncated", p.truncated());
            if (!flags.isEmpty()) {
                n.put("flags", flags);
            }
            if (topK > 0) {
                ArrayNode top = n.putArray("top");
                for (int i : ranked(p.probs())) {
                    top.addObject().put("label", labels.get(i)).put("probability", p.probs()[i]);
                }
            }
            out.write(writer.writeValueAsString(n));
            out.write('\n');
        }
    }
}
