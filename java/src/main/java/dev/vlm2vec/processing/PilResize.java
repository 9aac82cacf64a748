package dev.vlm2vec.processing;

import org.jspecify.annotations.NullMarked;

/**
 * Image resizing exactly as Pillow (9.x) does it for 8-bit RGB images, so processors match
 * the reference pixel for pixel: a separable convolution with the filter stretched by the
 * scale when shrinking (antialiasing), double-precision weights normalised per output
 * pixel and converted to 22-bit fixed point, a horizontal pass into an 8-bit intermediate
 * image (only the rows the vertical pass needs), then a vertical pass.
 */
@NullMarked
public final class PilResize {

    /** Pillow's resampling filters. */
    public enum Filter {
        BILINEAR(1.0) {
            @Override
            double weight(double x) {
                x = Math.abs(x);
                return x < 1.0 ? 1.0 - x : 0.0;
            }
        },
        BICUBIC(2.0) {
            @Override
            double weight(double x) {
                // Keys' cubic with a = -0.5, Pillow's choice (torch uses -0.75).
                final double a = -0.5;
                x = Math.abs(x);
                if (x < 1.0) {
                    return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
                }
                if (x < 2.0) {
                    return (((x - 5) * x + 8) * x - 4) * a;
                }
                return 0.0;
            }
        };

        final double support;

        Filter(double support) {
            this.support = support;
        }

        abstract double weight(double x);
    }

    private static final int PRECISION_BITS = 32 - 8 - 2;

    /** Per output pixel: the first input index, the number of taps, and fixed-point weights. */
    private record Coefficients(int[] first, int[] count, int[] weights, int taps) {}

    private PilResize() {}

    public static RgbImage resize(RgbImage image, int width, int height, Filter filter) {
        if (width <= 0 || height <= 0) {
            // The processors size by aspect ratio: an extreme one (e.g. 1 x 5000 pixels) rounds a side to 0,
            // as in the reference processors, which fail the same way.
            throw new IllegalArgumentException("an image of " + image.width() + "x" + image.height() + " pixels is too"
                    + " elongated for the model's image processor (it would be resized to " + width + "x" + height
                    + "); crop or pad it to a less extreme aspect ratio");
        }
        if (width == image.width() && height == image.height()) {
            return image;  // Pillow returns a copy unchanged
        }
        Coefficients horizontal = coefficients(image.width(), width, filter);
        Coefficients vertical = coefficients(image.height(), height, filter);
        RgbImage source = image;
        int[] verticalFirst = vertical.first().clone();
        if (width != image.width()) {
            int firstRow = vertical.first()[0];
            int lastRow = vertical.first()[height - 1] + vertical.count()[height - 1];
            for (int i = 0; i < height; i++) {
                verticalFirst[i] -= firstRow;
            }
            source = horizontalPass(image, horizontal, width, firstRow, lastRow);
        }
        if (height == image.height()) {
            return source;
        }
        return verticalPass(source, new Coefficients(verticalFirst, vertical.count(), vertical.weights(), vertical.taps()),
                height);
    }

    private static Coefficients coefficients(int inSize, int outSize, Filter filter) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filter.support * filterScale;
        int taps = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[] weights = new int[outSize * taps];
        double[] row = new double[taps];
        // Pillow multiplies by the reciprocal; dividing can differ in the last bit.
        double reciprocal = 1.0 / filterScale;
        for (int out = 0; out < outSize; out++) {
            double center = (out + 0.5) * scale;
            int min = Math.max((int) (center - support + 0.5), 0);
            int max = Math.min((int) (center + support + 0.5), inSize) - min;
            double total = 0.0;
            for (int x = 0; x < max; x++) {
                row[x] = filter.weight((x + min - center + 0.5) * reciprocal);
                total += row[x];
            }
            for (int x = 0; x < max; x++) {
                double w = total != 0.0 ? row[x] / total : row[x];
                double scaled = w * (1 << PRECISION_BITS);
                // C's (int) truncation after rounding half away from zero
                weights[out * taps + x] = (int) (w < 0 ? Math.ceil(-0.5 + scaled) : Math.floor(0.5 + scaled));
            }
            first[out] = min;
            count[out] = max;
        }
        return new Coefficients(first, count, weights, taps);
    }

    private static int clip8(int value) {
        if (value >= (1 << PRECISION_BITS << 8)) {
            return 255;
        }
        if (value <= 0) {
            return 0;
        }
        return value >> PRECISION_BITS;
    }

    private static RgbImage horizontalPass(RgbImage image, Coefficients c, int width, int firstRow, int lastRow) {
        int rows = lastRow - firstRow;
        byte[] out = new byte[width * rows * 3];
        byte[] in = image.pixels();
        for (int y = 0; y < rows; y++) {
            int rowStart = (y + firstRow) * image.width() * 3;
            for (int x = 0; x < width; x++) {
                int min = c.first()[x], taps = c.count()[x], base = x * c.taps();
                for (int channel = 0; channel < 3; channel++) {
                    int sum = 1 << (PRECISION_BITS - 1);
                    for (int t = 0; t < taps; t++) {
                        sum += (in[rowStart + (min + t) * 3 + channel] & 0xff) * c.weights()[base + t];
                    }
                    out[(y * width + x) * 3 + channel] = (byte) clip8(sum);
                }
            }
        }
        return new RgbImage(width, rows, out);
    }

    private static RgbImage verticalPass(RgbImage image, Coefficients c, int height) {
        int width = image.width();
        byte[] out = new byte[width * height * 3];
        byte[] in = image.pixels();
        for (int y = 0; y < height; y++) {
            int min = c.first()[y], taps = c.count()[y], base = y * c.taps();
            for (int x = 0; x < width; x++) {
                for (int channel = 0; channel < 3; channel++) {
                    int sum = 1 << (PRECISION_BITS - 1);
                    for (int t = 0; t < taps; t++) {
                        sum += (in[((min + t) * width + x) * 3 + channel] & 0xff) * c.weights()[base + t];
                    }
                    out[(y * width + x) * 3 + channel] = (byte) clip8(sum);
                }
            }
        }
        return new RgbImage(width, height, out);
    }
}
