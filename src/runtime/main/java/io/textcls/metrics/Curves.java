package io.textcls.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** ROC and precision-recall curves of one label against the rest, from its probability. */
public final class Curves {
    private Curves() {
    }

    /** A curve as (x, y) points in drawing order, and the area under it. */
    public record Curve(double[] x, double[] y, double area) {
    }

    /**
     * ROC curve (x: false positive rate, y: true positive rate; area: ROC-AUC) of label {@code
     * label}'s probability, thinned to at most {@code maxPoints} points; null unless the label
     * both occurs and does not occur.
     */
    public static Curve roc(int[] truth, float[][] p, int label, int maxPoints) {
        Sorted s = sorted(truth, p, label);
        if (s.pos == 0 || s.pos == truth.length) {
            return null;
        }
        List<double[]> pts = new ArrayList<>();
        pts.add(new double[] {0, 0});
        long tp = 0;
        long fp = 0;
        double area = 0;
        for (int i = 0; i < s.idx.length; ) {
            int j = i;
            long dtp = 0;
            long dfp = 0;
            while (j < s.idx.length && s.score(j) == s.score(i)) {
                if (s.positive(j)) {
                    dtp++;
                } else {
                    dfp++;
                }
                j++;
            }
            double x0 = (double) fp / s.neg();
            double y0 = (double) tp / s.pos;
            tp += dtp;
            fp += dfp;
            double x1 = (double) fp / s.neg();
            double y1 = (double) tp / s.pos;
            area += (x1 - x0) * (y0 + y1) / 2;
            pts.add(new double[] {x1, y1});
            i = j;
        }
        return thin(pts, maxPoints, area);
    }

    /**
     * Precision-recall curve (x: recall, y: precision; area: average precision) of label {@code
     * label}; null unless the label occurs.
     */
    public static Curve precisionRecall(int[] truth, float[][] p, int label, int maxPoints) {
        Sorted s = sorted(truth, p, label);
        if (s.pos == 0) {
            return null;
        }
        List<double[]> pts = new ArrayList<>();
        long tp = 0;
        long seen = 0;
        double ap = 0;
        double lastRecall = 0;
        for (int i = 0; i < s.idx.length; ) {
            int j = i;
            while (j < s.idx.length && s.score(j) == s.score(i)) {
                tp += s.positive(j) ? 1 : 0;
                seen++;
                j++;
            }
            double recall = (double) tp / s.pos;
            double precision = (double) tp / seen;
            ap += (recall - lastRecall) * precision;
            lastRecall = recall;
            if (pts.isEmpty()) {
                pts.add(new double[] {0, precision});
            }
            pts.add(new double[] {recall, precision});
            i = j;
        }
        return thin(pts, maxPoints, ap);
    }

    private record Sorted(Integer[] idx, int[] truth, float[][] p, int label, long pos) {
        double score(int i) {
            return p[idx[i]][label];
        }

        boolean positive(int i) {
            return truth[idx[i]] == label;
        }

        long neg() {
            return truth.length - pos;
        }
    }

    /** Documents by descending probability of the label. */
    private static Sorted sorted(int[] truth, float[][] p, int label) {
        Integer[] idx = IntStream.range(0, truth.length).boxed().toArray(Integer[]::new);
        Arrays.sort(idx, Comparator.comparingDouble((Integer i) -> p[i][label]).reversed());
        long pos = Arrays.stream(truth).filter(t -> t == label).count();
        return new Sorted(idx, truth, p, label, pos);
    }

    private static Curve thin(List<double[]> pts, int maxPoints, double area) {
        int n = pts.size();
        int step = Math.max(1, (int) Math.ceil((double) n / Math.max(2, maxPoints)));
        List<double[]> kept = new ArrayList<>();
        for (int i = 0; i < n; i += step) {
            kept.add(pts.get(i));
        }
        if (kept.get(kept.size() - 1) != pts.get(n - 1)) {
            kept.add(pts.get(n - 1));
        }
        double[] x = new double[kept.size()];
        double[] y = new double[kept.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = kept.get(i)[0];
            y[i] = kept.get(i)[1];
        }
        return new Curve(x, y, area);
    }
}
