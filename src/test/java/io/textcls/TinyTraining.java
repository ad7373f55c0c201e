package io.textcls;

import io.textcls.encode.SequenceSettings;
import io.textcls.train.ClassifierTrainer;
import io.textcls.train.TrainingConfig;
import io.textcls.train.TrainingResult;
import java.nio.file.Path;
import java.util.List;

/** A small, fast training recipe for tests on {@link TestCorpora}. */
public final class TinyTraining {
    private TinyTraining() {
    }

    public static TrainingConfig config(int epochs) {
        return new TrainingConfig(List.of(), 0.2, null, 7, 200, 1, 20, SequenceSettings.Truncation.TAIL, 16, 16, 0.1,
                0.0, 0.02, 1e-5, 5.0, 16, epochs, epochs, 0, 2, null, 1, null, null, null, false, 0);
    }

    public static TrainingResult train(Path data, Path bundle, TrainingConfig cfg) throws Exception {
        return new ClassifierTrainer(line -> { }).train(data, bundle, cfg, false);
    }
}
