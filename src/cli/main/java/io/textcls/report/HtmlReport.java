package io.textcls.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.textcls.TextclsException;
import io.textcls.classifier.EpochStats;
import io.textcls.classifier.Explanation;
import io.textcls.classifier.ModelCard;
import io.textcls.classifier.TextClassifier;
import io.textcls.eval.Evaluator;
import io.textcls.metrics.Calibration;
import io.textcls.metrics.Curves;
import io.textcls.metrics.EvaluationReport;
import io.textcls.metrics.Intervals;
import io.textcls.recipe.Recipes;
import io.textcls.util.AtomicFiles;
import io.textcls.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code evaluate --html}: one self-contained HTML page about a classifier on labeled documents
 * (metrics with 95 % intervals, confusion heat map, ROC and precision-recall curves, reliability
 * before and after its temperature, confidence and length breakdowns, training curves from the
 * model card, explained errors and correct predictions); for a multi-label classifier, its own
 * figures ({@link MultiLabelReport}). The charts are drawn in the page by
 * Apache ECharts, whose script (from its WebJar on the class path) is embedded in the file, so it
 * opens offline and fetches nothing.
 */
public final class HtmlReport {
    /** ECharts inside its WebJar (org.webjars.npm:echarts in the pom: keep the versions equal). */
    static final String ECHARTS = "META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";
    static final int CURVE_POINTS = 200;
    static final int RELIABILITY_BINS = 10;
    static final int CONFIDENCE_BINS = 20;
    static final int[] LENGTH_EDGES = {0, 50, 100, 200, 300, 500, 800};

    /**
     * What the page shows.
     *
     * @param errors how many of the most confident errors are explained
     * @param correct how many correct predictions (a seeded random sample) are explained
     * @param maxPasses most sequences one explanation runs: longer documents are occluded in windows of
     *     several tokens
     * @param resamples bootstrap resamples for the intervals
     * @param seed for the sample and the bootstrap
     */
    public record Options(int errors, int correct, int maxPasses, int resamples, long seed) {
        public static Options defaults() {
            return new Options(8, 6, 600, 1000, 42);
        }
    }

    private HtmlReport() {
    }

    /**
     * Writes the report atomically.
     *
     * @param title what was evaluated, for the page's head (model and data paths)
     * @param progress receives a line per step
     */
    public static void write(Path file, TextClassifier classifier, Evaluator.Scored s, String title, Options o,
                             Consumer<String> progress) throws IOException {
        String html = render(classifier, s, title, o, progress);
        AtomicFiles.write(file, out -> out.write(html.getBytes(StandardCharsets.UTF_8)));
    }

