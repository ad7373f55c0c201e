package io.textcls.model;

import io.textcls.TextclsException;

/**
 * What builds a network: a versioned architecture name and its sizes. Saved in the bundle as
 * {@code network.json}; the architecture name is looked up in a closed switch, never by reflection.
 *
 * @param architecture versioned recipe name, see {@link Architectures#KNOWN}
 * @param vocabularySize embedding rows (= vocabulary size)
 * @param embeddingSize embedding width
 * @param hiddenSize LSTM units
 * @param numLabels output width (= number of labels)
 * @param dropout drop rate on the LSTM's outputs (0 = none)
 * @param embeddingDropout drop rate on the embeddings fed to the LSTM (0 = none)
 */
public record NetworkSpec(String architecture, int vocabularySize, int embeddingSize, int hiddenSize, int numLabels,
                          double dropout, double embeddingDropout) {
    public NetworkSpec {
        Architectures.requireKnown(architecture);
        positive("vocabulary size", vocabularySize);
        positive("embedding size", embeddingSize);
        positive("hidden size", hiddenSize);
        if (numLabels < 2) {
            throw new TextclsException("a classifier needs at least 2 labels, got " + numLabels);
        }
        rate("dropout", dropout);
        rate("embedding dropout", embeddingDropout);
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
