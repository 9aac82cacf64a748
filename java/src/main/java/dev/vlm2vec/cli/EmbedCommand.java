package dev.vlm2vec.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlm2vec.Embedder;
import dev.vlm2vec.EmbedderOptions;
import dev.vlm2vec.Input;
import dev.vlm2vec.Vlm2Vec;
import dev.vlm2vec.ffi.NativeException;
import dev.vlm2vec.io.AtomicFiles;
import dev.vlm2vec.io.NpyWriter;
import dev.vlm2vec.io.WriteErrors;
import dev.vlm2vec.processing.ImageLoader;
import dev.vlm2vec.processing.ImageOptions;
import dev.vlm2vec.processing.RgbImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
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
        description = "Embed a text, an image, or every line of a JSONL file or standard input ({\"id\", \"text\","
                + " \"image\" or \"images\", \"instruction\"}; image paths relative to the file, or data: URLs).")
final class EmbedCommand implements Callable<Integer> {

    /** The keys an input line may hold; any other is a mistake worth naming (a misspelt "text" is not an empty input). */
    static final Set<String> INPUT_KEYS = Set.of("id", "text", "image", "images", "instruction");

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    private ModelFlags modelFlags = new ModelFlags();

    @Option(names = "--adapter", paramLabel = "DIR",
            description = "A PEFT LoRA/DoRA adapter directory (from `train` or PEFT), merged into the model at load.")
    private @Nullable Path adapter;

    static final class Source {
        @Option(names = "--text", description = "One text to embed.")
        @Nullable String text;

        @Option(names = "--image", description = "One image to embed (with --text as its text, if given).")
        @Nullable Path image;

        @Option(names = "--input", paramLabel = "FILE", description = "A JSONL file, one input per line; - reads standard input.")
        @Nullable Path input;
    }

    @ArgGroup(exclusive = false, multiplicity = "1")
    private Source source = new Source();

    @Option(names = "--instruction", description = "Task instruction, e.g. \"Represent the given image.\"")
    private @Nullable String instruction;

    @Option(names = "--output", paramLabel = "FILE", description = "Output file (default: standard output, jsonl only).")
    private @Nullable Path output;

    @Option(names = "--format", defaultValue = "jsonl", description = "jsonl or npy (default: ${DEFAULT-VALUE}).")
    private String format = "jsonl";

    @Option(names = "--on-error", paramLabel = "fail|skip", description = "A bad input line: fail (stop, write nothing to"
            + " --output) or skip (write an error record in its place and go on). Default: ${DEFAULT-VALUE}.")
    private String onError = "fail";

    @Option(names = "--batch-size", paramLabel = "N", description = "Inputs per model call. Default: ${DEFAULT-VALUE}.")
    private int batchSize = 16;

    /** One input line: its 1-based number, its id if it has one, and its input or why it has none. */
    private record Line(int number, @Nullable JsonNode id, @Nullable Input input, @Nullable String error) {}

    /** What became of one line: an embedding or an error. */
    private record Outcome(Line line, float @Nullable [] embedding, @Nullable String error) {}

    @Override
    public Integer call() throws IOException {
        if (!format.equals("jsonl") && !format.equals("npy")) {
            throw new IllegalArgumentException("--format must be jsonl or npy, not " + format);
        }
        if (!onError.equals("fail") && !onError.equals("skip")) {
            throw new IllegalArgumentException("--on-error must be fail or skip, not " + onError);
        }
        FlagChecks.atLeast("--batch-size", batchSize, 1);
        FlagChecks.conflict(source.input != null, "--input", source.text != null || source.image != null,
                source.text != null ? "--text" : "--image", "--input reads every input from its lines");
        if (format.equals("npy") && output == null) {
            throw new IllegalArgumentException("--format npy needs --output FILE");
        }
        Path model = modelFlags.requireModel();
        EmbedderOptions options = modelFlags.embedderOptions(batchSize);
        if (output != null) {
            WriteErrors.checkFile("--output", output);
        }
        boolean stdin = source.input != null && source.input.toString().equals("-");
        if (source.input != null && !stdin && !Files.isRegularFile(source.input)) {
            throw new IllegalArgumentException("--input " + source.input + " does not exist (use - for standard input)");
        }
        try (Embedder embedder = Vlm2Vec.load(model, options, adapter);
                BufferedReader reader = source.input == null ? null : stdin
                        ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                        : Files.newBufferedReader(source.input, StandardCharsets.UTF_8)) {
            Iterator<Line> lines = reader == null ? List.of(single(options.images())).iterator()
                    : readLines(reader, stdin ? Path.of("").toAbsolutePath() : source.input.toAbsolutePath().getParent(),
                            stdin ? "standard input" : source.input.toString(), options.images());
            long total = source.input == null || stdin ? 0 : countLines(source.input);
            Progress progress = total > 1 ? new Progress(spec.commandLine().getErr(), "embed", total) : null;
            if (format.equals("npy")) {
                List<float[]> rows = new ArrayList<>();
                embedAll(embedder, lines, outcome -> {
                    float[] row = outcome.embedding();
                    if (row == null) {
                        row = new float[embedder.dimension()];
                        Arrays.fill(row, Float.NaN);
                    }
                    rows.add(row);
                }, progress);
                NpyWriter.write(output, rows, embedder.dimension());
            } else if (output == null) {
                PrintWriter out = spec.commandLine().getOut();
                embedAll(embedder, lines, outcome -> out.println(jsonLine(outcome)), progress);
                out.flush();
            } else {
                AtomicFiles.write(output, stream -> {
                    PrintWriter out = new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
                    embedAll(embedder, lines, outcome -> out.println(jsonLine(outcome)), progress);
                    out.flush();
                });
            }
        }
        return 0;
    }

