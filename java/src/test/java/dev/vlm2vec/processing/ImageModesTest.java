package dev.vlm2vec.processing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every image mode a user meets, decoded as Pillow 9.4 decodes it: the files and Pillow's
 * {@code convert("RGB")} bytes come from {@code reference/make_image_mode_cases.py}.
 * Byte-identical through the system codecs Pillow uses (libjpeg-turbo, libwebp); the Java
 * decoders that serve where those are absent are exact too, except by the bounds in
 * {@link #JAVA_DECODER_BOUNDS}.
 */
class ImageModesTest {

    /**
     * The largest per-sample difference, measured on these files, of the Java decoders:
     * the JDK's libjpeg 6b replicates the chroma rows of a 4:4:0 JPEG that libjpeg-turbo
     * interpolates, and TwelveMonkeys' WebP decoder replicates each chroma sample over its 2x2
     * block where libwebp interpolates ("fancy" upsampling). Everything else is exact.
     */
    static final Map<String, Integer> JAVA_DECODER_BOUNDS = Map.of("rgb_440.jpg", 52, "lossy.webp", 71,
            "lossy_alpha.webp", 71);

    static JsonNode cases() throws IOException {
        try (InputStream in = ImageModesTest.class.getResourceAsStream("/reference/image_mode_cases.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    static Stream<String> files() throws IOException {
        List<String> names = new ArrayList<>();
        cases().get("cases").forEach(c -> names.add(c.get("file").asText()));
        return names.stream();
    }

    static JsonNode caseOf(String file) throws IOException {
        for (JsonNode c : cases().get("cases")) {
            if (c.get("file").asText().equals(file)) {
                return c;
            }
        }
        throw new IllegalArgumentException(file);
    }

    static byte[] bytes(String file) throws IOException {
        try (InputStream in = ImageModesTest.class.getResourceAsStream("/images/modes/" + file)) {
            return in.readAllBytes();
        }
    }

    /** The largest per-sample difference between {@code expected} (a case's record) and {@code actual}. */
    static int maxDifference(JsonNode expected, RgbImage actual, String what) {
        assertEquals(expected.get("width").asInt(), actual.width(), what + " width");
        assertEquals(expected.get("height").asInt(), actual.height(), what + " height");
        byte[] rgb = Base64.getDecoder().decode(expected.get("rgb").asText());
        int worst = 0;
        for (int i = 0; i < rgb.length; i++) {
            worst = Math.max(worst, Math.abs((rgb[i] & 0xff) - (actual.pixels()[i] & 0xff)));
        }
        return worst;
    }

    @ParameterizedTest
    @MethodSource("files")
    void decodesAsPillowDoes(String file) throws IOException {
        assertEquals(List.of(), ImageLoader.missingSystemCodecs(), "the system codecs Pillow uses (./test.sh installs them)");
        JsonNode expected = caseOf(file);
        RgbImage decoded = ImageLoader.decode(bytes(file), file);
        assertEquals(0, maxDifference(expected, decoded, file), file + " (Pillow mode "
                + expected.get("pillow_mode").asText() + "): max difference in levels");
    }

    @ParameterizedTest
    @MethodSource("files")
    void theJavaDecodersAreExactButForTheirBounds(String file) throws IOException {
        RgbImage decoded = ImageLoader.decode(bytes(file), file, ImageOptions.defaults(), false);
        int difference = maxDifference(caseOf(file), decoded, file);
        int bound = JAVA_DECODER_BOUNDS.getOrDefault(file, 0);
        assertTrue(difference <= bound, file + ": max difference " + difference + " levels, allowed " + bound);
        if (bound > 0) {
            assertTrue(difference > 0, file + " is exact now: drop its bound");
        }
    }
}
