package io.textcls.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Request parsing for a multi-label classifier of two labels: its thresholds decide, no request's. */
class ClassifyRequestTest {
    static byte[] body(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aThresholdIsForTwoLabelSingleLabelClassifiersOnly() {
        List<String> labels = List.of("a", "b");
        assertEquals(0.3, ClassifyRequest.parse(body("{\"text\": \"x\", \"threshold\": 0.3}"), 10, labels, false)
                .threshold(), 1e-12);
        ApiError e = assertThrows(ApiError.class,
                () -> ClassifyRequest.parse(body("{\"text\": \"x\", \"threshold\": 0.3}"), 10, labels, true));
        assertTrue(e.getMessage().contains("multi-label"), e.getMessage());
        assertEquals(1, ClassifyRequest.parse(body("{\"text\": \"x\"}"), 10, labels, true).texts().size());
    }
}
