package dev.vlm2vec.cli;

import dev.vlm2vec.ffi.ModelDType;
import dev.vlm2vec.ffi.NativeRandomCheckpoint;
import dev.vlm2vec.io.FileTrees;
import dev.vlm2vec.io.WriteErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vlm2vec init-random}: a random checkpoint of any size in the real Hugging Face layout,
 * for a config.json or a bundled preset of a real model: real-scale tests, memory and speed
 * measurements without downloading weights. Written into a staging folder beside the output and
 * renamed into place at the end, so the output is either complete or absent.
 */
@NullMarked
@Command(name = "init-random", mixinStandardHelpOptions = true,
        description = "Write a random checkpoint with exactly the tensors a config.json implies (a real model's preset or"
                + " your own config), sharded as save_pretrained does, with the index and a fitting tokenizer.")
final class InitRandomCommand implements Callable<Integer> {

    /** The bundled real configs (config.json and preprocessor_config.json of each). */
    static final List<String> PRESETS = List.of("phi-3.5-vision", "llava-v1.6-mistral-7b", "qwen2-vl-2b", "qwen2-vl-7b");

    /** Files beside a --config that belong to the model and are copied along when present. */
    private static final List<String> SIDE_FILES = List.of("preprocessor_config.json", "processor_config.json",
            "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json",
            "chat_template.json");

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    private Source source = new Source();

    static final class Source {
        @Option(names = "--config", paramLabel = "CONFIG.json",
                description = "A model's config.json; preprocessor, tokenizer and generation configs beside it are copied too.")
        @Nullable Path config;

        @Option(names = "--preset", paramLabel = "NAME",
                description = "A real model's config: phi-3.5-vision (4.15B), llava-v1.6-mistral-7b (7.57B), qwen2-vl-2b (2.21B),"
                        + " qwen2-vl-7b (8.29B).")
        @Nullable String preset;
    }

    @Option(names = "--output", paramLabel = "DIR", description = "Directory to create (absent or empty).")
    private @Nullable Path out;

    @Option(names = "--out", hidden = true, description = "Same as --output.")
    void out(Path value) {
        this.out = value;
    }

    @Option(names = "--dtype", paramLabel = "DTYPE",
            description = "Stored dtype: bf16, fp16 or fp32. Default: the config's torch_dtype (fp32 where it names none).")
    private @Nullable String dtype;

