package dev.vlm2vec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlm2vec.Embedder;
import dev.vlm2vec.EmbedderOptions;
import dev.vlm2vec.Input;
import dev.vlm2vec.Vlm2Vec;
import dev.vlm2vec.processing.EncodedInput;
import dev.vlm2vec.processing.ImageLoader;
import dev.vlm2vec.processing.Qwen2VlRecipe;
import dev.vlm2vec.processing.RgbImage;
import dev.vlm2vec.testing.ReferenceFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Qwen2-VL backbone through every command, on the tiny checkpoint {@code init-tiny --arch
 * qwen2vl} writes (byte-level BPE tokenizer, real special tokens, left padding): embed texts,
 * images and two-image prompts; train with GradCache, LoRA and DoRA; resume; evaluate on
 * MMEB-mini; merge and reload. The model's numerics are checked against the reference in the
 * native tests (qwen2vl_model_test, batch_abi_test); here the pipeline around them.
 */
class Qwen2VlEndToEndTest {

    @TempDir
    static Path shared;

    private static Path model;
    private static Path data;

    @BeforeAll
    static void writeModelAndData() {
        model = shared.resolve("qwen2vl");
        CliRun init = CliRun.of("init-tiny", "--arch", "qwen2vl", "--output", model.toString(), "--seed", "3");
        assertEquals(0, init.exitCode(), init.err());
        assertTrue(init.out().contains("wrote a tiny qwen2_vl model"), init.out());
        data = shared.resolve("mini");
        assertEquals(0, CliRun.of("make-synthetic", "--output", data.toString(), "--size", "8").exitCode());
    }

