package io.textcls.cli;

import io.textcls.TextclsException;
import io.textcls.corpus.TableColumns;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options that say how a table corpus ({@code --data file.csv}, {@code .tsv}, {@code .jsonl},
 * each optionally gzipped) is read: the same for {@code train}, {@code evaluate}, {@code tune}
 * and {@code calibrate}. Folder trees ignore them.
 */
final class TableOptions {
    @Option(names = "--text-column", description = "Table corpora: the column (JSONL: field) holding the text.")
    String textColumn = TableColumns.TEXT;

    @Option(names = "--label-column", description = "Table corpora: the column holding each row's label, or several "
            + "joined by --label-separator (JSONL: a string or an array); default 'label', or 'labels' where the "
            + "table has no 'label' column.")
    String labelColumn;

    @Option(names = "--label-columns", split = ",", paramLabel = "COLUMN", description = "Table corpora with one 0/1 "
            + "column per label (multi-label): those columns, comma-separated, or '*' for every column but the "
            + "text, id and group columns.")
    List<String> labelColumns;

    @Option(names = "--label-separator", description = "Table corpora: what separates several labels in one cell.")
    String labelSeparator = TableColumns.SEPARATOR;

    @Option(names = "--id-column", description = "Table corpora: the column holding each row's id (default: the row "
            + "number; the JSONL line number).")
    String idColumn;

    @Option(names = "--group-column", description = "Table corpora: the column naming each row's group (rows of one "
            + "group stay on one side of the validation split, as split.groups auto does).")
    String groupColumn;

    @Option(names = "--skip-bad-rows", description = "Table corpora: skip bad rows (broken JSON, a missing or empty "
            + "text or label, a label not in --labels, a wrong field count, a repeated id), count them and list "
            + "them in <model>.skipped.csv, instead of stopping at the first with an error naming it.")
    boolean skipBadRows;

    TableColumns columns() {
        if (labelColumns != null && labelColumn != null) {
            throw new TextclsException("--label-column and --label-columns are two ways of giving labels: use one "
                    + "(--label-columns for one 0/1 column per label)");
        }
        return new TableColumns(textColumn, labelColumn, labelColumns, idColumn, groupColumn, labelSeparator);
    }
}
