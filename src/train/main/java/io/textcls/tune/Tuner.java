package io.textcls.tune;

import io.textcls.TextclsException;
import io.textcls.corpus.TableColumns;
import io.textcls.recipe.Recipe;
import io.textcls.recipe.Recipes;
import io.textcls.train.Trainer;
import io.textcls.train.TrainingResult;
import io.textcls.util.AtomicFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * A small hyperparameter search: every trial trains the base recipe with one value for each
 * searched field (a recipe key or its flag, as {@code --set} takes them), validates on the same held-out split, and appends a row to a CSV table.
 * The table is rewritten atomically after each trial, so a killed search loses at most the trial
 * in progress, and {@code resume} skips the trials already in it. No new trial starts once the
 * time budget would be passed.
 */
public final class Tuner {
    /** One searched option and the values to try. */
    public record Param(String option, List<String> values) {
        public Param {
            if (values.isEmpty()) {
                throw new TextclsException("--param " + option + " lists no values");
            }
        }

        /** Parses {@code name=v1,v2,...}. */
        public static Param parse(String spec) {
            int eq = spec.indexOf('=');
            if (eq < 1 || eq == spec.length() - 1) {
                throw new TextclsException("--param takes name=value1,value2,... (e.g. hidden-size=64,128), got '"
                        + spec + "'");
            }
            return new Param(spec.substring(0, eq).trim(), List.of(spec.substring(eq + 1).split(",")));
        }
    }

    /**
     * One trial's outcome; for a recipe with several networks, the scores are the ensemble's and
     * the epochs its last network's.
     */
    public record Trial(int index, Map<String, String> values, double accuracy, double accuracySe, String accuracies,
                        double logLoss, double macroF1, int bestEpoch, int epochs, double minutes, String stopReason) {
    }

    public enum Search { GRID, RANDOM }

    /** What the baseline's row holds in every searched column. */
    public static final String BASELINE = "(baseline)";

    private static final List<String> FIXED_COLUMNS = List.of("trial", "accuracy", "accuracy_se", "accuracies",
            "log_loss", "macro_f1", "best_epoch", "epochs", "minutes", "stop");

    private final Consumer<String> log;
    private final TableColumns columns;
    private final boolean skipBadRows;

    public Tuner(Consumer<String> log) {
        this(log, TableColumns.defaults(), false);
    }

    /** A tuner whose trials read a table corpus with these columns (folder trees ignore them). */
    public Tuner(Consumer<String> log, TableColumns columns, boolean skipBadRows) {
        this.log = log;
        this.columns = columns;
        this.skipBadRows = skipBadRows;
    }

