package dev.vlm2vec.processing;

import java.util.List;
import org.jspecify.annotations.NullMarked;

/**
 * LLaVA-NeXT's image processor, reproducing the reference pixel for pixel: the best grid
 * resolution for the image, an aspect-keeping Pillow bicubic resize into it, black padding
 * split evenly ({@link LlavaNextPadding}: an odd pixel is lost before transformers 4.52 and
 * goes to the bottom or right after), tiles of one crop row-major, and before them the whole
 * image squashed to one crop; each view normalised.
 */
@NullMarked
public final class LlavaNextImageProcessor {

    /** A grid resolution (height, width) in pixels. */
    public record Pinpoint(int height, int width) {}

    private final List<Pinpoint> pinpoints;
    private final int tileSize;
    private final Normalization normalization;
    private final LlavaNextPadding padding;

    /** @param padding LEGACY or FIXED (resolve AUTO first, from the checkpoint) */
    public LlavaNextImageProcessor(List<Pinpoint> pinpoints, int tileSize, Normalization normalization,
            LlavaNextPadding padding) {
        if (pinpoints.isEmpty()) {
            throw new IllegalArgumentException("image_grid_pinpoints is empty");
        }
        if (padding == LlavaNextPadding.AUTO) {
            throw new IllegalArgumentException("the LLaVA-NeXT padding must be resolved to LEGACY or FIXED before the"
                    + " processor is made (LlavaNextPadding.forVersion)");
        }
        this.pinpoints = List.copyOf(pinpoints);
        this.tileSize = tileSize;
        this.normalization = normalization;
        this.padding = padding;
    }

    /** The pinpoint with the largest effective resolution; ties: least waste, then list order. */
    public Pinpoint bestResolution(int height, int width) {
        Pinpoint best = pinpoints.get(0);
        long bestEffective = -1;
        long leastWaste = Long.MAX_VALUE;
        for (Pinpoint candidate : pinpoints) {
            double scale = Math.min((double) candidate.width() / width, (double) candidate.height() / height);
            long effective = Math.min((long) (width * scale) * (long) (height * scale), (long) width * height);
            long waste = (long) candidate.width() * candidate.height() - effective;
            if (effective > bestEffective || (effective == bestEffective && waste < leastWaste)) {
                bestEffective = effective;
                leastWaste = waste;
                best = candidate;
            }
        }
        return best;
    }

    /** The size the image is resized to inside {@code target}, keeping its aspect ratio. */
    static int[] fittedSize(int height, int width, Pinpoint target) {
        double scaleW = (double) target.width() / width;
        double scaleH = (double) target.height() / height;
        if (scaleW < scaleH) {
            return new int[] {Math.min((int) Math.ceil(height * scaleW), target.height()), target.width()};
        }
        return new int[] {target.height(), Math.min((int) Math.ceil(width * scaleH), target.width())};
    }

    /** Image tokens: the base view, then the unpadded grid rows each closed by a newline. */
    public int tokenCount(int height, int width) {
        Pinpoint best = bestResolution(height, width);
        int side = tileSize / 14;
        int rows = best.height() / tileSize * side, cols = best.width() / tileSize * side;
        int unpaddedRows = rows, unpaddedCols = cols;
        if ((double) width / height > (double) cols / rows) {
            int kept = (int) roundTo7Decimals(height * ((double) cols / width));
            unpaddedRows = rows - 2 * ((rows - kept) / 2);
        } else {
            int kept = (int) roundTo7Decimals(width * ((double) rows / height));
            unpaddedCols = cols - 2 * ((cols - kept) / 2);
        }
        return side * side + unpaddedRows * (unpaddedCols + 1);
    }

    private static double roundTo7Decimals(double x) {
        return new java.math.BigDecimal(x).setScale(7, java.math.RoundingMode.HALF_EVEN).doubleValue();
    }

    public ProcessedImage process(RgbImage image) {
        int height = image.height(), width = image.width();
        Pinpoint best = bestResolution(height, width);
        int[] fitted = fittedSize(height, width, best);
        RgbImage resized = PilResize.resize(image, fitted[1], fitted[0], PilResize.Filter.BICUBIC);
        int left = (best.width() - fitted[1]) / 2, top = (best.height() - fitted[0]) / 2;
        // LEGACY pads (d//2, d//2): with an odd d the canvas stays a pixel short of the pinpoint.
        RgbImage canvas = padding == LlavaNextPadding.FIXED
                ? resized.pad(left, top, best.width(), best.height(), 0)
                : resized.pad(left, top, fitted[1] + 2 * left, fitted[0] + 2 * top, 0);
        int rows = best.height() / tileSize, cols = best.width() / tileSize;
        int viewSize = 3 * tileSize * tileSize;
        float[] views = new float[(rows * cols + 1) * viewSize];
        RgbImage base = PilResize.resize(image, tileSize, tileSize, PilResize.Filter.BICUBIC);
        System.arraycopy(normalization.apply(base), 0, views, 0, viewSize);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int x0 = c * tileSize, y0 = r * tileSize;
                RgbImage tile = canvas.crop(x0, y0, Math.min(tileSize, canvas.width() - x0),
                        Math.min(tileSize, canvas.height() - y0));
                float[] normalised = normalization.apply(tile.width() == tileSize && tile.height() == tileSize ? tile
                        : stretchedToTile(tile));
                System.arraycopy(normalised, 0, views, (1 + r * cols + c) * viewSize, viewSize);
            }
        }
        return ProcessedImage.ofViews(views, rows * cols + 1, tileSize, new long[] {height, width}, tokenCount(height, width));
    }

    /**
     * What the reference's per-tile {@code resize(shortest_edge=tile)} and centre crop make of a
     * short LEGACY tile (tile - 1 px one way): the short side becomes the tile size, the other
     * {@code int(tile * long / short)} (57 for 56 px), Pillow bicubic on 8 bits, then the crop
     * at offset {@code (57 - 56) // 2 = 0}.
     */
    private RgbImage stretchedToTile(RgbImage tile) {
        boolean tall = tile.width() <= tile.height();
        int shortest = tall ? tile.width() : tile.height(), longest = tall ? tile.height() : tile.width();
        int stretched = (int) ((long) tileSize * longest / shortest);
        int width = tall ? tileSize : stretched, height = tall ? stretched : tileSize;
        RgbImage resized = PilResize.resize(tile, width, height, PilResize.Filter.BICUBIC);
        return resized.crop((width - tileSize) / 2, (height - tileSize) / 2, tileSize, tileSize);
    }
}
