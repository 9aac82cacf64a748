package dev.vlm2vec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlm2vec.ffi.NativeModel;
import dev.vlm2vec.ffi.NativeRuntime;
import dev.vlm2vec.processing.InputEncoder;
import dev.vlm2vec.processing.LlavaNextImageProcessor;
import dev.vlm2vec.processing.LlavaNextInputEncoder;
import dev.vlm2vec.processing.LlavaNextPadding;
import dev.vlm2vec.processing.Normalization;
import dev.vlm2vec.processing.Phi3VImageProcessor;
import dev.vlm2vec.processing.Phi3VInputEncoder;
import dev.vlm2vec.processing.TextOnlyInputEncoder;
import dev.vlm2vec.processing.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        JsonNode config = readJson(modelDirectory.resolve("config.json"));
        String modelType = config.path("model_type").asText("");
        if (numCrops < 0 || (numCrops > 0 && !modelType.equals("phi3_v"))) {
            throw new IllegalArgumentException("--num-crops " + numCrops + ": only Phi-3.5-V (phi3_v) takes a crop count >= 1, this model is "
                    + modelType);
        }
        if (options.llavaPadding() != LlavaNextPadding.AUTO && !modelType.equals("llava_next")) {
            throw new IllegalArgumentException("--llava-padding " + options.llavaPadding().cliName() + ": only LLaVA-NeXT"
                    + " (llava_next) pads odd image sizes, this model is " + modelType + "; leave it at auto");
        }
        InputEncoder encoder = encoder(modelType, modelDirectory, config, model, options, numCrops);
        Path preprocessor = modelDirectory.resolve("preprocessor_config.json");
        if (!Files.isRegularFile(preprocessor)) {
            LOG.warn("{} has no preprocessor_config.json: texts embed, image inputs will be refused", modelDirectory);
            return new TextOnlyInputEncoder(encoder, "image inputs need " + preprocessor + " (image mean, std and crop"
                    + " settings), which is missing: copy it from the checkpoint the model came from");
        }
        return encoder;
    }

    private static InputEncoder encoder(String modelType, Path directory, JsonNode config, NativeModel model,
            EmbedderOptions options, int numCrops) {
        Path preprocessorFile = directory.resolve("preprocessor_config.json");
        JsonNode preprocessor = Files.isRegularFile(preprocessorFile) ? readJson(preprocessorFile) : config;
        Normalization normalization = new Normalization(floats(preprocessor.get("image_mean"), Normalization.CLIP.mean()),
                floats(preprocessor.get("image_std"), Normalization.CLIP.std()));
        checkPreprocessor(preprocessorFile, preprocessor, normalization, numCrops);
        int imageSize = (int) model.info().imageSize();
        return switch (modelType) {
            case "phi3_v" -> new Phi3VInputEncoder(Tokenizer.load(directory, config.path("pad_token_id").asLong(32000)),
                    new Phi3VImageProcessor(numCrops > 0 ? numCrops : preprocessor.path("num_crops").asInt(4), imageSize,
                            normalization),
                    options.maxLength());
            case "llava_next" -> {
                List<LlavaNextImageProcessor.Pinpoint> pinpoints = new ArrayList<>();
                config.path("image_grid_pinpoints").forEach(pair -> pinpoints.add(
                        new LlavaNextImageProcessor.Pinpoint(pair.get(0).asInt(), pair.get(1).asInt())));
                yield new LlavaNextInputEncoder(Tokenizer.load(directory, config.path("pad_token_id").asLong(0)),
                        new LlavaNextImageProcessor(pinpoints, imageSize, normalization,
                                llavaPadding(options.llavaPadding(), config, preprocessor)),
                        config.path("image_token_index").asLong(32000), options.maxLength());
            }
            default -> throw new IllegalArgumentException(directory.resolve("config.json") + ": model_type '" + modelType
                    + "' is not supported (phi3_v, llava_next)");
        };
    }

    /**
     * AUTO becomes the padding of the transformers release the checkpoint declares (config.json's
     * {@code transformers_version}, else preprocessor_config.json's); see {@link LlavaNextPadding#forVersion}.
     */
    static LlavaNextPadding llavaPadding(LlavaNextPadding requested, JsonNode config, JsonNode preprocessor) {
        if (requested != LlavaNextPadding.AUTO) {
            return requested;
        }
        JsonNode version = config.hasNonNull("transformers_version") ? config.get("transformers_version")
                : preprocessor.get("transformers_version");
        return LlavaNextPadding.forVersion(version == null || !version.isTextual() ? null : version.asText());
    }

    // Values that would hang (a billion crops) or poison every pixel (std 0: infinities) are refused by name.
    private static void checkPreprocessor(Path file, JsonNode preprocessor, Normalization normalization, int numCrops) {
        JsonNode crops = preprocessor.get("num_crops");
        if (numCrops == 0 && crops != null && !(crops.canConvertToInt() && crops.asInt() >= 1 && crops.asInt() <= 64)) {
            throw new IllegalArgumentException(file + ": num_crops must be a whole number in [1, 64], not " + crops);
        }
        for (int c = 0; c < 3; c++) {
            float mean = normalization.mean()[c], std = normalization.std()[c];
            if (!Float.isFinite(mean) || !Float.isFinite(std) || !(std > 0)) {
                throw new IllegalArgumentException(file + ": image_mean must be finite and image_std finite and > 0, not "
                        + preprocessor.get("image_mean") + " / " + preprocessor.get("image_std"));
            }
        }
    }

    private static float[] floats(JsonNode array, float[] fallback) {
        if (array == null || !array.isArray() || array.size() != 3) {
            return fallback;
        }
        return new float[] {(float) array.get(0).asDouble(), (float) array.get(1).asDouble(), (float) array.get(2).asDouble()};
    }

    private static JsonNode readJson(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
