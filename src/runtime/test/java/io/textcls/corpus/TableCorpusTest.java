package io.textcls.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.TextclsException;
import io.textcls.text.TextPipeline;
import io.textcls.text.TextPipelineSettings;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableCorpusTest {
    private static final TextPipeline PIPELINE = new TextPipeline(TextPipelineSettings.defaults());

    @TempDir
    Path dir;

    private Path file(String name, String content) throws Exception {
        return bytes(name, content.getBytes(StandardCharsets.UTF_8));
    }

    private Path bytes(String name, byte[] content) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    private Path gzip(String name, String content) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(b)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
        return bytes(name, b.toByteArray());
    }

    private static TableCorpus.Loaded load(Path p) {
        return load(p, TableColumns.defaults(), false);
    }

    private static TableCorpus.Loaded load(Path p, TableColumns c, boolean skip) {
        return TableCorpus.open(p, c).load(PIPELINE, 2, List.of(), null, skip, null);
    }

    private static List<String> ids(TableCorpus.Loaded l) {
        return l.corpus().documents().stream().map(TokenizedDocument::id).toList();
    }

    private static List<List<Integer>> labelSets(TableCorpus.Loaded l) {
        return l.corpus().documents().stream().map(d -> Arrays.stream(d.labelSet()).boxed().toList()).toList();
    }

    private static List<String> tokens(TableCorpus.Loaded l, int i) {
        return List.of(l.corpus().documents().get(i).tokens());
    }

    private static TableColumns cols(String label, List<String> labelColumns, String id, String group) {
        return new TableColumns("text", label, labelColumns, id, group, "|");
    }

    @Test
    void csvSingleLabel() throws Exception {
        Path p = file("reviews.csv", "text,label\nGood film,pos\n\"Bad, bad film\",neg\nFine <br /> one,pos\n");
        TableCorpus t = TableCorpus.open(p, TableColumns.defaults());
        assertEquals("label", t.columns().label());
        assertFalse(t.wide());
        TableCorpus.Loaded l = t.load(PIPELINE, 2, List.of(), null, false, null);
        assertFalse(l.multiLabel());
        assertEquals(List.of("neg", "pos"), l.corpus().labels());
        assertEquals(List.of("1", "2", "3"), ids(l));
        assertEquals(List.of(1, 0, 1), l.corpus().documents().stream().map(TokenizedDocument::label).toList());
        assertFalse(l.corpus().documents().get(0).multiLabel());
        assertEquals(List.of("bad", ",", "bad", "film"), tokens(l, 1));
        assertEquals(List.of("fine", "one"), tokens(l, 2));
        assertEquals(3, l.rows());
        assertEquals(8, l.tokens());
        assertEquals(List.of(), l.skipped());
        assertEquals(Map.of(), l.groups());
        CorpusLoader.Stats s = l.corpus().stats();
        assertEquals(List.of(), s.binarySkipped());
        assertEquals(List.of(), s.unreadable());
        assertEquals(0, s.malformedDocuments());
        assertEquals(0, s.truncatedFiles());
        assertEquals(0, l.corpus().hiddenSkipped());
        // the content hash is the first 8 bytes of SHA-256 of the normalized text, as for folders
        byte[] d = CorpusLoader.sha256().digest(PIPELINE.normalize("Good film").getBytes(StandardCharsets.UTF_8));
        long h = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (d[i] & 0xff);
        }
        assertEquals(h, l.corpus().documents().get(0).contentHash());
    }

    @Test
    void fingerprintIsStableAcrossThreadsAndFollowsLabelsAndText() throws Exception {
        Path p = file("a.csv", "text,label\ngood,pos\nbad,neg\n");
        String one = TableCorpus.open(p, null).load(PIPELINE, 1, List.of(), null, false, null).corpus().stats()
                .fingerprint();
        String four = TableCorpus.open(p, null).load(PIPELINE, 4, List.of(), null, false, null).corpus().stats()
                .fingerprint();
        assertEquals(one, four);
        String reordered = TableCorpus.open(p, null).load(PIPELINE, 1, List.of("pos", "neg"), null, false, null)
                .corpus().stats().fingerprint();
        assertNotEquals(one, reordered);
        file("a.csv", "text,label\ngood,pos\nbad!,neg\n");
        assertNotEquals(one, load(p).corpus().stats().fingerprint());
    }

    @Test
    void csvMultiLabelWithSeparatorAndARowWithoutLabels() throws Exception {
        // the row with no labels comes before the first row with several: detection waits for the end
        Path p = file("m.csv", "text,labels\nfirst,a\nsecond, b | a \nthird,\nfourth,c|a|a\n");
        TableCorpus t = TableCorpus.open(p, TableColumns.defaults());
        assertEquals("labels", t.columns().label());
        TableCorpus.Loaded l = t.load(PIPELINE, 2, List.of(), null, false, null);
        assertTrue(l.multiLabel());
        assertEquals(List.of("a", "b", "c"), l.corpus().labels());
        assertEquals(List.of(List.of(0), List.of(0, 1), List.of(), List.of(0, 2)), labelSets(l));
        assertTrue(l.corpus().documents().stream().allMatch(TokenizedDocument::multiLabel));
        assertEquals(-1, l.corpus().documents().get(2).label());
        assertEquals(List.of(), l.skipped());
    }

    @Test
    void otherSeparatorAndForcedMultiLabel() throws Exception {
        Path p = file("m.csv", "text,tags\nfirst,a;b\nsecond,a\n");
        TableCorpus.Loaded l = TableCorpus.open(p, new TableColumns(null, "tags", null, null, null, ";"))
                .load(PIPELINE, 1, List.of(), null, false, null);
        assertTrue(l.multiLabel());
        assertEquals(List.of(List.of(0, 1), List.of(0)), labelSets(l));
        Path single = file("s.csv", "text,label\nfirst,a\nsecond,\n");
        TableCorpus.Loaded forced = TableCorpus.open(single, null).load(PIPELINE, 1, List.of(), true, false, null);
        assertTrue(forced.multiLabel());
        assertEquals(List.of(List.of(0), List.of()), labelSets(forced));
    }

    @Test
    void labelColumnIsLabelWhenBothArePresent() throws Exception {
        Path p = file("b.csv", "labels,text,label\nx|y,hello,pos\n");
        TableCorpus t = TableCorpus.open(p, TableColumns.defaults());
        assertEquals("label", t.columns().label());
        TableCorpus.Loaded l = t.load(PIPELINE, 1, List.of(), null, false, null);
        assertFalse(l.multiLabel());
        assertEquals(List.of("pos"), l.corpus().labels());
    }

    @Test
    void tsv() throws Exception {
        Path p = file("t.tsv", "id\ttext\tlabel\nr1\tcommas, are fine\tpos\nr2\t  spaced out  \tneg\n");
        TableCorpus.Loaded l = load(p, cols(null, null, "id", null), false);
        assertEquals(List.of("r1", "r2"), ids(l));
        assertEquals(List.of("commas", ",", "are", "fine"), tokens(l, 0));
        assertEquals(List.of("neg", "pos"), l.corpus().labels());
        assertEquals(List.of(1, 0), l.corpus().documents().stream().map(TokenizedDocument::label).toList());
    }

    @Test
    void jsonlStringAndArrayLabels() throws Exception {
        Path p = file("j.jsonl", "{\"text\": \"a b\", \"label\": \"x\"}\r\n\r\n"
                + "{\"text\": \"c\", \"label\": [\"x\", \"y\", \"x\"]}\n"
                + "{\"text\": \"d\", \"label\": []}\n"
                + "{\"label\": \"y|z\", \"text\": \"e\", \"extra\": {\"ignored\": true}}\n");
        TableCorpus.Loaded l = load(p);
        assertTrue(l.multiLabel());
        assertEquals(List.of("x", "y", "z"), l.corpus().labels());
        assertEquals(List.of("1", "3", "4", "5"), ids(l)); // line numbers, the blank line counted
        assertEquals(List.of(List.of(0), List.of(0, 1), List.of(), List.of(1, 2)), labelSets(l));
        assertEquals(4, l.rows());
    }

    @Test
    void jsonlSingleLabelNumbersAndNdjson() throws Exception {
        Path p = file("n.ndjson", "{\"text\": \"one\", \"label\": 1}\n{\"text\": \"two\", \"label\": \"0\"}\n"
                + "{\"text\": \"three\", \"label\": [\"1\"]}\n");
        TableCorpus.Loaded l = load(p);
        // an array makes the table multi-label even with one label in it
        assertTrue(l.multiLabel());
        assertEquals(List.of("0", "1"), l.corpus().labels());
        assertEquals(List.of(List.of(1), List.of(0), List.of(1)), labelSets(l));
        Path q = file("n2.ndjson", "{\"text\": \"one\", \"label\": 1}\n{\"text\": \"two\", \"label\": \"0\"}\n");
        assertFalse(load(q).multiLabel());
    }

    @Test
    void wideWithExplicitColumns() throws Exception {
        Path p = file("w.csv", "id,text,toxic,spam,other\nr1,hello,1,0,junk\nr2,bye,0.0,1.0,x\nr3,hey,FALSE,true,\n"
                + "r4,none,0,0,\n");
        TableCorpus t = TableCorpus.open(p, cols(null, List.of("spam", "toxic"), "id", null));
        assertTrue(t.wide());
        assertEquals(List.of("spam", "toxic"), t.columns().labelColumns());
        TableCorpus.Loaded l = t.load(PIPELINE, 2, List.of(), null, false, null);
        assertTrue(l.multiLabel());
        assertEquals(List.of("spam", "toxic"), l.corpus().labels());
        assertEquals(List.of(List.of(1), List.of(0), List.of(0), List.of()), labelSets(l));
        // a subset of the label columns, in the order asked for
        TableCorpus.Loaded sub = t.load(PIPELINE, 1, List.of("toxic"), null, false, null);
        assertEquals(List.of("toxic"), sub.corpus().labels());
        assertEquals(List.of(List.of(0), List.of(), List.of(), List.of()), labelSets(sub));
        TextclsException notAColumn = assertThrows(TextclsException.class,
                () -> t.load(PIPELINE, 1, List.of("toxic", "other2"), null, false, null));
        assertTrue(notAColumn.getMessage().contains("'other2'") && notAColumn.getMessage().contains("[spam, toxic]"),
                notAColumn.getMessage());
        TextclsException single = assertThrows(TextclsException.class,
                () -> t.load(PIPELINE, 1, List.of(), false, false, null));
        assertTrue(single.getMessage().contains("multi-label"), single.getMessage());
    }

    @Test
    void wideWithStarLeavesOutTextIdAndGroupColumns() throws Exception {
        Path p = file("w.csv", "doc,text,b,movie,a\nd1,first,1,m1,1\nd2,second,0,m1,1\n");
        TableCorpus t = TableCorpus.open(p, new TableColumns("text", null, List.of("*"), "doc", "movie", "|"));
        assertEquals(List.of("b", "a"), t.columns().labelColumns());
        TableCorpus.Loaded l = t.load(PIPELINE, 1, List.of(), null, false, null);
        assertEquals(List.of("b", "a"), l.corpus().labels());
        assertEquals(List.of(List.of(0, 1), List.of(1)), labelSets(l));
        assertEquals(Map.of("d1", "m1", "d2", "m1"), l.groups());

        Path j = file("w.jsonl", "{\"text\": \"t1\", \"id\": 7, \"x\": true, \"y\": 0}\n"
                + "{\"text\": \"t2\", \"id\": 8, \"x\": 0.0, \"y\": \"1\"}\n");
        TableCorpus tj = TableCorpus.open(j, new TableColumns("text", null, List.of("*"), "id", null, "|"));
        assertEquals(List.of("x", "y"), tj.columns().labelColumns());
        TableCorpus.Loaded lj = tj.load(PIPELINE, 1, List.of(), null, false, null);
        assertEquals(List.of("7", "8"), ids(lj));
        assertEquals(List.of(List.of(0), List.of(1)), labelSets(lj));
    }

    @Test
    void gzippedCsvAndJsonl() throws Exception {
        Path c = gzip("g.CSV.GZ", "text,label\nzipped text,a\nmore,b\n");
        assertTrue(TableCorpus.isTable(c));
        TableCorpus.Loaded lc = load(c);
        assertEquals(List.of("zipped", "text"), tokens(lc, 0));
        assertEquals(List.of("a", "b"), lc.corpus().labels());
        Path j = gzip("g.jsonl.gz", "{\"text\": \"zipped json\", \"label\": [\"a\", \"b\"]}\n");
        TableCorpus.Loaded lj = load(j);
        assertEquals(List.of("zipped", "json"), tokens(lj, 0));
        assertEquals(List.of(List.of(0, 1)), labelSets(lj));
    }

    @Test
    void isTableByName() {
        for (String yes : List.of("a.csv", "a.TSV", "a.jsonl", "a.ndjson", "a.csv.gz", "dir/a.Jsonl.GZ")) {
            assertTrue(TableCorpus.isTable(Path.of(yes)), yes);
        }
        for (String no : List.of("a.txt", "a.gz", "a.json", "csv", "a.csv.zip", "a.csvx")) {
            assertFalse(TableCorpus.isTable(Path.of(no)), no);
        }
    }

    @Test
    void idAndGroupColumnsAndRowNumberIds() throws Exception {
        Path p = file("g.csv", "id,text,label,movie\nr9,one,a,m1\nr3,\"two\nlines\",b,\nr5,three,a,m2\n");
        TableCorpus.Loaded l = load(p, cols(null, null, "id", "movie"), false);
        assertEquals(List.of("r9", "r3", "r5"), ids(l));
        assertEquals(Map.of("r9", "m1", "r5", "m2"), l.groups());
        // without an id column: the data row number, not the line number (row 2 spans two lines)
        TableCorpus.Loaded n = load(p, cols(null, null, null, "movie"), false);
        assertEquals(List.of("1", "2", "3"), ids(n));
        assertEquals(Map.of("1", "m1", "3", "m2"), n.groups());
        Path j = file("g.jsonl", "{\"text\": \"one\", \"label\": \"a\", \"g\": 12}\n"
                + "{\"text\": \"two\", \"label\": \"a\"}\n{\"text\": \"three\", \"label\": \"a\", \"g\": null}\n");
        assertEquals(Map.of("1", "12"), load(j, cols(null, null, null, "g"), false).groups());
    }

    @Test
    void wantedLabelsOrderAndALabelOutsideThem() throws Exception {
        Path p = file("w.csv", "text,label\ngood,pos\nbad,neg\nmeh,neutral\n");
        TableCorpus t = TableCorpus.open(p, null);
        TextclsException e = assertThrows(TextclsException.class,
                () -> t.load(PIPELINE, 1, List.of("pos", "neg"), null, false, null));
        assertTrue(e.getMessage().startsWith(p + ", line 4: label 'neutral' is not one of the labels asked for: "
                + "[pos, neg]; fix the row, or pass --skip-bad-rows"), e.getMessage());
        TableCorpus.Loaded l = t.load(PIPELINE, 1, List.of("pos", "neg"), null, true, null);
        assertEquals(List.of("pos", "neg"), l.corpus().labels());
        assertEquals(List.of(0, 1), l.corpus().documents().stream().map(TokenizedDocument::label).toList());
        assertEquals(1, l.skipped().size());
        assertEquals(new TableCorpus.SkippedRow(4, "3", "label 'neutral' is not one of the labels asked for: "
                + "[pos, neg]"), l.skipped().get(0));
        assertEquals(3, l.rows());
        TextclsException twice = assertThrows(TextclsException.class,
                () -> t.load(PIPELINE, 1, List.of("pos", "pos"), null, false, null));
        assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
    }

    @Test
    void singleLabelForcedRejectsAMultiLabelRow() throws Exception {
        Path p = file("f.csv", "text,label\ngood,pos\nmixed,pos|neg\n");
        TableCorpus t = TableCorpus.open(p, null);
        TextclsException e = assertThrows(TextclsException.class,
                () -> t.load(PIPELINE, 1, List.of(), false, false, null));
        assertTrue(e.getMessage().startsWith(p + ", line 3: 2 labels 'pos', 'neg' in a table read as single-label"),
                e.getMessage());
        TableCorpus.Loaded l = t.load(PIPELINE, 1, List.of(), false, true, null);
        assertFalse(l.multiLabel());
        assertEquals(List.of("1"), ids(l));
        assertEquals(List.of(3L), l.skipped().stream().map(TableCorpus.SkippedRow::line).toList());
        assertTrue(t.load(PIPELINE, 1, List.of(), null, false, null).multiLabel());
    }

    /** A bad row: the file (good rows around it), the line and id it is on, and words of the reason. */
    private record Bad(String name, String content, TableColumns columns, long line, String id, String reason) {
    }

    private List<Bad> badRows() {
        TableColumns d = TableColumns.defaults();
        TableColumns withId = cols(null, null, "id", null);
        String jsonGood = "{\"text\": \"fine\", \"label\": \"a\"}\n";
        String jsonGood2 = "{\"text\": \"also fine\", \"label\": \"b\"}\n";
        return List.of(
                new Bad("invalid.jsonl", jsonGood + "{\"text\": \"x\", \"label\": }\n" + jsonGood2, d, 2, "2",
                        "not valid JSON"),
                new Bad("trailing.jsonl", jsonGood + "{\"text\": \"x\", \"label\": \"a\"} extra\n" + jsonGood2, d, 2,
                        "2", "not valid JSON"),
                new Bad("array.jsonl", jsonGood + "\n[1, 2]\n" + jsonGood2, d, 3, "3", "not a JSON object but an array"),
                new Bad("notext.jsonl", jsonGood + "{\"label\": \"a\"}\n" + jsonGood2, d, 2, "2",
                        "no text: field 'text' is missing"),
                new Bad("numtext.jsonl", jsonGood + "{\"text\": 5, \"label\": \"a\"}\n" + jsonGood2, d, 2, "2",
                        "the text field 'text' is a number, not a string"),
                new Bad("nolabel.jsonl", jsonGood + "{\"text\": \"x\"}\n" + jsonGood2, d, 2, "2",
                        "no label: field 'label' is missing"),
                new Bad("objlabel.jsonl", jsonGood + "{\"text\": \"x\", \"label\": {\"a\": 1}}\n" + jsonGood2, d, 2,
                        "2", "the label field 'label' is an object, not a string or an array of strings"),
                new Bad("arraylabel.jsonl", jsonGood + "{\"text\": \"x\", \"label\": [\"a\", null]}\n" + jsonGood2, d,
                        2, "2", "the label array 'label' holds null"),
                new Bad("fields.csv", "text,label\nfine,a\nx,a,extra\nalso fine,b\n", d, 3, "2",
                        "the row has 3 fields, the header has 2"),
                new Bad("fewer.csv", "id,text,label\nr1,fine,a\nr2,x\nr3,also fine,b\n", withId, 3, "r2",
                        "the row has 2 fields, the header has 3"),
                new Bad("emptylabel.csv", "text,label\nfine,a\nx,\nalso fine,b\n", d, 3, "2", "empty label"),
                new Bad("separators.csv", "text,label\nfine,a\nx,a||b\nalso fine,b\n", d, 3, "2",
                        "an empty label between separators in 'a||b'"),
                new Bad("wide.csv", "text,a,b\nfine,1,0\nx,2,0\nalso fine,0,1\n",
                        cols(null, List.of("a", "b"), null, null), 3, "2", "label column 'a' holds '2', not 0 or 1"),
                new Bad("widejson.jsonl", "{\"text\": \"fine\", \"a\": 1}\n{\"text\": \"x\", \"a\": 0.5}\n"
                        + "{\"text\": \"also fine\", \"a\": false}\n", cols(null, List.of("a"), null, null), 2, "2",
                        "label column 'a' holds 0.5, not 0 or 1"),
                new Bad("duplicate.csv", "id,text,label\nr1,fine,a\nr2,also fine,b\nr1,again,a\n", withId, 4, "r1",
                        "id 'r1' is already used by the row on line 2"),
                new Bad("emptyid.csv", "id,text,label\nr1,fine,a\n,x,a\nr3,also fine,b\n", withId, 3, "",
                        "empty id (column 'id')"));
    }

    @Test
    void everyBadRowIsAnErrorNamingFileLineAndReason() throws Exception {
        for (Bad b : badRows()) {
            Path p = file(b.name(), b.content());
            TableCorpus t = TableCorpus.open(p, b.columns());
            TextclsException e = assertThrows(TextclsException.class,
                    () -> t.load(PIPELINE, 2, List.of(), null, false, null), b.name());
            String m = e.getMessage();
            assertTrue(m.startsWith(p + ", line " + b.line() + ": "), b.name() + ": " + m);
            assertTrue(m.contains(b.reason()), b.name() + ": " + m);
            assertTrue(m.endsWith("; fix the row, or pass --skip-bad-rows to skip such rows"), b.name() + ": " + m);
        }
    }

    @Test
    void everyBadRowIsSkippedWhenAskedAndTheGoodRowsStillLoad() throws Exception {
        for (Bad b : badRows()) {
            Path p = file(b.name(), b.content());
            TableCorpus.Loaded l = TableCorpus.open(p, b.columns()).load(PIPELINE, 2, List.of(), null, true, null);
            assertEquals(1, l.skipped().size(), b.name());
            TableCorpus.SkippedRow s = l.skipped().get(0);
            assertEquals(b.line(), s.line(), b.name());
            assertEquals(b.id(), s.id(), b.name());
            assertTrue(s.reason().contains(b.reason()), b.name() + ": " + s.reason());
            assertEquals(2, l.corpus().documents().size(), b.name());
            assertEquals(List.of("fine"), List.of(l.corpus().documents().get(0).tokens()), b.name());
            assertEquals(3, l.rows(), b.name());
        }
    }

    @Test
    void anEmptyLabelIsBadOnlyInASingleLabelTable() throws Exception {
        Path p = file("e.csv", "text,label\nx,\nfine,a\ny,\nalso fine,b\n");
        TableCorpus t = TableCorpus.open(p, null);
        TextclsException e = assertThrows(TextclsException.class,
                () -> t.load(PIPELINE, 1, List.of(), null, false, null));
        assertTrue(e.getMessage().startsWith(p + ", line 2: empty label"), e.getMessage());
        TableCorpus.Loaded l = t.load(PIPELINE, 1, List.of(), null, true, null);
        assertEquals(List.of(2L, 4L), l.skipped().stream().map(TableCorpus.SkippedRow::line).toList());
        assertEquals(List.of("2", "4"), ids(l));
        file("e.csv", "text,label\nx,\nfine,a\ny,\nalso fine,b|c\n");
        TableCorpus.Loaded multi = TableCorpus.open(p, null).load(PIPELINE, 1, List.of(), null, false, null);
        assertTrue(multi.multiLabel());
        assertEquals(4, multi.corpus().documents().size());
    }

    @Test
    void aSkippedRowDoesNotMakeTheTableMultiLabel() throws Exception {
        Path p = file("s.jsonl", "{\"text\": \"a\", \"label\": \"x\", \"g\": \"1\"}\n"
                + "{\"text\": \"b\", \"label\": [\"x\", \"y\"], \"g\": {\"bad\": 1}}\n"
                + "{\"text\": \"c\", \"label\": \"y\", \"g\": 2}\n");
        TableCorpus.Loaded l = load(p, cols(null, null, null, "g"), true);
        assertEquals(List.of(2L), l.skipped().stream().map(TableCorpus.SkippedRow::line).toList());
        assertTrue(l.skipped().get(0).reason().contains("group field 'g' is an object"), l.skipped().get(0).reason());
        assertFalse(l.multiLabel());
        assertEquals(List.of("x", "y"), l.corpus().labels());
        assertEquals(Map.of("1", "1", "3", "2"), l.groups());
    }

    @Test
    void skippedRowsComeInFileOrderEvenWhenDecidedAtTheEnd() throws Exception {
        Path p = file("o.csv", "text,label\nx,\nfine,a\ny,a,extra\nalso fine,b\n");
        TableCorpus.Loaded l = TableCorpus.open(p, null).load(PIPELINE, 1, List.of(), null, true, null);
        assertEquals(List.of(2L, 4L), l.skipped().stream().map(TableCorpus.SkippedRow::line).toList());
    }

    @Test
    void anEmptyTextIsAnEmptyDocumentAsAnEmptyFileIs() throws Exception {
        Path p = file("empty.csv", "text,label\nfine,a\n\"\",a\n\" \t \",b\nalso fine,b\n");
        TableCorpus.Loaded l = TableCorpus.open(p, null).load(PIPELINE, 1, List.of(), null, false, null);
        assertEquals(List.of(), l.skipped());
        assertEquals(4, l.corpus().documents().size());
        assertEquals(2, l.corpus().documents().stream().filter(d -> d.tokens().length == 0).count());
        Path j = file("empty.jsonl", "{\"text\": \"fine\", \"label\": \"a\"}\n{\"text\": \"\", \"label\": \"b\"}\n");
        assertEquals(2, TableCorpus.open(j, null).load(PIPELINE, 1, List.of(), null, false, null).corpus().documents()
                .size());
    }

    @Test
    void missingColumnsNameTheFileTheColumnAndTheColumnsItHas() throws Exception {
        Path p = file("c.csv", "body,label,id\nx,a,1\n");
        TextclsException text = assertThrows(TextclsException.class, () -> TableCorpus.open(p, null));
        assertEquals(p + " has no text column 'text'; its columns: [body, label, id]: name the one holding the text "
                + "(--text-column)", text.getMessage());
        // without an id column named, body and id could both be the text; with it, body is the only one left
        assertEquals("body", TableCorpus.open(p, new TableColumns(null, null, null, "id", null, null)).columns().text());
        Path review = file("r.csv", "label,review\n1,很好吃\n0,太难吃了\n");
        assertEquals("review", TableCorpus.open(review, null).columns().text());
        assertEquals("label", TableCorpus.open(review, null).columns().label());
        TextclsException group = assertThrows(TextclsException.class,
                () -> TableCorpus.open(p, new TableColumns("body", null, null, "id", "movie", "|")));
        assertEquals(p + " has no group column 'movie'; its columns: [body, label, id]", group.getMessage());
        TextclsException wide = assertThrows(TextclsException.class,
                () -> TableCorpus.open(p, new TableColumns("body", null, List.of("label", "toxic"), null, null, "|")));
        assertTrue(wide.getMessage().contains("'toxic'") && wide.getMessage().contains("[body, label, id]"),
                wide.getMessage());
        Path j = file("c.jsonl", "\n{\"text\": \"x\", \"tag\": \"a\"}\n");
        TextclsException label = assertThrows(TextclsException.class, () -> TableCorpus.open(j, null));
        assertTrue(label.getMessage().startsWith(j.toString()) && label.getMessage().contains("'label'")
                && label.getMessage().contains("'labels'") && label.getMessage().endsWith("[text, tag]"),
                label.getMessage());
        Path missing = dir.resolve("nope.csv");
        TextclsException none = assertThrows(TextclsException.class, () -> TableCorpus.open(missing, null));
        assertTrue(none.getMessage().contains(missing.toString()), none.getMessage());
        TextclsException notTable = assertThrows(TextclsException.class,
                () -> TableCorpus.open(file("x.txt", "text,label\n"), null));
        assertTrue(notTable.getMessage().contains("x.txt") && notTable.getMessage().contains(".csv"),
                notTable.getMessage());
        TextclsException empty = assertThrows(TextclsException.class,
                () -> TableCorpus.open(file("empty.csv", ""), null));
        assertTrue(empty.getMessage().contains("empty.csv") && empty.getMessage().contains("header"),
                empty.getMessage());
        TextclsException noRows = assertThrows(TextclsException.class,
                () -> load(file("header.csv", "text,label\n")));
        assertTrue(noRows.getMessage().contains("no data rows"), noRows.getMessage());
    }

    @Test
    void bomCrlfQuotedNewlinesAndBlankLinesKeepLineNumbersRight() throws Exception {
        String csv = "\uFEFFtext,label\r\n\"multi\r\nline \"\"quoted\"\"\",a\r\n\r\nsecond,b\r\n\"x\ny\nz\",a\r\nbad,b,c\r\n";
        Path p = file("bom.csv", csv);
        TableCorpus t = TableCorpus.open(p, null);
        assertEquals("text", t.columns().text());
        TextclsException e = assertThrows(TextclsException.class,
                () -> t.load(PIPELINE, 1, List.of(), null, false, null));
        assertTrue(e.getMessage().startsWith(p + ", line 9: the row has 3 fields"), e.getMessage());
        TableCorpus.Loaded l = t.load(PIPELINE, 1, List.of(), null, true, null);
        assertEquals(List.of("1", "2", "3"), ids(l)); // the blank line is no row
        assertEquals(List.of(new TableCorpus.SkippedRow(9, "4", l.skipped().get(0).reason())), l.skipped());
        assertEquals(4, l.rows());
        assertEquals(Map.of("1", "multi\r\nline \"quoted\"", "3", "x\ny\nz"), t.texts(Set.of("1", "3")));
        // the same in a JSONL file: BOM and CRLF
        Path j = file("bom.jsonl", "\uFEFF{\"text\": \"one\", \"label\": \"a\"}\r\n\r\n{\"text\": \"two\"}\r\n");
        TextclsException je = assertThrows(TextclsException.class, () -> load(j));
        assertTrue(je.getMessage().startsWith(j + ", line 3: no label"), je.getMessage());
    }

    @Test
    void invalidUtf8IsReplacedAndCountedOnlyInTheText() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write("text,label\ncaf".getBytes(StandardCharsets.UTF_8));
        b.write(0xe9); // Latin-1 é: one malformed sequence
        b.write(" ok,a\nfine,b\nx".getBytes(StandardCharsets.UTF_8));
        b.write(new byte[] {(byte) 0xff, (byte) 0xfe}); // two
        b.write("y,a\nreal \uFFFD character,a\nclean text,b".getBytes(StandardCharsets.UTF_8));
        b.write(0xe9); // in the label cell, not the text
        b.write("\n".getBytes(StandardCharsets.UTF_8));
        Path p = bytes("u.csv", b.toByteArray());
        TableCorpus.Loaded l = load(p);
        assertEquals(5, l.corpus().documents().size());
        assertEquals(2, l.corpus().stats().malformedDocuments());
        assertEquals(3, l.corpus().stats().malformedSequences());
        assertEquals(List.of("a", "b", "b\uFFFD"), l.corpus().labels());
        assertEquals("caf\uFFFD ok", TableCorpus.open(p, null).texts(Set.of("1")).get("1"));

        ByteArrayOutputStream j = new ByteArrayOutputStream();
        j.write("{\"text\": \"fine\", \"label\": \"a\"}\n{\"text\": \"bad ".getBytes(StandardCharsets.UTF_8));
        j.write(0xc3); // a cut two-byte sequence
        j.write(" byte\", \"label\": \"a\"}\n".getBytes(StandardCharsets.UTF_8));
        TableCorpus.Loaded lj = load(bytes("u.jsonl", j.toByteArray()));
        assertEquals(2, lj.corpus().documents().size());
        assertEquals(1, lj.corpus().stats().malformedDocuments());
        assertEquals(1, lj.corpus().stats().malformedSequences());
    }

    @Test
    void brokenQuotingIsAnErrorEvenWhenSkippingBadRows() throws Exception {
        Path p = file("q.csv", "text,label\ngood,a\n\"never closed,b\nmore,c\n");
        TableCorpus t = TableCorpus.open(p, null);
        for (boolean skip : new boolean[] {false, true}) {
            TextclsException e = assertThrows(TextclsException.class,
                    () -> t.load(PIPELINE, 1, List.of(), null, skip, null));
            assertTrue(e.getMessage().startsWith(p + ", line 3: broken CSV quoting"), e.getMessage());
            assertTrue(e.getMessage().contains("--skip-bad-rows cannot skip it"), e.getMessage());
        }
        Path q = file("q2.csv", "text,label\r\ngood,a\r\n\"multi\r\nline\",a\r\n\"closed\"then more,b\r\n");
        TextclsException e = assertThrows(TextclsException.class, () -> load(q));
        assertTrue(e.getMessage().startsWith(q + ", line 5: broken CSV quoting"), e.getMessage());
    }

    @Test
    void onlyKeepsTheIdsAskedForAndNamesMissingOnes() throws Exception {
        Path p = file("o.csv", "text,label\nzebra,a\nthe cat,b\nthe dog,a\n");
        TableCorpus t = TableCorpus.open(p, null);
        TableCorpus.Loaded l = t.load(PIPELINE, 2, List.of(), null, false, Set.of("2", "3"));
        assertEquals(List.of("2", "3"), ids(l));
        assertEquals(3, l.rows());
        assertEquals(4, l.tokens());
        assertEquals(3, l.distinctTokens()); // "zebra" was passed over, never tokenized
        TextclsException e = assertThrows(TextclsException.class,
                () -> t.load(PIPELINE, 2, List.of(), null, false, Set.of("2", "99", "98")));
        assertTrue(e.getMessage().startsWith("2 of the 3 requested documents are not in " + p)
                && e.getMessage().contains("(first: 98)"), e.getMessage());
    }

    @Test
    void textsReadsTheRawTextsOfSomeIds() throws Exception {
        Path p = file("t.jsonl", "{\"id\": \"a\", \"text\": \"Alpha <b>bold</b>\", \"label\": \"x\"}\n"
                + "not json\n{\"id\": \"b\", \"text\": \"Beta\", \"label\": \"y\"}\n"
                + "{\"id\": \"c\", \"text\": \"Gamma\", \"label\": \"y\"}\n");
        TableCorpus t = TableCorpus.open(p, cols(null, null, "id", null));
        Map<String, String> texts = t.texts(Set.of("c", "a"));
        assertEquals(List.of("a", "c"), List.copyOf(texts.keySet()));
        assertEquals("Alpha <b>bold</b>", texts.get("a"));
        assertEquals("Gamma", texts.get("c"));
        TextclsException e = assertThrows(TextclsException.class, () -> t.texts(Set.of("a", "zz")));
        assertTrue(e.getMessage().contains("zz") && e.getMessage().contains(p.toString()), e.getMessage());
    }

    @Test
    void writeSkippedWritesCsvWithHeader() throws Exception {
        Path out = dir.resolve("sub/skipped.csv");
        TableCorpus.writeSkipped(out, List.of(new TableCorpus.SkippedRow(3, "r2", "empty label"),
                new TableCorpus.SkippedRow(7, "", "label 'x' is not one of the labels asked for: [a, b]"),
                new TableCorpus.SkippedRow(9, "q\"1", "not valid JSON")));
        assertEquals("line,id,reason\r\n3,r2,empty label\r\n7,,\"label 'x' is not one of the labels asked for: [a, b]\"\r\n"
                + "9,\"q\"\"1\",not valid JSON\r\n", Files.readString(out));
        TableCorpus.writeSkipped(out, List.of());
        assertEquals("line,id,reason\r\n", Files.readString(out));
    }

    @Test
    void tokensAreInternedAcrossRows() throws Exception {
        Path p = file("i.csv", "text,label\nthe cat,a\nthe dog,b\nthe cat,a\n");
        TableCorpus.Loaded l = load(p);
        assertEquals(6, l.tokens());
        assertEquals(3, l.distinctTokens());
        List<TokenizedDocument> d = l.corpus().documents();
        assertSame(d.get(0).tokens()[0], d.get(1).tokens()[0]);
        assertSame(d.get(0).tokens()[1], d.get(2).tokens()[1]);
    }

    @Test
    void manyRowsOverSeveralChunksKeepFileOrder() throws Exception {
        StringBuilder sb = new StringBuilder("id,text,label\n");
        int n = TableLoad.CHUNK * 3 + 17;
        for (int i = 0; i < n; i++) {
            sb.append("r").append(i).append(',').append(word(i)).append(" common,").append(i % 3 == 0 ? "x" : "y")
                    .append('\n');
        }
        Path p = file("big.csv", sb.toString());
        TableCorpus t = TableCorpus.open(p, cols(null, null, "id", null));
        TableCorpus.Loaded l = t.load(PIPELINE, 3, List.of(), null, false, null);
        assertEquals(n, l.corpus().documents().size());
        Set<String> distinct = new HashSet<>();
        for (int i = 0; i < n; i++) {
            TokenizedDocument d = l.corpus().documents().get(i);
            assertEquals("r" + i, d.id());
            List<String> expected = PIPELINE.tokens(word(i) + " common");
            assertEquals(expected, List.of(d.tokens()), "row " + i);
            distinct.addAll(expected);
            assertEquals(i % 3 == 0 ? 0 : 1, d.label());
        }
        assertEquals(distinct.size(), l.distinctTokens());
        assertTrue(distinct.size() > n / 2, "distinct words: " + distinct.size());
        assertEquals(l.corpus().stats().fingerprint(),
                t.load(PIPELINE, 1, List.of(), null, false, null).corpus().stats().fingerprint());
        Set<String> some = new HashSet<>(List.of("r5", "r" + (n - 1)));
        assertEquals(List.of("r5", "r" + (n - 1)), ids(t.load(PIPELINE, 3, List.of(), null, false, some)));
    }

    /** A distinct word of letters for each number. */
    private static String word(int i) {
        StringBuilder w = new StringBuilder("w");
        do {
            w.append((char) ('a' + i % 26));
            i /= 26;
        } while (i > 0);
        return w.toString();
    }

    @Test
    void columnsRecordDefaultsAndChecks() {
        TableColumns d = TableColumns.defaults();
        assertEquals(new TableColumns("text", null, null, null, null, "|"), d);
        assertEquals(d, new TableColumns(null, null, null, null, null, null));
        assertThrows(TextclsException.class, () -> new TableColumns("text", "label", List.of("a"), null, null, "|"));
        assertThrows(TextclsException.class, () -> new TableColumns("text", null, List.of(), null, null, "|"));
        assertThrows(TextclsException.class, () -> new TableColumns("text", null, List.of("*", "a"), null, null, "|"));
        assertThrows(TextclsException.class, () -> new TableColumns("text", null, null, null, null, ""));
    }

    @Test
    void allRowsBadIsAnError() throws Exception {
        Path p = file("allbad.csv", "text,label\nx,a,1\ny,b,2\n");
        TextclsException e = assertThrows(TextclsException.class,
                () -> load(p, TableColumns.defaults(), true));
        assertTrue(e.getMessage().contains("all 2 rows are bad") && e.getMessage().contains("line 2"),
                e.getMessage());
    }
}
