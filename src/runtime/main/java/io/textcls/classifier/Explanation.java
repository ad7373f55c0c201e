package io.textcls.classifier;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Why a classifier predicted what it did for one document, by occlusion: for each token, how much
 * the networks' probability of each label drops when the token (or the window of tokens it is in)
 * is left out. Positive: the token speaks for the label; negative: against it. An ensemble's
 * attribution is the weighted mean of its networks' (occlusion of their weighted mean probability). Tokens the
 * classifier does not read (past its maximum length) get 0 and {@link #read} false. Immutable.
 *
 * @param prediction the classifier's prediction for the whole document (with its temperature)
 * @param tokens the document's tokens, from the classifier's text pipeline
 * @param attributions per token, per label (output order): probability drop when it is left out
 * @param read whether the classifier reads each token
 * @param window how many consecutive read tokens were left out together
 * @param shown each token as the text wrote it (before lower-casing or case folding), for display;
 *     the tokens themselves where not known
 */
public record Explanation(Prediction prediction, List<String> tokens, float[][] attributions, boolean[] read,
                          int window, List<String> shown) {
    /** An explanation that shows the tokens themselves. */
    public Explanation(Prediction prediction, List<String> tokens, float[][] attributions, boolean[] read, int window) {
        this(prediction, tokens, attributions, read, window, null);
    }

    public Explanation {
        tokens = List.copyOf(tokens);
        shown = shown == null ? tokens : List.copyOf(shown);
        if (shown.size() != tokens.size()) {
            throw new IllegalArgumentException(tokens.size() + " tokens but " + shown.size() + " shown forms");
        }
        float[][] a = new float[attributions.length][];
        for (int i = 0; i < a.length; i++) {
            a[i] = attributions[i].clone();
        }
        attributions = a;
        read = read.clone();
        if (tokens.size() != attributions.length || tokens.size() != read.length) {
            throw new IllegalArgumentException(tokens.size() + " tokens but " + attributions.length
                    + " attributions and " + read.length + " read flags");
        }
    }

    /** This explanation, showing each token as {@code surfaces} (index for index) says it was written. */
    public Explanation withShown(List<String> surfaces) {
        return new Explanation(prediction, tokens, attributions, read, window, surfaces);
    }

    /** Token {@code i}'s attribution toward label {@code label} (output order). */
    public float attribution(int i, int label) {
        return attributions[i][label];
    }

    /** Every token's attribution toward one label. */
    public float[] toward(int label) {
        float[] out = new float[tokens.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = attributions[i][label];
        }
        return out;
    }

    /** Attributions per token per label (a copy). */
    @Override
    public float[][] attributions() {
        float[][] a = new float[attributions.length][];
        for (int i = 0; i < a.length; i++) {
            a[i] = attributions[i].clone();
        }
        return a;
    }

    @Override
    public boolean[] read() {
        return read.clone();
    }

    /** Indices of the {@code n} read tokens that speak most for {@code label}, strongest first (ties: earlier first). */
    public List<Integer> top(int label, int n) {
        return IntStream.range(0, tokens.size()).filter(i -> read[i]).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -attributions[i][label]).thenComparingInt(i -> i))
                .limit(n).toList();
    }

    /** The predicted label's index (output order). */
    public int predictedIndex() {
        return prediction.labels().indexOf(prediction.label());
    }

    static Explanation occlude(TextClassifier classifier, List<String> tokens, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("the occlusion window must be at least 1 token, got " + window);
        }
        Prediction prediction = classifier.predict(List.of(classifier.encodeTokens(tokens))).get(0);
        int labels = prediction.labels().size();
        int[] positions = classifier.readPositions(tokens.size());
        float[][] attributions = new float[tokens.size()][labels];
        boolean[] read = new boolean[tokens.size()];
        for (int p : positions) {
            read[p] = true;
        }
        if (positions.length == 0) {
            return new Explanation(prediction, tokens, attributions, read, window);
        }
        List<Set<Integer>> removals = new ArrayList<>();
        removals.add(Set.of());
        for (int start = 0; start < positions.length; start += window) {
            List<Integer> w = new ArrayList<>();
            for (int i = start; i < Math.min(positions.length, start + window); i++) {
                w.add(positions[i]);
            }
            removals.add(Set.copyOf(w));
        }
        List<Prediction> preds = classifier.uncalibrated().predictWithout(tokens, removals);
        float[] base = preds.get(0).probs();
        for (int r = 1; r < removals.size(); r++) {
            float[] without = preds.get(r).probs();
            for (int token : removals.get(r)) {
                for (int k = 0; k < labels; k++) {
                    attributions[token][k] = base[k] - without[k];
                }
            }
        }
        return new Explanation(prediction, tokens, attributions, read, window);
    }
}
