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

    /** Each output line names its input (id, line); --on-error skip writes an error record for a bad line and goes on. */
    @Test
    void badLinesFailByLineOrBecomeErrorRecords() throws Exception {
        Path input = Files.writeString(directory.resolve("mixed.jsonl"), String.join("\n",
                "{\"id\": \"a\", \"text\": \"a caption\"}",
                "{\"id\": \"b\", \"txt\": \"misspelt\"}",
                "{\"image\": \"https://example.com/dog.jpg\"}",
                "{\"id\": 7, \"text\": \"another\"}"), StandardCharsets.UTF_8);
        String model = directory.resolve("model").toString();
        Path failed = directory.resolve("failed.jsonl");
        CliRun fail = CliRun.of("embed", "--model", model, "--input", input.toString(), "--output", failed.toString());
        assertEquals(1, fail.exitCode());
        assertTrue(fail.err().contains(input + " line 2: unknown key 'txt'"), fail.err());
        assertTrue(!Files.exists(failed), "nothing is half-written");

        Path output = directory.resolve("skipped.jsonl");
        CliRun skip = CliRun.of("embed", "--model", model, "--input", input.toString(), "--output", output.toString(),
                "--on-error", "skip", "--batch-size", "2");
        assertEquals(0, skip.exitCode(), skip.err());
        ObjectMapper json = new ObjectMapper();
        var lines = Files.readAllLines(output).stream().map(l -> {
            try {
                return json.readTree(l);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
        assertEquals(4, lines.size());
        assertEquals("a", lines.get(0).get("id").asText());
        assertEquals(64, lines.get(0).get("embedding").size());
        assertEquals(2, lines.get(1).get("line").asInt());
        assertTrue(lines.get(1).get("error").asText().startsWith("unknown key 'txt'"), lines.get(1).toString());
        assertTrue(lines.get(2).get("error").asText().contains("remote images are not fetched"), lines.get(2).toString());
        assertEquals(7, lines.get(3).get("id").asInt());
        assertEquals(3, lines.get(3).get("index").asInt());
        assertEquals(4, lines.get(3).get("line").asInt());
        assertTrue(skip.err().contains("skipped " + input + " line 2: unknown key 'txt'"), skip.err());
        // In .npy a skipped line keeps its row, as NaN, so row i is still line i's.
        Path npy = directory.resolve("skipped.npy");
        CliRun skipNpy = CliRun.of("embed", "--model", model, "--input", input.toString(), "--output", npy.toString(),
                "--format", "npy", "--on-error", "skip");
        assertEquals(0, skipNpy.exitCode(), skipNpy.err());
        Npz.Array rows = readNpy(npy);
        assertEquals(4, rows.shape()[0]);
        assertTrue(Float.isNaN(rows.values()[64]) && Float.isNaN(rows.values()[2 * 64 + 63]));
        assertEquals(lines.get(3).get("embedding").get(0).floatValue(), rows.values()[3 * 64], 1e-6f);

        // --input - reads standard input; image paths resolve against the working directory.
        var stdin = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("{\"text\": \"from a pipe\"}\n".getBytes(StandardCharsets.UTF_8)));
            CliRun piped = CliRun.of("embed", "--model", model, "--input", "-");
            assertEquals(0, piped.exitCode(), piped.err());
            assertEquals(64, json.readTree(piped.out().strip()).get("embedding").size());
        } finally {
            System.setIn(stdin);
        }
        CliRun both = CliRun.of("embed", "--model", model, "--input", input.toString(), "--text", "a");
        assertEquals(1, both.exitCode());
        assertTrue(both.err().contains("--input and --text cannot be used together"), both.err());
        CliRun unwritable = CliRun.of("embed", "--model", model, "--text", "a", "--output",
                directory.resolve("no-such-folder/out.jsonl").toString());
        assertEquals(1, unwritable.exitCode());
        assertTrue(unwritable.err().contains("folder " + directory.resolve("no-such-folder") + " does not exist"),
                unwritable.err());
        CliRun intoFolder = CliRun.of("embed", "--model", model, "--text", "a", "--output", directory.toString());
        assertTrue(intoFolder.err().contains("it is a directory"), intoFolder.err());
    }

    /** Without preprocessor_config.json texts embed, images are refused naming the file (no silent defaults). */
    @Test
    void aModelWithoutItsPreprocessorConfigRefusesImages() throws Exception {
        Path model = Files.createDirectories(directory.resolve("no-preprocessor"));
        try (var files = Files.list(directory.resolve("model"))) {
            for (Path file : files.toList()) {
                if (!file.getFileName().toString().equals("preprocessor_config.json")) {
                    Files.copy(file, model.resolve(file.getFileName()));
                }
            }
        }
        assertEquals(0, CliRun.of("embed", "--model", model.toString(), "--text", "a dog").exitCode());
        Path image = directory.resolve("tiny.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(20, 20, java.awt.image.BufferedImage.TYPE_INT_RGB), "png",
                image.toFile());
        CliRun refused = CliRun.of("embed", "--model", model.toString(), "--image", image.toString());
        assertEquals(1, refused.exitCode());
        assertTrue(refused.err().contains("image inputs need " + model.resolve("preprocessor_config.json")), refused.err());
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
        Npz.Array array = readNpy(output);
        assertEquals(3, array.shape()[0]);
        assertEquals(64, array.shape()[1]);
    }

    // Read back with the .npz member parser: wrap the .npy in a zip of one entry.
    private static Npz.Array readNpy(Path npy) throws Exception {
        Path npz = npy.resolveSibling(npy.getFileName() + ".npz");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(npz))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("e.npy"));
            zip.write(Files.readAllBytes(npy));
        }
        return Npz.read(npz).get("e");
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
