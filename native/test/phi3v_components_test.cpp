// Each Phi-3.5-V component against an independent computation written here in float64 or
// with plain tensor ops; batch invariance; bf16 against fp32.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "common/error.h"
#include "io/checkpoint.h"
#include "models/layers/attention.h"
#include "models/layers/clip_vision.h"
#include "models/layers/linear.h"
#include "models/model_loader.h"
#include "models/phi3v/phi3v_image_embedding.h"
#include "models/phi3v/phi3v_model.h"
#include "models/layers/rotary_embedding.h"
#include "support/fixtures.h"
#include "support/npz.h"
#include "support/tiny_model.h"

using vlm2vec::models::EncodeBatch;
using vlm2vec::testing::TemporaryDirectory;

namespace {

double max_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
}

// The CLIP tower init-tiny writes by default.
vlm2vec::models::ClipVisionConfig tiny_clip() {
  vlm2vec::models::ClipVisionConfig clip;
  clip.image_size = 56, clip.hidden_size = 32, clip.intermediate_size = 64, clip.num_heads = 4, clip.num_layers = 2;
  return clip;
}

}  // namespace

TEST(RmsNorm, MatchesFloat64AndCastsBeforeTheWeight) {
  torch::manual_seed(1);
  const auto x = torch::randn({2, 3, 16}) * 3;
  const auto weight = 1 + 0.1 * torch::randn({16});
  const auto x64 = x.to(torch::kFloat64);
  const auto expected = x64 / torch::sqrt(x64.pow(2).mean(-1, true) + 1e-5) * weight.to(torch::kFloat64);
  EXPECT_LT(max_diff(vlm2vec::models::rms_norm(x, weight, 1e-5), expected), 1e-5);
  // bf16: normalise in fp32, round to bf16, then scale by the (bf16) weight.
  const auto xb = x.to(torch::kBFloat16), wb = weight.to(torch::kBFloat16);
  const auto xb32 = xb.to(torch::kFloat32);
  const auto normalized = (xb32 * torch::rsqrt(xb32.pow(2).mean(-1, true) + 1e-5)).to(torch::kBFloat16);
  EXPECT_TRUE(torch::equal(vlm2vec::models::rms_norm(xb, wb, 1e-5), wb * normalized));
}

TEST(LongRope, FrequenciesFactorsAndTheRegimeSwitch) {
  vlm2vec::models::LongRopeScaling scaling;
  scaling.short_factor = {1.0, 1.5, 2.0, 2.5};
  scaling.long_factor = {3.0, 4.0, 5.0, 6.0};
  scaling.original_max_position_embeddings = 64;
  scaling.max_position_embeddings = 4096;
  const vlm2vec::models::RotaryEmbedding rope(8, 10000.0, scaling);
  EXPECT_NEAR(rope.attention_factor(), std::sqrt(2.0), 1e-12);
  const auto inv_short = rope.inverse_frequencies(false, torch::kCPU);
  const auto inv_long = rope.inverse_frequencies(true, torch::kCPU);
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(inv_short[i].item<double>(), 1.0 / (scaling.short_factor[i] * std::pow(10000.0, 2.0 * i / 8)), 1e-7);
    EXPECT_NEAR(inv_long[i].item<double>(), 1.0 / (scaling.long_factor[i] * std::pow(10000.0, 2.0 * i / 8)), 1e-7);
  }
  // Row 0 has 64 real tokens (short regime), row 1 has 65 (long): rows choose by their own length.
  const auto [cos, sin] = rope.tables(torch::tensor({64, 65}, torch::kLong), 70, torch::kFloat32, torch::kCPU);
  for (int row = 0; row < 2; ++row) {
    const auto& factors = row == 0 ? scaling.short_factor : scaling.long_factor;
    for (int p : {0, 1, 33, 69}) {
      for (int d = 0; d < 8; ++d) {
        const double angle = p / (factors[d % 4] * std::pow(10000.0, 2.0 * (d % 4) / 8));
        EXPECT_NEAR(cos[row][p][d].item<double>(), std::cos(angle) * std::sqrt(2.0), 2e-5);
        EXPECT_NEAR(sin[row][p][d].item<double>(), std::sin(angle) * std::sqrt(2.0), 2e-5);
      }
    }
  }
}

