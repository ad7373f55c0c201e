package io.textcls.train;

import io.textcls.TextclsException;
import io.textcls.Versions;
import io.textcls.classifier.EnsembleWeights;
import io.textcls.classifier.EpochStats;
import io.textcls.classifier.ModelBundle;
import io.textcls.classifier.ModelCard;
import io.textcls.classifier.Prediction;
import io.textcls.classifier.Temperature;
import io.textcls.classifier.TextClassifier;
import io.textcls.corpus.CorpusScripts;
import io.textcls.corpus.LabeledText;
import io.textcls.corpus.TableColumns;
import io.textcls.corpus.TableCorpus;
import io.textcls.corpus.TokenizedDocument;
import io.textcls.embed.WordVectors;
import io.textcls.metrics.EvaluationReport;
import io.textcls.model.Architectures;
import io.textcls.model.NetworkSpec;
import io.textcls.model.dl4j.Networks;
import io.textcls.model.kernel.RecurrentKernels;
import io.textcls.recipe.Recipe;
import io.textcls.recipe.Recipes;
import io.textcls.text.Scripts;
import io.textcls.text.TextPipeline;
import io.textcls.util.OutputLocations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Trains a recipe on a labeled folder tree and saves one bundle: the Java API of {@code textcls
 * train}.
 *
 * <pre>{@code
 * Recipe r = Recipes.load("imdb-default");            // or a recipe file
 * TextClassifier c = Trainer.train(r, Path.of("data/aclImdb/train"), Path.of("models/imdb.zip"));
 * }</pre>
 *
 * <p>Flow: read the corpus once, split it and build the vocabulary ({@link TrainingData}), train
 * each network of the recipe on it ({@link NetworkTrainer}; side by side, one per core, where the
 * machine has the cores), then combine the networks into one classifier (an ensemble when there
 * are several: the weighted mean of their probabilities, with weights fitted on the validation
 * split and measured there by cross-fitting, {@link EnsembleWeights}), score it on the validation split, fit a
 * temperature on that split ({@link Temperature}: calibrated probabilities, the same labels), and write the
 * bundle with the resolved recipe and a model card. With self-training ({@link Recipe.SelfTraining}:
 * an unlabeled folder), the networks are first trained as a teacher, label the unlabeled documents
 * they are sure of ({@link PseudoLabels}), and the bundle holds the same networks trained again on
 * the labeled split plus those. Each network checkpoints after every epoch in
 * {@code <bundle>.ckpt/<network>/}; a killed run resumed with {@link Options#resume} ends with the
 * same weights as one that never stopped.
 */
public final class Trainer {
    static final int SELF_TEST_DOCS = 3;
    static final int SELF_TEST_MAX_CHARS = 2000;

    /** Receives a line of human-readable progress (the corpus report, epoch summaries). Thread-safe. */
    public interface Listener {
        void info(String line);
    }

    /**
     * How to run (nothing here changes the trained weights).
     *
     * @param resume continue the run whose checkpoints are in {@code <bundle>.ckpt/}
     * @param threads threads for reading and tokenizing
     * @param parallel most networks trained at once (each on its own thread); {@link #AUTO}: as
     *     many as there are cores, or one at a time on all cores, whichever a short measurement finds faster
     * @param listener where progress lines go
     * @param columns which columns of a table corpus hold what (folder trees ignore them)
     * @param skipBadRows skip a table's bad rows (listed in {@code <bundle>.skipped.csv}) instead of
     *     failing on the first
     */
    public record Options(boolean resume, int threads, int parallel, Listener listener, TableColumns columns,
                          boolean skipBadRows) {
        /** {@code parallel}: decided by measurement. */
        public static final int AUTO = 0;

        public Options {
            if (threads < 1 || parallel < 0) {
                throw new TextclsException("--threads must be >= 1 and --parallel >= 1 (or auto), got " + threads
                        + " and " + parallel);
            }
            listener = listener == null ? line -> { } : listener;
            columns = columns == null ? TableColumns.defaults() : columns;
        }

        public Options(boolean resume, int threads, int parallel, Listener listener) {
            this(resume, threads, parallel, listener, null, false);
        }

        /** No resume, two reading threads, one network per core, no progress lines. */
        public static Options defaults() {
            int cores = Runtime.getRuntime().availableProcessors();
            return new Options(false, Math.min(2, cores), cores, null);
        }

        public Options withListener(Listener l) {
            return new Options(resume, threads, parallel, l, columns, skipBadRows);
        }

        public Options withResume(boolean r) {
            return new Options(r, threads, parallel, listener, columns, skipBadRows);
        }

        /** How a table corpus is read: its columns, and whether bad rows are skipped. */
        public Options withTable(TableColumns c, boolean skip) {
            return new Options(resume, threads, parallel, listener, c, skip);
        }
    }

    private Trainer() {
    }

    /**
     * Trains {@code recipe} on {@code corpus} ({@code <corpus>/<label>/*.txt}, or a CSV, TSV or
     * JSONL table with {@code text} and {@code label} or {@code labels} columns), saves the bundle
     * and returns it.
     */
    public static TextClassifier train(Recipe recipe, Path corpus, Path bundle) throws IOException {
        return run(recipe, corpus, bundle, Options.defaults()).classifier();
    }

    /**
     * Trains on documents held in memory: each with its text and labels (one label each, or label
     * sets for multi-label data; {@code task} auto tells them apart as it does for tables). They are
     * written to {@code <bundle>.data.jsonl} while training runs (a table {@link TableCorpus} reads,
     * which the model card names) and that file is removed afterwards.
     */
    public static TrainingResult run(Recipe recipe, List<LabeledText> documents, Path bundle, Options options)
            throws IOException {
        Path table = bundle.resolveSibling(bundle.getFileName() + ".data.jsonl");
        OutputLocations.checkWritable(bundle, "the classifier bundle", "--model");
        LabeledText.writeJsonl(documents, table);
        try {
            // A separator no label holds: a label with '|' in it stays one label.
            TableColumns columns = new TableColumns(TableColumns.TEXT, null, null, "id", null, "\u0000");
            return run(recipe, table, bundle, options.withTable(columns, false));
        } finally {
            Files.deleteIfExists(table);
        }
    }

    /** As {@link #train(Recipe, Path, Path)}, with run options, returning everything the run measured. */
    public static TrainingResult run(Recipe recipe, Path corpus, Path bundle, Options options) throws IOException {
        long start = System.nanoTime();
        OutputLocations.checkWritable(bundle, "the classifier bundle", "--model");
        warnIfOpenMpSpins();
        Listener listener = synchronizedListener(options.listener());
        Recipe resolved = chooseTokenizer(resolve(recipe), corpus, options.columns(), listener);
        Path ckptRoot = Checkpoint.root(bundle);
        if (Files.exists(ckptRoot.resolve(Checkpoint.STATE))) {
            throw new TextclsException(ckptRoot + " holds a checkpoint of an older textcls (one network, not one folder "
                    + "per network), which this one cannot resume: delete " + ckptRoot + " to start again");
        }
        List<Recipe.Network> networks = resolved.networks();
        Path unlabeled = resolved.selfTraining().folder(corpus);
        Recipe trained = unlabeled == null ? resolved : resolved.student();
        // Checkpoints are checked before the corpus is read: a wrong --resume fails at once.
        List<Checkpoint.State> priors = new ArrayList<>();
        List<NetworkTrainer> trainers = new ArrayList<>();
        List<Checkpoint.State> teacherPriors = new ArrayList<>();
        List<NetworkTrainer> teachers = new ArrayList<>();
        for (Recipe.Network n : networks) {
            NetworkTrainer nt = new NetworkTrainer(trained, n, ckptRoot.resolve(n.name()), listener);
            trainers.add(nt);
            priors.add(nt.startState(options.resume(), true));
            if (unlabeled != null) {
                NetworkTrainer t = new NetworkTrainer(resolved, n, ckptRoot.resolve(TEACHER).resolve(n.name()),
                        line -> listener.info("teacher " + line));
                teachers.add(t);
                teacherPriors.add(t.startState(options.resume(), true));
            }
        }
        if (options.resume() && priors.stream().allMatch(p -> p == null)
                && teacherPriors.stream().allMatch(p -> p == null)) {
            listener.info("no checkpoint in " + ckptRoot + ": starting a new run");
        }
        TrainingData data = TrainingData.prepare(corpus, resolved,
                new TrainingData.Reading(options.columns(), options.skipBadRows()), options.threads(), listener);
        if (!data.skippedRows().isEmpty()) {
            Path list = skippedRowsFile(bundle);
            TableCorpus.writeSkipped(list, data.skippedRows());
            listener.info(String.format("%,d skipped rows are listed in %s", data.skippedRows().size(), list));
        }
        // Decided by the data (the task, the epochs a small split needs): the bundle's recipe says what was chosen,
        // and checkpoints are checked against it now in full.
        resolved = adapt(resolved, data, listener);
        trained = unlabeled == null ? resolved : resolved.student();
        for (int i = 0; i < networks.size(); i++) {
            NetworkTrainer nt = new NetworkTrainer(trained, networks.get(i), ckptRoot.resolve(networks.get(i).name()),
                    listener);
            trainers.set(i, nt);
            priors.set(i, nt.startState(options.resume()));
            if (unlabeled != null) {
                NetworkTrainer t = new NetworkTrainer(resolved, networks.get(i),
                        ckptRoot.resolve(TEACHER).resolve(networks.get(i).name()), line -> listener.info("teacher " + line));
                teachers.set(i, t);
                teacherPriors.set(i, t.startState(options.resume()));
            }
        }
        if (data.multiLabel() && unlabeled != null) {
            throw new TextclsException("self-training (selfTraining.unlabeled " + unlabeled + ") is for single-label "
                    + "data; " + corpus + " is multi-label: pass --unlabeled none");
        }
        for (int i = 0; i < teachers.size(); i++) {
            teachers.get(i).checkData(teacherPriors.get(i), data);
        }
        Supplier<float[][]> vectors = embeddings(resolved, data, listener);

        int parallel = options.parallel() == Options.AUTO ? measuredParallel(resolved, data, listener) : options.parallel();
        ModelCard.SelfTraining selfTraining = null;
        if (unlabeled != null) {
            listener.info("self-training: the teacher (the recipe's networks on the labeled split) labels the documents "
                    + "of " + unlabeled + " it is sure of; the student then trains on both");
            List<NetworkTrainer.Result> taught = trainAll(teachers, data, teacherPriors, vectors, parallel, listener);
            TextClassifier teacher = new TextClassifier(contents(data, resolved, taught));
            EvaluationReport teacherValidation = EvaluationReport.of(data.labels().names(), data.validationLabels(),
                    validationProbabilities(teacher, data));
            listener.info(String.format("teacher: validation accuracy %.4f, log loss %.4f", teacherValidation.accuracy(),
                    teacherValidation.logLoss()));
            double fraction = unlabeledFraction(resolved, corpus);
            if (fraction < 1) {
                listener.info(String.format("split.sample %d: self-training reads the same share, %.1f %%, of the "
                        + "unlabeled documents", resolved.split().sample(), 100 * fraction));
            }
            PseudoLabels pseudo = PseudoLabels.choose(unlabeled, data, teacher, resolved.selfTraining().threshold(),
                    options.threads(), fraction, resolved.seed());
            listener.info(String.format("pseudo-labels: %,d of %,d unlabeled documents at probability >= %.2f; %,d "
                            + "kept to hold each label's share (%s); the student trains on %,d documents",
                    pseudo.confident(), pseudo.read(), resolved.selfTraining().threshold(), pseudo.size(),
                    perLabel(data, pseudo.perLabel()), data.train().size() + pseudo.size()));
            selfTraining = selfTrainingCard(unlabeled, resolved.selfTraining(), pseudo, data, taught, teacherValidation);
            data = data.withPseudoLabeled(pseudo);
        }
        for (int i = 0; i < networks.size(); i++) {
            trainers.get(i).checkData(priors.get(i), data);
        }
        List<NetworkTrainer.Result> results = trainAll(trainers, data, priors, vectors, parallel, listener);

        if (data.multiLabel()) {
            return finishMultiLabel(data, trained, results, bundle, ckptRoot, start, listener);
        }
        TextClassifier classifier = new TextClassifier(contents(data, trained, results));
        // Each network scores the validation split once: the equal mean and the weights are both made from these.
        float[][][] memberProbs = classifier.steps().memberProbabilities(validationDocuments(data));
        float[][] validationProbs = EnsembleWeights.mix(memberProbs, null);
        EvaluationReport validation = results.size() == 1 ? results.get(0).validation()
                : EvaluationReport.of(data.labels().names(), data.validationLabels(), validationProbs);
        ModelCard.EnsembleFit mixing = null;
        if (results.size() > 1) {
            listener.info(String.format("ensemble of %d networks, equal weights: validation accuracy %.4f, log loss %.4f",
                    results.size(), validation.accuracy(), validation.logLoss()));
            Mixed mixed = fitWeights(classifier, data, memberProbs, validation, listener);
            classifier = mixed.classifier();
            validation = mixed.validation();
            validationProbs = mixed.fittedProbabilities();
            mixing = mixed.card();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        ModelCard card = card(trained, data, results, validation, selfTest(classifier, data), seconds, selfTraining,
                mixing);
        Temperature temperature = Temperature.fit(data.validationLabels(), validationProbs,
                "validation split: " + data.splitDescription());
        listener.info(String.format("temperature %.3f fitted on the validation split: log loss %.4f -> %.4f, "
                + "expected calibration error %.4f -> %.4f", temperature.temperature(), temperature.logLossBefore(),
                temperature.logLossAfter(), temperature.eceBefore(), temperature.eceAfter()));
        TextClassifier saved = classifier.withCard(card).withTemperature(temperature);
        saved.save(bundle);
        // The bundle is written: every network's checkpoint, and any left by networks no longer in the recipe, go.
        Checkpoint.deleteTree(ckptRoot);
        seconds = (System.nanoTime() - start) / 1e9;
        listener.info(String.format("saved %s: %d network(s), validation accuracy %.4f; %.1f min in all", bundle,
                results.size(), validation.accuracy(), seconds / 60));
        return new TrainingResult(bundle, saved, results.stream().map(Trainer::summary).toList(), validation, seconds,
                data.report());
    }

    /**
     * The recipe as the data decides it, each choice said: the task ({@code auto}: multi-label when
     * the documents carry label sets), the length cap ({@code text.maxLength} auto: {@link TrainingData#fittedLength})
     * and the epochs ({@code training.minSteps}: a small training
     * split gets enough epochs for the schedule to span that many steps).
     */
    static Recipe adapt(Recipe recipe, TrainingData data, Listener listener) {
        Recipe r = recipe;
        String task = data.multiLabel() ? Recipe.MULTI_LABEL : Recipe.SINGLE_LABEL;
        if (!task.equals(r.task())) {
            if (!Recipe.AUTO_TASK.equals(r.task())) {
                throw new TextclsException("task " + r.task() + " was asked for, but the data is " + task);
            }
            r = r.withTask(task);
            listener.info("task: " + task + " (decided by the data; --task sets it)");
        }
        if (data.multiLabel() && r.training().balance()) {
            throw new TextclsException("training.balance (--balance) weighs single-label data's labels; this data is "
                    + "multi-label, where each label's threshold is fitted for its F1 already: leave --balance out");
        }
        if (data.sequenceSettings().maxLength() != r.text().maxLength()) { // auto: said when read
            r = Recipes.with(r, "text.maxLength", String.valueOf(data.sequenceSettings().maxLength()));
        }
        Recipe.Training t = r.training();
        long stepsPerEpoch = (data.trainSequences().size() + t.batchSize() - 1) / t.batchSize();
        int epochs = t.epochsFor(stepsPerEpoch);
        if (epochs != t.epochs()) {
            Recipe.Training stretched = t.stretchedTo(epochs);
            r = Recipes.with(Recipes.with(r, "training.epochs", String.valueOf(epochs)), "training.patience",
                    String.valueOf(stretched.patience()));
            listener.info(String.format("training.minSteps %s: %d epochs instead of %d, patience %d (%,d steps of %d "
                            + "documents per epoch; %,d in all)", t.minSteps() == Recipe.Training.AUTO_MIN_STEPS
                            ? "auto (" + Recipe.Training.AUTO_STEPS + ")"
                            : String.valueOf(t.minSteps()), epochs, t.epochs(), stretched.patience(), stepsPerEpoch,
                    t.batchSize(), stepsPerEpoch * epochs));
        }
        return r;
    }

    /**
     * The recipe with its tokenizer chosen: {@code auto} becomes the tokenizer the corpus's scripts
     * call for ({@link Scripts#choose}), counted on a sample of its raw texts, and the choice is said.
     * A named tokenizer is checked (known, and its library's version the one on the classpath).
     */
    public static Recipe chooseTokenizer(Recipe recipe, Path corpus, TableColumns columns, Listener listener) {
        if (!recipe.text().autoTokenizer()) {
            new TextPipeline(recipe.text().pipeline()); // fails now on an unknown tokenizer, before any reading
            return recipe;
        }
        Scripts scripts = CorpusScripts.sample(corpus, columns);
        Scripts.Choice choice = scripts.choose();
        listener.info(String.format("tokenizer: %s (auto, from %,d sampled documents; scripts %s: %s; --tokenizer "
                + "sets it)", choice.tokenizer(), scripts.documents(), scripts.toText(), choice.reason()));
        return Recipes.with(recipe, "text.tokenizer", choice.tokenizer());
    }

    /**
     * The share of the unlabeled documents self-training reads: all, or with {@code split.sample}
     * the share of the labeled documents the sample kept (a quick run stays quick).
     */
    static double unlabeledFraction(Recipe recipe, Path corpus) {
        if (recipe.split().sample() <= 0 || io.textcls.corpus.TableCorpus.isTable(corpus)) {
            return 1;
        }
        io.textcls.corpus.FolderCorpus all = io.textcls.corpus.FolderCorpus.scan(corpus, recipe.split().labels());
        int total = all.entries().size();
        int kept = all.sample(recipe.split().sample(), recipe.seed()).entries().size();
        return total == 0 ? 1 : Math.min(1, (double) kept / total);
    }

    /** Where the rows a table's reading skipped are listed: {@code <bundle>.skipped.csv}. */
    public static Path skippedRowsFile(Path bundle) {
        return bundle.resolveSibling(bundle.getFileName() + ".skipped.csv");
    }

    /**
     * A multi-label classifier's last steps: the networks' weights, per-label thresholds and
     * at-least-one rule fitted on the validation split ({@link MultiLabelFitting}, figures
     * cross-fitted), no temperature (each label's probability is its own sigmoid's), the card, the
     * bundle.
     */
    private static TrainingResult finishMultiLabel(TrainingData data, Recipe trained, List<NetworkTrainer.Result> results,
                                                   Path bundle, Path ckptRoot, long start, Listener listener)
            throws IOException {
        TextClassifier networks = new TextClassifier(contents(data, trained, results));
        float[][][] memberProbs = networks.steps().memberProbabilities(validationDocuments(data));
        List<String> names = networks.members().stream().map(ModelBundle.Member::name).toList();
        MultiLabelFitting.Result fit = MultiLabelFitting.fit(names, data.labels().names(),
                data.validation().stream().map(TokenizedDocument::id).toList(), data.validationLabelSets(), memberProbs,
                "validation split: " + data.splitDescription());
        // Per-label temperatures: each label's reported probability calibrated on the same documents (labels unchanged).
        double[] temperatures = io.textcls.metrics.Calibration.fitLabelTemperatures(data.validationLabelSets(),
                fit.probabilities(), data.labels().size(), MultiLabelFitting.MIN_POSITIVES);
        TextClassifier classifier = networks.withWeights(fit.weights()).withDecision(fit.decision()
                .withTemperatures(temperatures, "validation split: " + data.splitDescription()));
        listener.info(String.format("per-label temperatures fitted on the validation split (%s): mean binary log loss "
                        + "%.4f -> %.4f", temperatureRange(temperatures),
                io.textcls.metrics.Calibration.multiLabelLogLoss(data.validationLabelSets(), fit.probabilities(), null),
                io.textcls.metrics.Calibration.multiLabelLogLoss(data.validationLabelSets(), fit.probabilities(),
                        temperatures)));
        EvaluationReport validation = fit.crossFitted();
        listener.info(String.format("multi-label decision fitted on the validation split%s: per-label thresholds "
                        + "(%d labels with at least %d documents each, a shared one for the rest), %s; validation "
                        + "micro-F1 %.4f, macro-F1 %.4f, measured on documents they were not fitted on (%d-fold "
                        + "cross-fitting; %.4f on the documents they were fitted on)",
                fit.weights() == null ? "" : " with ensemble weights " + fit.weights(),
                countAtLeast(data.validationLabelSets(), data.labels().size(), MultiLabelFitting.MIN_POSITIVES),
                MultiLabelFitting.MIN_POSITIVES, fit.decision().atLeastOne() ? "at least one label per document"
                        : "no label when none reaches its threshold", validation.microF1(), validation.macroF1(),
                EnsembleWeights.FOLDS, fit.fitted().microF1()));
        ModelCard.EnsembleFit mixing = ModelCard.EnsembleFit.multiLabel(
                fit.weights() == null ? null : weightsByName(names, fit.weights()), EnsembleWeights.FOLDS,
                fit.decision().atLeastOne(), validation.microF1(), validation.macroF1(), fit.fitted().microF1());
        double seconds = (System.nanoTime() - start) / 1e9;
        // The self-test records the networks' own probabilities, as for single-label classifiers.
        ModelCard card = card(trained, data, results, validation, selfTest(classifier.uncalibrated(), data), seconds,
                null, mixing);
        TextClassifier saved = classifier.withCard(card);
        saved.save(bundle);
        Checkpoint.deleteTree(ckptRoot);
        seconds = (System.nanoTime() - start) / 1e9;
        listener.info(String.format("saved %s: %d network(s), multi-label over %d labels, validation micro-F1 %.4f, "
                + "macro-F1 %.4f; %.1f min in all", bundle, results.size(), data.labels().size(), validation.microF1(),
                validation.macroF1(), seconds / 60));
        return new TrainingResult(bundle, saved, results.stream().map(Trainer::summary).toList(), validation, seconds,
                data.report());
    }

    /** The range of per-label temperatures, for the log. */
    static String temperatureRange(double[] t) {
        double lo = java.util.Arrays.stream(t).min().orElse(1), hi = java.util.Arrays.stream(t).max().orElse(1);
        long fitted = java.util.Arrays.stream(t).filter(x -> x != 1).count();
        return String.format("%d of %d labels, %.3f to %.3f", fitted, t.length, lo, hi);
    }

    private static int countAtLeast(int[][] sets, int numLabels, int min) {
        int[] n = new int[numLabels];
        for (int[] s : sets) {
            for (int l : s) {
                n[l]++;
            }
        }
        return (int) java.util.Arrays.stream(n).filter(c -> c >= min).count();
    }

    /**
     * One training pass of a new network of the recipe over {@code seqs}, as {@code train} runs it,
     * its schedule spanning the recipe's epochs (validation fields NaN): what the choice of how many
     * networks train at once measures, and {@link TrainingBenchmarks} times.
     */
    static EpochStats timeEpoch(Recipe recipe, Recipe.Network n, List<int[]> seqs, int[] labels, int vocabularySize,
                                int numLabels) {
        return timeEpoch(recipe, n, seqs, labels, null, vocabularySize, numLabels);
    }

    /** As above, for multi-label documents ({@code labelSets}: each document's labels). */
    static EpochStats timeEpoch(Recipe recipe, Recipe.Network n, List<int[]> seqs, int[][] labelSets,
                                int vocabularySize, int numLabels) {
        return timeEpoch(recipe, n, seqs, new int[seqs.size()], labelSets, vocabularySize, numLabels);
    }

    private static EpochStats timeEpoch(Recipe recipe, Recipe.Network n, List<int[]> seqs, int[] labels,
                                        int[][] labelSets, int vocabularySize, int numLabels) {
        long steps = (seqs.size() + recipe.training().batchSize() - 1) / recipe.training().batchSize();
        NetworkSpec spec = recipe.networkSpec(n, vocabularySize, numLabels);
        MultiLayerNetwork net = Networks.build(spec, recipe.optimization(n, Math.max(1, steps)));
        List<int[]> inputs = Architectures.inputIds(spec, seqs);
        int[] lengths = inputs.stream().mapToInt(s -> s.length).toArray();
        return NetworkTrainer.runEpoch(net, 1, recipe, n, inputs, labels, labelSets, lengths, numLabels);
    }

    /**
     * How many networks to train at once, by measurement: each network's epoch over a sample of
     * the training set, alone on every core and then all side by side on a share of the cores each
     * (after a warm-up pass). Side by side wins where its slowest network beats the sum of the
     * networks one after another. One network, or one core: no choice to make.
     */
    static int measuredParallel(Recipe recipe, TrainingData data, Listener listener) {
        int cores = Runtime.getRuntime().availableProcessors();
        List<Recipe.Network> nets = recipe.networks();
        int n = nets.size();
        if (n < 2 || cores < 2) {
            return Math.max(1, Math.min(n, cores));
        }
        int sample = Math.min(data.trainSequences().size(), 3 * recipe.training().batchSize());
        List<int[]> seqs = data.trainSequences().subList(0, sample);
        int[] labels = java.util.Arrays.copyOf(data.trainLabels(), sample);
        int[][] sets = data.multiLabel() ? java.util.Arrays.copyOf(data.trainLabelSets(), sample) : null;
        int vocab = data.vocabulary().size(), k = data.labels().size();
        java.util.function.Function<Recipe.Network, EpochStats> time = net -> sets == null
                ? timeEpoch(recipe, net, seqs, labels, vocab, k) : timeEpoch(recipe, net, seqs, sets, vocab, k);
        int before = RecurrentKernels.threads();
        try {
            RecurrentKernels.setThreadsUnlessFixed(1);
            for (Recipe.Network net : nets) {
                time.apply(net); // warm-up: compile the kernels
            }
            RecurrentKernels.setThreadsUnlessFixed(cores);
            double alone = 0;
            for (Recipe.Network net : nets) {
                alone += time.apply(net).seconds();
            }
            int together = Math.min(n, cores);
            RecurrentKernels.setThreadsUnlessFixed(Math.max(1, cores / together));
            ExecutorService pool = Executors.newFixedThreadPool(together);
            double side = 0;
            try {
                List<Future<EpochStats>> fs = new ArrayList<>();
                for (Recipe.Network net : nets) {
                    fs.add(pool.submit(() -> time.apply(net)));
                }
                for (Future<EpochStats> f : fs) {
                    side = Math.max(side, f.get().seconds());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return together;
            } catch (ExecutionException e) {
                throw new TextclsException("measuring how to train the networks failed: " + e.getCause(), e.getCause());
            } finally {
                pool.shutdownNow();
            }
            // side by side, the slowest network sets the pace (n > cores: a rough estimate)
            double sideTotal = side * Math.ceil((double) n / together);
            int choice = sideTotal < alone ? together : 1;
            listener.info(String.format("networks on %d cores, measured on %d training documents, one at a time on all "
                    + "cores %.2f s, %d side by side %.2f s: %s", cores, sample, alone, together, sideTotal,
                    choice == 1 ? "one at a time" : "side by side"));
            return choice;
        } finally {
            RecurrentKernels.setThreadsUnlessFixed(before);
        }
    }

    /** The vectors path made absolute and the embedding width taken from the vectors. */
    static Recipe resolve(Recipe recipe) {
        String vectors = recipe.embeddings().vectors();
        if (vectors == null) {
            return recipe;
        }
        Path file = Path.of(vectors).toAbsolutePath().normalize();
        int dim = WordVectors.readDimension(file);
        for (Recipe.Network n : recipe.networks()) {
            if (n.pretrained() && n.embeddingSize() > 0 && n.embeddingSize() != dim) {
                throw new TextclsException("network '" + n.name() + "' has embeddingSize " + n.embeddingSize()
                        + " but starts from the " + dim + "-dimensional vectors in " + file + "; set its embeddingSize "
                        + "to 0 (follow the vectors) or its pretrained to false");
            }
        }
        Recipe r = Recipes.with(recipe, "embeddings.vectors", file.toString());
        return dim == recipe.embeddings().size() ? r : Recipes.with(r, "embeddings.size", String.valueOf(dim));
    }

    private static Supplier<float[][]> embeddings(Recipe recipe, TrainingData data, Listener listener) {
        if (recipe.embeddings().vectors() == null) {
            return () -> null;
        }
        float[][][] rows = new float[1][][];
        return () -> {
            synchronized (rows) {
                if (rows[0] == null) {
                    Path file = Path.of(recipe.embeddings().vectors());
                    WordVectors v = WordVectors.read(file, new HashSet<>(data.vocabulary().tokens()));
                    rows[0] = v.rows(data.vocabulary().tokens());
                }
                return rows[0];
            }
        };
    }

    private static List<NetworkTrainer.Result> trainAll(List<NetworkTrainer> trainers, TrainingData data,
                                                        List<Checkpoint.State> priors, Supplier<float[][]> vectors,
                                                        int parallel, Listener listener)
            throws IOException {
        int n = trainers.size();
        int threads = Math.min(parallel, n);
        // Each network's recurrent layers split their batch rows over its share of the cores.
        RecurrentKernels.setThreadsUnlessFixed(Math.max(1, Runtime.getRuntime().availableProcessors() / threads));
        listener.info("LSTM arithmetic: " + RecurrentKernels.lstmKernelName() + ", " + RecurrentKernels.threads()
                + " thread(s) per network");
        if (threads <= 1) {
            List<NetworkTrainer.Result> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(trainers.get(i).train(data, priors.get(i), vectors));
            }
            return out;
        }
        listener.info(String.format("training %d networks, %d at a time, each on its own thread", n, threads));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "textcls-train");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<NetworkTrainer.Result>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    try {
                        return trainers.get(k).train(data, priors.get(k), vectors);
                    } catch (IOException | RuntimeException | Error e) {
                        // Said at once: the other networks go on to their end (each checkpoints), then this is thrown.
                        listener.info("[" + trainers.get(k).name() + "] failed: " + e.getMessage() + "; the other "
                                + "networks go on, and a rerun with --resume continues from the checkpoints");
                        throw e;
                    }
                }));
            }
            List<NetworkTrainer.Result> out = new ArrayList<>();
            Throwable failure = null;
            for (Future<NetworkTrainer.Result> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    failure = failure == null ? e.getCause() : failure;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TextclsException("interrupted while training", e);
                }
            }
            if (failure instanceof IOException io) {
                throw io;
            } else if (failure instanceof RuntimeException re) {
                throw re;
            } else if (failure instanceof Error err) {
                throw err;
            } else if (failure != null) {
                throw new TextclsException("training failed: " + failure, failure);
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Where a self-training teacher's networks checkpoint, under the bundle's checkpoint folder. */
    static final String TEACHER = "teacher";

    private static ModelBundle.Contents contents(TrainingData data, Recipe recipe, List<NetworkTrainer.Result> results) {
        List<ModelBundle.Member> members = results.stream()
                .map(r -> new ModelBundle.Member(r.name(), r.spec(), r.weights())).toList();
        ModelBundle.PipelineEntry pipeline = new ModelBundle.PipelineEntry(data.textSettings(), data.sequenceSettings());
        ModelBundle.Contents c = new ModelBundle.Contents(data.labels(), data.vocabulary(), pipeline, recipe, null,
                members, null, null, data.multiLabel()
                        ? io.textcls.classifier.MultiLabelDecision.constant(data.labels().names(), 0.5f, false) : null);
        return c;
    }

    private static String perLabel(TrainingData data, int[] counts) {
        List<String> out = new ArrayList<>();
        for (int l = 0; l < counts.length; l++) {
            out.add(data.labels().names().get(l) + " " + String.format("%,d", counts[l]));
        }
        return String.join(", ", out);
    }

    /** What the model card says of a self-trained classifier's teacher and pseudo-labels. */
    private static ModelCard.SelfTraining selfTrainingCard(Path unlabeled, Recipe.SelfTraining settings,
                                                           PseudoLabels pseudo, TrainingData data,
                                                           List<NetworkTrainer.Result> teacher,
                                                           EvaluationReport teacherValidation) {
        Map<String, Integer> perLabel = new LinkedHashMap<>();
        for (int l = 0; l < pseudo.perLabel().length; l++) {
            perLabel.put(data.labels().names().get(l), pseudo.perLabel()[l]);
        }
        List<ModelCard.TeacherNetwork> nets = new ArrayList<>();
        for (NetworkTrainer.Result r : teacher) {
            nets.add(new ModelCard.TeacherNetwork(r.name(), r.bestEpoch(), r.validation().accuracy(), r.seconds()));
        }
        return new ModelCard.SelfTraining(unlabeled.toAbsolutePath().normalize().toString(), settings.threshold(),
                pseudo.read(), pseudo.confident(), pseudo.size(), perLabel, data.train().size(),
                teacherValidation.accuracy(), teacherValidation.logLoss(), nets);
    }

    /** The classifier's probabilities on the validation split, through the same path as serving. */
    private static List<TextClassifier.EncodedText> validationDocuments(TrainingData data) {
        List<TextClassifier.EncodedText> docs = new ArrayList<>();
        for (int i = 0; i < data.validation().size(); i++) {
            int tokens = data.validation().get(i).tokens().length;
            int[] ids = data.validationSequences().get(i);
            docs.add(new TextClassifier.EncodedText(ids, tokens, tokens > ids.length));
        }
        return docs;
    }

    private static float[][] validationProbabilities(TextClassifier classifier, TrainingData data) {
        List<TextClassifier.EncodedText> docs = validationDocuments(data);
        List<Prediction> preds = classifier.steps().predict(docs);
        float[][] probs = new float[preds.size()][];
        for (int i = 0; i < probs.length; i++) {
            probs[i] = preds.get(i).probs();
        }
        return probs;
    }

    /** The first few validation documents with the probabilities this process gives them. */
    private static List<ModelCard.SelfTestCase> selfTest(TextClassifier classifier, TrainingData data)
            throws IOException {
        List<String> texts = new ArrayList<>();
        List<String> ids = data.validation().stream().limit(SELF_TEST_DOCS).map(TokenizedDocument::id).toList();
        for (String text : data.validationTexts(ids).values()) {
            texts.add(text.length() > SELF_TEST_MAX_CHARS ? text.substring(0, SELF_TEST_MAX_CHARS) : text);
        }
        List<Prediction> preds = classifier.classifyAll(texts);
        List<ModelCard.SelfTestCase> cases = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            cases.add(new ModelCard.SelfTestCase(ids.get(i), texts.get(i), preds.get(i).probs()));
        }
        return cases;
    }

    /**
     * An ensemble with its weights fitted on the validation split.
     *
     * @param validation the validation scores of the weights fitted by cross-fitting: each
     *     document scored with weights fitted on the other folds (the figure that is reported)
     * @param fittedProbabilities the validation documents' probabilities with the stored weights
     */
    private record Mixed(TextClassifier classifier, EvaluationReport validation, float[][] fittedProbabilities,
                         ModelCard.EnsembleFit card) {
    }

    /**
     * Fits the ensemble's weights on the validation split ({@link EnsembleWeights}): the weights
     * stored are fitted on all of it; the validation scores reported are those of
     * {@value EnsembleWeights#FOLDS}-fold cross-fitting, so they are measured on documents the weights
     * were not fitted on.
     */
    private static Mixed fitWeights(TextClassifier equal, TrainingData data, float[][][] members,
                                    EvaluationReport equalValidation, Listener listener) {
        List<String> names = equal.members().stream().map(ModelBundle.Member::name).toList();
        int[] truth = data.validationLabels();
        EnsembleWeights.Fitted f = EnsembleWeights.fitAndMeasure(names,
                data.validation().stream().map(TokenizedDocument::id).toList(), truth, members,
                "validation split: " + data.splitDescription());
        EnsembleWeights w = f.weights();
        List<String> labels = data.labels().names();
        EvaluationReport crossReport = EvaluationReport.of(labels, truth, f.crossFitted());
        EvaluationReport fittedReport = EvaluationReport.of(labels, truth, f.fitted());
        listener.info(String.format("ensemble weights fitted on the validation split (%s): validation accuracy %.4f, "
                        + "log loss %.4f, measured on documents they were not fitted on (%d-fold cross-fitting; "
                        + "%.4f on the documents they were fitted on)", w, crossReport.accuracy(), crossReport.logLoss(),
                EnsembleWeights.FOLDS, fittedReport.accuracy()));
        ModelCard.EnsembleFit card = ModelCard.EnsembleFit.singleLabel(weightsByName(names, w), EnsembleWeights.FOLDS,
                crossReport.accuracy(), crossReport.logLoss(), fittedReport.accuracy(), equalValidation.accuracy(),
                equalValidation.logLoss());
        return new Mixed(equal.withWeights(w), crossReport, f.fitted(), card);
    }

    private static Map<String, Double> weightsByName(List<String> names, EnsembleWeights w) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int k = 0; k < names.size(); k++) {
            out.put(names.get(k), w.weight(k));
        }
        return out;
    }

    private static ModelCard card(Recipe recipe, TrainingData data, List<NetworkTrainer.Result> results,
                                  EvaluationReport validation, List<ModelCard.SelfTestCase> selfTest, double seconds,
                                  ModelCard.SelfTraining selfTraining, ModelCard.EnsembleFit mixing) {
        // The validation ids let 'evaluate --held-out' re-score exactly these documents in any later JVM.
        List<String> validationIds = recipe.split().validation() != null ? null
                : data.validation().stream().map(TokenizedDocument::id).toList();
        ModelCard.Corpus corpus = new ModelCard.Corpus(data.source().toAbsolutePath().normalize().toString(),
                data.loaded().stats().fingerprint(), data.multiLabel() ? Recipe.MULTI_LABEL : Recipe.SINGLE_LABEL,
                data.labels().names(), data.skippedRows().isEmpty() ? null : data.skippedRows().size(),
                java.util.Arrays.stream(data.report().perLabel()).boxed().toList(), data.train().size(),
                data.validation().size(), data.emptySkipped(),
                data.splitDescription(), validationIds, data.report().toText(), selfTraining);
        List<ModelCard.NetworkResult> nets = new ArrayList<>();
        for (NetworkTrainer.Result r : results) {
            nets.add(new ModelCard.NetworkResult(r.name(), r.spec(), r.bestEpoch(), r.stopReason(), r.seconds(),
                    r.trainDocsPerSecond(), r.validation().accuracy(),
                    r.validation().multiLabel() ? r.validation().microF1() : null, r.validation().logLoss(),
                    r.history()));
        }
        ModelCard.Result result = new ModelCard.Result(recipe.name(), seconds, nets, mixing, null, null, null);
        return new ModelCard(Instant.now().toString(), Versions.TEXTCLS, Versions.DL4J,
                System.getProperty("java.version"), recipe.seed(), null, corpus, result, validation, selfTest);
    }

    private static TrainingResult.NetworkSummary summary(NetworkTrainer.Result r) {
        return new TrainingResult.NetworkSummary(r.name(), r.spec(), r.bestEpoch(), r.stopReason(), r.history(),
                r.validation(), r.seconds(), r.trainDocsPerSecond());
    }

    private static Listener synchronizedListener(Listener l) {
        return line -> {
            synchronized (Trainer.class) {
                l.info(line);
            }
        };
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Trainer.class);
    private static volatile boolean warned;

    /** Logs once if ND4J will use OpenMP's default spin-waiting threads (training runs on ND4J; scoring does not). */
    static void warnIfOpenMpSpins() {
        if (!warned && System.getenv("OMP_NUM_THREADS") == null && System.getenv("OMP_WAIT_POLICY") == null) {
            warned = true;
            LOG.warn("OMP_NUM_THREADS is not set: ND4J's OpenMP threads spin-wait and run about 3x slower on small "
                    + "machines. Set OMP_NUM_THREADS=1 (or OMP_WAIT_POLICY=PASSIVE) in the environment.");
        }
    }
}
