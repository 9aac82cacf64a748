package dev.vlm2vec.eval;

import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * One MMEB dataset as the registry describes it.
 *
 * @param name e.g. {@code ImageNet-1K}
 * @param metaTask its meta-task
 * @param inDistribution IND (has training data) or OOD (evaluation only)
 * @param queryModality e.g. {@code image,text}
 * @param targetModality e.g. {@code text}
 * @param queryInstruction the instruction of its queries ({@code {placeholders}} for per-row text)
 * @param targetInstruction the instruction of image targets, or null (text targets carry none)
 */
@NullMarked
public record MmebDataset(String name, MetaTask metaTask, boolean inDistribution, String queryModality,
        String targetModality, String queryInstruction, @Nullable String targetInstruction) {

    public String split() {
        return inDistribution ? "IND" : "OOD";
    }
}