TEST(LongRope, RotationIsRotateHalf) {
  torch::manual_seed(2);
  const auto x = torch::randn({1, 2, 3, 8});  // batch, heads, seq, head_dim
  const auto angles = torch::rand({1, 3, 4}) * 6;
  const auto cos = torch::cat({angles.cos(), angles.cos()}, -1), sin = torch::cat({angles.sin(), angles.sin()}, -1);
  const auto rotated = vlm2vec::models::apply_rotary(x, cos, sin);
  for (int h = 0; h < 2; ++h) {
    for (int s = 0; s < 3; ++s) {
      for (int i = 0; i < 4; ++i) {
        const double a = angles[0][s][i].item<double>();
        const double x1 = x[0][h][s][i].item<double>(), x2 = x[0][h][s][i + 4].item<double>();
        EXPECT_NEAR(rotated[0][h][s][i].item<double>(), x1 * std::cos(a) - x2 * std::sin(a), 1e-5);
        EXPECT_NEAR(rotated[0][h][s][i + 4].item<double>(), x2 * std::cos(a) + x1 * std::sin(a), 1e-5);
      }
    }
  }
}

TEST(Attention, CausalWithRightPaddingMatchesAPerExampleLoop) {
  torch::manual_seed(3);
  const int64_t batch = 2, heads = 4, kv_heads = 2, seq = 6, d = 8;
  const auto q = torch::randn({batch, heads, seq, d}), k = torch::randn({batch, kv_heads, seq, d});
  const auto v = torch::randn({batch, kv_heads, seq, d});
  const auto mask = torch::tensor({1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, torch::kLong).view({batch, seq});
  // One block (the default at this size), and query rows in blocks of 1 and 4 (each seeing the keys up to its last row).
  for (const int64_t block_rows : {0, 1, 4}) {
  SCOPED_TRACE("block_rows " + std::to_string(block_rows));
  const auto out = vlm2vec::models::causal_attention(q, k, v, mask, vlm2vec::models::AttentionKernel::kExplicit, block_rows);
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t length = mask[b].sum().item<int64_t>();
    for (int64_t h = 0; h < heads; ++h) {
      const int64_t g = h / (heads / kv_heads);  // the KV head serving this query head
      for (int64_t i = 0; i < length; ++i) {
        std::vector<double> scores;
        double top = -1e300;
        for (int64_t j = 0; j <= i; ++j) {
          double s = 0;
          for (int64_t c = 0; c < d; ++c) s += q[b][h][i][c].item<double>() * k[b][g][j][c].item<double>();
          scores.push_back(s / std::sqrt(static_cast<double>(d)));
          top = std::max(top, scores.back());
        }
        double total = 0;
        for (auto& s : scores) total += (s = std::exp(s - top));
        for (int64_t c = 0; c < d; ++c) {
          double value = 0;
          for (int64_t j = 0; j <= i; ++j) value += scores[j] / total * v[b][g][j][c].item<double>();
          EXPECT_NEAR(out[b][i][h * d + c].item<double>(), value, 1e-5);
        }
      }
    }
  }
  // The fused kernel (libtorch 2.x) must agree with the explicit one.
  const auto fused = vlm2vec::models::causal_attention(q, k, v, mask, vlm2vec::models::AttentionKernel::kFused);
  EXPECT_LT(max_diff(fused, out), 1e-5);
  }
}

TEST(Attention, FullAttentionInRowBlocksMatchesFloat64) {
  torch::manual_seed(4);
  const int64_t heads = 3, seq = 10, d = 8;
  const auto q = torch::randn({heads, seq, d}), k = torch::randn({heads, seq, d}), v = torch::randn({heads, seq, d});
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));
  const auto q64 = q.to(torch::kFloat64), k64 = k.to(torch::kFloat64), v64 = v.to(torch::kFloat64);
  const auto reference = torch::matmul(torch::softmax(torch::matmul(q64, k64.transpose(1, 2)) * scale, -1), v64);
  for (const int64_t block_rows : {0, 1, 3, 10}) {
    EXPECT_LT(max_diff(vlm2vec::models::full_attention(q, k, v, scale, block_rows).to(torch::kFloat64), reference), 1e-5)
        << "block_rows " << block_rows;
  }
  EXPECT_GE(vlm2vec::models::score_block_rows(32, 2949), 64);
  EXPECT_LE(vlm2vec::models::score_block_rows(32, 2949) * 32 * 2949 * 4, 64LL << 20) << "about 64 MB of scores";
}