    static String render(TextClassifier classifier, Evaluator.Scored s, String title, Options o,
                         Consumer<String> progress) throws IOException {
        if (s.truthSets() != null) {
            return MultiLabelReport.render(classifier, s, title, o, progress);
        }
        List<String> labels = classifier.labels().names();
        int[] truth = s.truth();
        float[][] p = s.probabilities();
        EvaluationReport report = s.report();
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.putPOJO("labels", labels);
        data.putPOJO("confusion", report.confusion());

        progress.accept("report: confidence intervals (" + o.resamples() + " bootstrap resamples)");
        Intervals.Summary summary = Intervals.summary(labels, truth, p, o.resamples(), o.seed());

        ArrayNode curves = data.putArray("curves");
        for (int k = labels.size() == 2 ? 1 : 0; k < labels.size(); k++) {
            Curves.Curve roc = Curves.roc(truth, p, k, CURVE_POINTS);
            Curves.Curve pr = Curves.precisionRecall(truth, p, k, CURVE_POINTS);
            if (roc != null && pr != null) {
                ObjectNode c = curves.addObject();
                c.put("label", labels.get(k));
                c.putPOJO("roc", roc);
                c.putPOJO("pr", pr);
            }
        }

        Calibration.Reliability before = Calibration.reliability(truth, s.raw(), RELIABILITY_BINS);
        Calibration.Reliability after = Calibration.reliability(truth, p, RELIABILITY_BINS);
        double temperature = classifier.temperature().map(t -> t.temperature()).orElse(1.0);
        ObjectNode cal = data.putObject("calibration");
        cal.put("temperature", temperature);
        cal.put("eceBefore", Calibration.ece(truth, s.raw()));
        cal.put("eceAfter", Calibration.ece(truth, p));
        cal.put("minConfidence", Math.floor(10.0 / labels.size()) / 10);
        cal.putPOJO("before", before.bins());
        cal.putPOJO("after", after.bins());

        confidence(data.putObject("confidence"), truth, p, labels.size());
        lengths(data.putObject("lengths"), truth, p, s.tokens());
        int members = training(data.putArray("training"), classifier.card());

        List<Integer> wrong = new ArrayList<>();
        List<Integer> right = new ArrayList<>();
        for (int i = 0; i < truth.length; i++) {
            (EvaluationReport.argmax(p[i]) == truth[i] ? right : wrong).add(i);
        }
        wrong.sort(Comparator.comparingDouble((Integer i) -> -p[i][EvaluationReport.argmax(p[i])]));
        Examples ex = Examples.pick(wrong, right, o, progress);
        String errorsHtml = examples(classifier, s, ex.errors(), o);
        String correctHtml = examples(classifier, s, ex.correct(), o);

        StringBuilder h = new StringBuilder(1 << 20);
        head(h, title);

        h.append("<h2 id=\"summary\">Summary</h2>\n<div class=\"metrics\">");
        metric(h, "accuracy", summary.accuracy(), "Wilson");
        metric(h, "macro-F1", summary.macroF1(), "bootstrap");
        metric(h, "log loss", summary.logLoss(), "bootstrap");
        if (summary.rocAuc() != null) {
            metric(h, labels.size() == 2 ? "ROC-AUC" : "ROC-AUC (mean one-vs-rest)", summary.rocAuc(), "bootstrap");
        }
        h.append(String.format(Locale.ROOT, "<div class=\"metric\">documents<b>%,d</b><span class=\"muted\">%d empty"
                + "</span></div>", truth.length, s.emptyDocuments()));
        h.append(String.format(Locale.ROOT, "<div class=\"metric\">temperature<b>%.3f</b><span class=\"muted\">%s</span>"
                + "</div>", temperature, classifier.temperature().isPresent() ? "stored in the bundle" : "none (1)"));
        h.append("</div>\n<p class=\"muted\">Intervals are 95 %: Wilson's for accuracy, a percentile bootstrap ("
                + o.resamples() + " resamples of the documents) for the others. Probabilities are the classifier's "
                + (classifier.temperature().isPresent() ? "after its temperature" : "own") + ".</p>\n");
        provenance(h, classifier);

        h.append("<h2 id=\"labels\">Labels</h2>\n<div class=\"charts\"><div id=\"chart-confusion\" class=\"chart\">"
                + "</div><div>");
        h.append("<table><tr><th class=\"l\">label</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>");
        for (EvaluationReport.LabelScores ls : report.perLabel()) {
            h.append(String.format(Locale.ROOT, "<tr><td class=\"l\">%s</td><td>%.4f</td><td>%.4f</td><td>%.4f</td>"
                    + "<td>%d</td></tr>", TokenHtml.escape(ls.label()), ls.precision(), ls.recall(), ls.f1(),
                    ls.support()));
        }
        h.append(String.format(Locale.ROOT, "<tr><td class=\"l\">macro</td><td></td><td></td><td>%.4f</td><td>%d</td>"
                + "</tr></table>", report.macroF1(), truth.length));
        h.append("<p class=\"muted\">Heat map: rows are true labels, colour the share of each true label's "
                + "documents, numbers are counts.</p></div></div>\n");

        h.append("<h2 id=\"curves\">ROC and precision-recall</h2>\n<div class=\"charts\"><div id=\"chart-roc\" "
                + "class=\"chart\"></div><div id=\"chart-pr\" class=\"chart\"></div></div>\n<p class=\"muted\">")
                .append(labels.size() == 2 ? "Of label " + TokenHtml.escape(labels.get(1)) + "'s probability."
                        : "One label against the rest, for each label.").append(" Area under the PR curve: average "
                        + "precision.</p>\n");

        h.append(String.format(Locale.ROOT, "<h2 id=\"calibration\">Calibration</h2>\n<p>Expected calibration error "
                + "(%d bins): <b>%.4f</b> with the networks' own probabilities, <b>%.4f</b> after temperature %.3f. "
                + "Log loss %.4f → %.4f. The temperature never changes the predicted label.</p>\n",
                Calibration.DEFAULT_BINS, cal.get("eceBefore").asDouble(), cal.get("eceAfter").asDouble(), temperature,
                Calibration.logLoss(truth, s.raw(), 1), Calibration.logLoss(truth, s.raw(), temperature)));
        h.append("<div class=\"charts\"><div id=\"chart-reliability\" class=\"chart\"></div><div "
                + "id=\"chart-confidence\" class=\"chart\"></div></div>\n<p class=\"muted\">Reliability: documents "
                + "binned by their top probability (" + RELIABILITY_BINS + " bins), each bin's accuracy against its mean "
                + "confidence; on the diagonal, a probability means what it says. Histogram: top probability after "
                + "the temperature, correct and wrong predictions stacked.</p>\n");

        h.append("<h2 id=\"length\">Accuracy by length</h2>\n<div id=\"chart-length\" class=\"chart\"></div>\n");

        h.append("<h2 id=\"training\">Training curves</h2>\n");
        if (members == 0) {
            h.append("<p class=\"muted\">The model card records no per-epoch history (a bundle of an older format or "
                    + "a combination of bundles).</p>\n");
        } else {
            h.append("<div class=\"charts\">");
            for (int i = 0; i < members; i++) {
                h.append("<div id=\"chart-training-").append(i).append("\" class=\"chart small\"></div>");
            }
            h.append("</div>\n<p class=\"muted\">Per network, from the model card: loss on the training split, loss and "
                    + "accuracy on the validation split after every epoch; 'kept' marks the epoch saved.</p>\n");
        }

        h.append("<h2 id=\"errors\">Most confident errors</h2>\n").append(errorsHtml);
        h.append("<h2 id=\"correct\">Correct predictions (a random sample)</h2>\n").append(correctHtml);
        h.append("<p class=\"muted\">Token attributions by occlusion: the drop in the networks' probability of the "
                + "predicted label when the token is left out (long documents: windows of a few tokens at a time; an "
                + "ensemble: the weighted mean of its networks). Hover a token for its value.</p>\n");

        tail(h, data);
        return h.toString();
    }

