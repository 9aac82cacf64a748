package dev.vlm2vec.eval;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.jspecify.annotations.NullMarked;

/**
 * Which of a summary's aggregates may stand beside the paper's reference rows: only those
 * computed over exactly the paper's datasets. Anything else (MMEB-mini, the user's datasets,
 * part of a meta-task) is a different number, so its reference column is left out and
 * {@link #reasons} says why.
 */
@NullMarked
public record PaperComparison(Map<MetaTask, Boolean> metaTasks, boolean ind, boolean ood, boolean overall,
        List<String> reasons) {

    public static PaperComparison of(List<MmebSummary> summaries, MmebRegistry registry) {
        List<String> reasons = new ArrayList<>();
        Set<String> foreign = summaries.stream().flatMap(s -> s.datasets().stream()).map(DatasetScore::dataset)
                .filter(d -> d.origin() != MmebDataset.Origin.MMEB).map(MmebDataset::name)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        Map<MetaTask, Boolean> perTask = new EnumMap<>(MetaTask.class);
        if (!foreign.isEmpty()) {
            reasons.add("the paper's rows (real MMEB) are left out: " + String.join(", ", foreign)
                    + (foreign.size() == 1 ? " is not an MMEB dataset" : " are not MMEB datasets")
                    + " (MMEB-mini is synthetic), so the scores are not comparable");
            for (MetaTask task : MetaTask.values()) {
                perTask.put(task, false);
            }
            return new PaperComparison(perTask, false, false, false, reasons);
        }
        for (MetaTask task : MetaTask.values()) {
            perTask.put(task, complete(summaries, registry, d -> d.metaTask() == task, task.title(), reasons));
        }
        boolean ind = complete(summaries, registry, MmebDataset::inDistribution, "IND", reasons);
        boolean ood = complete(summaries, registry, d -> !d.inDistribution(), "OOD", reasons);
        boolean overall = complete(summaries, registry, d -> true, "Overall", reasons);
        return new PaperComparison(perTask, ind, ood, overall, reasons);
    }

    /** Whether any column compares with the paper. */
    public boolean any() {
        return overall || ind || ood || metaTasks.containsValue(true);
    }

    // Every run covers every registry dataset of the group; otherwise a reason naming the shortfall.
    private static boolean complete(List<MmebSummary> summaries, MmebRegistry registry, Predicate<MmebDataset> group,
            String title, List<String> reasons) {
        Set<String> wanted = registry.datasets().stream().filter(group).map(MmebDataset::name).collect(Collectors.toSet());
        for (MmebSummary summary : summaries) {
            long present = summary.datasets().stream().map(DatasetScore::dataset).filter(group)
                    .filter(d -> wanted.contains(d.name())).count();
            if (present < wanted.size()) {
                if (present > 0 || title.equals("Overall")) {
                    reasons.add(title + ": the paper's column is left out, only " + present + " of its " + wanted.size()
                            + " datasets were evaluated");
                }
                return false;
            }
        }
        return true;
    }
}
