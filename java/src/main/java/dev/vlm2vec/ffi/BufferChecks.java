package dev.vlm2vec.ffi;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.jspecify.annotations.NullMarked;

/**
 * Checks a caller's buffers against the shape they are meant to hold, before a downcall,
 * so that a wrong size is an {@link IllegalArgumentException} naming the buffer rather than
 * a native read past its end.
 */
@NullMarked
final class BufferChecks {

    private BufferChecks() {}

    static void requireAtLeast(String name, long value, long minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(name + " = " + value + " is invalid: it must be at least " + minimum);
        }
    }

    /** Element count of a shape; an overflow is an argument error. */
    static long elements(long... sizes) {
        long product = 1;
        for (long size : sizes) {
            product = Math.multiplyExact(product, size);
        }
        return product;
    }

    static void requireOffHeap(String name, MemorySegment segment, ValueLayout element, long expectedElements,
            String formula) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException(name + " is a heap segment; native code needs off-heap memory"
                    + " (allocate it from an Arena) or the array overload of this method");
        }
        long expectedBytes = Math.multiplyExact(expectedElements, element.byteSize());
        if (segment.byteSize() != expectedBytes) {
            throw new IllegalArgumentException(name + " holds " + segment.byteSize() + " bytes but " + formula + " = "
                    + expectedElements + " elements of " + element.byteSize() + " bytes (" + expectedBytes
                    + " bytes) are required");
        }
        if (segment.address() % element.byteAlignment() != 0) {
            throw new IllegalArgumentException(name + " is not aligned to " + element.byteAlignment() + " bytes");
        }
    }
}
