package dev.vlm2vec.reliability;

import dev.vlm2vec.EmbedderOptions;
import dev.vlm2vec.Input;
import dev.vlm2vec.Vlm2Vec;
import dev.vlm2vec.data.MmebJsonlReader;
import dev.vlm2vec.ffi.ModelDType;
import dev.vlm2vec.ffi.NativeException;
import dev.vlm2vec.ffi.NativeModel;
import dev.vlm2vec.ffi.TinyModels;
import dev.vlm2vec.processing.ImageLoader;
import dev.vlm2vec.processing.ImageOptions;
import dev.vlm2vec.processing.InputEncoder;
import dev.vlm2vec.processing.RgbImage;
import dev.vlm2vec.processing.Tokenizer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;

/**
 * A seeded, bounded fuzz run over the files a user hands vlm2vec, run in a JVM of its own by
 * {@link FuzzInputsTest} (a crash there is a non-zero exit with an hs_err file, not a lost
 * test JVM): mutated images (PNG, JPEG, GIF, BMP, WebP, in every mode the decoding tests
 * cover), tokenizer.json, config.json,
 * preprocessor_config.json and MMEB rows. Every input must load or fail with one of the typed
 * exceptions vlm2vec promises, its message naming the file; none may take longer than
 * {@code PER_INPUT_SECONDS}. Arguments: WORK_DIR SEED COUNT. Prints one summary line and exits 0
 * only when every input behaved.
 */
public final class FuzzInputs {

    static final int PER_INPUT_SECONDS = 30;

    private final Random random;
    private final Path work;
    private final Path model;
    private final List<String> problems = new ArrayList<>();

