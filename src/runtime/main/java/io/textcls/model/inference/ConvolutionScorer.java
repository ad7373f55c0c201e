package io.textcls.model.inference;

import io.textcls.model.NetworkLayout;
import io.textcls.model.NetworkSpec;
import io.textcls.model.kernel.ConvolutionKernel;
import io.textcls.model.kernel.RecurrentKernels;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code cnn-pool.v1} on textcls's convolution kernel: the embedding rows of a batch's documents,
 * one after another with zero rows between them (a document's steps see zeros beyond its ends, as
 * the masked DL4J network's padding), each convolution layer as one matrix product over them,
 * the rows between documents zeroed again before the next layer, then the masked pooling and the
 * output layer.
 */
final class ConvolutionScorer extends NetworkScorer {
    private final NetworkLayout.Embedding embedding;
    private final List<ConvolutionKernel> layers = new ArrayList<>();
    private final Pooling pooling;
    private final NetworkLayout.Output output;
    private final boolean sigmoid;
    /** Each call's padded input and two layer outputs, kept from call to call. */
    private final Workspaces<Buffers> buffers = new Workspaces<>(Buffers::new);

    private static final class Buffers {
        private final float[][] arrays = new float[3][0];

        /** Array {@code i}, at least {@code size} long; its contents are whatever the last batch left. */
        float[] take(int i, int size) {
            if (arrays[i].length < size) {
                arrays[i] = new float[Math.max(size, arrays[i].length + arrays[i].length / 2)];
            }
            return arrays[i];
        }
    }

    ConvolutionScorer(NetworkSpec spec, List<NetworkLayout.Layer> all) {
        super(spec);
        this.embedding = (NetworkLayout.Embedding) all.get(0);
        for (NetworkLayout.Layer l : all.subList(1, all.size() - 1)) {
            NetworkLayout.Convolution c = (NetworkLayout.Convolution) l;
            layers.add(new ConvolutionKernel(c.in(), c.filters(), c.width(), c.w(), c.b()));
        }
        this.output = (NetworkLayout.Output) all.get(all.size() - 1);
        this.pooling = new Pooling(spec.pooling());
        this.sigmoid = spec.sigmoid();
    }

    @Override
    public float[][] probabilities(List<int[]> sequences, int batchSize) {
        Buffers buf = buffers.take();
        try {
            return probabilities(buf, sequences, batchSize);
        } finally {
            buffers.give(buf);
        }
    }

    private float[][] probabilities(Buffers buf, List<int[]> sequences, int batchSize) {
        float[][] result = new float[sequences.size()][];
        int[] lengths = sequences.stream().mapToInt(q -> q.length).toArray();
        int e = embedding.width(), rowsOfTable = embedding.rows();
        float[] table = embedding.table();
        for (int[] batch : batches(lengths, batchSize)) {
            int n = batch.length;
            int[] lens = new int[n], starts = new int[n];
            for (int d = 0; d < n; d++) {
                lens[d] = lengths[batch[d]];
            }
            ConvolutionKernel first = layers.get(0);
            int rows = first.layout(lens, starts);
            float[] x = buf.take(0, rows * e);
            zeroGaps(x, lens, starts, rows, e); // the buffers are reused: only the documents' rows are written
            for (int d = 0; d < n; d++) {
                int[] q = sequences.get(batch[d]);
                for (int j = 0; j < q.length; j++) {
                    System.arraycopy(table, Embeddings.check(q[j], rowsOfTable) * e, x, (starts[d] + j) * e, e);
                }
            }
            int f = e;
            for (int li = 0; li < layers.size(); li++) {
                ConvolutionKernel k = layers.get(li);
                float[] out = buf.take(1 + li % 2, rows * k.filters);
                k.forward(x, rows, out, RecurrentKernels.threads());
                f = k.filters;
                if (li + 1 < layers.size()) {
                    zeroGaps(out, lens, starts, rows, f);
                }
                x = out;
            }
            float[] features = new float[pooling.width(f)];
            for (int d = 0; d < n; d++) {
                pooling.pool(x, starts[d], lens[d], f, features, 0);
                result[batch[d]] = Pooling.output(features, 0, output, sigmoid);
            }
        }
        return result;
    }

    /** Zeroes every row that is no document's step: what the next layer must read as padding. */
    private static void zeroGaps(float[] h, int[] lens, int[] starts, int rows, int f) {
        int at = 0;
        for (int d = 0; d < lens.length; d++) {
            java.util.Arrays.fill(h, at * f, starts[d] * f, 0f);
            at = starts[d] + lens[d];
        }
        java.util.Arrays.fill(h, at * f, rows * f, 0f);
    }
}
