package io.textcls.encode;

import io.textcls.TextclsException;

/**
 * How token lists become id sequences; saved in the bundle next to the text pipeline settings.
 *
 * @param maxLength the most tokens fed to the network per document
 * @param truncation which part of a longer document is kept
 */
public record SequenceSettings(int maxLength, Truncation truncation) {
    /** Which tokens of an over-long document are kept. */
    public enum Truncation {
        /** The first maxLength tokens. */
        HEAD,
        /** The last maxLength tokens: for reviews the verdict usually comes last. */
        TAIL,
        /** The first third of maxLength from the start and the rest from the end. */
        HEAD_TAIL
    }

    public SequenceSettings {
        if (maxLength < 1) {
            throw new TextclsException("max length must be at least 1 token, got " + maxLength);
        }
        if (truncation == null) {
            throw new TextclsException("truncation must be HEAD, TAIL or HEAD_TAIL");
        }
    }
}
