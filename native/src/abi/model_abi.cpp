// C ABI: embedding models behind an opaque handle.
#include <torch/torch.h>

#include <cstring>
#include <memory>
#include <string>

#include "abi/buffer_checks.h"
#include "abi/c_strings.h"
#include "abi/guard.h"
#include "abi/model_handle.h"
#include "models/model_loader.h"
#include "vlm2vec.h"


namespace {

using vlm2vec::Error;

const vlm2vec::models::EmbeddingModel& checked(const vlm2vec_model* model) {
  return vlm2vec::abi::checked_model(const_cast<vlm2vec_model*>(model));
}

torch::ScalarType scalar_type(int32_t dtype) {
  switch (dtype) {
    case VLM2VEC_DTYPE_FLOAT32: return torch::kFloat32;
    case VLM2VEC_DTYPE_BFLOAT16: return torch::kBFloat16;
    case VLM2VEC_DTYPE_FLOAT16: return torch::kFloat16;
    default:
      throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "dtype = " + std::to_string(dtype) +
                                                    " is not a vlm2vec_dtype (0 float32, 1 bfloat16, 2 float16)");
  }
}

int32_t dtype_code(torch::ScalarType type) {
  return type == torch::kBFloat16 ? VLM2VEC_DTYPE_BFLOAT16 : type == torch::kFloat16 ? VLM2VEC_DTYPE_FLOAT16 : VLM2VEC_DTYPE_FLOAT32;
}

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

vlm2vec::models::EncodeBatch batch_view(const vlm2vec_batch& batch) {
  check_dimension("batch_size", batch.batch_size, 1);
  check_dimension("seq_len", batch.seq_len, 1);
  check_dimension("num_images", batch.num_images, 0);
  checked_product({batch.batch_size, batch.seq_len});
  vlm2vec::check_not_null(batch.input_ids, "batch.input_ids");
  vlm2vec::check_not_null(batch.attention_mask, "batch.attention_mask");
  vlm2vec::models::EncodeBatch view;
  view.input_ids = long_view(batch.input_ids, {batch.batch_size, batch.seq_len});
  view.attention_mask = long_view(batch.attention_mask, {batch.batch_size, batch.seq_len});
  if (batch.num_images > 0) {
    check_dimension("crops_per_image", batch.crops_per_image, 1);
    check_dimension("channels", batch.channels, 1);
    check_dimension("crop_height", batch.crop_height, 1);
    check_dimension("crop_width", batch.crop_width, 1);
    checked_product({batch.num_images, batch.crops_per_image, batch.channels, batch.crop_height, batch.crop_width});
    vlm2vec::check_not_null(batch.pixel_values, "batch.pixel_values");
    vlm2vec::check_not_null(batch.image_sizes, "batch.image_sizes");
    view.pixel_values = torch::from_blob(const_cast<float*>(batch.pixel_values),
                                         {batch.num_images, batch.crops_per_image, batch.channels, batch.crop_height,
                                          batch.crop_width},
                                         torch::kFloat32);
    view.image_sizes = long_view(batch.image_sizes, {batch.num_images, 2});
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
