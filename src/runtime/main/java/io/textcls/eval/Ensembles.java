package io.textcls.eval;

import io.textcls.TextclsException;
import io.textcls.Versions;
import io.textcls.classifier.ModelBundle;
import io.textcls.classifier.ModelCard;
import io.textcls.classifier.Prediction;
import io.textcls.classifier.Temperature;
import io.textcls.classifier.TextClassifier;
import io.textcls.recipe.Recipe;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Combines trained classifiers into one ensemble bundle whose prediction is the mean of their
 * probabilities, and scores it on the validation documents the members held out.
 *
 * <p>Members must agree on everything but the network: labels, vocabulary, text pipeline and
 * sequence settings, and the held-out documents. Train each with the same {@code --data},
 * {@code --seed}, {@code --validation-fraction}, {@code --vocab-size}, {@code --min-count},
 * {@code --max-length} and {@code --truncate}, and vary the architecture.
 */
public final class Ensembles {
    private Ensembles() {
    }

    /** The ensemble and its validation scores. */
    public record Result(ModelBundle.Contents contents, Evaluator.Result validation) {
    }

    /**
     * Reads the member bundles, checks that they agree, scores the ensemble on {@code data}
     * (only the documents the members held out, when their cards list them) and returns it with a
     * model card: the first member's training settings and corpus, every member's result, the
     * ensemble's validation scores and self-test probabilities.
     */
    public static Result combine(List<Path> memberFiles, Path data, int threads) {
        if (memberFiles.size() < 2) {
            throw new TextclsException("an ensemble needs at least two classifier bundles (got " + memberFiles.size() + ")");
        }
        List<ModelBundle.Contents> read = new ArrayList<>();
        for (Path f : memberFiles) {
            read.add(ModelBundle.read(f));
        }
        ModelBundle.Contents first = read.get(0);
        Path firstFile = memberFiles.get(0);
        List<ModelBundle.Member> members = new ArrayList<>();
        for (int i = 0; i < read.size(); i++) {
            ModelBundle.Contents c = read.get(i);
            Path f = memberFiles.get(i);
            String sameHow = ": every member must be trained with the same --data, --seed, --validation-fraction, "
                    + "--vocab-size, --min-count, --max-length and --truncate (only the network may differ)";
            if (c.multiLabel()) {
                throw new TextclsException(f + " is a multi-label classifier: ensemble combines single-label bundles "
                        + "only; train the networks together in one recipe instead (its thresholds and weights are "
                        + "fitted on the validation split)");
            }
            if (!c.labels().names().equals(first.labels().names())) {
                throw new TextclsException(f + " has labels " + c.labels().names() + " but " + firstFile + " has "
                        + first.labels().names() + sameHow);
            }
            if (!c.vocabulary().tokens().equals(first.vocabulary().tokens())) {
                throw new TextclsException(f + " has another vocabulary than " + firstFile + sameHow);
            }
            if (!c.pipeline().equals(first.pipeline())) {
                throw new TextclsException(f + " reads text differently from " + firstFile + " (" + c.pipeline()
                        + " vs " + first.pipeline() + ")" + sameHow);
            }
            if (!Objects.equals(heldOut(c), heldOut(first))) {
                throw new TextclsException(f + " held out other validation documents than " + firstFile + sameHow);
            }
            members.addAll(c.members());
        }
        if (members.size() > ModelBundle.MAX_MEMBERS) {
            throw new TextclsException("an ensemble holds at most " + ModelBundle.MAX_MEMBERS + " networks, these "
                    + "bundles have " + members.size());
        }
        members = uniqueNames(members);
        ModelBundle.Contents draft = new ModelBundle.Contents(first.labels(), first.vocabulary(), first.pipeline(),
                combinedRecipe(read, members), null, members);
        TextClassifier classifier = new TextClassifier(draft);
        Set<String> only = heldOut(first);
        Evaluator.Scored scored = Evaluator.score(classifier, data, first.labels().names(), threads, only);
        Evaluator.Result validation = new Evaluator.Result(scored.report(), scored.stats(), scored.emptyDocuments());
        // The ensemble's own temperature, fitted on the same validation documents as its members'.
        Temperature temperature = Temperature.fit(scored.truth(), scored.raw(), "validation documents of " + data
                + ": " + scored.truth().length + " documents");

        ModelCard card = card(memberFiles, read, validation, classifier);
        return new Result(draft.withCard(card).withTemperature(temperature), validation);
    }