    private FuzzInputs(Path work, long seed) {
        this.work = work;
        this.random = new Random(seed);
        this.model = work.resolve("model");
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        FuzzInputs fuzz = new FuzzInputs(work, Long.parseLong(args[1]));
        int count = Integer.parseInt(args[2]);
        TinyModels.write("phi3_v", fuzz.model, 1, 0);
        AtomicReference<String> current = new AtomicReference<>("");
        AtomicLong startedAt = new AtomicLong(System.nanoTime());
        Thread watchdog = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                if (System.nanoTime() - startedAt.get() > PER_INPUT_SECONDS * 1_000_000_000L) {
                    System.out.println("fuzz: HANG on " + current.get() + " (over " + PER_INPUT_SECONDS + " s)");
                    System.out.flush();
                    Runtime.getRuntime().halt(3);
                }
            }
        });
        watchdog.setDaemon(true);
        watchdog.start();
        int[] perKind = new int[5];
        for (int i = 0; i < count; i++) {
            int kind = i % 20 < 12 ? 0 : i % 20 < 15 ? 1 : i % 20 < 18 ? 2 : i % 20 < 19 ? 3 : 4;
            perKind[kind]++;
            current.set("input " + i + " (kind " + kind + ")");
            startedAt.set(System.nanoTime());
            switch (kind) {
                case 0 -> fuzz.image(i);
                case 1 -> fuzz.tokenizer(i);
                case 2 -> fuzz.config(i);
                case 3 -> fuzz.preprocessor(i);
                default -> fuzz.rows(i);
            }
        }
        System.out.printf("fuzz: %d inputs (images %d, tokenizer.json %d, config.json %d, preprocessor_config.json %d,"
                + " MMEB rows %d), %d unexpected%n", count, perKind[0], perKind[1], perKind[2], perKind[3], perKind[4],
                fuzz.problems.size());
        fuzz.problems.stream().limit(40).forEach(p -> System.out.println("  " + p));
        System.out.flush();
        System.exit(fuzz.problems.isEmpty() ? 0 : 1);
    }

    // One input's outcome: fine, or a typed failure whose message names what it was given.
    private void expect(String what, String mustName, ThrowingRunnable action) {
        try {
            action.run();
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException | NativeException e) {
            String message = String.valueOf(e.getMessage());
            if (!message.contains(mustName)) {
                problems.add(what + ": " + e.getClass().getSimpleName() + " without '" + mustName + "': " + message);
            }
        } catch (Throwable e) {
            problems.add(what + ": untyped " + e);
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    // Every other image seed is one of the decoding tests' files, for the formats and modes ImageIO
    // does not write: WebP (lossy, lossless, alpha), CMYK / YCCK / 4:4:0 / progressive JPEG,
    // 16-bit and palette PNG, animated GIF, 1-bit BMP.
    private static final String[] MODE_FILES = {"lossless.webp", "lossy.webp", "lossy_alpha.webp", "exif6.webp",
        "cmyk.jpg", "ycck.jpg", "rgb_440.jpg", "rgb_progressive.jpg", "exif6.jpg", "rgba16.png", "p_trns_index.png",
        "i16.png", "two_frames.gif", "1bit.bmp"};

    private byte[] seedImage(int index) throws IOException {
        if (index % 2 == 1) {
            String name = MODE_FILES[(index / 2) % MODE_FILES.length];
            try (var in = FuzzInputs.class.getResourceAsStream("/images/modes/" + name)) {
                return in.readAllBytes();
            }
        }
        String[] formats = {"png", "jpeg", "gif", "bmp"};
        int width = 1 + random.nextInt(80), height = 1 + random.nextInt(80);
        BufferedImage image = new BufferedImage(width, height, index % 3 == 0 ? BufferedImage.TYPE_BYTE_GRAY
                : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, formats[index % formats.length], out);
        return out.toByteArray();
    }

    private byte[] mutate(byte[] bytes) {
        byte[] mutated = bytes.clone();
        int edits = 1 + random.nextInt(8);
        for (int e = 0; e < edits && mutated.length > 0; e++) {
            int at = random.nextInt(mutated.length);
            switch (random.nextInt(4)) {
                case 0 -> mutated[at] = (byte) random.nextInt(256);
                case 1 -> mutated[at] = (byte) (mutated[at] ^ (1 << random.nextInt(8)));
                case 2 -> mutated = java.util.Arrays.copyOf(mutated, Math.max(1, at));  // truncate
                default -> {  // a large value into a (likely) size field
                    for (int k = 0; k < 4 && at + k < mutated.length; k++) {
                        mutated[at + k] = (byte) 0x7f;
                    }
                }
            }
        }
        return mutated;
    }

    private void image(int index) throws IOException {
        Path file = work.resolve("image-" + index % 50 + ".img");
        Files.write(file, mutate(seedImage(index)));
        expect("image " + index, file.toString(), () -> {
            RgbImage image = ImageLoader.load(file, ImageOptions.defaults().withMaxPixels(4_000_000));
            if (image.width() < 1 || image.height() < 1) {
                throw new AssertionError("decoded an empty image");
            }
        });
    }

    private void tokenizer(int index) throws IOException {
        Path directory = work.resolve("tok");
        Files.createDirectories(directory);
        byte[] good = Files.readAllBytes(model.resolve("tokenizer.json"));
        Files.write(directory.resolve("tokenizer.json"), mutateJson(good));
        expect("tokenizer.json " + index, directory.toString(), () -> {
            try (Tokenizer tokenizer = Tokenizer.load(directory, 0)) {
                tokenizer.encode("a fuzzed tokenizer sees this text, twice: a fuzzed tokenizer");
            }
        });
    }

    // JSON-aware edits: numbers made extreme, strings and punctuation changed, bytes flipped.
    private byte[] mutateJson(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(text);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && out.length() > 0; e++) {
            int at = random.nextInt(out.length());
            switch (random.nextInt(5)) {
                case 0 -> out.setCharAt(at, "{}[],:\"0-9ae ".charAt(random.nextInt(13)));
                case 1 -> out.deleteCharAt(at);
                case 2 -> out.insert(at, new String[] {"0", "-1", "1e9", "99999999999", "null", "\"x\"", "[]", "{}"}
                        [random.nextInt(8)]);
                case 3 -> {
                    java.util.regex.Matcher number = java.util.regex.Pattern.compile("-?\\d+").matcher(out);
                    if (number.find(at)) {
                        out.replace(number.start(), number.end(), new String[] {"0", "-1", "1000000000", "3", "65"}
                                [random.nextInt(5)]);
                    }
                }
                default -> {
                    byte[] raw = out.toString().getBytes(StandardCharsets.UTF_8);
                    return mutate(raw);
                }
            }
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private Path copyOfModel(String name) throws IOException {
        Path copy = work.resolve(name);
        Files.createDirectories(copy);
        try (var files = Files.list(model)) {
            for (Path file : files.toList()) {
                Path target = copy.resolve(file.getFileName());
                if (file.getFileName().toString().endsWith(".safetensors")) {
                    Files.deleteIfExists(target);
                    Files.createSymbolicLink(target, file);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return copy;
    }

    private void config(int index) throws IOException {
        Path copy = copyOfModel("config-model");
        Files.write(copy.resolve("config.json"), mutateJson(Files.readAllBytes(model.resolve("config.json"))));
        expect("config.json " + index, copy.toString(), () -> {
            try (NativeModel loaded = NativeModel.load(copy, "cpu", ModelDType.FLOAT32)) {
                loaded.info();
            }
        });
    }

    private void preprocessor(int index) throws IOException {
        Path copy = copyOfModel("preprocessor-model");
        Files.write(copy.resolve("preprocessor_config.json"),
                mutateJson(Files.readAllBytes(model.resolve("preprocessor_config.json"))));
        expect("preprocessor_config.json " + index, copy.toString(), () -> {
            try (NativeModel loaded = NativeModel.load(copy, "cpu", ModelDType.FLOAT32);
                    InputEncoder encoder = Vlm2Vec.inputEncoder(copy, loaded, EmbedderOptions.defaults())) {
                byte[] pixels = new byte[40 * 30 * 3];
                random.nextBytes(pixels);
                encoder.encode(Input.of("Represent the given image.", "", new RgbImage(40, 30, pixels)));
            }
        });
    }

    private void rows(int index) throws IOException {
        Path file = work.resolve("rows.jsonl");
        String row = "{\"qry_text\": \"<|image_1|>\\nIdentify\\n\", \"qry_img_path\": \"images/a.png\","
                + " \"tgt_text\": [\"red\", \"blue\"], \"tgt_img_path\": [\"\", \"\"]}\n";
        Files.write(file, mutateJson((row + row).getBytes(StandardCharsets.UTF_8)));
        expect("MMEB rows " + index, file.toString(), () -> MmebJsonlReader.readEval(file));
    }
}
