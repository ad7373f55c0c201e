package io.textcls.text;

import com.ibm.icu.util.VersionInfo;
import io.textcls.TextclsException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import opennlp.tools.tokenize.TokenizerModel;

/**
 * The closed set of tokenizers a bundle may name. Names are versioned: a new model or library
 * version gets a new name so old bundles keep their exact tokens.
 *
 * <ul>
 *   <li>{@value #OPENNLP_EN_UD_EWT_1_3}: Apache OpenNLP's English tokenizer (a model on the
 *       classpath); the text is normalized with the JDK's NFKC.</li>
 *   <li>{@value #ICU_WORDS}: ICU4J's Unicode word segmentation (UAX #29 with dictionaries for
 *       Chinese, Japanese, Thai, Lao, Khmer and Burmese), ICU's NFKC and NFKC case folding.</li>
 *   <li>{@value #ICU_CJK_CHARS}: the same, with Han, Hiragana and Katakana as single characters.</li>
 * </ul>
 *
 * The ICU names carry ICU4J's version ({@value #ICU_VERSION}, pinned in pom.xml): segmentation
 * dictionaries and normalization data change between versions, so a bundle made with one is
 * refused under another rather than tokenized a little differently.
 */
public final class TokenizerModels {
    /** Apache OpenNLP's English UD-EWT tokenizer (Maven Central: opennlp-models-tokenizer-en 1.3.0). */
    public static final String OPENNLP_EN_UD_EWT_1_3 = "opennlp-en-ud-ewt-tokens-1.3";
    /** The ICU4J version the ICU tokenizers' names carry: the one pom.xml pins. */
    public static final String ICU_VERSION = "79.1";
    /** ICU4J word segmentation. */
    public static final String ICU_WORDS = "icu-" + ICU_VERSION + "-words";
    /** ICU4J word segmentation, Han and kana as characters. */
    public static final String ICU_CJK_CHARS = "icu-" + ICU_VERSION + "-cjk-chars";
    /** Not a tokenizer: the recipe value that lets the corpus's scripts choose one ({@link Scripts#choose}). */
    public static final String AUTO = "auto";
    /** The tokenizer of settings made without a recipe ({@link TextPipelineSettings#defaults()}). */
    public static final String DEFAULT = OPENNLP_EN_UD_EWT_1_3;
    /** Every tokenizer name this build knows, in the order {@code --help} lists them. */
    public static final List<String> KNOWN = List.of(OPENNLP_EN_UD_EWT_1_3, ICU_WORDS, ICU_CJK_CHARS);

    private static final Map<String, String> RESOURCES =
            Map.of(OPENNLP_EN_UD_EWT_1_3, "/opennlp-en-ud-ewt-tokens-1.3-2.5.4.bin");
    private static final Map<String, CompletableFuture<TokenizerModel>> MODELS = new ConcurrentHashMap<>();

    private TokenizerModels() {
    }

    /** Whether {@code name} is one of the ICU tokenizers (of any version). */
    public static boolean isIcu(String name) {
        return name.startsWith("icu-");
    }

    /** The ICU4J version on the classpath, as major.minor. */
    public static String icuRuntimeVersion() {
        return VersionInfo.ICU_VERSION.getMajor() + "." + VersionInfo.ICU_VERSION.getMinor();
    }

    static void check(String name) {
        if (AUTO.equals(name)) {
            throw new TextclsException("tokenizer 'auto' is decided when training reads the corpus; a text pipeline "
                    + "needs one of " + KNOWN);
        }
        String[] parts = name.split("-");
        if (isIcu(name) && !KNOWN.contains(name) && parts.length > 2 && parts[1].matches("\\d+\\.\\d+")
                && !parts[1].equals(ICU_VERSION)) {
            throw new TextclsException("tokenizer '" + name + "' was made with ICU4J " + parts[1] + ", but this "
                    + "textcls tokenizes with ICU4J " + ICU_VERSION + ": word breaks and normalization differ between "
                    + "ICU versions, so the bundle would not see the tokens it was trained on. Retrain it with this "
                    + "textcls, or score it with the textcls version that made it");
        }
        if (!KNOWN.contains(name)) {
            throw new TextclsException("unknown tokenizer '" + name + "' (text.tokenizer, --tokenizer): this build knows "
                    + AUTO + " and " + KNOWN + "; a bundle naming it was made by another textcls version (retrain, "
                    + "or upgrade)");
        }
        if (isIcu(name) && !ICU_VERSION.equals(icuRuntimeVersion())) {
            throw new TextclsException("tokenizer '" + name + "' needs ICU4J " + ICU_VERSION + ", but the classpath has "
                    + "ICU4J " + VersionInfo.ICU_VERSION + " (another dependency brought it): put "
                    + "com.ibm.icu:icu4j:" + ICU_VERSION + " first on the classpath, e.g. with Maven's "
                    + "dependencyManagement");
        }
    }

    /**
     * The shared (thread-safe, immutable) OpenNLP model for a tokenizer name: read once, or waited for
     * while {@link #prefetch} reads it.
     */
    static TokenizerModel load(String name) {
        check(name);
        try {
            return reading(name, false).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * Starts reading an OpenNLP tokenizer's model on a thread of its own, unless it is read or being
     * read: a pipeline made to score asks for it while the bundle's parameters are still decoding.
     */
    static void prefetch(String name) {
        if (RESOURCES.containsKey(name)) {
            reading(name, true);
        }
    }

    private static CompletableFuture<TokenizerModel> reading(String name, boolean background) {
        CompletableFuture<TokenizerModel> mine = new CompletableFuture<>();
        CompletableFuture<TokenizerModel> earlier = MODELS.putIfAbsent(name, mine);
        if (earlier != null) {
            return earlier;
        }
        Runnable read = () -> {
            try {
                mine.complete(read(name));
            } catch (Throwable e) { // an Error too: no caller may wait on a future nobody completes
                MODELS.remove(name, mine); // a later call tries again and reports it
                mine.completeExceptionally(e);
            }
        };
        if (background) {
            try {
                Thread t = new Thread(read, "tokenizer-model");
                t.setDaemon(true);
                t.start();
            } catch (Throwable e) { // no thread to be had: the first load reads it itself
                MODELS.remove(name, mine);
                mine.completeExceptionally(e);
            }
        } else {
            read.run();
        }
        return mine;
    }

    private static TokenizerModel read(String name) {
        String resource = RESOURCES.get(name);
        try (InputStream in = TokenizerModels.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new TextclsException("tokenizer model " + resource + " is not on the classpath: "
                        + "add org.apache.opennlp:opennlp-models-tokenizer-en:1.3.0 to the dependencies");
            }
            return new TokenizerModel(in);
        } catch (IOException e) {
            throw new TextclsException("cannot read tokenizer model " + resource + ": " + e.getMessage(), e);
        }
    }
}
