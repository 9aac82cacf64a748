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

    @CommandLine.Option(names = "--brief", description = "One line: the verdict and the subjects that need attention.")
    private boolean brief;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<EnvironmentCheck> checks = Doctor.examine();
        if (brief) {
            out.println(summaryLine(checks));
            out.flush();
            return checks.stream().anyMatch(c -> c.verdict() == EnvironmentCheck.Verdict.FAIL) ? 1 : 0;
        }
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

    /** {@code doctor: ok (9 checks)} or {@code doctor: 1 warning (threads); details: vlm2vec doctor}. */
    static String summaryLine(List<EnvironmentCheck> checks) {
        List<String> failed = checks.stream().filter(c -> c.verdict() == EnvironmentCheck.Verdict.FAIL)
                .map(EnvironmentCheck::subject).toList();
        List<String> warned = checks.stream().filter(c -> c.verdict() == EnvironmentCheck.Verdict.WARN)
                .map(EnvironmentCheck::subject).toList();
        if (failed.isEmpty() && warned.isEmpty()) {
            return "doctor: ok (" + checks.size() + " checks)";
        }
        StringBuilder line = new StringBuilder("doctor: ");
        if (!failed.isEmpty()) {
            line.append(failed.size()).append(" problem(s) to fix (").append(String.join(", ", failed)).append(")");
        }
        if (!warned.isEmpty()) {
            line.append(failed.isEmpty() ? "" : ", ").append(warned.size()).append(" warning(s) (")
                    .append(String.join(", ", warned)).append(")");
        }
        return line.append("; details: vlm2vec doctor").toString();
    }
}
