package io.textcls.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.TestCorpora;
import io.textcls.TextclsException;
import io.textcls.TinyTraining;
import io.textcls.classifier.TextClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

class ResumeTest {
    @TempDir
    Path dir;

    /** Thrown from the listener right after a checkpoint is committed: a kill at that moment. */
    static final class Killed extends RuntimeException {
    }

    static List<TrainingConfig> recipes() {
        return List.of(TinyTraining.config(4),
                // the default recipe's moving parts: bidirectional, max+mean pooling, head+tail, linear decay
                TinyTraining.config(4).with("architecture", "bilstm-pool.v1").with("pooling", "maxmean")
                        .with("truncate", "HEAD_TAIL").with("lr-schedule", "LINEAR"));
    }

    @ParameterizedTest
    @MethodSource("recipes")
    void aKilledRunResumedReachesTheSameWeightsAsAnUninterruptedOne(TrainingConfig cfg) throws Exception {
        Path data = TestCorpora.write(dir.resolve("data"), 40, 2);

        Path straight = dir.resolve("straight.zip");
        TinyTraining.train(data, straight, cfg);

        Path resumed = dir.resolve("resumed.zip");
        List<String> lines = new ArrayList<>();
        assertThrows(Killed.class, () -> new ClassifierTrainer(line -> {
            lines.add(line);
            if (line.startsWith("checkpoint: epoch 2 ")) {
                throw new Killed();
            }
        }).train(data, resumed, cfg, false));
        assertTrue(Files.exists(dir.resolve("resumed.zip.ckpt/state.json")));
        assertTrue(!Files.exists(resumed));

        TextclsException noFlag = assertThrows(TextclsException.class, () -> TinyTraining.train(data, resumed, cfg));
        assertTrue(noFlag.getMessage().contains("--resume"), noFlag.getMessage());

        TrainingConfig changed = cfg.with("hidden-size", "32");
        TextclsException mismatch = assertThrows(TextclsException.class,
                () -> new ClassifierTrainer(l -> { }).train(data, resumed, changed, true));
        assertTrue(mismatch.getMessage().contains("different options"), mismatch.getMessage());

        List<String> after = new ArrayList<>();
        TrainingResult r = new ClassifierTrainer(after::add).train(data, resumed, cfg, true);
        assertTrue(after.get(0).startsWith("resuming from"), after.get(0));
        assertEquals(4, r.history().size());

        INDArray a = TextClassifier.load(straight).network().params();
        INDArray b = TextClassifier.load(resumed).network().params();
        assertEquals(a, b, "resumed weights differ from the uninterrupted run's");
    }
}
