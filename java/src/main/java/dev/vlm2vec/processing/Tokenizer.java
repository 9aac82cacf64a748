package dev.vlm2vec.processing;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.NullMarked;

/**
 * A model's tokenizer.json run by the Hugging Face tokenizers library, with its special
 * tokens as the model directory declares them (BOS added by tokenizer.json's post
 * processor, as the fast tokenizers do; pad from tokenizer_config.json).
 */
@NullMarked
public final class Tokenizer implements AutoCloseable {

    /** Larger tokenizer.json files are refused before parsing (real ones are 2 to 20 MB). */
    public static final long MAX_FILE_BYTES = 64L << 20;

    private final HuggingFaceTokenizer tokenizer;
    private final Path file;
    private final long padId;
    // Callers tokenise on their own threads; close() frees the native tokenizer only once no call
    // is inside it (a free during an encode was a SIGSEGV in libtokenizers.so), later calls fail.
    private final java.util.concurrent.locks.ReentrantReadWriteLock lifetime =
            new java.util.concurrent.locks.ReentrantReadWriteLock();
    private boolean closed;

    private Tokenizer(HuggingFaceTokenizer tokenizer, Path file, long padId) {
        this.tokenizer = tokenizer;
        this.file = file;
        this.padId = padId;
    }

    /** Loads {@code tokenizer.json} (and {@code tokenizer_config.json} when present) of a model directory. */
    public static Tokenizer load(Path modelDirectory, long fallbackPadId) {
        Path file = modelDirectory.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("model directory " + modelDirectory + " has no tokenizer.json");
        }
        TokenizerFileCheck.check(file, MAX_FILE_BYTES);
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(file)
                    .optAddSpecialTokens(true)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + file, e);
        } catch (RuntimeException e) {
            throw named(file, e);
        }
        long padId = fallbackPadId;
        Path config = modelDirectory.resolve("tokenizer_config.json");
        if (Files.isRegularFile(config)) {
            try {
                JsonNode pad = new ObjectMapper().readTree(config.toFile()).get("pad_token");
                String padToken = pad == null || pad.isNull() ? null : pad.isTextual() ? pad.asText() : pad.path("content").asText(null);
                if (padToken != null) {
                    long id = idOf(tokenizer, padToken);
                    padId = id >= 0 ? id : padId;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + config, e);
            } catch (RuntimeException e) {
                throw named(file, e);
            }
        }
        return new Tokenizer(tokenizer, file, padId);
    }

    // The library reports a file it cannot parse (a bad field), or one that loads but cannot
    // encode (an unk_token missing from the vocabulary, found at the first text that needs it),
    // as a bare RuntimeException without the file; vlm2vec's own exceptions pass unchanged.
    private static RuntimeException named(Path file, RuntimeException e) {
        if (e.getClass() != RuntimeException.class) {
            return e;
        }
        return new IllegalArgumentException(file + " cannot be used by the tokenizers library: " + e.getMessage(), e);
    }

    private static long idOf(HuggingFaceTokenizer tokenizer, String token) {
        long[] ids = tokenizer.encode(token, false, false).getIds();
        return ids.length == 1 ? ids[0] : -1;
    }

    /** Token ids of {@code text} with the tokenizer's special tokens (BOS). */
    public long[] encode(String text) {
        return whileOpen(() -> tokenizer.encode(text).getIds());
    }

    /** The id of a single (special) token, e.g. {@code <image>}. */
    public long id(String token) {
        long id = whileOpen(() -> idOf(tokenizer, token));
        if (id < 0) {
            throw new IllegalArgumentException("'" + token + "' is not a single token of this tokenizer");
        }
        return id;
    }

    public long padId() {
        return padId;
    }

    public String decode(long[] ids) {
        return whileOpen(() -> tokenizer.decode(ids, true));
    }

    private <T> T whileOpen(java.util.function.Supplier<T> call) {
        lifetime.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the tokenizer has been closed (its model or embedder was closed)");
            }
            return call.get();
        } catch (RuntimeException e) {
            throw named(file, e);
        } finally {
            lifetime.readLock().unlock();
        }
    }

    /** Frees the native tokenizer after the calls in progress return; later calls throw IllegalStateException. */
    @Override
    public void close() {
        lifetime.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                tokenizer.close();
            }
        } finally {
            lifetime.writeLock().unlock();
        }
    }
}
