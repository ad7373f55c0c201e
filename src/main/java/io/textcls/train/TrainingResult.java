package io.textcls.train;

import io.textcls.corpus.CorpusReport;
import io.textcls.metrics.EvaluationReport;
import java.nio.file.Path;
import java.util.List;

/**
 * What a training run produced.
 *
 * @param bundle where the classifier was saved
 * @param bestEpoch the epoch whose weights were saved
 * @param stopReason why training stopped
 * @param history every epoch, in order
 * @param validation scores of the saved weights on the validation split
 * @param seconds wall time of the whole run (reading, training, validation, saving), resumed parts included
 * @param trainDocsPerSecond training documents per second over all epochs
 * @param corpus the corpus report
 */
public record TrainingResult(Path bundle, int bestEpoch, String stopReason, List<EpochStats> history,
                             EvaluationReport validation, double seconds, double trainDocsPerSecond,
                             CorpusReport corpus) {
}
