package dev.vlm2vec.eval;

import dev.vlm2vec.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Function;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * An HTML report of one or more evaluation runs side by side ({@code eval}'s {@code report.html},
 * {@code vlm2vec report}'s comparison): one horizontal bar chart per meta-task, IND, OOD and
 * overall with each run's score (and the number of datasets behind it), the paper's reference
 * rows only where {@link PaperComparison} allows (else the reason), what produced each run, and
 * a per-dataset table. Static HTML with inline SVG: no scripts, opens anywhere.
 */
@NullMarked
public final class HtmlReport {

    private record Bar(String label, double percent, boolean ours) {}

    private static final String[] RUN_COLOURS = {"#d9480f", "#2b8a3e", "#862e9c", "#e67700", "#0b7285", "#c2255c"};

    private HtmlReport() {}

    /** {@code output/report.html} for one run. */
    public static void write(EvalRun run, MmebRegistry registry, Path output) throws IOException {
        write(List.of(run), registry, output.resolve("report.html"));
    }

    /** {@code file}: the runs side by side, in the order given. */
    public static void write(List<EvalRun> runs, MmebRegistry registry, Path file) throws IOException {
        AtomicFiles.write(file, render(runs, registry).getBytes(StandardCharsets.UTF_8));
    }

    static String render(List<EvalRun> runs, MmebRegistry registry) {
        PaperComparison comparison = PaperComparison.of(runs.stream().map(EvalRun::summary).toList(), registry);
        String title = String.join(" vs ", runs.stream().map(EvalRun::name).toList());
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>MMEB results: ")
                .append(escape(title)).append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:70em}"
                        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.2em .6em;"
                        + "text-align:right}td:first-child,th:first-child{text-align:left}.chart{margin:1em 0 2em}"
                        + ".note{color:#555}</style></head><body>\n")
                .append("<h1>MMEB Precision@1: ").append(escape(title)).append("</h1>\n");
        runsTable(html, runs);
        for (String reason : comparison.reasons()) {
            html.append("<p class=\"note\">").append(escape(reason)).append("</p>\n");
        }
        for (MetaTask task : MetaTask.values()) {
            chart(html, task.title(), runs, registry, comparison.metaTasks().get(task),
                    r -> OptionalDouble.of(r.metaTasks().get(task)),
                    r -> r.metaTasks().get(task), s -> s.count(task));
        }
        chart(html, "IND", runs, registry, comparison.ind(), r -> OptionalDouble.of(r.ind()), MmebSummary::ind,
                MmebSummary::indCount);
        chart(html, "OOD", runs, registry, comparison.ood(), r -> OptionalDouble.of(r.ood()), MmebSummary::ood,
                MmebSummary::oodCount);
        chart(html, "Overall", runs, registry, comparison.overall(), r -> OptionalDouble.of(r.overall()),
                MmebSummary::overall, s -> s.datasets().size());
        datasetTable(html, runs);
        html.append("<p class=\"note\">Meta-task, IND, OOD and overall scores are unweighted means over the datasets"
                + " counted in brackets.").append(comparison.any() ? " Reference rows: VLM2Vec paper, Table 2 (real MMEB)." : "")
                .append("</p>\n</body></html>\n");
        return html.toString();
    }

    private static void runsTable(StringBuilder html, List<EvalRun> runs) {
        html.append("<table><tr><th>Run</th><th>Model</th><th>Adapter</th><th>dtype</th><th>Data</th><th>vlm2vec</th>"
                + "<th>Started</th><th>Duration</th></tr>\n");
        for (EvalRun run : runs) {
            RunInfo info = run.info();
            html.append("<tr><td>").append(escape(run.name())).append("</td><td>").append(escape(info.model()))
                    .append("</td><td>").append(info.adapter() == null ? "-" : escape(info.adapter())).append("</td><td>")
                    .append(escape(info.dtype())).append("</td><td>").append(escape(info.data())).append("</td><td>")
                    .append(escape(info.version())).append("</td><td>").append(escape(info.startedAt()))
                    .append(String.format(Locale.ROOT, "</td><td>%.0f s</td></tr>%n", info.durationSeconds()));
        }
        html.append("</table>\n");
    }

    private static void chart(StringBuilder html, String title, List<EvalRun> runs, MmebRegistry registry,
            boolean withReferences, Function<MmebRegistry.ReferenceResult, OptionalDouble> reference,
            Function<MmebSummary, OptionalDouble> score, Function<MmebSummary, Integer> count) {
        List<Bar> bars = new ArrayList<>();
        if (withReferences) {
            registry.referenceResults().forEach(r -> reference.apply(r).ifPresent(v -> bars.add(new Bar(r.model(), v, false))));
        }
        for (EvalRun run : runs) {
            score.apply(run.summary()).ifPresent(v -> bars.add(new Bar(run.name() + " (" + count.apply(run.summary())
                    + " datasets)", 100 * v, true)));
        }
        if (bars.isEmpty()) {
            return;
        }
        int rowHeight = 22, labelWidth = 320, barWidth = 400;
        html.append("<h2>").append(escape(title)).append("</h2>\n<svg class=\"chart\" width=\"").append(labelWidth + barWidth + 60)
                .append("\" height=\"").append(rowHeight * bars.size() + 4).append("\" role=\"img\">\n");
        int ours = 0;
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            int y = i * rowHeight;
            double width = Math.max(0, Math.min(100, bar.percent())) / 100 * barWidth;
            String colour = bar.ours() ? RUN_COLOURS[ours++ % RUN_COLOURS.length] : "#4c6ef5";
            html.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"13\"%s>%s</text>"
                            + "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>"
                            + "<text x=\"%.1f\" y=\"%d\" font-size=\"12\">%.1f</text>%n",
                    labelWidth - 6, y + 15, bar.ours() ? " font-weight=\"bold\"" : "", escape(bar.label()), labelWidth, y + 3,
                    width, rowHeight - 6, colour, labelWidth + width + 4, y + 15, bar.percent()));
        }
        html.append("</svg>\n");
    }

    private static void datasetTable(StringBuilder html, List<EvalRun> runs) {
        Map<String, MmebDataset> datasets = new LinkedHashMap<>();
        runs.forEach(run -> run.summary().datasets().forEach(s -> datasets.putIfAbsent(s.dataset().name(), s.dataset())));
        html.append("<h2>Datasets</h2>\n<table><tr><th>Dataset</th><th>Meta-task</th><th>Split</th>");
        for (EvalRun run : runs) {
            String name = escape(run.name());
            html.append("<th>").append(name).append(" P@1</th><th>hit@5</th><th>MRR</th><th>N</th>");
        }
        html.append("</tr>\n");
        for (MmebDataset dataset : datasets.values()) {
            html.append("<tr><td>").append(escape(dataset.name())).append("</td><td>").append(dataset.metaTaskTitle())
                    .append("</td><td>").append(dataset.split()).append("</td>");
            for (EvalRun run : runs) {
                @Nullable DatasetScore score = run.summary().datasets().stream()
                        .filter(s -> s.dataset().name().equals(dataset.name())).findFirst().orElse(null);
                html.append(score == null ? "<td>-</td><td>-</td><td>-</td><td>-</td>"
                        : String.format(Locale.ROOT, "<td>%.1f</td><td>%.1f</td><td>%.3f</td><td>%d</td>", 100 * score.acc(),
                                100 * score.hitAt5(), score.mrr(), score.numPred()));
            }
            html.append("</tr>\n");
        }
        html.append("</table>\n");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