TEST(ClipEncoderLayer, MatchesAnExplicitFloat64Layer) {
  TemporaryDirectory dir;
  const auto model = vlm2vec::testing::write_tiny_phi3v(dir.path(), 11);
  vlm2vec::io::Checkpoint checkpoint(model.string(), torch::kFloat32, torch::kCPU);
  const auto config = tiny_clip();
  const std::string prefix = "model.vision_embed_tokens.img_processor.vision_model.encoder.layers.0";
  vlm2vec::models::ClipEncoderLayer layer(checkpoint, prefix, config);
  const auto w = [&](const std::string& name) { return checkpoint.raw(prefix + name).to(torch::kFloat64); };
  const auto linear = [&](const torch::Tensor& x, const std::string& name) {
    return torch::matmul(x, w(name + ".weight").t()) + w(name + ".bias");
  };
  const auto layer_norm = [&](const torch::Tensor& x, const std::string& name) {
    const auto mean = x.mean(-1, true);
    const auto var = (x - mean).pow(2).mean(-1, true);
    return (x - mean) / torch::sqrt(var + 1e-5) * w(name + ".weight") + w(name + ".bias");
  };
  torch::manual_seed(4);
  const auto x = torch::randn({2, 17, 32});
  const auto x64 = x.to(torch::kFloat64);
  const auto h = layer_norm(x64, ".layer_norm1");
  const auto split = [](const torch::Tensor& t) { return t.view({2, 17, 4, 8}).transpose(1, 2); };
  const auto scores = torch::matmul(split(linear(h, ".self_attn.q_proj")), split(linear(h, ".self_attn.k_proj")).transpose(2, 3)) / std::sqrt(8.0);
  const auto context = torch::matmul(torch::softmax(scores, -1), split(linear(h, ".self_attn.v_proj"))).transpose(1, 2).reshape({2, 17, 32});
  const auto after_attention = x64 + linear(context, ".self_attn.out_proj");
  const auto fc1 = linear(layer_norm(after_attention, ".layer_norm2"), ".mlp.fc1");
  const auto expected = after_attention + linear(fc1 * torch::sigmoid(1.702 * fc1), ".mlp.fc2");
  EXPECT_LT(max_diff(layer.forward(x), expected), 1e-4);
}

TEST(Phi3VImageEmbedding, MergesTwoByTwoBlocksInReadingOrder) {
  // Feature value = 1000*crop + 100*row + 10*col + channel on a 4x4 patch grid, 2 channels.
  const int64_t side = 4, channels = 2;
  auto features = torch::empty({2, side * side, channels});
  for (int64_t crop = 0; crop < 2; ++crop)
    for (int64_t r = 0; r < side; ++r)
      for (int64_t c = 0; c < side; ++c)
        for (int64_t ch = 0; ch < channels; ++ch) features[crop][r * side + c][ch] = 1000 * crop + 100 * r + 10 * c + ch;
  // Two crops side by side (1 x 2): a 2 x 4 merged map of 8-wide tokens.
  const auto map = vlm2vec::models::Phi3VImageEmbedding::merge_2x2(features, 1, 2);
  ASSERT_EQ(map.sizes(), (c10::IntArrayRef{2, 4, 8}));
  // Token (1, 3): crop 1, merged column 1 of row 1 = patches rows 2..3, cols 2..3, in the
  // order (r0,c0), (r0,c1), (r1,c0), (r1,c1).
  const std::vector<float> expected{1220, 1221, 1230, 1231, 1320, 1321, 1330, 1331};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(map[1][3][i].item<float>(), expected[i]) << i;
}

