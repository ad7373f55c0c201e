package io.textcls.spark;

import java.io.Serializable;

/** One scored document (label, probabilities in model order, tokens, truncated, flags) or an error (id, reason). */
record OutRow(String id, String label, float[] probs, int tokens, boolean truncated, String flags, String error)
        implements Serializable {
}
