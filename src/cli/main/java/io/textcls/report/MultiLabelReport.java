package io.textcls.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.textcls.TextclsException;
import io.textcls.classifier.MultiLabelDecision;
import io.textcls.classifier.TextClassifier;
import io.textcls.eval.Evaluator;
import io.textcls.metrics.Curves;
import io.textcls.metrics.EvaluationReport;
import io.textcls.metrics.MultiLabelIntervals;
import io.textcls.util.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code evaluate --html} for a multi-label classifier: micro-, macro- and samples-F1, subset
 * accuracy, Hamming loss and LRAP with 95 % intervals, a per-label table (threshold, precision,
 * recall, F1, support, predicted count, ROC-AUC, average precision), each label's precision-recall
 * and ROC curves of its own probability against its 0/1 truth with its threshold marked (a label
 * selector), labels per document, micro-F1 by length, training curves and explained documents. No
 * confusion matrix and no reliability diagram: labels are not exclusive.
 */
final class MultiLabelReport {
    private MultiLabelReport() {
    }

    static String render(TextClassifier classifier, Evaluator.Scored s, String title, HtmlReport.Options o,
                         Consumer<String> progress) throws IOException {
        List<String> labels = classifier.labels().names();
        int k = labels.size();
        int[][] truth = s.truthSets();
        float[][] p = s.probabilities();
        int n = truth.length;
        EvaluationReport report = s.report();
        MultiLabelDecision decision = classifier.decision().orElseThrow(() -> new TextclsException(
                "the multi-label classifier has no per-label thresholds (multilabel.json)"));
        float[] thresholds = decision.thresholds();
        // Label sets are decided on the networks' own probabilities (reported ones may be calibrated per label);
        // a label's curves are the same for either, its ranking of the documents being the same.
        float[][] raw = s.raw();
        boolean[][] predicted = decision.decideAll(raw);
        boolean[][] y = new boolean[n][k];
        for (int i = 0; i < n; i++) {
            for (int c : truth[i]) {
                y[i][c] = true;
            }
        }

        progress.accept("report: confidence intervals (" + o.resamples() + " bootstrap resamples)");
        MultiLabelIntervals.Summary summary = MultiLabelIntervals.summary(labels, truth, p, predicted, o.resamples(),
                o.seed());

        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("multiLabel", true);
        data.put("score", "micro-F1");
        data.putPOJO("labels", labels);
        ObjectNode metrics = data.putObject("metrics");
        metrics.put("documents", report.documents());
        metrics.put("microF1", report.microF1());
        metrics.put("macroF1", report.macroF1());
        metrics.put("samplesF1", report.samplesF1());
        metrics.put("subsetAccuracy", report.subsetAccuracy());
        metrics.put("hammingLoss", report.hammingLoss());
        metrics.put("labelRankingAveragePrecision", report.labelRankingAveragePrecision());
        metrics.put("microPrecision", report.microPrecision());
        metrics.put("microRecall", report.microRecall());
        metrics.put("logLoss", report.logLoss());

        // Per label: its row of the table, and its curves from its own probability against its 0/1 truth.
        ArrayNode perLabel = data.putArray("perLabel");
        int[] binary = new int[n];
        float[][] twoWay = new float[n][2];
        long trueCells = 0;
        long predictedCells = 0;
        for (int c = 0; c < k; c++) {
            EvaluationReport.LabelScores ls = report.perLabel().get(c);
            long count = 0;
            long tpAt = 0;
            long fpAt = 0;
            long positives = 0;
            for (int i = 0; i < n; i++) {
                binary[i] = y[i][c] ? 1 : 0;
                twoWay[i][0] = 1 - raw[i][c];
                twoWay[i][1] = raw[i][c];
                positives += binary[i];
                count += predicted[i][c] ? 1 : 0;
                if (raw[i][c] >= thresholds[c]) {
                    tpAt += binary[i];
                    fpAt += 1 - binary[i];
                }
            }
            trueCells += positives;
            predictedCells += count;
            Curves.Curve pr = Curves.precisionRecall(binary, twoWay, 1, HtmlReport.CURVE_POINTS);
            Curves.Curve roc = Curves.roc(binary, twoWay, 1, HtmlReport.CURVE_POINTS);
            ObjectNode row = perLabel.addObject();
            row.put("label", ls.label());
            row.put("threshold", Double.parseDouble(Float.toString(thresholds[c])));
            row.put("precision", ls.precision());
            row.put("recall", ls.recall());
            row.put("f1", ls.f1());
            row.put("support", ls.support());
            row.put("predicted", count);
            putOrNull(row, "rocAuc", roc == null ? null : roc.area());
            putOrNull(row, "averagePrecision", pr == null ? null : pr.area());
            row.putPOJO("pr", pr);
            row.putPOJO("roc", roc);
            // The threshold's point on both curves (its probability alone: at-least-one may add a label).
            ObjectNode at = row.putObject("at");
            putOrNull(at, "recall", positives == 0 ? null : (double) tpAt / positives);
            putOrNull(at, "precision", tpAt + fpAt == 0 ? null : (double) tpAt / (tpAt + fpAt));
            putOrNull(at, "fpr", positives == n ? null : (double) fpAt / (n - positives));
        }

        cardinality(data.putObject("cardinality"), y, predicted);
        lengths(data.putObject("lengths"), y, predicted, s.tokens());
        int members = HtmlReport.training(data.putArray("training"), classifier.card());

        // Errors: documents whose predicted set is not their true set, the most confident wrong
        // decision first (a false positive's probability, a false negative's 1 - p).
        List<Integer> wrong = new ArrayList<>();
        List<Integer> right = new ArrayList<>();
        double[] confidence = new double[n];
        for (int i = 0; i < n; i++) {
            double worst = -1;
            for (int c = 0; c < k; c++) {
                if (predicted[i][c] != y[i][c]) {
                    worst = Math.max(worst, predicted[i][c] ? p[i][c] : 1 - p[i][c]);
                }
            }
            confidence[i] = worst;
            (worst < 0 ? right : wrong).add(i);
        }
        wrong.sort(Comparator.comparingDouble((Integer i) -> -confidence[i]));
        HtmlReport.Examples ex = HtmlReport.Examples.pick(wrong, right, o, progress);
        String errorsHtml = examples(classifier, s, ex.errors(), predicted, o);
        String correctHtml = examples(classifier, s, ex.correct(), predicted, o);

        StringBuilder h = new StringBuilder(1 << 20);
        HtmlReport.head(h, title);

        h.append("<h2 id=\"summary\">Summary</h2>\n<div class=\"metrics\">");
        HtmlReport.metric(h, "micro-F1", summary.microF1(), "bootstrap");
        HtmlReport.metric(h, "macro-F1", summary.macroF1(), "bootstrap");
        HtmlReport.metric(h, "samples-F1", summary.samplesF1(), "bootstrap");
        HtmlReport.metric(h, "subset accuracy", summary.subsetAccuracy(), "Wilson");
        HtmlReport.metric(h, "Hamming loss", summary.hammingLoss(), "bootstrap");
        HtmlReport.metric(h, "LRAP", summary.labelRankingAveragePrecision(), "bootstrap");
        h.append(String.format(Locale.ROOT, "<div class=\"metric\">documents<b>%,d</b><span class=\"muted\">%d empty"
                + "</span></div>", n, s.emptyDocuments()));
        h.append(String.format(Locale.ROOT, "<div class=\"metric\">labels<b>%d</b><span class=\"muted\">per document: "
                + "%.2f true, %.2f predicted</span></div>", k, (double) trueCells / n, (double) predictedCells / n));
        h.append("</div>\n");
        h.append(String.format(Locale.ROOT, "<p class=\"muted\">Intervals are 95 %%: Wilson's for subset accuracy, a "
                + "percentile bootstrap (%d resamples of the documents) for the others. Micro precision %.4f, micro "
                + "recall %.4f, mean binary log loss %.4f. LRAP: label ranking average precision.</p>\n",
                o.resamples(), report.microPrecision(), report.microRecall(), report.logLoss()));
        h.append("<p class=\"muted\">Multi-label: each label's probability is its own (one sigmoid per label"
                + (decision.temperatures() == null ? "" : ", reported after its own temperature")
                + "); a label is predicted when the networks' probability of it reaches its threshold (fitted on ")
                .append(TokenHtml.escape(decision.fittedOn() == null ? "the validation split" : decision.fittedOn()))
                .append(")").append(decision.atLeastOne() ? ", and a document that no label reaches gets its most "
                        + "probable one" : "").append(". No confusion matrix and no reliability diagram: labels are "
                        + "not exclusive.</p>\n");
        HtmlReport.provenance(h, classifier);

        h.append("<h2 id=\"labels\">Labels</h2>\n<table><tr><th class=\"l\">label</th><th>threshold</th>"
                + "<th>precision</th><th>recall</th><th>F1</th><th>support</th><th>predicted</th><th>ROC-AUC</th>"
                + "<th>average precision</th></tr>");
        for (int c = 0; c < k; c++) {
            var row = perLabel.get(c);
            h.append(String.format(Locale.ROOT, "<tr class=\"pick\" data-label=\"%d\"><td class=\"l\">%s</td>"
                    + "<td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%d</td><td>%d</td><td>%s</td><td>%s</td>"
                    + "</tr>", c, TokenHtml.escape(labels.get(c)), thresholds[c], row.get("precision").asDouble(),
                    row.get("recall").asDouble(), row.get("f1").asDouble(), row.get("support").asLong(),
                    row.get("predicted").asLong(), orDash(row.get("rocAuc")), orDash(row.get("averagePrecision"))));
        }
        h.append(String.format(Locale.ROOT, "<tr><td class=\"l\">micro</td><td></td><td>%.4f</td><td>%.4f</td>"
                + "<td>%.4f</td><td>%d</td><td>%d</td><td></td><td></td></tr>", report.microPrecision(),
                report.microRecall(), report.microF1(), trueCells, predictedCells));
        h.append(String.format(Locale.ROOT, "<tr><td class=\"l\">macro</td><td></td><td></td><td></td><td>%.4f</td>"
                + "<td></td><td></td><td></td><td></td></tr></table>\n", report.macroF1()));
        h.append("<p class=\"muted\">Support: documents with the label; predicted: documents given it. ROC-AUC and "
                + "average precision of the label's own probability against its 0/1 truth (\"-\": the label is on "
                + "every or no document). Click a row for its curves.</p>\n");
        h.append("<div class=\"charts\"><div id=\"chart-label-f1\" class=\"chart\"></div><div id=\"chart-cardinality\" "
                + "class=\"chart\"></div></div>\n<p class=\"muted\">Left: each label's F1, with how many documents "
                + "have it and are given it. Right: how many labels each document has and is given.</p>\n");

        h.append("<h2 id=\"curves\">Precision-recall and ROC per label</h2>\n<p>label: <select id=\"label-select\">");
        for (int c = 0; c < k; c++) {
            h.append("<option value=\"").append(c).append("\">").append(TokenHtml.escape(labels.get(c)))
                    .append("</option>");
        }
        h.append("</select></p>\n<div class=\"charts\"><div id=\"chart-pr\" class=\"chart\"></div><div id=\"chart-roc\" "
                + "class=\"chart\"></div></div>\n<p class=\"muted\">The label's own probability against its 0/1 truth "
                + "(thinned to " + HtmlReport.CURVE_POINTS + " points; areas computed on all of them). The dot is the "
                + "label's threshold: its probability alone decides there" + (decision.atLeastOne() ? " (at least "
                + "one label per document may add the label to a few more documents, so the table can differ "
                + "slightly)" : "") + ". Area under the PR curve: average precision.</p>\n");

        h.append("<h2 id=\"length\">Micro-F1 by length</h2>\n<div id=\"chart-length\" class=\"chart\"></div>\n");

        h.append("<h2 id=\"training\">Training curves</h2>\n");
        if (members == 0) {
            h.append("<p class=\"muted\">The model card records no per-epoch history.</p>\n");
        } else {
            h.append("<div class=\"charts\">");
            for (int i = 0; i < members; i++) {
                h.append("<div id=\"chart-training-").append(i).append("\" class=\"chart small\"></div>");
            }
            h.append("</div>\n<p class=\"muted\">Per network, from the model card: loss on the training split, loss and "
                    + "micro-F1 (with thresholds fitted on the same documents) on the validation split after every "
                    + "epoch; 'kept' marks the epoch saved.</p>\n");
        }

        h.append("<h2 id=\"errors\">Most confident errors</h2>\n<p class=\"muted\">Documents whose predicted label set "
                + "is not their true set, the most confident wrong decision first.</p>\n").append(errorsHtml);
        h.append("<h2 id=\"correct\">Correct predictions (a random sample)</h2>\n<p class=\"muted\">Documents given "
                + "exactly their true labels.</p>\n").append(correctHtml);
        h.append("<p class=\"muted\">Token attributions by occlusion, toward each document's most probable label: the "
                + "drop in the networks' probability of that label when the token is left out (long documents: "
                + "windows of a few tokens at a time; an ensemble: the weighted mean of its networks). Hover a token "
                + "for its value.</p>\n");

        HtmlReport.tail(h, data);
        return h.toString();
    }

