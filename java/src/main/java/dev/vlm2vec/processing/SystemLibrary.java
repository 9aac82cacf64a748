package dev.vlm2vec.processing;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import org.jspecify.annotations.NullMarked;

/**
 * A shared library of the operating system (the image codecs Pillow links), opened through
 * FFM under the first of its usual names that loads, for the program's lifetime.
 */
@NullMarked
final class SystemLibrary {

    private final SymbolLookup symbols;

    private SystemLibrary(SymbolLookup symbols) {
        this.symbols = symbols;
    }

    /** The library, or empty when none of the names loads (absent, or native access denied). */
    static Optional<SystemLibrary> open(String... names) {
        for (String name : names) {
            try {
                return Optional.of(new SystemLibrary(SymbolLookup.libraryLookup(name, Arena.global())));
            } catch (IllegalArgumentException | UnsupportedOperationException | IllegalCallerException notThere) {
                // try the next name
            }
        }
        return Optional.empty();
    }

    /** A downcall handle for {@code function}, or empty when the library lacks it (an older version). */
    Optional<MethodHandle> function(String function, FunctionDescriptor signature) {
        return symbols.find(function).map(address -> Linker.nativeLinker().downcallHandle(address, signature));
    }
}
