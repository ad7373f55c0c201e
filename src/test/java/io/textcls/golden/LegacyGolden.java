package io.textcls.golden;

import io.textcls.TestCorpora;
import io.textcls.TinyTraining;
import io.textcls.classifier.Prediction;
import io.textcls.classifier.TextClassifier;
import io.textcls.eval.Ensembles;
import io.textcls.train.TrainingConfig;
import io.textcls.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Writes format 1 and 2 golden bundles with the textcls build of this commit. */
public final class LegacyGolden {
    static List<String> texts() {
        Random r = new Random(12);
        List<String> t = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            t.add(TestCorpora.document(r, i % 3));
        }
        t.add("A superb, brilliant and moving film: the best this year.");
        t.add("");
        return t;
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Path work = Files.createTempDirectory("golden");
        Path data = TestCorpora.write(work.resolve("data"), 30, 21);
        String[][] recipes = {
            {"format1-lstm-pool", "lstm-pool.v1", "max"},
            {"format1-bilstm-pool", "bilstm-pool.v1", "maxmean"},
            {"format1-cnn-pool", "cnn-pool.v1", "mean"},
            {"member-lstm", "lstm-pool.v1", "maxmean"},
            {"member-cnn", "cnn-pool.v1", "maxmean"},
        };
        for (String[] r : recipes) {
            TrainingConfig cfg = TinyTraining.config(3).with("architecture", r[1]).with("pooling", r[2]);
            Path bundle = (r[0].startsWith("member") ? work : out).resolve(r[0] + ".zip");
            TinyTraining.train(data, bundle, cfg);
            if (!r[0].startsWith("member")) {
                record(bundle, out.resolve(r[0] + ".predictions.json"));
            }
        }
        Path ens = out.resolve("format2-ensemble.zip");
        Ensembles.write(Ensembles.combine(List.of(work.resolve("member-lstm.zip"), work.resolve("member-cnn.zip")),
                data, 1), ens);
        record(ens, out.resolve("format2-ensemble.predictions.json"));
    }

    static void record(Path bundle, Path json) throws Exception {
        List<Prediction> preds = TextClassifier.load(bundle).classifyAll(texts());
        Json.MAPPER.writeValue(json.toFile(), preds.stream().map(p -> new Object[] {p.label(), p.probs()}).toList());
    }
}