    /** The members with names made unique ({@code lstm64}, {@code lstm64-2}, ...). */
    private static List<ModelBundle.Member> uniqueNames(List<ModelBundle.Member> members) {
        List<ModelBundle.Member> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ModelBundle.Member m : members) {
            String name = m.name();
            for (int k = 2; !seen.add(name); k++) {
                name = m.name() + "-" + k;
            }
            out.add(new ModelBundle.Member(name, m.spec(), m.weights()));
        }
        return out;
    }

    /**
     * The members' recipe with every network, when all members were trained with the same recipe
     * but for their networks; else null (each member's card keeps its own).
     */
    private static Recipe combinedRecipe(List<ModelBundle.Contents> read, List<ModelBundle.Member> members) {
        Recipe first = read.get(0).recipe();
        if (first == null) {
            return null;
        }
        List<Recipe.Network> networks = new ArrayList<>();
        for (ModelBundle.Contents c : read) {
            if (c.recipe() == null || !sameButNetworks(c.recipe(), first)) {
                return null;
            }
            networks.addAll(c.recipe().networks());
        }
        List<Recipe.Network> renamed = new ArrayList<>();
        for (int i = 0; i < networks.size(); i++) {
            Recipe.Network n = networks.get(i);
            renamed.add(new Recipe.Network(members.get(i).name(), n.architecture(), n.hiddenSize(), n.layers(),
                    n.pooling(), n.dropout(), n.embeddingDropout(), n.embeddingSize(), n.pretrained()));
        }
        return new Recipe("ensemble", "ensemble of " + renamed.size() + " networks combined by 'textcls ensemble'",
                first.seed(), first.task(), first.split(), first.text(), first.vocabulary(), first.embeddings(), first.training(),
                first.selfTraining(), renamed);
    }

    private static boolean sameButNetworks(Recipe a, Recipe b) {
        return a.seed() == b.seed() && a.split().equals(b.split()) && a.text().equals(b.text())
                && a.vocabulary().equals(b.vocabulary()) && a.embeddings().equals(b.embeddings())
                && a.training().equals(b.training());
    }

    /** Writes the ensemble atomically. */
    public static void write(Result r, Path out) throws IOException {
        ModelBundle.write(out, r.contents());
    }

    private static Set<String> heldOut(ModelBundle.Contents c) {
        return c.card() == null ? null : c.card().heldOutIds();
    }

    private static ModelCard card(List<Path> files, List<ModelBundle.Contents> read, Evaluator.Result validation,
                                  TextClassifier classifier) {
        ModelCard base = read.get(0).card();
        List<ModelCard.Member> members = new ArrayList<>();
        double seconds = 0;
        for (int i = 0; i < read.size(); i++) {
            ModelBundle.Contents c = read.get(i);
            ModelCard card = c.card();
            members.add(new ModelCard.Member(files.get(i).getFileName().toString(),
                    c.members().stream().map(x -> x.name() + ": " + x.spec()).toList(),
                    card == null || card.validation() == null ? null : card.validation().accuracy(),
                    card == null ? null : card.trainingConfig(), card == null ? null : card.result()));
            if (card != null && card.result() != null && card.result().seconds() != null) {
                seconds += card.result().seconds();
            }
        }
        ModelCard.Result result = new ModelCard.Result(null, null, null, null, members,
                "ensemble of " + classifier.members().size() + " networks", seconds);
        List<ModelCard.SelfTestCase> selfTest = new ArrayList<>();
        if (base != null && base.selfTest() != null) {
            List<Prediction> preds = classifier.classifyAll(base.selfTest().stream().map(ModelCard.SelfTestCase::text).toList());
            for (int i = 0; i < preds.size(); i++) {
                ModelCard.SelfTestCase t = base.selfTest().get(i);
                selfTest.add(new ModelCard.SelfTestCase(t.id(), t.text(), preds.get(i).probs()));
            }
        }
        return new ModelCard(Instant.now().toString(), Versions.TEXTCLS, Versions.DL4J, System.getProperty("java.version"),
                base == null ? 0 : base.seed(), base == null ? null : base.trainingConfig(),
                base == null ? null : base.corpus(), result, validation.report(), selfTest);
    }
}
