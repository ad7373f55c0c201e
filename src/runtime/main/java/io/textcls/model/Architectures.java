package io.textcls.model;

import io.textcls.TextclsException;
import java.util.ArrayList;
import java.util.List;

/**
 * The registry of network architectures by name: one versioned name per released network (as spaCy's
 * {@code build_bow_text_classifier_v3}), never changed once released (a change gets a new version).
 * Bundles store the name and the {@link NetworkSpec}, never a class name. This class says what each
 * name means (its layers, how a document's word ids become its input ids); {@link NetworkLayout}
 * says where its parameters lie, the scoring runtime runs it, and {@code model.dl4j.Networks}
 * builds it as a DL4J network for training.
 */
public final class Architectures {
    /**
     * EmbeddingSequenceLayer → LSTM → dropout → RnnOutputLayer (softmax, MCXENT), the label read at
     * each document's last real step through the label mask. The design card's network.
     */
    public static final String LSTM_LAST_V1 = "lstm-last.v1";
    /**
     * EmbeddingSequenceLayer → LSTM → masked max or mean over the real steps (GlobalPoolingLayer),
     * or both concatenated ({@link MaxMeanPooling}) → dropout → OutputLayer (softmax, MCXENT):
     * every step's output reaches the loss.
     */
    public static final String LSTM_POOL_V1 = "lstm-pool.v1";
    /**
     * As {@link #LSTM_POOL_V1} with each LSTM bidirectional (DL4J's {@code Bidirectional} wrapper,
     * outputs concatenated: 2 × hidden features per step).
     */
    public static final String BILSTM_POOL_V1 = "bilstm-pool.v1";
    /**
     * As {@link #LSTM_POOL_V1} with GRU layers ({@link Gru}, PyTorch's {@code nn.GRU} equations):
     * three gates instead of four, so three quarters of an LSTM's recurrent work. Runs only on
     * textcls's kernel (the JVM needs the Vector API module).
     */
    public static final String GRU_POOL_V1 = "gru-pool.v1";
    /** As {@link #GRU_POOL_V1}, each GRU bidirectional (DL4J's wrapper, outputs concatenated). */
    public static final String BIGRU_POOL_V1 = "bigru-pool.v1";
    /**
     * EmbeddingSequenceLayer → {@link NetworkSpec#layers()} one-dimensional convolutions (width
     * {@value #CNN_KERNEL}, same-length output, ReLU, {@code hiddenSize} filters) → masked pooling
     * → dropout → OutputLayer (softmax, MCXENT). Not an LSTM: a fast, differently-erring member
     * for ensembles (a learned n-gram detector). Padding steps are zero (the embedding layer
     * masks them), so a document's features do not depend on how long its batch is.
     */
    public static final String CNN_POOL_V1 = "cnn-pool.v1";
    /**
     * A bag of n-grams, the linear baseline (fastText's supervised model, built from DL4J layers):
     * each document's word ids plus one hashed id per pair of neighbouring words ({@code
     * hiddenSize} buckets after the vocabulary) → EmbeddingSequenceLayer → masked mean over all of
     * them (GlobalPoolingLayer) → dropout → OutputLayer (softmax, MCXENT). No recurrence, no order
     * beyond word pairs: what an LSTM must beat. {@code layers} must be 1 and pooling is mean.
     */
    public static final String NGRAM_MEAN_V1 = "ngram-mean.v1";
    /**
     * A naive-Bayes-weighted bag of n-grams ({@link NgramBag}): each document's distinct word ids,
     * hashed word pairs and hashed word triples ({@code hiddenSize} buckets after the vocabulary,
     * each feature counted once however often it occurs) → the sum of each feature's weight times
     * its frozen log-count ratio per label → softmax ({@code LossLayer}, MCXENT). Wang and Manning's
     * NB logistic regression, the strongest linear member; it ignores the embedding width and
     * pretrained vectors, and pooling is always {@code sum}.
     */
    public static final String NGRAM_NB_V1 = "ngram-nb.v1";
    /** Feature ids of {@link #NGRAM_NB_V1} seen in fewer training documents than this get a zero ratio (are left out). */
    public static final int NB_MIN_DOCUMENTS = 2;
    /** Add-one smoothing of {@link #NGRAM_NB_V1}'s counts. */
    public static final double NB_SMOOTHING = 1.0;
    /** Multiplier of the bigram hash of {@link #NGRAM_MEAN_V1} (part of that architecture: never change it). */
    public static final long NGRAM_HASH = 1_000_003L;
    /** The convolution width of {@link #CNN_POOL_V1}. */
    public static final int CNN_KERNEL = 3;

