package dev.vlm2vec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {

    /** On a terminal each redraw returns to the line start and erases what a longer earlier line left. */
    @Test
    void terminalRedrawsEraseTheRestOfTheLine() {
        StringWriter text = new StringWriter();
        Progress progress = new Progress(new PrintWriter(text), "train", 2, true);
        progress.update(1, "loss 10.0000 a long detail");
        progress.update(2, "loss 1.0");
        String out = text.toString();
        assertEquals(2, out.split("\r", -1).length - 1, out);
        assertEquals(2, out.split(Progress.ERASE_LINE_END.replace("[", "\\["), -1).length - 1, out);
        assertTrue(out.endsWith(Progress.ERASE_LINE_END + System.lineSeparator()), out);
    }

    /** Elsewhere (a pipe, a CI log) plain lines, never carriage returns or escapes. */
    @Test
    void pipesGetPlainLines() {
        StringWriter text = new StringWriter();
        Progress progress = new Progress(new PrintWriter(text), "embed", 2, false);
        progress.update(1);
        progress.update(2);
        String out = text.toString();
        assertTrue(!out.contains("\r") && !out.contains("\u001b") && out.contains("embed: 2/2"), out);
    }
}
