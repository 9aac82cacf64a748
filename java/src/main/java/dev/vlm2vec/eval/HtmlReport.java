package dev.vlm2vec.eval;

import dev.vlm2vec.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.NullMarked;

/**
 * {@code report.html}: one horizontal bar chart per meta-task (and IND, OOD, overall) with this
 * model's score next to the paper's reference rows, then the per-dataset table. Static HTML
 * with inline SVG: no scripts, opens anywhere.
 */
@NullMarked
public final class HtmlReport {

    private record Bar(String label, double percent, boolean ours) {}

    private HtmlReport() {}

    public static void write(MmebSummary summary, MmebRegistry registry, String modelName, Path output) throws IOException {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>MMEB results: ")
                .append(escape(modelName)).append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:60em}"
                        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}"
                        + "td:first-child,th:first-child{text-align:left}.chart{margin:1em 0 2em}</style></head><body>\n")
                .append("<h1>MMEB Precision@1: ").append(escape(modelName)).append("</h1>\n");
        for (MetaTask task : MetaTask.values()) {
            List<Bar> bars = new ArrayList<>();
            registry.referenceResults().forEach(r -> bars.add(new Bar(r.model(), r.metaTasks().get(task), false)));
            summary.metaTasks().get(task).ifPresent(v -> bars.add(new Bar(modelName, 100 * v, true)));
            chart(html, task.title(), bars);
        }
        List<Bar> overall = new ArrayList<>();
        registry.referenceResults().forEach(r -> overall.add(new Bar(r.model(), r.overall(), false)));
        summary.overall().ifPresent(v -> overall.add(new Bar(modelName, 100 * v, true)));
        chart(html, "Overall", overall);
        html.append("<h2>Datasets</h2>\n<table><tr><th>Dataset</th><th>Meta-task</th><th>Split</th><th>Precision@1</th>"
                + "<th>hit@5</th><th>MRR</th><th>N</th></tr>\n");
        for (DatasetScore score : summary.datasets()) {
            html.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%.1f</td><td>%.1f</td>"
                    + "<td>%.3f</td><td>%d</td></tr>%n", escape(score.dataset().name()), score.dataset().metaTask().title(),
                    score.dataset().split(), 100 * score.acc(), 100 * score.hitAt5(), score.mrr(), score.numPred()));
        }
        html.append("</table>\n<p>Reference rows: VLM2Vec paper, Table 2. Meta-task, IND, OOD and overall scores are"
                + " unweighted means over datasets.</p>\n</body></html>\n");
        AtomicFiles.write(output.resolve("report.html"), html.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void chart(StringBuilder html, String title, List<Bar> bars) {
        int rowHeight = 22, labelWidth = 260, barWidth = 400;
        html.append("<h2>").append(escape(title)).append("</h2>\n<svg class=\"chart\" width=\"").append(labelWidth + barWidth + 60)
                .append("\" height=\"").append(rowHeight * bars.size() + 4).append("\" role=\"img\">\n");
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            int y = i * rowHeight;
            double width = Math.max(0, Math.min(100, bar.percent())) / 100 * barWidth;
            html.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"13\"%s>%s</text>"
                            + "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>"
                            + "<text x=\"%.1f\" y=\"%d\" font-size=\"12\">%.1f</text>%n",
                    labelWidth - 6, y + 15, bar.ours() ? " font-weight=\"bold\"" : "", escape(bar.label()), labelWidth, y + 3,
                    width, rowHeight - 6, bar.ours() ? "#d9480f" : "#4c6ef5", labelWidth + width + 4, y + 15, bar.percent()));
        }
        html.append("</svg>\n");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
