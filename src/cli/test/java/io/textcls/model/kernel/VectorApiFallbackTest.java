package io.textcls.model.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.model.dl4j.FallbackProbe;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without the Vector API module (a JVM started without {@code --add-modules jdk.incubator.vector}),
 * LSTM networks train and score on DL4J's own arithmetic, with one warning, the scoring runtime
 * scores in plain Java with one warning of its own, and nothing else changes.
 */
class VectorApiFallbackTest {
    @TempDir
    Path dir;

    @Test
    void lstmNetworksFallBackToDl4jWithOneWarning() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path")));
        String cache = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (cache != null) {
            cmd.add(1, "-Dorg.bytedeco.javacpp.cachedir=" + cache);
        }
        cmd.add(FallbackProbe.class.getName());
        File log = dir.resolve("probe.log").toFile();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the probe finished");
        String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("layer=CachingLstmLayer updater=MultiLayerUpdater engine=FUSED available=false"), out);
        assertEquals(2, out.split("layer=CachingLstmLayer", -1).length - 1, out);
        assertTrue(out.contains("scored=2"), out);
        assertTrue(out.contains("runtime-difference-below-1e-5=true"), out);
        assertEquals(1, out.split("this JVM has no Vector API module", -1).length - 1, "one runtime warning: " + out);
        int warnings = out.split("without the jdk.incubator.vector module", -1).length - 1;
        assertEquals(1, warnings, "one warning: " + out);
    }
}
