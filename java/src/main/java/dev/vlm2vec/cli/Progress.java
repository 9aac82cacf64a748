package dev.vlm2vec.cli;

import java.io.PrintWriter;
import org.jspecify.annotations.NullMarked;

/**
 * Progress of a long operation: a bar redrawn in place on a terminal, otherwise a log line
 * every few seconds (so CI logs and pipes stay readable).
 */
@NullMarked
final class Progress {

    private static final long LOG_INTERVAL_NANOS = 5_000_000_000L;

    private final PrintWriter err;
    private final String what;
    private final long total;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long lastLog = start;

    Progress(PrintWriter err, String what, long total) {
        this.err = err;
        this.what = what;
        this.total = total;
        this.terminal = System.console() != null && System.console().isTerminal();
    }

    void update(long done) {
        long now = System.nanoTime();
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        double rate = done / seconds;
        if (terminal) {
            int width = 30, filled = (int) (width * done / Math.max(1, total));
            err.printf("\r%s [%s%s] %d/%d %.1f/s", what, "#".repeat(filled), " ".repeat(width - filled), done, total, rate);
            if (done == total) {
                err.println();
            }
            err.flush();
        } else if (now - lastLog >= LOG_INTERVAL_NANOS || done == total) {
            lastLog = now;
            err.printf("%s: %d/%d (%.1f/s)%n", what, done, total, rate);
            err.flush();
        }
    }
}
