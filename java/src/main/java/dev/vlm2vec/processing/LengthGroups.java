package dev.vlm2vec.processing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.NullMarked;

/**
 * Splits a batch into groups of similar token length, so that a 20-token text does not run
 * padded to a 757-token image query: the items sorted by length, each group grown while its
 * padding (the tokens its rows would add to reach the group's longest) stays at most
 * {@code maxPadding} of the tokens it computes. One group when the lengths allow it; a group
 * of one never pads.
 */
@NullMarked
public final class LengthGroups {

    private LengthGroups() {}

    /**
     * @param maxPadding the largest padded share of a group's computed tokens, in [0, 1]; 1 keeps the batch whole
     * @return groups covering every item once, each in ascending length
     */
    public static <T> List<List<T>> split(List<T> items, ToIntFunction<T> length, double maxPadding) {
        if (!(maxPadding >= 0 && maxPadding <= 1)) {
            throw new IllegalArgumentException("maxPadding must be in [0, 1], not " + maxPadding);
        }
        if (maxPadding >= 1 || items.size() <= 1) {
            return List.of(items);
        }
        List<T> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparingInt(length));
        List<List<T>> groups = new ArrayList<>();
        List<T> group = new ArrayList<>();
        long realTokens = 0;
        for (T item : sorted) {
            int tokens = length.applyAsInt(item);
            // Ascending order: the newcomer is the group's longest, so every row pads to it.
            long computed = (long) tokens * (group.size() + 1);
            if (!group.isEmpty() && computed - (realTokens + tokens) > maxPadding * computed) {
                groups.add(group);
                group = new ArrayList<>();
                realTokens = 0;
            }
            group.add(item);
            realTokens += tokens;
        }
        groups.add(group);
        return groups;
    }
}
