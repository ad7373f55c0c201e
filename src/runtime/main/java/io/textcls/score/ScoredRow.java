package io.textcls.score;

import io.textcls.classifier.Prediction;

/**
 * One output line: a prediction (with flags such as malformed UTF-8, a byte cut or an empty
 * document, {@code ;}-separated) or, with {@code error} set, a row for the errors file.
 */
public record ScoredRow(String id, Prediction prediction, String flags, String error) {
}
