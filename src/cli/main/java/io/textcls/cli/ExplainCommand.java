package io.textcls.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.textcls.TextclsException;
import io.textcls.classifier.Explanation;
import io.textcls.classifier.TextClassifier;
import io.textcls.corpus.TextFiles;
import io.textcls.report.TokenHtml;
import io.textcls.text.TextPipeline;
import io.textcls.util.AtomicFiles;
import io.textcls.util.Json;
import io.textcls.util.OutputLocations;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code textcls explain}: which tokens drove a prediction, by occlusion. */
@Command(name = "explain", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, showDefaultValues = true,
        sortOptions = false, description = {"Show which tokens drove a classifier's prediction: each token's "
        + "attribution is the drop in the networks' probability of a label when the token is left out (an "
        + "ensemble: the weighted mean of its networks). Colours in a terminal, a page with --html, JSON with --json."})
public final class ExplainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "The classifier bundle (.zip).")
    Path model;

    static final class Source {
        @Option(names = "--text", description = "The text to explain.")
        String text;

        @Option(names = "--input", description = "A UTF-8 text file: one document.")
        Path input;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--label", description = "Explain toward this label (default: the predicted one).")
    String label;

    @Option(names = "--window", description = "Leave out this many consecutive tokens at a time (fewer passes for long documents).")
    int window = 1;

    @Option(names = "--top", description = "How many tokens to list for and against the label.")
    int top = 8;

    @Option(names = "--html", description = "Also write the explanation as an HTML page to this file.")
    Path html;

    @Option(names = "--json", description = "Print the explanation as JSON (tokens, attributions per label, probabilities) instead of text.")
    boolean json;

    @Option(names = "--color", description = "Colour tokens: auto (when stdout is a terminal and NO_COLOR is unset), always, never.")
    String color = "auto";

    @Override
    public Integer call() throws Exception {
        if (window < 1) {
            throw new TextclsException("--window must be at least 1, got " + window);
        }
        if (top < 0) {
            throw new TextclsException("--top must be 0 or more, got " + top);
        }
        if (!List.of("auto", "always", "never").contains(color)) {
            throw new TextclsException("--color must be auto, always or never, got '" + color + "'");
        }
        if (html != null) {
            OutputLocations.checkWritable(html, "the explanation page", "--html");
        }
        String text;
        String name;
        if (source.input != null) {
            name = source.input.toString();
            try {
                if (Files.isDirectory(source.input)) {
                    throw new TextclsException("--input " + source.input + " is a folder; give one text file (or "
                            + "use score for a folder)");
                }
                TextFiles.Content c = TextFiles.read(source.input, TextFiles.DEFAULT_MAX_BYTES);
                if (c.binary()) {
                    throw new TextclsException("--input " + source.input + " is a binary file, not text");
                }
                text = c.text();
            } catch (NoSuchFileException e) {
                throw new TextclsException("--input " + source.input + " does not exist");
            } catch (IOException e) {
                throw new TextclsException("cannot read --input " + source.input + ": " + e.getMessage(), e);
            }
        } else {
            name = "--text";
            text = source.text;
        }
        TextClassifier classifier = BundlePreload.load(model);
        List<String> labels = classifier.labels().names();
        int toward = -1;
        if (label != null) {
            toward = labels.indexOf(label);
            if (toward < 0) {
                throw new TextclsException("--label '" + label + "' is not a label of " + model + " (its labels: "
                        + labels + ")");
            }
        }
        TextPipeline.Tokenized tokenized = classifier.steps().pipeline().tokenize(text);
        Explanation e = classifier.steps().explainTokens(tokenized.tokens(), window).withShown(tokenized.surfaces());
        int k = toward >= 0 ? toward : e.predictedIndex();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.MAPPER.writeValueAsString(toJson(e, name)));
        } else {
            boolean colours = color.equals("always") || (color.equals("auto") && System.console() != null
                    && System.getenv("NO_COLOR") == null && !"dumb".equals(System.getenv("TERM")));
            out.print(text(e, name, k, colours, top));
        }
        if (html != null) {
            String page = TokenHtml.page(model + ": " + name, List.of(e), List.of(name), List.of(k));
            AtomicFiles.write(html, o -> o.write(page.getBytes(StandardCharsets.UTF_8)));
            if (!json) {
                out.println("page written to " + html);
            }
        }
        out.flush();
        return 0;
    }

    static ObjectNode toJson(Explanation e, String name) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("id", name);
        n.put("label", e.prediction().label());
        if (e.prediction().multiLabel()) {
            n.putPOJO("labels", e.prediction().predictedLabels());
        }
        n.putPOJO("probabilities", e.prediction().probabilities());
        n.put("window", e.window());
        ArrayNode tokens = n.putArray("tokens");
        List<String> labels = e.prediction().labels();
        boolean[] read = e.read();
        for (int i = 0; i < e.tokens().size(); i++) {
            ObjectNode t = tokens.addObject();
            t.put("token", e.tokens().get(i));
            t.put("shown", e.shown().get(i));
            t.put("read", read[i]);
            ObjectNode a = t.putObject("attribution");
            for (int k = 0; k < labels.size(); k++) {
                a.put(labels.get(k), e.attribution(i, k));
            }
        }
        return n;
    }

    /** The explanation as text: the prediction, the coloured tokens, the strongest tokens each way. */
    static String text(Explanation e, String name, int k, boolean colours, int top) {
        List<String> labels = e.prediction().labels();
        StringBuilder sb = new StringBuilder();
        sb.append(name).append(": predicted ").append(e.prediction().multiLabel()
                ? "labels " + e.prediction().predictedLabels() + ", each label's own probability"
                : e.prediction().label()).append(" (");
        for (int j = 0; j < labels.size(); j++) {
            sb.append(j == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.4f", labels.get(j),
                    e.prediction().probability(j)));
        }
        sb.append("); attributions toward ").append(labels.get(k)).append('\n');
        float[] a = e.toward(k);
        boolean[] read = e.read();
        double max = 1e-9;
        for (float v : a) {
            max = Math.max(max, Math.abs(v));
        }
        if (colours) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < a.length; i++) {
                line.append(i == 0 ? "" : " ").append(read[i] ? ansi(a[i] / max) : "\u001b[2m").append(e.shown().get(i))
                        .append("\u001b[0m");
            }
            sb.append(line).append('\n');
            sb.append("(red: for ").append(labels.get(k)).append(", blue: against; dim: not read)\n");
        }
        List<Integer> order = e.top(k, top);
        sb.append("most for ").append(labels.get(k)).append(":");
        for (int i : order) {
            if (a[i] > 0) {
                sb.append(String.format(Locale.ROOT, " %s %+.4f", e.shown().get(i), a[i]));
            }
        }
        sb.append('\n');
        List<Integer> against = new ArrayList<>();
        for (int i = 0; i < a.length; i++) {
            if (read[i] && a[i] < 0) {
                against.add(i);
            }
        }
        against.sort((x, y) -> Float.compare(a[x], a[y]));
        sb.append("most against ").append(labels.get(k)).append(":");
        for (int i : against.subList(0, Math.min(top, against.size()))) {
            sb.append(String.format(Locale.ROOT, " %s %+.4f", e.shown().get(i), a[i]));
        }
        return sb.append('\n').toString();
    }

    /** A 256-colour background by strength in [-1, 1]: reds for, blues against, none near 0. */
    static String ansi(double s) {
        int level = (int) Math.min(3, Math.floor(Math.abs(s) * 4));
        if (level == 0) {
            return "";
        }
        int[] reds = {224, 217, 210};
        int[] blues = {195, 153, 111};
        return "\u001b[48;5;" + (s > 0 ? reds : blues)[level - 1] + "m\u001b[30m";
    }
}
