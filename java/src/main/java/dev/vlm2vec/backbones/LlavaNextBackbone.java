package dev.vlm2vec.backbones;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vlm2vec.EmbedderOptions;
import dev.vlm2vec.ffi.NativeModel;
import dev.vlm2vec.processing.InputEncoder;
import dev.vlm2vec.processing.LlavaNextImageProcessor;
import dev.vlm2vec.processing.LlavaNextInputEncoder;
import dev.vlm2vec.processing.LlavaNextPadding;
import dev.vlm2vec.processing.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.NullMarked;

/** LLaVA-NeXT / LLaVA-1.6 in the llava-hf layout: {@code <image>} tags, anyres tiles. */
@NullMarked
final class LlavaNextBackbone implements Backbone {

    @Override
    public String modelType() {
        return "llava_next";
    }

    @Override
    public String cliName() {
        return "llava-next";
    }

    @Override
    public boolean takesLlavaPadding() {
        return true;
    }

    @Override
    public InputEncoder inputEncoder(CheckpointFiles files, NativeModel model, EmbedderOptions options, int numCrops) {
        List<LlavaNextImageProcessor.Pinpoint> pinpoints = new ArrayList<>();
        files.config().path("image_grid_pinpoints").forEach(pair -> pinpoints.add(
                new LlavaNextImageProcessor.Pinpoint(pair.get(0).asInt(), pair.get(1).asInt())));
        return new LlavaNextInputEncoder(Tokenizer.load(files.directory(), files.config().path("pad_token_id").asLong(0)),
                new LlavaNextImageProcessor(pinpoints, (int) model.info().imageSize(), files.normalization(),
                        padding(options.llavaPadding(), files.config(), files.preprocessor())),
                files.config().path("image_token_index").asLong(32000), options.maxLength());
    }

    /**
     * AUTO becomes the padding of the transformers release the checkpoint declares (config.json's
     * {@code transformers_version}, else preprocessor_config.json's); see {@link LlavaNextPadding#forVersion}.
     */
    static LlavaNextPadding padding(LlavaNextPadding requested, JsonNode config, JsonNode preprocessor) {
        if (requested != LlavaNextPadding.AUTO) {
            return requested;
        }
        JsonNode version = config.hasNonNull("transformers_version") ? config.get("transformers_version")
                : preprocessor.get("transformers_version");
        return LlavaNextPadding.forVersion(version == null || !version.isTextual() ? null : version.asText());
    }
}
