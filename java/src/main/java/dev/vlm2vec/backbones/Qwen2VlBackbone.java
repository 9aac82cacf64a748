package dev.vlm2vec.backbones;

import dev.vlm2vec.EmbedderOptions;
import dev.vlm2vec.ffi.NativeModel;
import dev.vlm2vec.processing.InputEncoder;
import dev.vlm2vec.processing.Qwen2VlImageProcessor;
import dev.vlm2vec.processing.Qwen2VlInputEncoder;
import dev.vlm2vec.processing.Qwen2VlRecipe;
import dev.vlm2vec.processing.Tokenizer;
import org.jspecify.annotations.NullMarked;

/**
 * Qwen2-VL (VLM2Vec-V2.0, VLM2Vec-Qwen2VL-2B/7B, GME): dynamic-resolution patches, the recipe
 * (V2, V1, GME) from {@link EmbedderOptions#qwen2vlRecipe()} or the checkpoint's files.
 */
@NullMarked
final class Qwen2VlBackbone implements Backbone {

    @Override
    public String modelType() {
        return "qwen2_vl";
    }

    @Override
    public String cliName() {
        return "qwen2vl";
    }

    @Override
    public boolean takesQwen2VlRecipe() {
        return true;
    }

    /** VLM2Vec-V2.0's train_v2-qwen2vl-2B.sh: LoRA r 16, alpha 64, DoRA, tau 0.02; the rest as the paper. */
    @Override
    public TrainRecipe trainRecipe() {
        TrainRecipe paper = TrainRecipe.PAPER;
        return new TrainRecipe(paper.batchSize(), paper.gcChunk(), paper.steps(), paper.learningRate(), paper.warmup(), 0.02, 16,
                64, true, "VLM2Vec-V2.0's train_v2-qwen2vl-2B.sh (DoRA r 16 alpha 64, tau 0.02) and the paper's batch 1024,"
                        + " GradCache 4, 2K steps, lr 2e-5, 200 warm-up");
    }

    @Override
    public InputEncoder inputEncoder(CheckpointFiles files, NativeModel model, EmbedderOptions options, int numCrops) {
        Qwen2VlRecipe recipe = options.qwen2vlRecipe().resolve(files.directory());
        boolean v1 = recipe == Qwen2VlRecipe.V1;
        Qwen2VlImageProcessor images = files.hasPreprocessor()
                ? Qwen2VlImageProcessor.fromConfig(files.preprocessorFile(), v1)
                : new Qwen2VlImageProcessor(Qwen2VlImageProcessor.VLM2VEC_MIN_PIXELS, Qwen2VlImageProcessor.VLM2VEC_MAX_PIXELS,
                        files.normalization(), v1);
        // <|endoftext|>, the Qwen2 tokenizer's pad token, when tokenizer_config.json names none.
        long pad = files.config().path("bos_token_id").asLong(151643);
        return new Qwen2VlInputEncoder(Tokenizer.load(files.directory(), pad), images, recipe, options.maxLength());
    }
}
