package dev.vlm2vec.ffi;

import dev.vlm2vec.ffi.internal.vlm2vec_h;
import dev.vlm2vec.ffi.internal.vlm2vec_train_options;
import dev.vlm2vec.ffi.internal.vlm2vec_train_stats;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.NullMarked;

/**
 * A training run on a {@link NativeModel}: adapters (or full fine-tuning), AdamW with its
 * schedule, GradCache. Each {@link #step} is one native call with the whole contrastive batch
 * as chunks. The model must stay open while the trainer is; both are used by one thread at a
 * time (steps lock the model).
 */
@NullMarked
public final class NativeTrainer implements AutoCloseable {

    private final NativeModel model;
    private final OwnedHandle handle;

    private NativeTrainer(NativeModel model, OwnedHandle handle) {
        this.model = model;
        this.handle = handle;
    }

    /** @throws NativeException naming an adapter target that matches no layer, and similar */
    public static NativeTrainer create(NativeModel model, TrainOptions options) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment o = vlm2vec_train_options.allocate(call);
            vlm2vec_train_options.learning_rate(o, options.learningRate());
            vlm2vec_train_options.weight_decay(o, options.weightDecay());
            vlm2vec_train_options.max_grad_norm(o, options.maxGradNorm());
            vlm2vec_train_options.temperature(o, options.temperature());
            vlm2vec_train_options.lora_alpha(o, options.loraAlpha());
            vlm2vec_train_options.lora_dropout(o, options.loraDropout());
            vlm2vec_train_options.warmup_steps(o, options.warmupSteps());
            vlm2vec_train_options.total_steps(o, options.totalSteps());
            vlm2vec_train_options.lora_rank(o, options.loraRank());
            vlm2vec_train_options.seed(o, options.seed());
            vlm2vec_train_options.use_dora(o, options.dora() ? 1 : 0);
            vlm2vec_train_options.full(o, options.full() ? 1 : 0);
            vlm2vec_train_options.grad_cache(o, options.gradCache() ? 1 : 0);
            vlm2vec_train_options.targets(o, call.allocateFrom(String.join(",", options.targets())));
            MemorySegment out = call.allocate(vlm2vec_h.C_POINTER);
            synchronized (model) {
                NativeException.check(vlm2vec_h.vlm2vec_trainer_create(model.handle(), o, out), "creating the trainer");
            }
            return new NativeTrainer(model, new OwnedHandle(out.get(vlm2vec_h.C_POINTER, 0),
                    vlm2vec_h::vlm2vec_trainer_free, "NativeTrainer"));
        }
    }

    /**
     * One optimizer step: {@code queries} and {@code targets} hold the same number of rows in
     * total (row i of the targets is query i's positive), {@code negatives} any number of hard
     * negatives; each list is the chunking GradCache uses.
     */
    public TrainStats step(List<ModelBatch> queries, List<ModelBatch> targets, List<ModelBatch> negatives) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment stats = vlm2vec_train_stats.allocate(call);
            synchronized (model) {
                NativeException.check(vlm2vec_h.vlm2vec_trainer_step(handle.get(), ModelBatch.describeAll(queries, call),
                        queries.size(), ModelBatch.describeAll(targets, call), targets.size(),
                        ModelBatch.describeAll(negatives, call), negatives.size(), stats), "training step");
            }
            return new TrainStats(vlm2vec_train_stats.step(stats), vlm2vec_train_stats.loss(stats),
                    vlm2vec_train_stats.grad_norm(stats), vlm2vec_train_stats.learning_rate(stats),
                    vlm2vec_train_stats.accuracy(stats), vlm2vec_train_stats.communication_seconds(stats));
        }
    }

    /** Writes a checkpoint directory (PEFT adapter + trainer state), complete or not at all. */
    public void save(Path directory, String baseModel) {
        try (Arena call = Arena.ofConfined()) {
            synchronized (model) {
                NativeException.check(vlm2vec_h.vlm2vec_trainer_save(handle.get(),
                        call.allocateFrom(directory.toAbsolutePath().toString()), call.allocateFrom(baseModel)),
                        "saving checkpoint " + directory);
            }
        }
    }

    /** Restores adapter, optimizer moments, step and RNG from a checkpoint directory. */
    public void resume(Path directory) {
        try (Arena call = Arena.ofConfined()) {
            synchronized (model) {
                NativeException.check(vlm2vec_h.vlm2vec_trainer_resume(handle.get(),
                        call.allocateFrom(directory.toAbsolutePath().toString())), "resuming from " + directory);
            }
        }
    }

    /**
     * Makes every following step a data-parallel step of {@code group}: representations
     * all-gathered, gradients summed over the ranks. Takes rank 0's trainable parameters and
     * fails, naming the parameter, where this rank's model differs from rank 0's. Call on every
     * rank, after {@link #resume}.
     */
    public void attach(NativeProcessGroup group) {
        synchronized (model) {
            NativeException.check(vlm2vec_h.vlm2vec_trainer_attach_dist(handle.get(), group.handle()),
                    "joining the trainers of the process group");
        }
    }

    @Override
    public void close() {
        handle.close();
    }
}
