package io.textcls.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The CLI's logging, set up in code (found by Logback through {@code META-INF/services}): the
 * same as {@code logback-cli.xml} (messages to standard error, so standard output carries only
 * results; {@code io.textcls} at {@code TEXTCLS_LOG_LEVEL}, default INFO; libraries at WARN),
 * without parsing XML at every start. A {@code -Dlogback.configurationFile} or a {@code
 * logback.xml} / {@code logback-test.xml} on the class path wins: Logback's own configurators
 * then run instead.
 */
public final class CliLogging extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ClassLoader cl = CliLogging.class.getClassLoader();
        if (System.getProperty("logback.configurationFile") != null || cl.getResource("logback-test.xml") != null
                || cl.getResource("logback.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss} %-5level %logger{0} - %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        context.getLogger("io.textcls").setLevel(Level.toLevel(level(), Level.INFO));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** {@code TEXTCLS_LOG_LEVEL} as a system property, else as an environment variable, as the XML reads it. */
    private static String level() {
        String v = System.getProperty("TEXTCLS_LOG_LEVEL");
        return v != null ? v : System.getenv().getOrDefault("TEXTCLS_LOG_LEVEL", "INFO");
    }
}
