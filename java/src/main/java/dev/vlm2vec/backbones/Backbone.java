package dev.vlm2vec.backbones;

import dev.vlm2vec.EmbedderOptions;
import dev.vlm2vec.ffi.NativeModel;
import dev.vlm2vec.processing.InputEncoder;
import org.jspecify.annotations.NullMarked;

/**
 * One backbone as the Java side sees it: its {@code model_type}, its name on the command line,
 * and how a checkpoint's files become its input pipeline (prompt format and image tag, tokenizer,
 * image processor, padding). The native side has its twin (native/src/models/backbone.h). The
 * CLI, Embedder, eval and train find a backbone through {@link Backbones} and never switch on the
 * architecture; docs/adding-a-backbone.md says what a new one needs.
 */
@NullMarked
public interface Backbone {

    /** config.json's {@code model_type}, e.g. {@code qwen2_vl}. */
    String modelType();

    /** The name {@code init-tiny --arch} and {@code train --arch} take, e.g. {@code qwen2vl}. */
    String cliName();

    /** Whether {@code --num-crops} applies (Phi-3.5-V's HD crops). */
    default boolean takesNumCrops() {
        return false;
    }

    /** Whether {@code --llava-padding} applies (LLaVA-NeXT's odd-size padding rule). */
    default boolean takesLlavaPadding() {
        return false;
    }

    /** Whether {@code --qwen2vl-recipe} applies. */
    default boolean takesQwen2VlRecipe() {
        return false;
    }

    /** What {@code train --recipe vlm2vec} uses for flags not given. */
    default TrainRecipe trainRecipe() {
        return TrainRecipe.PAPER;
    }

    /**
     * The input pipeline for the checkpoint in {@code files}. Options this backbone has no use
     * for ({@code --num-crops} outside Phi-3.5-V, say) are refused, naming the flag.
     *
     * @param numCrops Phi-3.5-V's HD crop count instead of preprocessor_config.json's (0: the file's)
     */
    InputEncoder inputEncoder(CheckpointFiles files, NativeModel model, EmbedderOptions options, int numCrops);
}
