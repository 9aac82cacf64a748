package dev.vlm2vec;

import java.util.concurrent.Semaphore;

/** For tests in other packages: the Embedder's dispatcher gate (held: the dispatcher stalls before its next batch). */
public final class EmbedderControls {

    private EmbedderControls() {}

    public static Semaphore dispatchGate(Embedder embedder) {
        return embedder.dispatchGate;
    }
}
