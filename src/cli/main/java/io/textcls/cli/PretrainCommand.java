package io.textcls.cli;

import io.textcls.embed.Word2VecPretrainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code textcls pretrain}: word2vec vectors for {@code train --embeddings}. */
@Command(name = "pretrain", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, showDefaultValues = true,
        sortOptions = false,
        description = {"Train word2vec (DL4J's skip-gram, negative sampling) on folders of text, tokenized exactly as "
                + "the classifier tokenizes, and write the vectors in the word2vec text format.",
                "Use them with 'textcls train --embeddings <out>'."})
public final class PretrainCommand implements Callable<Integer> {
    private static final Word2VecPretrainer.Settings D = Word2VecPretrainer.Settings.defaults();

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, split = ",", description = "Folders of text files, read recursively "
            + "(e.g. data/aclImdb/train/unsup), or tables (.csv, .tsv, .jsonl, optionally .gz: one document per row, "
            + "in --text-column). Repeat or separate with commas.")
    List<Path> data;

    @Option(names = "--text-column", description = "Tables: the column (JSONL: field) holding the text.")
    String textColumn = io.textcls.corpus.TableColumns.TEXT;

    @Option(names = "--tokenizer", description = "auto (chosen from the scripts of the first --data, as train "
            + "chooses), " + io.textcls.text.TokenizerModels.OPENNLP_EN_UD_EWT_1_3 + ", "
            + io.textcls.text.TokenizerModels.ICU_WORDS + " or " + io.textcls.text.TokenizerModels.ICU_CJK_CHARS
            + ": the one train will use.")
    String tokenizer = io.textcls.text.TokenizerModels.AUTO;

    @Option(names = "--out", required = true, description = "Vectors file to write (word2vec text format).")
    Path out;

    @Option(names = "--dimension", description = "Vector width (= the classifier's embedding size).")
    int dimension = D.dimension();

    @Option(names = "--window", description = "Context words on each side.")
    int window = D.window();

    @Option(names = "--negative", description = "Negative samples per word.")
    int negative = D.negative();

    @Option(names = "--min-count", description = "Least count for a word to get a vector.")
    int minCount = D.minCount();

    @Option(names = "--epochs", description = "Passes over the text.")
    int epochs = D.epochs();

    @Option(names = "--sampling", description = "Down-sampling threshold for frequent words (0 = none).")
    double sampling = D.sampling();

    @Option(names = "--learning-rate", description = "Starting step size (decays linearly).")
    double learningRate = D.learningRate();

    @Option(names = "--seed", description = "Random seed.")
    long seed = D.seed();

    @Option(names = "--threads", description = "Threads for reading and training.")
    int threads = D.threads();

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        Word2VecPretrainer.Settings s = new Word2VecPretrainer.Settings(dimension, window, negative, minCount, epochs,
                sampling, learningRate, seed, threads);
        Word2VecPretrainer.Result r = Word2VecPretrainer.run(data, out, s, textColumn, tokenizer, line -> {
            w.println(line);
            w.flush();
        });
        w.printf("pretrain: %,d documents, %,d tokens, %,d vectors; %.1f min%n", r.documents(), r.tokens(), r.words(),
                (r.readSeconds() + r.trainSeconds()) / 60);
        w.flush();
        return 0;
    }
}
