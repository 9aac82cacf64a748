// C ABI: embedding models behind an opaque handle.
#include <torch/torch.h>

#include <cstring>
#include <memory>
#include <string>

#include "abi/buffer_checks.h"
#include "abi/c_strings.h"
#include "abi/dtypes.h"
#include "abi/guard.h"
#include "abi/model_handle.h"
#include "models/model_loader.h"
#include "vlm2vec.h"


namespace {

using vlm2vec::Error;

const vlm2vec::models::EmbeddingModel& checked(const vlm2vec_model* model) {
  return vlm2vec::abi::checked_model(const_cast<vlm2vec_model*>(model));
}

using vlm2vec::abi::dtype_code;
using vlm2vec::abi::scalar_type;

torch::Device parse_device(const std::string& text) {
  std::unique_ptr<torch::Device> device;
  try {
    device = std::make_unique<torch::Device>(text);
  } catch (const c10::Error&) {
    throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "device '" + text + "' is not a device (cpu, cuda, cuda:N)");
  }
  if (device->is_cuda()) {
    if (!torch::cuda::is_available()) {
      throw Error(VLM2VEC_ERR_UNSUPPORTED, "device '" + text + "' was asked for, but this libtorch sees no CUDA device");
    }
    if (device->has_index() && device->index() >= static_cast<int64_t>(torch::cuda::device_count())) {
      throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "device '" + text + "' does not exist: " +
                                                    std::to_string(torch::cuda::device_count()) + " CUDA device(s)");
    }
  } else if (!device->is_cpu()) {
    throw Error(VLM2VEC_ERR_UNSUPPORTED, "device '" + text + "' is not supported (cpu, cuda, cuda:N)");
  }
  return *device;
}


}  // namespace