TEST(Phi3VImageEmbedding, TokenCountAtRealSizes) {
  using vlm2vec::models::Phi3VImageEmbedding;
  EXPECT_EQ(Phi3VImageEmbedding::token_count(2, 2, 12), 757);
  EXPECT_EQ(Phi3VImageEmbedding::token_count(4, 4, 12), 2509);
  EXPECT_EQ(Phi3VImageEmbedding::token_count(2, 1, 12), 469);
  EXPECT_EQ(Phi3VImageEmbedding::token_count(4, 1, 12), 781);
}

TEST(Phi3VImageEmbedding, SeparatorLayout) {
  TemporaryDirectory dir;
  const auto model = vlm2vec::testing::write_tiny_phi3v(dir.path(), 12);
  vlm2vec::io::Checkpoint checkpoint(model.string(), torch::kFloat32, torch::kCPU);
  const vlm2vec::models::Phi3VImageEmbedding embedding(checkpoint, "model.vision_embed_tokens", tiny_clip(), 64);
  const auto sub_gn = checkpoint.raw("model.vision_embed_tokens.sub_GN").to(torch::kFloat32).view({-1});
  const auto glb_gn = checkpoint.raw("model.vision_embed_tokens.glb_GN").to(torch::kFloat32).view({-1});
  // Global view + 2x1 sub-crops, 4x4 patches each (merged grid g = 2), all features distinct.
  const auto features = torch::arange(3 * 16 * 32, torch::kFloat32).view({3, 16, 32});
  const auto tokens = embedding.hd_tokens(features, 2, 1);
  ASSERT_EQ(tokens.size(0), vlm2vec::models::Phi3VImageEmbedding::token_count(2, 1, 2));
  // Sub-crop map: 4 rows of (2 tokens + sub_GN), then glb_GN, then 2 rows of (2 + sub_GN).
  const std::vector<int64_t> separators{2, 5, 8, 11, 15, 18};
  for (int64_t row : separators) EXPECT_TRUE(torch::equal(tokens[row], sub_gn)) << row;
  EXPECT_TRUE(torch::equal(tokens[12], glb_gn));
  const auto merged = vlm2vec::models::Phi3VImageEmbedding::merge_2x2(features.narrow(0, 1, 2), 2, 1);
  EXPECT_TRUE(torch::equal(tokens[3], merged[1][0]));   // second map row starts after one separator
  EXPECT_TRUE(torch::equal(tokens[10], merged[3][1]));
  EXPECT_TRUE(torch::equal(tokens[13], vlm2vec::models::Phi3VImageEmbedding::merge_2x2(features.narrow(0, 0, 1), 1, 1)[0][0]));
}

TEST(Phi3VModel, ImagePathMatchesTheReferenceInputEmbeddings) {
  const auto root = vlm2vec::testing::fixtures_dir();
  const auto loaded = vlm2vec::models::load_model((root / "phi3v-tiny").string(), torch::kFloat32, torch::kCPU);
  const auto& phi3v = dynamic_cast<const vlm2vec::models::Phi3VModel&>(*loaded);
  const auto batch = vlm2vec::testing::case_batch(vlm2vec::testing::read_case("p06_image_portrait"));
  const auto reference = vlm2vec::testing::read_npz((root / "debug" / "p06_image_portrait.hidden.npz").string()).at("hidden_0");
  EXPECT_LT(max_diff(phi3v.input_embeddings(batch), reference), 1e-4);
}

