package io.textcls.serve;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.IntSupplier;

/**
 * The server's Prometheus metrics, in a registry of its own (so servers in one JVM never share
 * counters), written in the Prometheus text format by the Prometheus Java client.
 */
final class ServeMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    final Counter requests;
    final Histogram latency;
    final Histogram batchDocuments;
    final Counter rejected;
    final Counter reloads;

    ServeMetrics(IntSupplier queueDepth) {
        requests = Counter.builder().name("textcls_http_requests").help("HTTP requests answered, by endpoint and status")
                .labelNames("endpoint", "status").register(registry);
        latency = Histogram.builder().name("textcls_http_request_duration_seconds")
                .help("Time from the request's arrival to its answer, by endpoint").labelNames("endpoint")
                .classicOnly().classicUpperBounds(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10)
                .register(registry);
        batchDocuments = Histogram.builder().name("textcls_batch_documents")
                .help("Documents per forward pass of the micro-batcher").classicOnly()
                .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024).register(registry);
        rejected = Counter.builder().name("textcls_rejected_requests")
                .help("Requests refused with 503 before any work: queue_full or shutting_down").labelNames("reason")
                .register(registry);
        reloads = Counter.builder().name("textcls_model_reloads").help("Model reloads, by outcome (ok or refused)")
                .labelNames("outcome").register(registry);
        GaugeWithCallback.builder().name("textcls_queue_documents")
                .help("Documents waiting in the micro-batcher's queue").callback(cb -> cb.call(queueDepth.getAsInt()))
                .register(registry);
        JvmMetrics.builder().register(registry); // heap, GC, threads, process RSS and CPU
    }

    /** Every metric in the Prometheus text format. */
    byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16_384);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    String contentType() {
        return writer.getContentType();
    }
}
