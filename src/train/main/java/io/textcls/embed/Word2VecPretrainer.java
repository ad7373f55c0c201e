package io.textcls.embed;

import io.textcls.TextclsException;
import io.textcls.corpus.CorpusLoader;
import io.textcls.corpus.CorpusScripts;
import io.textcls.corpus.FolderCorpus;
import io.textcls.corpus.TableCorpus;
import io.textcls.corpus.TextFiles;
import io.textcls.corpus.TokenizedDocument;
import io.textcls.text.Scripts;
import io.textcls.text.TextPipeline;
import io.textcls.text.TextPipelineSettings;
import io.textcls.text.TokenizerModels;
import io.textcls.util.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.deeplearning4j.models.word2vec.VocabWord;
import org.deeplearning4j.models.word2vec.Word2Vec;
import org.deeplearning4j.text.sentenceiterator.CollectionSentenceIterator;
import org.deeplearning4j.text.sentenceiterator.SentenceIterator;
import org.deeplearning4j.text.sentenceiterator.SentencePreProcessor;
import org.deeplearning4j.text.tokenization.tokenizerfactory.DefaultTokenizerFactory;

/**
 * Trains word2vec (DL4J's skip-gram with negative sampling) on documents tokenized by the same
 * {@link TextPipeline} the classifier uses, so every vector's word is spelled as the classifier
 * will see it. Each document is one word2vec "sentence": tokens are joined by spaces and split
 * back on them (tokens never hold whitespace).
 */
public final class Word2VecPretrainer {
    /**
     * Word2vec settings.
     *
     * @param dimension vector width
     * @param window context words on each side
     * @param negative negative samples per positive
     * @param minCount least corpus count for a word to get a vector
     * @param epochs passes over the corpus
     * @param sampling down-sampling threshold for frequent words (0 = none)
     * @param learningRate starting step size (decays linearly to 1e-4)
     * @param seed random seed
     * @param threads worker threads (reading and training)
     */
    public record Settings(int dimension, int window, int negative, int minCount, int epochs, double sampling,
                           double learningRate, long seed, int threads) {
        public Settings {
            if (dimension < 1 || window < 1 || negative < 1 || minCount < 1 || epochs < 1 || threads < 1) {
                throw new TextclsException("--dimension, --window, --negative, --min-count, --epochs and --threads "
                        + "must be >= 1");
            }
            if (sampling < 0 || !(learningRate > 0)) {
                throw new TextclsException("--sampling must be >= 0 and --learning-rate > 0");
            }
        }

        public static Settings defaults() {
            return new Settings(128, 5, 5, 5, 3, 1e-4, 0.025, 42, 2);
        }
    }

    /** What a run read and made. */
    public record Result(int documents, long tokens, int words, double readSeconds, double trainSeconds) {
    }

    private Word2VecPretrainer() {
    }

    /**
     * Reads every file under the folders (recursively; hidden files skipped, binary files
     * reported), trains vectors and writes them to {@code out} in the word2vec text format.
     */
    public static Result run(List<Path> folders, Path out, Settings s, Consumer<String> log) throws java.io.IOException {
        return run(folders, out, s, io.textcls.corpus.TableColumns.TEXT, log);
    }

    /**
     * As {@link #run(List, Path, Settings, Consumer)}, where a path may also be a table (CSV, TSV,
     * JSONL, optionally gzipped: {@link TableCorpus#isTable}) whose {@code textColumn} holds one
     * document per row.
     */
    public static Result run(List<Path> folders, Path out, Settings s, String textColumn, Consumer<String> log)
            throws java.io.IOException {
        return run(folders, out, s, textColumn, TextPipelineSettings.defaults().tokenizer(), log);
    }

