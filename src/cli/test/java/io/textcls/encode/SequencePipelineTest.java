package io.textcls.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.model.dl4j.SequenceBatches;
import io.textcls.vocab.Vocabulary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

class SequencePipelineTest {
    private final Vocabulary vocab = Vocabulary.build(Map.of("a", 4L, "b", 3L, "c", 2L, "d", 1L), 100, 1);

    @Test
    void encodesWithTruncationAndUnknowns() {
        SequenceEncoder tail = new SequenceEncoder(vocab, new SequenceSettings(3, SequenceSettings.Truncation.TAIL));
        SequenceEncoder head = new SequenceEncoder(vocab, new SequenceSettings(3, SequenceSettings.Truncation.HEAD));
        List<String> toks = List.of("a", "b", "zzz", "c", "d");
        assertArrayEquals(new int[] {2, 3, 1}, head.encode(toks));
        assertArrayEquals(new int[] {1, 4, 5}, tail.encode(toks));
        assertArrayEquals(new int[] {2}, tail.encode(List.of("a")));
        assertArrayEquals(new int[] {Vocabulary.UNK_ID}, tail.encode(List.of()));
        SequenceEncoder headTail = new SequenceEncoder(vocab,
                new SequenceSettings(4, SequenceSettings.Truncation.HEAD_TAIL));
        List<String> six = List.of("a", "b", "x", "y", "c", "d");
        assertArrayEquals(new int[] {2, 1, 4, 5}, headTail.encode(six), "first third from the start, rest from the end");
        assertArrayEquals(new int[] {2, 3}, headTail.encode(List.of("a", "b")));
    }

    @Test
    void perDocumentLabelsForPooledNetworks() {
        List<int[]> seqs = List.of(new int[] {5, 6, 7}, new int[] {8}, new int[] {9, 10});
        DataSet ds = SequenceBatches.iterator(seqs, new int[] {2, 0, 1}, 3, 3, true).next();
        assertArrayEquals(new long[] {3, 3}, ds.getLabels().shape());
        assertEquals(Nd4j.createFromArray(new float[][] {{0, 0, 1}, {1, 0, 0}, {0, 1, 0}}),
                ds.getLabels().castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT));
        assertEquals(null, ds.getLabelsMaskArray());
        assertArrayEquals(new long[] {3, 3}, ds.getFeaturesMaskArray().shape());
    }

    @Test
    void batchesHaveFeatureMasksAndTheLabelAtTheLastRealStep() {
        List<int[]> seqs = List.of(new int[] {5, 6, 7}, new int[] {8}, new int[] {9, 10});
        int[] labels = {2, 0, 1};
        DataSetIterator it = SequenceBatches.iterator(seqs, labels, 3, 3);
        DataSet ds = it.next();
        INDArray f = ds.getFeatures();
        assertArrayEquals(new long[] {3, 1, 3}, f.shape());
        assertArrayEquals(new long[] {3, 3, 3}, ds.getLabels().shape());
        assertEquals(7f, f.getFloat(0, 0, 2));
        assertEquals(8f, f.getFloat(1, 0, 0));
        assertEquals(10f, f.getFloat(2, 0, 1));
        INDArray fm = ds.getFeaturesMaskArray();
        INDArray lm = ds.getLabelsMaskArray();
        int[] lengths = {3, 1, 2};
        for (int r = 0; r < 3; r++) {
            for (int t = 0; t < 3; t++) {
                assertEquals(t < lengths[r] ? 1f : 0f, fm.getFloat(r, t), "feature mask " + r + "," + t);
                assertEquals(t == lengths[r] - 1 ? 1f : 0f, lm.getFloat(r, t), "label mask " + r + "," + t);
            }
            assertEquals(1f, ds.getLabels().getFloat(r, labels[r], lengths[r] - 1));
            assertEquals(1f, ds.getLabels().sum(1).getFloat(r, lengths[r] - 1));
        }
        assertTrue(!it.hasNext());
    }

    @Test
    void bucketedTrainingBatchesCoverEveryDocumentOnceAndGroupLengths() {
        Random r = new Random(3);
        int[] lengths = new int[1000];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = 1 + r.nextInt(400);
        }
        List<int[]> batches = Bucketing.trainingBatches(lengths, 32, new Random(1));
        Set<Integer> seen = new HashSet<>();
        long padded = 0;
        for (int i = 0; i < batches.size(); i++) {
            int[] b = batches.get(i);
            assertTrue(b.length == 32 || i == batches.size() - 1, "only the last batch may be short");
            int max = 0;
            for (int d : b) {
                assertTrue(seen.add(d));
                max = Math.max(max, lengths[d]);
            }
            for (int d : b) {
                padded += max - lengths[d];
            }
        }
        assertEquals(lengths.length, seen.size());
        long total = Arrays.stream(lengths).asLongStream().sum();
        assertTrue(padded < total * 0.1, "padding should be small: " + padded + " of " + total);
        assertEquals(batches.stream().map(Arrays::toString).toList(),
                Bucketing.trainingBatches(lengths, 32, new Random(1)).stream().map(Arrays::toString).toList());
    }

    @Test
    void inferenceBatchesAreSortedByLength() {
        int[] lengths = {5, 1, 3, 2};
        List<int[]> batches = Bucketing.inferenceBatches(lengths, 3);
        assertArrayEquals(new int[] {1, 3, 2, 0}, Bucketing.flatten(batches));
        assertEquals(2, batches.size());
        assertEquals(new ArrayList<>(), Bucketing.trainingBatches(new int[0], 4, new Random(1)));
    }
}
