package dev.vlm2vec.eval;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.jspecify.annotations.NullMarked;

/**
 * The scorer's dot products with the Vector API (SIMD fused multiply-adds over the widest
 * lanes the CPU has); {@link CandidateScorer} calls them four candidates per pass over the query. Loaded only when the JVM runs
 * with {@code --add-modules jdk.incubator.vector} ({@link CandidateScorer#VECTORISED}); every
 * score is formed the same way (lane-wise FMAs, one lane reduction, then the scalar tail), so
 * equal vectors score equally and ties still break by index.
 */
@NullMarked
final class VectorDotProducts {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private VectorDotProducts() {}

    /** The four products query . b[b0..], ... into out[outOffset..outOffset + 3]. */
    static void dot4(float[] a, int aOff, float[] b, int b0, int b1, int b2, int b3, int dim, float[] out,
            int outOffset) {
        FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0;
        int bound = SPECIES.loopBound(dim);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            FloatVector av = FloatVector.fromArray(SPECIES, a, aOff + i);
            s0 = av.fma(FloatVector.fromArray(SPECIES, b, b0 + i), s0);
            s1 = av.fma(FloatVector.fromArray(SPECIES, b, b1 + i), s1);
            s2 = av.fma(FloatVector.fromArray(SPECIES, b, b2 + i), s2);
            s3 = av.fma(FloatVector.fromArray(SPECIES, b, b3 + i), s3);
        }
        float r0 = s0.reduceLanes(VectorOperators.ADD), r1 = s1.reduceLanes(VectorOperators.ADD);
        float r2 = s2.reduceLanes(VectorOperators.ADD), r3 = s3.reduceLanes(VectorOperators.ADD);
        for (; i < dim; i++) {
            float ai = a[aOff + i];
            r0 = Math.fma(ai, b[b0 + i], r0);
            r1 = Math.fma(ai, b[b1 + i], r1);
            r2 = Math.fma(ai, b[b2 + i], r2);
            r3 = Math.fma(ai, b[b3 + i], r3);
        }
        out[outOffset] = r0;
        out[outOffset + 1] = r1;
        out[outOffset + 2] = r2;
        out[outOffset + 3] = r3;
    }

    static float dot(float[] a, int aOff, float[] b, int bOff, int dim) {
        FloatVector s = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(dim);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            s = FloatVector.fromArray(SPECIES, a, aOff + i).fma(FloatVector.fromArray(SPECIES, b, bOff + i), s);
        }
        float r = s.reduceLanes(VectorOperators.ADD);
        for (; i < dim; i++) {
            r = Math.fma(a[aOff + i], b[bOff + i], r);
        }
        return r;
    }
}
