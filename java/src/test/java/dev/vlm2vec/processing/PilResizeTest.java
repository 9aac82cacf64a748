package dev.vlm2vec.processing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * PilResize against Pillow 9.4 itself: byte-identical output for bilinear and bicubic, up,
 * down, one axis only, extreme aspect (cases made by
 * src/test/resources/reference/make_pil_resize_cases.py).
 */
class PilResizeTest {

    @Test
    void matchesPillowByteForByte() throws IOException {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/reference/pil_resize_cases.json")) {
            root = new ObjectMapper().readTree(in);
        }
        assertEquals(12, root.get("cases").size());
        for (JsonNode c : root.get("cases")) {
            RgbImage input = new RgbImage(c.get("in_w").asInt(), c.get("in_h").asInt(),
                    Base64.getDecoder().decode(c.get("input").asText()));
            RgbImage output = PilResize.resize(input, c.get("out_w").asInt(), c.get("out_h").asInt(),
                    PilResize.Filter.valueOf(c.get("filter").asText()));
            assertArrayEquals(Base64.getDecoder().decode(c.get("output").asText()), output.pixels(),
                    c.get("filter").asText() + " " + c.get("in_w") + "x" + c.get("in_h") + " -> " + c.get("out_w") + "x"
                            + c.get("out_h"));
        }
    }
}
