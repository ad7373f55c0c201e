package io.textcls.score;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.textcls.classifier.Prediction;
import io.textcls.util.Json;
import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes one row per scored document: id (relative path), predicted label, one probability per
 * label ({@code p_<label>}), token count and whether the document was truncated. CSV quoting is
 * commons-csv's (RFC 4180), so ids with commas, quotes or newlines survive.
 */
abstract class PredictionWriter implements Closeable {
    static PredictionWriter create(OutputFormat format, Writer out, List<String> labels) throws IOException {
        return format == OutputFormat.CSV ? new Csv(out, labels) : new Jsonl(out, labels);
    }

    abstract void write(String id, Prediction p) throws IOException;

    static final class Csv extends PredictionWriter {
        private final CSVPrinter printer;

        Csv(Writer out, List<String> labels) throws IOException {
            List<String> header = new ArrayList<>(List.of("id", "label"));
            labels.forEach(l -> header.add("p_" + l));
            header.add("tokens");
            header.add("truncated");
            printer = new CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(header.toArray(String[]::new)).get());
        }

        @Override
        void write(String id, Prediction p) throws IOException {
            List<Object> row = new ArrayList<>(p.labels().size() + 4);
            row.add(id);
            row.add(p.label());
            for (float f : p.probs()) {
                row.add(Float.toString(f));
            }
            row.add(p.tokens());
            row.add(p.truncated());
            printer.printRecord(row);
        }

        @Override
        public void close() throws IOException {
            printer.close(true);
        }
    }

    static final class Jsonl extends PredictionWriter {
        private final Writer out;

        Jsonl(Writer out, List<String> labels) {
            this.out = out;
        }

        @Override
        void write(String id, Prediction p) throws IOException {
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("id", id);
            n.put("label", p.label());
            ObjectNode probs = n.putObject("probabilities");
            for (int i = 0; i < p.labels().size(); i++) {
                probs.put(p.labels().get(i), p.probs()[i]);
            }
            n.put("tokens", p.tokens());
            n.put("truncated", p.truncated());
            out.write(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(n));
            out.write('\n');
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
