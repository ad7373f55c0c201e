package io.textcls.recipe;

import io.textcls.TextclsException;
import io.textcls.encode.SequenceSettings;
import io.textcls.model.Architectures;
import io.textcls.model.NetworkSpec;
import io.textcls.model.Optimization;
import io.textcls.text.TextPipelineSettings;
import io.textcls.text.TokenizerModels;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything that decides what {@code train} builds: the text pipeline, split, vocabulary,
 * embeddings, schedule and one or more networks. One recipe drives {@code train}, {@code tune},
 * the Java API and {@code scripts/train-imdb.sh}; the resolved recipe is stored in every bundle
 * it trains ({@code recipe.json}). A recipe with several networks trains each of them on the
 * same split and vocabulary and saves them as one ensemble, whose prediction is the weighted mean
 * of their probabilities (weights fitted on the validation split).
 *
 * <p>Immutable. Read from JSON with {@link Recipes#load} (a file or a built-in name; fields left
 * out take the default recipe's values); change a field with {@link Recipes#with}. Every field is
 * documented once, by its {@link Doc} annotation.
 */
public record Recipe(
        @Doc("The recipe's name, stored with what it trains.") String name,
        @Doc("What the recipe is for.") String description,
        @Doc(value = "Seeds the split, the weights, shuffling and dropout.", flag = "seed") long seed,
        @Doc(value = "single-label (one label per document: one softmax), multi-label (a set of labels per "
                + "document, possibly empty: one sigmoid per label, with per-label thresholds fitted on the "
                + "validation split) or auto (multi-label when a table has a row with several labels, a JSONL "
                + "array of labels or one 0/1 column per label; its rows may then have no label).", flag = "task")
        String task,
        Split split,
        Text text,
        Vocabulary vocabulary,
        Embeddings embeddings,
        Training training,
        SelfTraining selfTraining,
        List<Network> networks) {

    /**
     * Self-training on unlabeled documents: the recipe's networks are trained first (the teacher),
     * label the unlabeled documents they are sure of, and are trained again from the start on the
     * labeled training split plus those documents (the student, which is what the bundle holds).
     * Validation documents are never among them.
     */
    public record SelfTraining(
            @Doc(value = "Unlabeled documents to self-train on: none, auto (the data folder's unsup/ subfolder when "
                    + "there is one, as in aclImdb) or a folder of text files.", flag = "unlabeled") String unlabeled,
            @Doc(value = "Least teacher probability for an unlabeled document to be trained on with the teacher's "
                    + "label; each label keeps its share of the labeled training split.", flag = "pseudo-threshold")
            double threshold,
            @Doc(value = "Most passes of the student over the enlarged training split (0: training.epochs).",
                    flag = "student-epochs") int epochs) {
        /** No self-training. */
        public static final String NONE = "none";
        /** The data folder's {@code unsup/} subfolder when it exists. */
        public static final String AUTO = "auto";
        /** What {@value #AUTO} looks for: aclImdb's folder of unlabeled reviews (FolderCorpus never takes it as a label). */
        public static final String UNLABELED_FOLDER = "unsup";

        public SelfTraining {
            unlabeled = unlabeled == null || unlabeled.isBlank() ? NONE : unlabeled.trim();
            if (!(threshold >= 0 && threshold < 1)) {
                throw new TextclsException("selfTraining.threshold (--pseudo-threshold) must be >= 0 and < 1, got "
                        + threshold);
            }
            if (epochs < 0) {
                throw new TextclsException("selfTraining.epochs (--student-epochs) must be >= 0 (0: training.epochs), "
                        + "got " + epochs);
            }
        }

        /**
         * The folder of unlabeled documents for a labeled {@code data} folder, or null for none
         * ({@value #NONE}, or {@value #AUTO} where {@code data} has no {@code unsup/}).
         */
        public java.nio.file.Path folder(java.nio.file.Path data) {
            if (unlabeled.equals(NONE)) {
                return null;
            }
            if (unlabeled.equals(AUTO)) {
                java.nio.file.Path u = data.resolve(UNLABELED_FOLDER);
                return java.nio.file.Files.isDirectory(u) ? u : null;
            }
            java.nio.file.Path u = java.nio.file.Path.of(unlabeled);
            if (!java.nio.file.Files.isDirectory(u)) {
                throw new TextclsException("selfTraining.unlabeled (--unlabeled) names " + u + ", which is not a "
                        + "folder: give a folder of unlabeled text files, auto (the data folder's unsup/) or none");
            }
            return u;
        }
    }

    /** Which documents train and which validate. */
    public record Split(
            @Doc(value = "Labels to train, in output order, comma-separated (empty: every subfolder but unsup).",
                    flag = "labels") List<String> labels,
            @Doc(value = "Share of each label held out for validation when no validation folder is given.",
                    flag = "validation-fraction") double validationFraction,
            @Doc(value = "A labeled folder to validate on instead of a held-out share (empty: none).",
                    flag = "validation") String validation,
            @Doc(value = "Use a seeded random subset of at most this many documents per label (0 = all): for quick "
                    + "experiments.", flag = "sample") int sample,
            @Doc(value = "Documents that must stay on one side of the validation split: none, auto (aclImdb's "
                    + "urls_<label>.txt when present: one group per movie), imdb-urls, regex:<pattern> (the first "
                    + "capture group in each document's path) or a CSV file of id,group rows.", flag = "groups")
            String groups) {
        public Split {
            groups = groups == null || groups.isBlank() ? "none" : groups.trim();
            labels = labels == null ? List.of() : List.copyOf(labels);
            validation = validation == null || validation.isBlank() ? null : validation;
            if (validation == null && !(validationFraction > 0 && validationFraction < 1)) {
                throw new TextclsException("split.validationFraction (--validation-fraction) must be between 0 and 1 "
                        + "(exclusive), got " + validationFraction);
            }
            if (sample < 0) {
                throw new TextclsException("split.sample (--sample) must be >= 0 documents per label, got " + sample);
            }
            if (validation != null && !groups.equals("none") && !groups.equals("auto")) {
                throw new TextclsException("split.groups (--groups " + groups + ") decides a held-out share; with a "
                        + "validation folder (--validation) there is none to decide: leave one of them out");
            }
        }
    }

    /** How text becomes the id sequences the networks read. */
    public record Text(
            @Doc(value = "Versioned tokenizer name: " + TokenizerModels.OPENNLP_EN_UD_EWT_1_3 + " (OpenNLP's English "
                    + "tokenizer), " + TokenizerModels.ICU_WORDS + " (ICU4J's Unicode word segmentation, with "
                    + "dictionaries for Chinese, Japanese, Thai, Lao, Khmer and Burmese), " + TokenizerModels.ICU_CJK_CHARS
                    + " (the same with Chinese and Japanese as characters), or auto (chosen from the scripts of the "
                    + "corpus's letters: see docs/languages.md).", flag = "tokenizer") String tokenizer,
            @Doc("Lower-case tokens after tokenizing (the ICU tokenizers: NFKC case folding).") boolean lowercase,
            @Doc("Replace markup such as <br /> with spaces and decode common entities.") boolean stripHtml,
            @Doc("The longest run of non-space characters given to OpenNLP's tokenizer (its cost grows with the square "
                    + "of a run's length), and for the ICU tokenizers the longest token; a longer one becomes one unknown "
                    + "token.") int maxRunChars,
            @Doc(value = "Most tokens per document fed to the networks; 0 = auto: the corpus's 99th-percentile "
                    + "token count rounded up to a multiple of 8, at least 64 and at most 600.", flag = "max-length")
            int maxLength,
            @Doc(value = "Which tokens of a longer document are kept: HEAD, TAIL or HEAD_TAIL (the first third "
                    + "and the last two thirds).", flag = "truncate") SequenceSettings.Truncation truncation) {
        public Text {
            if (tokenizer == null || tokenizer.isBlank()) {
                throw new TextclsException("text.tokenizer must name a tokenizer, e.g. '" + TextPipelineSettings.defaults()
                        .tokenizer() + "'");
            }
            if (maxLength < 0) {
                throw new TextclsException("text.maxLength (--max-length) must be at least 1 token, or 0 for auto, got "
                        + maxLength);
            }
            if (maxRunChars < 1) {
                throw new TextclsException("text.maxRunChars must be at least 1 character, got " + maxRunChars);
            }
            if (truncation == null) {
                throw new TextclsException("text.truncation (--truncate) must be HEAD, TAIL or HEAD_TAIL");
            }
        }

        /** Whether the tokenizer is still to be chosen from the corpus ({@code auto}). */
        public boolean autoTokenizer() {
            return TokenizerModels.AUTO.equals(tokenizer);
        }

        /** The text pipeline settings saved in the bundle (the tokenizer chosen, not {@code auto}). */
        public TextPipelineSettings pipeline() {
            return new TextPipelineSettings(tokenizer, lowercase, stripHtml, maxRunChars);
        }

        /** {@link #maxLength} 0: fitted to the corpus ({@code TrainingData.fittedLength}). */
        public static final int AUTO_MAX_LENGTH = 0;
        /** The most tokens {@link #AUTO_MAX_LENGTH} takes: room for a long review's first 200 and last 400. */
        public static final int AUTO_LONGEST = 600;
        /** The fewest tokens {@link #AUTO_MAX_LENGTH} takes. */
        public static final int AUTO_SHORTEST = 64;

        /** Whether the length cap is fitted to the corpus ({@code maxLength} 0). */
        public boolean autoLength() {
            return maxLength == AUTO_MAX_LENGTH;
        }

        /** The sequence settings saved in the bundle; with {@code maxLength} auto, the most it can be. */
        public SequenceSettings sequence() {
            return new SequenceSettings(autoLength() ? AUTO_LONGEST : maxLength, truncation);
        }
    }

    /** Which tokens get their own id. */
    public record Vocabulary(
            @Doc(value = "Most vocabulary ids, <pad> and <unk> included.", flag = "vocab-size") int size,
            @Doc(value = "Least training-split count for a token to get its own id.", flag = "min-count")
            int minCount,
            @Doc(value = "Least number of groups (split.groups: for aclImdb, movies) of the training split a token "
                    + "must appear in to get its own id; no limit for a corpus without groups, or 1. Names and words "
                    + "of one movie's reviews let a network learn the movie instead of what carries over to others.",
                    flag = "min-groups")
            int minGroups) {
        public Vocabulary {
            if (size < 3) {
                throw new TextclsException("vocabulary.size (--vocab-size) must be at least 3, got " + size);
            }
            if (minCount < 1) {
                throw new TextclsException("vocabulary.minCount (--min-count) must be >= 1, got " + minCount);
            }
            if (minGroups < 1) {
                throw new TextclsException("vocabulary.minGroups (--min-groups) must be >= 1, got " + minGroups);
            }
        }
    }

    /** The embedding layer every network starts with. */
    public record Embeddings(
            @Doc(value = "Embedding width; follows the vectors when 'vectors' is set.", flag = "embedding-size")
            int size,
            @Doc(value = "Word vectors (word2vec text format, e.g. from 'textcls pretrain') to start the embedding "
                    + "layer from (empty: random).", flag = "embeddings") String vectors,
            @Doc(value = "Keep the pretrained vectors fixed instead of fine-tuning them.", flag = "freeze-embeddings")
            boolean freeze) {
        public Embeddings {
            vectors = vectors == null || vectors.isBlank() ? null : vectors;
            if (size < 1) {
                throw new TextclsException("embeddings.size (--embedding-size) must be at least 1, got " + size);
            }
            if (freeze && vectors == null) {
                throw new TextclsException("embeddings.freeze (--freeze-embeddings) needs embeddings.vectors "
                        + "(--embeddings <vectors file>)");
            }
        }
    }

    /** The optimizer, schedule and stopping rule. */
    public record Training(
            @Doc(value = "Most passes over the training split.", flag = "epochs") int epochs,
            @Doc(value = "Stop after this many epochs without a better validation accuracy.", flag = "patience")
            int patience,
            @Doc(value = "Documents per training step.", flag = "batch-size") int batchSize,
            @Doc(value = "Adam step size (the schedule's start).", flag = "learning-rate") double learningRate,
            @Doc(value = "Learning-rate schedule over the most epochs: CONSTANT, LINEAR (down to zero at the last "
                    + "step) or STEP (halved every tenth).", flag = "lr-schedule") Optimization.Schedule schedule,
            @Doc(value = "Weight decay coefficient.", flag = "weight-decay") double weightDecay,
            @Doc(value = "Per-layer gradient L2 norm limit (0 = none).", flag = "clip") double clip,
            @Doc(value = "Minutes: do not start an epoch expected to end past this (0 = no limit).",
                    flag = "time-limit") double timeLimitMinutes,
            @Doc(value = "Least optimizer steps over the training split: a small split gets more epochs than "
                    + "training.epochs (at most 10 times as many; patience as many times more), so the schedule spans "
                    + "at least this many steps (0 = off; -1 = auto: " + AUTO_STEPS + ").", flag = "min-steps")
            Integer minSteps,
            @Doc(value = "Single-label data: weigh each label's documents in the loss by n / (labels x that label's "
                    + "count), so that a rare label counts as much as a common one (for macro-F1 on skewed labels).",
                    flag = "balance")
            Boolean balance) {
        /**
         * {@link #minSteps} auto's value, for single- and multi-label data alike (measured on SemEval's
         * tweets and on waimai's reviews, 2,000 to 9,600 of them: docs/results.md). IMDB's 22,500
         * training reviews take 1,408 steps in 4 epochs, so it changes nothing there.
         */
        public static final int AUTO_STEPS = 1000;
        /** The most times {@link #minSteps} multiplies the epochs (a tiny table gets no more). */
        public static final int MAX_STRETCH = 10;
        /** {@link #minSteps}: decided by the task. */
        public static final int AUTO_MIN_STEPS = -1;

        /** Without a least number of steps (recipes written before it existed read as 0: off). */
        public Training(int epochs, int patience, int batchSize, double learningRate, Optimization.Schedule schedule,
                        double weightDecay, double clip, double timeLimitMinutes) {
            this(epochs, patience, batchSize, learningRate, schedule, weightDecay, clip, timeLimitMinutes, 0, false);
        }

        /**
         * The epochs to train for {@code stepsPerEpoch} steps each: {@link #epochs}, or more where
         * {@link #minSteps} asks for more steps.
         */
        public int epochsFor(long stepsPerEpoch) {
            int least = minSteps == AUTO_MIN_STEPS ? AUTO_STEPS : minSteps;
            if (least <= 0 || stepsPerEpoch <= 0) {
                return epochs;
            }
            return (int) Math.max(epochs, Math.min((long) MAX_STRETCH * epochs, (least + stepsPerEpoch - 1) / stepsPerEpoch));
        }

        /** This training with another number of epochs. */
        public Training withEpochs(int e) {
            return new Training(e, patience, batchSize, learningRate, schedule, weightDecay, clip, timeLimitMinutes,
                    minSteps, balance);
        }

        /**
         * This training stretched to {@code e} epochs, as {@link #minSteps} stretches it: patience grows
         * by the same factor, so early stopping waits as many steps as it did.
         */
        public Training stretchedTo(int e) {
            int p = (int) Math.max(patience, Math.ceil((double) patience * e / epochs));
            return new Training(e, p, batchSize, learningRate, schedule, weightDecay, clip, timeLimitMinutes,
                    minSteps, balance);
        }

        public Training {
            minSteps = minSteps == null ? 0 : minSteps;
            balance = balance != null && balance;
            if (minSteps < AUTO_MIN_STEPS) {
                throw new TextclsException("training.minSteps (--min-steps) must be >= 0, or -1 for auto, got "
                        + minSteps);
            }
            if (epochs < 1 || patience < 1 || batchSize < 1) {
                throw new TextclsException("training.epochs (--epochs), training.patience (--patience) and "
                        + "training.batchSize (--batch-size) must be >= 1, got " + epochs + ", " + patience + " and "
                        + batchSize);
            }
            if (!(learningRate > 0)) {
                throw new TextclsException("training.learningRate (--learning-rate) must be > 0, got " + learningRate);
            }
            if (schedule == null) {
                throw new TextclsException("training.schedule (--lr-schedule) must be CONSTANT, LINEAR or STEP");
            }
            if (weightDecay < 0 || clip < 0) {
                throw new TextclsException("training.weightDecay (--weight-decay) and training.clip (--clip) must be "
                        + ">= 0, got " + weightDecay + " and " + clip);
            }
            if (timeLimitMinutes < 0) {
                throw new TextclsException("training.timeLimitMinutes (--time-limit) must be >= 0 minutes, got "
                        + timeLimitMinutes);
            }
        }
    }

    /** One network: a versioned architecture and its sizes. */
    public record Network(
            @Doc("Short name for logs, checkpoints and the model card; unique within the recipe.") String name,
            @Doc(value = "Versioned network architecture: lstm-last.v1, lstm-pool.v1, bilstm-pool.v1, cnn-pool.v1 or "
                    + "ngram-mean.v1 (the bag-of-n-grams baseline) or ngram-nb.v1 (naive-Bayes-weighted n-grams).",
                    flag = "architecture") String architecture,
            @Doc(value = "LSTM units (per direction for bilstm-pool.v1; filters for cnn-pool.v1; word-pair hash "
                    + "buckets for ngram-mean.v1, word pair and triple buckets for ngram-nb.v1; fewer "
                    + "with many labels: buckets x labels within 4,194,304, at least 65,536 buckets).", flag = "hidden-size")
            int hiddenSize,
            @Doc(value = "Stacked LSTM (or convolution) layers.", flag = "layers") int layers,
            @Doc(value = "For the *-pool architectures: max, mean or maxmean (both) over the real time steps; "
                    + "ignored by lstm-last.v1; always mean for ngram-mean.v1, sum for ngram-nb.v1.", flag = "pooling")
            String pooling,
            @Doc(value = "Drop rate on what the output layer and stacked layers read (none for ngram-nb.v1).", flag = "dropout")
            double dropout,
            @Doc(value = "Drop rate on the embeddings fed to the first layer.", flag = "embedding-dropout")
            double embeddingDropout,
            @Doc("This network's embedding width (0: embeddings.size); a width other than the vectors' needs "
                    + "pretrained false.") int embeddingSize,
            @Doc("Start this network's embedding from embeddings.vectors, when the recipe has them (false: random, "
                    + "e.g. for a small bag-of-n-grams member beside pretrained ones).") boolean pretrained) {
        public Network {
            if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")) {
                throw new TextclsException("networks[].name must be 1-40 letters, digits, '.', '_' or '-', got '"
                        + name + "'");
            }
            if (!Architectures.KNOWN.contains(architecture)) {
                throw new TextclsException("unknown architecture '" + architecture + "' (network '" + name
                        + "', --architecture): choose one of " + Architectures.KNOWN);
            }
            if (!Architectures.pools(architecture)) {
                pooling = null;
            } else if (Architectures.NGRAM_MEAN_V1.equals(architecture)) {
                pooling = NetworkSpec.MEAN; // the bag of n-grams is a mean, whatever a filled-in recipe says
            } else if (Architectures.NGRAM_NB_V1.equals(architecture)) {
                pooling = NetworkSpec.SUM;
                // no hidden layer for dropout to act on: --dropout on a recipe with such a member sets the others
                dropout = 0;
                embeddingDropout = 0;
            } else if (pooling == null) {
                pooling = NetworkSpec.MAX;
            }
            // The remaining checks (sizes, rates, pooling names) are NetworkSpec's: run them now, on
            // placeholder vocabulary and label counts, so a bad value fails before any data is read.
            if (embeddingSize < 0) {
                throw new TextclsException("network '" + name + "': embeddingSize must be >= 0 (0: the recipe's "
                        + "embeddings.size), got " + embeddingSize);
            }
            spec(name, architecture, 3, 1, hiddenSize, 2, dropout, embeddingDropout, layers, pooling);
        }

        /** The network's embedding width: its own, or the recipe's. */
        public int embeddingWidth(Embeddings embeddings) {
            return embeddingSize > 0 ? embeddingSize : embeddings.size();
        }

        /** Whether this network starts from the recipe's pretrained vectors. */
        public boolean usesVectors(Embeddings embeddings) {
            return pretrained && embeddings.vectors() != null && Architectures.takesVectors(architecture);
        }

        NetworkSpec spec(int vocabularySize, int numLabels, int embeddingSize, boolean multiLabel) {
            int size = Architectures.NGRAM_NB_V1.equals(architecture)
                    ? naiveBayesBuckets(hiddenSize, numLabels) : hiddenSize;
            return spec(name, architecture, vocabularySize, embeddingSize, size, numLabels, dropout,
                    embeddingDropout, layers, pooling);
        }

        /** Most weights in one of {@code ngram-nb.v1}'s per-label tables (buckets x labels), for its size in memory and on disk. */
        public static final int NAIVE_BAYES_MAX_CELLS = 1 << 22;
        /** The fewest buckets {@link #naiveBayesBuckets} shrinks to. */
        public static final int NAIVE_BAYES_MIN_BUCKETS = 1 << 16;

        /**
         * The hash buckets of a multi-label {@code ngram-nb.v1} network for {@code numLabels} labels:
         * {@code buckets}, or with many labels the largest power of two that keeps buckets x labels
         * within {@value #NAIVE_BAYES_MAX_CELLS}, but at least {@value #NAIVE_BAYES_MIN_BUCKETS}. Two
         * labels keep 2,097,152 buckets; 11 get 262,144, 20 get 131,072, 90 get 65,536. Single-label
         * and multi-label data alike: the member's size stays near 2 x 4,194,304 weights however many
         * labels there are (at 20 labels, 2,097,152 buckets made a 97 MB bundle).
         */
        public static int naiveBayesBuckets(int buckets, int numLabels) {
            if ((long) buckets * numLabels <= NAIVE_BAYES_MAX_CELLS) {
                return buckets;
            }
            int b = Integer.highestOneBit(Math.max(1, NAIVE_BAYES_MAX_CELLS / Math.max(1, numLabels)));
            return Math.min(buckets, Math.max(NAIVE_BAYES_MIN_BUCKETS, b));
        }

        private static NetworkSpec spec(String name, String architecture, int vocabularySize, int embeddingSize,
                                        int hiddenSize, int numLabels, double dropout, double embeddingDropout,
                                        int layers, String pooling) {
            try {
                return new NetworkSpec(architecture, vocabularySize, embeddingSize, hiddenSize, numLabels, dropout,
                        embeddingDropout, layers, pooling);
            } catch (TextclsException e) {
                throw new TextclsException("network '" + name + "': " + e.getMessage(), e);
            }
        }
    }

    /** {@link #task()}: decided from the data. */
    public static final String AUTO_TASK = "auto";
    /** {@link #task()}: one label per document. */
    public static final String SINGLE_LABEL = "single-label";
    /** {@link #task()}: a set of labels per document. */
    public static final String MULTI_LABEL = "multi-label";

    /** Whether the recipe is set to multi-label (after {@code auto} was resolved from the data). */
    public boolean multiLabel() {
        return MULTI_LABEL.equals(task);
    }

    /**
     * This recipe without what the data decides when training starts: the task (as {@code auto}),
     * where {@code training.minSteps} may stretch them, the epochs and patience, and the length cap
     * (short texts lower it). For checking a checkpoint before the corpus is read.
     */
    public Recipe beforeData() {
        Training t = training.minSteps() == 0 ? training
                : new Training(1, 1, training.batchSize(), training.learningRate(), training.schedule(),
                training.weightDecay(), training.clip(), training.timeLimitMinutes(), training.minSteps(),
                training.balance());
        Text anyLength = new Text(text.tokenizer(), text.lowercase(), text.stripHtml(), text.maxRunChars(), 1,
                text.truncation());
        return new Recipe(name, description, seed, AUTO_TASK, split, anyLength, vocabulary, embeddings, t,
                selfTraining, networks);
    }

    /** This recipe with another task. */
    public Recipe withTask(String newTask) {
        return new Recipe(name, description, seed, newTask, split, text, vocabulary, embeddings, training,
                selfTraining, networks);
    }

    public Recipe {
        task = task == null || task.isBlank() ? AUTO_TASK : task.trim();
        if (!task.equals(AUTO_TASK) && !task.equals(SINGLE_LABEL) && !task.equals(MULTI_LABEL)) {
            throw new TextclsException("task (--task) must be " + AUTO_TASK + ", " + SINGLE_LABEL + " or "
                    + MULTI_LABEL + ", got '" + task + "'");
        }
        if (split == null || text == null || vocabulary == null || embeddings == null || training == null) {
            throw new TextclsException("a recipe needs split, text, vocabulary, embeddings and training sections");
        }
        if (selfTraining == null) {
            selfTraining = new SelfTraining(SelfTraining.NONE, 0.9, 0);
        }
        networks = networks == null ? List.of() : List.copyOf(networks);
        if (networks.isEmpty()) {
            throw new TextclsException("a recipe needs at least one network (networks: [...])");
        }
        if (networks.size() > MAX_NETWORKS) {
            throw new TextclsException("a recipe has at most " + MAX_NETWORKS + " networks, got " + networks.size());
        }
        Set<String> names = new HashSet<>();
        for (Network n : networks) {
            if (!names.add(n.name())) {
                throw new TextclsException("two networks are named '" + n.name() + "': names must be unique");
            }
        }
    }

    /** Most networks in one recipe (and one ensemble bundle). */
    public static final int MAX_NETWORKS = 16;

    /** The network spec of one of the networks, for a vocabulary and label count. */
    public NetworkSpec networkSpec(Network network, int vocabularySize, int numLabels) {
        return network.spec(vocabularySize, numLabels, network.embeddingWidth(embeddings), multiLabel())
                .withMultiLabel(multiLabel());
    }

    /**
     * A network's optimizer settings, the learning-rate schedule spanning the most epochs of
     * {@code stepsPerEpoch}; only pretrained embeddings are frozen.
     */
    public Optimization optimization(Network network, long stepsPerEpoch) {
        return new Optimization(training.learningRate(), training.weightDecay(), training.clip(), seed,
                training.schedule(), stepsPerEpoch * training.epochs(),
                embeddings.freeze() && network.usesVectors(embeddings));
    }

    /**
     * The loss weight of each label for {@code training.balance}: n / (labels x count), from the
     * training split's label counts (a label without documents gets 1); null without balance.
     */
    public float[] labelWeights(int[] counts) {
        if (!training.balance()) {
            return null;
        }
        long n = 0;
        for (int c : counts) {
            n += c;
        }
        float[] w = new float[counts.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = counts[i] == 0 ? 1f : (float) ((double) n / ((double) counts.length * counts[i]));
        }
        return w;
    }

    /**
     * The recipe a self-training student trains with: {@code selfTraining.epochs} passes when set.
     */
    public Recipe student() {
        if (selfTraining.epochs() == 0 || selfTraining.epochs() == training.epochs()) {
            return this;
        }
        Training t = training.withEpochs(selfTraining.epochs());
        return new Recipe(name, description, seed, task, split, text, vocabulary, embeddings, t, selfTraining, networks);
    }

    /** This recipe with only one of its networks (what one network's training depends on). */
    public Recipe only(Network network) {
        return new Recipe(name, description, seed, task, split, text, vocabulary, embeddings, training, selfTraining,
                List.of(network));
    }

    /**
     * The fields that change trained weights: a resumed run must match them. The name,
     * description, patience and time limit do not; the most epochs count only when a
     * learning-rate schedule spans them.
     */
    public Recipe resultDefining() {
        Training t = new Training(training.schedule() == Optimization.Schedule.CONSTANT ? 1 : training.epochs(), 1,
                training.batchSize(), training.learningRate(), training.schedule(), training.weightDecay(),
                training.clip(), 0, training.minSteps(), training.balance());
        return new Recipe("", "", seed, task, split, text, vocabulary, embeddings, t, selfTraining, networks);
    }
}
