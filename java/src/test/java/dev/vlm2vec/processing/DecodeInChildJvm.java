package dev.vlm2vec.processing;

import java.nio.file.Path;

/**
 * Decodes one image file in a JVM of its own (started by {@link ImageLoaderTest} with a small
 * heap) and prints "decoded WxH" or the error's message: proof that a refused image was
 * refused before its pixels were allocated. Arguments: FILE [MAX_PIXELS].
 */
public final class DecodeInChildJvm {

    private DecodeInChildJvm() {}

    public static void main(String[] args) {
        ImageOptions options = args.length > 1 ? ImageOptions.defaults().withMaxPixels(Long.parseLong(args[1]))
                : ImageOptions.defaults();
        try {
            RgbImage image = ImageLoader.load(Path.of(args[0]), options);
            System.out.println("decoded " + image.width() + "x" + image.height());
        } catch (ImageLoader.ImageDecodingException e) {
            System.out.println("refused: " + e.getMessage());
        }
    }
}
