#include "support/npz.h"

#include <zlib.h>

#include <cstring>
#include <fstream>
#include <regex>
#include <stdexcept>
#include <vector>

namespace vlm2vec::testing {
namespace {

uint32_t u32(const std::vector<uint8_t>& b, size_t at) {
  return b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (static_cast<uint32_t>(b[at + 3]) << 24);
}
uint16_t u16(const std::vector<uint8_t>& b, size_t at) { return static_cast<uint16_t>(b[at] | (b[at + 1] << 8)); }

std::vector<uint8_t> inflate_raw(const uint8_t* data, size_t size, size_t expected) {
  std::vector<uint8_t> out(expected);
  z_stream stream{};
  stream.next_in = const_cast<uint8_t*>(data);
  stream.avail_in = static_cast<uInt>(size);
  stream.next_out = out.data();
  stream.avail_out = static_cast<uInt>(expected);
  if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) throw std::runtime_error("inflateInit2 failed");
  const int result = inflate(&stream, Z_FINISH);
  inflateEnd(&stream);
  if (result != Z_STREAM_END || stream.total_out != expected) throw std::runtime_error("corrupt DEFLATE data");
  return out;
}

torch::Tensor parse_npy(const std::vector<uint8_t>& npy, const std::string& where) {
  if (npy.size() < 10 || std::memcmp(npy.data(), "\x93NUMPY", 6) != 0) throw std::runtime_error(where + ": not .npy");
  const int major = npy[6];
  const size_t header_length = major == 1 ? u16(npy, 8) : u32(npy, 8);
  const size_t header_start = major == 1 ? 10 : 12;
  const std::string header(npy.begin() + header_start, npy.begin() + header_start + header_length);
  std::smatch match;
  if (!std::regex_search(header, match, std::regex("'descr':\\s*'([^']+)'"))) throw std::runtime_error(where + ": no descr");
  const std::string descr = match[1];
  if (header.find("'fortran_order': False") == std::string::npos) throw std::runtime_error(where + ": Fortran order");
  if (!std::regex_search(header, match, std::regex("'shape':\\s*\\(([^)]*)\\)"))) throw std::runtime_error(where + ": no shape");
  std::vector<int64_t> shape;
  const std::string dims = match[1];
  const std::regex number("\\d+");
  for (std::sregex_iterator it(dims.begin(), dims.end(), number), end; it != end; ++it) {
    shape.push_back(std::stoll(it->str()));
  }
  torch::ScalarType type;
  if (descr == "<f4") type = torch::kFloat32;
  else if (descr == "<f8") type = torch::kFloat64;
  else if (descr == "<i8") type = torch::kInt64;
  else throw std::runtime_error(where + ": unsupported dtype " + descr);
  auto tensor = torch::empty(shape, type);
  const size_t bytes = tensor.numel() * tensor.element_size();
  if (header_start + header_length + bytes > npy.size()) throw std::runtime_error(where + ": truncated data");
  std::memcpy(tensor.data_ptr(), npy.data() + header_start + header_length, bytes);
  return tensor;
}

}  // namespace

std::map<std::string, torch::Tensor> read_npz(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The central directory has the sizes even when the local headers defer them.
  size_t end = bytes.size() < 22 ? std::string::npos : bytes.size() - 22;
  while (end != std::string::npos && u32(bytes, end) != 0x06054b50) end = end == 0 ? std::string::npos : end - 1;
  if (end == std::string::npos) throw std::runtime_error(path + ": no ZIP end record");
  const uint16_t entries = u16(bytes, end + 10);
  size_t at = u32(bytes, end + 16);
  std::map<std::string, torch::Tensor> result;
  for (uint16_t i = 0; i < entries; ++i) {
    if (u32(bytes, at) != 0x02014b50) throw std::runtime_error(path + ": bad central directory");
    const uint16_t method = u16(bytes, at + 10);
    const uint32_t compressed = u32(bytes, at + 20), uncompressed = u32(bytes, at + 24);
    const uint16_t name_length = u16(bytes, at + 28), extra_length = u16(bytes, at + 30), comment_length = u16(bytes, at + 32);
    const uint32_t local = u32(bytes, at + 42);
    std::string name(bytes.begin() + at + 46, bytes.begin() + at + 46 + name_length);
    at += 46 + name_length + extra_length + comment_length;
    const size_t data = local + 30 + u16(bytes, local + 26) + u16(bytes, local + 28);
    std::vector<uint8_t> member;
    if (method == 0) member.assign(bytes.begin() + data, bytes.begin() + data + uncompressed);
    else if (method == 8) member = inflate_raw(bytes.data() + data, compressed, uncompressed);
    else throw std::runtime_error(path + ": unsupported ZIP method " + std::to_string(method));
    if (name.size() > 4 && name.substr(name.size() - 4) == ".npy") name = name.substr(0, name.size() - 4);
    result[name] = parse_npy(member, path + ":" + name);
  }
  return result;
}

}  // namespace vlm2vec::testing
