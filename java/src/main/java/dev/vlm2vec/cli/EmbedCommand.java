package dev.vlm2vec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlm2vec.Embedder;
import dev.vlm2vec.EmbedderOptions;
import dev.vlm2vec.Input;
import dev.vlm2vec.Vlm2Vec;
import dev.vlm2vec.ffi.ModelDType;
import dev.vlm2vec.io.AtomicFiles;
import dev.vlm2vec.io.JsonLines;
import dev.vlm2vec.io.NpyWriter;
import dev.vlm2vec.processing.ImageLoader;
import dev.vlm2vec.processing.ImageOptions;
import dev.vlm2vec.processing.RgbImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vlm2vec embed}: embeddings of texts and images with a model directory. */
@NullMarked
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Embed a text, an image, or every line of a JSONL file ({\"text\", \"image\" or \"images\","
                + " \"instruction\"}; image paths relative to the file, or data: URLs).")
final class EmbedCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--adapter", paramLabel = "DIR",
            description = "A PEFT LoRA/DoRA adapter directory (from `train` or PEFT), merged into the model at load.")
    private @Nullable Path adapter;

    @Option(names = "--model", required = true, description = "Model directory (Hugging Face layout).")
    private Path model = Path.of(".");

    static final class Source {
        @Option(names = "--text", description = "One text to embed.")
        @Nullable String text;

        @Option(names = "--image", description = "One image to embed (with --text as its text, if given).")
        @Nullable Path image;

        @Option(names = "--input", description = "A JSONL file, one input per line.")
        @Nullable Path input;
    }

    @ArgGroup(exclusive = false, multiplicity = "1")
    private Source source = new Source();

    @Option(names = "--instruction", description = "Task instruction, e.g. \"Represent the given image.\"")
    private @Nullable String instruction;

    @Option(names = "--output", description = "Output file (default: standard output, jsonl only).")
    private @Nullable Path output;

    @Option(names = "--format", defaultValue = "jsonl", description = "jsonl or npy (default: ${DEFAULT-VALUE}).")
    private String format = "jsonl";

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda, cuda:N (default: ${DEFAULT-VALUE}).")
    private String device = "cpu";

    @Option(names = "--dtype", defaultValue = "fp32", description = "fp32, bf16, fp16 (default: ${DEFAULT-VALUE}).")
    private String dtype = "fp32";

    @Option(names = "--batch-size", defaultValue = "16", description = "Inputs per model call (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--max-length", defaultValue = "0", description = "Longest token sequence; 0: no limit.")
    private int maxLength;

    @CommandLine.Mixin
    private ImageFlags imageFlags = new ImageFlags();

    @Override
    public Integer call() throws IOException {
        if (!format.equals("jsonl") && !format.equals("npy")) {
            throw new IllegalArgumentException("--format must be jsonl or npy, not " + format);
        }
        if (format.equals("npy") && output == null) {
            throw new IllegalArgumentException("--format npy needs --output FILE");
        }
        EmbedderOptions options = imageFlags.applyTo(EmbedderOptions.defaults().withDevice(device)
                .withDtype(ModelDType.parse(dtype)).withBatching(batchSize, Duration.ofMillis(2), 4 * batchSize)
                .withMaxLength(maxLength));
        ImageOptions images = options.images();
        List<Input> inputs = source.input != null ? readJsonl(source.input, images) : List.of(single(images));
        List<float[]> embeddings = new ArrayList<>();
        try (Embedder embedder = Vlm2Vec.load(model, options, adapter)) {
            Progress progress = new Progress(spec.commandLine().getErr(), "embed", inputs.size());
            for (int start = 0; start < inputs.size(); start += batchSize) {
                embeddings.addAll(embedder.embedAll(inputs.subList(start, Math.min(inputs.size(), start + batchSize))));
                if (inputs.size() > 1) {
                    progress.update(embeddings.size());
                }
            }
            write(embeddings, embedder.dimension());
        }
        return 0;
    }

    private Input single(ImageOptions images) {
        String text = source.text == null ? "" : source.text;
        if (source.image == null) {
            return new Input(instruction, text, List.of(), false);
        }
        return new Input(instruction, text, List.of(ImageLoader.load(source.image, images)), false);
    }

    private List<Input> readJsonl(Path file, ImageOptions options) {
        Path base = file.toAbsolutePath().getParent();
        return JsonLines.read(file, (node, lineNumber) -> {
            List<RgbImage> images = new ArrayList<>();
            List<String> references = new ArrayList<>();
            if (node.hasNonNull("image")) {
                references.add(node.get("image").asText());
            }
            node.path("images").forEach(image -> references.add(image.asText()));
            for (String reference : references) {
                images.add(reference.startsWith("data:") ? ImageLoader.fromDataUrl(reference, options)
                        : ImageLoader.load(base.resolve(reference), options));
            }
            String lineInstruction = node.hasNonNull("instruction") ? node.get("instruction").asText() : instruction;
            try {
                return new Input(lineInstruction, node.path("text").asText(""), images, false);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + lineNumber + ": " + e.getMessage());
            }
        });
    }

    private void write(List<float[]> embeddings, int dimension) throws IOException {
        if (format.equals("npy")) {
            NpyWriter.write(output, embeddings, dimension);
            return;
        }
        ObjectMapper json = new ObjectMapper();
        if (output == null) {
            writeJsonl(spec.commandLine().getOut(), json, embeddings);
            return;
        }
        AtomicFiles.write(output, out -> writeJsonl(
                new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8)), json, embeddings));
    }

    private static void writeJsonl(PrintWriter out, ObjectMapper json, List<float[]> embeddings) throws IOException {
        for (int i = 0; i < embeddings.size(); i++) {
            ObjectNode line = json.createObjectNode().put("index", i);
            ArrayNode values = line.putArray("embedding");
            for (float value : embeddings.get(i)) {
                values.add(value);
            }
            out.println(json.writeValueAsString(line));
        }
        out.flush();
    }
}
