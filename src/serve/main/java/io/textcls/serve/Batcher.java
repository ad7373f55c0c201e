package io.textcls.serve;

import io.textcls.classifier.Prediction;
import io.textcls.classifier.TextClassifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The micro-batcher: documents from every request wait in one bounded queue and are scored in
 * batches of up to {@code maxBatch}, by {@code workers} threads that share the classifier (its
 * networks score on immutable weights).
 *
 * <p>One worker at a time collects a batch (the others wait behind it), so concurrent requests
 * join one batch instead of being split over idle workers. The collector takes the queue's oldest
 * document and waits until the batch is full or {@code maxDelay} has passed since that document
 * was queued (not since the worker looked): a document never waits longer than the delay for
 * company, and while every worker is busy the queue fills, so the next batch goes at once. A
 * batch is sorted by length before the forward pass. The queue holds at most {@code capacity}
 * documents: {@link #offer} takes every document of a request or none, and never blocks.
 */
final class Batcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Batcher.class);

    /** One document to score with the model that encoded it. */
    record Job(ServedModel model, TextClassifier.EncodedText doc, int length, long queuedNanos,
               CompletableFuture<Prediction> result) {
        Job(ServedModel model, TextClassifier.EncodedText doc) {
            this(model, doc, doc.ids().length, System.nanoTime(), new CompletableFuture<>());
        }
    }

    private final int maxBatch;
    private final long maxDelayNanos;
    private final int capacity;
    private final IntConsumer batchSizes;
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    /** Held by the one worker collecting a batch. */
    private final ReentrantLock collector = new ReentrantLock(true);
    private final List<Thread> threads = new ArrayList<>();
    private boolean closed;
    private int reserved;

    /**
     * @param batchSizes told the size of every batch run
     */
    Batcher(int workers, int maxBatch, long maxDelayMs, int capacity, IntConsumer batchSizes) {
        this.maxBatch = maxBatch;
        this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(maxDelayMs);
        this.capacity = capacity;
        this.batchSizes = batchSizes;
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(this::work, "textcls-serve-worker-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Queues every job, or none when they do not all fit or the batcher is closing. */
    Offer offer(List<Job> jobs) {
        Offer o = reserve(jobs.size());
        if (o == Offer.QUEUED) {
            enqueue(jobs);
        }
        return o;
    }

    /**
     * Holds room for {@code n} documents, so a request is refused before its documents are
     * tokenized; follow with {@link #enqueue} (or {@link #release} if they cannot be encoded).
     */
    Offer reserve(int n) {
        lock.lock();
        try {
            if (closed) {
                return Offer.CLOSED;
            }
            if (queue.size() + reserved + n > capacity) {
                return Offer.FULL;
            }
            reserved += n;
            return Offer.QUEUED;
        } finally {
            lock.unlock();
        }
    }

    /** Queues jobs whose room was reserved; accepted even when closing, so an accepted request is never dropped. */
    void enqueue(List<Job> jobs) {
        lock.lock();
        try {
            reserved -= jobs.size();
            queue.addAll(jobs);
            arrived.signal();
        } finally {
            lock.unlock();
        }
    }

    void release(int n) {
        lock.lock();
        try {
            reserved -= n;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    enum Offer { QUEUED, FULL, CLOSED }

    /** Documents waiting for a worker. */
    int depth() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        while (true) {
            List<Job> batch;
            collector.lock();
            try {
                batch = collect();
            } catch (InterruptedException e) {
                return;
            } finally {
                collector.unlock();
            }
            if (batch == null) {
                return;
            }
            run(batch);
        }
    }

    /** The next batch; null once closed and drained. */
    private List<Job> collect() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (closed && reserved == 0) {
                    return null;
                }
                arrived.await();
            }
            long deadline = queue.peek().queuedNanos() + maxDelayNanos;
            while (queue.size() < maxBatch && !closed) {
                long wait = deadline - System.nanoTime();
                if (wait <= 0) {
                    break;
                }
                arrived.awaitNanos(wait);
            }
            int n = Math.min(maxBatch, queue.size());
            List<Job> batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                batch.add(queue.poll());
            }
            if (!queue.isEmpty()) {
                arrived.signal(); // the next collector need not wait for a new arrival
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** Scores a batch, sorted by length, each document with the model that encoded it. */
    private void run(List<Job> batch) {
        batchSizes.accept(batch.size());
        Map<ServedModel, List<Job>> byModel = new LinkedHashMap<>();
        for (Job j : batch) {
            byModel.computeIfAbsent(j.model(), m -> new ArrayList<>()).add(j);
        }
        for (Map.Entry<ServedModel, List<Job>> e : byModel.entrySet()) {
            List<Job> jobs = e.getValue();
            jobs.sort(Comparator.comparingInt(Job::length));
            try {
                List<Prediction> preds = e.getKey().classifier.steps().predict(jobs.stream().map(Job::doc).toList());
                for (int i = 0; i < jobs.size(); i++) {
                    jobs.get(i).result().complete(preds.get(i));
                }
            } catch (RuntimeException | Error ex) {
                LOG.error("a batch of {} documents failed", jobs.size(), ex);
                jobs.forEach(j -> j.result().completeExceptionally(ex));
            }
        }
    }

    /**
     * Stops taking documents, lets the workers score what is queued, and waits for them up to
     * {@code waitMillis}.
     */
    @Override
    public void close() {
        close(60_000);
    }

    void close(long waitMillis) {
        lock.lock();
        try {
            closed = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        long deadline = System.currentTimeMillis() + waitMillis;
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, deadline - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
