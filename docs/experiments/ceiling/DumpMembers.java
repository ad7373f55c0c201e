import io.textcls.classifier.*;
import io.textcls.eval.Evaluator;
import java.nio.file.*;
import java.util.*;
import java.io.*;

/**
 * Prototype tool, not part of textcls: scores a bundle's held-out documents (its card's ids) with
 * each of its members alone and writes id, truth, then each member's probability of the second
 * label, one row a document. Usage: java DumpMembers BUNDLE.zip DATA OUT.csv
 */
public class DumpMembers {
    public static void main(String[] a) throws Exception {
        Path bundle = Path.of(a[0]); Path data = Path.of(a[1]); Path out = Path.of(a[2]);
        ModelBundle.Contents c = ModelBundle.read(bundle);
        Set<String> only = c.card().heldOutIds();
        List<String> ids = null; int[] truth = null;
        List<float[][]> per = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (ModelBundle.Member m : c.members()) {
            ModelBundle.Contents one = new ModelBundle.Contents(c.labels(), c.vocabulary(), c.pipeline(), null, null, List.of(m));
            TextClassifier tc = new TextClassifier(one);
            Evaluator.Scored s = Evaluator.score(tc, data, c.labels().names(), 2, only);
            ids = s.ids(); truth = s.truth(); per.add(s.raw()); names.add(m.name());
            System.err.println(m.name() + " acc " + s.report().accuracy());
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            w.print("id,truth"); for (String n : names) w.print("," + n);
            w.println();
            for (int i = 0; i < ids.size(); i++) {
                w.print(ids.get(i) + "," + truth[i]);
                for (float[][] p : per) w.print("," + p[i][1]);
                w.println();
            }
        }
    }
}
