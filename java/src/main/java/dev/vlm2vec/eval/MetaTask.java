package dev.vlm2vec.eval;

import java.util.Locale;
import org.jspecify.annotations.NullMarked;

/** MMEB's four meta-tasks, in the paper's column order. */
@NullMarked
public enum MetaTask {
    CLASSIFICATION("Classification"),
    VQA("VQA"),
    RETRIEVAL("Retrieval"),
    GROUNDING("Grounding");

    private final String title;

    MetaTask(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }

    /** The registry's spelling, e.g. {@code vqa}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    static MetaTask parse(String key) {
        return valueOf(key.toUpperCase(Locale.ROOT));
    }
}
