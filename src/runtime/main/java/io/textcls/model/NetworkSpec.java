package io.textcls.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.textcls.TextclsException;

/**
 * What builds a network: a versioned architecture name and its sizes. Saved in the bundle in
 * {@code network-K.json}; the architecture is looked up in {@link Architectures}' registry, never
 * by reflection.
 *
 * @param architecture versioned architecture name, see {@link Architectures#KNOWN}
 * @param vocabularySize embedding rows (= vocabulary size)
 * @param embeddingSize embedding width
 * @param hiddenSize LSTM units (per direction for the bidirectional recipes; filters for cnn-pool.v1;
 *     n-gram hash buckets for ngram-mean.v1 and ngram-nb.v1)
 * @param numLabels output width (= number of labels)
 * @param dropout drop rate on what the output layer reads (0 = none)
 * @param embeddingDropout drop rate on the embeddings fed to the first LSTM (0 = none)
 * @param layers stacked LSTM (or convolution) layers (bundles written before this field existed read as 1)
 * @param pooling {@code max}, {@code mean} or {@code maxmean} (both, concatenated) over the real
 *     time steps for the {@code *-pool} recipes; null for {@code lstm-last.v1}
 * @param multiLabel true: the output is one independent sigmoid per label, trained with binary
 *     cross-entropy (a document may have several labels, or none); null (never false, so
 *     single-label specs and the bundles written before this field existed read and write alike):
 *     one softmax over the labels
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetworkSpec(String architecture, int vocabularySize, int embeddingSize, int hiddenSize, int numLabels,
                          double dropout, double embeddingDropout, Integer layers, String pooling, Boolean multiLabel) {
    public static final String MAX = "max";
    public static final String MEAN = "mean";
    /** The sum over the real steps: only for {@link Architectures#NGRAM_NB_V1}, whose features each count once. */
    public static final String SUM = "sum";
    /** Max and mean side by side (twice the features). */
    public static final String MAX_MEAN = "maxmean";

    /** A single-label network: one softmax over the labels. */
    public NetworkSpec(String architecture, int vocabularySize, int embeddingSize, int hiddenSize, int numLabels,
                       double dropout, double embeddingDropout, Integer layers, String pooling) {
        this(architecture, vocabularySize, embeddingSize, hiddenSize, numLabels, dropout, embeddingDropout, layers,
                pooling, null);
    }

    public NetworkSpec {
        if (Boolean.FALSE.equals(multiLabel)) {
            multiLabel = null;
        }
        Architectures.requireKnown(architecture);
        positive("vocabulary size", vocabularySize);
        positive("embedding size", embeddingSize);
        positive("hidden size", hiddenSize);
        if (numLabels < (multiLabel == null ? 2 : 1)) {
            throw new TextclsException("a classifier needs at least 2 labels (a multi-label one at least 1), got "
                    + numLabels);
        }
        rate("dropout", dropout);
        rate("embedding dropout", embeddingDropout);
        if (layers == null) {
            layers = 1; // network.json from before stacking existed
        }
        if (layers < 1 || layers > 4) {
            throw new TextclsException("layers must be between 1 and 4, got " + layers);
        }
        if (Architectures.pools(architecture)) {
            if (pooling == null) {
                pooling = Architectures.NGRAM_MEAN_V1.equals(architecture) ? MEAN
                        : Architectures.NGRAM_NB_V1.equals(architecture) ? SUM : MAX;
            }
            if (Architectures.NGRAM_NB_V1.equals(architecture)) {
                if (layers != 1 || !pooling.equals(SUM)) {
                    throw new TextclsException(architecture + " has one layer and sum pooling; got " + layers
                            + " layer(s) and pooling '" + pooling + "'");
                }
            } else if (!pooling.equals(MAX) && !pooling.equals(MEAN) && !pooling.equals(MAX_MEAN)) {
                throw new TextclsException("pooling must be '" + MAX + "', '" + MEAN + "' or '" + MAX_MEAN + "', got '"
                        + pooling + "'");
            }
            if (Architectures.NGRAM_MEAN_V1.equals(architecture) && (layers != 1 || !pooling.equals(MEAN))) {
                throw new TextclsException(architecture + " has one layer and mean pooling; got " + layers
                        + " layer(s) and pooling '" + pooling + "'");
            }
        } else if (pooling != null) {
            throw new TextclsException(architecture + " reads the last step and takes no pooling (got '" + pooling
                    + "'); pooling is for " + Architectures.POOLED);
        }
    }

    /** Whether the output is one sigmoid per label (multi-label) rather than one softmax. */
    public boolean sigmoid() {
        return multiLabel != null && multiLabel;
    }

    /** The same network with a multi-label (sigmoid) or single-label (softmax) output. */
    public NetworkSpec withMultiLabel(boolean multi) {
        return new NetworkSpec(architecture, vocabularySize, embeddingSize, hiddenSize, numLabels, dropout,
                embeddingDropout, layers, pooling, multi ? Boolean.TRUE : null);
    }

    /** The recipe of the first release: one LSTM read at the last step. */
    public static NetworkSpec lstmLast(int vocabularySize, int embeddingSize, int hiddenSize, int numLabels,
                                       double dropout, double embeddingDropout) {
        return new NetworkSpec(Architectures.LSTM_LAST_V1, vocabularySize, embeddingSize, hiddenSize, numLabels,
                dropout, embeddingDropout, 1, null);
    }

    private static void positive(String what, int v) {
        if (v < 1) {
            throw new TextclsException(what + " must be at least 1, got " + v);
        }
    }

    private static void rate(String what, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new TextclsException(what + " must be in [0, 1), got " + v);
        }
    }
}
