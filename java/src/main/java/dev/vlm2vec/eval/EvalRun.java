package dev.vlm2vec.eval;

import org.jspecify.annotations.NullMarked;

/** One evaluation's scores and what produced them, as written to and read from {@code summary.json}. */
@NullMarked
public record EvalRun(String name, MmebSummary summary, RunInfo info) {}