    /**
     * As {@link #run(List, Path, Settings, String, Consumer)} with a tokenizer: one of {@link
     * TokenizerModels#KNOWN}, or {@code auto} to choose from the first path's scripts as {@code
     * train} does (a corpus's vectors and its classifier then tokenize alike).
     */
    public static Result run(List<Path> folders, Path out, Settings s, String textColumn, String tokenizer,
                             Consumer<String> log) throws java.io.IOException {
        if (folders.isEmpty()) {
            throw new TextclsException("pretrain needs at least one --data folder or table");
        }
        String chosen = tokenizer;
        if (TokenizerModels.AUTO.equals(tokenizer)) {
            Path first = folders.get(0).toAbsolutePath().normalize();
            Scripts scripts = TableCorpus.isTable(first) && Files.isRegularFile(first)
                    ? CorpusScripts.sampleTable(first, textColumn)
                    : Files.isDirectory(first) ? CorpusScripts.sampleFiles(first) : new Scripts();
            Scripts.Choice choice = scripts.choose();
            chosen = choice.tokenizer();
            log.accept(String.format("tokenizer: %s (auto: scripts %s: %s; --tokenizer sets it, and train's must be "
                    + "the same)", chosen, scripts.toText(), choice.reason()));
        }
        TextPipelineSettings defaults = TextPipelineSettings.defaults();
        TextPipeline pipeline = new TextPipeline(new TextPipelineSettings(chosen, defaults.lowercase(),
                defaults.stripHtml(), defaults.maxRunChars()));
        long t0 = System.nanoTime();
        List<String> sentences = new ArrayList<>();
        long tokens = 0;
        for (Path folder : folders) {
            Path abs = folder.toAbsolutePath().normalize();
            if (TableCorpus.isTable(abs) && Files.isRegularFile(abs)) {
                // A table's text column, one document per row (labels, if any, are not read).
                int before = sentences.size();
                long[] count = {0};
                long missing = TableCorpus.forEachText(abs, textColumn, text -> {
                    String[] toks = pipeline.tokens(text).toArray(String[]::new);
                    if (toks.length > 0) {
                        sentences.add(String.join(" ", toks));
                        count[0] += toks.length;
                    }
                });
                tokens += count[0];
                log.accept(String.format("read %s: %,d documents from its '%s' column%s", folder,
                        sentences.size() - before, textColumn, missing == 0 ? ""
                                : String.format(" (%,d rows without one skipped)", missing)));
                continue;
            }
            if (!Files.isDirectory(abs) || abs.getParent() == null) {
                throw new TextclsException("--data " + folder + " is not a folder of text files");
            }
            // The folder is read as the one "label" of its parent, which lists it recursively.
            FolderCorpus corpus = FolderCorpus.scan(abs.getParent(), List.of(abs.getFileName().toString()));
            CorpusLoader.Loaded loaded = CorpusLoader.load(corpus, pipeline, s.threads(), TextFiles.DEFAULT_MAX_BYTES);
            int before = sentences.size();
            for (TokenizedDocument d : loaded.documents()) {
                if (d.tokens().length > 0) {
                    sentences.add(String.join(" ", d.tokens()));
                    tokens += d.tokens().length;
                }
            }
            String skipped = loaded.stats().binarySkipped().isEmpty() && loaded.stats().unreadable().isEmpty() ? ""
                    : String.format(" (%d binary and %d unreadable files skipped)",
                    loaded.stats().binarySkipped().size(), loaded.stats().unreadable().size());
            log.accept(String.format("read %s: %,d documents%s", folder, sentences.size() - before, skipped));
        }
        if (sentences.isEmpty()) {
            throw new TextclsException("no text found under " + folders);
        }
        double readSeconds = (System.nanoTime() - t0) / 1e9;
        log.accept(String.format("%,d documents, %,d tokens (%.0f s); training word2vec: %d dimensions, window %d, "
                        + "%d negatives, min count %d, %d epochs, %d threads", sentences.size(), tokens, readSeconds,
                s.dimension(), s.window(), s.negative(), s.minCount(), s.epochs(), s.threads()));

        long t1 = System.nanoTime();
        // Word2Vec reads the sentences once to build its vocabulary, then once per epoch.
        Progress progress = Progress.start("word2vec (vocabulary + " + s.epochs() + " epochs)",
                (long) sentences.size() * (s.epochs() + 1), "docs");
        Word2Vec w2v = new Word2Vec.Builder()
                .layerSize(s.dimension())
                .windowSize(s.window())
                .negativeSample(s.negative())
                .useHierarchicSoftmax(false)
                .minWordFrequency(s.minCount())
                .epochs(s.epochs())
                .iterations(1)
                .sampling(s.sampling())
                .learningRate(s.learningRate())
                .minLearningRate(1e-4)
                .seed(s.seed())
                .workers(s.threads())
                .allowParallelTokenization(false)
                .iterate(counting(new CollectionSentenceIterator(sentences), progress))
                .tokenizerFactory(new DefaultTokenizerFactory())
                .build();
        try (progress) {
            w2v.fit();
        }
        double trainSeconds = (System.nanoTime() - t1) / 1e9;

        Map<String, float[]> vectors = new LinkedHashMap<>();
        List<VocabWord> words = new ArrayList<>(w2v.getVocab().vocabWords());
        words.sort((a, b) -> Double.compare(b.getElementFrequency(), a.getElementFrequency()));
        for (VocabWord w : words) {
            double[] v = w2v.getWordVector(w.getLabel());
            if (v == null) {
                continue;
            }
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            vectors.put(w.getLabel(), f);
        }
        new WordVectors(s.dimension(), vectors).write(out);
        log.accept(String.format("wrote %,d vectors to %s (%.0f s training, %,.0f tokens/s)", vectors.size(), out,
                trainSeconds, tokens * (double) s.epochs() / trainSeconds));
        return new Result(sentences.size(), tokens, vectors.size(), readSeconds, trainSeconds);
    }

    /**
     * The sentences, stepping {@code progress} as Word2Vec takes each one (its reader runs a little
     * ahead of training, so the bar leads by at most a queue of documents).
     */
    private static SentenceIterator counting(SentenceIterator in, Progress progress) {
        return new SentenceIterator() {
            @Override
            public String nextSentence() {
                progress.step(1);
                return in.nextSentence();
            }

            @Override
            public boolean hasNext() {
                return in.hasNext();
            }

            @Override
            public void reset() {
                in.reset();
            }

            @Override
            public void finish() {
                in.finish();
            }

            @Override
            public SentencePreProcessor getPreProcessor() {
                return in.getPreProcessor();
            }

            @Override
            public void setPreProcessor(SentencePreProcessor preProcessor) {
                in.setPreProcessor(preProcessor);
            }
        };
    }
}
