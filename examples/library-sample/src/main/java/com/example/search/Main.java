package com.example.search;

import dev.vlm2vec.ffi.NativeLibrary;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Embeds a text and an image with the service and prints what a check can verify. */
public final class Main {
    public static void main(String[] arguments) throws Exception {
        Path image = Files.createTempFile("sample", ".png");
        ImageIO.write(new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB), "png", image.toFile());
        try (EmbeddingService service = new EmbeddingService(Path.of(arguments[0]))) {
            float[] text = service.embedText("a photo of a dog");
            float[] picture = service.embedImage(image, "Represent the given image.");
            double dot = 0;
            for (int i = 0; i < text.length; i++) {
                dot += text[i] * picture[i];
            }
            // One copy of the native library on the whole class path: vlm2vec-native's.
            int copies = java.util.Collections.list(Main.class.getClassLoader()
                    .getResources("native/" + NativeLibrary.platform() + "/libvlm2vec.so")).size();
            System.out.printf("sample: ready %s, dimension %d, text-image cosine %.4f, native library copies %d, loaded %s%n",
                    service.ready(), text.length, dot, copies, NativeLibrary.loadedFrom());
        } finally {
            Files.delete(image);
        }
    }
}
