package io.textcls.score;

import io.textcls.TextclsException;
import java.nio.file.Path;
import java.util.Locale;

/** Prediction file formats. */
public enum OutputFormat {
    CSV, JSONL;

    /** The format a file name implies: .csv or .jsonl/.json. */
    public static OutputFormat of(Path output) {
        String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return CSV;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")) {
            return JSONL;
        }
        throw new TextclsException("cannot tell the format of " + output + " from its extension: name it .csv or "
                + ".jsonl, or pass --format csv|jsonl");
    }
}