    /** Every released name, in the order they were released. */
    public static final List<String> KNOWN = List.of(LSTM_LAST_V1, LSTM_POOL_V1, BILSTM_POOL_V1, CNN_POOL_V1, GRU_POOL_V1,
            BIGRU_POOL_V1, NGRAM_MEAN_V1, NGRAM_NB_V1);
    public static final List<String> POOLED = List.of(LSTM_POOL_V1, BILSTM_POOL_V1, CNN_POOL_V1, NGRAM_MEAN_V1, GRU_POOL_V1,
            BIGRU_POOL_V1, NGRAM_NB_V1);
    /** The bags of n-grams: no recurrence, rows for hashed n-grams after the vocabulary's. */
    public static final List<String> BAGS = List.of(NGRAM_MEAN_V1, NGRAM_NB_V1);
    /** The architectures whose recurrent layers are LSTMs. */
    public static final List<String> LSTMS = List.of(LSTM_LAST_V1, LSTM_POOL_V1, BILSTM_POOL_V1);

    private Architectures() {
    }

    public static void requireKnown(String name) {
        if (!KNOWN.contains(name)) {
            throw new TextclsException("unknown architecture '" + name + "': this build knows " + KNOWN);
        }
    }

    /** Whether the architecture's hidden layers are LSTMs. */
    public static boolean lstm(String architecture) {
        return LSTMS.contains(architecture);
    }

    /** Whether the architecture's hidden layers are recurrent, LSTMs or GRUs (all but {@link #CNN_POOL_V1} and the bags of n-grams). */
    public static boolean recurrent(String architecture) {
        return !CNN_POOL_V1.equals(architecture) && !BAGS.contains(architecture);
    }

    /** Whether the architecture reads pretrained word vectors (all but {@link #NGRAM_NB_V1}). */
    public static boolean takesVectors(String architecture) {
        return !NGRAM_NB_V1.equals(architecture);
    }

    /** Rows of the embedding: the vocabulary, plus the n-gram buckets of the bags of n-grams. */
    public static int embeddingRows(NetworkSpec spec) {
        return spec.vocabularySize() + (BAGS.contains(spec.architecture()) ? spec.hiddenSize() : 0);
    }

    /**
     * The id sequence a network reads for a document's word ids: the word ids themselves, or for
     * {@link #NGRAM_MEAN_V1} the word ids followed by one hashed bigram id per neighbouring pair.
     */
    public static int[] inputIds(NetworkSpec spec, int[] ids) {
        if (NGRAM_NB_V1.equals(spec.architecture())) {
            return distinctNgrams(ids, spec.vocabularySize(), spec.hiddenSize());
        }
        if (!NGRAM_MEAN_V1.equals(spec.architecture()) || ids.length < 2) {
            return ids;
        }
        int[] out = java.util.Arrays.copyOf(ids, 2 * ids.length - 1);
        int v = spec.vocabularySize();
        long buckets = spec.hiddenSize();
        for (int i = 0; i + 1 < ids.length; i++) {
            out[ids.length + i] = v + (int) Math.floorMod(ids[i] * NGRAM_HASH + ids[i + 1], buckets);
        }
        return out;
    }

    /**
     * {@link #NGRAM_NB_V1}'s features of a document, ascending, each once: its word ids, then per
     * neighbouring pair {@code v + (a × 1,000,003 + b) mod buckets} and per triple {@code v + ((a ×
     * 1,000,003 + b) × 1,000,003 + c + 1) mod buckets} (part of the architecture: never change it).
     */
    static int[] distinctNgrams(int[] ids, int vocabularySize, int buckets) {
        int n = ids.length;
        int[] out = new int[n + Math.max(0, n - 1) + Math.max(0, n - 2)];
        int at = 0;
        for (int i = 0; i < n; i++) {
            out[at++] = ids[i];
            if (i + 1 < n) {
                long pair = ids[i] * NGRAM_HASH + ids[i + 1];
                out[at++] = vocabularySize + (int) Math.floorMod(pair, (long) buckets);
                if (i + 2 < n) {
                    out[at++] = vocabularySize + (int) Math.floorMod(pair * NGRAM_HASH + ids[i + 2] + 1, (long) buckets);
                }
            }
        }
        return java.util.Arrays.stream(out, 0, at).sorted().distinct().toArray();
    }

    /** {@link #inputIds(NetworkSpec, int[])} for every document, or the same list when nothing changes. */
    public static List<int[]> inputIds(NetworkSpec spec, List<int[]> docs) {
        if (!BAGS.contains(spec.architecture())) {
            return docs;
        }
        List<int[]> out = new ArrayList<>(docs.size());
        for (int[] d : docs) {
            out.add(inputIds(spec, d));
        }
        return out;
    }

    /** Whether the architecture pools over time (one output per document) rather than reading the last step. */
    public static boolean pools(String architecture) {
        return POOLED.contains(architecture);
    }

}
