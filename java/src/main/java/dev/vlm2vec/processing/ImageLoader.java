package dev.vlm2vec.processing;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * Decodes images (JPEG incl. CMYK/YCCK, PNG, GIF, BMP, WebP; JPEG and WebP through the system's
 * libjpeg-turbo and libwebp where present, see {@link LibTurboJpeg}, {@link LibWebP}) from files, bytes, {@code data:}
 * URLs or {@link BufferedImage}s into the RGB bytes Pillow's
 * {@code Image.open(f).convert("RGB")} gives, which is what the reference processors see
 * (the rules are in {@link PillowRgb}). As in Pillow, the size is checked against a pixel cap
 * from the header before any pixel is decoded, and a truncated file is an error. Every failure
 * names its source.
 */
@NullMarked
public final class ImageLoader {

    static {
        ImageIO.scanForPlugins();
    }

    private ImageLoader() {}

    public static RgbImage load(Path file) {
        return load(file, ImageOptions.defaults());
    }

    public static RgbImage load(Path file, ImageOptions options) {
        // Only regular files, of a bounded size: a FIFO would block forever, /dev/zero never end.
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new ImageDecodingException("image file " + file + " is not a regular file", null);
        }
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new ImageDecodingException("image file " + file + " is " + size + " bytes, more than the "
                        + MAX_FILE_BYTES + " an image may have", null);
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ImageDecodingException("image file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read image file " + file, e);
        } catch (OutOfMemoryError e) {
            throw new ImageDecodingException("image file " + file + " is too large to read into memory (give the JVM more"
                    + " heap with -Xmx)", e);
        }
        return decode(bytes, "image file " + file, options);
    }

    /** Decodes encoded image bytes; {@code source} names them in errors. */
    public static RgbImage decode(byte[] bytes, String source) {
        return decode(bytes, source, ImageOptions.defaults());
    }

    public static RgbImage decode(byte[] bytes, String source, ImageOptions options) {
        return decode(bytes, source, options, true);
    }

    /**
     * {@code systemCodecs}: JPEG and WebP through the system's libjpeg-turbo and libwebp where
     * present; false: the Java decoders, which serve where they are absent.
     */
    static RgbImage decode(byte[] bytes, String source, ImageOptions options, boolean systemCodecs) {
        long pixels = -1;
        try (ImageInputStream stream = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
            if (!readers.hasNext()) {
                throw new ImageDecodingException(source + " is not an image in a supported format (JPEG, PNG, GIF, BMP,"
                        + " WebP)", null);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(stream, true, false);
                int width = reader.getWidth(0), height = reader.getHeight(0);
                pixels = (long) width * height;
                if (pixels > options.maxPixels()) {
                    throw new ImageTooLargeException(String.format(Locale.ROOT, "%s is %d x %d = %,d pixels, more than the"
                            + " cap of %,d (a guard against decompression bombs, as Pillow's MAX_IMAGE_PIXELS); raise it"
                            + " with ImageOptions.withMaxPixels or --max-image-pixels if the image is genuine",
                            source, width, height, pixels, options.maxPixels()), null);
                }
                if (ImageFormat.of(bytes) == ImageFormat.JPEG) {
                    int scans = JpegHeader.read(bytes).scanCount(bytes, MAX_JPEG_SCANS);
                    if (scans > MAX_JPEG_SCANS) {
                        throw new ImageDecodingException(String.format(Locale.ROOT, "%s is a JPEG of more than %d scans"
                                + " (encoders write about 10): each scan is a pass over all %,d pixels, so a crafted file"
                                + " like this takes minutes to decode; re-encode it if it is genuine",
                                source, MAX_JPEG_SCANS, pixels), null);
                    }
                }
                String missing = TruncatedImageCheck.missingPart(bytes);
                if (missing != null) {
                    throw truncated(source, missing, null);
                }
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((ignored, warning) -> warnings.add(warning));
                RgbImage image = decodeFirstFrame(reader, bytes, systemCodecs);
                for (String warning : warnings) {
                    if (warning.toLowerCase(Locale.ROOT).contains("premature end")) {
                        throw truncated(source, warning, null);
                    }
                }
                return options.applyExifOrientation() ? ExifOrientation.upright(image, ExifOrientation.of(bytes)) : image;
            } finally {
                reader.dispose();
            }
        } catch (ImageDecodingException e) {
            throw e;
        } catch (OutOfMemoryError e) {
            throw outOfMemory(source, pixels, e);
        } catch (IOException | RuntimeException e) {
            // Readers wrap what they catch (the PNG reader turns an OutOfMemoryError into an IIOException).
            if (causedBy(e, OutOfMemoryError.class)) {
                throw outOfMemory(source, pixels, e);
            }
            if (causedBy(e, EOFException.class)) {
                throw truncated(source, String.valueOf(e.getMessage()), e);
            }
            throw new ImageDecodingException(source + " cannot be decoded: " + e.getMessage(), e);
        }
    }

    private static RgbImage decodeFirstFrame(ImageReader reader, byte[] bytes, boolean systemCodecs) throws IOException {
        ImageFormat format = ImageFormat.of(bytes);
        if (systemCodecs && format == ImageFormat.WEBP) {
            Optional<RgbImage> decoded = LibWebP.decode(bytes);
            if (decoded.isPresent()) {
                return decoded.get();
            }
        }
        if (format == ImageFormat.JPEG) {
            Optional<LibTurboJpeg.Decoded> decoded = systemCodecs ? LibTurboJpeg.decode(bytes) : Optional.empty();
            if (decoded.isPresent()) {
                LibTurboJpeg.Decoded jpeg = decoded.get();
                return jpeg.cmyk() ? PillowRgb.fromCmyk(jpeg.samples(), jpeg.width(), jpeg.height(), true)
                        : new RgbImage(jpeg.width(), jpeg.height(), jpeg.samples());
            }
            JpegHeader header = JpegHeader.read(bytes);
            if (header.components() == 4 && reader.canReadRaster()) {
                // Java's CMYK path converts colours through an ICC profile; Pillow does plain
                // arithmetic on the samples libjpeg gives, so read them raw and do the same.
                Raster raw = reader.readRaster(0, null);
                WritableRaster cmyk = raw.createCompatibleWritableRaster();
                cmyk.setRect(raw);
                if (header.adobeTransform() > 0) {
                    JpegCmyk.ycckToCmyk(cmyk);  // libjpeg's rule: only transform 0 means plain CMYK
                }
                return PillowRgb.fromCmyk(cmyk, true);  // Pillow reads every CMYK JPEG as "CMYK;I"
            }
        }
        ImageReadParam param = reader.getDefaultReadParam();
        ImageTypeSpecifier stored = reader.getRawImageType(0);
        if (stored != null) {
            // The samples as decoded, in the file's own colour space: readers otherwise convert
            // images with an embedded ICC profile to sRGB (TwelveMonkeys' JPEG reader does), and
            // Pillow never applies a profile.
            param.setDestinationType(stored);
        }
        BufferedImage image = reader.read(0, param);
        boolean sixteenBitGrayClips = image.getRaster().getNumBands() == 1
                || (format == ImageFormat.PNG && isSixteenBitGrayPng(bytes));
        return PillowRgb.of(image, sixteenBitGrayClips);
    }

    /** A PNG of colour type 0 (gray), which Pillow opens as "I" when 16-bit: its samples clip to 255. */
    private static boolean isSixteenBitGrayPng(byte[] bytes) {
        return PngChunks.read(bytes).first("IHDR").filter(header -> header.length() >= 10)
                .map(header -> bytes[header.start() + 8] == 16 && bytes[header.start() + 9] == 0).orElse(false);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> kind) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (kind.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static ImageDecodingException outOfMemory(String source, long pixels, Throwable cause) {
        return new ImageDecodingException(String.format(Locale.ROOT, "%s (%,d pixels) needs more memory than the JVM has"
                + " free to decode; give the JVM more heap (-Xmx) or lower the pixel cap (--max-image-pixels)", source,
                pixels), cause);
    }

    private static ImageDecodingException truncated(String source, String detail, @Nullable Throwable cause) {
        return new ImageDecodingException(source + " is truncated or damaged (" + detail + "); it would be embedded"
                + " from partial pixels, so it is refused: re-download or re-export the file", cause);
    }

    /**
     * The system codecs Pillow uses that this JVM could not load, as Debian packages (empty: all
     * there): without libturbojpeg0, 4:4:0 JPEGs differ from Pillow's pixels; without libwebp7,
     * lossy WebP does.
     */
    public static List<String> missingSystemCodecs() {
        List<String> missing = new ArrayList<>();
        if (!LibTurboJpeg.available()) {
            missing.add("libturbojpeg0");
        }
        if (!LibWebP.available()) {
            missing.add("libwebp7");
        }
        return missing;
    }

    /** The largest image file read (1 GiB): larger is no image a model could take. */
    public static final long MAX_FILE_BYTES = 1L << 30;

    /**
     * More scans than this and a JPEG is refused (the limit nvImageCodec applies by default
     * after the libjpeg-turbo audit; libjpeg's progressive script writes 10). At 9000 x 9000
     * here: 10 scans decode in 1.1 s, 256 in 4.4 s, 1,000 took 11.7 s and 5,000 about a minute.
     */
    static final int MAX_JPEG_SCANS = 256;

    /** {@code data:image/png;base64,....} */
    public static RgbImage fromDataUrl(String url) {
        return fromDataUrl(url, ImageOptions.defaults());
    }

    public static RgbImage fromDataUrl(String url, ImageOptions options) {
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
        return decode(bytes, "data: URL image", options);
    }

    /**
     * An image as an input file names it: a {@code data:} URL, or a path resolved against
     * {@code base}. {@code http(s)://} URLs are refused (vlm2vec never fetches over the network:
     * a fetch would need timeouts, size caps and trust decisions that belong to the caller).
     */
    public static RgbImage fromReference(String reference, ImageRoot base, ImageOptions options) {
        if (reference.startsWith("data:")) {
            return fromDataUrl(reference, options);
        }
        String lower = reference.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            throw new ImageDecodingException("image " + reference + ": remote images are not fetched; download it and"
                    + " give its path, or pass it inline as a data: URL", null);
        }
        return load(base.resolve(reference), options);
    }

    /** As {@link #fromReference(String, ImageRoot, ImageOptions)}, paths resolved against {@code base} with no confinement. */
    public static RgbImage fromReference(String reference, Path base, ImageOptions options) {
        return fromReference(reference, new ImageRoot(base, true), options);
    }

    /** The RGB values of a decoded image, by the same rules as files (alpha dropped, gray copied). */
    public static RgbImage of(BufferedImage image) {
        return RgbImage.of(image);
    }

    /** An image that cannot be read or decoded. */
    public static class ImageDecodingException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        ImageDecodingException(String message, @Nullable Throwable cause) {
            super(message, cause);
        }
    }

    /** An image larger than the pixel cap (a server answers it with 413, not 400). */
    public static final class ImageTooLargeException extends ImageDecodingException {
        private static final long serialVersionUID = 1L;

        ImageTooLargeException(String message, @Nullable Throwable cause) {
            super(message, cause);
        }
    }
}
