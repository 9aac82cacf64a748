package dev.vlm2vec.eval;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Predicate;
import org.jspecify.annotations.NullMarked;

/**
 * MMEB's aggregates: per meta-task, IND, OOD and overall, each the UNWEIGHTED mean of the
 * Precision@1 of the datasets it covers (as the paper computes them); absent when no
 * evaluated dataset falls in the group. A user's dataset counts in its declared meta-task (if
 * any) and in overall, never in IND or OOD.
 */
@NullMarked
public record MmebSummary(List<DatasetScore> datasets, Map<MetaTask, OptionalDouble> metaTasks, OptionalDouble ind,
        OptionalDouble ood, OptionalDouble overall) {

    public static MmebSummary of(List<DatasetScore> scores) {
        Map<MetaTask, OptionalDouble> perTask = new EnumMap<>(MetaTask.class);
        for (MetaTask task : MetaTask.values()) {
            perTask.put(task, mean(scores, inTask(task)));
        }
        return new MmebSummary(List.copyOf(scores), perTask, mean(scores, MmebSummary::ind), mean(scores, MmebSummary::ood),
                mean(scores, s -> true));
    }

    /** How many datasets the meta-task's mean covers. */
    public int count(MetaTask task) {
        return (int) datasets.stream().filter(inTask(task)).count();
    }

    public int indCount() {
        return (int) datasets.stream().filter(MmebSummary::ind).count();
    }

    public int oodCount() {
        return (int) datasets.stream().filter(MmebSummary::ood).count();
    }

    private static Predicate<DatasetScore> inTask(MetaTask task) {
        return s -> s.dataset().metaTask() == task;
    }

    private static boolean ind(DatasetScore s) {
        return s.dataset().origin() != MmebDataset.Origin.CUSTOM && s.dataset().inDistribution();
    }

    private static boolean ood(DatasetScore s) {
        return s.dataset().origin() != MmebDataset.Origin.CUSTOM && !s.dataset().inDistribution();
    }

    private static OptionalDouble mean(List<DatasetScore> scores, Predicate<DatasetScore> filter) {
        return scores.stream().filter(filter).mapToDouble(DatasetScore::acc).average();
    }
}
