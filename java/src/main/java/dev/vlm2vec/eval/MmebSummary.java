package dev.vlm2vec.eval;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.jspecify.annotations.NullMarked;

/**
 * MMEB's aggregates: per meta-task, IND, OOD and overall, each the UNWEIGHTED mean of the
 * Precision@1 of the datasets it covers (as the paper computes them); absent when no
 * evaluated dataset falls in the group.
 */
@NullMarked
public record MmebSummary(List<DatasetScore> datasets, Map<MetaTask, OptionalDouble> metaTasks, OptionalDouble ind,
        OptionalDouble ood, OptionalDouble overall) {

    public static MmebSummary of(List<DatasetScore> scores) {
        Map<MetaTask, OptionalDouble> perTask = new EnumMap<>(MetaTask.class);
        for (MetaTask task : MetaTask.values()) {
            perTask.put(task, mean(scores.stream().filter(s -> s.dataset().metaTask() == task).toList()));
        }
        return new MmebSummary(List.copyOf(scores), perTask,
                mean(scores.stream().filter(s -> s.dataset().inDistribution()).toList()),
                mean(scores.stream().filter(s -> !s.dataset().inDistribution()).toList()), mean(scores));
    }

    private static OptionalDouble mean(List<DatasetScore> scores) {
        return scores.stream().mapToDouble(DatasetScore::acc).average();
    }
}
