package io.textcls.classifier;

import io.textcls.encode.SequenceEncoder;
import io.textcls.metrics.Calibration;
import io.textcls.model.inference.NetworkScorer;
import io.textcls.recipe.Recipe;
import io.textcls.text.TextPipeline;
import io.textcls.vocab.LabelSet;
import io.textcls.vocab.Vocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A trained, self-contained text classifier: the text pipeline, vocabulary, labels and networks
 * it was trained with. Load one from a bundle and classify raw text:
 *
 * <pre>{@code
 * TextClassifier c = TextClassifier.load(Path.of("models/imdb.zip"));
 * Prediction p = c.classify("A wonderful, moving film.");
 * p.label();            // "pos"
 * p.probabilities();    // {neg=0.03, pos=0.97}
 * }</pre>
 *
 * <p>An ensemble bundle runs each of its networks on the same encoded documents and returns the
 * mean of their probabilities, weighted by its {@link EnsembleWeights} when it has them. An empty document (no tokens after the text pipeline) is
 * classified like any other, by the networks' answer to a document with no words, and its
 * prediction says so ({@link Prediction#empty()}).
 *
 * <p>A bundle may hold a temperature fitted on held-out documents ({@link #temperature()}):
 * predictions are then {@code softmax(log(p) / T)} of the networks' (mean) probabilities {@code
 * p}, which changes how sure the classifier says it is and never the predicted label; {@link
 * #uncalibrated()} gives the networks' own probabilities. {@link #explain} says which tokens drove
 * a prediction.
 *
 * <p>Thread-safe: the networks score on immutable weights with buffers each call takes from a
 * pool, and tokenizers are pooled the same way, so any number of threads may share one classifier.
 * Pure Java: no native library and no Deeplearning4j type is involved in loading or scoring.
 *
 * <p>{@link #steps()} exposes the steps under {@link #classifyAll} (tokenize and encode, then
 * score encoded documents) for batch tools that run them on separate threads or batch documents by
 * length, as {@code score}, {@code serve}, Spark and training's validation do.
 */
public final class TextClassifier {
    /** Documents per forward pass. */
    static final int DEFAULT_BATCH_SIZE = 64;

    private final ModelBundle.Contents contents;
    private final TextPipeline pipeline;
    private final SequenceEncoder encoder;
    private final int batchSize;
    /** One per network of the bundle (an ensemble has several). */
    private final List<NetworkScorer> engines;
    /** The temperature predictions are rescaled by (1: none). */
    private final double temperature;
    private final Steps steps = new Steps();

    /** A tokenized, encoded document ready for the networks. */
    public record EncodedText(int[] ids, int tokens, boolean truncated) {
        public EncodedText {
            ids = ids.clone();
        }

        @Override
        public int[] ids() {
            return ids.clone();
        }
    }

    /** A classifier over checked bundle contents (as {@link ModelBundle#read} returns them). */
    public TextClassifier(ModelBundle.Contents contents) {
        this(contents, engines(contents));
    }

    private TextClassifier(ModelBundle.Contents contents, List<NetworkScorer> engines) {
        this.contents = contents;
        this.pipeline = new TextPipeline(contents.pipeline().text());
        this.encoder = new SequenceEncoder(contents.vocabulary(), contents.pipeline().sequence());
        this.batchSize = DEFAULT_BATCH_SIZE;
        this.engines = List.copyOf(engines);
        this.temperature = contents.temperature() == null ? 1 : contents.temperature().temperature();
    }

    private static List<NetworkScorer> engines(ModelBundle.Contents contents) {
        // each member's weights are read into its records independently: in parallel
        return contents.members().parallelStream().map(m -> NetworkScorer.of(m.spec(), m.weights())).toList();
    }

    /** The same classifier (sharing its networks) with another model card. */
    public TextClassifier withCard(ModelCard card) {
        return new TextClassifier(contents.withCard(card), engines);
    }

    /** The same classifier (sharing its networks) with another temperature (null: none, temperature 1). */
    public TextClassifier withTemperature(Temperature t) {
        return new TextClassifier(contents.withTemperature(t), engines);
    }

    /** The same classifier giving its networks' own probabilities: no temperature (nor per-label ones). */
    public TextClassifier uncalibrated() {
        if (contents.decision() != null) {
            return contents.decision().temperatures() == null ? this
                    : withDecision(contents.decision().uncalibrated());
        }
        return temperature == 1 && contents.temperature() == null ? this : withTemperature(null);
    }

    /**
     * What this classifier predicts for a document its networks give {@code raw}: {@code raw}
     * rescaled by its temperature (a copy of {@code raw} without one). For comparing the networks'
     * recorded probabilities, such as the self-test's, with predictions.
     */
    float[] calibrated(float[] raw) {
        if (contents.decision() != null) {
            return contents.decision().calibrate(raw);
        }
        return temperature == 1 ? raw.clone() : Calibration.scale(raw, temperature);
    }

    /** The temperature this classifier's probabilities are rescaled by; empty when it has none. */
    public Optional<Temperature> temperature() {
        return Optional.ofNullable(contents.temperature());
    }

    /** Loads a bundle; a bad or mismatched one gets a {@link BundleException} that says what is wrong. */
    public static TextClassifier load(Path bundle) {
        return new TextClassifier(ModelBundle.read(bundle));
    }

    /** Saves this classifier as a bundle (atomically). */
    public void save(Path bundle) throws IOException {
        ModelBundle.write(bundle, contents);
    }

    public Prediction classify(String text) {
        return classifyAll(List.of(text)).get(0);
    }

    /** Predictions for many texts, in input order; documents are batched by length internally. */
    public List<Prediction> classifyAll(List<String> texts) {
        List<EncodedText> enc = new ArrayList<>(texts.size());
        for (String t : texts) {
            enc.add(encode(t));
        }
        return predict(enc);
    }

    /** Tokenizes and encodes a text: the part of classification that needs no network (any thread). */
    EncodedText encode(String text) {
        return encodeTokens(pipeline.tokens(text));
    }

    /** Encodes tokens that came from this classifier's {@link #pipeline()}. */
    EncodedText encodeTokens(List<String> tokens) {
        int[] ids = encoder.encode(tokens);
        return new EncodedText(ids, tokens.size(), tokens.size() > ids.length);
    }

    /** Predictions for encoded documents, in input order. */
    List<Prediction> predict(List<EncodedText> docs) {
        List<int[]> seqs = new ArrayList<>(docs.size());
        for (EncodedText d : docs) {
            seqs.add(d.ids);
        }
        float[][] probs = probabilities(seqs);
        List<Prediction> out = new ArrayList<>(docs.size());
        List<String> names = labels().names();
        MultiLabelDecision decision = contents.decision();
        for (int i = 0; i < docs.size(); i++) {
            if (decision != null) {
                // Decided on the networks' own probabilities; each label's is reported calibrated (if it has a temperature).
                boolean[] chosen = decision.decide(probs[i]);
                float[] p = decision.calibrate(probs[i]);
                List<String> set = new ArrayList<>();
                for (int c = 0; c < chosen.length; c++) {
                    if (chosen[c]) {
                        set.add(names.get(c));
                    }
                }
                // "label" is the networks' most probable label, as the at-least-one rule takes it.
                out.add(new Prediction(names.get(argmax(probs[i])), names, p, docs.get(i).tokens(),
                        docs.get(i).truncated(), set, true));
                continue;
            }
            float[] p = temperature == 1 ? probs[i] : Calibration.scale(probs[i], temperature);
            out.add(new Prediction(names.get(argmax(p)), names, p, docs.get(i).tokens(), docs.get(i).truncated()));
        }
        return out;
    }

    /**
     * Predictions for one tokenized document read as {@link #encodeTokens} reads it, once per
     * removal: with the tokens whose indices a removal lists left out (tokens the classifier does
     * not read, past its maximum length, change nothing). One batched pass over all removals;
     * what {@link #explain} and faithfulness checks are built on.
     */
    List<Prediction> predictWithout(List<String> tokens, List<? extends Collection<Integer>> removals) {
        int[] ids = encoder.encode(tokens);
        int[] positions = encoder.positions(tokens.size());
        List<EncodedText> docs = new ArrayList<>(removals.size());
        for (Collection<Integer> removal : removals) {
            Set<Integer> gone = new HashSet<>(removal);
            int[] kept = new int[positions.length];
            int n = 0;
            for (int i = 0; i < positions.length; i++) {
                if (!gone.contains(positions[i])) {
                    kept[n++] = ids[i];
                }
            }
            int left = tokens.size() - (positions.length - n);
            docs.add(n == 0 ? new EncodedText(new int[] {Vocabulary.UNK_ID}, 0, false)
                    : new EncodedText(java.util.Arrays.copyOf(kept, n), left, tokens.size() > positions.length));
        }
        return predict(docs);
    }

    /** Which of a document's tokens the networks read (indices, in order): all but those past the maximum length. */
    int[] readPositions(int tokens) {
        return encoder.positions(tokens);
    }

    /**
     * Why this classifier predicts what it does for a text: each token's attribution toward each
     * label by occlusion, the drop in the networks' probability of the label when the token is
     * left out (an ensemble's: its weighted mean of its networks'). A few batched passes per document.
     */
    public Explanation explain(String text) {
        TextPipeline.Tokenized t = pipeline.tokenize(text);
        return explainTokens(t.tokens(), 1).withShown(t.surfaces());
    }

    /**
     * As {@link #explain(String)} for tokens from {@link #pipeline()}, leaving out windows of
     * {@code window} consecutive read tokens at a time (each token of a window gets the window's
     * attribution): {@code window} times fewer sequences for long documents.
     */
    Explanation explainTokens(List<String> tokens, int window) {
        return Explanation.occlude(this, tokens, window);
    }

    /** The networks' probabilities mixed as the bundle says ({@link EnsembleWeights#mix}), before any temperature. */
    private float[][] probabilities(List<int[]> seqs) {
        return EnsembleWeights.mix(memberProbabilitiesOf(seqs), contents.weights());
    }

    /**
     * Each network's own probabilities for encoded documents, {@code [network][document][label]},
     * in {@link #members()} order: what the ensemble's weights mix (no temperature).
     */
    float[][][] memberProbabilities(List<EncodedText> docs) {
        List<int[]> seqs = new ArrayList<>(docs.size());
        for (EncodedText d : docs) {
            seqs.add(d.ids);
        }
        return memberProbabilitiesOf(seqs);
    }

    private float[][][] memberProbabilitiesOf(List<int[]> seqs) {
        float[][][] out = new float[engines.size()][][];
        for (int m = 0; m < out.length; m++) {
            out[m] = engines.get(m).probabilities(seqs, batchSize);
        }
        return out;
    }

    /**
     * The same classifier (sharing its networks) with other ensemble weights (null: equal). Its
     * model card's self-test documents get the probabilities these weights give, so that a saved
     * bundle still reproduces them.
     */
    public TextClassifier withWeights(EnsembleWeights w) {
        TextClassifier c = new TextClassifier(contents.withWeights(w), engines);
        ModelCard card = contents.card();
        if (card == null || card.selfTest() == null || card.selfTest().isEmpty()) {
            return c;
        }
        List<ModelCard.SelfTestCase> cases = card.selfTest();
        List<Prediction> p = c.uncalibrated().classifyAll(cases.stream().map(ModelCard.SelfTestCase::text).toList());
        List<ModelCard.SelfTestCase> again = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            again.add(new ModelCard.SelfTestCase(cases.get(i).id(), cases.get(i).text(), p.get(i).probs()));
        }
        return c.withCard(card.withSelfTest(again));
    }

    /**
     * The same classifier (sharing its networks, which must end in one sigmoid per label) deciding
     * label sets with these thresholds.
     */
    public TextClassifier withDecision(MultiLabelDecision d) {
        return new TextClassifier(contents.withDecision(d), engines);
    }

    /** A multi-label classifier's thresholds; empty for a single-label one. */
    public Optional<MultiLabelDecision> decision() {
        return Optional.ofNullable(contents.decision());
    }

    /** Whether this classifier predicts a set of labels per document (one sigmoid per label). */
    public boolean multiLabel() {
        return contents.decision() != null;
    }

    /** How this classifier mixes its networks. */
    public EnsembleWeights weights() {
        return contents.mixing();
    }

    private static int argmax(float[] p) {
        return io.textcls.metrics.EvaluationReport.argmax(p);
    }

    /**
     * Re-scores the model card's self-test documents and compares with the probabilities the
     * training process recorded (the networks' own, before any temperature).
     *
     * @return the largest absolute difference seen (0 if there are no self-test documents)
     */
    public double selfTestMaxDifference() {
        List<ModelCard.SelfTestCase> cases = card().selfTest();
        if (cases == null || cases.isEmpty()) {
            return 0;
        }
        List<Prediction> preds = uncalibrated().classifyAll(cases.stream().map(ModelCard.SelfTestCase::text).toList());
        double max = 0;
        for (int i = 0; i < cases.size(); i++) {
            float[] want = cases.get(i).probabilities();
            for (int k = 0; k < want.length; k++) {
                max = Math.max(max, Math.abs(want[k] - preds.get(i).probs()[k]));
            }
        }
        return max;
    }

    public LabelSet labels() {
        return contents.labels();
    }

    public Vocabulary vocabulary() {
        return contents.vocabulary();
    }

    /** Every network with its name and spec: one, or an ensemble's members. */
    public List<ModelBundle.Member> members() {
        return contents.members();
    }

    /**
     * The recipe the classifier was trained with; empty for bundles of formats 1 and 2, for
     * ensembles of bundles whose recipes differ beyond their networks, and when this textcls cannot
     * read the stored recipe.
     */
    public Optional<Recipe> recipe() {
        return Optional.ofNullable(contents.recipe());
    }

    public ModelCard card() {
        return contents.card();
    }

    public ModelBundle.PipelineEntry pipelineSettings() {
        return contents.pipeline();
    }

    /** The text pipeline this classifier tokenizes with. */
    TextPipeline pipeline() {
        return pipeline;
    }

    /** The steps under {@link #classifyAll} and {@link #explain}, for batch tools (see the class comment). */
    public Steps steps() {
        return steps;
    }

    /**
     * The steps under {@link #classifyAll} and {@link #explain}: tokenizing and encoding (any thread,
     * no network), scoring encoded documents, each network's own probabilities, and the occlusion
     * passes explanations are built on. For tools that batch documents themselves.
     */
    public final class Steps {
        private Steps() {
        }

        /** Tokenizes and encodes a text: the part of classification that needs no network. */
        public EncodedText encode(String text) {
            return TextClassifier.this.encode(text);
        }

        /** Encodes tokens that came from this classifier's {@link #pipeline()}. */
        public EncodedText encodeTokens(List<String> tokens) {
            return TextClassifier.this.encodeTokens(tokens);
        }

        /** Predictions for encoded documents, in input order. */
        public List<Prediction> predict(List<EncodedText> docs) {
            return TextClassifier.this.predict(docs);
        }

        /**
         * Each network's own probabilities for encoded documents, {@code [network][document][label]},
         * in {@link #members()} order: what the ensemble's weights mix (no temperature).
         */
        public float[][][] memberProbabilities(List<EncodedText> docs) {
            return TextClassifier.this.memberProbabilities(docs);
        }

        /**
         * Predictions for one tokenized document read as {@link #encodeTokens} reads it, once per
         * removal: with the tokens whose indices a removal lists left out (tokens past the maximum
         * length change nothing). One batched pass over all removals; what {@link #explain} and
         * faithfulness checks are built on.
         */
        public List<Prediction> predictWithout(List<String> tokens, List<? extends Collection<Integer>> removals) {
            return TextClassifier.this.predictWithout(tokens, removals);
        }

        /** Which of a document's tokens the networks read (indices, in order): all but those past the maximum length. */
        public int[] readPositions(int tokens) {
            return TextClassifier.this.readPositions(tokens);
        }

        /**
         * As {@link TextClassifier#explain(String)} for tokens from {@link #pipeline()}, leaving out
         * windows of {@code window} consecutive read tokens at a time (each token of a window gets the
         * window's attribution): {@code window} times fewer sequences for long documents.
         */
        public Explanation explainTokens(List<String> tokens, int window) {
            return TextClassifier.this.explainTokens(tokens, window);
        }

        /**
         * What this classifier predicts for a document its networks give {@code raw}: {@code raw}
         * rescaled by its temperature (a copy of {@code raw} without one). For comparing the networks'
         * recorded probabilities, such as the self-test's, with predictions.
         */
        public float[] calibrated(float[] raw) {
            return TextClassifier.this.calibrated(raw);
        }

        /** The text pipeline this classifier tokenizes with. */
        public TextPipeline pipeline() {
            return pipeline;
        }
    }
}
