package dev.vlm2vec.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of a fresh JVM running the CLI with the tests' native library, for process-level tests. */
final class ChildJvm {

    private ChildJvm() {}

    static List<String> cli(List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
                "-Dvlm2vec.library.path=" + System.getProperty("vlm2vec.test.nativeBuildDir"),
                "-cp", System.getProperty("java.class.path"), Vlm2VecCli.class.getName()));
        command.addAll(args);
        return command;
    }
}
