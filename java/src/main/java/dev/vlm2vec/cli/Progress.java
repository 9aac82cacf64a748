package dev.vlm2vec.cli;

import java.io.PrintWriter;
import org.jspecify.annotations.NullMarked;

/**
 * Progress of a long operation: a bar redrawn in place on a terminal (each redraw erases the
 * rest of the line, so a shorter line leaves no residue of a longer one), otherwise a log line
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

    /** ANSI "erase to end of line". */
    static final String ERASE_LINE_END = "\u001b[K";

    Progress(PrintWriter err, String what, long total) {
        this(err, what, total, System.console() != null && System.console().isTerminal());
    }

    Progress(PrintWriter err, String what, long total, boolean terminal) {
        this.err = err;
        this.what = what;
        this.total = total;
        this.terminal = terminal;
    }

    void update(long done) {
        update(done, "");
    }

    /** As {@link #update(long)}, with {@code detail} (e.g. the loss) and the remaining time after the rate. */
    void update(long done, String detail) {
        long now = System.nanoTime();
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        double rate = done / seconds;
        String eta = done > 0 && done < total ? String.format(" ETA %s", duration((total - done) / rate)) : "";
        String extra = (detail.isEmpty() ? "" : " " + detail) + eta;
        if (terminal) {
            int width = 30, filled = (int) Math.min(width, width * done / Math.max(1, total));
            err.printf("\r%s [%s%s] %d/%d %.1f/s%s%s", what, "#".repeat(filled), " ".repeat(Math.max(0, width - filled)),
                    done, total, rate, extra, ERASE_LINE_END);
            if (done >= total) {
                err.println();
            }
            err.flush();
        } else if (now - lastLog >= LOG_INTERVAL_NANOS || done == total) {
            lastLog = now;
            err.printf("%s: %d/%d (%.1f/s)%s%n", what, done, total, rate, extra);
            err.flush();
        }
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60) : String.format("%dm%02ds", s / 60, s % 60);
    }
}
