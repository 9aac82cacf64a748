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

    /** A meta-task by its key or title, any case ({@code retrieval}, {@code Retrieval}); unknown names list the known ones. */
    public static MetaTask parse(String name) {
        for (MetaTask task : values()) {
            if (task.key().equalsIgnoreCase(name.strip())) {
                return task;
            }
        }
        throw new IllegalArgumentException("unknown meta-task '" + name + "'; known: classification, vqa, retrieval, grounding");
    }
}
