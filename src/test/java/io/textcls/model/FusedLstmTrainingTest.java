package io.textcls.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.encode.SequenceBatches;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Fused training steps must move the weights exactly as DL4J's own fit does (dropout off). */
class FusedLstmTrainingTest {
    static MultiLayerNetwork network(double dropout) {
        // clip 1.0 and weight decay on, so per-layer clipping and decay are exercised too
        return Architectures.build(new NetworkSpec(Architectures.LSTM_LAST_V1, 40, 16, 12, 3, dropout, 0),
                new Optimization(0.01, 1e-3, 1.0, 5));
    }

    static List<int[]> batch(Random r, int[] labels) {
        List<int[]> seqs = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            int[] s = new int[1 + r.nextInt(12)];
            for (int t = 0; t < s.length; t++) {
                s[t] = r.nextInt(40); // a small vocabulary: repeated ids in every batch
            }
            seqs.add(s);
            labels[i] = r.nextInt(3);
        }
        return seqs;
    }

    @Test
    void stepsMatchDl4jFit() {
        MultiLayerNetwork dl4j = network(0);
        MultiLayerNetwork fused = dl4j.clone();
        FusedLstmTraining trainer = new FusedLstmTraining(fused, new NetworkSpec(Architectures.LSTM_LAST_V1, 40, 16, 12,
                3, 0, 0));
        Random r = new Random(6);
        for (int step = 0; step < 3; step++) {
            int[] labels = new int[10];
            List<int[]> seqs = batch(r, labels);
            DataSet ds = SequenceBatches.iterator(seqs, labels, 3, 10).next();
            dl4j.fit(ds);
            double loss = trainer.fit(seqs, labels);
            assertTrue(loss > 0 && Double.isFinite(loss));
        }
        double diff = Transforms.abs(dl4j.params().sub(fused.params())).maxNumber().doubleValue();
        assertEquals(0.0, diff, 1e-5, "largest parameter difference after 3 steps");
        assertEquals(dl4j.getIterationCount(), fused.getIterationCount());
    }

    @Test
    void learnsWithDropout() {
        MultiLayerNetwork net = network(0.3);
        FusedLstmTraining trainer = new FusedLstmTraining(net, new NetworkSpec(Architectures.LSTM_LAST_V1, 40, 16, 12, 3,
                0.3, 0));
        // label = first token mod 3: learnable from the sequence
        Random r = new Random(2);
        double first = 0;
        double lastLoss = 0;
        for (int step = 0; step < 150; step++) {
            int[] labels = new int[16];
            List<int[]> seqs = batch(r, labels);
            for (int i = 0; i < labels.length; i++) {
                labels[i] = seqs.get(i)[seqs.get(i).length - 1] % 3;
            }
            double loss = trainer.fit(seqs, labels);
            if (step < 10) {
                first += loss / 10;
            }
            if (step >= 140) {
                lastLoss += loss / 10;
            }
        }
        assertTrue(lastLoss < first * 0.5, "loss " + first + " -> " + lastLoss);
    }
}
