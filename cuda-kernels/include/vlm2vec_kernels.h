/*
 * vlm2vec CUDA kernels: a plain C interface over raw device pointers, sizes and a CUDA
 * stream, with no libtorch types, so the kernels build and test on their own. The native
 * layer dispatches here when its tensors live on a CUDA device and libtorch has CUDA;
 * otherwise it runs the CPU twin of each kernel (native/src/ops/).
 *
 * Launchers validate their arguments on the host and return a vlm2vec_status code
 * (native/include/vlm2vec.h); they never synchronise the stream.
 */
#ifndef VLM2VEC_KERNELS_H
#define VLM2VEC_KERNELS_H

#include <stdint.h>

#include "vlm2vec.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Why the last launcher call on this thread failed (a CUDA or cuBLAS error's name and the
 * call that raised it), or "" after a success. Thread-local, static storage. */
const char *vlm2vec_kernels_last_error(void);

/* ---- The GEMM under the kernels ----
 * Every matrix product here (InfoNCE strips, LoRA) runs on one process-wide GEMM backend:
 * cuBLAS (cublasGemmEx, opened with dlopen on first use, never linked: the build machines
 * have no cuBLAS, and a process hosting CUDA libtorch has it loaded already) or the kernels'
 * own tiled tensor-core GEMM, which needs the CUDA runtime alone. Both accumulate in fp32. */
typedef enum vlm2vec_gemm_backend {
    VLM2VEC_GEMM_AUTO = 0,   /* cuBLAS when it loads, else tiled: the default */
    VLM2VEC_GEMM_TILED = 1,
    VLM2VEC_GEMM_CUBLAS = 2
} vlm2vec_gemm_backend;

/* Chooses the backend for every later launch in this process (the environment variable
 * VLM2VEC_GEMM=auto|tiled|cublas gives the initial choice). VLM2VEC_ERR_UNSUPPORTED, with the
 * loader's reason in vlm2vec_kernels_last_error, when cuBLAS is asked for and cannot load. */
int32_t vlm2vec_kernels_set_gemm_backend(int32_t backend);

/* The backend launches use now: VLM2VEC_GEMM_TILED or VLM2VEC_GEMM_CUBLAS (AUTO resolved). */
int32_t vlm2vec_kernels_gemm_backend(void);

/* Launch geometry of a kernel: a 1-D grid of 1-D blocks. */
typedef struct vlm2vec_launch_plan {
    int32_t grid;          /* blocks */
    int32_t block;         /* threads per block, a multiple of the warp size (32) */
    int32_t shared_bytes;  /* dynamic shared memory per block */
} vlm2vec_launch_plan;

/* Plans last-token pooling + L2 normalisation: one block per batch row, one warp-sized
 * slice of the row per thread group. Host only; no GPU needed. */
int32_t vlm2vec_pool_normalize_plan(int64_t batch, int64_t seq_len, int64_t hidden_size,
                                    vlm2vec_launch_plan *out);

/* CUDA twin of vlm2vec_last_token_pool_normalize (same formula, fp32). Device pointers:
 * hidden [batch, seq_len, hidden_size], lengths [batch] (each already checked to lie in
 * [1, seq_len] by the caller), out [batch, hidden_size]. stream is a cudaStream_t (NULL for
 * the default stream). */
int32_t vlm2vec_cuda_last_token_pool_normalize_f32(const float *hidden, int64_t batch,
                                                   int64_t seq_len, int64_t hidden_size,
                                                   const int64_t *lengths, float *out,
                                                   void *stream);

/* ---- Last-token pooling + L2 normalisation: the replay backward ----
 * GradCache replays each chunk with gradients on, then feeds the cached gradient g of the
 * normalised reps y = h / max(||h||, 1e-12) (h = hidden[b, lengths[b] - 1]) back into the
 * hidden states. This writes d loss / d hidden at the pooled positions only:
 *   grad_hidden[b, lengths[b] - 1] += (g - y (y . g)) / ||h||     when ||h|| > 1e-12
 *   grad_hidden[b, lengths[b] - 1] += g / 1e-12                   otherwise
 * (added, so that a caller may accumulate; other positions are not touched). Same launch
 * plan as the forward. fp32 throughout. */
int32_t vlm2vec_cuda_last_token_pool_normalize_backward_f32(const float *hidden, int64_t batch,
                                                            int64_t seq_len, int64_t hidden_size,
                                                            const int64_t *lengths,
                                                            const float *grad_reps,
                                                            float *grad_hidden, void *stream);

/* ---- Fused InfoNCE ----
 * Queries q [queries, dim], targets t [targets, dim] with targets >= queries: row i of t is
 * the positive of query i and every other row (the other queries' positives, then the hard
 * negatives) is a negative. Logits s_ij = q_i . t_j / temperature; the loss is the batch
 * mean of lse_i - s_ii. q and t share one dtype (a vlm2vec_dtype); products accumulate in
 * fp32 (tensor cores for bf16 and fp16), logits, LSE and gradients are fp32.
 *
 * The logits are never held whole: queries are processed in strips of plan.strip_rows rows,
 * so the workspace is O(strip_rows * targets), which the plan keeps within the number of
 * elements q and t hold together ((queries + targets) * dim), i.e. O(B * D). */
