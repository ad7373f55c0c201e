package io.textcls.spark;

import io.textcls.classifier.Prediction;
import io.textcls.classifier.TextClassifier;
import io.textcls.corpus.TextFiles;
import io.textcls.score.BatchScorer;
import io.textcls.score.ScoredRow;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * Scores one partition: items arrive sorted by (file, row); consecutive items of one chunk are
 * scored together by {@link BatchScorer#scoreChunk} (length-sorted batches on the executor's
 * shared classifier), and rows leave chunk by chunk, so a partition is never held whole.
 * Text files are read here, on the executor, through the Hadoop file system of their path.
 */
final class PartitionScorer implements FlatMapFunction<Iterator<Item>, OutRow> {
    /** Tests only: fail the first attempt of this partition once, after its first chunk's rows. */
    static final String FAIL_ONCE_PROPERTY = "textcls.spark.failPartitionOnce";

    private final Broadcast<byte[]> bundle;
    private final Broadcast<Shipped> shipped;
    private final String sha256;
    private final int chunk;
    private final long maxBytes;
    private final Double threshold;
    private final int failPartition;

    /** What every task needs from the driver: the Hadoop settings (the bundle is a broadcast of its own). */
    record Shipped(HashMap<String, String> hadoopConf) implements java.io.Serializable {
    }

    /**
     * @param bundle the bundle's bytes, fetched by an executor only the first time it meets
     *     {@code sha256}; null with a local master, whose JVM has the driver's classifier
     */
    PartitionScorer(Broadcast<byte[]> bundle, Broadcast<Shipped> shipped, String sha256, int chunk, long maxBytes,
                    Double threshold) {
        this.bundle = bundle;
        this.shipped = shipped;
        this.sha256 = sha256;
        this.chunk = chunk;
        this.maxBytes = maxBytes;
        this.threshold = threshold;
        this.failPartition = Integer.getInteger(FAIL_ONCE_PROPERTY, -1);
    }

    @Override
    public Iterator<OutRow> call(Iterator<Item> items) {
        TextClassifier c = BundleCache.get(sha256, () -> {
            if (bundle == null) { // a local master put the driver's classifier in this JVM's cache
                throw new IllegalStateException("bundle " + sha256 + " is neither loaded in this JVM nor broadcast");
            }
            return bundle.value();
        });
        TaskContext task = TaskContext.get();
        boolean failOnce = task != null && task.partitionId() == failPartition && task.attemptNumber() == 0;
        Configuration conf = new Configuration(false);
        shipped.value().hadoopConf().forEach(conf::set);
        return new Iterator<>() {
            private final Deque<OutRow> ready = new ArrayDeque<>();
            private Item pending;
            private int chunksDone;

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && (pending != null || items.hasNext())) {
                    if (failOnce && chunksDone == 1) {
                        throw new IllegalStateException("injected failure (" + FAIL_ONCE_PROPERTY + ") in partition "
                                + task.partitionId() + " after its first chunk");
                    }
                    List<Item> group = new ArrayList<>(chunk);
                    Item first = pending != null ? pending : items.next();
                    pending = null;
                    group.add(first);
                    long id = Item.chunkOf(first.key(), chunk);
                    while (items.hasNext()) {
                        Item next = items.next();
                        if (Item.chunkOf(next.key(), chunk) != id) {
                            pending = next;
                            break;
                        }
                        group.add(next);
                    }
                    ready.addAll(score(c, group, conf));
                    chunksDone++;
                }
                return !ready.isEmpty();
            }

            @Override
            public OutRow next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }
        };
    }

    private List<OutRow> score(TextClassifier c, List<Item> group, Configuration conf) {
        List<BatchScorer.ChunkItem> docs = new ArrayList<>(group.size());
        Map<String, FileSystem> systems = new HashMap<>();
        for (Item i : group) {
            docs.add(read(i, conf, systems));
        }
        List<OutRow> out = new ArrayList<>(group.size());
        for (ScoredRow r : BatchScorer.scoreChunk(c, docs, maxBytes)) {
            if (r.error() != null) {
                out.add(new OutRow(r.id(), null, null, null, 0, false, null, r.error()));
            } else {
                Prediction p = r.prediction();
                out.add(new OutRow(r.id(), BatchScorer.label(p, threshold), p.multiLabel() ? p.predictedLabels() : null,
                        p.probs(), p.tokens(), p.truncated(), r.flags(), null));
            }
        }
        return out;
    }

    /** Reads a text file as {@code score} does (at most maxBytes, UTF-8 with bad bytes counted). */
    private BatchScorer.ChunkItem read(Item i, Configuration conf, Map<String, FileSystem> systems) {
        if (i.problem() != null) {
            return BatchScorer.ChunkItem.problem(i.id(), i.problem());
        }
        if (i.path() == null) {
            return BatchScorer.ChunkItem.text(i.id(), i.text());
        }
        try {
            Path p = new Path(i.path());
            FileSystem fs = systems.get(p.toUri().getScheme());
            if (fs == null) {
                fs = p.getFileSystem(conf);
                systems.put(p.toUri().getScheme(), fs);
            }
            try (InputStream in = fs.open(p)) {
                byte[] data = in.readNBytes((int) Math.min(maxBytes, Integer.MAX_VALUE - 16));
                boolean truncated = in.read() != -1;
                return BatchScorer.ChunkItem.content(i.id(), TextFiles.decode(data, truncated));
            }
        } catch (IOException e) {
            return BatchScorer.ChunkItem.problem(i.id(), BatchScorer.unreadable(e));
        }
    }
}