namespace vlm2vec::abi {
namespace {

torch::Tensor long_view(const int64_t* data, std::vector<int64_t> shape) {
  return torch::from_blob(const_cast<int64_t*>(data), shape, torch::kLong);
}

}  // namespace

namespace {

std::string image_name(int64_t i) { return "batch.images[" + std::to_string(i) + "]"; }

// Views (rank 4): stacked into [images, views, channels, height, width], images with fewer
// views padded with zero views (the backbone reads the real count from image_size).
void add_view_images(const vlm2vec_batch& batch, vlm2vec::models::EncodeBatch& view) {
  const auto& first = batch.images[0];
  int64_t views = 0;
  for (int64_t i = 0; i < batch.num_images; ++i) {
    const auto& image = batch.images[i];
    vlm2vec::check_argument(image.rank == 4, image_name(i) + ".rank = " + std::to_string(image.rank) +
                                                 ": the images of one batch share a layout, and images[0] has rank 4");
    for (int d = 1; d < 4; ++d) {
      vlm2vec::check_argument(image.shape[d] == first.shape[d],
                              image_name(i) + ".shape[" + std::to_string(d) + "] = " + std::to_string(image.shape[d]) +
                                  " differs from images[0]'s " + std::to_string(first.shape[d]) +
                                  ": views of one batch share channels, height and width");
    }
    views = std::max(views, image.shape[0]);
  }
  auto pixels = torch::zeros({batch.num_images, views, first.shape[1], first.shape[2], first.shape[3]}, torch::kFloat32);
  auto sizes = torch::empty({batch.num_images, 2}, torch::kLong);
  for (int64_t i = 0; i < batch.num_images; ++i) {
    const auto& image = batch.images[i];
    pixels[i].narrow(0, 0, image.shape[0]).copy_(torch::from_blob(
        const_cast<float*>(image.pixel_values), {image.shape[0], image.shape[1], image.shape[2], image.shape[3]}, torch::kFloat32));
    sizes[i][0] = image.image_size[0];
    sizes[i][1] = image.image_size[1];
  }
  view.pixel_values = pixels;
  view.image_sizes = sizes;
}

// Patches (rank 2): concatenated into [patches, values] in image order, with their grids.
void add_patch_images(const vlm2vec_batch& batch, vlm2vec::models::EncodeBatch& view) {
  std::vector<torch::Tensor> parts;
  auto grids = torch::empty({batch.num_images, 3}, torch::kLong);
  auto sizes = torch::empty({batch.num_images, 2}, torch::kLong);
  for (int64_t i = 0; i < batch.num_images; ++i) {
    const auto& image = batch.images[i];
    vlm2vec::check_argument(image.rank == 2, image_name(i) + ".rank = " + std::to_string(image.rank) +
                                                 ": the images of one batch share a layout, and images[0] has rank 2");
    vlm2vec::check_argument(image.shape[1] == batch.images[0].shape[1],
                            image_name(i) + ".shape[1] = " + std::to_string(image.shape[1]) + " differs from images[0]'s " +
                                std::to_string(batch.images[0].shape[1]) + ": patches of one batch share their width");
    for (int d = 0; d < 3; ++d) check_dimension((image_name(i) + ".grid_thw[" + std::to_string(d) + "]").c_str(), image.grid_thw[d], 1);
    vlm2vec::check_argument(checked_product({image.grid_thw[0], image.grid_thw[1], image.grid_thw[2]}) == image.shape[0],
                            image_name(i) + ": grid_thw " + std::to_string(image.grid_thw[0]) + " x " +
                                std::to_string(image.grid_thw[1]) + " x " + std::to_string(image.grid_thw[2]) +
                                " does not give its " + std::to_string(image.shape[0]) + " patch rows");
    parts.push_back(torch::from_blob(const_cast<float*>(image.pixel_values), {image.shape[0], image.shape[1]}, torch::kFloat32));
    for (int d = 0; d < 3; ++d) grids[i][d] = image.grid_thw[d];
    sizes[i][0] = image.image_size[0];
    sizes[i][1] = image.image_size[1];
  }
  view.pixel_values = torch::cat(parts);
  view.image_grid_thw = grids;
  view.image_sizes = sizes;
}

}  // namespace

vlm2vec::models::EncodeBatch batch_view(const vlm2vec_batch& batch) {
  check_dimension("batch_size", batch.batch_size, 1);
  check_dimension("seq_len", batch.seq_len, 1);
  check_dimension("num_images", batch.num_images, 0);
  checked_product({batch.batch_size, batch.seq_len});
  vlm2vec::check_not_null(batch.input_ids, "batch.input_ids");
  vlm2vec::check_not_null(batch.attention_mask, "batch.attention_mask");
  vlm2vec::check_argument(batch.padding_side == VLM2VEC_PAD_RIGHT || batch.padding_side == VLM2VEC_PAD_LEFT,
                          "batch.padding_side = " + std::to_string(batch.padding_side) +
                              " is not a vlm2vec_padding_side (0 right, 1 left)");
  vlm2vec::models::EncodeBatch view;
  view.input_ids = long_view(batch.input_ids, {batch.batch_size, batch.seq_len});
  view.attention_mask = long_view(batch.attention_mask, {batch.batch_size, batch.seq_len});
  view.left_padded = batch.padding_side == VLM2VEC_PAD_LEFT;
  if (batch.position_ids != nullptr) {
    checked_product({3, batch.batch_size, batch.seq_len});
    view.position_ids = long_view(batch.position_ids, {3, batch.batch_size, batch.seq_len});
  }
  if (batch.num_images == 0) return view;
  vlm2vec::check_not_null(batch.images, "batch.images");
  for (int64_t i = 0; i < batch.num_images; ++i) {
    const auto& image = batch.images[i];
    vlm2vec::check_argument(image.rank >= 1 && image.rank <= 4,
                            image_name(i) + ".rank = " + std::to_string(image.rank) + " must be in [1, 4]");
    std::vector<int64_t> shape(image.shape, image.shape + image.rank);
    for (int64_t d = 0; d < image.rank; ++d) {
      check_dimension((image_name(i) + ".shape[" + std::to_string(d) + "]").c_str(), image.shape[d], 1);
    }
    checked_product(shape);
    vlm2vec::check_not_null(image.pixel_values, (image_name(i) + ".pixel_values").c_str());
  }
  if (batch.images[0].rank == 4) {
    add_view_images(batch, view);
  } else if (batch.images[0].rank == 2) {
    add_patch_images(batch, view);
  } else {
    throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, image_name(0) + ".rank = " + std::to_string(batch.images[0].rank) +
                                                  ": images are [views, channels, height, width] (rank 4) or [patches, values] (rank 2)");
  }
  return view;
}

