/*
 * vlm2vec C ABI.
 *
 * Rules (see docs/ARCHITECTURE.md):
 *  - C only: opaque handles, fixed-width integers, plain structs.
 *  - Every function that can fail returns a vlm2vec_status code; the message of the last
 *    failure on the calling thread is read with vlm2vec_last_error(). No C++ exception
 *    ever crosses this boundary.
 *  - The caller owns every buffer it passes and states its length in elements; native code
 *    checks each length against the shape and never keeps a pointer after returning.
 *  - A handle is used by one thread at a time.
 *
 * The Java bindings (dev.vlm2vec.ffi.internal) are generated from this file by the build
 * (tools/bindings); keep to the C subset the generator reads: fixed-width integers, float,
 * double, char arrays, pointers, typedef'd enums and structs.
 */
#ifndef VLM2VEC_H
#define VLM2VEC_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VLM2VEC_API __attribute__((visibility("default")))

/* Bumped whenever a declaration in this file changes; Java refuses any other value. */
#define VLM2VEC_ABI_VERSION 6

typedef enum vlm2vec_status {
    VLM2VEC_OK = 0,
    VLM2VEC_ERR_INVALID_ARGUMENT = 1, /* a size, length or option is out of range */
    VLM2VEC_ERR_NULL_POINTER = 2,     /* a required pointer or handle is NULL */
    VLM2VEC_ERR_BAD_HANDLE = 3,       /* a handle of the wrong kind, or one already freed */
    VLM2VEC_ERR_OUT_OF_MEMORY = 4,
    VLM2VEC_ERR_IO = 5,
    VLM2VEC_ERR_UNSUPPORTED = 6,      /* valid request this build cannot serve */
    VLM2VEC_ERR_TORCH = 7,            /* libtorch raised an error */
    VLM2VEC_ERR_INTERNAL = 8,         /* anything else: a bug, please report it */
    VLM2VEC_ERR_BAD_MODEL = 9         /* a model directory is incomplete or inconsistent */
} vlm2vec_status;

typedef enum vlm2vec_blas_kind {
    VLM2VEC_BLAS_UNKNOWN = 0,
    VLM2VEC_BLAS_OPENBLAS = 1,
    VLM2VEC_BLAS_MKL = 2,
    VLM2VEC_BLAS_REFERENCE = 3, /* netlib reference BLAS: correct but about 30x slower */
    VLM2VEC_BLAS_OTHER = 4
} vlm2vec_blas_kind;

/* Facts about the runtime this library was loaded into. Strings are NUL-terminated. */
typedef struct vlm2vec_runtime_info {
    char torch_version[32];   /* libtorch version, e.g. "1.13.1" */
    char blas_version[128];   /* e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64" */
    char blas_library[256];   /* file that provides sgemm_ to libtorch, when it can be found */
    int32_t blas_kind;        /* a vlm2vec_blas_kind */
    int32_t cuda_compiled;    /* 1 when libtorch was built with CUDA */
    int32_t cuda_available;   /* 1 when a CUDA device is usable now */
    int32_t cuda_device_count;
    int32_t cuda_kernels;     /* 1 when this library carries the cuda-kernels/ kernels */
    int32_t num_threads;      /* intra-op threads libtorch uses */
    int32_t num_interop_threads;
    int32_t max_threads;      /* logical CPUs available to this process */
} vlm2vec_runtime_info;

/* Exact cosine-similarity index over embeddings, searched with one matrix product. */
typedef struct vlm2vec_index vlm2vec_index;

/* A loaded embedding model (Phi-3.5-V, ...): weights on one device in one dtype. */
typedef struct vlm2vec_model vlm2vec_model;

typedef enum vlm2vec_dtype {
    VLM2VEC_DTYPE_FLOAT32 = 0,
    VLM2VEC_DTYPE_BFLOAT16 = 1,
    VLM2VEC_DTYPE_FLOAT16 = 2
} vlm2vec_dtype;

typedef struct vlm2vec_model_info {
    char architecture[32];    /* config.json model_type, e.g. "phi3_v" */
    char device[32];          /* e.g. "cpu", "cuda:0" */
    int32_t dtype;            /* a vlm2vec_dtype */
    int32_t reserved;
    int64_t hidden_size;      /* = embedding size */
    int64_t num_layers;       /* language model layers */
    int64_t image_size;       /* side of one image crop, pixels (Qwen2-VL: of one merged 2x2 patch window, 28) */
    int64_t max_crops;        /* crops per image incl. the global view (Qwen2-VL: 0, sizes vary) */
    int64_t parameter_count;  /* parameters loaded (unused tensors not counted) */
} vlm2vec_model_info;

