package dev.vlm2vec.cli;

import org.jspecify.annotations.NullMarked;

/**
 * Range checks of numeric flags, each failure naming its flag, the allowed range and the
 * value given; commands run them before reading any data or loading a model.
 */
@NullMarked
final class FlagChecks {

    private FlagChecks() {}

    static void atLeast(String flag, long value, long minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(flag + " must be >= " + minimum + ", not " + value);
        }
    }

    /** {@code value} in {@code [minimum, maximum]}. */
    static void within(String flag, long value, long minimum, long maximum) {
        if (value < minimum || value > maximum) {
            throw new IllegalArgumentException(flag + " must be between " + minimum + " and " + maximum + ", not " + value);
        }
    }

    static void positive(String flag, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(flag + " must be > 0, not " + value);
        }
    }

    static void nonNegative(String flag, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(flag + " must be >= 0, not " + value);
        }
    }

    /** {@code value} in {@code [0, 1)}, e.g. a dropout probability. */
    static void probability(String flag, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(flag + " must be in [0, 1), not " + value);
        }
    }

    /** Two flags that cannot be given together. */
    static void conflict(boolean first, String firstFlag, boolean second, String secondFlag, String why) {
        if (first && second) {
            throw new IllegalArgumentException(firstFlag + " and " + secondFlag + " cannot be used together: " + why);
        }
    }
}
