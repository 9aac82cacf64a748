package dev.vlm2vec.processing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

class LengthGroupsTest {

    private static final ToIntFunction<Integer> LENGTH = Integer::intValue;

    @Test
    void anMmebLikeMixSplitsIntoTextsAndImageQueries() {
        List<Integer> mixed = List.of(20, 757, 18, 757, 22, 757, 20, 757);
        List<List<Integer>> groups = LengthGroups.split(mixed, LENGTH, 0.1);
        assertEquals(List.of(List.of(18, 20, 20, 22), List.of(757, 757, 757, 757)), groups);
        assertEquals(List.of(mixed), LengthGroups.split(mixed, LENGTH, 1.0), "1 keeps the batch whole");
    }

    @Test
    void everyGroupStaysWithinItsPaddingBoundAndEveryItemIsKeptOnce() {
        Random random = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            List<Integer> lengths = new ArrayList<>();
            for (int i = 0; i < 1 + random.nextInt(64); i++) {
                lengths.add(1 + random.nextInt(random.nextBoolean() ? 40 : 3000));
            }
            double bound = random.nextDouble() * 0.5;
            List<List<Integer>> groups = LengthGroups.split(lengths, LENGTH, bound);
            List<Integer> all = new ArrayList<>();
            for (List<Integer> group : groups) {
                int longest = group.stream().mapToInt(Integer::intValue).max().orElseThrow();
                long real = group.stream().mapToLong(Integer::longValue).sum();
                long computed = (long) longest * group.size();
                assertTrue(computed - real <= bound * computed + 1e-9, group + " pads more than " + bound);
                all.addAll(group);
            }
            all.sort(null);
            List<Integer> expected = new ArrayList<>(lengths);
            expected.sort(null);
            assertEquals(expected, all);
        }
    }

    @Test
    void aBoundOutsideZeroToOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> LengthGroups.split(List.of(1, 2), LENGTH, 1.5));
        assertThrows(IllegalArgumentException.class, () -> LengthGroups.split(List.of(1, 2), LENGTH, Double.NaN));
    }
}
