package dev.vlm2vec.ffi;

import dev.vlm2vec.ffi.internal.vlm2vec_batch;
import dev.vlm2vec.ffi.internal.vlm2vec_h;
import dev.vlm2vec.ffi.internal.vlm2vec_model_info;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.NullMarked;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A vision-language embedding model loaded into native memory (Phi-3.5-V, ...), from a
 * Hugging Face model directory.
 *
 * {@snippet :
 * try (NativeModel model = NativeModel.load(Path.of("phi3v-tiny"), "cpu", ModelDType.FLOAT32);
 *      Arena arena = Arena.ofConfined()) {
 *     ModelBatch batch = ModelBatch.ofText(new long[][] {{1, 7, 9}}, new long[][] {{1, 1, 1}}, arena);
 *     float[] embedding = model.encode(batch, true);   // [1 * hiddenSize], unit norm
 * }
 * }
 *
 * <p>Methods are synchronised: the native model is used by one thread at a time.
 */
@NullMarked
public final class NativeModel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NativeModel.class);

    private final OwnedHandle handle;
    private final ModelInfo info;
    private final String loadReport;

    private NativeModel(OwnedHandle handle) {
        this.handle = handle;
        this.info = readInfo(handle.get());
        this.loadReport = readLoadReport(handle.get());
    }

    /**
     * Loads the model in {@code directory} onto {@code device} ({@code cpu}, {@code cuda},
     * {@code cuda:N}) in {@code dtype}.
     *
     * @throws NativeException naming every missing or mis-shaped tensor, or the bad file
     */
    public static NativeModel load(Path directory, String device, ModelDType dtype) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("model directory " + directory + " does not exist");
        }
        NativeLibrary.load();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(vlm2vec_h.C_POINTER);
            NativeException.check(vlm2vec_h.vlm2vec_model_load(call.allocateFrom(directory.toAbsolutePath().toString()),
                    call.allocateFrom(device), dtype.code(), out), "loading model " + directory);
            OwnedHandle handle = new OwnedHandle(out.get(vlm2vec_h.C_POINTER, 0), vlm2vec_h::vlm2vec_model_free,
                    "NativeModel");
            try {
                NativeModel model = new NativeModel(handle);
                if (!model.loadReport.isEmpty()) {
                    LOG.warn("{}: {}", directory, model.loadReport);
                }
                return model;
            } catch (RuntimeException e) {
                handle.close();
                throw e;
            }
        }
    }

    public ModelInfo info() {
        return info;
    }

    /** Notes from loading, e.g. tensors present but unused; empty when none. */
    public String loadReport() {
        return loadReport;
    }

    /**
     * Embeds a batch into {@code out} ({@code [batchSize, hiddenSize]} floats off-heap): the
     * hidden state of each example's last real token, L2-normalised when {@code normalize}.
     */
    public synchronized void encode(ModelBatch batch, boolean normalize, MemorySegment out) {
        MemorySegment model = handle.get();
        long outElements = BufferChecks.elements(batch.batchSize(), info.hiddenSize());
        BufferChecks.requireOffHeap("out", out, ValueLayout.JAVA_FLOAT, outElements, "batchSize * hiddenSize");
        try (Arena call = Arena.ofConfined()) {
            MemorySegment descriptor = vlm2vec_batch.allocate(call);
            batch.describe(descriptor, call);
            NativeException.check(vlm2vec_h.vlm2vec_model_encode(model, descriptor, normalize ? 1 : 0, out,
                    outElements), "vlm2vec_model_encode");
        }
    }

    /** As {@link #encode(ModelBatch, boolean, MemorySegment)}, returning {@code [batchSize * hiddenSize]} floats. */
    public float[] encode(ModelBatch batch, boolean normalize) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ValueLayout.JAVA_FLOAT, batch.batchSize() * info.hiddenSize());
            encode(batch, normalize, out);
            return out.toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    /**
     * Applies a PEFT LoRA/DoRA adapter directory ({@code adapter_config.json} +
     * {@code adapter_model.safetensors}), folded into the weights when {@code merge}.
     *
     * @throws NativeException naming a missing tensor, a key that names no layer or a shape
     *     mismatch; the model is then unchanged
     */
    public synchronized void loadAdapter(Path adapterDirectory, boolean merge) {
        if (!Files.isDirectory(adapterDirectory)) {
            throw new IllegalArgumentException("adapter directory " + adapterDirectory + " does not exist");
        }
        try (Arena call = Arena.ofConfined()) {
            NativeException.check(vlm2vec_h.vlm2vec_model_load_adapter(handle.get(),
                    call.allocateFrom(adapterDirectory.toAbsolutePath().toString()), merge ? 1 : 0),
                    "loading adapter " + adapterDirectory);
        }
    }

    /**
     * Writes this model with its current weights (e.g. after {@link #loadAdapter} with merge)
     * as a model directory in the Hugging Face layout, which loads like any model.
     *
     * @throws NativeException when an adapter is attached but not merged, or the directory
     *     cannot be written (an existing one is replaced only once the new one is complete)
     */
    public synchronized void save(Path directory) {
        try (Arena call = Arena.ofConfined()) {
            NativeException.check(vlm2vec_h.vlm2vec_model_save(handle.get(),
                    call.allocateFrom(directory.toAbsolutePath().toString())), "saving the model to " + directory);
        }
    }

    /** The live native handle, for a {@link NativeTrainer} on this model. */
    MemorySegment handle() {
        return handle.get();
    }

    /** Frees the native model. Closing twice is harmless; other calls after closing throw. */
    @Override
    public synchronized void close() {
        handle.close();
    }

    private static ModelInfo readInfo(MemorySegment handle) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment info = vlm2vec_model_info.allocate(call);
            NativeException.check(vlm2vec_h.vlm2vec_model_info_get(handle, info), "vlm2vec_model_info_get");
            return new ModelInfo(
                    vlm2vec_model_info.architecture(info).getString(0),
                    vlm2vec_model_info.device(info).getString(0),
                    ModelDType.of(vlm2vec_model_info.dtype(info)),
                    vlm2vec_model_info.hidden_size(info),
                    vlm2vec_model_info.num_layers(info),
                    vlm2vec_model_info.image_size(info),
                    vlm2vec_model_info.max_crops(info),
                    vlm2vec_model_info.parameter_count(info));
        }
    }

    private static String readLoadReport(MemorySegment handle) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(vlm2vec_h.C_POINTER);
            NativeException.check(vlm2vec_h.vlm2vec_model_load_report(handle, out), "vlm2vec_model_load_report");
            return out.get(vlm2vec_h.C_POINTER, 0).getString(0);
        }
    }
}
