package io.textcls.corpus;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.textcls.TextclsException;
import io.textcls.util.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One labeled document held in memory, for training from a Java list instead of a folder or
 * table: its id, text and labels (one for single-label data; several, or none, for multi-label).
 *
 * @param id unique among the documents (null: its position, from 1)
 * @param text the raw text
 * @param labels its labels
 */
public record LabeledText(String id, String text, List<String> labels) {
    public LabeledText {
        if (text == null) {
            throw new TextclsException("a labeled text needs a text" + (id == null ? "" : " (document " + id + ")"));
        }
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    /** A document with one label. */
    public static LabeledText of(String text, String label) {
        return new LabeledText(null, text, List.of(label));
    }

    /** A document with a set of labels (multi-label; possibly none). */
    public static LabeledText of(String text, List<String> labels) {
        return new LabeledText(null, text, labels);
    }

    /**
     * Writes documents as a JSONL table that {@link TableCorpus} reads back with its default columns
     * and {@code id} as the id column: {@code id}, {@code text} and a {@code label} string when every
     * document has one label, else a {@code labels} array (multi-label). How training takes a list.
     */
    public static void writeJsonl(List<LabeledText> docs, Path out) throws IOException {
        Set<String> ids = new HashSet<>();
        boolean multi = docs.stream().anyMatch(d -> d.labels().size() != 1);
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (int i = 0; i < docs.size(); i++) {
                LabeledText d = docs.get(i);
                String id = d.id() == null ? Integer.toString(i + 1) : d.id();
                if (!ids.add(id)) {
                    throw new TextclsException("document " + (i + 1) + " has the id '" + id + "' of an earlier one: "
                            + "ids must be unique");
                }
                ObjectNode n = Json.MAPPER.createObjectNode();
                n.put("id", id);
                n.put("text", d.text());
                if (multi) {
                    ArrayNode a = n.putArray(TableColumns.LABELS);
                    d.labels().forEach(a::add);
                } else {
                    n.put(TableColumns.LABEL, d.labels().get(0));
                }
                w.write(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(n));
                w.write('\n');
            }
        }
    }
}
