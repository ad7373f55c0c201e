package io.textcls.util;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A progress bar with rate and ETA (me.tongfei:progressbar) on an interactive terminal; on a
 * pipe or log file, or while another bar is open (networks training side by side), it logs a line
 * every 30 seconds instead of redrawing, so CI logs stay short and bars never overwrite each other.
 * Set {@code -Dtextcls.progress=false} to turn it off.
 */
public final class Progress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("io.textcls.progress");
    private static final AtomicInteger OPEN = new AtomicInteger();
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    public static Progress start(String task, long total, String unit) {
        return start(task, total, unit, false);
    }

    /**
     * As {@link #start(String, long, String)}; {@code lines} logs lines even on a terminal (for
     * work that runs beside other progress, such as networks training side by side).
     */
    public static Progress start(String task, long total, String unit, boolean lines) {
        if (!Boolean.parseBoolean(System.getProperty("textcls.progress", "true"))) {
            return new Progress(null);
        }
        ProgressBarBuilder b = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setUnit(" " + unit, 1)
                .showSpeed()
                .setStyle(ProgressBarStyle.ASCII)
                .setMaxRenderedLength(100);
        OPEN.incrementAndGet();
        if (lines || System.console() == null || OPEN.get() > 1) {
            b.setConsumer(new DelegatingProgressBarConsumer(LOG::info, 100))
                    .setUpdateIntervalMillis((int) Duration.ofSeconds(30).toMillis())
                    .continuousUpdate();
        } else {
            b.setUpdateIntervalMillis(500);
        }
        return new Progress(b.build());
    }

    public void step(long n) {
        if (bar != null) {
            bar.stepBy(n);
        }
    }

    public void extra(String message) {
        if (bar != null) {
            bar.setExtraMessage(message);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            OPEN.decrementAndGet();
        }
    }
}
