package dev.vlm2vec.cli;

import org.jspecify.annotations.NullMarked;

/**
 * One finding of {@code vlm2vec doctor}.
 *
 * @param subject what was checked, e.g. "BLAS"
 * @param verdict how it went
 * @param detail what was found
 * @param fix what to do about it; empty when nothing is needed
 */
@NullMarked
record EnvironmentCheck(String subject, Verdict verdict, String detail, String fix) {

    enum Verdict {
        OK, INFO, WARN, FAIL
    }

    static EnvironmentCheck ok(String subject, String detail) {
        return new EnvironmentCheck(subject, Verdict.OK, detail, "");
    }

    static EnvironmentCheck info(String subject, String detail) {
        return new EnvironmentCheck(subject, Verdict.INFO, detail, "");
    }

    static EnvironmentCheck warn(String subject, String detail, String fix) {
        return new EnvironmentCheck(subject, Verdict.WARN, detail, fix);
    }

    static EnvironmentCheck fail(String subject, String detail, String fix) {
        return new EnvironmentCheck(subject, Verdict.FAIL, detail, fix);
    }
}
