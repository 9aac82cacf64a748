// The kernels' own tiled GEMM: 128 x 128 output tiles per block of 256 threads, K in steps of BK. Each step's
// operand tiles are staged through registers into shared memory (the next step's loads are in
// flight while the current step computes), stored in the operands' own layout so that
// row- and column-major operands load with 16-byte vectors along their contiguous dimension.
// 16-bit operands: 8 warps in a 2 x 4 grid, each owning 64 x 32 of the tile as 4 x 2 WMMA
// 16x16x16 fragments with fp32 accumulators. fp32 operands: each thread owns an 8 x 8 block.
#include "gemm.h"
#include "element_conversions.cuh"

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <mma.h>

#include <limits>
#include <string>

#include "kernel_status.h"
#include "vlm2vec.h"

namespace vlm2vec::kernels {
namespace {

constexpr int kTileM = 128, kTileN = 128, kThreads = 256;

template <class T>
struct Traits;
template <>
struct Traits<float> {
  static constexpr int kBk = 16;   // keeps two fp32 tiles in 48 KB of static shared memory
  static constexpr int kPad = 4;    // 16 bytes, so staged 16-byte vectors stay aligned
};
template <>
struct Traits<__half> {
  static constexpr int kBk = 32;
  static constexpr int kPad = 8;   // 16 bytes: rows stay 32-byte aligned for WMMA loads
};
template <>
struct Traits<__nv_bfloat16> : Traits<__half> {};

// A tile of kRows x kCols stored elements whose columns are contiguous in memory, moved from
// global memory (rows [row0, row0 + kRows) x columns [col0, col0 + kCols) of a matrix with
// `rows` x `cols` stored elements and leading dimension ld) through registers to shared memory.
template <class T, int kRows, int kCols>
struct TileLoader {
  static constexpr int kVec = 16 / sizeof(T);
  static constexpr int kVectors = kRows * kCols / kVec;
  static constexpr int kPerThread = (kVectors + kThreads - 1) / kThreads;
  uint4 staged[kPerThread];

  __device__ void fetch(const T* base, int64_t ld, int64_t rows, int64_t cols, int64_t row0, int64_t col0,
                        bool vector_ok) {
#pragma unroll
    for (int i = 0; i < kPerThread; ++i) {
      const int v = threadIdx.x + i * kThreads;
      if (v >= kVectors) break;
      const int r = v / (kCols / kVec), c = (v % (kCols / kVec)) * kVec;
      const int64_t gr = row0 + r, gc = col0 + c;
      alignas(16) T values[kVec];
      if (gr < rows && vector_ok && gc + kVec <= cols) {
        staged[i] = *reinterpret_cast<const uint4*>(base + gr * ld + gc);
        continue;
      }
#pragma unroll
      for (int e = 0; e < kVec; ++e) {
        values[e] = (gr < rows && gc + e < cols) ? base[gr * ld + gc + e] : from_float<T>(0.0f);
      }
      staged[i] = *reinterpret_cast<const uint4*>(values);
    }
  }