typedef enum vlm2vec_padding_side {
    VLM2VEC_PAD_RIGHT = 0, /* real tokens first: each row's mask is ones then zeros */
    VLM2VEC_PAD_LEFT = 1   /* padding first: zeros then ones (Qwen2-VL's tokenizer pads so) */
} vlm2vec_padding_side;

/*
 * One image of a batch (ABI 4): its pixels in the layout its backbone's processor gives.
 *  - Phi-3.5-V, LLaVA-NeXT: rank 4, [views, channels, height, width] (crops or tiles, global
 *    view included; images of a batch may have different view counts), image_size the (height,
 *    width) the backbone needs (Phi-3.5-V: the padded HD size; LLaVA-NeXT: the original size),
 *    grid_thw zeros.
 *  - Qwen2-VL: rank 2, [patches, channels * temporal * patch * patch] (1176), grid_thw the patch
 *    grid (frames, rows, columns) with frames * rows * columns = patches; image_size the resized
 *    (height, width).
 * pixel_values holds shape[0] * ... * shape[rank - 1] float32 values.
 */
typedef struct vlm2vec_image {
    const float *pixel_values;
    int64_t rank;
    int64_t shape[4];
    int64_t image_size[2];
    int64_t grid_thw[3];
} vlm2vec_image;

/*
 * One padded batch. Token ids and mask are [batch_size, seq_len], padded on padding_side;
 * image placeholder tokens are already expanded to each image's token count (Phi-3.5-V: ids
 * -k for image k of a prompt). images holds num_images descriptors in the order their
 * placeholders appear, example by example (NULL when num_images is 0). position_ids is NULL
 * (the backbone's own positions: Qwen2-VL's get_rope_index, arange for the others) or
 * [3, batch_size, seq_len] M-RoPE positions (Qwen2-VL only; GME's arange, say).
 */
typedef struct vlm2vec_batch {
    int64_t batch_size;
    int64_t seq_len;
    const int64_t *input_ids;
    const int64_t *attention_mask;
    const int64_t *position_ids;
    int32_t padding_side;     /* a vlm2vec_padding_side */
    int32_t reserved;
    int64_t num_images;
    const vlm2vec_image *images;
} vlm2vec_batch;

/* ---- version and errors ------------------------------------------------------------ */

/* VLM2VEC_ABI_VERSION of the built library; cheap enough to benchmark a bare downcall. */
VLM2VEC_API int32_t vlm2vec_abi_version(void);

/* Library version, e.g. "0.1.0". Static storage. */
VLM2VEC_API const char *vlm2vec_version(void);

/* Message of the last failure on this thread ("" when none). Valid until the next call
 * on this thread. */
VLM2VEC_API const char *vlm2vec_last_error(void);

/* Name of a status code, e.g. "VLM2VEC_ERR_INVALID_ARGUMENT". Static storage. */
VLM2VEC_API const char *vlm2vec_status_name(int32_t status);

/* ---- runtime ----------------------------------------------------------------------- */

VLM2VEC_API int32_t vlm2vec_runtime_info_get(vlm2vec_runtime_info *out);

/* Sets libtorch's intra-op thread count; num_threads must be >= 1. */
VLM2VEC_API int32_t vlm2vec_set_num_threads(int32_t num_threads);

/* ---- pooling ----------------------------------------------------------------------- */

/*
 * Last-token pooling and L2 normalisation, the way VLM2Vec turns decoder hidden states
 * into an embedding:
 *   out[b, :] = h[b, lengths[b] - 1, :] / max(||h[b, lengths[b] - 1, :]||_2, 1e-12)
 * hidden: [batch, seq_len, hidden_size] row-major, hidden_numel elements;
 * lengths: [batch], each in [1, seq_len] (right padding: the number of real tokens);
 * out: [batch, hidden_size], out_numel elements.
 */
VLM2VEC_API int32_t vlm2vec_last_token_pool_normalize(const float *hidden, int64_t hidden_numel,
                                                      int64_t batch, int64_t seq_len,
                                                      int64_t hidden_size, const int64_t *lengths,
                                                      float *out, int64_t out_numel);

