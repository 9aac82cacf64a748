package dev.vlm2vec.processing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.NullMarked;

/**
 * Qwen2-VL's image processor as VLM2Vec-V2 runs it (its vendored {@code image_processing_qwen2_vl.py}):
 * the image is resized, keeping its aspect, to a multiple of 28 on each side with a pixel count
 * in [minPixels, maxPixels] ({@link #smartResize}), with Pillow's bicubic filter on 8-bit RGB;
 * rescaled and normalised; doubled in time (a still image fills both frames of a temporal
 * patch); and cut into 14 x 14 patches, one row of {@code 3 * 2 * 14 * 14 = 1176} values each,
 * the rows in 2 x 2 merge-window order. Facts: ../shared/docs/MODELS-qwen2vl.md section 7.
 */
@NullMarked
public final class Qwen2VlImageProcessor {

    public static final int PATCH = 14;
    public static final int MERGE = 2;
    public static final int TEMPORAL = 2;
    /** Side multiple of a resized image: one merge window of patches. */
    public static final int FACTOR = PATCH * MERGE;
    /** Values per patch row: channel, frame, y, x. */
    public static final int PATCH_VALUES = 3 * TEMPORAL * PATCH * PATCH;
    /** VLM2Vec-V2's --resize_min_pixels / --resize_max_pixels defaults: 4 to 1280 image tokens. */
    public static final long VLM2VEC_MIN_PIXELS = 28L * 28 * 4;
    public static final long VLM2VEC_MAX_PIXELS = 28L * 28 * 1280;
    /** VLM2Vec V1's (and the V2 eval of V1 models') pre-resize of every image. */
    public static final int V1_PRE_RESIZE = 1344;

    private final long minPixels;
    private final long maxPixels;
    private final Normalization normalization;
    private final boolean v1PreResize;

    /**
     * @param v1PreResize resize every image to 1344 x 1344 first (aspect not kept), as VLM2Vec V1 does
     */
    public Qwen2VlImageProcessor(long minPixels, long maxPixels, Normalization normalization, boolean v1PreResize) {
        if (minPixels < 1 || maxPixels < minPixels) {
            throw new IllegalArgumentException("Qwen2-VL pixel limits must satisfy 1 <= min_pixels <= max_pixels; got "
                    + minPixels + " and " + maxPixels);
        }
        this.minPixels = minPixels;
        this.maxPixels = maxPixels;
        this.normalization = normalization;
        this.v1PreResize = v1PreResize;
    }

    /**
     * The processor a checkpoint's {@code preprocessor_config.json} describes. Its {@code size}
     * ({@code shortest_edge} / {@code longest_edge}, which VLM2Vec sets from its command line) wins
     * over {@code min_pixels} / {@code max_pixels}, as in the upstream class; patch, merge and
     * temporal sizes other than Qwen2-VL's are refused.
     */
    public static Qwen2VlImageProcessor fromConfig(Path file, boolean v1PreResize) {
        JsonNode config;
        try {
            config = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Qwen2-VL image processor config " + file, e);
        }
        if (config == null || !config.isObject()) {
            throw new IllegalArgumentException(file + " is not a JSON object");
        }
        requireValue(config, file, "patch_size", PATCH);
        requireValue(config, file, "merge_size", MERGE);
        requireValue(config, file, "temporal_patch_size", TEMPORAL);
        long min = pixels(config, file, "shortest_edge", "min_pixels", VLM2VEC_MIN_PIXELS);
        long max = pixels(config, file, "longest_edge", "max_pixels", VLM2VEC_MAX_PIXELS);
        return new Qwen2VlImageProcessor(min, max, normalization(config, file), v1PreResize);
    }

    private static void requireValue(JsonNode config, Path file, String key, int expected) {
        JsonNode value = config.get(key);
        if (value != null && !value.isNull() && (!value.canConvertToExactIntegral() || value.asInt() != expected)) {
            throw new IllegalArgumentException(file + ": " + key + " is " + value + "; Qwen2-VL's is " + expected);
        }
    }

