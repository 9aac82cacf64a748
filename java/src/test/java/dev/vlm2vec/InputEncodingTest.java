package dev.vlm2vec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlm2vec.ffi.TinyModels;
import dev.vlm2vec.processing.EncodedInput;
import dev.vlm2vec.processing.LlavaNextImageProcessor;
import dev.vlm2vec.processing.LlavaNextImageProcessor.Pinpoint;
import dev.vlm2vec.processing.LlavaNextInputEncoder;
import dev.vlm2vec.processing.LlavaNextPadding;
import dev.vlm2vec.processing.Normalization;
import dev.vlm2vec.processing.Phi3VImageProcessor;
import dev.vlm2vec.processing.Phi3VInputEncoder;
import dev.vlm2vec.processing.RgbImage;
import dev.vlm2vec.processing.Tokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prompt layout, placeholder expansion, truncation and token counts. */
class InputEncodingTest {

    @TempDir
    static Path models;

    static final List<Pinpoint> REAL_PINPOINTS = List.of(new Pinpoint(336, 672), new Pinpoint(672, 336),
            new Pinpoint(672, 672), new Pinpoint(1008, 336), new Pinpoint(336, 1008));

    @BeforeAll
    static void writeModels() {
        TinyModels.write("phi3_v", models.resolve("phi3v"), 0, 0);
        TinyModels.write("llava_next", models.resolve("llava"), 0, 0);
    }

    private static RgbImage gray(int width, int height) {
        byte[] pixels = new byte[width * height * 3];
        Arrays.fill(pixels, (byte) 128);
        return new RgbImage(width, height, pixels);
    }

    @Test
    void mmebLayout() {
        try (Tokenizer tokenizer = Tokenizer.load(models.resolve("phi3v"), 500);
                Phi3VInputEncoder encoder = new Phi3VInputEncoder(tokenizer,
                        new Phi3VImageProcessor(4, 56, Normalization.CLIP), 0)) {
            assertEquals("<|image_1|>\nRepresent the given image. a dog\n",
                    encoder.prompt(Input.of("Represent the given image.", "a dog", gray(10, 10))));
            assertEquals("a cat", encoder.prompt(Input.text("a cat")));
            assertEquals("<|image_1|>\nraw", encoder.prompt(Input.raw("<|image_1|>\nraw", gray(10, 10))));
        }
    }

    @Test
    void phi3vExpandsEachTagToNegativeIdsAndTokenisesChunksApart() {
        try (Tokenizer tokenizer = Tokenizer.load(models.resolve("phi3v"), 500)) {
            Phi3VImageProcessor images = new Phi3VImageProcessor(4, 56, Normalization.CLIP);
            Phi3VInputEncoder encoder = new Phi3VInputEncoder(tokenizer, images, 0);
            EncodedInput encoded = encoder.encode(Input.of("Represent the given image.", "what is in the image?",
                    gray(100, 60)));
            int tokens = encoded.images().get(0).tokens();
            // 100x60, 4 crops at most: 2 crops wide (3 would need 6), 112x67 padded to 112x112: 2x2.
            assertEquals(images.tokenCount(2, 2), tokens);
            assertEquals(27, tokens);
            long[] ids = encoded.ids();
            assertEquals(1, ids[0], "BOS of the empty chunk before the image");
            for (int i = 1; i <= tokens; i++) {
                assertEquals(-1, ids[i]);
            }
            assertEquals(1, ids[tokens + 1], "BOS again: the chunk after the image is tokenised on its own");
            long[] text = tokenizer.encode("\nRepresent the given image. what is in the image?\n");
            assertArrayEquals(text, Arrays.copyOfRange(ids, tokens + 1, ids.length));
            // Two images, tags in reverse order: features follow the tags.
            RgbImage first = gray(56, 56), second = gray(200, 50);
            EncodedInput two = encoder.encode(Input.raw("<|image_2|> and <|image_1|>", first, second));
            assertEquals(List.of(images.process(second).tokens(), images.process(first).tokens()),
                    two.images().stream().map(image -> image.tokens()).toList());
            assertEquals(-2, two.ids()[1]);
        }
    }

