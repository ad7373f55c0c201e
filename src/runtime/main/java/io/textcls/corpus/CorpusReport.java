package io.textcls.corpus;

import io.textcls.text.Scripts;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A short report on a loaded corpus, printed before training: documents per label, empty and
 * duplicate documents, token-length percentiles and how many documents the length cap cuts.
 *
 * @param crossLabelDuplicates documents whose text also appears under another label (conflicting labels)
 * @param scripts the scripts of the tokens' letters ({@link Scripts#toText}), counted on up to
 *     {@value #SCRIPT_SAMPLE} documents spread over the corpus
 */
public record CorpusReport(List<String> labels, int[] perLabel, int documents, int empty, int duplicates,
                           int crossLabelDuplicates, int[] lengthPercentiles, int maxLength, int overCap, int cap,
                           CorpusLoader.Stats stats, int hiddenSkipped, String scripts) {
    /** Most documents whose scripts are counted. */
    public static final int SCRIPT_SAMPLE = 5_000;
    /** Percentiles reported, in order. */
    public static final int[] PERCENTILES = {50, 90, 99};

    public static CorpusReport of(CorpusLoader.Loaded loaded, int cap) {
        List<TokenizedDocument> docs = loaded.documents();
        int[] perLabel = new int[loaded.labels().size()];
        int empty = 0;
        int dups = 0;
        int cross = 0;
        int over = 0;
        Map<Long, Integer> seen = new HashMap<>();
        int[] lengths = new int[docs.size()];
        for (int i = 0; i < docs.size(); i++) {
            TokenizedDocument d = docs.get(i);
            if (d.label() >= 0) {
                perLabel[d.label()]++;
            }
            int len = d.tokens().length;
            lengths[i] = len;
            if (len == 0) {
                empty++;
            }
            if (len > cap) {
                over++;
            }
            Integer prev = seen.putIfAbsent(d.contentHash(), d.label());
            if (prev != null) {
                dups++;
                if (prev != d.label()) {
                    cross++;
                }
            }
        }
        Arrays.sort(lengths);
        int[] pct = new int[PERCENTILES.length];
        for (int i = 0; i < pct.length; i++) {
            pct[i] = percentile(lengths, PERCENTILES[i]);
        }
        int max = lengths.length == 0 ? 0 : lengths[lengths.length - 1];
        Scripts scripts = new Scripts();
        int n = Math.min(SCRIPT_SAMPLE, docs.size());
        for (int i = 0; i < n; i++) {
            for (String t : docs.get((int) ((long) i * docs.size() / n)).tokens()) {
                scripts.add(t);
            }
        }
        return new CorpusReport(loaded.labels(), perLabel, docs.size(), empty, dups, cross, pct, max, over, cap,
                loaded.stats(), loaded.hiddenSkipped(), scripts.toText());
    }

    static int percentile(int[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    /** The report as a few human-readable lines. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("corpus: %,d documents", documents));
        for (int i = 0; i < labels.size(); i++) {
            sb.append(i == 0 ? " (" : ", ").append(labels.get(i)).append(' ').append(String.format("%,d", perLabel[i]));
        }
        sb.append(labels.isEmpty() ? "" : ")").append('\n');
        sb.append("  scripts (letters): ").append(scripts).append('\n');
        sb.append(String.format("  empty: %d, exact duplicates: %d (%d under a different label)%n", empty, duplicates,
                crossLabelDuplicates));
        sb.append("  tokens per document: ");
        for (int i = 0; i < PERCENTILES.length; i++) {
            sb.append('p').append(PERCENTILES[i]).append(' ').append(lengthPercentiles[i]).append(", ");
        }
        sb.append("max ").append(maxLength);
        sb.append(String.format("; %d (%.1f%%) longer than the cap of %d tokens%n", overCap,
                documents == 0 ? 0.0 : 100.0 * overCap / documents, cap));
        sb.append(String.format("  skipped: %d hidden, %d binary, %d unreadable; malformed UTF-8 in %d documents "
                        + "(%d sequences replaced); %d files cut at the byte cap%n", hiddenSkipped,
                stats.binarySkipped().size(), stats.unreadable().size(), stats.malformedDocuments(),
                stats.malformedSequences(), stats.truncatedFiles()));
        return sb.toString();
    }
}
