package io.textcls.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.TestCorpora;
import io.textcls.TextclsException;
import io.textcls.TinyTraining;
import io.textcls.recipe.Recipe;
import io.textcls.recipe.Recipes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TunerTest {
    @TempDir
    Path dir;

    @Test
    void plansTheGridOrARandomPartOfIt() {
        List<Tuner.Param> ps = List.of(Tuner.Param.parse("hidden-size=8,16,32"), Tuner.Param.parse("dropout=0.1,0.5"));
        List<Map<String, String>> grid = Tuner.plan(ps, Tuner.Search.GRID, 0, 1);
        assertEquals(6, grid.size());
        assertEquals(Map.of("hidden-size", "8", "dropout", "0.1"), grid.get(0));
        List<Map<String, String>> random = Tuner.plan(ps, Tuner.Search.RANDOM, 4, 1);
        assertEquals(4, random.size());
        assertEquals(4, random.stream().distinct().count());
        assertTrue(grid.containsAll(random));
        assertThrows(TextclsException.class, () -> Tuner.Param.parse("hidden-size"));
    }

    @Test
    void runsTrialsWritesTheTableAndResumes() throws Exception {
        Path data = TestCorpora.write(dir.resolve("data"), 30, 2);
        Path table = dir.resolve("tune.csv");
        Recipe base = TinyTraining.recipe(2);
        List<Tuner.Param> ps = List.of(Tuner.Param.parse("hidden-size=8,12"));
        List<Map<String, String>> plan = Tuner.plan(ps, Tuner.Search.GRID, 0, 1);
        List<String> log = new ArrayList<>();
        List<Tuner.Trial> first = new Tuner(log::add).run(data, dir.resolve("work"), table, base, ps, plan.subList(0, 1),
                0, false);
        assertEquals(1, first.size());
        assertEquals(2, Files.readAllLines(table).size(), "header and one row");

        TextclsException exists = assertThrows(TextclsException.class,
                () -> new Tuner(l -> { }).run(data, dir.resolve("work"), table, base, ps, plan, 0, false));
        assertTrue(exists.getMessage().contains("--resume"), exists.getMessage());

        List<Tuner.Trial> all = new Tuner(log::add).run(data, dir.resolve("work"), table, base, ps, plan, 0, true);
        assertEquals(2, all.size());
        assertEquals(first.get(0).values(), all.get(0).values(), "the first trial is read back, not rerun");
        assertEquals(first.get(0).accuracy(), all.get(0).accuracy(), 1e-4);
        assertEquals(1, log.stream().filter(l -> l.startsWith("trial 1/")).count(), "trial 1 ran once: " + log);
        assertEquals(Map.of("hidden-size", "12"), all.get(1).values());
        assertTrue(!Files.exists(dir.resolve("work")), "the trials folder goes once every trial finished");
        assertTrue(all.get(1).accuracy() > 0.5, "accuracy " + all.get(1).accuracy());
        String table2 = Tuner.format(all, List.of("hidden-size"));
        assertTrue(table2.contains("hidden-size") && table2.lines().count() == 3, table2);

        List<Tuner.Param> other = List.of(Tuner.Param.parse("dropout=0.1"));
        TextclsException cols = assertThrows(TextclsException.class, () -> new Tuner(l -> { })
                .run(data, dir.resolve("work"), table, base, other, Tuner.plan(other, Tuner.Search.GRID, 0, 1), 0, true));
        assertTrue(cols.getMessage().contains("columns"), cols.getMessage());
        TextclsException badValue = assertThrows(TextclsException.class, () -> new Tuner(l -> { })
                .run(data, dir.resolve("work"), dir.resolve("t2.csv"), base, List.of(Tuner.Param.parse("layers=1,x")),
                        Tuner.plan(List.of(Tuner.Param.parse("layers=1,x")), Tuner.Search.GRID, 0, 1), 0, false));
        assertTrue(badValue.getMessage().contains("layers"), badValue.getMessage());
        assertTrue(!Files.exists(dir.resolve("t2.csv")), "values are checked before any trial runs");
    }

    @Test
    void theBaselineTrainsFirstOnTheSameSplitsAndEveryTrialIsComparedWithIt() throws Exception {
        Recipe base = Recipes.with(Recipes.with(TinyTraining.recipe(2), "seed", "7"), "split.validationFraction",
                "0.3");
        Recipe baseline = Recipes.baselineFor(base);
        assertEquals(Recipes.BASELINE, baseline.name());
        assertEquals(base.seed(), baseline.seed());
        assertEquals(base.split(), baseline.split(), "the same split settings, so the same validation documents");
        assertEquals(base.text().tokenizer(), baseline.text().tokenizer());
        assertEquals(Recipes.load(Recipes.BASELINE).networks(), baseline.networks());

        Path data = TestCorpora.write(dir.resolve("data-b"), 30, 4);
        List<Tuner.Param> ps = List.of(Tuner.Param.parse("hidden-size=8"));
        List<String> log = new ArrayList<>();
        Path table = dir.resolve("b.csv");
        List<Tuner.Trial> t = new Tuner(log::add).run(data, dir.resolve("work-b"), table, base, ps,
                Tuner.plan(ps, Tuner.Search.GRID, 0, 1), 0, false, 2, baseline);
        assertEquals(2, t.size());
        assertTrue(Tuner.isBaseline(t.get(0), List.of("hidden-size")), t.toString());
        assertEquals(1, t.get(1).index());
        assertEquals(3, Files.readAllLines(table).size(), "header, baseline, trial");
        String line = log.stream().filter(l -> l.startsWith("trial 1: validation")).findFirst().orElseThrow();
        String[] b = t.get(0).accuracies().split(";");
        String[] a = t.get(1).accuracies().split(";");
        double diff = (Double.parseDouble(a[0]) - Double.parseDouble(b[0]) + Double.parseDouble(a[1])
                - Double.parseDouble(b[1])) / 2;
        assertTrue(line.contains(String.format("%+.4f ± ", diff)) && line.contains("against the baseline"), line);

        List<String> again = new ArrayList<>();
        List<Tuner.Trial> resumed = new Tuner(again::add).run(data, dir.resolve("work-b"), table, base, ps,
                Tuner.plan(ps, Tuner.Search.GRID, 0, 1), 0, true, 2, baseline);
        assertEquals(2, resumed.size());
        assertTrue(again.stream().noneMatch(l -> l.startsWith("trial 0:")), "the baseline is not trained again: "
                + again);
    }

    @Test
    void repeatsGiveAMeanAndItsStandardError() throws Exception {
        Path data = TestCorpora.write(dir.resolve("data-r"), 30, 3);
        List<Tuner.Param> ps = List.of(Tuner.Param.parse("hidden-size=8"));
        List<String> log = new ArrayList<>();
        List<Tuner.Trial> t = new Tuner(log::add).run(data, dir.resolve("work-r"), dir.resolve("r.csv"),
                TinyTraining.recipe(2), ps, Tuner.plan(ps, Tuner.Search.GRID, 0, 1), 0, false, 3);
        String[] each = t.get(0).accuracies().split(";");
        assertEquals(3, each.length, t.get(0).accuracies());
        for (int k = 0; k < 3; k++) {
            String split = String.format("  split %d/3 (seed %d): validation accuracy %s", k + 1, 7 + k, each[k]);
            assertTrue(log.contains(split), "each split is reported when it ends: " + split + " in " + log);
        }
        double mean = java.util.Arrays.stream(each).mapToDouble(Double::parseDouble).average().orElseThrow();
        assertEquals(mean, t.get(0).accuracy(), 1e-4);
        assertTrue(t.get(0).accuracySe() >= 0, "standard error " + t.get(0).accuracySe());
        assertTrue(Files.readString(dir.resolve("r.csv")).contains("accuracy_se"));
    }
}
