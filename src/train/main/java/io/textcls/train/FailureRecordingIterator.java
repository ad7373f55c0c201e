package io.textcls.train;

import java.util.List;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * Wraps the batch source that DL4J's {@code AsyncDataSetIterator} runs on its own thread, so that
 * a failure there ends the iteration instead of hanging it. In 1.0.0-M2.1, when the source throws,
 * the prefetch thread dies without queueing its end marker and the training thread waits in
 * {@code hasNext()} forever. Here the failure is caught and kept, the iteration ends normally, and
 * the caller asks {@link #rethrowIfFailed()} afterwards.
 */
final class FailureRecordingIterator implements DataSetIterator {
    private final DataSetIterator source;
    private volatile Throwable failure;
    private DataSet pending;

    FailureRecordingIterator(DataSetIterator source) {
        this.source = source;
    }

    /** Throws what the source threw, if it did; call after the iteration ended. */
    void rethrowIfFailed() {
        Throwable t = failure;
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException("building a training batch failed: " + t, t);
        }
    }

    @Override
    public boolean hasNext() {
        if (failure != null) {
            return false;
        }
        try {
            if (pending == null && source.hasNext()) {
                pending = source.next();
            }
        } catch (Throwable t) { // OutOfMemoryError included: the prefetch thread would die silently
            failure = t;
            pending = null;
            return false;
        }
        return pending != null;
    }

    @Override
    public DataSet next() {
        if (!hasNext()) {
            throw new java.util.NoSuchElementException(failure == null ? "no more batches" : "batch source failed");
        }
        DataSet d = pending;
        pending = null;
        return d;
    }

    @Override
    public DataSet next(int num) {
        return next();
    }

    @Override
    public int inputColumns() {
        return source.inputColumns();
    }

    @Override
    public int totalOutcomes() {
        return source.totalOutcomes();
    }

    @Override
    public boolean resetSupported() {
        return source.resetSupported();
    }

    @Override
    public boolean asyncSupported() {
        return true;
    }

    @Override
    public void reset() {
        source.reset();
        pending = null;
        failure = null;
    }

    @Override
    public int batch() {
        return source.batch();
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        source.setPreProcessor(preProcessor);
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return source.getPreProcessor();
    }

    @Override
    public List<String> getLabels() {
        return source.getLabels();
    }
}
