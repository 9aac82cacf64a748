package dev.vlm2vec.cli;

import dev.vlm2vec.EmbedderOptions;
import dev.vlm2vec.processing.ImageOptions;
import dev.vlm2vec.processing.LlavaNextPadding;
import dev.vlm2vec.processing.Qwen2VlRecipe;
import org.jspecify.annotations.NullMarked;
import picocli.CommandLine.Option;

/** How images are decoded and processed, one spelling for embed, eval and train (a picocli mixin). */
@NullMarked
final class ImageFlags {

    @Option(names = "--llava-padding", paramLabel = "auto|legacy|fixed", defaultValue = "auto",
            description = "LLaVA-NeXT's padding of odd sizes: legacy (transformers <= 4.51, VLM2Vec V1), fixed (>= 4.52,"
                    + " VLM2Vec V2's eval), auto (the checkpoint's transformers_version). Default: ${DEFAULT-VALUE}.")
    private String llavaPadding = "auto";

    @Option(names = "--qwen2vl-recipe", paramLabel = "auto|v2|v1|gme", defaultValue = "auto",
            description = "How a Qwen2-VL checkpoint sees its inputs: v2 (VLM2Vec-V2.0), v1 (VLM2Vec-Qwen2VL-2B/7B: images"
                    + " first resized to 1344 x 1344), gme (GME's chat template and pooling), auto (gme where the directory"
                    + " holds gme_inference.py, else v2). Default: ${DEFAULT-VALUE}.")
    private String qwen2vlRecipe = "auto";

    @Option(names = "--max-image-pixels", paramLabel = "N", defaultValue = "" + ImageOptions.DEFAULT_MAX_PIXELS,
            description = "Refuse images of more pixels (checked before decoding; Pillow's cap). Default: ${DEFAULT-VALUE}.")
    private long maxImagePixels = ImageOptions.DEFAULT_MAX_PIXELS;

    @Option(names = "--exif-orientation",
            description = "Turn images upright by their EXIF orientation (the reference processors do not, so off by default).")
    private boolean exifOrientation;

    /** Range checks, before any work. */
    void check() {
        FlagChecks.atLeast("--max-image-pixels", maxImagePixels, 1);
        LlavaNextPadding.parse(llavaPadding);
        Qwen2VlRecipe.parse(qwen2vlRecipe);
    }

    @Option(names = "--allow-absolute-paths",
            description = "Let data files' image paths leave --image-root (absolute paths, ../); refused by default.")
    private boolean allowAbsolutePaths;

    EmbedderOptions applyTo(EmbedderOptions options) {
        check();
        return options.withLlavaPadding(LlavaNextPadding.parse(llavaPadding)).withQwen2VlRecipe(Qwen2VlRecipe.parse(qwen2vlRecipe))
                .withImages(new ImageOptions(maxImagePixels, exifOrientation, allowAbsolutePaths));
    }
}
