package io.textcls.serve;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.textcls.util.Json;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The body of {@code POST /v1/classify}, checked: {@code {"text": "..."}} or {@code {"texts":
 * [...]}}, optional {@code top_k} and {@code threshold}. Every problem is an {@link ApiError} that
 * names the field.
 */
record ClassifyRequest(List<String> texts, int topK, Double threshold) {
    static final Set<String> FIELDS = Set.of("text", "texts", "top_k", "threshold");
    private static final ObjectReader READER = Json.MAPPER.readerFor(JsonNode.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    static ClassifyRequest parse(byte[] body, int maxTexts, List<String> labels) {
        return parse(body, maxTexts, labels, false);
    }

    /** As above, for a classifier that is multi-label (whose per-label thresholds decide: no 'threshold'). */
    static ClassifyRequest parse(byte[] body, int maxTexts, List<String> labels, boolean multiLabel) {
        JsonNode root = json(body);
        if (!root.isObject()) {
            throw ApiError.badRequest("invalid_request", "the body must be a JSON object such as {\"text\": \"...\"} "
                    + "or {\"texts\": [\"...\", ...]}, got " + kind(root));
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw ApiError.badRequest("unknown_field", "unknown field '" + f + "'; the fields are text or texts, "
                        + "top_k and threshold");
            }
        }
        JsonNode text = root.get("text");
        JsonNode texts = root.get("texts");
        if ((text == null) == (texts == null)) {
            throw ApiError.badRequest("missing_text", text == null
                    ? "give the document as \"text\": \"...\" or several as \"texts\": [\"...\", ...]"
                    : "give either \"text\" or \"texts\", not both");
        }
        List<String> out = new ArrayList<>();
        if (text != null) {
            out.add(string(text, "text"));
        } else {
            if (!texts.isArray()) {
                throw ApiError.badRequest("invalid_text", "field 'texts' must be an array of strings, got " + kind(texts));
            }
            if (texts.isEmpty()) {
                throw ApiError.badRequest("missing_text", "field 'texts' is empty: give at least one document");
            }
            if (texts.size() > maxTexts) {
                throw new ApiError(413, "too_many_texts", "field 'texts' has " + texts.size()
                        + " documents; this server takes at most " + maxTexts + " per request (--max-texts): split them");
            }
            for (int i = 0; i < texts.size(); i++) {
                out.add(string(texts.get(i), "texts[" + i + "]"));
            }
        }
        int topK = 0;
        JsonNode k = root.get("top_k");
        if (k != null && !k.isNull()) {
            if (!k.isIntegralNumber() || !k.canConvertToInt() || k.intValue() < 0 || k.intValue() > labels.size()) {
                throw ApiError.badRequest("invalid_top_k", "field 'top_k' must be an integer between 0 and the number "
                        + "of labels (" + labels.size() + "), got " + k);
            }
            topK = k.intValue();
        }
        Double threshold = null;
        JsonNode t = root.get("threshold");
        if (t != null && !t.isNull()) {
            if (multiLabel) {
                throw ApiError.badRequest("invalid_threshold", "field 'threshold' is for two-label classifiers; this "
                        + "one is multi-label: its per-label thresholds, fitted in training, decide the labels");
            }
            if (labels.size() != 2) {
                throw ApiError.badRequest("invalid_threshold", "field 'threshold' needs a two-label classifier; this "
                        + "one has " + labels.size() + " labels " + labels);
            }
            if (!t.isNumber() || !(t.doubleValue() >= 0 && t.doubleValue() <= 1)) {
                throw ApiError.badRequest("invalid_threshold", "field 'threshold' must be a number between 0 and 1 (the "
                        + "probability of '" + labels.get(1) + "' from which it is predicted), got " + t);
            }
            threshold = t.doubleValue();
        }
        return new ClassifyRequest(out, topK, threshold);
    }

    private static String string(JsonNode n, String field) {
        if (!n.isTextual()) {
            throw ApiError.badRequest("invalid_text", "field '" + field + "' must be a string, got " + kind(n));
        }
        if (n.textValue().isBlank()) {
            throw ApiError.badRequest("empty_text", "field '" + field + "' is empty: send the document's text");
        }
        return n.textValue();
    }

    private static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case STRING -> "a string";
            default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** The body as JSON: refuses malformed UTF-8 (with its byte offset) and malformed JSON (with line and column). */
    private static JsonNode json(byte[] body) {
        String s = utf8(body);
        if (s.isBlank()) {
            throw ApiError.badRequest("malformed_json", "the body is empty: send a JSON object such as {\"text\": \"...\"}");
        }
        try {
            return READER.readValue(s);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw ApiError.badRequest("malformed_json", "the body is not valid JSON" + where + ": "
                    + firstLine(e.getOriginalMessage()));
        }
    }

    static String utf8(byte[] body) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        CharBuffer out = CharBuffer.allocate(body.length);
        CoderResult r = d.decode(in, out, true);
        if (r.isError()) {
            throw ApiError.badRequest("invalid_utf8", "the body is not valid UTF-8: a malformed byte sequence at byte "
                    + in.position() + "; send JSON encoded in UTF-8");
        }
        d.flush(out);
        return out.flip().toString();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        String line = (nl < 0 ? s : s.substring(0, nl)).replaceAll("\\s*\\(?(start marker )?at \\[Source:.*$", "");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
