package dev.vlm2vec.data;

import java.util.List;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * One MMEB-eval row: a query and its candidates, the positive first (columns {@code qry_text,
 * qry_img_path, tgt_text[], tgt_img_path[]}; empty image paths mean "no image").
 */
@NullMarked
public record EvalRow(String queryText, @Nullable String queryImage, List<String> targetTexts,
        List<@Nullable String> targetImages) {

    public EvalRow {
        if (targetTexts.size() != targetImages.size()) {
            throw new IllegalArgumentException("tgt_text has " + targetTexts.size() + " entries but tgt_img_path has "
                    + targetImages.size());
        }
        if (targetTexts.isEmpty()) {
            throw new IllegalArgumentException("a row needs at least one candidate");
        }
        targetTexts = List.copyOf(targetTexts);
        targetImages = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(targetImages));
    }
}
