package dev.vlm2vec.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.NullMarked;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vlm2vec doctor}: exit code 0 unless a check failed. */
@NullMarked
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check the environment (JDK, native library, BLAS, threads, CUDA) and say what to fix.")
final class DoctorCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<EnvironmentCheck> checks = Doctor.examine();
        int width = checks.stream().mapToInt(check -> check.subject().length()).max().orElse(0);
        for (EnvironmentCheck check : checks) {
            out.printf("[%-4s] %-" + width + "s  %s%n", check.verdict(), check.subject(), check.detail());
            if (!check.fix().isEmpty()) {
                out.printf("       %" + width + "s  fix: %s%n", "", check.fix());
            }
        }
        long failures = checks.stream().filter(check -> check.verdict() == EnvironmentCheck.Verdict.FAIL).count();
        long warnings = checks.stream().filter(check -> check.verdict() == EnvironmentCheck.Verdict.WARN).count();
        out.println(failures > 0 ? failures + " problem(s) must be fixed before vlm2vec can run."
                : warnings > 0 ? "vlm2vec can run; " + warnings + " warning(s) above." : "All good.");
        out.flush();
        return failures > 0 ? 1 : 0;
    }
}