    /** The page's head (with the first script, which records every error), its style and its title lines. */
    static void head(StringBuilder h, String title) {
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>textcls report: ")
                .append(TokenHtml.escape(title)).append("</title>\n")
                // First script: every error or console.error is recorded, so a check can tell.
                .append("<script>window.__reportErrors=[];function __reportError(m){window.__reportErrors.push(String(m));"
                        + "var d=document.documentElement;d.setAttribute('data-report-errors',String(window.__reportErrors"
                        + ".length));d.setAttribute('data-report-last-error',String(m));if(d.hasAttribute("
                        + "'data-report-status')){d.setAttribute('data-report-status','errors');}}"
                        // Capture phase: also an image, script or style sheet that fails to load.
                        + "window.addEventListener('error',function(e){__reportError(e.message||('cannot load '+"
                        + "(e.target&&(e.target.src||e.target.href))));},true);"
                        + "(function(){var ce=console.error;console.error=function(){__reportError(Array.prototype.join.call("
                        + "arguments,' '));return ce.apply(console,arguments);};})();</script>\n")
                .append("<style>").append(resource("report.css")).append("</style>\n</head><body>\n");
        h.append("<h1>textcls evaluation report</h1>\n<div class=\"muted\">").append(TokenHtml.escape(title))
                .append(" · written ").append(Instant.now().toString()).append("</div>\n");
    }

    /** The data block, the chart library and the page's script; closes the page. */
    static void tail(StringBuilder h, ObjectNode data) throws IOException {
        h.append("<script id=\"report-data\" type=\"application/json\">")
                .append(Json.MAPPER.writer().writeValueAsString(data).replace("</", "<\\/")).append("</script>\n");
        h.append("<script>").append(echarts()).append("</script>\n");
        h.append("<script>").append(resource("report.js")).append("</script>\n</body></html>\n");
    }

    static void metric(StringBuilder h, String name, Intervals.Interval i, String how) {
        h.append(String.format(Locale.ROOT, "<div class=\"metric\">%s<b>%.4f</b><span class=\"muted\">95 %% %s: "
                + "%.4f – %.4f</span></div>", name, i.value(), how, i.lower(), i.upper()));
    }