/* ---- cosine index ------------------------------------------------------------------ */

VLM2VEC_API int32_t vlm2vec_index_create(int64_t dim, vlm2vec_index **out);

/* Adds count vectors ([count, dim], numel elements); they get ids size..size+count-1.
 * Vectors are L2-normalised on the way in; an all-zero vector is an error. */
VLM2VEC_API int32_t vlm2vec_index_add(vlm2vec_index *index, const float *vectors, int64_t numel,
                                      int64_t count);

VLM2VEC_API int32_t vlm2vec_index_size(const vlm2vec_index *index, int64_t *out_size);

/* For each of num_queries queries ([num_queries, dim], numel elements) writes the k best
 * ids and cosine scores, best first, ties to the lowest id. out_scores and out_ids each
 * hold out_numel = num_queries * k elements; 1 <= k <= size. */
VLM2VEC_API int32_t vlm2vec_index_search(const vlm2vec_index *index, const float *queries,
                                         int64_t numel, int64_t num_queries, int64_t k,
                                         float *out_scores, int64_t *out_ids, int64_t out_numel);

/* Frees the index; NULL is ignored. */
VLM2VEC_API void vlm2vec_index_free(vlm2vec_index *index);

/* ---- models ------------------------------------------------------------------------ */

/* Loads the model in model_dir (config.json + safetensors; architecture from model_type)
 * onto device ("cpu", "cuda", "cuda:N") in dtype (a vlm2vec_dtype). On failure *out is NULL
 * and nothing is left allocated. */
VLM2VEC_API int32_t vlm2vec_model_load(const char *model_dir, const char *device, int32_t dtype,
                                       vlm2vec_model **out);

VLM2VEC_API int32_t vlm2vec_model_info_get(const vlm2vec_model *model, vlm2vec_model_info *out);

/* Notes from loading (e.g. tensors present but unused), "" when none. *out stays valid
 * until the model is freed. */
VLM2VEC_API int32_t vlm2vec_model_load_report(const vlm2vec_model *model, const char **out);

/* Embeds a batch: out receives [batch_size, hidden_size] floats (out_numel elements), the
 * hidden state VLM2Vec pools (the last position when every row's last mask entry is 1, else
 * each row's last real token), L2-normalised when normalize != 0. */
VLM2VEC_API int32_t vlm2vec_model_encode(const vlm2vec_model *model, const vlm2vec_batch *batch,
                                         int32_t normalize, float *out, int64_t out_numel);

/* Frees the model; NULL is ignored. */
VLM2VEC_API void vlm2vec_model_free(vlm2vec_model *model);

/* Writes a tiny random model of architecture (a config.json model_type: "phi3_v",
 * "llava_next", "qwen2_vl"; or "phi3v", "llava-next", "qwen2vl") into out_dir, in the real
 * Hugging Face layout, deterministic for seed. image_size is the CLIP crop side in pixels (0
 * for the default 56; a multiple of 28 for phi3_v, of 14 for llava_next; qwen2_vl takes 0
 * only: its images have no fixed size). Each file is written atomically. */
VLM2VEC_API int32_t vlm2vec_init_tiny(const char *architecture, const char *out_dir, int64_t seed,
                                      int64_t image_size);

/* ---- random checkpoints at any size (ABI 6) ------------------------------------------- */

/* Writes the weights of a random checkpoint for directory/config.json: the tensor names and
 * shapes its backbone stores, in dtype (a vlm2vec_dtype), in shards of at most shard_bytes as
 * Hugging Face's save_pretrained cuts them (model.safetensors, or model-0000k-of-0000n.safetensors
 * and model.safetensors.index.json), deterministic for seed. Opening plans and writes nothing;
 * each vlm2vec_random_checkpoint_write_next writes one tensor (so a caller can show progress and
 * stop between tensors); after the last, the index, and a tokenizer fitting the config where
 * directory has no tokenizer.json. Only one tensor is in memory at a time. */
typedef struct vlm2vec_random_checkpoint vlm2vec_random_checkpoint;

typedef struct vlm2vec_random_checkpoint_info {
    int64_t parameters;     /* elements over all tensors */
    int64_t total_bytes;    /* of tensor data, the index's total_size */
    int64_t written_bytes;
    int64_t tensors;
    int64_t shards;
    int64_t done;           /* 1 once every file is written (64 bits: no trailing padding) */
} vlm2vec_random_checkpoint_info;

