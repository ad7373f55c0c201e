package io.textcls.score;

import java.nio.file.Path;

/**
 * How to score.
 *
 * @param input a folder, a file, or "-" for standard input
 * @param output the predictions file
 * @param glob file names scored under a folder
 * @param textColumn text column of a CSV/JSONL input (null: the input is documents, not a table)
 * @param idColumn id column of a CSV/JSONL input (null: row numbers)
 * @param topK add the k most probable labels to each row (0 = none)
 * @param threshold two-label models: predict the second label when its probability is at least
 *     this (null = the most probable label)
 * @param threads worker threads, each reading, tokenizing and running its own network copy
 * @param chunk documents per unit of work; also the resume granularity
 * @param maxBytes most bytes read per document; longer ones are cut and flagged
 * @param resume continue an interrupted run from its journal
 */
public record ScoreOptions(String input, Path output, OutputFormat format, String glob, String textColumn,
                           String idColumn, int topK, Double threshold, int threads, int chunk, long maxBytes,
                           boolean resume) {
}
