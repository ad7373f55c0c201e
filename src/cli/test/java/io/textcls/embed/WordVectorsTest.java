package io.textcls.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.TextclsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordVectorsTest {
    @TempDir
    Path dir;

    @Test
    void writesTheWord2vecTextFormatAndReadsItBack() throws Exception {
        Map<String, float[]> m = new LinkedHashMap<>();
        m.put("great", new float[] {0.5f, -1.25f, 3e-5f});
        m.put("n't", new float[] {1, 2, 3});
        Path f = dir.resolve("v.txt");
        new WordVectors(3, m).write(f);
        List<String> lines = Files.readAllLines(f);
        assertEquals("2 3", lines.get(0));
        assertEquals("great 0.5 -1.25 3.0E-5", lines.get(1));
        assertEquals(3, WordVectors.readDimension(f));
        WordVectors back = WordVectors.read(f, null);
        assertArrayEquals(m.get("great"), back.vectors().get("great"));
        float[][] rows = back.rows(List.of("<pad>", "n't", "great"));
        assertNull(rows[0]);
        assertArrayEquals(new float[] {1, 2, 3}, rows[1]);
        assertEquals(1, WordVectors.read(f, Set.of("great")).vectors().size());
    }

    @Test
    void readsHeaderlessGloveFiles() throws Exception {
        Path f = Files.writeString(dir.resolve("glove.txt"), "the 0.1 0.2\nfilm 0.3 0.4\n");
        WordVectors v = WordVectors.read(f, null);
        assertEquals(2, v.dimension());
        assertEquals(2, v.vectors().size());
    }

    @Test
    void badFilesNameTheLine() throws Exception {
        Path ragged = Files.writeString(dir.resolve("ragged.txt"), "2 3\na 1 2 3\nb 1 2\n");
        TextclsException e = assertThrows(TextclsException.class, () -> WordVectors.read(ragged, null));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        Path nan = Files.writeString(dir.resolve("nan.txt"), "1 2\na 1 x\n");
        e = assertThrows(TextclsException.class, () -> WordVectors.read(nan, null));
        assertTrue(e.getMessage().contains("'x' is not a number"), e.getMessage());
        e = assertThrows(TextclsException.class, () -> WordVectors.read(dir.resolve("missing.txt"), null));
        assertTrue(e.getMessage().contains("textcls pretrain"), e.getMessage());
        Path binary = Files.write(dir.resolve("bin.bin"), new byte[] {'2', ' ', '3', '\n', 'a', ' ', (byte) 0xff,
            (byte) 0xfe, 0, 1, '\n'});
        e = assertThrows(TextclsException.class, () -> WordVectors.read(binary, null));
        assertTrue(e.getMessage().contains("text format"), e.getMessage());
    }
}
