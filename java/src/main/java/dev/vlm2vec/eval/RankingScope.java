package dev.vlm2vec.eval;

/** Which candidates a query's positive is ranked against. */
public enum RankingScope {
    /** The query's own candidate list, as MMEB publishes it (the paper's protocol). */
    CANDIDATES,
    /** Every unique candidate of the dataset: corpus-wide retrieval, a harder setting. */
    GLOBAL
}
