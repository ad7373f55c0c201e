package io.textcls.spark;

import java.io.Serializable;
import java.util.List;

/**
 * One scored document (label, the predicted label set of a multi-label classifier or null,
 * probabilities in model order, tokens, truncated, flags) or an error (id, reason).
 */
record OutRow(String id, String label, List<String> labels, float[] probs, int tokens, boolean truncated,
              String flags, String error) implements Serializable {
}
