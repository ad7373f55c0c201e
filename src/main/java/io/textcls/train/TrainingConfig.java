package io.textcls.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.textcls.TextclsException;
import io.textcls.encode.SequenceSettings;
import io.textcls.model.Architectures;
import io.textcls.model.NetworkSpec;
import io.textcls.model.Optimization;
import io.textcls.util.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every training option, resolved. Saved in the model card and in checkpoints; a resumed run must
 * use the same values for everything that changes the result (see {@link #resultDefining()}).
 *
 * @param labels labels to train, in output order; empty = every label folder except unsup
 * @param validationFraction share of each label held out for validation when no validation folder is given
 * @param validationDir a labeled folder to validate on instead of a held-out share (null = none)
 * @param seed seeds the split, the weights, shuffling and dropout
 * @param vocabularySize most vocabulary ids, {@code <pad>} and {@code <unk>} included
 * @param minCount least training-split count for a token to get its own id
 * @param maxLength most tokens per document fed to the network
 * @param truncation which tokens of a longer document are kept
 * @param embeddingSize embedding width (taken from the vectors file when {@code embeddings} is set)
 * @param hiddenSize LSTM units (per direction for bidirectional recipes; filters for cnn-pool.v1)
 * @param dropout drop rate on what the output layer and stacked LSTMs read
 * @param embeddingDropout drop rate on the embeddings
 * @param learningRate Adam step size
 * @param weightDecay weight decay coefficient
 * @param gradientClip per-layer gradient L2 norm limit (0 = none)
 * @param batchSize documents per training step
 * @param maxEpochs most passes over the training split
 * @param patience stop after this many epochs without a better validation accuracy
 * @param timeLimitMinutes do not start an epoch expected to end past this (0 = no limit)
 * @param threads threads for reading and tokenizing
 * @param architecture versioned network recipe, see {@link Architectures#KNOWN}
 * @param layers stacked LSTM (or convolution) layers
 * @param pooling {@code max}, {@code mean} or {@code maxmean} for the pooled recipes, null otherwise
 * @param schedule learning-rate schedule over the most epochs
 * @param embeddings word vectors (word2vec text format) to start the embedding layer from, or null
 * @param freezeEmbeddings keep pretrained embeddings fixed instead of fine-tuning them
 * @param sample use a seeded random subset of at most this many documents per label (0 = all):
 *     for quick experiments and {@code tune}
 */
public record TrainingConfig(List<String> labels, double validationFraction, Path validationDir, long seed,
                             int vocabularySize, int minCount, int maxLength, SequenceSettings.Truncation truncation,
                             int embeddingSize, int hiddenSize, double dropout, double embeddingDropout,
                             double learningRate, double weightDecay, double gradientClip, int batchSize,
                             int maxEpochs, int patience, double timeLimitMinutes, int threads,
                             String architecture, int layers, String pooling, Optimization.Schedule schedule,
                             Path embeddings, boolean freezeEmbeddings, int sample) {

    /** CLI option names that differ from the field names they set (see {@link #with}). */
    private static final Map<String, String> OPTION_FIELDS = Map.of(
            "vocab-size", "vocabularySize", "truncate", "truncation", "clip", "gradientClip", "epochs", "maxEpochs",
            "time-limit", "timeLimitMinutes", "lr-schedule", "schedule", "validation", "validationDir",
            "freeze-embeddings", "freezeEmbeddings");

    public TrainingConfig {
        labels = labels == null ? List.of() : List.copyOf(labels);
        if (validationDir == null && !(validationFraction > 0 && validationFraction < 1)) {
            throw new TextclsException("--validation-fraction must be between 0 and 1 (exclusive), got "
                    + validationFraction);
        }
        if (batchSize < 1 || maxEpochs < 1 || patience < 1 || threads < 1 || minCount < 1) {
            throw new TextclsException("--batch-size, --epochs, --patience, --threads and --min-count must be >= 1");
        }
        if (timeLimitMinutes < 0) {
            throw new TextclsException("--time-limit must be >= 0 minutes, got " + timeLimitMinutes);
        }
        if (architecture == null) {
            architecture = Architectures.LSTM_LAST_V1;
        }
        if (!Architectures.KNOWN.contains(architecture)) {
            throw new TextclsException("unknown --architecture '" + architecture + "': choose one of "
                    + Architectures.KNOWN);
        }
        if (layers == 0) {
            layers = 1;
        }
        if (!Architectures.pools(architecture)) {
            pooling = null;
        } else if (pooling == null) {
            pooling = NetworkSpec.MAX;
        }
        if (schedule == null) {
            schedule = Optimization.Schedule.CONSTANT;
        }
        if (sample < 0) {
            throw new TextclsException("--sample must be >= 0 documents per label, got " + sample);
        }
        if (freezeEmbeddings && embeddings == null) {
            throw new TextclsException("--freeze-embeddings needs --embeddings <vectors file>");
        }
    }

    /** The defaults: the recipe measured in the README. */
    public static TrainingConfig defaults() {
        return new TrainingConfig(List.of(), 0.1, null, 42, 30_000, 2, 600, SequenceSettings.Truncation.HEAD_TAIL,
                128, 64, 0.5, 0.0, 0.002, 1e-4, 5.0, 64, 4, 2, 0, 2, Architectures.BILSTM_POOL_V1, 1, "maxmean",
                Optimization.Schedule.LINEAR, null, false, 0);
    }

    /** The first release's recipe (lstm-last.v1, 128/128, last 400 tokens, constant rate): the speed benchmark's network. */
    public static TrainingConfig firstRelease() {
        return new TrainingConfig(List.of(), 0.1, null, 42, 30_000, 2, 400, SequenceSettings.Truncation.TAIL, 128,
                128, 0.5, 0.0, 0.002, 1e-4, 5.0, 64, 6, 2, 0, 2, Architectures.LSTM_LAST_V1, 1, null,
                Optimization.Schedule.CONSTANT, null, false, 0);
    }

    /** The network these options build, for a vocabulary and label count. */
    public NetworkSpec networkSpec(int vocabSize, int numLabels) {
        return new NetworkSpec(architecture, vocabSize, embeddingSize, hiddenSize, numLabels, dropout,
                embeddingDropout, layers, pooling);
    }

    /** The optimizer settings, the learning-rate schedule spanning the most epochs of {@code stepsPerEpoch}. */
    public Optimization optimization(long stepsPerEpoch) {
        return new Optimization(learningRate, weightDecay, gradientClip, seed, schedule, stepsPerEpoch * maxEpochs,
                freezeEmbeddings);
    }

    /**
     * A copy with one option changed, named as on the {@code train} command line without the dashes
     * ({@code hidden-size}, {@code learning-rate}, {@code architecture}, ...), the value as text.
     */
    public TrainingConfig with(String option, String value) {
        String field = OPTION_FIELDS.getOrDefault(option, camel(option));
        ObjectNode node = Json.MAPPER.valueToTree(this);
        if (!node.has(field) || field.equals("labels")) {
            throw new TextclsException("unknown training option '" + option + "'; options: " + optionNames());
        }
        node.put(field, value);
        try {
            return Json.MAPPER.treeToValue(node, TrainingConfig.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new TextclsException("bad value '" + value + "' for " + option + ": "
                    + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            Throwable c = e.getCause() instanceof TextclsException t ? t : e;
            throw new TextclsException("bad value '" + value + "' for " + option + ": " + c.getMessage(), e);
        }
    }

    /** The option names {@link #with} takes. */
    public static List<String> optionNames() {
        Map<String, String> byField = new TreeMap<>();
        ObjectNode node = Json.MAPPER.valueToTree(defaults());
        node.fieldNames().forEachRemaining(f -> byField.put(f, kebab(f)));
        OPTION_FIELDS.forEach((opt, f) -> byField.put(f, opt));
        byField.remove("labels");
        return byField.values().stream().sorted().toList();
    }

    private static String camel(String kebab) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : kebab.toCharArray()) {
            if (c == '-') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The options that change the trained weights (a resumed run must match them); the most epochs
     * count only when a learning-rate schedule spans them.
     */
    TrainingConfig resultDefining() {
        return new TrainingConfig(labels, validationFraction, validationDir, seed, vocabularySize, minCount, maxLength,
                truncation, embeddingSize, hiddenSize, dropout, embeddingDropout, learningRate, weightDecay,
                gradientClip, batchSize, schedule == Optimization.Schedule.CONSTANT ? 1 : maxEpochs, 1, 0, 1,
                architecture, layers, pooling, schedule, embeddings, freezeEmbeddings, sample);
    }
}
