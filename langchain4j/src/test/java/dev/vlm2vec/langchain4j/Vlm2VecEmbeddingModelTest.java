package dev.vlm2vec.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.AudioContent;
import dev.langchain4j.data.message.ContentType;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.embedding.request.EmbeddingInput;
import dev.langchain4j.model.embedding.request.EmbeddingInputType;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.model.embedding.request.EmbeddingRequestParameters;
import dev.langchain4j.model.embedding.response.EmbeddingResponse;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import dev.vlm2vec.Embedder;
import dev.vlm2vec.EmbedderOptions;
import dev.vlm2vec.Embeddings;
import dev.vlm2vec.Input;
import dev.vlm2vec.Vlm2Vec;
import dev.vlm2vec.ffi.TinyModels;
import dev.vlm2vec.processing.ImageLoader;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LangChain4j EmbeddingModel on a tiny Phi-3.5-V checkpoint, with LangChain4j's own store and checks. */
class Vlm2VecEmbeddingModelTest {

    private static final String QUERY = "Find the image or caption that matches:";
    private static final String DOCUMENT = "Represent the given item.";

    @TempDir
    static Path directory;
    static Vlm2VecEmbeddingModel model;

    @BeforeAll
    static void load() {
        TinyModels.write("phi3_v", directory.resolve("phi3v"), 3, 0);
        model = Vlm2VecEmbeddingModel.builder().modelDirectory(directory.resolve("phi3v")).modelName("tiny-phi3v")
                .queryInstruction(QUERY).documentInstruction(DOCUMENT).build();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** A PNG of a coloured shape on white, base64: distinct images for distinct seeds. */
    private static String png(int seed) {
        BufferedImage image = new BufferedImage(48 + seed * 8, 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setColor(Color.WHITE);
        graphics.fillRect(0, 0, image.getWidth(), image.getHeight());
        graphics.setColor(new Color(Color.HSBtoRGB(seed / 5f, 0.9f, 0.8f)));
        graphics.fillOval(4 + seed * 3, 6, 20 + seed * 4, 24);
        graphics.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    private static EmbeddingResponse embed(EmbeddingInputType type, Integer dimensions, EmbeddingInput... inputs) {
        return model.embed(EmbeddingRequest.builder().inputs(List.of(inputs))
                .parameters(EmbeddingRequestParameters.builder().inputType(type).dimensions(dimensions).build()).build());
    }

    private static double maxDifference(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @Test
    void describesItself() {
        assertEquals(java.util.Set.of(ContentType.TEXT, ContentType.IMAGE), model.supportedContentTypes());
        assertEquals(model.embedder().dimension(), model.dimension());
        assertEquals(64, model.dimension());
        assertEquals("tiny-phi3v", model.modelName());
    }

    @Test
    void anInMemoryStoreOfImagesAndTextsFindsEachOneAgain() {
        InMemoryEmbeddingStore<String> store = new InMemoryEmbeddingStore<>();
        List<String> captions = List.of("a red circle", "a small green circle on white", "three blue shapes");
        // Texts through LangChain4j's classic call (what EmbeddingStoreIngestor uses) ...
        List<Embedding> textEmbeddings = model.embedAll(captions.stream().map(TextSegment::from).toList()).content();
        for (int i = 0; i < captions.size(); i++) {
            store.add(textEmbeddings.get(i), "text " + i);
        }
        // ... images, and an image with its caption, through the multimodal one, as documents.
        for (int i = 0; i < 3; i++) {
            store.add(embed(EmbeddingInputType.DOCUMENT, null, EmbeddingInput.from(ImageContent.from(png(i), "image/png")))
                    .embeddings().get(0), "image " + i);
        }
        store.add(embed(EmbeddingInputType.DOCUMENT, null, EmbeddingInput.from(ImageContent.from(png(4), "image/png"),
                TextContent.from("a circle"))).embeddings().get(0), "image 4 with caption");

        List<EmbeddingInput> probes = List.of(EmbeddingInput.from(ImageContent.from(png(1), "image/png")),
                EmbeddingInput.from(ImageContent.from(URI.create("data:image/png;base64," + png(2)))),
                EmbeddingInput.from(ImageContent.from(png(4), "image/png"), TextContent.from("a circle")));
        List<String> expected = List.of("image 1", "image 2", "image 4 with caption");
        for (int i = 0; i < probes.size(); i++) {
            Embedding probe = embed(EmbeddingInputType.DOCUMENT, null, probes.get(i)).embeddings().get(0);
            List<EmbeddingMatch<String>> matches = store.search(EmbeddingSearchRequest.builder().queryEmbedding(probe)
                    .maxResults(2).build()).matches();
            assertEquals(expected.get(i), matches.get(0).embedded());
            assertTrue(matches.get(0).score() > 0.9999 && matches.get(1).score() < matches.get(0).score() - 1e-4,
                    "the same input scores 1, the next one less: " + matches);
        }
        Embedding textProbe = model.embed("three blue shapes").content();
        assertEquals("text 2", store.search(EmbeddingSearchRequest.builder().queryEmbedding(textProbe).maxResults(1)
                .build()).matches().get(0).embedded());
    }

    @Test
    void vectorsAreTheEmbeddersWithTheInstructionOfTheirInputType() throws Exception {
        Embedder embedder = model.embedder();
        String image = png(3);
        float[] query = embed(EmbeddingInputType.QUERY, null, EmbeddingInput.from(ImageContent.from(image, "image/png"),
                TextContent.from("what shape is it?"))).embeddings().get(0).vector();
        float[] expected = embedder.embed(Input.of(QUERY, "what shape is it?",
                ImageLoader.decode(Base64.getDecoder().decode(image), "test image")));
        assertTrue(maxDifference(expected, query) <= 1e-6, "query: " + maxDifference(expected, query));

        Path file = directory.resolve("shape.png");
        Files.write(file, Base64.getDecoder().decode(image));
        float[] document = embed(EmbeddingInputType.DOCUMENT, null,
                EmbeddingInput.from(ImageContent.from(file.toUri()))).embeddings().get(0).vector();
        float[] expectedDocument = embedder.embed(Input.of(DOCUMENT, "", ImageLoader.load(file)));
        assertTrue(maxDifference(expectedDocument, document) <= 1e-6, "document: " + maxDifference(expectedDocument, document));

        // No input type (LangChain4j's classic calls): the plain instruction, here none.
        float[] plain = model.embed("a caption").content().vector();
        assertTrue(maxDifference(embedder.embed(Input.text("a caption")), plain) <= 1e-6);
        assertTrue(maxDifference(query, document) > 1e-3, "different instructions give different vectors");
    }

    @Test
    void dimensionsKeepANormalisedPrefixAndUsageCountsTokens() {
        EmbeddingInput text = EmbeddingInput.from("a caption of some length");
        EmbeddingResponse full = embed(EmbeddingInputType.QUERY, null, text);
        EmbeddingResponse shortened = embed(EmbeddingInputType.QUERY, 16, text);
        float[] vector = shortened.embeddings().get(0).vector();
        assertEquals(16, vector.length);
        assertTrue(maxDifference(Embeddings.truncate(full.embeddings().get(0).vector(), 16), vector) <= 1e-7);
        double norm = 0;
        for (float value : vector) {
            norm += (double) value * value;
        }
        assertEquals(1, norm, 1e-5);
        int tokens = model.embedder().enqueue(Input.of(QUERY, "a caption of some length")).tokens();
        assertEquals(tokens, full.metadata().tokenUsage().inputTokenCount());
        assertEquals("tiny-phi3v", full.metadata().modelName());
    }

    @Test
    void unsupportedAndBadInputsAreNamed() {
        UnsupportedFeatureException audio = assertThrows(UnsupportedFeatureException.class, () -> embed(
                EmbeddingInputType.QUERY, null, EmbeddingInput.from(AudioContent.from("AAAA", "audio/wav"))));
        assertTrue(audio.getMessage().contains("AUDIO"), audio.getMessage());
        IllegalArgumentException url = assertThrows(IllegalArgumentException.class, () -> embed(EmbeddingInputType.QUERY,
                null, EmbeddingInput.from("a caption"), EmbeddingInput.from(ImageContent.from(URI.create("http://169.254.169.254/x.png")))));
        assertTrue(url.getMessage().startsWith("input 1 image 0 is an http URL (http://169.254.169.254/x.png); vlm2vec does"
                + " not fetch URLs"), url.getMessage());
        IllegalArgumentException undecodable = assertThrows(IllegalArgumentException.class, () -> embed(
                EmbeddingInputType.QUERY, null, EmbeddingInput.from(ImageContent.from("AQID", "image/png"))));
        assertTrue(undecodable.getMessage().contains("the input image 0"), undecodable.getMessage());
        IllegalArgumentException dimensions = assertThrows(IllegalArgumentException.class,
                () -> embed(EmbeddingInputType.QUERY, 65, EmbeddingInput.from("x")));
        assertTrue(dimensions.getMessage().startsWith("dimensions 65 is out of range: this model's embeddings have 64"),
                dimensions.getMessage());
        IllegalArgumentException otherModel = assertThrows(IllegalArgumentException.class, () -> model.embed(
                EmbeddingRequest.builder().inputs(List.of(EmbeddingInput.from("x")))
                        .parameters(EmbeddingRequestParameters.builder().modelName("gpt").build()).build()));
        assertTrue(otherModel.getMessage().startsWith("the request names the model 'gpt'"), otherModel.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Vlm2VecEmbeddingModel.builder().build());
    }

    @Test
    void anEmbedderPassedInStaysOpen() {
        Embedder embedder = Vlm2Vec.load(directory.resolve("phi3v"), EmbedderOptions.defaults());
        try (Vlm2VecEmbeddingModel shared = Vlm2VecEmbeddingModel.builder().embedder(embedder).build()) {
            assertEquals(64, shared.embed("x").content().dimension());
        }
        assertTrue(embedder.healthy(), "closing the model closed an embedder it did not own");
        embedder.close();
    }
}
