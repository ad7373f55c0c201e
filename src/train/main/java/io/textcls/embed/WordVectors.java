package io.textcls.embed;

import io.textcls.TextclsException;
import io.textcls.util.AtomicFiles;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Word vectors in the word2vec text format that gensim, fastText and GloVe tools read: a header
 * line {@code <count> <dimension>}, then one line per word, {@code word v1 v2 ... vD}, separated
 * by single spaces. Reading also takes the header-less GloVe form.
 */
public final class WordVectors {
    private final int dimension;
    private final Map<String, float[]> vectors;

    public WordVectors(int dimension, Map<String, float[]> vectors) {
        this.dimension = dimension;
        this.vectors = vectors;
    }

    public int dimension() {
        return dimension;
    }

    /** Words in file order (most frequent first for files this tool writes). */
    public Map<String, float[]> vectors() {
        return vectors;
    }

    /** The vector width a file declares, read from its first line only. */
    public static int readDimension(Path file) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String first = r.readLine();
            if (first == null) {
                throw new TextclsException("vectors file " + file + " is empty");
            }
            String[] parts = first.trim().split(" ");
            if (parts.length == 2 && isInt(parts[0]) && isInt(parts[1])) {
                return Integer.parseInt(parts[1]);
            }
            return parts.length - 1;
        } catch (IOException e) {
            throw new TextclsException("cannot read vectors file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a vectors file.
     *
     * @param wanted words to keep (null = all): saves memory on large files
     */
    public static WordVectors read(Path file, Set<String> wanted) {
        if (!Files.isRegularFile(file)) {
            throw new TextclsException("vectors file " + file + " does not exist; make one with 'textcls pretrain'");
        }
        Map<String, float[]> out = new LinkedHashMap<>();
        int dim = -1;
        int lineNo = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                lineNo++;
                String[] parts = line.stripTrailing().split(" ");
                if (lineNo == 1 && parts.length == 2 && isInt(parts[0]) && isInt(parts[1])) {
                    dim = Integer.parseInt(parts[1]);
                    continue;
                }
                if (line.isBlank()) {
                    continue;
                }
                if (dim < 0) {
                    dim = parts.length - 1;
                }
                if (parts.length != dim + 1 || dim < 1) {
                    throw new TextclsException("vectors file " + file + " line " + lineNo + ": expected a word and "
                            + dim + " numbers, got " + (parts.length - 1) + " fields; is it a word2vec text file?");
                }
                if (wanted != null && !wanted.contains(parts[0])) {
                    continue;
                }
                float[] v = new float[dim];
                for (int i = 0; i < dim; i++) {
                    try {
                        v[i] = Float.parseFloat(parts[i + 1]);
                    } catch (NumberFormatException e) {
                        throw new TextclsException("vectors file " + file + " line " + lineNo + ": '" + parts[i + 1]
                                + "' is not a number", e);
                    }
                }
                out.putIfAbsent(parts[0], v);
            }
        } catch (java.nio.charset.MalformedInputException e) {
            throw new TextclsException("vectors file " + file + " is not UTF-8 text near line " + (lineNo + 1)
                    + "; binary word2vec files must be converted to the text format first", e);
        } catch (IOException e) {
            throw new TextclsException("cannot read vectors file " + file + ": " + e.getMessage(), e);
        }
        if (dim < 1) {
            throw new TextclsException("vectors file " + file + " holds no vectors");
        }
        return new WordVectors(dim, out);
    }

    /** Writes the text format atomically: a reader never sees a half-written file. */
    public void write(Path file) throws IOException {
        AtomicFiles.write(file, out -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            {
                w.write(vectors.size() + " " + dimension + "\n");
                StringBuilder b = new StringBuilder();
                for (Map.Entry<String, float[]> e : vectors.entrySet()) {
                    b.setLength(0);
                    b.append(e.getKey());
                    for (float f : e.getValue()) {
                        b.append(' ').append(f);
                    }
                    b.append('\n');
                    w.write(b.toString());
                }
            }
            w.flush();
        });
    }

    /**
     * One row per vocabulary id: the word's vector, or null where the file has none.
     *
     * @param tokens the vocabulary, in id order
     */
    public float[][] rows(List<String> tokens) {
        float[][] rows = new float[tokens.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = vectors.get(tokens.get(i));
        }
        return rows;
    }

    private static boolean isInt(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
