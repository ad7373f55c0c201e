package io.textcls.spark;

import io.textcls.TextclsException;
import io.textcls.score.DocumentSource;
import io.textcls.score.SourceItem;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * The job's inputs as items in {@code score}'s order: a folder tree of text files listed on the
 * driver (paths only: the executors read the files), CSV/JSONL table files parsed on the
 * executors by {@code score}'s own table reader, or a Parquet table read by Spark.
 */
final class Inputs {
    /** The deepest folder tree listed: deeper is taken for a symlink loop. */
    static final int MAX_DEPTH = 256;

    /** A folder listing: the files to score in order, and how many entries were passed over. */
    record Listing(List<Item> items, long skipped) {
    }

    private Inputs() {
    }

    /** Whether a path exists on its file system; the message names the option. */
    static FileStatus status(Configuration conf, String path, String option) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(conf);
            if (!fs.exists(p)) {
                throw new TextclsException(option + " " + path + " does not exist; check " + option);
            }
            return fs.getFileStatus(p);
        } catch (IOException e) {
            throw new TextclsException("cannot read " + option + " " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The text files under a folder (or one file) in {@code score}'s order: depth first, by name
     * at each level; hidden entries and names not matching the glob are counted as skipped. Ids are
     * paths relative to the root, as {@code score} gives them.
     */
    static Listing listTextFiles(Configuration conf, String root, String glob) {
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        try {
            Path r = new Path(root);
            FileSystem fs = r.getFileSystem(conf);
            FileStatus st = fs.getFileStatus(r);
            List<Item> items = new ArrayList<>();
            long[] skipped = {0};
            if (st.isFile()) {
                items.add(new Item(0, 0, r.getName(), st.getPath().toString(), null, null));
            } else {
                walk(fs, st.getPath(), "", matcher, items, skipped, 0);
            }
            return new Listing(items, skipped[0]);
        } catch (IOException e) {
            throw new TextclsException("cannot list --input " + root + ": " + e.getMessage(), e);
        }
    }

    private static void walk(FileSystem fs, Path dir, String prefix, PathMatcher glob, List<Item> items,
                             long[] skipped, int depth) throws IOException {
        FileStatus[] entries = fs.listStatus(dir);
        Arrays.sort(entries, Comparator.comparing(s -> s.getPath().getName()));
        for (FileStatus e : entries) {
            String name = e.getPath().getName();
            String id = prefix + name;
            if (name.startsWith(".")) {
                skipped[0]++;
            } else if (e.isDirectory()) {
                if (depth >= MAX_DEPTH) {
                    items.add(new Item(0, items.size(), id + "/", null, null,
                            "folder tree deeper than " + MAX_DEPTH + " levels: a symlink loop?"));
                } else {
                    walk(fs, e.getPath(), id + "/", glob, items, skipped, depth + 1);
                }
            } else if (e.isFile() && glob.matches(java.nio.file.Path.of(name))) {
                items.add(new Item(0, items.size(), id, e.getPath().toString(), null, null));
            } else {
                skipped[0]++;
            }
        }
    }

    /** The table files of an input: the file itself, or every non-hidden file of the format under a folder, sorted. */
    static List<String[]> tableFiles(Configuration conf, String root, JobOptions.InputFormat format) {
        try {
            Path r = new Path(root);
            FileSystem fs = r.getFileSystem(conf);
            FileStatus st = fs.getFileStatus(r);
            List<String[]> files = new ArrayList<>(); // {path, id prefix}
            if (st.isFile()) {
                files.add(new String[] {st.getPath().toString(), ""});
            } else {
                collect(fs, st.getPath(), "", format, files, 0);
                if (files.isEmpty()) {
                    throw new TextclsException("--input " + root + " holds no " + format.name().toLowerCase()
                            + " files (hidden ones and names starting with _ are left out)");
                }
                if (files.size() == 1) {
                    files.get(0)[1] = "";
                }
            }
            return files;
        } catch (IOException e) {
            throw new TextclsException("cannot list --input " + root + ": " + e.getMessage(), e);
        }
    }

    private static void collect(FileSystem fs, Path dir, String prefix, JobOptions.InputFormat format,
                                List<String[]> files, int depth) throws IOException {
        FileStatus[] entries = fs.listStatus(dir);
        Arrays.sort(entries, Comparator.comparing(s -> s.getPath().getName()));
        for (FileStatus e : entries) {
            String name = e.getPath().getName();
            if (name.startsWith(".") || name.startsWith("_")) {
                continue;
            }
            if (e.isDirectory() && depth < MAX_DEPTH) {
                collect(fs, e.getPath(), prefix + name + "/", format, files, depth + 1);
            } else if (e.isFile() && JobOptions.InputFormat.ofTable(name) == format) {
                files.add(new String[] {e.getPath().toString(), prefix + name + ":"});
            }
        }
    }

    /** Opens one table file as {@code score} reads one (driver: to check its header before any task). */
    static DocumentSource openTable(Configuration conf, String path, String textColumn, String idColumn) {
        try {
            Path p = new Path(path);
            Reader r = new InputStreamReader(p.getFileSystem(conf).open(p), StandardCharsets.UTF_8.newDecoder());
            return DocumentSource.table(r, path, textColumn, idColumn);
        } catch (IOException e) {
            throw new TextclsException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** CSV/JSONL tables: one task per file parses it (score's reader); rows become items keyed by file and row. */
    static JavaRDD<Item> tableItems(JavaSparkContext jsc, List<String[]> files, String textColumn, String idColumn,
                                    Broadcast<PartitionScorer.Shipped> shipped) {
        List<String[]> numbered = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            numbered.add(new String[] {Integer.toString(i), files.get(i)[0], files.get(i)[1]});
        }
        return jsc.parallelize(numbered, Math.max(1, numbered.size())).flatMap(new TableReader(textColumn, idColumn,
                shipped));
    }

    /** Parses one table file on an executor, lazily, row by row. */
    private static final class TableReader implements FlatMapFunction<String[], Item> {
        private final String textColumn;
        private final String idColumn;
        private final Broadcast<PartitionScorer.Shipped> shipped;

        TableReader(String textColumn, String idColumn, Broadcast<PartitionScorer.Shipped> shipped) {
            this.textColumn = textColumn;
            this.idColumn = idColumn;
            this.shipped = shipped;
        }

        @Override
        public Iterator<Item> call(String[] file) {
            Configuration conf = new Configuration(false);
            shipped.value().hadoopConf().forEach(conf::set);
            int ordinal = Integer.parseInt(file[0]);
            String prefix = file[2];
            DocumentSource source = openTable(conf, file[1], textColumn, idColumn);
            return new Iterator<>() {
                private long row;

                @Override
                public boolean hasNext() {
                    boolean more = source.hasNext();
                    if (!more) {
                        try {
                            source.close();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                    return more;
                }

                @Override
                public Item next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    SourceItem s = source.next();
                    String id = prefix + s.id();
                    return new Item(ordinal, row++, id, null, s.text(), s.problem());
                }
            };
        }
    }

    /**
     * A Parquet table read by Spark: its text column (a string), its id column (any type, as a
     * string) and each row's file and position there (Spark's {@code _metadata}), so rows keep
     * their file order whatever the splits. Ids default to row numbers (from 1), prefixed with the
     * file's name when the table has several files.
     */
    static JavaRDD<Item> parquetItems(SparkSession spark, String input, String textColumn, String idColumn) {
        Dataset<Row> df;
        try {
            df = spark.read().parquet(input);
        } catch (RuntimeException e) {
            throw new TextclsException("cannot read --input " + input + " as Parquet: " + firstLine(e), e);
        }
        StructField text = field(df, input, textColumn);
        if (!text.dataType().equals(DataTypes.StringType)) {
            throw new TextclsException("column '" + textColumn + "' of " + input + " is " + text.dataType()
                    .simpleString() + ", not a string: give --text-column a string column");
        }
        if (idColumn != null) {
            field(df, input, idColumn);
        }
        Dataset<Row> sel = df.select(functions.col(textColumn),
                idColumn == null ? functions.lit(null).cast("string") : functions.col(idColumn).cast("string"),
                functions.col("_metadata.file_path"), functions.col("_metadata.row_index"));
        List<String> paths = new ArrayList<>();
        for (Row r : sel.select("file_path").distinct().collectAsList()) {
            paths.add(r.getString(0));
        }
        paths.sort(null);
        HashMap<String, Integer> ordinals = new HashMap<>();
        HashMap<String, String> prefixes = new HashMap<>();
        for (int i = 0; i < paths.size(); i++) {
            ordinals.put(paths.get(i), i);
            String name = paths.get(i).substring(paths.get(i).lastIndexOf('/') + 1);
            prefixes.put(paths.get(i), paths.size() == 1 ? "" : name + ":");
        }
        String column = textColumn;
        return sel.javaRDD().map(r -> {
            String path = r.getString(2);
            long rowIndex = r.getLong(3);
            String rowNumber = Long.toString(rowIndex + 1);
            String id = r.isNullAt(1) ? prefixes.get(path) + rowNumber : r.getString(1);
            return r.isNullAt(0)
                    ? new Item(ordinals.get(path), rowIndex, id, null, null, "row " + rowNumber + " has no '" + column
                            + "' value")
                    : new Item(ordinals.get(path), rowIndex, id, null, r.getString(0), null);
        });
    }

    private static StructField field(Dataset<Row> df, String input, String column) {
        for (StructField f : df.schema().fields()) {
            if (f.name().equals(column)) {
                return f;
            }
        }
        throw new TextclsException(input + " has no column '" + column + "'; its columns: " + Arrays.toString(
                df.schema().fieldNames()));
    }

    static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        return m.lines().findFirst().orElse(m);
    }

    /** The Hadoop settings the tasks rebuild their file systems from. */
    static HashMap<String, String> settings(Configuration conf) {
        HashMap<String, String> m = new HashMap<>();
        for (Map.Entry<String, String> e : conf) {
            m.put(e.getKey(), e.getValue());
        }
        return m;
    }
}
