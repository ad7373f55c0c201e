package io.textcls.train;

import io.textcls.classifier.EpochStats;
import io.textcls.classifier.TextClassifier;
import io.textcls.corpus.CorpusReport;
import io.textcls.metrics.EvaluationReport;
import io.textcls.model.NetworkSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * What a training run produced.
 *
 * @param bundle where the classifier was saved
 * @param classifier the saved classifier, loaded
 * @param networks each network's training, in recipe order
 * @param validation scores of the saved classifier (the ensemble, when there are several networks) on the
 *     validation split
 * @param seconds wall time of the whole run (reading, training, validation, saving) in this process
 * @param corpus the corpus report
 */
public record TrainingResult(Path bundle, TextClassifier classifier, List<NetworkSummary> networks,
                             EvaluationReport validation, double seconds, CorpusReport corpus) {
    public TrainingResult {
        networks = List.copyOf(networks);
    }

    /**
     * One network's training.
     *
     * @param bestEpoch the epoch whose weights were saved
     * @param stopReason why training stopped
     * @param history every epoch, in order
     * @param validation scores of the saved weights on the validation split
     * @param seconds wall time of its training, resumed parts included
     * @param trainDocsPerSecond training documents per second over all its epochs
     */
    public record NetworkSummary(String name, NetworkSpec spec, int bestEpoch, String stopReason,
                                 List<EpochStats> history, EvaluationReport validation, double seconds,
                                 double trainDocsPerSecond) {
        public NetworkSummary {
            history = List.copyOf(history);
        }
    }
}
