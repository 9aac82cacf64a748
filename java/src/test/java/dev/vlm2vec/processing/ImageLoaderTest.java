package dev.vlm2vec.processing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageLoaderTest {

    private static BufferedImage pattern(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, ((x * 20) % 256) << 16 | ((y * 30) % 256) << 8 | ((x + y) % 2 == 1 ? 200 : 50));
            }
        }
        return image;
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, out), format);
        return out.toByteArray();
    }

    @Test
    void losslessFormatsDecodeToTheSamePixels() throws IOException {
        RgbImage expected = RgbImage.of(pattern(12, 8));
        for (String format : new String[] {"png", "bmp"}) {
            assertArrayEquals(expected.pixels(), ImageLoader.decode(encode(pattern(12, 8), format), format).pixels(), format);
        }
        try (InputStream webp = getClass().getResourceAsStream("/images/tiny_12x8_lossless.webp")) {
            RgbImage decoded = ImageLoader.decode(webp.readAllBytes(), "webp");
            assertEquals(12, decoded.width());
            assertArrayEquals(expected.pixels(), decoded.pixels());
        }
        RgbImage gif = ImageLoader.decode(encode(pattern(12, 8), "gif"), "gif");
        assertEquals(8, gif.height());
        RgbImage jpeg = ImageLoader.decode(encode(pattern(12, 8), "jpg"), "jpeg");
        assertEquals(12, jpeg.width());
    }

    @Test
    void exifOrientationTurnsJpegsUpright() throws IOException {
        byte[] jpeg = encode(pattern(12, 8), "jpg");
        RgbImage stored = ImageLoader.decode(jpeg, "plain");
        // APP1 "Exif" with a big-endian TIFF header and one IFD entry: orientation (274) = 6.
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0};
        byte[] app1 = new byte[4 + 6 + tiff.length];
        app1[0] = (byte) 0xFF;
        app1[1] = (byte) 0xE1;
        int length = 2 + 6 + tiff.length;
        app1[2] = (byte) (length >> 8);
        app1[3] = (byte) length;
        System.arraycopy("Exif\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, app1, 4, 6);
        System.arraycopy(tiff, 0, app1, 10, tiff.length);
        byte[] tagged = new byte[jpeg.length + app1.length];
        System.arraycopy(jpeg, 0, tagged, 0, 2);
        System.arraycopy(app1, 0, tagged, 2, app1.length);
        System.arraycopy(jpeg, 2, tagged, 2 + app1.length, jpeg.length - 2);
        assertEquals(6, ExifOrientation.of(tagged));
        RgbImage upright = ImageLoader.decode(tagged, "rotated");
        // Orientation 6: shown rotated 90 degrees clockwise, so stored (x, y) lands at (h-1-y, x).
        assertEquals(8, upright.width());
        assertEquals(12, upright.height());
        for (int c = 0; c < 3; c++) {
            assertEquals(stored.get(0, 0, c), upright.get(7, 0, c));
            assertEquals(stored.get(11, 7, c), upright.get(0, 11, c));
        }
        assertEquals(1, ExifOrientation.of(encode(pattern(4, 4), "png")));
    }

    @Test
    void badImagesAreNamed(@TempDir Path directory) throws IOException {
        Path missing = directory.resolve("nope.jpg");
        var notThere = assertThrows(ImageLoader.ImageDecodingException.class, () -> ImageLoader.load(missing));
        assertEquals("image file " + missing + " does not exist", notThere.getMessage());
        Path garbage = Files.write(directory.resolve("broken.png"), new byte[] {1, 2, 3, 4, 5});
        var broken = assertThrows(ImageLoader.ImageDecodingException.class, () -> ImageLoader.load(garbage));
        assertTrue(broken.getMessage().startsWith("image file " + garbage + " is not an image"), broken.getMessage());
        assertThrows(ImageLoader.ImageDecodingException.class, () -> ImageLoader.fromDataUrl("http://example/x.png"));
    }

    @Test
    void dataUrlsAndFilesDecode(@TempDir Path directory) throws IOException {
        byte[] png = encode(pattern(5, 3), "png");
        RgbImage fromUrl = ImageLoader.fromDataUrl("data:image/png;base64," + Base64.getEncoder().encodeToString(png));
        RgbImage fromFile = ImageLoader.load(Files.write(directory.resolve("p.png"), png));
        assertArrayEquals(fromUrl.pixels(), fromFile.pixels());
        assertArrayEquals(RgbImage.of(pattern(5, 3)).pixels(), ImageLoader.of(pattern(5, 3)).pixels());
    }
}
