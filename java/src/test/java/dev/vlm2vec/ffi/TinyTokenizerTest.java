package dev.vlm2vec.ffi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** init-tiny's tokenizer.json, read by the real Hugging Face tokenizers library. */
class TinyTokenizerTest {

    @Test
    void phi3vTokenizerBehavesLikeALlamaStyleBpe(@TempDir Path directory) throws IOException {
        TinyModels.write("phi3_v", directory, 0, 0);
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(directory.resolve("tokenizer.json"))) {
            String text = "Represent the given image with the following question: what is in the image?";
            Encoding encoding = tokenizer.encode(text);
            long[] ids = encoding.getIds();
            assertEquals(1, ids[0], "BOS <s> first");
            assertTrue(ids.length < text.length() / 3, "merges make words into few tokens: " + Arrays.toString(ids));
            assertEquals(text, tokenizer.decode(ids, true));
            // Unseen characters fall back to bytes (<0xC3> is id 3 + 0xC3) and still round-trip.
            String unseen = "Zebra é 日本";
            Encoding bytes = tokenizer.encode(unseen);
            assertTrue(Arrays.stream(bytes.getIds()).anyMatch(id -> id == 3 + 0xC3), Arrays.toString(bytes.getTokens()));
            assertEquals(unseen, tokenizer.decode(bytes.getIds(), true));
            // Phi-3's special tokens at the top of the 512-token vocabulary.
            long[] special = tokenizer.encode("<|user|>hi<|end|>").getIds();
            assertEquals(510, special[1]);
            assertEquals(507, special[special.length - 1]);
            assertTrue(Arrays.stream(ids).allMatch(id -> id >= 0 && id < 512));
        }
    }

    @Test
    void llavaNextTokenizerKnowsTheImageToken(@TempDir Path directory) throws IOException {
        TinyModels.write("llava_next", directory, 0, 0);
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(directory.resolve("tokenizer.json"))) {
            long[] ids = tokenizer.encode("<image>\nRepresent the given image").getIds();
            assertArrayEquals(new long[] {1, 500}, Arrays.copyOf(ids, 2));
        }
    }
}
