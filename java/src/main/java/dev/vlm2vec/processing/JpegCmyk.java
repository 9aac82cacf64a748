package dev.vlm2vec.processing;

import java.awt.image.WritableRaster;
import org.jspecify.annotations.NullMarked;

/**
 * The CMYK samples libjpeg gives Pillow for a 4-component JPEG whose raw (undecoded colour)
 * raster Java read: YCCK (Adobe transform 2) becomes CMYK with libjpeg's fixed-point YCbCr
 * tables ({@code jdcolor.c}, 16 fraction bits, K unchanged); plain CMYK passes as stored.
 */
@NullMarked
final class JpegCmyk {

    private static final int SCALE_BITS = 16;
    private static final int ONE_HALF = 1 << (SCALE_BITS - 1);

    private JpegCmyk() {}

    private static int fix(double x) {
        return (int) (x * (1L << SCALE_BITS) + 0.5);
    }

    /** Converts a YCCK raster to CMYK in place. */
    static void ycckToCmyk(WritableRaster raster) {
        int width = raster.getWidth();
        int[] row = new int[width * 4];
        for (int y = 0; y < raster.getHeight(); y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, width, 1, row);
            for (int x = 0; x < width; x++) {
                int luma = row[4 * x], cb = row[4 * x + 1] - 128, cr = row[4 * x + 2] - 128;
                int red = luma + ((fix(1.40200) * cr + ONE_HALF) >> SCALE_BITS);
                int green = luma + ((-fix(0.34414) * cb + ONE_HALF - fix(0.71414) * cr) >> SCALE_BITS);
                int blue = luma + ((fix(1.77200) * cb + ONE_HALF) >> SCALE_BITS);
                row[4 * x] = clamp(255 - red);
                row[4 * x + 1] = clamp(255 - green);
                row[4 * x + 2] = clamp(255 - blue);
            }
            raster.setPixels(raster.getMinX(), raster.getMinY() + y, width, 1, row);
        }
    }

    private static int clamp(int value) {
        return Math.max(0, Math.min(255, value));
    }
}
