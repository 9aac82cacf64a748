package com.example.search;

import dev.vlm2vec.Embedder;
import dev.vlm2vec.EmbedderOptions;
import dev.vlm2vec.Input;
import dev.vlm2vec.Vlm2Vec;
import dev.vlm2vec.processing.ImageLoader;
import java.nio.file.Path;

/** What README's library section shows: one embedder per service, shared by every request thread. */
public final class EmbeddingService implements AutoCloseable {
    private final Embedder embedder;

    public EmbeddingService(Path modelDirectory) {
        embedder = Vlm2Vec.load(modelDirectory, EmbedderOptions.defaults());
        embedder.warmUp();                                   // then ready() answers true
    }

    public float[] embedText(String text) {
        return embedder.embed(Input.text(text));
    }

    public float[] embedImage(Path image, String instruction) {
        return embedder.embed(Input.of(instruction, "", ImageLoader.load(image)));
    }

    public boolean ready() {
        return embedder.ready();                             // a readiness probe
    }

    @Override
    public void close() {
        embedder.close();
    }
}
