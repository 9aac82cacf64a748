package dev.vlm2vec.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.image.Image;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ContentType;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.request.EmbeddingInput;
import dev.langchain4j.model.embedding.request.EmbeddingInputType;
import dev.langchain4j.model.embedding.request.EmbeddingParameter;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.model.embedding.request.EmbeddingRequestParameters;
import dev.langchain4j.model.embedding.response.EmbeddingResponse;
import dev.langchain4j.model.embedding.response.EmbeddingResponseMetadata;
import dev.langchain4j.model.output.TokenUsage;
import dev.vlm2vec.Embedder;
import dev.vlm2vec.EmbedderOptions;
import dev.vlm2vec.Embeddings;
import dev.vlm2vec.Input;
import dev.vlm2vec.Vlm2Vec;
import dev.vlm2vec.processing.ImageLoader;
import dev.vlm2vec.processing.ImageOptions;
import dev.vlm2vec.processing.RgbImage;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * A LangChain4j {@link EmbeddingModel} on a vlm2vec {@link Embedder}: texts, images, and inputs
 * that mix both, in one vector space.
 *
 * <p>VLM2Vec embeds a query and a candidate with different task instructions (MMEB: "Represent
 * the given image with the following question:" for a query, none or "Represent the given
 * image." for a candidate). LangChain4j says which one an input is with the {@code INPUT_TYPE}
 * parameter ({@link EmbeddingInputType#QUERY} or {@link EmbeddingInputType#DOCUMENT}); its
 * classic calls ({@code embed(String)}, {@code embedAll(List<TextSegment>)}, used by
 * {@code EmbeddingStoreIngestor} and {@code EmbeddingStoreContentRetriever}) say nothing, and get
 * the plain {@code instruction}.
 *
 * <p>Images come as {@link ImageContent}: base64 data, a {@code data:} URL or a {@code file:} URI.
 * {@code http(s)} URLs are refused: a model that fetches what its inputs name can be made to
 * reach internal services (fetch the image yourself and pass its bytes).
 *
 * {@snippet :
 * try (Vlm2VecEmbeddingModel model = Vlm2VecEmbeddingModel.builder()
 *         .modelDirectory(Path.of("VLM2Vec-Full"))
 *         .queryInstruction("Find an image that matches the given text.")
 *         .build()) {
 *     Embedding photo = model.embed(EmbeddingRequest.builder()
 *             .inputs(List.of(EmbeddingInput.from(ImageContent.from(Path.of("dog.jpg"), "image/jpeg"))))
 *             .build()).embeddings().get(0);
 * }
 * }
 */
@NullMarked
public final class Vlm2VecEmbeddingModel implements EmbeddingModel, AutoCloseable {

    private final Embedder embedder;
    private final boolean ownsEmbedder;
    private final String modelName;
    private final @Nullable String instruction;
    private final @Nullable String queryInstruction;
    private final @Nullable String documentInstruction;
    private final ImageOptions imageOptions;

    private Vlm2VecEmbeddingModel(Builder builder, Embedder embedder, boolean ownsEmbedder) {
        this.embedder = embedder;
        this.ownsEmbedder = ownsEmbedder;
        this.modelName = builder.modelName;
        this.instruction = builder.instruction;
        this.queryInstruction = builder.queryInstruction;
        this.documentInstruction = builder.documentInstruction;
        this.imageOptions = embedder.options().images();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Set<ContentType> supportedContentTypes() {
        return Set.of(ContentType.TEXT, ContentType.IMAGE);
    }

    @Override
    public Set<EmbeddingParameter<?>> supportedParameters() {
        return Set.of(EmbeddingRequestParameters.MODEL_NAME, EmbeddingRequestParameters.DIMENSIONS,
                EmbeddingRequestParameters.INPUT_TYPE);
    }

    @Override
    public EmbeddingRequestParameters defaultRequestParameters() {
        return EmbeddingRequestParameters.builder().modelName(modelName).build();
    }

    @Override
    public int dimension() {
        return embedder.dimension();
    }

    @Override
    public String modelName() {
        return modelName;
    }

    /** The embedder it runs on, e.g. for its {@link Embedder#stats} or {@link Embedder#ready} probe. */
    public Embedder embedder() {
        return embedder;
    }

    @Override
    public EmbeddingResponse doEmbed(EmbeddingRequest request) {
        String requestedModel = request.modelName();
        if (requestedModel != null && !requestedModel.equals(modelName)) {
            throw new IllegalArgumentException("the request names the model '" + requestedModel + "'; this model is '"
                    + modelName + "'");
        }
        Integer dimensions = request.dimensions();
        if (dimensions != null && (dimensions < 1 || dimensions > dimension())) {
            throw new IllegalArgumentException("dimensions " + dimensions + " is out of range: this model's embeddings"
                    + " have " + dimension() + " (a smaller value keeps a prefix, normalised again)");
        }
        @Nullable String taskInstruction = instructionFor(request.inputType());
        List<EmbeddingInput> inputs = request.inputs();
        // Every input is queued before any is awaited, so they share the embedder's batches.
        List<Embedder.Submission> submissions = new ArrayList<>();
        try {
            for (int i = 0; i < inputs.size(); i++) {
                String where = inputs.size() == 1 ? "the input" : "input " + i;
                submissions.add(embedder.enqueue(input(inputs.get(i), taskInstruction, where)));
            }
        } catch (RuntimeException e) {
            submissions.forEach(submission -> submission.embedding().cancel(false));
            throw e;
        }
        List<Embedding> embeddings = new ArrayList<>();
        int tokens = 0;
        for (Embedder.Submission submission : submissions) {
            float[] vector = embedder.await(submission.embedding());
            embeddings.add(Embedding.from(dimensions == null ? vector : Embeddings.truncate(vector, dimensions)));
            tokens += submission.tokens();
        }
        return EmbeddingResponse.builder().embeddings(embeddings)
                .metadata(EmbeddingResponseMetadata.builder().modelName(modelName).tokenUsage(new TokenUsage(tokens)).build())
                .build();
    }

    private @Nullable String instructionFor(@Nullable EmbeddingInputType type) {
        if (type == EmbeddingInputType.QUERY && queryInstruction != null) {
            return queryInstruction;
        }
        if (type == EmbeddingInputType.DOCUMENT && documentInstruction != null) {
            return documentInstruction;
        }
        return instruction;
    }

    // Texts joined by line breaks, images in order: the layout (image tags first) is the Input's.
    private Input input(EmbeddingInput input, @Nullable String taskInstruction, String where) {
        StringBuilder text = new StringBuilder();
        List<RgbImage> images = new ArrayList<>();
        for (Content content : input.contents()) {
            if (content instanceof TextContent part) {
                if (!text.isEmpty()) {
                    text.append('\n');
                }
                text.append(part.text());
            } else if (content instanceof ImageContent part) {
                images.add(image(part.image(), where + " image " + images.size()));
            } else {
                throw new IllegalArgumentException(where + " holds " + content.type() + " content; vlm2vec embeds TEXT and IMAGE");
            }
        }
        try {
            return Input.of(taskInstruction, text.toString(), images.toArray(RgbImage[]::new));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private RgbImage image(Image image, String where) {
        String base64 = image.base64Data();
        if (base64 != null) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(base64);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": its base64 data does not decode (" + e.getMessage() + ")", e);
            }
            return ImageLoader.decode(bytes, where, imageOptions);
        }
        URI url = image.url();
        if (url == null) {
            throw new IllegalArgumentException(where + " has neither base64 data nor a URL");
        }
        String scheme = Objects.requireNonNullElse(url.getScheme(), "");
        return switch (scheme) {
            case "data" -> ImageLoader.fromDataUrl(url.toString(), imageOptions);
            case "file" -> ImageLoader.load(Path.of(url), imageOptions);
            case "http", "https" -> throw new IllegalArgumentException(where + " is an " + scheme + " URL (" + url
                    + "); vlm2vec does not fetch URLs (server-side request forgery): pass the image's bytes as base64");
            default -> throw new IllegalArgumentException(where + " has a URL of scheme '" + scheme + "' (" + url
                    + "); give base64 data, a data: URL or a file: URI");
        };
    }

    /** Closes the embedder if this model loaded it ({@link Builder#modelDirectory}); one passed in stays open. */
    @Override
    public void close() {
        if (ownsEmbedder) {
            embedder.close();
        }
    }

    /** Settings of a {@link Vlm2VecEmbeddingModel}: an embedder (or a model to load), a name and instructions. */
    public static final class Builder {
        private @Nullable Embedder embedder;
        private @Nullable Path modelDirectory;
        private @Nullable Path adapter;
        private EmbedderOptions options = EmbedderOptions.defaults();
        private String modelName = "vlm2vec";
        private @Nullable String instruction;
        private @Nullable String queryInstruction;
        private @Nullable String documentInstruction;

        private Builder() {}

        /** An embedder the caller owns (and closes); or see {@link #modelDirectory}. */
        public Builder embedder(Embedder value) {
            this.embedder = value;
            return this;
        }

        /** A model directory (Hugging Face layout) to load; the model then owns its embedder. */
        public Builder modelDirectory(Path value) {
            this.modelDirectory = value;
            return this;
        }

        /** A PEFT LoRA/DoRA adapter merged at load (with {@link #modelDirectory}). */
        public Builder adapter(@Nullable Path value) {
            this.adapter = value;
            return this;
        }

        /** Device, dtype, batching and image limits for {@link #modelDirectory}. */
        public Builder options(EmbedderOptions value) {
            this.options = value;
            return this;
        }

        /** What {@link #modelName()} reports and requests may name. Default: {@code vlm2vec}. */
        public Builder modelName(String value) {
            this.modelName = value;
            return this;
        }

        /** The instruction for inputs without an input type (and for a type with no instruction of its own). */
        public Builder instruction(@Nullable String value) {
            this.instruction = value;
            return this;
        }

        /** The instruction for {@link EmbeddingInputType#QUERY} inputs. */
        public Builder queryInstruction(@Nullable String value) {
            this.queryInstruction = value;
            return this;
        }

        /** The instruction for {@link EmbeddingInputType#DOCUMENT} inputs. */
        public Builder documentInstruction(@Nullable String value) {
            this.documentInstruction = value;
            return this;
        }

        public Vlm2VecEmbeddingModel build() {
            if ((embedder == null) == (modelDirectory == null)) {
                throw new IllegalArgumentException("give exactly one of embedder(...) and modelDirectory(...)");
            }
            if (modelName.isBlank()) {
                throw new IllegalArgumentException("modelName is blank; give the name clients should see");
            }
            if (embedder != null) {
                return new Vlm2VecEmbeddingModel(this, embedder, false);
            }
            return new Vlm2VecEmbeddingModel(this, Vlm2Vec.load(Objects.requireNonNull(modelDirectory), options, adapter), true);
        }
    }
}
