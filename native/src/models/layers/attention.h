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
torch::Tensor causal_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                               const torch::Tensor& key_padding, AttentionKernel kernel = default_attention_kernel());

// [batch, kv_heads, seq, d] -> [batch, kv_heads * groups, seq, d], each KV head repeated.
torch::Tensor repeat_kv(const torch::Tensor& x, int64_t groups);

}  // namespace vlm2vec::models
