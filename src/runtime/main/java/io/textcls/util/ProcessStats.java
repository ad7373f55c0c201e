package io.textcls.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about this process for summaries and benchmarks. */
public final class ProcessStats {
    private ProcessStats() {
    }

    /** Peak resident set size (VmHWM) in bytes, or -1 where /proc is not available. */
    public static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