    static void provenance(StringBuilder h, TextClassifier c) throws IOException {
        ModelCard card = c.card();
        ModelCard.Corpus corpus = card == null ? null : card.corpus();
        h.append("<h3>Model and training data</h3><table>");
        row(h, "networks", String.join(", ", c.members().stream().map(m -> m.name() + " (" + m.spec().architecture()
                + ")").toList()));
        if (card != null) {
            row(h, "trained", card.createdAt() + " by textcls " + card.textclsVersion() + ", seed " + card.seed());
        }
        if (corpus != null) {
            row(h, "training data", Objects.toString(corpus.root(), "?"));
            row(h, "data fingerprint", Objects.toString(corpus.fingerprint(), "?"));
            row(h, "documents", Objects.toString(corpus.trainingDocuments(), "?") + " training, "
                    + Objects.toString(corpus.validationDocuments(), "?") + " validation ("
                    + Objects.toString(corpus.validationSource(), "") + ")");
        }
        c.temperature().ifPresent(t -> row(h, "temperature", String.format(Locale.ROOT,
                "%.4f, fitted on %s (log loss %.4f → %.4f)", t.temperature(), t.fittedOn(), t.logLossBefore(),
                t.logLossAfter())));
        h.append("</table>\n<details><summary>recipe</summary><pre>")
                .append(TokenHtml.escape(c.recipe().map(Recipes::toJson).orElse("(the bundle holds no recipe)")))
                .append("</pre></details>\n");
    }

    static void row(StringBuilder h, String k, String v) {
        h.append("<tr><th class=\"l\">").append(TokenHtml.escape(k)).append("</th><td class=\"l\">")
                .append(TokenHtml.escape(v)).append("</td></tr>");
    }

    private static String examples(TextClassifier c, Evaluator.Scored s, List<Integer> docs, Options o) {
        if (docs.isEmpty()) {
            return "<p class=\"muted\">None.</p>\n";
        }
        List<String> labels = c.labels().names();
        StringBuilder h = new StringBuilder();
        for (int i : docs) {
            explained(h, c, s, i, o, labels.get(s.truth()[i]), e -> e.prediction().label(), "");
        }
        return TokenHtml.legend("the predicted label") + h;
    }

    /**
     * One document of a report's examples, explained by occlusion in at most {@code o.maxPasses()}
     * passes (windows of tokens left out together for long documents): a head with its id, true
     * and predicted labels, probabilities and length, then its tokens coloured toward the label the
     * explanation ranks first ({@code topNote} follows that label's name).
     */
    static void explained(StringBuilder h, TextClassifier c, Evaluator.Scored s, int i, Options o, String truth,
                          Function<Explanation, String> predicted, String topNote) {
        List<String> labels = c.labels().names();
        List<String> tokens = Arrays.asList(s.tokens().get(i));
        int read = c.steps().readPositions(tokens.size()).length;
        int window = Math.max(1, (read + o.maxPasses() - 1) / o.maxPasses());
        Explanation e = c.steps().explainTokens(tokens, window);
        int top = e.predictedIndex();
        h.append("<div class=\"doc\"><div class=\"head\"><b>").append(TokenHtml.escape(s.ids().get(i)))
                .append("</b> · true <b>").append(TokenHtml.escape(truth))
                .append("</b>, predicted <b>").append(TokenHtml.escape(predicted.apply(e))).append("</b> · ")
                .append(TokenHtml.probabilities(labels, s.probabilities()[i])).append(" · ").append(tokens.size())
                .append(" tokens").append(window > 1 ? ", windows of " + window : "").append("<br>most for ")
                .append(TokenHtml.escape(labels.get(top))).append(topNote).append(": ").append(TokenHtml.top(e, top, 5))
                .append("</div>").append(TokenHtml.tokens(e, top)).append("</div>\n");
    }

    private static void confidence(ObjectNode node, int[] truth, float[][] p, int labels) {
        double lo = 1.0 / labels;
        int[] correct = new int[CONFIDENCE_BINS];
        int[] wrong = new int[CONFIDENCE_BINS];
        for (int i = 0; i < truth.length; i++) {
            int top = EvaluationReport.argmax(p[i]);
            int b = (int) Math.min(CONFIDENCE_BINS - 1, Math.max(0, Math.floor((p[i][top] - lo) / (1 - lo)
                    * CONFIDENCE_BINS)));
            (top == truth[i] ? correct : wrong)[b]++;
        }
        ArrayNode bins = node.putArray("bins");
        for (int b = 0; b < CONFIDENCE_BINS; b++) {
            bins.add(String.format(Locale.ROOT, "%.3f", lo + (1 - lo) * (b + 0.5) / CONFIDENCE_BINS));
        }
        node.putPOJO("correct", correct);
        node.putPOJO("wrong", wrong);
    }