typedef struct vlm2vec_infonce_plan {
    int64_t strip_rows;            /* queries per strip */
    int64_t strips;                /* ceil(queries / strip_rows) */
    int64_t workspace_bytes;       /* device bytes the caller passes as workspace */
    /* Where the launchers put their buffers in the workspace (byte offsets, 256-aligned): */
    int64_t logits_offset;         /* fp32 [strip_rows, targets]: a strip's dot products */
    int64_t probabilities_offset;  /* operand dtype [strip_rows, targets]: p - onehot; fp32 ones
                                      overwrite the logits, so == logits_offset for fp32 */
    int64_t row_loss_offset;       /* fp32 [queries]: per-row losses until the mean */
    /* Threads per block of the row kernel (one block per strip row): enough warps that each
     * thread holds at most VLM2VEC_INFONCE_LOGITS_PER_THREAD of the row in registers, up to
     * 1024; short rows get small blocks, so more rows are in flight per SM. */
    int64_t row_threads;
} vlm2vec_infonce_plan;

/* Logits of a row each thread of the row kernel keeps in registers (wider rows re-read the rest). */
#define VLM2VEC_INFONCE_LOGITS_PER_THREAD 16

/* Host only. Rejects targets < queries, non-positive sizes and unknown dtypes. */
int32_t vlm2vec_infonce_plan_for(int64_t queries, int64_t targets, int64_t dim, int32_t dtype,
                                 vlm2vec_infonce_plan *out);

/* Forward: writes lse [queries] and loss [1] (device, fp32). */
int32_t vlm2vec_cuda_infonce_forward(int32_t dtype, const void *q, const void *t,
                                     int64_t queries, int64_t targets, int64_t dim,
                                     float temperature, float *lse, float *loss,
                                     void *workspace, int64_t workspace_bytes, void *stream);

/* Backward from the forward's lse: recomputes the logits strip by strip and writes
 * grad_q [queries, dim] (each strip's rows once) and grad_t [targets, dim] (accumulated over
 * strips in order, so the result is deterministic and needs no atomics), both fp32, scaled
 * by grad_loss (a host value: d final / d loss). */
int32_t vlm2vec_cuda_infonce_backward(int32_t dtype, const void *q, const void *t,
                                      int64_t queries, int64_t targets, int64_t dim,
                                      float temperature, const float *lse, float grad_loss,
                                      float *grad_q, float *grad_t,
                                      void *workspace, int64_t workspace_bytes, void *stream);

/* Forward and backward in one pass over the logits (each strip's rows are complete, so their
 * LSE is final before the gradient is formed): what GradCache needs, since it wants the loss
 * and the representation gradients together. Outputs as the two calls above. */
int32_t vlm2vec_cuda_infonce_forward_backward(int32_t dtype, const void *q, const void *t,
                                              int64_t queries, int64_t targets, int64_t dim,
                                              float temperature, float grad_loss, float *lse,
                                              float *loss, float *grad_q, float *grad_t,
                                              void *workspace, int64_t workspace_bytes,
                                              void *stream);

/* ---- Fused LoRA linear ----
 * y = x W^T + scale * (x A^T) B^T for x [rows, in], W [out, in], A [r, in], B [out, r], all
 * one dtype. The base weight and A are stacked in one buffer wa [out + r, in] (W first), so
 * one GEMM reads x once and yields both x W^T and u = x A^T in z [rows, out + r]; a second,
 * rank-r GEMM adds scale * u B^T into the first out columns in place. y is z[:, :out] (row
 * stride out + r), u is z[:, out:]. */
int32_t vlm2vec_cuda_lora_forward(int32_t dtype, const void *x, const void *wa, const void *b,
                                  int64_t rows, int64_t in_features, int64_t out_features,
                                  int64_t rank, float scale, void *z, void *stream);

/* Backward from grad_y [rows, out] (row stride ld_grad_y): grad_x [rows, in] (may be NULL),
 * grad_a [r, in] and grad_b [out, r], without forming the [out, in] weight gradient:
 *   v = grad_y B, grad_x = grad_y W + scale v A, grad_a = scale v^T x, grad_b = scale grad_y^T u
 * u is read from z (the forward's output). workspace holds v: rows * r elements of the dtype. */
int32_t vlm2vec_cuda_lora_backward(int32_t dtype, const void *x, const void *wa, const void *b,
                                   const void *z, const void *grad_y, int64_t ld_grad_y,
                                   int64_t rows, int64_t in_features, int64_t out_features,
                                   int64_t rank, float scale, void *grad_x, void *grad_a,
                                   void *grad_b, void *workspace, void *stream);

#ifdef __cplusplus
}
#endif

#endif /* VLM2VEC_KERNELS_H */
