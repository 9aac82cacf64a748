package dev.vlm2vec.processing;

import org.jspecify.annotations.NullMarked;

/**
 * Phi-3.5-vision's image processor (the HD transform), reproducing the reference pixel for
 * pixel: portrait images are transposed; the largest whole number of crops per row that
 * fits {@code numCrops} is chosen; the image is resized with Pillow's bilinear filter (with
 * antialiasing) to that many crops wide, padded with white above and below to whole crops,
 * transposed back; normalised; a global view is made by PyTorch's bicubic interpolation of
 * the normalised image to one crop; the views are [global, crops row-major, zero crops up
 * to numCrops + 1].
 */
@NullMarked
public final class Phi3VImageProcessor {

    private final int numCrops;
    private final int cropSize;
    private final Normalization normalization;

    /**
     * @param numCrops sub-crops per image at most (4 in the VLM2Vec setting, 16 at most)
     * @param cropSize the CLIP crop side (336 for the real model)
     */
    public Phi3VImageProcessor(int numCrops, int cropSize, Normalization normalization) {
        if (numCrops < 1 || cropSize < 28 || cropSize % 28 != 0) {
            throw new IllegalArgumentException("num_crops must be >= 1 and the crop size a multiple of 28; got "
                    + numCrops + " and " + cropSize);
        }
        this.numCrops = numCrops;
        this.cropSize = cropSize;
        this.normalization = normalization;
    }

    /** Merged tokens per crop side: (crop / 14 patches) / 2 (12 at 336 px). */
    public int grid() {
        return cropSize / 14 / 2;
    }

    /** Image tokens for an HD image of {@code hCrops x wCrops} crops: (h*w + 1) g^2 + 1 + (h + 1) g. */
    public int tokenCount(int hCrops, int wCrops) {
        int g = grid();
        return (hCrops * wCrops + 1) * g * g + 1 + (hCrops + 1) * g;
    }

    /** The HD image: resized and padded (white) to whole crops, in the original orientation. */
    public RgbImage hdTransform(RgbImage image) {
        boolean transposed = image.width() < image.height();
        RgbImage wide = transposed ? image.transpose() : image;
        double ratio = (double) wide.width() / wide.height();
        int scale = 1;
        while (scale * Math.ceil(scale / ratio) <= numCrops) {
            scale++;
        }
        scale--;
        int newWidth = scale * cropSize;
        int newHeight = (int) (newWidth / ratio);
        RgbImage resized = PilResize.resize(wide, newWidth, newHeight, PilResize.Filter.BILINEAR);
        int target = (int) Math.ceil((double) newHeight / cropSize) * cropSize;
        int top = (target - newHeight) / 2;
        RgbImage padded = resized.pad(0, top, newWidth, target, 255);
        return transposed ? padded.transpose() : padded;
    }

    public ProcessedImage process(RgbImage image) {
        RgbImage hd = hdTransform(image);
        int h = hd.height(), w = hd.width();
        int hCrops = h / cropSize, wCrops = w / cropSize;
        float[] normalized = normalization.apply(hd);
        int viewSize = 3 * cropSize * cropSize;
        float[] views = new float[(numCrops + 1) * viewSize];
        float[] global = TorchBicubic.resize(normalized, 3, h, w, cropSize, cropSize);
        System.arraycopy(global, 0, views, 0, viewSize);
        for (int row = 0; row < hCrops; row++) {
            for (int col = 0; col < wCrops; col++) {
                int view = 1 + row * wCrops + col;
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < cropSize; y++) {
                        System.arraycopy(normalized, (c * h + row * cropSize + y) * w + col * cropSize, views,
                                view * viewSize + (c * cropSize + y) * cropSize, cropSize);
                    }
                }
            }
        }
        return ProcessedImage.ofViews(views, numCrops + 1, cropSize, new long[] {h, w}, tokenCount(hCrops, wCrops));
    }
}
