package dev.vlm2vec.ffi;

import org.jspecify.annotations.NullMarked;

/**
 * The k best candidates of each query, best first.
 *
 * @param queries number of queries
 * @param k hits per query
 * @param ids {@code [queries * k]} candidate ids, row-major
 * @param scores {@code [queries * k]} cosine similarities, row-major
 */
@NullMarked
public record SearchHits(int queries, int k, long[] ids, float[] scores) {

    public long id(int query, int rank) {
        return ids[index(query, rank)];
    }

    public float score(int query, int rank) {
        return scores[index(query, rank)];
    }

    private int index(int query, int rank) {
        if (query < 0 || query >= queries || rank < 0 || rank >= k) {
            throw new IndexOutOfBoundsException("query " + query + ", rank " + rank + " outside " + queries + " x " + k);
        }
        return query * k + rank;
    }
}
