#include "vlm2vec.h"

#ifndef VLM2VEC_VERSION_STRING
#error "VLM2VEC_VERSION_STRING must be defined by the build"
#endif

extern "C" int32_t vlm2vec_abi_version(void) { return VLM2VEC_ABI_VERSION; }

extern "C" const char* vlm2vec_version(void) { return VLM2VEC_VERSION_STRING; }
