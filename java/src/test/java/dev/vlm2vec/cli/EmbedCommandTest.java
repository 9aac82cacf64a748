package dev.vlm2vec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlm2vec.ffi.TinyModels;
import dev.vlm2vec.testing.Npz;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbedCommandTest {

    @TempDir
    static Path directory;

    @BeforeAll
    static void writeModel() {
        TinyModels.write("phi3_v", directory.resolve("model"), 0, 0);
    }

    @Test
    void embedsATextAsJsonl() throws Exception {
        CliRun run = CliRun.of("embed", "--model", directory.resolve("model").toString(), "--text", "a dog", "--instruction",
                "Represent the given text.");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode line = new ObjectMapper().readTree(run.out().strip());
        assertEquals(0, line.get("index").asInt());
        assertEquals(64, line.get("embedding").size());
        double norm = 0;
        for (JsonNode value : line.get("embedding")) {
            norm += value.asDouble() * value.asDouble();
        }
        assertEquals(1.0, norm, 1e-5);
    }

    @Test
    void embedsAJsonlFileIntoNpy() throws Exception {
        Path image = directory.resolve("square.png");
        java.awt.image.BufferedImage picture = new java.awt.image.BufferedImage(40, 30, java.awt.image.BufferedImage.TYPE_INT_RGB);
        picture.setRGB(3, 4, 0xff8800);
        javax.imageio.ImageIO.write(picture, "png", image.toFile());
        Path input = Files.writeString(directory.resolve("in.jsonl"), String.join("\n",
                "{\"text\": \"a caption\"}",
                "{\"instruction\": \"Represent the given image.\", \"text\": \"\", \"image\": \"square.png\"}",
                "", "{\"text\": \"another\"}"), StandardCharsets.UTF_8);
        Path output = directory.resolve("out.npy");
        CliRun run = CliRun.of("embed", "--model", directory.resolve("model").toString(), "--input", input.toString(), "--output",
                output.toString(), "--format", "npy", "--batch-size", "2");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("embed: 3/3"), run.err());
        // Read back with the .npz member parser: wrap the .npy in a zip of one entry.
        Path npz = directory.resolve("out.npz");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(npz))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("e.npy"));
            zip.write(Files.readAllBytes(output));
        }
        Npz.Array array = Npz.read(npz).get("e");
        assertEquals(3, array.shape()[0]);
        assertEquals(64, array.shape()[1]);
    }

    @Test
    void aMissingImageNamesItsFile() {
        CliRun run = CliRun.of("embed", "--model", directory.resolve("model").toString(), "--image",
                directory.resolve("absent.png").toString());
        assertEquals(1, run.exitCode());
        assertEquals("vlm2vec embed: image file " + directory.resolve("absent.png") + " does not exist\n", run.err());
        CliRun npyToStdout = CliRun.of("embed", "--model", directory.resolve("model").toString(), "--text", "x", "--format", "npy");
        assertEquals(1, npyToStdout.exitCode());
        assertTrue(npyToStdout.err().contains("--format npy needs --output FILE"), npyToStdout.err());
    }

    @Test
    void imageFlagsAreCheckedAndApplied() throws Exception {
        String model = directory.resolve("model").toString();
        Path image = directory.resolve("wide.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(40, 30, java.awt.image.BufferedImage.TYPE_INT_RGB),
                "png", image.toFile());
        CliRun capped = CliRun.of("embed", "--model", model, "--image", image.toString(), "--max-image-pixels", "100");
        assertEquals(1, capped.exitCode());
        assertTrue(capped.err().startsWith("vlm2vec embed: image file " + image + " is 40 x 30 = 1,200 pixels, more than"
                + " the cap of 100"), capped.err());
        assertTrue(capped.err().contains("--max-image-pixels"), capped.err());
        CliRun padding = CliRun.of("embed", "--model", model, "--text", "x", "--llava-padding", "sideways");
        assertEquals(1, padding.exitCode());
        assertEquals("vlm2vec embed: LLaVA-NeXT padding 'sideways' is not one of auto, legacy (transformers <= 4.51),"
                + " fixed (>= 4.52)\n", padding.err());
        CliRun notLlava = CliRun.of("embed", "--model", model, "--text", "x", "--llava-padding", "fixed");
        assertEquals(1, notLlava.exitCode());
        assertEquals("vlm2vec embed: --llava-padding fixed: only LLaVA-NeXT (llava_next) pads odd image sizes, this model"
                + " is phi3_v; leave it at auto\n", notLlava.err());
        // EXIF orientation 6: upright only when asked, so the two embeddings differ.
        Path sideways = Files.write(directory.resolve("exif6.jpg"),
                getClass().getResourceAsStream("/images/modes/exif6.jpg").readAllBytes());
        CliRun stored = CliRun.of("embed", "--model", model, "--image", sideways.toString());
        CliRun upright = CliRun.of("embed", "--model", model, "--image", sideways.toString(), "--exif-orientation");
        assertEquals(0, stored.exitCode(), stored.err());
        assertEquals(0, upright.exitCode(), upright.err());
        assertTrue(!stored.out().equals(upright.out()), "--exif-orientation changed nothing");
        for (String command : new String[] {"eval", "train"}) {
            String help = CliRun.of(command, "--help").out();
            for (String flag : new String[] {"--llava-padding", "--max-image-pixels", "--exif-orientation"}) {
                assertTrue(help.contains(flag), command + " --help lacks " + flag);
            }
        }
    }
}
