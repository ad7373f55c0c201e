package io.textcls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps dependencies pointing one way (docs/architecture.md): each package may use only the
 * packages below it; OpenNLP stays in text, picocli in cli (and the Spark job's command line),
 * Spark and Hadoop in spark, DL4J/ND4J/DataVec in the network
 * layers (never in the public API), and scoring never reaches the trainer. Read from the
 * sources' imports and fully qualified names.
 */
class LayeringTest {
    /** Package → the io.textcls packages it may use. */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("util", Set.of()),
            Map.entry("text", Set.of("util")),
            Map.entry("corpus", Set.of("text", "util")),
            Map.entry("metrics", Set.of()),
            Map.entry("vocab", Set.of()),
            Map.entry("encode", Set.of("vocab")),
            // the model description (specs, architecture names, the stored layout), the kernels'
            // arithmetic, the scoring runtime over them, and DL4J's side of the same networks
            Map.entry("model", Set.of()),
            Map.entry("model.kernel", Set.of()),
            Map.entry("model.inference", Set.of("model", "model.kernel", "encode")),
            Map.entry("model.dl4j", Set.of("model", "model.kernel", "model.inference", "encode", "vocab")),
            Map.entry("recipe", Set.of("model", "encode", "text", "util")),
            // scoring a saved bundle never reaches DL4J: the classifier scores on the runtime
            Map.entry("classifier", Set.of("recipe", "model", "model.inference", "encode", "vocab", "text", "metrics",
                    "util")),
            Map.entry("eval", Set.of("classifier", "recipe", "corpus", "metrics", "text", "util")),
            Map.entry("score", Set.of("classifier", "corpus", "util")),
            Map.entry("embed", Set.of("corpus", "text", "util")),
            Map.entry("train", Set.of("embed", "classifier", "recipe", "model", "model.kernel", "model.inference",
                    "model.dl4j", "encode", "vocab", "text", "corpus", "metrics", "util")),
            Map.entry("tune", Set.of("train", "recipe", "corpus", "metrics", "util")),
            Map.entry("report", Set.of("eval", "classifier", "recipe", "metrics", "util")),
            Map.entry("serve", Set.of("classifier", "util")),
            Map.entry("cli", Set.of("report", "serve", "tune", "embed", "train", "eval", "score", "classifier", "recipe",
                    "model", "model.kernel", "model.inference", "model.dl4j", "encode", "vocab", "text", "corpus",
                    "metrics", "util")),
            Map.entry("spark", Set.of("score", "classifier", "corpus", "util")));
    /**
     * Where each library may be named (imports or fully qualified names): DL4J, ND4J and DataVec
     * stay in the layers that build, train and run networks, so the public API (classifier:
     * TextClassifier, Prediction, ModelBundle) exposes none of their types.
     */
    static final Map<String, Set<String>> LIBRARIES = Map.of(
            "org.deeplearning4j.", Set.of("model.dl4j", "train", "embed"),
            "org.nd4j.", Set.of("model.dl4j", "train"),
            "org.datavec.", Set.of("model.dl4j"),
            "jdk.incubator.vector.", Set.of("model.kernel"),
            "org.eclipse.jetty.", Set.of("serve"),
            "io.prometheus.", Set.of("serve"),
            // Spark and Hadoop (provided: absent from textcls.jar's classpath) only in the Spark job.
            "org.apache.spark.", Set.of("spark"),
            "org.apache.hadoop.", Set.of("spark"),
            "scala.", Set.of("spark"));
    /**
     * Module (folder under src/) → its packages. The modules' dependencies are Maven's (each pom);
     * this keeps each package in its module, so the runtime never holds what needs DL4J.
     */
    static final Map<String, Set<String>> MODULES = Map.of(
            "runtime", Set.of("util", "text", "vocab", "encode", "metrics", "model", "model.kernel",
                    "model.inference", "recipe", "classifier", "corpus", "score", "eval"),
            "train", Set.of("model.dl4j", "embed", "train", "tune"),
            "serve", Set.of("serve"),
            "spark", Set.of("spark"),
            "cli", Set.of("cli", "report"));
    static final Pattern USE = Pattern.compile("io\\.textcls\\.([a-z]+(?:\\.[a-z0-9]+)*)\\.[A-Z]");

    @Test
    void packagesOnlyUseTheLayersBelowThem() throws IOException {
        List<String> problems = new ArrayList<>();
        int seen = 0;
        for (String module : MODULES.keySet()) {
          Path root = Path.of("src", module, "main/java/io/textcls");
          try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                seen++;
                Path rel = root.relativize(f);
                if (rel.getNameCount() < 2) {
                    continue; // io.textcls itself: TextclsException, Versions, usable everywhere
                }
                String pkg = rel.getParent().toString().replace(java.io.File.separatorChar, '.');
                assertTrue(ALLOWED.containsKey(pkg), "package " + pkg + " has no layer in LayeringTest");
                if (!MODULES.get(module).contains(pkg)) {
                    problems.add(rel + " is in module " + module + ", but package " + pkg + " belongs elsewhere");
                }
                String src = Files.readString(f);
                Matcher m = USE.matcher(src);
                while (m.find()) {
                    String used = m.group(1);
                    if (!used.equals(pkg) && !ALLOWED.get(pkg).contains(used)) {
                        problems.add(rel + " uses io.textcls." + used);
                    }
                }
                if (src.contains("import opennlp.") && !pkg.equals("text")) {
                    problems.add(rel + " uses OpenNLP outside text");
                }
                if (src.contains("com.ibm.icu.") && !pkg.equals("text")) {
                    problems.add(rel + " uses ICU4J outside text");
                }
                if (src.contains("picocli.") && !pkg.equals("cli") && !pkg.equals("spark")) {
                    problems.add(rel + " uses picocli outside cli and the Spark job's command line");
                }
                for (Map.Entry<String, Set<String>> lib : LIBRARIES.entrySet()) {
                    if (src.contains(lib.getKey()) && !lib.getValue().contains(pkg)) {
                        problems.add(rel + " uses " + lib.getKey() + " outside " + lib.getValue());
                    }
                }
            }
          }
        }
        assertTrue(seen > 100, "sanity: the sources were found (" + seen + " files)");
        assertEquals(List.of(), problems);
    }
}
