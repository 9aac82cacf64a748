package dev.vlm2vec;

import dev.vlm2vec.ffi.ModelDType;
import dev.vlm2vec.processing.ImageOptions;
import dev.vlm2vec.processing.LlavaNextPadding;
import dev.vlm2vec.processing.Qwen2VlRecipe;
import java.time.Duration;
import org.jspecify.annotations.NullMarked;

/**
 * How a model is loaded and served.
 *
 * @param device {@code cpu}, {@code cuda}, {@code cuda:N}
 * @param dtype weights and activations
 * @param maxBatchSize most inputs per native call
 * @param maxWait how long the dispatcher waits for more requests to fill a batch
 * @param queueCapacity requests waiting at most; beyond it callers wait ({@code submitTimeout}), then are refused
 * @param submitTimeout how long a caller waits for room in a full queue
 * @param requestTimeout how long a caller waits for its embedding
 * @param maxLength longest token sequence; longer inputs are cut (never through image tokens); 0: no limit
 * @param normalize L2-normalise embeddings (VLM2Vec compares them by dot product)
 * @param llavaPadding LLaVA-NeXT's odd-padding rule; AUTO: from the checkpoint's {@code transformers_version}
 * @param images how image files and {@code data:} URLs are decoded (pixel cap, EXIF orientation), for the
 *     commands and readers that decode images for this embedder
 * @param qwen2vlRecipe how a Qwen2-VL checkpoint lays out prompts and images (VLM2Vec-V2, V1, GME); AUTO:
 *     GME where the directory holds GME's gme_inference.py, else VLM2Vec-V2
 * @param maxPadding the largest share of a model call's tokens that may be padding: a gathered batch of
 *     mixed lengths (20-token texts with 757-token image queries) runs as several calls of similar
 *     lengths ({@link dev.vlm2vec.processing.LengthGroups}); 1 never splits. Default 0.1
 * @param threads libtorch's threads inside one operation (process-wide); 0: the default, which is
 *     {@code VLM2VEC_THREADS} if set, else every CPU this process may use ({@link dev.vlm2vec.ffi.ThreadCount})
 */
@NullMarked
public record EmbedderOptions(String device, ModelDType dtype, int maxBatchSize, Duration maxWait, int queueCapacity,
        Duration submitTimeout, Duration requestTimeout, int maxLength, boolean normalize, LlavaNextPadding llavaPadding,
        ImageOptions images, int threads, Qwen2VlRecipe qwen2vlRecipe, double maxPadding) {

    public EmbedderOptions {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be >= 1, not " + maxBatchSize);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be >= 1, not " + queueCapacity);
        }
        if (maxLength < 0) {
            throw new IllegalArgumentException("maxLength must be >= 0 (0: no limit), not " + maxLength);
        }
        if (!(maxPadding >= 0 && maxPadding <= 1)) {
            throw new IllegalArgumentException("maxPadding must be in [0, 1] (1: never split a batch), not " + maxPadding);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0: every available CPU), not " + threads);
        }
    }

    public static EmbedderOptions defaults() {
        return new EmbedderOptions("cpu", ModelDType.FLOAT32, 16, Duration.ofMillis(2), 1024, Duration.ofSeconds(10),
                Duration.ofMinutes(5), 0, true, LlavaNextPadding.AUTO, ImageOptions.defaults(), 0,
                Qwen2VlRecipe.AUTO, 0.1);
    }

    public EmbedderOptions withDevice(String value) {
        return new EmbedderOptions(value, dtype, maxBatchSize, maxWait, queueCapacity, submitTimeout, requestTimeout,
                maxLength, normalize, llavaPadding, images, threads, qwen2vlRecipe, maxPadding);
    }

    public EmbedderOptions withDtype(ModelDType value) {
        return new EmbedderOptions(device, value, maxBatchSize, maxWait, queueCapacity, submitTimeout, requestTimeout,
                maxLength, normalize, llavaPadding, images, threads, qwen2vlRecipe, maxPadding);
    }

    public EmbedderOptions withBatching(int batchSize, Duration wait, int capacity) {
        return new EmbedderOptions(device, dtype, batchSize, wait, capacity, submitTimeout, requestTimeout, maxLength,
                normalize, llavaPadding, images, threads, qwen2vlRecipe, maxPadding);
    }

    public EmbedderOptions withTimeouts(Duration submit, Duration request) {
        return new EmbedderOptions(device, dtype, maxBatchSize, maxWait, queueCapacity, submit, request, maxLength,
                normalize, llavaPadding, images, threads, qwen2vlRecipe, maxPadding);
    }

    public EmbedderOptions withMaxLength(int value) {
        return new EmbedderOptions(device, dtype, maxBatchSize, maxWait, queueCapacity, submitTimeout, requestTimeout,
                value, normalize, llavaPadding, images, threads, qwen2vlRecipe, maxPadding);
    }

    public EmbedderOptions withLlavaPadding(LlavaNextPadding value) {
        return new EmbedderOptions(device, dtype, maxBatchSize, maxWait, queueCapacity, submitTimeout, requestTimeout,
                maxLength, normalize, value, images, threads, qwen2vlRecipe, maxPadding);
    }

    public EmbedderOptions withImages(ImageOptions value) {
        return new EmbedderOptions(device, dtype, maxBatchSize, maxWait, queueCapacity, submitTimeout, requestTimeout,
                maxLength, normalize, llavaPadding, value, threads, qwen2vlRecipe, maxPadding);
    }

    public EmbedderOptions withQwen2VlRecipe(Qwen2VlRecipe value) {
        return new EmbedderOptions(device, dtype, maxBatchSize, maxWait, queueCapacity, submitTimeout, requestTimeout,
                maxLength, normalize, llavaPadding, images, threads, value, maxPadding);
    }

    public EmbedderOptions withMaxPadding(double value) {
        return new EmbedderOptions(device, dtype, maxBatchSize, maxWait, queueCapacity, submitTimeout, requestTimeout,
                maxLength, normalize, llavaPadding, images, threads, qwen2vlRecipe, value);
    }

    public EmbedderOptions withThreads(int value) {
        return new EmbedderOptions(device, dtype, maxBatchSize, maxWait, queueCapacity, submitTimeout, requestTimeout,
                maxLength, normalize, llavaPadding, images, value, qwen2vlRecipe, maxPadding);
    }
}
