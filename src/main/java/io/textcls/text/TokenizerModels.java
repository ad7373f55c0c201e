package io.textcls.text;

import io.textcls.TextclsException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import opennlp.tools.tokenize.TokenizerModel;

/**
 * The closed set of tokenizers a bundle may name, each mapped to a model on the classpath.
 * Names are versioned: a new model gets a new name so old bundles keep their exact tokens.
 */
public final class TokenizerModels {
    /** Apache OpenNLP's English UD-EWT tokenizer (Maven Central: opennlp-models-tokenizer-en 1.3.0). */
    public static final String OPENNLP_EN_UD_EWT_1_3 = "opennlp-en-ud-ewt-tokens-1.3";
    public static final String DEFAULT = OPENNLP_EN_UD_EWT_1_3;
    public static final Set<String> KNOWN = Set.of(OPENNLP_EN_UD_EWT_1_3);

    private static final Map<String, String> RESOURCES =
            Map.of(OPENNLP_EN_UD_EWT_1_3, "/opennlp-en-ud-ewt-tokens-1.3-2.5.4.bin");
    private static final Map<String, TokenizerModel> CACHE = new ConcurrentHashMap<>();

    private TokenizerModels() {
    }

    static void check(String name) {
        if (!KNOWN.contains(name)) {
            throw new TextclsException("unknown tokenizer '" + name + "': this build knows " + KNOWN
                    + ". The bundle or settings were made by another textcls version; retrain or upgrade.");
        }
    }

    /** The shared (thread-safe, immutable) OpenNLP model for a tokenizer name. */
    static TokenizerModel load(String name) {
        check(name);
        return CACHE.computeIfAbsent(name, n -> {
            String resource = RESOURCES.get(n);
            try (InputStream in = TokenizerModels.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new TextclsException("tokenizer model " + resource + " is not on the classpath: "
                            + "add org.apache.opennlp:opennlp-models-tokenizer-en:1.3.0 to the dependencies");
                }
                return new TokenizerModel(in);
            } catch (IOException e) {
                throw new TextclsException("cannot read tokenizer model " + resource + ": " + e.getMessage(), e);
            }
        });
    }
}
