package dev.vlm2vec.processing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    /** EXIF orientation: one rule for JPEG, PNG and WebP, off by default as in the reference processors. */
    @ParameterizedTest
    @ValueSource(strings = {"exif6.jpg", "exif6.png", "exif6.webp"})
    void exifOrientationIsAnOptionForEveryFormat(String file) throws IOException {
        com.fasterxml.jackson.databind.JsonNode expected = ImageModesTest.caseOf(file);
        byte[] bytes = ImageModesTest.bytes(file);
        assertEquals(6, ExifOrientation.of(bytes), file);
        RgbImage stored = ImageLoader.decode(bytes, file);
        assertEquals(0, ImageModesTest.maxDifference(expected, stored, file), "by default the image stays as stored");
        RgbImage upright = ImageLoader.decode(bytes, file, ImageOptions.defaults().withExifOrientation(true));
        assertEquals(0, ImageModesTest.maxDifference(expected.get("exif_transposed"), upright, file),
                "with the option: Pillow's ImageOps.exif_transpose");
        assertEquals(1, ExifOrientation.of(ImageModesTest.bytes("rgb.png")));
    }

    /** A 1-bit gray PNG of any size, all black: small on disk however many pixels it declares. */
    private static byte[] blackPng(int width, int height, boolean withPixels) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer header = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 1).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(png, "IHDR", header.array());
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(compressed, new Deflater(1), 1 << 16)) {
            byte[] row = new byte[1 + (width + 7) / 8];
            for (int y = 0; withPixels && y < height; y++) {
                deflate.write(row);
            }
        }
        chunk(png, "IDAT", compressed.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream png, String type, byte[] data) throws IOException {
        byte[] kind = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        png.write(ByteBuffer.allocate(4).putInt(data.length).array());
        png.write(kind);
        png.write(data);
        CRC32 crc = new CRC32();
        crc.update(kind);
        crc.update(data);
        png.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** Runs {@link DecodeInChildJvm} in a JVM with a 48 MB heap; returns what it printed. */
    private static String decodeInSmallHeap(Path file, String... cap) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx48m", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                DecodeInChildJvm.class.getName(), file.toString()));
        command.addAll(List.of(cap));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, process.exitValue(), output);
        return output.strip();
    }

    @Test
    void decompressionBombsAreRefusedFromTheHeaderBeforeAnyPixelIsAllocated(@TempDir Path directory) throws Exception {
        Path real = Files.write(directory.resolve("bomb_30000.png"), blackPng(30000, 30000, true));
        Path declared = Files.write(directory.resolve("declared_65535.png"), blackPng(65535, 65535, false));
        assertTrue(Files.size(real) < 1_000_000, "the 900-megapixel PNG is " + Files.size(real) + " bytes on disk");
        assertEquals("refused: image file " + real + " is 30000 x 30000 = 900,000,000 pixels, more than the cap of"
                + " 89,478,485 (a guard against decompression bombs, as Pillow's MAX_IMAGE_PIXELS); raise it with"
                + " ImageOptions.withMaxPixels or --max-image-pixels if the image is genuine", decodeInSmallHeap(real));
        assertTrue(decodeInSmallHeap(declared).startsWith("refused: image file " + declared
                + " is 65535 x 65535 = 4,294,836,225 pixels, more than the cap"), decodeInSmallHeap(declared));
        // A JPEG whose frame header claims 60000 x 60000 is refused the same way.
        byte[] jpeg = ImageModesTest.bytes("rgb_420.jpg");
        JpegHeader.Segment frame = JpegHeader.read(jpeg).segments().stream().filter(x -> x.marker() == 0xC0).findFirst()
                .orElseThrow();
        ByteBuffer.wrap(jpeg, frame.start() + 1, 4).putShort((short) 60000).putShort((short) 60000);
        var refused = assertThrows(ImageLoader.ImageDecodingException.class, () -> ImageLoader.decode(jpeg, "big.jpg"));
        assertTrue(refused.getMessage().startsWith("big.jpg is 60000 x 60000 = 3,600,000,000 pixels"), refused.getMessage());
        // Raising the cap past what the heap holds: a clear out-of-memory error naming the image, not a crash.
        String tooBig = decodeInSmallHeap(real, "1000000000");
        assertTrue(tooBig.startsWith("refused: image file " + real + " (900,000,000 pixels) needs more memory than the JVM"
                + " has free to decode; give the JVM more heap (-Xmx)"), tooBig);
    }

    /** The file with its last scan written {@code extra} more times (libjpeg warns and decodes on). */
    private static byte[] withRepeatedLastScan(byte[] jpeg, int extra) {
        int last = -1;
        for (int i = 0; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xff) == 0xFF && (jpeg[i + 1] & 0xff) == 0xDA) {
                last = i;
            }
        }
        int end = jpeg.length - 2;  // the end-of-image marker
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, end);
        for (int i = 0; i < extra; i++) {
            out.write(jpeg, last, end - last);
        }
        out.write(jpeg, end, 2);
        return out.toByteArray();
    }

    // A progressive JPEG of thousands of scans is a few kB and each scan a pass over every pixel
    // (1,000 scans at 9000 x 9000 took 11.7 s): refused from the count, before either decoder runs.
    @Test
    void aJpegOfTooManyScansIsRefusedBeforeDecoding() throws IOException {
        byte[] progressive = ImageModesTest.bytes("rgb_progressive.jpg");
        int scans = JpegHeader.read(progressive).scanCount(progressive, ImageLoader.MAX_JPEG_SCANS);
        assertEquals(10, scans, "libjpeg's progressive script for YCbCr");
        byte[] baseline = ImageModesTest.bytes("rgb_420.jpg");
        assertEquals(1, JpegHeader.read(baseline).scanCount(baseline, ImageLoader.MAX_JPEG_SCANS));

        byte[] atTheLimit = withRepeatedLastScan(progressive, ImageLoader.MAX_JPEG_SCANS - scans);
        assertEquals(ImageLoader.MAX_JPEG_SCANS, JpegHeader.read(atTheLimit).scanCount(atTheLimit, ImageLoader.MAX_JPEG_SCANS));
        assertEquals(ImageLoader.decode(progressive, "ten scans").width(), ImageLoader.decode(atTheLimit, "256 scans").width());
        byte[] over = withRepeatedLastScan(progressive, ImageLoader.MAX_JPEG_SCANS - scans + 1);
        for (boolean systemCodecs : new boolean[] {true, false}) {
            var refused = assertThrows(ImageLoader.ImageDecodingException.class,
                    () -> ImageLoader.decode(over, "many_scans.jpg", ImageOptions.defaults(), systemCodecs));
            assertTrue(refused.getMessage().startsWith("many_scans.jpg is a JPEG of more than 256 scans (encoders write"
                    + " about 10)"), refused.getMessage());
        }
    }

    /** A camera JPEG carries a thumbnail, a whole JPEG of its own, in its EXIF segment: cutting the main image still counts. */
    @Test
    void aTruncatedJpegWithAThumbnailIsRefused(@TempDir Path directory) throws IOException {
        byte[] main = ImageModesTest.bytes("rgb_420.jpg"), thumbnail = ImageModesTest.bytes("gray.jpg");
        ByteArrayOutputStream camera = new ByteArrayOutputStream();
        camera.write(main, 0, 2);
        int length = 2 + 6 + thumbnail.length;
        camera.write(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (length >> 8), (byte) length});
        camera.write("Exif\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        camera.write(thumbnail);
        camera.write(main, 2, main.length - 2);
        byte[] whole = camera.toByteArray();
        assertArrayEquals(ImageLoader.decode(main, "main").pixels(), ImageLoader.decode(whole, "camera").pixels());
        Path cut = Files.write(directory.resolve("cut_camera.jpg"), java.util.Arrays.copyOf(whole, whole.length - 200));
        var e = assertThrows(ImageLoader.ImageDecodingException.class, () -> ImageLoader.load(cut));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"rgb_420.jpg", "rgb_progressive.jpg", "rgb.png", "p.png", "lossless.webp", "lossy.webp"})
    void truncatedFilesAreErrorsNamingTheFile(String file, @TempDir Path directory) throws IOException {
        byte[] whole = ImageModesTest.bytes(file);
        Path cut = Files.write(directory.resolve("cut_" + file), java.util.Arrays.copyOf(whole, whole.length * 2 / 3));
        var e = assertThrows(ImageLoader.ImageDecodingException.class, () -> ImageLoader.load(cut));
        assertTrue(e.getMessage().startsWith("image file " + cut + " "), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
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
