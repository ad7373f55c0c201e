package io.textcls.util;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The one Jackson configuration for every JSON textcls writes: bundles, reports, output rows. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Json() {
    }

    /**
     * Makes the mapper's first use cheap: reads and writes a small tree and a record, so that the
     * classes they need are loaded and initialized. For a thread that has time now (the CLI's).
     */
    public static void warmUp() {
        try {
            record Probe(String name, double value, java.util.List<Integer> items) {
            }
            MAPPER.readValue(MAPPER.writeValueAsBytes(MAPPER.readTree("{\"name\":\"a\",\"value\":1.5,\"items\":[1]}")),
                    Probe.class);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