    private static void putOrNull(ObjectNode o, String key, Double v) {
        if (v == null) {
            o.putNull(key);
        } else {
            o.put(key, v);
        }
    }

    private static String orDash(com.fasterxml.jackson.databind.JsonNode v) {
        return v == null || v.isNull() ? "-" : String.format(Locale.ROOT, "%.4f", v.asDouble());
    }

    private static String set(List<String> labels, boolean[] in) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < in.length; c++) {
            if (in[c]) {
                names.add(labels.get(c));
            }
        }
        return names.isEmpty() ? "(none)" : String.join(", ", names);
    }

    private static String examples(TextClassifier c, Evaluator.Scored s, List<Integer> docs, boolean[][] predicted,
                                   HtmlReport.Options o) {
        if (docs.isEmpty()) {
            return "<p class=\"muted\">None.</p>\n";
        }
        List<String> labels = c.labels().names();
        StringBuilder h = new StringBuilder();
        for (int i : docs) {
            boolean[] truth = new boolean[labels.size()];
            for (int l : s.truthSets()[i]) {
                truth[l] = true;
            }
            String given = set(labels, predicted[i]);
            HtmlReport.explained(h, c, s, i, o, set(labels, truth), e -> given, " (the most probable label)");
        }
        return TokenHtml.legend("the most probable label") + h;
    }

    /** How many documents have, and are given, 0, 1, 2, ... labels. */
    private static void cardinality(ObjectNode node, boolean[][] y, boolean[][] predicted) {
        int k = y.length == 0 ? 0 : y[0].length;
        int[] truth = new int[k + 1];
        int[] given = new int[k + 1];
        int max = 0;
        for (int i = 0; i < y.length; i++) {
            int t = 0;
            int g = 0;
            for (int c = 0; c < k; c++) {
                t += y[i][c] ? 1 : 0;
                g += predicted[i][c] ? 1 : 0;
            }
            truth[t]++;
            given[g]++;
            max = Math.max(max, Math.max(t, g));
        }
        ArrayNode sizes = node.putArray("sizes");
        for (int m = 0; m <= max; m++) {
            sizes.add(String.valueOf(m));
        }
        node.putPOJO("truth", Arrays.copyOf(truth, max + 1));
        node.putPOJO("predicted", Arrays.copyOf(given, max + 1));
    }

    /** Micro-F1 per length bucket (the single-label report's buckets), with the document counts. */
    private static void lengths(ObjectNode node, boolean[][] y, boolean[][] predicted, List<String[]> tokens) {
        int buckets = HtmlReport.LENGTH_EDGES.length;
        int[] count = new int[buckets];
        long[] tp = new long[buckets];
        long[] wrong = new long[buckets];
        for (int i = 0; i < y.length; i++) {
            int b = HtmlReport.lengthBucket(tokens.get(i).length);
            count[b]++;
            for (int c = 0; c < y[i].length; c++) {
                tp[b] += y[i][c] && predicted[i][c] ? 1 : 0;
                wrong[b] += y[i][c] != predicted[i][c] ? 1 : 0;
            }
        }
        node.put("metric", "micro-F1");
        double[] f1 = new double[buckets];
        for (int b = 0; b < buckets; b++) {
            f1[b] = 2 * tp[b] + wrong[b] == 0 ? 0 : 2.0 * tp[b] / (2 * tp[b] + wrong[b]);
        }
        HtmlReport.putLengthBuckets(node, count, f1);
    }
}
