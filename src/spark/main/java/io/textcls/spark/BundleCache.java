package io.textcls.spark;

import io.textcls.TextclsException;
import io.textcls.classifier.TextClassifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The classifiers an executor JVM has loaded, by the SHA-256 of their bundle: each bundle is
 * loaded once per JVM, whatever the number of tasks, and its bytes (a broadcast) are fetched only
 * then. Tasks running side by side share it (its networks score on immutable weights).
 */
final class BundleCache {
    private static final Map<String, TextClassifier> LOADED = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private BundleCache() {
    }

    /** The classifier of a bundle, loading it from {@code bytes} the first time this JVM sees its hash. */
    static TextClassifier get(String sha256, Supplier<byte[]> bytes) {
        return LOADED.computeIfAbsent(sha256, k -> load(k, bytes.get()));
    }

    /** Adds a classifier this JVM has loaded already (the driver's, checked, when tasks run in its JVM). */
    static void put(String sha256, TextClassifier classifier) {
        LOADED.putIfAbsent(sha256, classifier);
    }

    /** How many bundles this JVM has loaded (tests: once per JVM, not per task). */
    static int loads() {
        return LOADS.get();
    }

    private static TextClassifier load(String sha256, byte[] bytes) {
        if (!sha256(bytes).equals(sha256)) {
            throw new TextclsException("the bundle's bytes reached this executor damaged (SHA-256 differs from the "
                    + "driver's " + sha256 + ")");
        }
        try {
            Path tmp = Files.createTempFile("textcls-bundle-", ".zip");
            try {
                Files.write(tmp, bytes);
                LOADS.incrementAndGet();
                return TextClassifier.load(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the bundle to a local temporary file", e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
