// The safetensors reader and writer: round trips, and every kind of damaged file failing
// with a message instead of a crash.
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/error.h"
#include "io/atomic_file.h"
#include "io/safetensors.h"
#include "support/tiny_model.h"

namespace fs = std::filesystem;
using vlm2vec::io::SafetensorsFile;
using vlm2vec::io::write_safetensors;

namespace {

void write_raw(const fs::path& path, const std::string& header, size_t data_bytes) {
  std::ofstream out(path, std::ios::binary);
  const uint64_t length = header.size();
  for (int i = 0; i < 8; ++i) out.put(static_cast<char>(length >> (8 * i)));
  out << header << std::string(data_bytes, '\0');
}

std::string open_error(const fs::path& path) {
  try {
    SafetensorsFile::open(path.string());
  } catch (const vlm2vec::Error& e) {
    EXPECT_EQ(e.status(), VLM2VEC_ERR_IO);
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(Safetensors, RoundTripsEveryDtype) {
  vlm2vec::testing::TemporaryDirectory dir;
  const auto path = dir.path() / "t.safetensors";
  torch::manual_seed(0);
  std::map<std::string, torch::Tensor> tensors{
      {"f32", torch::randn({3, 5})},
      {"f16", torch::randn({7}).to(torch::kFloat16)},
      {"bf16", torch::randn({2, 2, 3}).to(torch::kBFloat16)},
      {"i64", torch::arange(10, torch::kLong).view({2, 5})},
      {"scalar", torch::tensor(3.5f)},
      {"empty", torch::zeros({0, 4})}};
  write_safetensors(path.string(), tensors, {{"format", "pt"}});
  const auto file = SafetensorsFile::open(path.string());
  EXPECT_EQ(file->metadata().at("format"), "pt");
  ASSERT_EQ(file->entries().size(), tensors.size());
  for (const auto& [name, tensor] : tensors) {
    const auto read = file->tensor(name);
    EXPECT_EQ(read.scalar_type(), tensor.scalar_type()) << name;
    EXPECT_TRUE(torch::equal(read, tensor)) << name;
  }
  // The data section is 8-byte aligned, so tensors are views of the mapping.
  std::ifstream in(path, std::ios::binary);
  uint64_t header_length = 0;
  in.read(reinterpret_cast<char*>(&header_length), 8);
  EXPECT_EQ((8 + header_length) % 8, 0u);
}

TEST(Safetensors, TensorsOutliveTheirFileObject) {
  vlm2vec::testing::TemporaryDirectory dir;
  const auto path = dir.path() / "t.safetensors";
  write_safetensors(path.string(), {{"x", torch::arange(6, torch::kFloat32)}});
  torch::Tensor kept;
  { kept = SafetensorsFile::open(path.string())->tensor("x"); }
  EXPECT_EQ(kept.sum().item<float>(), 15.0f);
  kept.mul_(2);  // copy-on-write: the file is untouched
  EXPECT_EQ(SafetensorsFile::open(path.string())->tensor("x").sum().item<float>(), 15.0f);
}

TEST(Safetensors, DamagedFilesFailWithTheirPath) {
  vlm2vec::testing::TemporaryDirectory dir;
  const auto good = dir.path() / "good.safetensors";
  write_safetensors(good.string(), {{"weight", torch::ones({16, 16})}});

  const auto truncated = dir.path() / "truncated.safetensors";
  fs::copy_file(good, truncated);
  fs::resize_file(truncated, fs::file_size(good) - 100);
  EXPECT_NE(open_error(truncated).find("tensor 'weight' ends at byte 1024 of a data section of only 924 bytes"),
            std::string::npos)
      << open_error(truncated);

  const auto tiny = dir.path() / "tiny.safetensors";
  std::ofstream(tiny) << "abc";
  EXPECT_NE(open_error(tiny).find("shorter than the 8-byte header length"), std::string::npos);

  const auto huge_header = dir.path() / "huge.safetensors";
  write_raw(huge_header, std::string(20, ' '), 0);
  {
    std::fstream patch(huge_header, std::ios::in | std::ios::out | std::ios::binary);
    const uint64_t lie = 1ull << 40;
    patch.write(reinterpret_cast<const char*>(&lie), 8);
  }
  EXPECT_NE(open_error(huge_header).find("does not fit in the file"), std::string::npos);

  const auto bad_json = dir.path() / "json.safetensors";
  write_raw(bad_json, "{\"weight\": {\"dtype\": ", 0);
  EXPECT_NE(open_error(bad_json).find("header is not valid JSON"), std::string::npos);

  const auto bad_dtype = dir.path() / "dtype.safetensors";
  write_raw(bad_dtype, R"({"w": {"dtype": "F8_E4M3", "shape": [2], "data_offsets": [0, 2]}})", 2);
  EXPECT_NE(open_error(bad_dtype).find("unsupported safetensors dtype 'F8_E4M3'"), std::string::npos);

  const auto bad_range = dir.path() / "range.safetensors";
  write_raw(bad_range, R"({"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 12]}})", 16);
  EXPECT_NE(open_error(bad_range).find("does not hold the 16 bytes its shape and dtype need"), std::string::npos);

  const auto overlap = dir.path() / "overlap.safetensors";
  write_raw(overlap, R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                        "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})", 12);
  EXPECT_NE(open_error(overlap).find("two tensors overlap"), std::string::npos);

  EXPECT_NE(open_error(dir.path() / "absent.safetensors").find("cannot open"), std::string::npos);
}