    private static RgbImage image(String name) {
        return ImageLoader.load(ReferenceFixtures.qwen2vlRoot().resolve("images").resolve(name));
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    @Test
    void embedsTextsImagesAndTwoImagePromptsTheSameAloneAndInALeftPaddedBatch() throws Exception {
        try (Embedder embedder = Vlm2Vec.load(model, EmbedderOptions.defaults().withBatching(8, java.time.Duration.ofMillis(50), 64))) {
            Input text = Input.text("a red circle on the left of a blue square");
            Input one = Input.of("Represent the given image with the following question:", "what is in the image?",
                    image("landscape_230x150.png"));
            Input two = Input.of("Represent the given images:", "", image("landscape_230x150.png"), image("portrait_120x300.png"));
            // The prompt as VLM2Vec-V2 lays it out, and its tokens: no BOS, one <|image_pad|> per merged 2x2 window.
            EncodedInput encoded = embedder.inputEncoder().encode(one);
            assertEquals("<|image_pad|> Represent the given image with the following question: what is in the image?\n",
                    embedder.inputEncoder().prompt(one));
            long pads = java.util.Arrays.stream(encoded.ids()).filter(id -> id == 506).count();
            assertEquals(encoded.images().get(0).tokens(), pads);
            assertTrue(java.util.Arrays.stream(encoded.ids()).noneMatch(id -> id == 500), "no BOS / pad inside a prompt");
            assertEquals(2, embedder.inputEncoder().encode(two).images().size());

            float[] alone = embedder.embed(one), textAlone = embedder.embed(text), twoAlone = embedder.embed(two);
            assertEquals(1.0, dot(alone, alone), 1e-5);
            assertTrue(dot(alone, textAlone) < 0.999, "an image query must not embed like a text");
            assertTrue(dot(alone, twoAlone) < 0.999, "a second image must change the embedding");
            // Submitted together they share a left-padded batch: the pad rows must not leak in.
            List<float[]> together = embedder.embedAll(List.of(text, one, two));
            float[][] expected = {textAlone, alone, twoAlone};
            for (int i = 0; i < 3; i++) {
                float[] got = together.get(i);
                for (int d = 0; d < got.length; d++) {
                    assertEquals(expected[i][d], got[d], 2e-5, "input " + i + " element " + d);
                }
            }
        }
    }

    @Test
    void mmebTagsBecomeTheRecipesLayoutAndTagCountsAreChecked() {
        try (Embedder v2 = Vlm2Vec.load(model, EmbedderOptions.defaults());
                Embedder gme = Vlm2Vec.load(model, EmbedderOptions.defaults().withQwen2VlRecipe(Qwen2VlRecipe.GME))) {
            var encoder = v2.inputEncoder();
            assertEquals("<|image_pad|> Represent the given image for classification.\n",
                    encoder.fromMmebTags("<|image_1|>\nRepresent the given image for classification.\n"));
            assertEquals("<|image_pad|> a dog", encoder.withLeadingImageTag("a dog"));
            assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n"
                    + "<|vision_start|><|image_pad|><|vision_end|>Represent the given image.<|im_end|>\n<|im_start|>assistant\n"
                    + "<|endoftext|>", gme.inputEncoder().fromMmebTags("<|image_1|>\nRepresent the given image.\n"));
            IllegalArgumentException tooMany = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> encoder.encode(Input.raw("<|image_pad|> <|image_pad|> two tags", image("square_500x500.png"))));
            assertEquals("the prompt has more <|image_pad|> tags than its 1 image(s)", tooMany.getMessage());
            IllegalArgumentException none = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> encoder.encode(Input.raw("no tag", image("square_500x500.png"))));
            assertEquals("the prompt has 0 <|image_pad|> tag(s) for 1 image(s)", none.getMessage());
        }
        CliRun wrongFlag = CliRun.of("embed", "--model", model.toString(), "--llava-padding", "fixed", "--text", "x");
        assertNotEquals(0, wrongFlag.exitCode());
        assertTrue(wrongFlag.err().contains("--llava-padding fixed: only LLaVA-NeXT (llava_next) pads odd image sizes, this"
                + " model is qwen2_vl"), wrongFlag.err());
    }

    @Test
    void servesMultimodalRequestsAsTheEmbedderEmbeds() throws Exception {
        Path picture = ReferenceFixtures.qwen2vlRoot().resolve("images").resolve("portrait_120x300.png");
        String url = "data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(picture));
        try (Embedder embedder = Vlm2Vec.load(model, EmbedderOptions.defaults());
                dev.vlm2vec.serve.EmbeddingServer server = dev.vlm2vec.serve.EmbeddingServer.start(embedder,
                        dev.vlm2vec.serve.ServerOptions.defaults("qwen2vl-tiny").withAddress("127.0.0.1", 0))) {
            var body = new ObjectMapper().createObjectNode();
            var input = body.putArray("input");
            input.addObject().put("instruction", "Represent the given image.").put("text", "").put("image", url);
            input.add("a tall picture");
            var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + server.port() + "/v1/embeddings"))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            JsonNode data = new ObjectMapper().readTree(response.body()).get("data");
            float[][] expected = {embedder.embed(Input.of("Represent the given image.", "", ImageLoader.load(picture))),
                embedder.embed(Input.text("a tall picture"))};
            for (int i = 0; i < 2; i++) {
                JsonNode vector = data.get(i).get("embedding");
                assertEquals(expected[i].length, vector.size());
                for (int d = 0; d < expected[i].length; d++) {
                    assertEquals(expected[i][d], vector.get(d).floatValue(), 1e-5, "input " + i + " element " + d);
                }
            }
        }
    }

    @Test
    void gmeRecipeUsesItsTemplateAndPositions() {
        EmbedderOptions gme = EmbedderOptions.defaults().withQwen2VlRecipe(Qwen2VlRecipe.GME);
        try (Embedder embedder = Vlm2Vec.load(model, gme); Embedder v2 = Vlm2Vec.load(model, EmbedderOptions.defaults())) {
            Input query = Input.of("Find the image.", "a cat", image("square_500x500.png"));
            assertEquals("<|im_start|>system\nFind the image.<|im_end|>\n<|im_start|>user\n"
                    + "<|vision_start|><|image_pad|><|vision_end|>a cat<|im_end|>\n<|im_start|>assistant\n<|endoftext|>",
                    embedder.inputEncoder().prompt(query));
            long[] ids = embedder.inputEncoder().encode(query).ids();
            assertEquals(500, ids[ids.length - 1], "GME pools its final <|endoftext|>");
            float[] a = embedder.embed(query), b = v2.embed(query);
            assertEquals(1.0, dot(a, a), 1e-5);
            assertNotEquals(a[0], b[0]);
        }
        // V1 resizes every image to 1344 x 1344 first: a landscape image gets a square patch grid.
        try (Embedder v1 = Vlm2Vec.load(model, EmbedderOptions.defaults().withQwen2VlRecipe(Qwen2VlRecipe.V1))) {
            long[] grid = v1.inputEncoder().encode(Input.of(null, "x", image("landscape_230x150.png"))).images().get(0).gridThw();
            assertEquals(grid[1], grid[2], java.util.Arrays.toString(grid));
        }
    }

    private static List<JsonNode> metrics(Path output) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(output.resolve("metrics.jsonl"))) {
            lines.add(new ObjectMapper().readTree(line));
        }
        return lines;
    }

    private static CliRun train(Path output, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--model", model.toString(), "--data", data.resolve("train").toString(),
                "--output", output.toString(), "--batch-size", "4", "--no-eval", "--datasets", "MINI-ShapeClass,MINI-ColorVQA"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void gradCacheEqualsThePlainStepForLoraAndDora(@TempDir Path directory) throws Exception {
        for (String kind : List.of("lora", "dora")) {
            List<String> flags = kind.equals("dora") ? List.of("--dora") : List.of();
            List<String> plainArgs = new ArrayList<>(List.of("--steps", "2", "--gc-chunk", "4"));
            plainArgs.addAll(flags);
            List<String> cachedArgs = new ArrayList<>(List.of("--steps", "2", "--gc-chunk", "2"));
            cachedArgs.addAll(flags);
            CliRun plain = train(directory.resolve(kind + "-plain"), plainArgs.toArray(String[]::new));
            assertEquals(0, plain.exitCode(), plain.err());
            CliRun cached = train(directory.resolve(kind + "-cached"), cachedArgs.toArray(String[]::new));
            assertEquals(0, cached.exitCode(), cached.err());
            List<JsonNode> a = metrics(directory.resolve(kind + "-plain")), b = metrics(directory.resolve(kind + "-cached"));
            assertEquals(2, a.size());
            for (int step = 0; step < 2; step++) {
                assertEquals(a.get(step).get("loss").asDouble(), b.get(step).get("loss").asDouble(), 1e-4, kind + " step " + step);
            }
            JsonNode adapter = new ObjectMapper().readTree(directory.resolve(kind + "-plain").resolve("checkpoint-2")
                    .resolve("adapter_config.json").toFile());
            // VLM2Vec's suffix matching reaches the language model only.
            assertTrue(adapter.get("target_modules").toString().contains("gate_proj"), adapter.toString());
            assertTrue(!adapter.get("target_modules").toString().contains("qkv"), adapter.toString());
            assertEquals(kind.equals("dora"), adapter.get("use_dora").asBoolean(), adapter.toString());
        }
    }

    @Test
    void theVlm2VecRecipeTakesTheV2SettingsForFlagsNotGiven(@TempDir Path directory) throws Exception {
        Path output = directory.resolve("recipe");
        CliRun run = train(output, "--recipe", "vlm2vec", "--steps", "1", "--gc-chunk", "2");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("--recipe vlm2vec for qwen2_vl: VLM2Vec-V2.0's train_v2-qwen2vl-2B.sh"), run.err());
        assertTrue(run.err().contains("1 steps of 4 pairs, GradCache chunk 2, lr 2.0E-5, temperature 0.02, DoRA r 16 alpha 64.0"),
                run.err());
        JsonNode adapter = new ObjectMapper().readTree(output.resolve("checkpoint-1").resolve("adapter_config.json").toFile());
        assertEquals(16, adapter.get("r").asInt());
        assertTrue(adapter.get("use_dora").asBoolean());
        CliRun wrong = train(directory.resolve("bad"), "--recipe", "paper");
        assertNotEquals(0, wrong.exitCode());
        assertTrue(wrong.err().contains("--recipe paper is not one of demo, vlm2vec"), wrong.err());
    }

    @Test
    void resumeMergeAndReload(@TempDir Path directory) throws Exception {
        Path straight = directory.resolve("straight");
        assertEquals(0, train(straight, "--steps", "4", "--save-every", "2", "--gc-chunk", "2").exitCode());
        Path resumed = directory.resolve("resumed");
        assertEquals(0, train(resumed, "--steps", "4", "--save-every", "2", "--gc-chunk", "2").exitCode());
        deleteRecursively(resumed.resolve("checkpoint-4"));
        Files.write(resumed.resolve("metrics.jsonl"), Files.readAllLines(resumed.resolve("metrics.jsonl")).subList(0, 2));
        CliRun again = train(resumed, "--steps", "4", "--save-every", "2", "--gc-chunk", "2", "--resume");
        assertEquals(0, again.exitCode(), again.err());
        List<JsonNode> expected = metrics(straight), actual = metrics(resumed);
        for (int i = 2; i < 4; i++) {
            assertEquals(expected.get(i).get("loss").asDouble(), actual.get(i).get("loss").asDouble(), 1e-6, "step " + (i + 1));
        }
        Path merged = directory.resolve("merged");
        CliRun merge = CliRun.of("merge", "--model", model.toString(), "--adapter", straight.resolve("checkpoint-4").toString(),
                "--output", merged.toString(), "--dtype", "fp32");
        assertEquals(0, merge.exitCode(), merge.err());
        Input query = Input.of("Represent the given image:", "", image("portrait_120x300.png"));
        try (Embedder fromMerged = Vlm2Vec.load(merged, EmbedderOptions.defaults());
                Embedder withAdapter = Vlm2Vec.load(model, EmbedderOptions.defaults(), straight.resolve("checkpoint-4"));
                Embedder base = Vlm2Vec.load(model, EmbedderOptions.defaults())) {
            float[] a = fromMerged.embed(query), b = withAdapter.embed(query), c = base.embed(query);
            for (int i = 0; i < a.length; i++) {
                assertEquals(b[i], a[i], 1e-4, "element " + i);
            }
                assertTrue(dot(a, c) < 0.99999, "training changed the embedding");
        }
        Path fullRun = directory.resolve("full");
        CliRun full = train(fullRun, "--steps", "1", "--full", "--lr", "1e-4");
        assertEquals(0, full.exitCode(), full.err());
        try (Embedder trained = Vlm2Vec.load(fullRun.resolve("checkpoint-1").resolve("model"), EmbedderOptions.defaults())) {
            assertEquals(1.0, dot(trained.embed(query), trained.embed(query)), 1e-5);
        }
    }

    private static void deleteRecursively(Path path) throws Exception {
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void theDemoTrainsAndEvaluatesAQwen2VlOnMmebMini(@TempDir Path directory) throws Exception {
        Path output = directory.resolve("demo");
        CliRun run = CliRun.of("train", "--arch", "qwen2vl", "--output", output.toString(), "--steps", "6");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("writing a tiny random qwen2_vl"), run.err());
        assertTrue(run.out().contains("| overall |"), run.out());
        assertTrue(Files.isRegularFile(output.resolve("eval-after").resolve("summary.json")));
        CliRun wrong = CliRun.of("train", "--arch", "qwen3", "--output", directory.resolve("x").toString());
        assertNotEquals(0, wrong.exitCode());
        assertTrue(wrong.err().contains("--arch qwen3 is not a backbone: use one of phi3v, llava-next, qwen2vl"), wrong.err());
    }
}
