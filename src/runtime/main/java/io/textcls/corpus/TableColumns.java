package io.textcls.corpus;

import io.textcls.TextclsException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which columns of a table ({@link TableCorpus}) hold what.
 *
 * <p>Two layouts of labels: the long format, one label column whose cell holds a label or several
 * joined by {@code labelSeparator} (a JSONL field may also be an array), and the wide format, one
 * 0/1 column per label ({@code labelColumns}).
 *
 * @param text the text column; null means {@value #TEXT}
 * @param label the label column of the long format; null means {@value #LABEL}, or {@value #LABELS}
 *     where the table has no {@value #LABEL} column ({@link TableCorpus#columns()} holds the one chosen).
 *     Null in the wide format
 * @param labelColumns null for the long format; otherwise the wide format's label columns, in label
 *     order: the names, or {@code List.of("*")} for every column but the text, id and group columns
 *     (and unnamed ones), in header order (for JSONL: the first object's field order)
 * @param id the column of row ids; null means the row number (CSV/TSV: the data row, from 1; JSONL:
 *     the line number)
 * @param group the column naming each row's group (rows to keep on one side of a split); null for none
 * @param labelSeparator what joins several labels in one cell; null means {@value #SEPARATOR}
 */
public record TableColumns(String text, String label, List<String> labelColumns, String id, String group,
                           String labelSeparator) {
    public static final String TEXT = "text";
    public static final String LABEL = "label";
    public static final String LABELS = "labels";
    public static final String SEPARATOR = "|";
    /** {@code labelColumns} of one element, this: every column but the text, id and group ones. */
    public static final String ALL = "*";

    public TableColumns {
        text = text == null ? TEXT : text;
        labelSeparator = labelSeparator == null ? SEPARATOR : labelSeparator;
        if (text.isBlank()) {
            throw new TextclsException("the text column name is empty");
        }
        if (labelSeparator.isEmpty()) {
            throw new TextclsException("the label separator is empty; use e.g. '|' (the default)");
        }
        if (label != null && label.isBlank()) {
            throw new TextclsException("the label column name is empty");
        }
        if (labelColumns != null) {
            if (label != null) {
                throw new TextclsException("name either one label column ('" + label + "') or the 0/1 label "
                        + "columns of the wide format " + labelColumns + ", not both");
            }
            if (labelColumns.isEmpty()) {
                throw new TextclsException("the wide format needs at least one label column, or " + ALL
                        + " for every column but the text, id and group ones");
            }
            Set<String> seen = new HashSet<>();
            for (String c : labelColumns) {
                if (c == null || c.isBlank()) {
                    throw new TextclsException("a label column name is empty: " + labelColumns);
                }
                if (c.equals(ALL) && labelColumns.size() > 1) {
                    throw new TextclsException("label columns: " + ALL + " stands for every column and must stand "
                            + "alone, not in " + labelColumns);
                }
                if (!seen.add(c)) {
                    throw new TextclsException("label columns list '" + c + "' twice: " + labelColumns);
                }
            }
            labelColumns = List.copyOf(labelColumns);
        }
        if (id != null && id.isBlank()) {
            throw new TextclsException("the id column name is empty");
        }
        if (group != null && group.isBlank()) {
            throw new TextclsException("the group column name is empty");
        }
    }

    /** Text in "text", labels in "label" (or "labels"), row numbers as ids, no groups, "|" between labels. */
    public static TableColumns defaults() {
        return new TableColumns(TEXT, null, null, null, null, SEPARATOR);
    }

    /** Whether this is the wide format (one 0/1 column per label). */
    public boolean wide() {
        return labelColumns != null;
    }
}
