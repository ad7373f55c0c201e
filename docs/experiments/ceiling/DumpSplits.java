package io.textcls.train;

import io.textcls.recipe.*;
import io.textcls.corpus.*;
import io.textcls.text.*;
import java.nio.file.*;
import java.util.*;
import java.io.*;

/**
 * Prototype tool, not part of textcls: writes the tokens of every labeled document of an aclImdb
 * train folder as docs.tsv (id, label, tokens) and the held-out ids of the default recipe's grouped
 * splits for seeds 42, 43 and 44 as val-SEED.txt, tokenized exactly as imdb-default does.
 * Usage: java io.textcls.train.DumpSplits DATA OUT_DIR (in this package for TrainingData).
 */
public class DumpSplits {
    public static void main(String[] a) throws Exception {
        Path data = Path.of(a[0]); Path outDir = Path.of(a[1]);
        Files.createDirectories(outDir);
        Recipe base = Recipes.load("imdb-default");
        Trainer.Listener quiet = line -> { };
        boolean tokensWritten = false;
        for (String seed : new String[] {"42", "43", "44"}) {
            Recipe r = Recipes.with(base, "seed", seed);
            TrainingData d = TrainingData.prepare(data, r, 2, quiet);
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(outDir.resolve("val-" + seed + ".txt")))) {
                for (TokenizedDocument t : d.validation()) w.println(t.id());
            }
            if (!tokensWritten) {
                try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(outDir.resolve("docs.tsv")))) {
                    List<TokenizedDocument> all = new ArrayList<>(d.train()); all.addAll(d.validation());
                    for (TokenizedDocument t : all) w.println(t.id() + "\t" + d.labels().names().get(t.label()) + "\t" + String.join(" ", t.tokens()));
                }
                tokensWritten = true;
            }
        }
    }
}