    /** Embeds the lines batch by batch, in order; a bad line fails the run or, with --on-error skip, becomes an error record. */
    private void embedAll(Embedder embedder, Iterator<Line> lines, java.util.function.Consumer<Outcome> sink,
            @Nullable Progress progress) {
        boolean skip = onError.equals("skip");
        PrintWriter err = spec.commandLine().getErr();
        long done = 0;
        while (lines.hasNext()) {
            List<Line> batch = new ArrayList<>();
            while (lines.hasNext() && batch.size() < batchSize) {
                batch.add(lines.next());
            }
            for (Outcome outcome : embedBatch(embedder, batch)) {
                if (outcome.error() != null) {
                    String where = source.input == null ? "" : (source.input.toString().equals("-") ? "standard input" : source.input)
                            + " line " + outcome.line().number() + ": ";
                    if (!skip) {
                        throw new IllegalArgumentException(where + outcome.error() + (source.input == null ? ""
                                : " (--on-error skip writes an error record and goes on)"));
                    }
                    err.println("skipped " + where + outcome.error());
                }
                sink.accept(outcome);
            }
            done += batch.size();
            if (progress != null) {
                progress.update(done);
            }
        }
        err.flush();
    }

    // One native call for the batch; if it fails, each input alone, so only the bad ones fail.
    private static List<Outcome> embedBatch(Embedder embedder, List<Line> batch) {
        List<Line> good = batch.stream().filter(l -> l.input() != null).toList();
        List<float[]> embeddings = null;
        try {
            embeddings = embedder.embedAll(good.stream().map(Line::input).toList());
        } catch (IllegalArgumentException | NativeException e) {
            // some input does not fit; found below, one by one
        }
        List<Outcome> outcomes = new ArrayList<>();
        int next = 0;
        for (Line line : batch) {
            if (line.input() == null) {
                outcomes.add(new Outcome(line, null, line.error()));
            } else if (embeddings != null) {
                outcomes.add(new Outcome(line, embeddings.get(next++), null));
            } else {
                try {
                    outcomes.add(new Outcome(line, embedder.embed(line.input()), null));
                } catch (IllegalArgumentException | NativeException e) {
                    outcomes.add(new Outcome(line, null, e.getMessage()));
                }
            }
        }
        return outcomes;
    }

    private Line single(ImageOptions images) {
        String text = source.text == null ? "" : source.text;
        List<RgbImage> pictures = source.image == null ? List.of() : List.of(ImageLoader.load(source.image, images));
        return new Line(1, null, new Input(instruction, text, pictures, false), null);
    }

    /** The input lines, parsed as they are read; a line that cannot become an input carries its error. */
    private Iterator<Line> readLines(BufferedReader reader, Path base, String name, ImageOptions images) {
        ObjectMapper json = new ObjectMapper();
        return new Iterator<>() {
            private @Nullable Line next;
            private int number;

            @Override
            public boolean hasNext() {
                while (next == null) {
                    String text;
                    try {
                        text = reader.readLine();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException("cannot read " + name, e);
                    }
                    if (text == null) {
                        return false;
                    }
                    number++;
                    if (!text.isBlank()) {
                        next = parse(json, text, number, base, images);
                    }
                }
                return true;
            }

            @Override
            public Line next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                Line line = next;
                next = null;
                return line;
            }
        };
    }

    private Line parse(ObjectMapper json, String text, int number, Path base, ImageOptions options) {
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (IOException e) {
            return new Line(number, null, null, "not JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException p
                    ? p.getOriginalMessage() : e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            return new Line(number, null, null, "not a JSON object");
        }
        JsonNode id = node.get("id");
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext();) {
            String key = keys.next();
            if (!INPUT_KEYS.contains(key)) {
                return new Line(number, id, null, "unknown key '" + key + "'; an input has text, image, images,"
                        + " instruction and id");
            }
        }
        List<String> references = new ArrayList<>();
        if (node.hasNonNull("image")) {
            references.add(node.get("image").asText());
        }
        node.path("images").forEach(image -> references.add(image.asText()));
        String lineText = node.path("text").asText("");
        if (lineText.isEmpty() && references.isEmpty()) {
            return new Line(number, id, null, "empty input: give a text, an image or images");
        }
        try {
            List<RgbImage> pictures = new ArrayList<>();
            for (String reference : references) {
                pictures.add(ImageLoader.fromReference(reference, base, options));
            }
            String lineInstruction = node.hasNonNull("instruction") ? node.get("instruction").asText() : instruction;
            return new Line(number, id, new Input(lineInstruction, lineText, pictures, false), null);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            return new Line(number, id, null, e.getMessage());
        }
    }

    private static long countLines(Path file) throws IOException {
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(l -> !l.isBlank()).count();
        }
    }

    // {"index", "line", "id"?, "embedding"} or, for a skipped line, {"index", "line", "id"?, "error"}.
    private int written;

    private String jsonLine(Outcome outcome) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode line = json.createObjectNode().put("index", written++).put("line", outcome.line().number());
        if (outcome.line().id() != null) {
            line.set("id", outcome.line().id());
        }
        if (outcome.embedding() == null) {
            line.put("error", outcome.error());
        } else {
            ArrayNode values = line.putArray("embedding");
            for (float value : outcome.embedding()) {
                values.add(value);
            }
        }
        try {
            return json.writeValueAsString(line);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