vlm2vec::models::EmbeddingModel& checked_model(vlm2vec_model* model) {
  vlm2vec::check_not_null(model, "model");
  if (model->tag != vlm2vec_model::kLiveTag) {
    throw Error(VLM2VEC_ERR_BAD_HANDLE, "model is not a live vlm2vec_model handle (freed, or of another kind)");
  }
  return *model->impl;
}

}  // namespace vlm2vec::abi

extern "C" int32_t vlm2vec_model_load(const char* model_dir, const char* device, int32_t dtype, vlm2vec_model** out) {
  return vlm2vec::abi::guarded([&] {
    vlm2vec::check_not_null(out, "out (vlm2vec_model**)");
    *out = nullptr;
    vlm2vec::check_not_null(model_dir, "model_dir");
    vlm2vec::check_not_null(device, "device");
    const auto type = scalar_type(dtype);
    auto handle = std::make_unique<vlm2vec_model>();
    handle->impl = vlm2vec::models::load_model(model_dir, type, parse_device(device));
    *out = handle.release();
  });
}

extern "C" int32_t vlm2vec_model_info_get(const vlm2vec_model* model, vlm2vec_model_info* out) {
  return vlm2vec::abi::guarded([&] {
    const auto& info = checked(model).info();
    vlm2vec::check_not_null(out, "out (vlm2vec_model_info*)");
    vlm2vec_model_info result{};
    vlm2vec::abi::copy_truncated(result.architecture, info.architecture);
    vlm2vec::abi::copy_truncated(result.device, info.device.str());
    result.dtype = dtype_code(info.dtype);
    result.hidden_size = info.hidden_size;
    result.num_layers = info.num_layers;
    result.image_size = info.image_size;
    result.max_crops = info.max_crops;
    result.parameter_count = info.parameter_count;
    *out = result;
  });
}

extern "C" int32_t vlm2vec_model_load_report(const vlm2vec_model* model, const char** out) {
  return vlm2vec::abi::guarded([&] {
    const auto& impl = checked(model);
    vlm2vec::check_not_null(out, "out (const char**)");
    *out = impl.load_report().c_str();
  });
}

extern "C" int32_t vlm2vec_model_encode(const vlm2vec_model* model, const vlm2vec_batch* batch, int32_t normalize,
                                        float* out, int64_t out_numel) {
  return vlm2vec::abi::guarded([&] {
    const auto& impl = checked(model);
    vlm2vec::check_not_null(batch, "batch");
    const auto view = vlm2vec::abi::batch_view(*batch);
    using namespace vlm2vec::abi;
    check_buffer("out", out, out_numel, checked_product({batch->batch_size, impl.info().hidden_size}),
                 "batch_size * hidden_size");
    const auto embeddings = impl.encode(view, normalize != 0);
    torch::from_blob(out, {batch->batch_size, impl.info().hidden_size}, torch::kFloat32).copy_(embeddings);
  });
}

extern "C" void vlm2vec_model_free(vlm2vec_model* model) {
  if (model == nullptr || model->tag != vlm2vec_model::kLiveTag) return;
  model->tag = 0;
  delete model;
}
