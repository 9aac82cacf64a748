package dev.vlm2vec;

import dev.vlm2vec.backbones.Backbone;
import dev.vlm2vec.backbones.Backbones;
import dev.vlm2vec.backbones.CheckpointFiles;
import dev.vlm2vec.ffi.NativeModel;
import dev.vlm2vec.ffi.NativeRuntime;
import dev.vlm2vec.processing.InputEncoder;
import dev.vlm2vec.processing.LlavaNextPadding;
import dev.vlm2vec.processing.Qwen2VlRecipe;
import dev.vlm2vec.processing.TextOnlyInputEncoder;
import java.nio.file.Path;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point: a model directory in the Hugging Face layout becomes an {@link Embedder}.
 *
 * {@snippet :
 * try (Embedder embedder = Vlm2Vec.load(Path.of("VLM2Vec-Full"), EmbedderOptions.defaults())) {
 *     float[] query = embedder.embed(Input.of("Find an image caption describing the given image.", "",
 *             ImageLoader.load(Path.of("photo.jpg"))));
 *     float[] target = embedder.embed(Input.text("A dog catching a frisbee in a park."));
 * }
 * }
 */
@NullMarked
public final class Vlm2Vec {

    private static final Logger LOG = LoggerFactory.getLogger(Vlm2Vec.class);

    private Vlm2Vec() {}

    public static Embedder load(Path modelDirectory, EmbedderOptions options) {
        return load(modelDirectory, options, null);
    }

    /**
     * As {@link #load(Path, EmbedderOptions)}, with a PEFT LoRA/DoRA adapter directory (from
     * {@code vlm2vec train} or PEFT) merged into the weights at load time.
     */
    public static Embedder load(Path modelDirectory, EmbedderOptions options, @Nullable Path adapter) {
        applyThreads(options);
        NativeModel model = NativeModel.load(modelDirectory, options.device(), options.dtype());
        try {
            if (adapter != null) {
                model.loadAdapter(adapter, true);
            }
            return new Embedder(model, inputEncoder(modelDirectory, model, options, 0), options);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Sets libtorch's thread count when {@code options.threads()} asks for one (0 keeps the default, see ThreadCount). */
    public static void applyThreads(EmbedderOptions options) {
        if (options.threads() > 0) {
            NativeRuntime.setThreads(options.threads());
        }
    }

    /** The input pipeline (prompt layout, tokenizer, image processor) of the model in {@code modelDirectory}. */
    public static InputEncoder inputEncoder(Path modelDirectory, NativeModel model, EmbedderOptions options) {
        return inputEncoder(modelDirectory, model, options, 0);
    }

    /**
     * As {@link #inputEncoder(Path, NativeModel, EmbedderOptions)}, with Phi-3.5-V's number of
     * HD crops per image set to {@code numCrops} instead of {@code preprocessor_config.json}'s
     * (0: the file's). Other backbones have no such setting and reject one.
     */
    public static InputEncoder inputEncoder(Path modelDirectory, NativeModel model, EmbedderOptions options, int numCrops) {
        CheckpointFiles files = CheckpointFiles.read(modelDirectory);
        String modelType = files.modelType();
        Backbone backbone = Backbones.forModelType(modelType, modelDirectory.resolve("config.json"));
        if (numCrops < 0 || (numCrops > 0 && !backbone.takesNumCrops())) {
            throw new IllegalArgumentException("--num-crops " + numCrops + ": only Phi-3.5-V (phi3_v) takes a crop count >= 1, this model is "
                    + modelType);
        }
        if (options.llavaPadding() != LlavaNextPadding.AUTO && !backbone.takesLlavaPadding()) {
            throw new IllegalArgumentException("--llava-padding " + options.llavaPadding().cliName() + ": only LLaVA-NeXT"
                    + " (llava_next) pads odd image sizes, this model is " + modelType + "; leave it at auto");
        }
        if (options.qwen2vlRecipe() != Qwen2VlRecipe.AUTO && !backbone.takesQwen2VlRecipe()) {
            throw new IllegalArgumentException("--qwen2vl-recipe " + options.qwen2vlRecipe().cliName() + ": only Qwen2-VL"
                    + " (qwen2_vl) has recipes, this model is " + modelType + "; leave it at auto");
        }
        InputEncoder encoder = backbone.inputEncoder(files, model, options, numCrops);
        if (!files.hasPreprocessor()) {
            LOG.warn("{} has no preprocessor_config.json: texts embed, image inputs will be refused", modelDirectory);
            return new TextOnlyInputEncoder(encoder, "image inputs need " + files.preprocessorFile() + " (image mean, std and"
                    + " crop settings), which is missing: copy it from the checkpoint the model came from");
        }
        return encoder;
    }
}
