# Decides whether cuda-kernels/ is built, from VLM2VEC_CUDA = AUTO | ON | OFF.
# Sets VLM2VEC_WITH_CUDA_KERNELS (compile the kernels) and VLM2VEC_LINK_CUDA_KERNELS
# (also link them into libvlm2vec, which only makes sense when libtorch itself has CUDA:
# a CPU libtorch never holds device memory, and linking cudart would make the library
# fail to load on machines without the CUDA runtime).

string(TOUPPER "${VLM2VEC_CUDA}" _vlm2vec_cuda_mode)
set(VLM2VEC_WITH_CUDA_KERNELS OFF)
set(VLM2VEC_LINK_CUDA_KERNELS OFF)

if(_vlm2vec_cuda_mode STREQUAL "OFF")
  message(STATUS "vlm2vec: cuda-kernels disabled (VLM2VEC_CUDA=OFF)")
  return()
elseif(NOT _vlm2vec_cuda_mode MATCHES "^(AUTO|ON)$")
  message(FATAL_ERROR "VLM2VEC_CUDA must be AUTO, ON or OFF, not '${VLM2VEC_CUDA}'")
endif()

# Ampere and Hopper (the device machines), plus PTX of the newest for later GPUs.
if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
  set(CMAKE_CUDA_ARCHITECTURES "80-real;90")
endif()
if(NOT CMAKE_CUDA_COMPILER)
  find_program(_vlm2vec_nvcc nvcc HINTS /usr/local/cuda/bin ENV CUDA_HOME PATH_SUFFIXES bin)
  if(_vlm2vec_nvcc)
    set(CMAKE_CUDA_COMPILER "${_vlm2vec_nvcc}")
  endif()
endif()

include(CheckLanguage)
check_language(CUDA)
if(CMAKE_CUDA_COMPILER)
  enable_language(CUDA)
  find_package(CUDAToolkit REQUIRED)
  set(VLM2VEC_WITH_CUDA_KERNELS ON)
  message(STATUS "vlm2vec: building cuda-kernels with ${CMAKE_CUDA_COMPILER} (CUDA ${CUDAToolkit_VERSION}) for ${CMAKE_CUDA_ARCHITECTURES}")
elseif(_vlm2vec_cuda_mode STREQUAL "ON")
  message(FATAL_ERROR "VLM2VEC_CUDA=ON but no CUDA compiler was found: install the CUDA toolkit or set CMAKE_CUDA_COMPILER to nvcc")
else()
  message(STATUS "vlm2vec: no CUDA toolkit found, cuda-kernels skipped (VLM2VEC_CUDA=AUTO)")
endif()

if(VLM2VEC_WITH_CUDA_KERNELS AND TARGET torch_cuda)
  set(VLM2VEC_LINK_CUDA_KERNELS ON)
  message(STATUS "vlm2vec: libtorch has CUDA; linking cuda-kernels into libvlm2vec")
endif()
