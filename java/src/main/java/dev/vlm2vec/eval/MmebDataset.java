package dev.vlm2vec.eval;

import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * One evaluation or training dataset: an MMEB one as the registry describes it, a synthetic
 * MMEB-mini one, or the user's own (named by its file or folder).
 *
 * @param name e.g. {@code ImageNet-1K}
 * @param origin where the description comes from; only {@link Origin#MMEB} scores compare with the paper's
 * @param metaTask its meta-task; null for a user's dataset that declares none (it counts only in "overall")
 * @param inDistribution IND (has training data) or OOD (evaluation only); meaningless for a user's dataset
 * @param queryModality e.g. {@code image,text} (empty when unknown)
 * @param targetModality e.g. {@code text} (empty when unknown)
 * @param queryInstruction the instruction of its queries ({@code {placeholders}} for per-row text; empty when unknown)
 * @param targetInstruction the instruction of image targets, or null (text targets carry none)
 */
@NullMarked
public record MmebDataset(String name, Origin origin, @Nullable MetaTask metaTask, boolean inDistribution,
        String queryModality, String targetModality, String queryInstruction, @Nullable String targetInstruction) {

    /** Where a dataset's description comes from. */
    public enum Origin {
        /** One of the 36 MMEB datasets. */
        MMEB,
        /** A synthetic MMEB-mini dataset. */
        SYNTHETIC,
        /** The user's own, named by its file or folder. */
        CUSTOM
    }

    /** A user's dataset; {@code metaTask} as declared in {@code datasets.json} or {@code --task}, or null. */
    public static MmebDataset custom(String name, @Nullable MetaTask metaTask) {
        return new MmebDataset(name, Origin.CUSTOM, metaTask, false, "", "", "", null);
    }

    /** {@code IND} or {@code OOD}; {@code -} for a user's dataset. */
    public String split() {
        return origin == Origin.CUSTOM ? "-" : inDistribution ? "IND" : "OOD";
    }

    /** The meta-task's title, or {@code -} when none is declared. */
    public String metaTaskTitle() {
        return metaTask == null ? "-" : metaTask.title();
    }
}