    /**
     * The documents a report explains: the most confident errors ({@code wrong}, most confident
     * first) and a seeded sample of the correct predictions, in document order.
     */
    record Examples(List<Integer> errors, List<Integer> correct) {
        static Examples pick(List<Integer> wrong, List<Integer> right, Options o, Consumer<String> progress) {
            List<Integer> errors = wrong.subList(0, Math.min(o.errors(), wrong.size()));
            Collections.shuffle(right, new Random(o.seed()));
            List<Integer> sample = new ArrayList<>(right.subList(0, Math.min(o.correct(), right.size())));
            Collections.sort(sample);
            progress.accept("report: explaining " + errors.size() + " errors and " + sample.size()
                    + " correct predictions by occlusion");
            return new Examples(errors, sample);
        }
    }

    /** The length bucket ({@link #LENGTH_EDGES}) of a document of {@code tokens} tokens. */
    static int lengthBucket(int tokens) {
        int b = LENGTH_EDGES.length - 1;
        while (b > 0 && tokens < LENGTH_EDGES[b]) {
            b--;
        }
        return b;
    }

    private static void lengths(ObjectNode node, int[] truth, float[][] p, List<String[]> tokens) {
        int n = LENGTH_EDGES.length;
        int[] count = new int[n];
        int[] right = new int[n];
        for (int i = 0; i < truth.length; i++) {
            int b = lengthBucket(tokens.get(i).length);
            count[b]++;
            right[b] += EvaluationReport.argmax(p[i]) == truth[i] ? 1 : 0;
        }
        double[] accuracy = new double[n];
        for (int b = 0; b < n; b++) {
            accuracy[b] = count[b] == 0 ? 0 : (double) right[b] / count[b];
        }
        putLengthBuckets(node, count, accuracy);
    }

    /**
     * The by-length chart's data: each non-empty bucket's name, figure ({@code accuracy}, whatever
     * the figure is) and document count, and the chart's floor.
     */
    static void putLengthBuckets(ObjectNode node, int[] count, double[] figure) {
        int n = LENGTH_EDGES.length;
        ArrayNode buckets = node.putArray("buckets");
        ArrayNode acc = node.putArray("accuracy");
        ArrayNode counts = node.putArray("counts");
        double min = 1;
        for (int b = 0; b < n; b++) {
            if (count[b] == 0) {
                continue;
            }
            buckets.add(b == n - 1 ? LENGTH_EDGES[b] + "+" : LENGTH_EDGES[b] + "-" + (LENGTH_EDGES[b + 1] - 1));
            acc.add(figure[b]);
            counts.add(count[b]);
            min = Math.min(min, figure[b]);
        }
        node.put("minAccuracy", Math.max(0, Math.floor(min * 10 - 1) / 10));
    }

    /** Per network, its epochs from the model card; returns how many networks have a history. */
    static int training(ArrayNode out, ModelCard card) {
        List<ModelCard.NetworkResult> nets = card == null || card.result() == null ? null : card.result().networks();
        if (nets == null) {
            return 0;
        }
        int n = 0;
        for (ModelCard.NetworkResult net : nets) {
            List<EpochStats> history = net.history();
            if (history == null || history.isEmpty()) {
                continue;
            }
            ObjectNode m = out.addObject();
            m.put("name", net.name() == null ? "network " + (n + 1) : net.name());
            m.put("bestEpoch", net.bestEpoch() == null ? 0 : net.bestEpoch());
            ArrayNode epochs = m.putArray("epochs");
            ArrayNode train = m.putArray("trainLoss");
            ArrayNode vloss = m.putArray("validationLoss");
            ArrayNode vacc = m.putArray("validationAccuracy");
            double min = 1;
            for (EpochStats e : history) {
                epochs.add(String.valueOf(e.epoch()));
                train.add(e.trainLoss());
                vloss.add(e.validationLoss());
                vacc.add(e.validationAccuracy());
                min = Math.min(min, e.validationAccuracy());
            }
            m.put("minAccuracy", Math.max(0, Math.floor(min * 10 - 1) / 10));
            n++;
        }
        return n;
    }

    static String echarts() {
        try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(ECHARTS)) {
            if (in == null) {
                throw new TextclsException("the ECharts script " + ECHARTS + " is not on the class path: the "
                        + "org.webjars.npm:echarts jar is missing from this build (rebuild with Maven)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("</script", "<\\/script");
        } catch (IOException e) {
            throw new TextclsException("cannot read " + ECHARTS + ": " + e.getMessage(), e);
        }
    }

    static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + name, e);
        }
    }
}
