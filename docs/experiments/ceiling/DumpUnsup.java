import io.textcls.recipe.*;
import io.textcls.text.*;
import java.nio.file.*;
import java.util.*;
import java.io.*;
import java.util.stream.*;

/**
 * Prototype tool, not part of textcls: writes the tokens of every document of a folder (aclImdb's
 * unsup/) as unsup.tsv (file stem, tokens), tokenized as imdb-default does.
 * Usage: java DumpUnsup FOLDER OUT.tsv
 */
public class DumpUnsup {
    public static void main(String[] a) throws Exception {
        TextPipeline p = new TextPipeline(Recipes.load("imdb-default").text().pipeline());
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of(a[0]))) { files = s.sorted().collect(Collectors.toList()); }
        String[] out = new String[files.size()];
        IntStream.range(0, files.size()).parallel().forEach(i -> {
            try { out[i] = files.get(i).getFileName().toString().replace(".txt", "") + "\t" + String.join(" ", p.tokens(Files.readString(files.get(i)))); }
            catch (IOException e) { throw new UncheckedIOException(e); }
        });
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(a[1])))) { for (String s : out) w.println(s); }
    }
}