VLM2VEC_API int32_t vlm2vec_random_checkpoint_open(const char *directory, int32_t dtype, int64_t shard_bytes,
                                                   int64_t seed, vlm2vec_random_checkpoint **out);
VLM2VEC_API int32_t vlm2vec_random_checkpoint_info_get(const vlm2vec_random_checkpoint *writer,
                                                       vlm2vec_random_checkpoint_info *out);
VLM2VEC_API int32_t vlm2vec_random_checkpoint_write_next(vlm2vec_random_checkpoint *writer);
/* Frees the writer; NULL is ignored. A shard in progress is removed (its temporary file). */
VLM2VEC_API void vlm2vec_random_checkpoint_free(vlm2vec_random_checkpoint *writer);

/* ---- matrix product probe (ABI 6) ------------------------------------------------------- */

/* Runs torch::linear of [m, k] by [k, n] in dtype on the CPU (one warm-up, then repeats for about
 * 0.2 s) and reports its rate and, where oneDNN ran it, the implementation oneDNN chose (from its
 * verbose log, e.g. "brg:avx512_core_amx_bf16"; "" where libtorch did not call oneDNN, as for
 * float32, which goes to BLAS). doctor uses it to say whether bfloat16 runs on AMX here. */
typedef struct vlm2vec_gemm_probe {
    double gflops;
    char onednn_kernel[128];
} vlm2vec_gemm_probe;

VLM2VEC_API int32_t vlm2vec_gemm_probe_run(int32_t dtype, int64_t m, int64_t n, int64_t k, vlm2vec_gemm_probe *out);

/* ---- training (ABI 3) ---------------------------------------------------------------- */

/* A training run on one model: adapters (or full fine-tuning), AdamW, schedule, GradCache.
 * It changes the model it was created on, which must outlive it. */
typedef struct vlm2vec_trainer vlm2vec_trainer;

typedef struct vlm2vec_train_options {
    double learning_rate;
    double weight_decay;
    double max_grad_norm;     /* global-norm clipping; <= 0 turns it off */
    double temperature;       /* InfoNCE tau */
    double lora_alpha;
    double lora_dropout;
    int64_t warmup_steps;     /* linear warm-up, then linear decay to 0 at total_steps */
    int64_t total_steps;
    int64_t lora_rank;
    int64_t seed;
    int32_t use_dora;
    int32_t full;             /* 1: full fine-tuning (fp32 weights) instead of adapters */
    int32_t grad_cache;       /* 1: GradCache over the given chunks; 0: plain step */
    int32_t reserved;
    const char *targets;      /* comma-separated module name suffixes; NULL or "": defaults */
} vlm2vec_train_options;

typedef struct vlm2vec_train_stats {
    int64_t step;             /* steps completed, this one included */
    double loss;
    double grad_norm;         /* before clipping */
    double learning_rate;     /* used by this step */
    double accuracy;          /* in-batch: queries whose positive scored highest */
    double communication_seconds; /* time in collectives this step (0 without a process group) */
} vlm2vec_train_stats;

/* Creates a trainer: attaches fresh adapters to the model's target layers (an unknown target
 * fails, naming it) or unfreezes all weights. On failure *out is NULL and the model unchanged. */
VLM2VEC_API int32_t vlm2vec_trainer_create(vlm2vec_model *model, const vlm2vec_train_options *options,
                                           vlm2vec_trainer **out);

/* One optimizer step on a contrastive batch given as chunks (the GradCache sub-batches):
 * query chunks, the same number of rows of positive targets in any chunking, and optional
 * hard-negative chunks (num_negatives may be 0 with negatives NULL). */
VLM2VEC_API int32_t vlm2vec_trainer_step(vlm2vec_trainer *trainer, const vlm2vec_batch *queries,
                                         int64_t num_queries, const vlm2vec_batch *targets,
                                         int64_t num_targets, const vlm2vec_batch *negatives,
                                         int64_t num_negatives, vlm2vec_train_stats *out);

/* Writes a checkpoint directory (PEFT adapter + trainer state), complete or not at all. */
VLM2VEC_API int32_t vlm2vec_trainer_save(const vlm2vec_trainer *trainer, const char *directory,
                                         const char *base_model);

