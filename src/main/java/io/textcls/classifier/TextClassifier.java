package io.textcls.classifier;

import io.textcls.encode.SequenceEncoder;
import io.textcls.model.FusedLstmInference;
import io.textcls.model.NetworkSpec;
import io.textcls.model.SequenceInference;
import io.textcls.text.TextPipeline;
import io.textcls.vocab.LabelSet;
import io.textcls.vocab.Vocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trained, self-contained text classifier: the text pipeline, vocabulary, labels and network
 * it was trained with. Load one from a bundle and classify raw text:
 *
 * <pre>{@code
 * TextClassifier c = TextClassifier.load(Path.of("models/imdb.zip"));
 * Prediction p = c.classify("A wonderful, moving film.");
 * p.label();            // "pos"
 * p.probabilities();    // {neg=0.03, pos=0.97}
 * }</pre>
 *
 * <p>Networks with one LSTM layer (every recipe's default) are scored with ND4J's fused native
 * {@code lstmLayer} op over the trained weights ({@link FusedLstmInference}), equal to DL4J's
 * layers within float rounding and faster than their per-step loop;
 * {@code -Dtextcls.inference=dl4j} uses the DL4J layers instead, as do stacked networks. An ensemble
 * bundle ({@code textcls ensemble}) runs each of its networks on the same encoded documents and
 * returns the mean of their probabilities.
 *
 * <p>Thread-safe: tokenization runs in the calling thread; the fused engine's weights are
 * immutable, and DL4J-engine network calls are serialized (a DL4J network keeps per-call state
 * and must not run two forward passes at once). Set the
 * environment variable {@code OMP_NUM_THREADS=1} (or {@code OMP_WAIT_POLICY=PASSIVE}) in the JVM
 * that uses it: ND4J's default OpenMP spin-waiting makes it about 3x slower on small machines.
 */
public final class TextClassifier {
    private static final Logger LOG = LoggerFactory.getLogger(TextClassifier.class);
    /** Documents per forward pass. */
    public static final int DEFAULT_BATCH_SIZE = 64;

    /**
     * System property choosing the inference engine: {@code fused} (default: ND4J's native
     * lstmLayer op over the network's weights) or {@code dl4j} (the DL4J layers themselves).
     */
    public static final String INFERENCE_PROPERTY = "textcls.inference";

    private final ModelBundle.Contents contents;
    private final TextPipeline pipeline;
    private final SequenceEncoder encoder;
    private final int batchSize;
    /** One per network of the bundle (an ensemble has several). */
    private final List<Engine> engines;

    /** Runs one network: the fused op over its weights, or its DL4J layers. */
    private record Engine(MultiLayerNetwork network, FusedLstmInference fused, int numLabels) {
        static Engine of(ModelBundle.Member m, int numLabels) {
            boolean useFused = !"dl4j".equals(System.getProperty(INFERENCE_PROPERTY))
                    && FusedLstmInference.supports(m.spec());
            return new Engine(m.network(), useFused ? new FusedLstmInference(m.network()) : null, numLabels);
        }

        float[][] probabilities(List<int[]> seqs, int batchSize) {
            if (fused != null) {
                return fused.probabilities(seqs, batchSize); // immutable weights: no lock needed
            }
            synchronized (network) {
                return SequenceInference.probabilities(network, seqs, numLabels, batchSize);
            }
        }
    }

    /** A tokenized, encoded document ready for the network. */
    public record EncodedText(int[] ids, int tokens, boolean truncated) {
    }

    public TextClassifier(ModelBundle.Contents contents) {
        this(contents, DEFAULT_BATCH_SIZE);
    }

    private TextClassifier(ModelBundle.Contents contents, int batchSize) {
        this.contents = contents;
        this.pipeline = new TextPipeline(contents.pipeline().text());
        this.encoder = new SequenceEncoder(contents.vocabulary(), contents.pipeline().sequence());
        this.batchSize = batchSize;
        List<Engine> es = new ArrayList<>();
        for (ModelBundle.Member m : contents.members()) {
            es.add(Engine.of(m, contents.labels().size()));
        }
        this.engines = List.copyOf(es);
    }

    /**
     * A classifier a worker thread can run in parallel with others. With the fused engine that is
     * this one (its weights are immutable); with the DL4J engine the networks are cloned, because
     * {@code MultiLayerNetwork.output} sets the input and masks on the instance and one network
     * must not run two passes at once.
     */
    public TextClassifier replica() {
        if (engines.stream().allMatch(e -> e.fused() != null)) {
            return this;
        }
        ModelBundle.Contents c = contents;
        List<ModelBundle.Member> copies = new ArrayList<>();
        for (ModelBundle.Member m : c.members()) {
            synchronized (m.network()) {
                copies.add(new ModelBundle.Member(m.spec(), m.network().clone()));
            }
        }
        return new TextClassifier(new ModelBundle.Contents(c.labels(), c.vocabulary(), c.pipeline(), c.spec(), c.card(),
                copies.get(0).network(), copies.subList(1, copies.size())), batchSize);
    }

    /** Loads a bundle; a bad or mismatched one gets a {@link BundleException} that says what is wrong. */
    public static TextClassifier load(Path bundle) {
        warnIfOpenMpSpins();
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
    public EncodedText encode(String text) {
        return encodeTokens(pipeline.tokens(text));
    }

    /** Encodes tokens that came from this classifier's {@link #pipeline()}. */
    public EncodedText encodeTokens(List<String> tokens) {
        int[] ids = encoder.encode(tokens);
        return new EncodedText(ids, tokens.size(), tokens.size() > ids.length);
    }

    /** Predictions for encoded documents, in input order. */
    public List<Prediction> predict(List<EncodedText> docs) {
        List<int[]> seqs = new ArrayList<>(docs.size());
        for (EncodedText d : docs) {
            seqs.add(d.ids());
        }
        float[][] probs = engines.get(0).probabilities(seqs, batchSize);
        if (engines.size() > 1) {
            for (Engine e : engines.subList(1, engines.size())) {
                float[][] more = e.probabilities(seqs, batchSize);
                for (int i = 0; i < probs.length; i++) {
                    for (int k = 0; k < probs[i].length; k++) {
                        probs[i][k] += more[i][k];
                    }
                }
            }
            for (float[] p : probs) {
                for (int k = 0; k < p.length; k++) {
                    p[k] /= engines.size();
                }
            }
        }
        List<Prediction> out = new ArrayList<>(docs.size());
        List<String> names = labels().names();
        for (int i = 0; i < docs.size(); i++) {
            out.add(new Prediction(names.get(argmax(probs[i])), names, probs[i], docs.get(i).tokens(),
                    docs.get(i).truncated()));
        }
        return out;
    }

    private static int argmax(float[] p) {
        return io.textcls.metrics.EvaluationReport.argmax(p);
    }

    /**
     * Re-scores the model card's self-test documents and compares with the probabilities the
     * training process recorded.
     *
     * @return the largest absolute difference seen (0 if there are no self-test documents)
     */
    public double selfTestMaxDifference() {
        List<ModelCard.SelfTestCase> cases = card().selfTest();
        if (cases == null || cases.isEmpty()) {
            return 0;
        }
        List<Prediction> preds = classifyAll(cases.stream().map(ModelCard.SelfTestCase::text).toList());
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

    /** The first network's spec (an ensemble's others: {@link #members()}). */
    public NetworkSpec spec() {
        return contents.spec();
    }

    /** Every network with its spec: one, or an ensemble's members. */
    public List<ModelBundle.Member> members() {
        return contents.members();
    }

    public ModelCard card() {
        return contents.card();
    }

    public ModelBundle.PipelineEntry pipelineSettings() {
        return contents.pipeline();
    }

    /** The text pipeline this classifier tokenizes with. */
    public TextPipeline pipeline() {
        return pipeline;
    }

    /** The (first) DL4J network. Not thread-safe: synchronize on it when calling it directly. */
    public MultiLayerNetwork network() {
        return contents.network();
    }

    private static volatile boolean warned;

    /** Logs once if ND4J will use OpenMP's default spin-waiting threads. */
    public static void warnIfOpenMpSpins() {
        if (!warned && System.getenv("OMP_NUM_THREADS") == null && System.getenv("OMP_WAIT_POLICY") == null) {
            warned = true;
            LOG.warn("OMP_NUM_THREADS is not set: ND4J's OpenMP threads spin-wait and run about 3x slower on small "
                    + "machines. Set OMP_NUM_THREADS=1 (or OMP_WAIT_POLICY=PASSIVE) in the environment.");
        }
    }
}