namespace {

EncodeBatch tiny_image_batch(int64_t text_tokens, int64_t extra_padding) {
  // One 56x112 image (1x2 crops) with num_crops 4: (2 + 1)*4 + 1 + 2*2 = 17 image tokens.
  const int64_t image_tokens = vlm2vec::models::Phi3VImageEmbedding::token_count(1, 2, 2);
  const int64_t length = 1 + image_tokens + text_tokens;
  EncodeBatch batch;
  auto ids = torch::full({1, length + extra_padding}, 500, torch::kLong);
  ids[0][0] = 1;
  ids.narrow(1, 1, image_tokens).fill_(-1);
  ids.narrow(1, 1 + image_tokens, text_tokens).copy_(torch::arange(7, 7 + text_tokens, torch::kLong));
  batch.input_ids = ids;
  batch.attention_mask = torch::zeros({1, length + extra_padding}, torch::kLong);
  batch.attention_mask.narrow(1, 0, length).fill_(1);
  torch::manual_seed(5);
  batch.pixel_values = torch::zeros({1, 5, 3, 56, 56});
  batch.pixel_values.narrow(1, 0, 3).copy_(torch::randn({3, 3, 56, 56}));
  batch.image_sizes = torch::tensor({56, 112}, torch::kLong).view({1, 2});
  return batch;
}

EncodeBatch concat_rows(const std::vector<EncodeBatch>& rows) {
  int64_t width = 0;
  for (const auto& row : rows) width = std::max(width, row.input_ids.size(1));
  std::vector<torch::Tensor> ids, mask, pixels, sizes;
  for (const auto& row : rows) {
    const int64_t pad = width - row.input_ids.size(1);
    ids.push_back(torch::cat({row.input_ids, torch::full({1, pad}, 500, torch::kLong)}, 1));
    mask.push_back(torch::cat({row.attention_mask, torch::zeros({1, pad}, torch::kLong)}, 1));
    if (row.pixel_values.defined()) {
      pixels.push_back(row.pixel_values);
      sizes.push_back(row.image_sizes);
    }
  }
  EncodeBatch batch;
  batch.input_ids = torch::cat(ids);
  batch.attention_mask = torch::cat(mask);
  if (!pixels.empty()) {
    batch.pixel_values = torch::cat(pixels);
    batch.image_sizes = torch::cat(sizes);
  }
  return batch;
}

}  // namespace

TEST(Phi3VModel, AnInputEncodesTheSameAloneAndInAPaddedBatch) {
  TemporaryDirectory dir;
  const auto model = vlm2vec::models::load_model(vlm2vec::testing::write_tiny_phi3v(dir.path(), 13).string(),
                                                 torch::kFloat32, torch::kCPU);
  const auto alone = tiny_image_batch(5, 0);
  EncodeBatch text;
  text.input_ids = torch::arange(1, 91, torch::kLong).view({1, 90});  // 90 tokens: the long regime
  text.attention_mask = torch::ones({1, 90}, torch::kLong);
  const auto batched = concat_rows({text, alone, tiny_image_batch(30, 0)});
  const auto single = model->encode(alone, true);
  const auto in_batch = model->encode(batched, true);
  EXPECT_LT(max_diff(single[0], in_batch[1]), 1e-5);
  EXPECT_LT(max_diff(model->encode(text, true)[0], in_batch[0]), 1e-5);
  // Deterministic, finite and unit-norm.
  EXPECT_TRUE(torch::equal(model->encode(batched, true), in_batch));
  EXPECT_TRUE(torch::isfinite(in_batch).all().item<bool>());
  EXPECT_LT(max_diff(in_batch.norm(2, 1), torch::ones({3})), 1e-5);
}

TEST(Phi3VModel, Bf16AgreesWithFp32) {
  TemporaryDirectory dir;
  const auto path = vlm2vec::testing::write_tiny_phi3v(dir.path(), 14).string();
  const auto fp32 = vlm2vec::models::load_model(path, torch::kFloat32, torch::kCPU);
  const auto bf16 = vlm2vec::models::load_model(path, torch::kBFloat16, torch::kCPU);
  const auto batch = tiny_image_batch(12, 3);
  const auto a = fp32->encode(batch, true), b = bf16->encode(batch, true);
  const double cosine = (a * b).sum().item<double>();
  EXPECT_GE(cosine, 0.999) << "bf16 vs fp32 cosine";
  RecordProperty("bf16_fp32_cosine", std::to_string(cosine));
}

TEST(Phi3VModel, WrongPlaceholderCountIsAnError) {
  TemporaryDirectory dir;
  const auto model = vlm2vec::models::load_model(vlm2vec::testing::write_tiny_phi3v(dir.path(), 15).string(),
                                                 torch::kFloat32, torch::kCPU);
  auto batch = tiny_image_batch(4, 0);
  batch.input_ids[0][2] = 9;  // one placeholder fewer than the image's 17 tokens
  try {
    model->encode(batch, true);
    FAIL() << "no error";
  } catch (const vlm2vec::Error& e) {
    EXPECT_NE(std::string(e.what()).find("hold 16 image placeholder tokens but their 1 image(s) give 17 features"),
              std::string::npos) << e.what();
  }
}
