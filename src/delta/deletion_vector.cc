#include "delta/deletion_vector.h"

#include <fmt/core.h>
#include <roaring/roaring.h>
#include <zlib.h>

#include <array>
#include <cstring>
#include <memory>

#include "delta/snapshot.h"

namespace braid::delta {

namespace {

constexpr char kZ85[] =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
constexpr uint32_t kMagic = 1681511377;

uint32_t be32(const char* p) {
  return (uint32_t{static_cast<uint8_t>(p[0])} << 24) | (uint32_t{static_cast<uint8_t>(p[1])} << 16) |
         (uint32_t{static_cast<uint8_t>(p[2])} << 8) | uint32_t{static_cast<uint8_t>(p[3])};
}

struct RoaringDeleter {
  void operator()(roaring_bitmap_t* r) const { roaring_bitmap_free(r); }
};

}  // namespace

Result<std::string> z85_decode(std::string_view text) {
  static const auto table = [] {
    std::array<int, 256> t{};
    t.fill(-1);
    for (int i = 0; i < 85; ++i) t[static_cast<unsigned char>(kZ85[i])] = i;
    return t;
  }();
  if (text.size() % 5 != 0) return Status::corruption("Z85 text of {} characters is not a multiple of 5", text.size());
  std::string out;
  out.reserve(text.size() / 5 * 4);
  for (size_t i = 0; i < text.size(); i += 5) {
    uint64_t v = 0;
    for (size_t k = 0; k < 5; ++k) {
      int d = table[static_cast<unsigned char>(text[i + k])];
      if (d < 0) return Status::corruption("invalid Z85 character '{}'", text[i + k]);
      v = v * 85 + static_cast<uint64_t>(d);
    }
    if (v > 0xffffffffULL) return Status::corruption("Z85 group out of range");
    for (int k = 3; k >= 0; --k) out += static_cast<char>((v >> (8 * k)) & 0xff);
  }
  return out;
}

std::string z85_encode(std::string_view bytes) {
  std::string out;
  for (size_t i = 0; i + 4 <= bytes.size(); i += 4) {
    uint64_t v = be32(bytes.data() + i);
    char group[5];
    for (int k = 4; k >= 0; --k) {
      group[k] = kZ85[v % 85];
      v /= 85;
    }
    out.append(group, 5);
  }
  return out;
}

Result<std::vector<uint64_t>> deserialize_deletion_vector(std::string_view payload) {
  if (payload.size() < 12) return Status::corruption("deletion vector payload of {} bytes is too short", payload.size());
  uint32_t magic;
  std::memcpy(&magic, payload.data(), 4);
  if (magic != kMagic) return Status::corruption("deletion vector has magic {}, expected {}", magic, kMagic);
  uint64_t buckets;
  std::memcpy(&buckets, payload.data() + 4, 8);
  size_t pos = 12;
  std::vector<uint64_t> rows;
  for (uint64_t b = 0; b < buckets; ++b) {
    if (payload.size() - pos < 4) return Status::corruption("deletion vector truncated in bucket {}", b);
    uint32_t high;
    std::memcpy(&high, payload.data() + pos, 4);
    pos += 4;
    size_t size = roaring_bitmap_portable_deserialize_size(payload.data() + pos, payload.size() - pos);
    if (size == 0) return Status::corruption("deletion vector bucket {} is not a valid Roaring bitmap", b);
    std::unique_ptr<roaring_bitmap_t, RoaringDeleter> bitmap(
        roaring_bitmap_portable_deserialize_safe(payload.data() + pos, payload.size() - pos));
    if (!bitmap) return Status::corruption("deletion vector bucket {} is not a valid Roaring bitmap", b);
    pos += size;
    uint64_t n = roaring_bitmap_get_cardinality(bitmap.get());
    std::vector<uint32_t> low(n);
    roaring_bitmap_to_uint32_array(bitmap.get(), low.data());
    for (uint32_t l : low) rows.push_back((uint64_t{high} << 32) | l);
  }
  return rows;
}

std::string serialize_deletion_vector(const std::vector<uint64_t>& rows) {
  std::string out(12, '\0');
  std::memcpy(out.data(), &kMagic, 4);
  uint64_t buckets = 0;
  size_t i = 0;
  while (i < rows.size()) {
    uint32_t high = static_cast<uint32_t>(rows[i] >> 32);
    std::unique_ptr<roaring_bitmap_t, RoaringDeleter> bitmap(roaring_bitmap_create());
    for (; i < rows.size() && static_cast<uint32_t>(rows[i] >> 32) == high; ++i) {
      roaring_bitmap_add(bitmap.get(), static_cast<uint32_t>(rows[i]));
    }
    roaring_bitmap_run_optimize(bitmap.get());
    out.append(reinterpret_cast<const char*>(&high), 4);
    size_t size = roaring_bitmap_portable_size_in_bytes(bitmap.get());
    size_t at = out.size();
    out.resize(at + size);
    roaring_bitmap_portable_serialize(bitmap.get(), out.data() + at);
    ++buckets;
  }
  std::memcpy(out.data() + 4, &buckets, 8);
  return out;
}

Result<std::string> deletion_vector_path(const std::string& table_root, const DeletionVectorDescriptor& dv) {
  if (dv.storage_type == "p") return resolve_data_path(table_root, dv.path_or_inline_dv);
  if (dv.storage_type != "u") return Status::invalid_argument("deletion vector storage type '{}' has no file", dv.storage_type);
  const std::string& s = dv.path_or_inline_dv;
  if (s.size() < 20) return Status::corruption("deletion vector path '{}' is too short", s);
  std::string prefix = s.substr(0, s.size() - 20);
  BRAID_ASSIGN_OR_RETURN(std::string uuid, z85_decode(std::string_view(s).substr(s.size() - 20)));
  static const char* kHex = "0123456789abcdef";
  std::string text;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
    auto b = static_cast<uint8_t>(uuid[i]);
    text += kHex[b >> 4];
    text += kHex[b & 15];
  }
  std::string name = "deletion_vector_" + text + ".bin";
  return join_path(prefix.empty() ? table_root : join_path(table_root, prefix), name);
}