/* Restores adapter, optimizer moments, step and RNG from a checkpoint directory. */
VLM2VEC_API int32_t vlm2vec_trainer_resume(vlm2vec_trainer *trainer, const char *directory);

/* Frees the trainer (the adapters stay on the model); NULL is ignored. */
VLM2VEC_API void vlm2vec_trainer_free(vlm2vec_trainer *trainer);

/* Applies a PEFT LoRA/DoRA adapter directory to a loaded model, merged into its weights when
 * merge != 0. A key naming no layer, a missing tensor or a shape mismatch fails, naming it,
 * and leaves the model unchanged. */
VLM2VEC_API int32_t vlm2vec_model_load_adapter(vlm2vec_model *model, const char *adapter_dir, int32_t merge);

/* Writes the model, with its current weights (e.g. after merging an adapter), as a model
 * directory in the Hugging Face layout: one model.safetensors holding every tensor of the
 * directory it was loaded from (the model's own in the dtype it was loaded in, the rest as
 * stored) and copies of its other files. Built
 * beside out_dir and renamed into place. Adapters that are attached but not merged are not
 * part of the weights: merge them first. */
VLM2VEC_API int32_t vlm2vec_model_save(const vlm2vec_model *model, const char *out_dir);

/* ---- data parallelism (ABI 5) ---------------------------------------------------------- */

/* One process of a data-parallel job: rendezvous through c10d's TCPStore, which rank 0 serves at
 * master_addr:master_port, collectives through c10d's ProcessGroupGloo (CPU) or
 * ProcessGroupNCCL (CUDA builds with NCCL). Every collective waits at most timeout_ms; a failed
 * one reports the ranks that stopped answering. */
typedef struct vlm2vec_dist vlm2vec_dist;

typedef struct vlm2vec_dist_options {
    const char *master_addr;  /* host of rank 0, e.g. "127.0.0.1" */
    const char *backend;      /* "gloo" or "nccl" */
    const char *device;       /* where the group's own small tensors live: "cpu", or "cuda:N" for nccl */
    const char *name;         /* key prefix in the store: groups of one job with different names do not meet */
    int32_t rank;
    int32_t world_size;
    int32_t master_port;
    int32_t reserved;
    int64_t timeout_ms;       /* > 0: joining and every collective */
} vlm2vec_dist_options;

/* Joins the group: returns once all world_size ranks have joined, or fails after timeout_ms
 * saying how many did. On failure *out is NULL. */
VLM2VEC_API int32_t vlm2vec_dist_create(const vlm2vec_dist_options *options, vlm2vec_dist **out);

/* All ranks meet here; what names the place in a failure's message (NULL: "barrier"). */
VLM2VEC_API int32_t vlm2vec_dist_barrier(vlm2vec_dist *dist, const char *what);

/* *out = the largest of the ranks' values (a stop request: 1 on any rank stops all). */
VLM2VEC_API int32_t vlm2vec_dist_max(vlm2vec_dist *dist, int64_t value, int64_t *out);

/* counts[r] = the rows rank r passes; counts holds world_size elements. */
VLM2VEC_API int32_t vlm2vec_dist_all_gather_counts(vlm2vec_dist *dist, int64_t rows, int64_t *counts,
                                                   int64_t counts_length);

/* Every rank's [rows_r, dim] float32 rows, concatenated in rank order, into out (out_numel =
 * (sum of rows_r) * dim elements; learn the counts first with vlm2vec_dist_all_gather_counts). */
VLM2VEC_API int32_t vlm2vec_dist_all_gather_f32(vlm2vec_dist *dist, const float *rows, int64_t num_rows,
                                                int64_t dim, float *out, int64_t out_numel);

/* Frees this rank's end of the group; NULL is ignored. A trainer it was attached to keeps the
 * group alive until the trainer is freed. */
VLM2VEC_API void vlm2vec_dist_free(vlm2vec_dist *dist);

/* Makes every following step of trainer a data-parallel step of the group (representations
 * all-gathered, gradients all-reduced); replaces the trainable parameters with rank 0's and
 * fails, naming the parameter, where a rank's model differs from rank 0's. Call on every rank,
 * after vlm2vec_trainer_resume if resuming. */
VLM2VEC_API int32_t vlm2vec_trainer_attach_dist(vlm2vec_trainer *trainer, vlm2vec_dist *dist);

#ifdef __cplusplus
}
#endif

#endif /* VLM2VEC_H */