    @Option(names = "--shard-size", paramLabel = "SIZE", defaultValue = "4GB",
            description = "Largest shard, as save_pretrained's max_shard_size (4GB = 4e9 bytes, 4GiB = 2^32). Default: ${DEFAULT-VALUE}.")
    private String shardSize = "4GB";

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}); the same seed gives the same weights.")
    private long seed;

    @Option(names = "--dry-run", description = "Print the plan (parameters, bytes, shards) and write nothing.")
    private boolean dryRun;

    private volatile boolean stopRequested;

    @Override
    public Integer call() throws IOException {
        if (out == null) {
            throw new IllegalArgumentException("--output DIR is required");
        }
        Path output = out.toAbsolutePath();
        long shardBytes = ByteSize.parse("--shard-size", shardSize);
        if (Files.exists(output) && (!Files.isDirectory(output) || !isEmpty(output))) {
            throw new IllegalArgumentException("--output " + out + ": " + (Files.isDirectory(output)
                    ? "the folder is not empty; init-random writes a new model folder (remove it or choose another)"
                    : "it is a file"));
        }
        WriteErrors.checkFolder("--output", output);
        Files.createDirectories(output.getParent());
        Path staging = output.resolveSibling("." + output.getFileName() + ".init-random-" + ProcessHandle.current().pid());
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        // Ctrl-C or SIGTERM: the loop stops after the tensor in progress and the staging folder
        // is removed before the JVM exits (the hook waits for that).
        CountDownLatch cleaned = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopRequested = true;
            try {
                // (A signal after the last tensor lets the rename finish: then there is nothing to report.)
                if (cleaned.await(60, TimeUnit.SECONDS) && !Files.exists(output.resolve("config.json"))) {
                    // Said here: the JVM is exiting, the CLI's own report may not get to run.
                    err.println("vlm2vec init-random: interrupted: nothing was written to --output " + out);
                    err.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "vlm2vec-init-random-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Files.createDirectories(staging);
            String what = copyConfig(staging);
            ModelDType stored = dtype != null ? ModelDType.parse(dtype) : DtypeDefaults.declared(staging);
            try (NativeRandomCheckpoint writer = NativeRandomCheckpoint.open(staging, stored, shardBytes, seed)) {
                NativeRandomCheckpoint.Info plan = writer.info();
                String summary = String.format("%s: %,d parameters, %s in %s, %d tensors in %d shard%s", what, plan.parameters(),
                        ByteSize.format(plan.totalBytes()), stored.cliName(), plan.tensors(), plan.shards(),
                        plan.shards() == 1 ? "" : "s");
                if (dryRun) {
                    stdout.println(summary + " (dry run: nothing written)");
                    stdout.flush();
                    return 0;
                }
                checkSpace(output.getParent(), plan.totalBytes());
                err.println(summary);
                err.flush();
                if (!writeAll(writer, plan, err)) {
                    return 130;  // stopped by a signal: the hook reports it once the staging folder is gone
                }
            }
            moveIntoPlace(staging, output);
        } finally {
            try {
                FileTrees.deleteRecursively(staging);
            } finally {
                cleaned.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting (Ctrl-C): the hook waited for the cleanup above
                }
            }
        }
        stdout.println("wrote a random " + (source.preset != null ? source.preset : "model") + " (seed " + seed + ") to " + output);
        stdout.flush();
        return 0;
    }

    /** Writes every tensor with progress in MB; false when {@code stopRequested} stopped it between tensors. */
    private boolean writeAll(NativeRandomCheckpoint writer, NativeRandomCheckpoint.Info plan, PrintWriter err) {
        long totalMb = Math.max(1, plan.totalBytes() / 1_000_000);
        Progress progress = new Progress(err, "init-random (MB)", totalMb);
        NativeRandomCheckpoint.Info info = plan;
        while (!info.done()) {
            if (stopRequested) {
                return false;
            }
            writer.writeNext();
            info = writer.info();
            progress.update(info.done() ? totalMb : info.writtenBytes() / 1_000_000);
        }
        return true;
    }

    /** Puts config.json (and its side files) into staging; returns what it came from, for the messages. */
    private String copyConfig(Path staging) throws IOException {
        if (source.preset != null) {
            String preset = source.preset;
            if (!PRESETS.contains(preset)) {
                throw new IllegalArgumentException("--preset " + preset + ": unknown; the presets are " + String.join(", ", PRESETS));
            }
            for (String file : List.of("config.json", "preprocessor_config.json")) {
                try (InputStream in = InitRandomCommand.class.getResourceAsStream("/dev/vlm2vec/presets/" + preset + "/" + file)) {
                    if (in == null) {
                        throw new IllegalStateException("preset " + preset + " lacks " + file + " in this build");
                    }
                    Files.copy(in, staging.resolve(file));
                }
            }
            return "preset " + preset;
        }
        Path config = java.util.Objects.requireNonNull(source.config).toAbsolutePath();
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException("--config " + source.config + ": no such file");
        }
        Files.copy(config, staging.resolve("config.json"));
        for (String side : SIDE_FILES) {
            Path file = config.resolveSibling(side);
            if (Files.isRegularFile(file)) {
                Files.copy(file, staging.resolve(side));
            }
        }
        return config.toString();
    }

    private static void checkSpace(Path folder, long bytes) throws IOException {
        long free = Files.getFileStore(folder).getUsableSpace();
        long needed = bytes + 64L * 1024 * 1024;  // the configs, the tokenizer and the index
        if (free < needed) {
            throw new IllegalArgumentException("--output: the checkpoint needs " + ByteSize.format(needed) + " but " + folder
                    + " has " + ByteSize.format(free) + " free; free space or choose another --output");
        }
    }

    private static void moveIntoPlace(Path staging, Path output) throws IOException {
        if (Files.isDirectory(output)) {
            try {
                Files.delete(output);  // empty: checked before the writing began
            } catch (DirectoryNotEmptyException e) {
                throw new IllegalStateException("--output " + output + " was filled while the checkpoint was written; it is left"
                        + " as it was");
            }
        }
        Files.move(staging, output, StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean isEmpty(Path folder) throws IOException {
        try (var entries = Files.list(folder)) {
            return entries.findAny().isEmpty();
        }
    }
}