    /** The trials a search will run, in order: the full grid, or that many random draws from it. */
    public static List<Map<String, String>> plan(List<Param> params, Search search, int trials, long seed) {
        List<Map<String, String>> grid = new ArrayList<>();
        grid.add(new LinkedHashMap<>());
        for (Param p : params) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> g : grid) {
                for (String v : p.values()) {
                    Map<String, String> m = new LinkedHashMap<>(g);
                    m.put(p.option(), v.trim());
                    next.add(m);
                }
            }
            grid = next;
        }
        if (search == Search.RANDOM) {
            Collections.shuffle(grid, new Random(seed));
        }
        return trials > 0 && trials < grid.size() ? grid.subList(0, trials) : grid;
    }

    /**
     * Runs a search.
     *
     * @param data labeled folder
     * @param workDir where trial bundles and checkpoints go (each deleted after its trial)
     * @param table CSV results, rewritten after every trial
     * @param budgetMinutes no trial starts when the elapsed time plus the longest trial so far would pass this
     * @param resume keep the rows already in {@code table} and skip their trials
     */
    public List<Trial> run(Path data, Path workDir, Path table, Recipe base, List<Param> params,
                           List<Map<String, String>> plan, double budgetMinutes, boolean resume) throws IOException {
        return run(data, workDir, table, base, params, plan, budgetMinutes, resume, 1);
    }

    /**
     * As {@link #run(Path, Path, Path, Recipe, List, List, double, boolean)}, training each trial
     * {@code repeats} times with seeds {@code seed}, {@code seed + 1}, ... (other validation splits
     * and initializations) and reporting the mean accuracy and its standard error, so that recipes
     * a few tenths apart can be told apart. A trial killed mid-way reruns its finished repeats.
     */
    public List<Trial> run(Path data, Path workDir, Path table, Recipe base, List<Param> params,
                           List<Map<String, String>> plan, double budgetMinutes, boolean resume, int repeats)
            throws IOException {
        return run(data, workDir, table, base, params, plan, budgetMinutes, resume, repeats, null);
    }

    /**
     * As {@link #run(Path, Path, Path, Recipe, List, List, double, boolean, int)}, first training
     * {@code baseline} (when not null) on the same splits: its row has {@value #BASELINE} in every
     * searched column, and every later trial's log line says how far it is from it, split by split.
     */
    public List<Trial> run(Path data, Path workDir, Path table, Recipe base, List<Param> params,
                           List<Map<String, String>> plan, double budgetMinutes, boolean resume, int repeats,
                           Recipe baseline) throws IOException {
        if (repeats < 1) {
            throw new TextclsException("--repeats must be at least 1, got " + repeats);
        }
        List<String> names = params.stream().map(Param::option).toList();
        for (Map<String, String> p : plan) {
            configFor(base, p); // every value is checked before the first trial runs
        }
        List<Trial> done = new ArrayList<>();
        if (Files.exists(table)) {
            if (!resume) {
                throw new TextclsException("results table " + table + " exists: add --resume to continue that search, "
                        + "or choose another --out");
            }
            done.addAll(read(table, names));
            log.accept("resuming: " + done.size() + " trial(s) already in " + table);
        }
        List<Map<String, String>> jobs = new ArrayList<>();
        if (baseline != null) {
            Map<String, String> marker = new LinkedHashMap<>();
            names.forEach(n -> marker.put(n, BASELINE));
            jobs.add(marker);
        }
        jobs.addAll(plan);
        long start = System.nanoTime();
        double longest = 0;
        Files.createDirectories(workDir);
        for (int j = 0; j < jobs.size(); j++) {
            Map<String, String> values = jobs.get(j);
            boolean isBaseline = baseline != null && j == 0;
            int i = baseline == null ? j : j - 1; // trial numbers count the plan; the baseline is trial 0
            if (done.stream().anyMatch(t -> t.values().equals(values))) {
                continue;
            }
            double elapsed = (System.nanoTime() - start) / 60e9;
            if (budgetMinutes > 0 && elapsed + longest > budgetMinutes) {
                log.accept(String.format("budget: %.1f of %.0f min used; the longest trial took %.1f min, so trial %d "
                        + "and later are not started", elapsed, budgetMinutes, longest, i + 1));
                break;
            }
            Recipe cfg = isBaseline ? baseline : configFor(base, values);
            if (budgetMinutes > 0) {
                cfg = Recipes.with(cfg, "training.timeLimitMinutes", String.valueOf(Math.max(0.1, budgetMinutes
                        - elapsed)));
            }
            log.accept(isBaseline ? String.format("trial 0: the linear baseline (built-in recipe %s) on the same "
                    + "split%s", baseline.name(), repeats > 1 ? "s" : "")
                    : String.format("trial %d/%d: %s", i + 1, plan.size(), values));
            long t0 = System.nanoTime();
            // resume: a trial killed with the search continues from its last epoch checkpoint.
            Trainer.Options options = Trainer.Options.defaults().withResume(resume).withListener(line -> {
                // epochs, and what the data decided (the tokenizer, the length cap, the task, more epochs)
                if (line.contains("epoch ") && line.contains(": train loss") || line.startsWith("tokenizer: ")
                        || line.startsWith("text.maxLength: ") || line.startsWith("task: ")
                        || line.startsWith("training.minSteps ")) {
                    log.accept("  " + line);
                }
            }).withTable(columns, skipBadRows);
            double[] acc = new double[repeats];
            double logLoss = 0;
            double macroF1 = 0;
            TrainingResult r = null;
            for (int k = 0; k < repeats; k++) {
                Recipe run = k == 0 ? cfg : Recipes.with(cfg, "seed", String.valueOf(cfg.seed() + k));
                Path bundle = workDir.resolve("trial-" + (i + 1) + (repeats > 1 ? "-" + (k + 1) : "") + ".zip");
                r = Trainer.run(run, data, bundle, options);
                Files.deleteIfExists(bundle);
                acc[k] = r.validation().score(); // accuracy; micro-F1 for multi-label
                if (repeats > 1) {
                    List<String> members = r.networks().size() < 2 ? List.of() : r.networks().stream()
                            .map(n -> String.format("%s %.4f", n.name(), n.validation().score())).toList();
                    log.accept(String.format("  split %d/%d (seed %d): validation %s %.4f%s", k + 1, repeats,
                            run.seed(), r.validation().multiLabel() ? "micro-F1" : "accuracy", acc[k],
                            members.isEmpty() ? "" : " (" + String.join(", ", members) + ")"));
                }
                logLoss += r.validation().logLoss() / repeats;
                macroF1 += r.validation().macroF1() / repeats;
            }
            double minutes = (System.nanoTime() - t0) / 60e9;
            longest = Math.max(longest, minutes);
            TrainingResult.NetworkSummary last = r.networks().get(r.networks().size() - 1);
            double mean = java.util.Arrays.stream(acc).average().orElseThrow();
            double se = standardError(acc);
            String each = String.join(";", java.util.Arrays.stream(acc).mapToObj(a -> String.format("%.4f", a))
                    .toList());
            Trial t = new Trial(isBaseline ? 0 : i + 1, values, mean, se, each, logLoss, macroF1, last.bestEpoch(),
                    last.history().size(), minutes, last.stopReason());
            done.add(t);
            write(table, names, done);
            log.accept(String.format("trial %d: validation %s %.4f%s (epoch %d of %d, %.1f min)%s", t.index(),
                    r.validation().multiLabel() ? "micro-F1" : "accuracy", t.accuracy(), repeats > 1 ? String.format(" ± %.4f over %d splits (%s)", se, repeats, each) : "",
                    t.bestEpoch(), t.epochs(), t.minutes(), isBaseline ? "" : versusBaseline(done, names, acc)));
        }
        try (var left = Files.list(workDir)) {
            if (left.findAny().isEmpty()) {
                Files.delete(workDir); // every trial finished: nothing to resume from
            }
        }
        return done;
    }

    /**
     * "; baseline +d ± se": the mean of this trial's accuracy minus the baseline's, split by split
     * (the same seeds give the same splits), and its standard error; empty without a baseline row.
     */
    static String versusBaseline(List<Trial> done, List<String> names, double[] acc) {
        Trial b = done.stream().filter(t -> isBaseline(t, names)).findFirst().orElse(null);
        if (b == null) {
            return "";
        }
        String[] each = b.accuracies().split(";");
        if (each.length != acc.length) {
            return "";
        }
        double[] d = new double[acc.length];
        for (int k = 0; k < acc.length; k++) {
            d[k] = acc[k] - Double.parseDouble(each[k]);
        }
        double mean = java.util.Arrays.stream(d).average().orElseThrow();
        if (d.length < 2) {
            return String.format("; %+.4f against the baseline", mean);
        }
        return String.format("; %+.4f ± %.4f against the baseline on the same splits", mean, standardError(d));
    }

    /** The standard error of the mean of {@code x} (NaN for fewer than two values). */
    static double standardError(double[] x) {
        if (x.length < 2) {
            return Double.NaN;
        }
        double mean = java.util.Arrays.stream(x).average().orElseThrow();
        return Math.sqrt(java.util.Arrays.stream(x).map(a -> (a - mean) * (a - mean)).sum() / (x.length - 1)
                / x.length);
    }

    /** Whether a row is the baseline's. */
    public static boolean isBaseline(Trial t, List<String> names) {
        return t.index() == 0 && names.stream().allMatch(n -> BASELINE.equals(t.values().get(n)));
    }

    static Recipe configFor(Recipe base, Map<String, String> values) {
        Recipe cfg = base;
        for (Map.Entry<String, String> e : values.entrySet()) {
            cfg = Recipes.with(cfg, e.getKey(), e.getValue());
        }
        return cfg;
    }

    /** The trials as a fixed-width table, best accuracy first. */
    public static String format(List<Trial> trials, List<String> names) {
        List<Trial> sorted = new ArrayList<>(trials);
        sorted.sort(Comparator.comparingDouble(Trial::accuracy).reversed().thenComparingInt(Trial::index));
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-6s", "trial"));
        for (String n : names) {
            b.append(String.format(" %-16s", n));
        }
        b.append(String.format(" %9s %8s %9s %6s %7s%n", "accuracy", "± s.e.", "log loss", "epoch", "min"));
        for (Trial t : sorted) {
            b.append(String.format("%-6d", t.index()));
            for (String n : names) {
                b.append(String.format(" %-16s", t.values().get(n)));
            }
            b.append(String.format(" %9.4f %8s %9.4f %3d/%-2d %7.1f%n", t.accuracy(), Double.isNaN(t.accuracySe())
                    ? "" : String.format("%.4f", t.accuracySe()), t.logLoss(), t.bestEpoch(), t.epochs(), t.minutes()));
        }
        return b.toString();
    }

    private static void write(Path table, List<String> names, List<Trial> trials) throws IOException {
        StringWriter sw = new StringWriter();
        List<String> header = new ArrayList<>(names);
        header.addAll(FIXED_COLUMNS);
        try (CSVPrinter p = new CSVPrinter(sw, CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new))
                .get())) {
            for (Trial t : trials) {
                List<Object> row = new ArrayList<>();
                for (String n : names) {
                    row.add(t.values().get(n));
                }
                row.add(t.index());
                row.add(String.format("%.4f", t.accuracy()));
                row.add(Double.isNaN(t.accuracySe()) ? "" : String.format("%.4f", t.accuracySe()));
                row.add(t.accuracies());
                row.add(String.format("%.4f", t.logLoss()));
                row.add(String.format("%.4f", t.macroF1()));
                row.add(t.bestEpoch());
                row.add(t.epochs());
                row.add(String.format("%.2f", t.minutes()));
                row.add(t.stopReason());
                p.printRecord(row);
            }
        }
        AtomicFiles.write(table, out -> out.write(sw.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Trial> read(Path table, List<String> names) throws IOException {
        List<Trial> out = new ArrayList<>();
        try (CSVParser p = CSVParser.parse(table, StandardCharsets.UTF_8,
                CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get())) {
            if (!p.getHeaderNames().containsAll(names) || p.getHeaderNames().size() != names.size() + FIXED_COLUMNS.size()) {
                throw new TextclsException("results table " + table + " has columns " + p.getHeaderNames()
                        + ", not those of this search (" + names + "); use another --out");
            }
            for (CSVRecord r : p) {
                Map<String, String> values = new LinkedHashMap<>();
                for (String n : names) {
                    values.put(n, r.get(n));
                }
                out.add(new Trial(Integer.parseInt(r.get("trial")), values, Double.parseDouble(r.get("accuracy")),
                        r.get("accuracy_se").isEmpty() ? Double.NaN : Double.parseDouble(r.get("accuracy_se")),
                        r.get("accuracies"), Double.parseDouble(r.get("log_loss")), Double.parseDouble(r.get("macro_f1")),
                        Integer.parseInt(r.get("best_epoch")), Integer.parseInt(r.get("epochs")),
                        Double.parseDouble(r.get("minutes")), r.get("stop")));
            }
        } catch (IllegalArgumentException e) {
            throw new TextclsException("results table " + table + " is not a tune table: " + e.getMessage(), e);
        }
        return out;
    }
}
