package dev.vlm2vec.backbones;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vlm2vec.EmbedderOptions;
import dev.vlm2vec.ffi.NativeModel;
import dev.vlm2vec.processing.InputEncoder;
import dev.vlm2vec.processing.Phi3VImageProcessor;
import dev.vlm2vec.processing.Phi3VInputEncoder;
import dev.vlm2vec.processing.Tokenizer;
import org.jspecify.annotations.NullMarked;

/** Phi-3.5-vision (VLM2Vec V1's phi3_v checkpoints): {@code <|image_k|>} tags, HD crops. */
@NullMarked
final class Phi3VBackbone implements Backbone {

    @Override
    public String modelType() {
        return "phi3_v";
    }

    @Override
    public String cliName() {
        return "phi3v";
    }

    @Override
    public boolean takesNumCrops() {
        return true;
    }

    @Override
    public InputEncoder inputEncoder(CheckpointFiles files, NativeModel model, EmbedderOptions options, int numCrops) {
        JsonNode crops = files.preprocessor().get("num_crops");
        // A billion crops would hang: refused by name.
        if (numCrops == 0 && crops != null && !(crops.canConvertToInt() && crops.asInt() >= 1 && crops.asInt() <= 64)) {
            throw new IllegalArgumentException(files.preprocessorFile() + ": num_crops must be a whole number in [1, 64], not "
                    + crops);
        }
        return new Phi3VInputEncoder(Tokenizer.load(files.directory(), files.config().path("pad_token_id").asLong(32000)),
                new Phi3VImageProcessor(numCrops > 0 ? numCrops : files.preprocessor().path("num_crops").asInt(4),
                        (int) model.info().imageSize(), files.normalization()),
                options.maxLength());
    }
}
