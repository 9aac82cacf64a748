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

#ifdef __cplusplus
}
#endif

#endif /* VLM2VEC_KERNELS_H */
