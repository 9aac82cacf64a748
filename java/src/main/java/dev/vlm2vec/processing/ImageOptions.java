package dev.vlm2vec.processing;

import org.jspecify.annotations.NullMarked;

/**
 * How {@link ImageLoader} decodes images.
 *
 * @param maxPixels the largest width x height decoded; a larger image is refused from its
 *     header, before any pixel is decoded (a decompression bomb costs no memory). The default
 *     is Pillow's {@code Image.MAX_IMAGE_PIXELS}, 89,478,485.
 * @param applyExifOrientation turn images upright by their EXIF orientation (JPEG, PNG and
 *     WebP alike). Off by default, because the reference processors do not, so checkpoints
 *     were trained and evaluated on images as stored.
 */
@NullMarked
public record ImageOptions(long maxPixels, boolean applyExifOrientation) {

    /** Pillow's {@code Image.MAX_IMAGE_PIXELS}: 1024 * 1024 * 1024 / 4 / 3. */
    public static final long DEFAULT_MAX_PIXELS = 89_478_485L;

    public ImageOptions {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("the image pixel cap must be >= 1, not " + maxPixels);
        }
    }

    public static ImageOptions defaults() {
        return new ImageOptions(DEFAULT_MAX_PIXELS, false);
    }

    public ImageOptions withMaxPixels(long value) {
        return new ImageOptions(value, applyExifOrientation);
    }

    public ImageOptions withExifOrientation(boolean value) {
        return new ImageOptions(maxPixels, value);
    }
}
