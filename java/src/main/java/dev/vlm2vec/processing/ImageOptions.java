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
 * @param allowPathsOutsideRoot let data files' image paths leave their image root (absolute
 *     paths, {@code ../}); off by default, so a data set cannot make vlm2vec read files elsewhere
 *     ({@link ImageRoot})
 */
@NullMarked
public record ImageOptions(long maxPixels, boolean applyExifOrientation, boolean allowPathsOutsideRoot) {

    /** Pillow's {@code Image.MAX_IMAGE_PIXELS}: 1024 * 1024 * 1024 / 4 / 3. */
    public static final long DEFAULT_MAX_PIXELS = 89_478_485L;

    public ImageOptions {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("the image pixel cap must be >= 1, not " + maxPixels);
        }
    }

    public static ImageOptions defaults() {
        return new ImageOptions(DEFAULT_MAX_PIXELS, false, false);
    }

    public ImageOptions withMaxPixels(long value) {
        return new ImageOptions(value, applyExifOrientation, allowPathsOutsideRoot);
    }

    public ImageOptions withExifOrientation(boolean value) {
        return new ImageOptions(maxPixels, value, allowPathsOutsideRoot);
    }

    public ImageOptions withPathsOutsideRoot(boolean value) {
        return new ImageOptions(maxPixels, applyExifOrientation, value);
    }
}