  template <int kLd>
  __device__ void store(T (*tile)[kLd]) const {
#pragma unroll
    for (int i = 0; i < kPerThread; ++i) {
      const int v = threadIdx.x + i * kThreads;
      if (v >= kVectors) break;
      const int r = v / (kCols / kVec), c = (v % (kCols / kVec)) * kVec;
      // One 16-byte store: padded rows keep every vector 16-byte aligned (see Traits).
      *reinterpret_cast<uint4*>(&tile[r][c]) = staged[i];
    }
  }
};

// Shared-memory shapes: A row-major [M][K] or transposed [K][M]; B row-major [K][N] or
// transposed [N][K]; each with padding on its contiguous dimension.
template <class T, bool kATrans, bool kBTrans>
struct Tiles {
  static constexpr int kBk = Traits<T>::kBk, kPad = Traits<T>::kPad;
  static constexpr int kARows = kATrans ? kBk : kTileM, kACols = kATrans ? kTileM : kBk;
  static constexpr int kBRows = kBTrans ? kTileN : kBk, kBCols = kBTrans ? kBk : kTileN;
  static constexpr int kALd = kACols + kPad, kBLd = kBCols + kPad;
};

template <class T, class Out>
__device__ inline void write_out(Out* c, int64_t ldc, int64_t m, int64_t n, int64_t row, int64_t col, float value,
                                 float alpha, float beta) {
  if (row >= m || col >= n) return;
  Out* p = c + row * ldc + col;
  float result = alpha * value;
  if (beta != 0.0f) result += beta * to_float<Out>(*p);
  *p = from_float<Out>(result);
}

template <class T, bool kATrans, bool kBTrans, class Out>
__global__ void __launch_bounds__(kThreads) gemm_kernel(int64_t m, int64_t n, int64_t k, float alpha, const T* a,
                                                        int64_t lda, bool a_vec, const T* b, int64_t ldb, bool b_vec,
                                                        float beta, Out* c, int64_t ldc) {
  using Shape = Tiles<T, kATrans, kBTrans>;
  constexpr int kBk = Shape::kBk;
  __shared__ __align__(32) T a_tile[Shape::kARows][Shape::kALd];
  __shared__ __align__(32) T b_tile[Shape::kBRows][Shape::kBLd];

  const int64_t row0 = static_cast<int64_t>(blockIdx.y) * kTileM, col0 = static_cast<int64_t>(blockIdx.x) * kTileN;
  TileLoader<T, Shape::kARows, Shape::kACols> a_loader;
  TileLoader<T, Shape::kBRows, Shape::kBCols> b_loader;
  // Stored extents: A is [m, k] or [k, m]; B is [k, n] or [n, k].
  auto fetch = [&](int64_t k0) {
    if (kATrans) a_loader.fetch(a, lda, k, m, k0, row0, a_vec);
    else a_loader.fetch(a, lda, m, k, row0, k0, a_vec);
    if (kBTrans) b_loader.fetch(b, ldb, n, k, col0, k0, b_vec);
    else b_loader.fetch(b, ldb, k, n, k0, col0, b_vec);
  };

  if constexpr (sizeof(T) == 2) {
    using namespace nvcuda;
    using ALayout = typename std::conditional<kATrans, wmma::col_major, wmma::row_major>::type;
    using BLayout = typename std::conditional<kBTrans, wmma::col_major, wmma::row_major>::type;
    __shared__ __align__(32) float staging[kThreads / 32][16 * 16];
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const int warp_m = warp / 4, warp_n = warp % 4;  // 2 x 4 warps, each 64 x 32
    wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc[4][2];
#pragma unroll
    for (int i = 0; i < 4; ++i)
#pragma unroll
      for (int j = 0; j < 2; ++j) wmma::fill_fragment(acc[i][j], 0.0f);

    fetch(0);
    for (int64_t k0 = 0; k0 < k; k0 += kBk) {
      __syncthreads();
      a_loader.store(a_tile);
      b_loader.store(b_tile);
      __syncthreads();
      if (k0 + kBk < k) fetch(k0 + kBk);  // in flight while this step computes
#pragma unroll
      for (int kk = 0; kk < kBk; kk += 16) {
        wmma::fragment<wmma::matrix_a, 16, 16, 16, T, ALayout> a_frag[4];
        wmma::fragment<wmma::matrix_b, 16, 16, 16, T, BLayout> b_frag[2];
#pragma unroll
        for (int i = 0; i < 4; ++i) {
          const int mm = warp_m * 64 + i * 16;
          const T* p = kATrans ? &a_tile[kk][mm] : &a_tile[mm][kk];
          wmma::load_matrix_sync(a_frag[i], p, Shape::kALd);
        }
#pragma unroll
        for (int j = 0; j < 2; ++j) {
          const int nn = warp_n * 32 + j * 16;
          const T* p = kBTrans ? &b_tile[nn][kk] : &b_tile[kk][nn];
          wmma::load_matrix_sync(b_frag[j], p, Shape::kBLd);
        }
#pragma unroll
        for (int i = 0; i < 4; ++i)
#pragma unroll
          for (int j = 0; j < 2; ++j) wmma::mma_sync(acc[i][j], a_frag[i], b_frag[j], acc[i][j]);
      }
    }
    // Each fragment goes through the warp's staging square so the edges, alpha, beta and the
    // output type are handled element by element.
    float* square = staging[warp];
#pragma unroll
    for (int i = 0; i < 4; ++i) {
#pragma unroll
      for (int j = 0; j < 2; ++j) {
        wmma::store_matrix_sync(square, acc[i][j], 16, wmma::mem_row_major);
        __syncwarp();
        const int64_t r_base = row0 + warp_m * 64 + i * 16, c_base = col0 + warp_n * 32 + j * 16;
        for (int e = lane; e < 256; e += 32) {
          write_out<T, Out>(c, ldc, m, n, r_base + e / 16, c_base + e % 16, square[e], alpha, beta);
        }
        __syncwarp();
      }
    }
  } else {
    // fp32: thread (ty, tx) owns rows ty + 16 i and columns tx + 16 j (i, j < 8), strided so
    // neighbouring threads read neighbouring shared-memory words.
    const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
    float acc[8][8] = {};
    fetch(0);
    for (int64_t k0 = 0; k0 < k; k0 += kBk) {
      __syncthreads();
      a_loader.store(a_tile);
      b_loader.store(b_tile);
      __syncthreads();
      if (k0 + kBk < k) fetch(k0 + kBk);
#pragma unroll
      for (int kk = 0; kk < kBk; ++kk) {
        float av[8], bv[8];
#pragma unroll
        for (int i = 0; i < 8; ++i) av[i] = kATrans ? a_tile[kk][ty + 16 * i] : a_tile[ty + 16 * i][kk];
#pragma unroll
        for (int j = 0; j < 8; ++j) bv[j] = kBTrans ? b_tile[tx + 16 * j][kk] : b_tile[kk][tx + 16 * j];
#pragma unroll
        for (int i = 0; i < 8; ++i)
#pragma unroll
          for (int j = 0; j < 8; ++j) acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
      }
    }
#pragma unroll
    for (int i = 0; i < 8; ++i)
#pragma unroll
      for (int j = 0; j < 8; ++j)
        write_out<T, Out>(c, ldc, m, n, row0 + ty + 16 * i, col0 + tx + 16 * j, acc[i][j], alpha, beta);
  }
}

bool vector_aligned(const void* p, int64_t ld, int64_t element_bytes) {
  return reinterpret_cast<uintptr_t>(p) % 16 == 0 && (ld * element_bytes) % 16 == 0;
}

template <class T, class Out>
int32_t launch_typed(int64_t m, int64_t n, int64_t k, float alpha, GemmOperand a, GemmOperand b, float beta, void* c,
                     int64_t ldc, cudaStream_t stream) {
  const dim3 grid(static_cast<unsigned>((n + kTileN - 1) / kTileN), static_cast<unsigned>((m + kTileM - 1) / kTileM));
  const auto* pa = static_cast<const T*>(a.data);
  const auto* pb = static_cast<const T*>(b.data);
  auto* pc = static_cast<Out*>(c);
  const bool a_vec = vector_aligned(a.data, a.ld, sizeof(T)), b_vec = vector_aligned(b.data, b.ld, sizeof(T));
  if (!a.transposed && !b.transposed) {
    gemm_kernel<T, false, false, Out><<<grid, kThreads, 0, stream>>>(m, n, k, alpha, pa, a.ld, a_vec, pb, b.ld, b_vec, beta, pc, ldc);
  } else if (!a.transposed && b.transposed) {
    gemm_kernel<T, false, true, Out><<<grid, kThreads, 0, stream>>>(m, n, k, alpha, pa, a.ld, a_vec, pb, b.ld, b_vec, beta, pc, ldc);
  } else if (a.transposed && !b.transposed) {
    gemm_kernel<T, true, false, Out><<<grid, kThreads, 0, stream>>>(m, n, k, alpha, pa, a.ld, a_vec, pb, b.ld, b_vec, beta, pc, ldc);
  } else {
    gemm_kernel<T, true, true, Out><<<grid, kThreads, 0, stream>>>(m, n, k, alpha, pa, a.ld, a_vec, pb, b.ld, b_vec, beta, pc, ldc);
  }
  return VLM2VEC_OK;
}

}  // namespace

bool element_bytes_of(int32_t dtype, int64_t* bytes) {
  switch (dtype) {
    case VLM2VEC_DTYPE_FLOAT32: *bytes = 4; return true;
    case VLM2VEC_DTYPE_BFLOAT16:
    case VLM2VEC_DTYPE_FLOAT16: *bytes = 2; return true;
    default: return false;
  }
}

int32_t tiled_gemm(int32_t dtype, int64_t m, int64_t n, int64_t k, float alpha, GemmOperand a, GemmOperand b,
                   float beta, void* c, bool c_is_float, int64_t ldc, cudaStream_t stream, const char* what) {
  if ((m + kTileM - 1) / kTileM > 65535) return invalid_argument(std::string(what) + ": more than 65535 row tiles");
  switch (dtype) {
    case VLM2VEC_DTYPE_FLOAT32:
      launch_typed<float, float>(m, n, k, alpha, a, b, beta, c, ldc, stream);
      break;
    case VLM2VEC_DTYPE_BFLOAT16:
      if (c_is_float) launch_typed<__nv_bfloat16, float>(m, n, k, alpha, a, b, beta, c, ldc, stream);
      else launch_typed<__nv_bfloat16, __nv_bfloat16>(m, n, k, alpha, a, b, beta, c, ldc, stream);
      break;
    case VLM2VEC_DTYPE_FLOAT16:
      if (c_is_float) launch_typed<__half, float>(m, n, k, alpha, a, b, beta, c, ldc, stream);
      else launch_typed<__half, __half>(m, n, k, alpha, a, b, beta, c, ldc, stream);
      break;
    default:
      return invalid_argument(std::string(what) + ": unknown dtype " + std::to_string(dtype));
  }
  return check_cuda(cudaGetLastError(), what);
}

}  // namespace vlm2vec::kernels