// The format's rules exactly: the byte count of a shape may not overflow (shape [2^62] F32 with
// offsets [0, 0] passed, left to libtorch), the tensors tile the data section from 0 without gaps
// or trailing bytes, and shapes and offsets are whole numbers.
TEST(Safetensors, TheValidatorFollowsTheFormatExactly) {
  vlm2vec::testing::TemporaryDirectory dir;
  const auto write_and_open = [&](const std::string& name, const std::string& header, size_t data_bytes) {
    const auto path = dir.path() / name;
    write_raw(path, header, data_bytes);
    return open_error(path);
  };
  EXPECT_NE(write_and_open("overflow.safetensors", R"({"w": {"dtype": "F32", "shape": [4611686018427387904],
      "data_offsets": [0, 0]}})", 0).find("has an overflowing shape"), std::string::npos);
  EXPECT_NE(write_and_open("gap.safetensors", R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
      "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}})", 12).find("gap at bytes [4, 8)"), std::string::npos);
  EXPECT_NE(write_and_open("first.safetensors", R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})", 8)
                .find("gap at bytes [0, 4)"), std::string::npos);
  EXPECT_NE(write_and_open("trailing.safetensors", R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})", 9)
                .find("5 trailing bytes after the last tensor"), std::string::npos);
  EXPECT_NE(write_and_open("float.safetensors", R"({"a": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}})", 4)
                .find("shape must hold whole numbers"), std::string::npos);
  EXPECT_NE(write_and_open("floatoffset.safetensors", R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4.0]}})",
                           4).find("data_offsets must hold whole numbers"), std::string::npos);
  EXPECT_NE(write_and_open("negative.safetensors", R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]}})",
                           4).find("data_offsets must not be negative"), std::string::npos);
  EXPECT_EQ(write_and_open("exact.safetensors", R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
      "b": {"dtype": "F16", "shape": [0], "data_offsets": [4, 4]}})", 4), "no error");
}

// Found by the fuzz target under UBSan: an empty tensor whose data would be misaligned took the
// copy path, a memcpy into the null storage of an empty tensor (undefined even for 0 bytes).
TEST(Safetensors, EmptyAndMisalignedTensorsRead) {
  vlm2vec::testing::TemporaryDirectory dir;
  // A 29-byte header puts the data section at byte 37: misaligned for F32.
  const std::string header = R"({"e":{"dtype":"F32","shape":[0,4],"data_offsets":[0,0]},"r":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
  const auto path = dir.path() / "misaligned.safetensors";
  write_raw(path, header, 4);
  ASSERT_NE((8 + header.size()) % 4, 0u);
  auto file = SafetensorsFile::open(path.string());
  EXPECT_EQ(file->tensor("e").numel(), 0);
  EXPECT_EQ(file->tensor("e").sizes(), (std::vector<int64_t>{0, 4}));
  EXPECT_EQ(file->tensor("r").item<float>(), 0.0f);
}

// A checkpoint larger than the machine's memory (a 7B fp32 shard set is 30 GB; this machine has
// 24 GB and no swap) must open: the mapping reserves no memory up front (MAP_NORESERVE), and only
// pages read are resident. Writing through a view (a merge adds LoRA deltas in place) changes
// this process's copy of the page, never the file (MAP_PRIVATE).
TEST(Safetensors, AFileLargerThanMemoryOpensAndWritesNeverReachIt) {
  vlm2vec::testing::TemporaryDirectory dir;
  const uint64_t memory = static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  const uint64_t bytes = (memory + (8ull << 30)) & ~uint64_t{4095};
  const std::string header = R"({"big": {"dtype": "U8", "shape": [)" + std::to_string(bytes) + R"(], "data_offsets": [0, )" +
                             std::to_string(bytes) + "]}}";
  const auto path = dir.path() / "larger_than_memory.safetensors";
  write_raw(path, header, 0);
  fs::resize_file(path, 8 + header.size() + bytes);  // sparse: no disk blocks for the zeros
  {
    auto file = SafetensorsFile::open(path.string());
    auto big = file->tensor("big");
    ASSERT_EQ(static_cast<uint64_t>(big.numel()), bytes);
    auto* data = static_cast<uint8_t*>(big.data_ptr());
    EXPECT_EQ(data[0], 0);
    EXPECT_EQ(data[bytes - 1], 0);
    data[0] = 7;
    EXPECT_EQ(data[0], 7);
  }
  auto again = SafetensorsFile::open(path.string());
  EXPECT_EQ(static_cast<uint8_t*>(again->tensor("big").data_ptr())[0], 0);
}

TEST(AtomicFile, AnUncommittedWriteLeavesNothing) {
  vlm2vec::testing::TemporaryDirectory dir;
  const auto path = dir.path() / "config.json";
  {
    vlm2vec::io::AtomicFile file(path.string());
    file.write("{", 1);
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(fs::is_empty(dir.path()));
  vlm2vec::io::write_text_file(path.string(), "{}");
  std::ifstream in(path);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "{}");
}

TEST(Safetensors, FailedWriteLeavesNoFileBehind) {
  vlm2vec::testing::TemporaryDirectory dir;
  const auto path = dir.path() / "out.safetensors";
  write_safetensors(path.string(), {{"kept", torch::ones({2})}});
  EXPECT_THROW(write_safetensors(path.string(), {{"a", torch::ones({2})}, {"z", torch::ones({2}, torch::kComplexFloat)}}),
               vlm2vec::Error);
  // The earlier file is intact and no temporary file is left.
  EXPECT_TRUE(SafetensorsFile::open(path.string())->contains("kept"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator{}), 1);
}
