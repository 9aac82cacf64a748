package dev.vlm2vec.processing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * Decodes images (JPEG, PNG, GIF, BMP with the JDK; WebP and CMYK JPEG with the TwelveMonkeys
 * plugins) from files, bytes, {@code data:} URLs or {@link BufferedImage}s into RGB, turning
 * JPEG images upright according to their EXIF orientation. Every failure names its source.
 */
@NullMarked
public final class ImageLoader {

    static {
        ImageIO.scanForPlugins();
    }

    private ImageLoader() {}

    public static RgbImage load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ImageDecodingException("image file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read image file " + file, e);
        }
        return decode(bytes, "image file " + file);
    }

    /** Decodes encoded image bytes; {@code source} names them in errors. */
    public static RgbImage decode(byte[] bytes, String source) {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new ImageDecodingException(source + " cannot be decoded: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new ImageDecodingException(source + " is not an image in a supported format (JPEG, PNG, GIF, BMP, WebP)",
                    null);
        }
        return ExifOrientation.upright(RgbImage.of(image), ExifOrientation.of(bytes));
    }

    /** {@code data:image/png;base64,....} */
    public static RgbImage fromDataUrl(String url) {
        int comma = url.indexOf(',');
        if (!url.startsWith("data:") || comma < 0 || !url.substring(0, comma).endsWith(";base64")) {
            throw new ImageDecodingException("not a base64 data: URL: "
                    + url.substring(0, Math.min(url.length(), 40)), null);
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(url.substring(comma + 1));
        } catch (IllegalArgumentException e) {
            throw new ImageDecodingException("the data: URL's base64 payload is malformed: " + e.getMessage(), e);
        }
        return decode(bytes, "data: URL image");
    }

    public static RgbImage of(BufferedImage image) {
        return RgbImage.of(image);
    }

    /** An image that cannot be read or decoded. */
    public static final class ImageDecodingException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        ImageDecodingException(String message, @Nullable Throwable cause) {
            super(message, cause);
        }
    }
}
