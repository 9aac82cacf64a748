// The native loaders read files, not buffers (safetensors is memory-mapped), so each fuzz
// input is written to a file first: in /dev/shm when it exists, so an execution costs
// microseconds and the disk is never touched.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace vlm2vec::fuzz {

// A private folder for this process, created on first use and removed at exit.
const std::string& scratch_directory();

// Writes size bytes to path, replacing it; aborts when it cannot (a broken harness, not a finding).
void write_input(const std::string& path, const uint8_t* data, size_t size);

// The harness's own invariants: a violation is a finding, so it aborts with the message.
void require(bool ok, const std::string& what);

}  // namespace vlm2vec::fuzz