    private static long pixels(JsonNode config, Path file, String sizeKey, String key, long fallback) {
        JsonNode value = config.path("size").get(sizeKey);
        String name = "size." + sizeKey;
        if (value == null || value.isNull()) {
            value = config.get(key);
            name = key;
        }
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.canConvertToExactIntegral() || value.asLong() < 1) {
            throw new IllegalArgumentException(file + ": " + name + " must be a whole number of pixels >= 1, not " + value);
        }
        return value.asLong();
    }

    private static Normalization normalization(JsonNode config, Path file) {
        JsonNode mean = config.get("image_mean"), std = config.get("image_std");
        if (mean == null || std == null) {
            return Normalization.CLIP;
        }
        float[][] values = new float[2][3];
        JsonNode[] nodes = {mean, std};
        for (int k = 0; k < 2; k++) {
            if (!nodes[k].isArray() || nodes[k].size() != 3) {
                throw new IllegalArgumentException(file + ": " + (k == 0 ? "image_mean" : "image_std")
                        + " must be three numbers (RGB), not " + nodes[k]);
            }
            for (int c = 0; c < 3; c++) {
                values[k][c] = (float) nodes[k].get(c).asDouble();
            }
        }
        return new Normalization(values[0], values[1]);
    }

    public long minPixels() {
        return minPixels;
    }

    public long maxPixels() {
        return maxPixels;
    }

    /** An image's patch grid: frames (1 for an image), rows and columns of 14 x 14 patches. */
    public record Grid(int t, int h, int w) {
        /** Patch rows of pixel values. */
        public int patches() {
            return t * h * w;
        }

        /** {@code <|image_pad|>} tokens the prompt needs: one per 2 x 2 merge window. */
        public int tokens() {
            return patches() / (MERGE * MERGE);
        }
    }

    /**
     * A processed image.
     *
     * @param pixelValues {@code [grid.patches(), 1176]}, row-major
     * @param grid its {@code image_grid_thw}
     */
    public record Result(float[] pixelValues, Grid grid) {
        /** As the batch takes it: patches, grid, the resized size and the token count. */
        public ProcessedImage processed() {
            return ProcessedImage.ofPatches(pixelValues, new long[] {grid.t(), grid.h(), grid.w()},
                    new long[] {(long) grid.h() * PATCH, (long) grid.w() * PATCH}, grid.tokens());
        }
    }

    /**
     * The {@code [height, width]} Qwen2-VL resizes an image to: each side rounded to a multiple of
     * 28 (Python's round, half to even), then scaled down or up, aspect kept, when the pixel count
     * leaves [min, max], each branch starting again from the raw size and the result not checked
     * again (so the up branch may pass max, as upstream). VLM2Vec's copy first makes an image that
     * is smaller than 28 on a side, or more than 200 times longer than wide, a square of its longer
     * side (at least 28).
     */
    public static int[] smartResize(int height, int width, long minPixels, long maxPixels) {
        if (height < FACTOR || width < FACTOR || (double) Math.max(height, width) / Math.min(height, width) > 200) {
            int side = Math.max(FACTOR, Math.max(height, width));
            height = side;
            width = side;
        }
        long h = (long) Math.rint((double) height / FACTOR) * FACTOR;
        long w = (long) Math.rint((double) width / FACTOR) * FACTOR;
        if (h * w > maxPixels) {
            double beta = Math.sqrt((double) height * width / maxPixels);
            h = (long) Math.floor(height / beta / FACTOR) * FACTOR;
            w = (long) Math.floor(width / beta / FACTOR) * FACTOR;
        } else if (h * w < minPixels) {
            double beta = Math.sqrt(minPixels / ((double) height * width));
            h = (long) Math.ceil(height * beta / FACTOR) * FACTOR;
            w = (long) Math.ceil(width * beta / FACTOR) * FACTOR;
        }
        if (h < FACTOR || w < FACTOR || h * w > Integer.MAX_VALUE / PATCH_VALUES) {
            throw new IllegalArgumentException("a " + width + " x " + height + " image resizes to " + w + " x " + h
                    + " for Qwen2-VL, which has no patches or too many; check min_pixels and max_pixels");
        }
        return new int[] {(int) h, (int) w};
    }

    public Result process(RgbImage image) {
        RgbImage input = image;
        if (v1PreResize) {
            input = PilResize.resize(input, V1_PRE_RESIZE, V1_PRE_RESIZE, PilResize.Filter.BICUBIC);
        }
        // VLM2Vec's own step before the processor: a side under 28 px becomes 56 x 56.
        if (input.width() < FACTOR || input.height() < FACTOR) {
            input = PilResize.resize(input, 2 * FACTOR, 2 * FACTOR, PilResize.Filter.BICUBIC);
        }
        int[] size = smartResize(input.height(), input.width(), minPixels, maxPixels);
        int height = size[0], width = size[1];
        RgbImage resized = input.width() == width && input.height() == height
                ? input : PilResize.resize(input, width, height, PilResize.Filter.BICUBIC);
        // Upstream rescales in double then rounds to float; for 8-bit values that equals the float
        // division apply() does (the test checks all 256).
        float[] planes = normalization.apply(resized);
        Grid grid = new Grid(1, height / PATCH, width / PATCH);
        float[] out = new float[grid.patches() * PATCH_VALUES];
        int plane = height * width;
        int row = 0;
        for (int windowRow = 0; windowRow < grid.h() / MERGE; windowRow++) {
            for (int windowColumn = 0; windowColumn < grid.w() / MERGE; windowColumn++) {
                for (int mergeRow = 0; mergeRow < MERGE; mergeRow++) {
                    for (int mergeColumn = 0; mergeColumn < MERGE; mergeColumn++) {
                        int y0 = (windowRow * MERGE + mergeRow) * PATCH, x0 = (windowColumn * MERGE + mergeColumn) * PATCH;
                        int base = row++ * PATCH_VALUES;
                        for (int c = 0; c < 3; c++) {
                            for (int y = 0; y < PATCH; y++) {
                                int from = c * plane + (y0 + y) * width + x0;
                                // Both frames of the temporal patch hold the same still image.
                                for (int t = 0; t < TEMPORAL; t++) {
                                    System.arraycopy(planes, from, out, base + c * TEMPORAL * PATCH * PATCH + t * PATCH * PATCH
                                            + y * PATCH, PATCH);
                                }
                            }
                        }
                    }
                }
            }
        }
        return new Result(out, grid);
    }
}