Result<std::vector<uint64_t>> read_deletion_vector(FileSystem& fs, const std::string& table_root,
                                                   const DeletionVectorDescriptor& dv) {
  if (dv.storage_type == "i") {
    BRAID_ASSIGN_OR_RETURN(std::string payload, z85_decode(dv.path_or_inline_dv));
    if (static_cast<size_t>(dv.size_in_bytes) < payload.size()) payload.resize(static_cast<size_t>(dv.size_in_bytes));
    return deserialize_deletion_vector(payload);
  }
  BRAID_ASSIGN_OR_RETURN(std::string path, deletion_vector_path(table_root, dv));
  BRAID_ASSIGN_OR_RETURN(auto file, fs.open_read(path));
  const uint64_t offset = static_cast<uint64_t>(dv.offset.value_or(1));
  const uint64_t size = static_cast<uint64_t>(dv.size_in_bytes);
  if (offset + 4 + size + 4 > file->size()) {
    return Status::corruption("deletion vector at {} of '{}' runs past the end of the file", offset, path);
  }
  BRAID_ASSIGN_OR_RETURN(std::string framed, file->read_range(offset, static_cast<size_t>(size + 8)));
  uint32_t length = be32(framed.data());
  if (length != size) {
    return Status::corruption("deletion vector in '{}' has length {}, the descriptor says {}", path, length, size);
  }
  std::string_view payload(framed.data() + 4, size);
  uint32_t crc = be32(framed.data() + 4 + size);
  uint32_t actual = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size())));
  if (crc != actual) return Status::corruption("deletion vector in '{}' fails its CRC check", path);
  return deserialize_deletion_vector(payload).with_context(path);
}

}  // namespace braid::delta
