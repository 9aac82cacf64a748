package dev.vlm2vec.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.NullMarked;

/** The instruction-set flags of this machine's CPU, as Linux lists them in /proc/cpuinfo. */
@NullMarked
record CpuFeatures(Set<String> flags) {

    static CpuFeatures read() {
        try {
            return parse(Files.readString(Path.of("/proc/cpuinfo")));
        } catch (IOException | SecurityException e) {
            return new CpuFeatures(Set.of());
        }
    }

    static CpuFeatures parse(String cpuinfo) {
        return cpuinfo.lines()
                .filter(line -> line.startsWith("flags"))
                .findFirst()
                .map(line -> new CpuFeatures(Arrays.stream(line.substring(line.indexOf(':') + 1).trim().split("\\s+"))
                        .collect(Collectors.toUnmodifiableSet())))
                .orElse(new CpuFeatures(Set.of()));
    }

    boolean has(String flag) {
        return flags.contains(flag);
    }
}
