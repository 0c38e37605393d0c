// Thrift compact protocol: the encoding of every Parquet metadata structure (FileMetaData,
// PageHeader, ColumnIndex, ...). Written from the Apache Thrift compact protocol specification.
//
// CompactReader decodes from an untrusted byte range: every read is bounds-checked, varints are
// limited to 10 bytes, nesting depth and container sizes are capped by the bytes remaining, and
// unknown fields are skipped by type, so a malformed footer yields kCorruption, never a crash or
// an unbounded allocation. CompactWriter encodes into a string.
//
// Thread-safety: one thread per reader/writer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "braid/result.h"

namespace braid::parquet::thrift {

// Compact protocol type codes (the low nibble of a field header).
enum class Type : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

struct FieldHeader {
  Type type;
  int16_t id;
  bool is_stop() const { return type == Type::kStop; }
};

struct ListHeader {
  Type element_type;
  uint32_t size;
};

class CompactReader {
 public:
  CompactReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  explicit CompactReader(std::string_view bytes)
      : CompactReader(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()) {}

  size_t position() const { return pos_; }
  size_t remaining() const { return size_ - pos_; }

  // Structs: begin, then read_field until a stop field, then end.
  Status begin_struct();
  Result<FieldHeader> read_field();
  void end_struct();

  // Scalars. A boolean struct field carries its value in the header type; read it with
  // field_bool(header). Booleans inside lists are one byte each: read_bool().
  static bool field_bool(const FieldHeader& header) { return header.type == Type::kBoolTrue; }
  Result<bool> read_bool();
  Result<int8_t> read_byte();
  Result<int16_t> read_i16();
  Result<int32_t> read_i32();
  Result<int64_t> read_i64();
  Result<double> read_double();
  // A view into the input (valid while the input lives).
  Result<std::string_view> read_binary();
  Result<std::string> read_string();

  Result<ListHeader> read_list();

  // Skips a value of the given type (recursively, depth-limited).
  Status skip(Type type);

 private:
  Result<uint64_t> read_varint();
  Status skip_depth(Type type, int depth);
  Status truncated(std::string_view what) const;

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  std::vector<int16_t> last_field_ids_;  // one per open struct
};

class CompactWriter {
 public:
  void begin_struct();
  void end_struct();  // writes the stop field
  void field_bool(int16_t id, bool v);
  void field_i8(int16_t id, int8_t v);
  void field_i16(int16_t id, int16_t v);
  void field_i32(int16_t id, int32_t v);
  void field_i64(int16_t id, int64_t v);
  void field_double(int16_t id, double v);
  void field_binary(int16_t id, std::string_view v);
  // Starts a nested struct field; close it with end_struct().
  void field_struct_begin(int16_t id);
  // Starts a list field; then write `size` elements with the element writers below.
  void field_list_begin(int16_t id, Type element_type, uint32_t size);

  // Elements of a list.
  void element_i32(int32_t v) { write_varint(zigzag(v)); }
  void element_i64(int64_t v) { write_varint(zigzag(v)); }
  void element_bool(bool v) { out_.push_back(v ? 1 : 0); }
  void element_binary(std::string_view v);
  void element_struct_begin() { begin_struct(); }

  const std::string& data() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  static uint64_t zigzag(int64_t v) {
    return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  }
  void write_varint(uint64_t v);
  void field_header(Type type, int16_t id);

  std::string out_;
  std::vector<int16_t> last_field_ids_;
};

}  // namespace braid::parquet::thrift
