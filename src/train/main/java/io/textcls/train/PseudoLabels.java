package io.textcls.train;

import io.textcls.TextclsException;
import io.textcls.classifier.Prediction;
import io.textcls.classifier.TextClassifier;
import io.textcls.corpus.CorpusLoader;
import io.textcls.corpus.FolderCorpus;
import io.textcls.corpus.TextFiles;
import io.textcls.corpus.TokenizedDocument;
import io.textcls.encode.SequenceEncoder;
import io.textcls.text.TextPipeline;
import io.textcls.util.Progress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The unlabeled documents a teacher is sure of, with its labels: what a self-training student
 * trains on beside the labeled training split.
 *
 * <p>A document qualifies when the teacher's top probability is at least the threshold. Each
 * label then keeps its share of the labeled training split (the most confident first), so the
 * teacher's leanings do not shift the student's label prior. Empty documents and exact copies of
 * any labeled document (training or validation) are left out: validation text is never trained on.
 *
 * @param docs the chosen documents (ids relative to the unlabeled folder's parent, labels the teacher's), by id
 * @param sequences their encoded ids, in the same order
 * @param read documents read from the folder
 * @param confident documents at or above the threshold, before the shares were kept
 * @param perLabel chosen documents per label
 * @param fingerprint identifies the chosen documents and labels (a resumed student must match)
 */
record PseudoLabels(List<TokenizedDocument> docs, List<int[]> sequences, int read, int confident, int[] perLabel,
                    String fingerprint) {
    /** Documents scored per teacher call (and progress step). */
    static final int CHUNK = 2048;

    static PseudoLabels choose(Path folder, TrainingData data, TextClassifier teacher, double threshold, int threads) {
        return choose(folder, data, teacher, threshold, threads, 1, 0);
    }

    /**
     * As above, reading a seeded random {@code fraction} of the unlabeled documents (1: all of
     * them): a labeled corpus cut by {@code split.sample} has its unlabeled documents cut in the same
     * proportion.
     */
    static PseudoLabels choose(Path folder, TrainingData data, TextClassifier teacher, double threshold, int threads,
                               double fraction, long seed) {
        Path abs = folder.toAbsolutePath().normalize();
        if (abs.getParent() == null) {
            throw new TextclsException("selfTraining.unlabeled (--unlabeled): " + folder + " has no parent folder");
        }
        FolderCorpus corpus = FolderCorpus.scan(abs.getParent(), List.of(abs.getFileName().toString()));
        if (fraction < 1) {
            corpus = corpus.sample((int) Math.max(1, Math.round(corpus.entries().size() * fraction)), seed);
        }
        CorpusLoader.Loaded loaded = CorpusLoader.load(corpus, new TextPipeline(data.textSettings()), threads,
                TextFiles.DEFAULT_MAX_BYTES);
        Set<Long> labeled = new HashSet<>();
        data.train().forEach(d -> labeled.add(d.contentHash()));
        data.validation().forEach(d -> labeled.add(d.contentHash()));
        List<TokenizedDocument> usable = new ArrayList<>();
        for (TokenizedDocument d : loaded.documents()) {
            if (d.tokens().length > 0 && !labeled.contains(d.contentHash())) {
                usable.add(d);
            }
        }
        SequenceEncoder encoder = new SequenceEncoder(data.vocabulary(), data.sequenceSettings());
        List<int[]> seqs = new ArrayList<>(usable.size());
        float[] top = new float[usable.size()];
        int[] label = new int[usable.size()];
        try (Progress progress = Progress.start("pseudo-label", usable.size(), "docs")) {
            for (int from = 0; from < usable.size(); from += CHUNK) {
                List<TextClassifier.EncodedText> chunk = new ArrayList<>();
                for (int i = from; i < Math.min(usable.size(), from + CHUNK); i++) {
                    int[] ids = encoder.encode(usable.get(i).tokens());
                    seqs.add(ids);
                    int n = usable.get(i).tokens().length;
                    chunk.add(new TextClassifier.EncodedText(ids, n, n > ids.length));
                }
                List<Prediction> preds = teacher.steps().predict(chunk);
                for (int k = 0; k < preds.size(); k++) {
                    float[] p = preds.get(k).probs();
                    int best = 0;
                    for (int l = 1; l < p.length; l++) {
                        best = p[l] > p[best] ? l : best;
                    }
                    top[from + k] = p[best];
                    label[from + k] = best;
                }
                progress.step(chunk.size());
            }
        }
        int numLabels = data.labels().size();
        int[] take = shares(data.trainLabels(), numLabels, label, top, threshold);
        List<List<Integer>> byLabel = new ArrayList<>();
        int confident = 0;
        for (int l = 0; l < numLabels; l++) {
            byLabel.add(new ArrayList<>());
        }
        for (int i = 0; i < usable.size(); i++) {
            if (top[i] >= threshold) {
                byLabel.get(label[i]).add(i);
                confident++;
            }
        }
        List<Integer> chosen = new ArrayList<>();
        for (int l = 0; l < numLabels; l++) {
            List<Integer> c = byLabel.get(l);
            c.sort(Comparator.<Integer>comparingDouble(i -> -top[i]).thenComparing(i -> usable.get(i).id()));
            chosen.addAll(c.subList(0, take[l]));
        }
        chosen.sort(Comparator.comparing(i -> usable.get(i).id()));
        List<TokenizedDocument> docs = new ArrayList<>(chosen.size());
        List<int[]> chosenSeqs = new ArrayList<>(chosen.size());
        StringBuilder fp = new StringBuilder(loaded.stats().fingerprint()).append('|').append(threshold);
        for (int i : chosen) {
            TokenizedDocument d = usable.get(i);
            docs.add(new TokenizedDocument(d.id(), label[i], d.tokens(), d.contentHash()));
            chosenSeqs.add(seqs.get(i));
            fp.append('|').append(d.id()).append('=').append(label[i]);
        }
        return new PseudoLabels(List.copyOf(docs), List.copyOf(chosenSeqs), loaded.documents().size(), confident, take,
                TrainingData.sha256(fp.toString()));
    }

    /**
     * How many confident documents to take per label: as many as keeps every label's share of
     * {@code trainLabels}, limited by the label with the fewest confident documents for its share.
     */
    static int[] shares(int[] trainLabels, int numLabels, int[] label, float[] top, double threshold) {
        long[] labeled = new long[numLabels];
        for (int l : trainLabels) {
            labeled[l]++;
        }
        long[] confident = new long[numLabels];
        for (int i = 0; i < label.length; i++) {
            if (top[i] >= threshold) {
                confident[label[i]]++;
            }
        }
        double total = Double.MAX_VALUE;
        for (int l = 0; l < numLabels; l++) {
            if (labeled[l] > 0) {
                total = Math.min(total, confident[l] * (double) trainLabels.length / labeled[l]);
            }
        }
        int[] take = new int[numLabels];
        for (int l = 0; l < numLabels; l++) {
            take[l] = (int) Math.min(confident[l], Math.floor(total * labeled[l] / trainLabels.length + 1e-9));
        }
        return take;
    }

    int size() {
        return docs.size();
    }

    int[] labels() {
        return docs.stream().mapToInt(TokenizedDocument::label).toArray();
    }
}
