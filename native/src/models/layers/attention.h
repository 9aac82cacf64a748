// Causal self-attention over projected heads, shared by the Phi-3 and Llama-family
// decoders: softmax(Q K^T / sqrt(d) + mask) in fp32, cast to V's dtype, times V, with
// grouped-query attention (each KV head serves heads/kv_heads query heads).
#pragma once

#include <torch/torch.h>

namespace vlm2vec::models {

enum class AttentionKernel { kExplicit, kFused };

// The kernel used by default: libtorch 2.x's fused scaled_dot_product_attention when it
// exists, the explicit formulation otherwise.
AttentionKernel default_attention_kernel();

// q: [batch, heads, seq, head_dim]; k, v: [batch, kv_heads, seq, head_dim];
// key_padding: [batch, seq] bool, true at real tokens. Returns [batch, seq, heads*head_dim].
// The explicit kernel runs the query rows in blocks of block_rows (0: score_block_rows), each block
// against the keys up to its last row only: exact, since softmax is per row and causality masks the rest.
torch::Tensor causal_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                               const torch::Tensor& key_padding, AttentionKernel kernel = default_attention_kernel(),
                               int64_t block_rows = 0);

// softmax(q k^T * scale) v with every key visible to every query (one image's block of Qwen2-VL's
// block-diagonal vision attention); q, k, v [heads, seq, head_dim]; softmax in fp32, cast to v's
// dtype. Query rows in blocks as above.
torch::Tensor full_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, double scale,
                             int64_t block_rows = 0);

// Query rows per block so that one block's fp32 scores (count x rows x keys) stay near 64 MB
// (a 2949-token LLaVA-NeXT query would otherwise hold 32 x 2949^2 x 4 B = 1.1 GB per layer); >= 64.
int64_t score_block_rows(int64_t count, int64_t keys);

// [batch, kv_heads, seq, d] -> [batch, kv_heads * groups, seq, d], each KV head repeated.
torch::Tensor repeat_kv(const torch::Tensor& x, int64_t groups);

}  // namespace vlm2vec::models
