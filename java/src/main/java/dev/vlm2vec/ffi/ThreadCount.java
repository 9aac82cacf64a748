package dev.vlm2vec.ffi;

import java.util.Map;
import java.util.OptionalInt;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * How many threads libtorch uses inside one operation, unless a caller says otherwise
 * ({@code EmbedderOptions.threads}, {@code --threads}): {@code VLM2VEC_THREADS} if set; else, when
 * {@code OMP_NUM_THREADS} is set, libtorch's reading of it; else every CPU this process may use
 * ({@link Runtime#availableProcessors}, which honours cgroup and affinity limits). libtorch's own
 * default counts physical cores, half the CPUs on many machines.
 */
@NullMarked
public final class ThreadCount {

    public static final String ENVIRONMENT = "VLM2VEC_THREADS";

    private ThreadCount() {}

    /** The count to set at start-up; empty: leave libtorch's (OMP_NUM_THREADS decides). */
    public static OptionalInt defaultFor(Map<String, String> environment, int availableProcessors) {
        @Nullable String configured = environment.get(ENVIRONMENT);
        if (configured != null && !configured.isBlank()) {
            return OptionalInt.of(parse(configured));
        }
        if (environment.containsKey("OMP_NUM_THREADS")) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Math.max(1, availableProcessors));
    }

    private static int parse(String value) {
        try {
            int threads = Integer.parseInt(value.strip());
            if (threads >= 1) {
                return threads;
            }
        } catch (NumberFormatException e) {
            // explained below
        }
        throw new IllegalArgumentException(ENVIRONMENT + "=" + value + " is invalid: set it to a whole number >= 1"
                + " (the threads libtorch uses) or unset it to use every CPU");
    }
}
