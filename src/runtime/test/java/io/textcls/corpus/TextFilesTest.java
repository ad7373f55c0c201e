package io.textcls.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextFilesTest {
    @TempDir
    Path dir;

    @Test
    void replacesAndCountsMalformedUtf8() throws Exception {
        Path f = dir.resolve("bad.txt");
        Files.write(f, new byte[] {'o', 'k', (byte) 0xff, ' ', (byte) 0xc3, '!', (byte) 0xe2, (byte) 0x82});
        TextFiles.Content c = TextFiles.read(f, 1000);
        assertEquals("ok\uFFFD \uFFFD!\uFFFD", c.text());
        assertEquals(3, c.malformed());
        assertFalse(c.binary());
    }

    @Test
    void readsValidUtf8Unchanged() throws Exception {
        Path f = dir.resolve("ok.txt");
        Files.writeString(f, "Amélie – “great” 映画", StandardCharsets.UTF_8);
        TextFiles.Content c = TextFiles.read(f, 1000);
        assertEquals("Amélie – “great” 映画", c.text());
        assertEquals(0, c.malformed());
    }

    @Test
    void flagsNulBytesAsBinary() throws Exception {
        Path f = dir.resolve("img.txt");
        Files.write(f, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 1});
        assertTrue(TextFiles.read(f, 1000).binary());
    }

    @Test
    void cutsAtTheByteCapWithoutCountingASplitCharacterAsMalformed() throws Exception {
        Path f = dir.resolve("long.txt");
        Files.writeString(f, "ab€€€", StandardCharsets.UTF_8); // € is 3 bytes
        TextFiles.Content c = TextFiles.read(f, 4); // "ab" + first byte of €
        assertTrue(c.truncated());
        assertEquals("ab", c.text());
        assertEquals(0, c.malformed());
    }
}