    @Test
    void llavaNextExpandsTheImageToken() {
        try (Tokenizer tokenizer = Tokenizer.load(models.resolve("llava"), 501)) {
            LlavaNextImageProcessor images = new LlavaNextImageProcessor(List.of(new Pinpoint(56, 112), new Pinpoint(112, 56),
                    new Pinpoint(112, 112), new Pinpoint(168, 56), new Pinpoint(56, 168)), 56, Normalization.CLIP, LlavaNextPadding.LEGACY);
            LlavaNextInputEncoder encoder = new LlavaNextInputEncoder(tokenizer, images, 500, 0);
            assertEquals(501, tokenizer.padId());
            EncodedInput encoded = encoder.encode(Input.of("Represent the given image.", "x", gray(230, 150)));
            long[] ids = encoded.ids();
            assertEquals(1, ids[0]);
            assertEquals(70, Arrays.stream(ids).filter(id -> id == 500).count(), "landscape 230x150: 70 tokens");
            assertEquals(500, ids[1]);
            assertEquals(500, ids[70]);
            assertTrue(ids[71] != 500);
            assertThrows(IllegalArgumentException.class, () -> encoder.encode(Input.raw("<image> <image>", gray(9, 9))));
        }
    }

    @Test
    void truncationNeverCutsImageTokens() {
        try (Tokenizer tokenizer = Tokenizer.load(models.resolve("phi3v"), 500)) {
            Phi3VInputEncoder encoder = new Phi3VInputEncoder(tokenizer, new Phi3VImageProcessor(4, 56, Normalization.CLIP), 12);
            assertEquals(12, encoder.encode(Input.text("Represent the given image with the following question: what is"
                    + " in the image? Represent the given image for classification.")).ids().length);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> encoder.encode(Input.of("Represent the given image.", "dog", gray(56, 56))));
            assertTrue(e.getMessage().startsWith("input \"dog\" (1 image(s)) has "), e.getMessage());
            assertTrue(e.getMessage().contains("more than max_length 12, and cutting it would cut through image tokens"),
                    e.getMessage());
        }
    }

    @Test
    void emptyInputIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Input.text(" "));
        assertEquals("an input needs a text, an instruction or an image; this one is empty", e.getMessage());
    }

    @Test
    void tokenCountsAtRealSizes() {
        Phi3VImageProcessor phi3v = new Phi3VImageProcessor(16, 336, Normalization.CLIP);
        assertEquals(757, phi3v.tokenCount(2, 2));
        assertEquals(2509, phi3v.tokenCount(4, 4));
        assertEquals(781, phi3v.tokenCount(4, 1));
        LlavaNextImageProcessor llava = new LlavaNextImageProcessor(REAL_PINPOINTS, 336, Normalization.CLIP, LlavaNextPadding.LEGACY);
        for (int height = 40; height <= 2000; height += 61) {
            for (int width = 40; width <= 2000; width += 43) {
                Pinpoint best = llava.bestResolution(height, width);
                int rows = best.height() / 336 * 24, cols = best.width() / 336 * 24;
                int uh = rows, uw = cols;
                if ((double) width / height > (double) cols / rows) {
                    uh = rows - 2 * ((rows - (int) Math.floor(height * ((double) cols / width) + 5e-8)) / 2);
                } else {
                    uw = cols - 2 * ((cols - (int) Math.floor(width * ((double) rows / height) + 5e-8)) / 2);
                }
                assertEquals(uh * uw + uh + 576, llava.tokenCount(height, width), height + "x" + width);
            }
        }
        assertEquals(4 * 72 + 4 + 576, llava.tokenCount(47, 1128), "the round(x, 7) case");
    }
}
