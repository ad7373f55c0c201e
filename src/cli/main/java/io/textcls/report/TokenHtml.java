package io.textcls.report;

import io.textcls.classifier.Explanation;
import java.util.List;
import java.util.Locale;

/** An explained document as HTML: each token's background shows its attribution toward one label. */
public final class TokenHtml {
    private TokenHtml() {
    }

    /** Escapes text for HTML element content and attribute values. */
    public static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The colour legend for {@link #tokens}. */
    public static String legend(String label) {
        return "<div class=\"legend muted\">token colour: <span style=\"background:" + colour(1) + "\">for "
                + escape(label) + "</span> <span style=\"background:" + colour(-1) + "\">against " + escape(label)
                + "</span> (stronger colour: larger probability change when the token is left out; grey: not read)"
                + "</div>";
    }

    /** The tokens as spans coloured by attribution toward {@code label}, scaled to the document's largest. */
    public static String tokens(Explanation e, int label) {
        float[] a = e.toward(label);
        boolean[] read = e.read();
        double max = 1e-9;
        for (float v : a) {
            max = Math.max(max, Math.abs(v));
        }
        List<String> tokens = e.shown();
        StringBuilder sb = new StringBuilder("<div class=\"tokens\">");
        for (int i = 0; i < tokens.size(); i++) {
            String t = escape(tokens.get(i));
            if (!read[i]) {
                sb.append("<span class=\"unread\" title=\"not read (past the maximum length)\">").append(t)
                        .append("</span> ");
            } else {
                sb.append("<span style=\"background:").append(colour(a[i] / max)).append("\" title=\"")
                        .append(String.format(Locale.ROOT, "%+.4f", a[i])).append("\">").append(t).append("</span> ");
            }
        }
        return sb.append("</div>").toString();
    }

    /** Orange for positive, blue for negative, opacity by strength in [-1, 1]. */
    static String colour(double strength) {
        double s = Math.max(-1, Math.min(1, strength));
        double alpha = Math.round(Math.abs(s) * 85) / 100.0;
        return s >= 0 ? "rgba(230,85,13," + alpha + ")" : "rgba(49,130,189," + alpha + ")";
    }

    /** The probabilities of a prediction as "label 0.9876, ..." in output order. */
    public static String probabilities(List<String> labels, float[] p) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < labels.size(); k++) {
            sb.append(k == 0 ? "" : ", ").append(escape(labels.get(k))).append(' ')
                    .append(String.format(Locale.ROOT, "%.4f", p[k]));
        }
        return sb.toString();
    }

    /** The (at most {@code n}) tokens that speak for {@code label}, strongest first, with their attributions. */
    public static String top(Explanation e, int label, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i : e.top(label, n)) {
            if (e.attribution(i, label) <= 0) {
                break;
            }
            sb.append(sb.length() == 0 ? "" : ", ").append(escape(e.shown().get(i))).append(' ')
                    .append(String.format(Locale.ROOT, "%+.3f", e.attribution(i, label)));
        }
        return sb.toString();
    }

    /** A page of explained documents (textcls explain --html): self-contained, no script. */
    public static String page(String title, List<Explanation> explanations, List<String> names, List<Integer> toward) {
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>textcls explain: ").append(escape(title)).append("</title><style>")
                .append(HtmlReport.resource("report.css")).append("</style></head><body>\n<h1>textcls explain</h1>"
                        + "<div class=\"muted\">").append(escape(title)).append("</div>\n");
        for (int d = 0; d < explanations.size(); d++) {
            Explanation e = explanations.get(d);
            int label = toward.get(d);
            String name = e.prediction().labels().get(label);
            h.append("<div class=\"doc\"><div class=\"head\"><b>").append(escape(names.get(d)))
                    .append("</b> · predicted <b>").append(escape(e.prediction().label())).append("</b> · ")
                    .append(probabilities(e.prediction().labels(), e.prediction().probs())).append(" · ")
                    .append(e.tokens().size()).append(" tokens<br>most for ").append(escape(name)).append(": ")
                    .append(top(e, label, 8)).append("</div>").append(legend(name)).append(tokens(e, label))
                    .append("</div>\n");
        }
        return h.append("</body></html>\n").toString();
    }
}
