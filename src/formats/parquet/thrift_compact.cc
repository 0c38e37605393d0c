#include "formats/parquet/thrift_compact.h"

#include <cstring>

namespace braid::parquet::thrift {

namespace {

constexpr int kMaxDepth = 64;

int64_t unzigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

bool valid_type(uint8_t t) { return t <= static_cast<uint8_t>(Type::kStruct); }

}  // namespace

Status CompactReader::truncated(std::string_view what) const {
  return Status::corruption("thrift: unexpected end of data reading {} at byte {} of {}", what,
                            pos_, size_);
}

Result<uint64_t> CompactReader::read_varint() {
  uint64_t value = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (pos_ >= size_) return truncated("a varint");
    uint8_t b = data_[pos_++];
    value |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return value;
  }
  return Status::corruption("thrift: varint longer than 10 bytes at byte {}", pos_);
}

Status CompactReader::begin_struct() {
  if (last_field_ids_.size() >= kMaxDepth) {
    return Status::corruption("thrift: structs nested deeper than {}", kMaxDepth);
  }
  last_field_ids_.push_back(0);
  return Status::OK();
}

void CompactReader::end_struct() {
  if (!last_field_ids_.empty()) last_field_ids_.pop_back();
}

Result<FieldHeader> CompactReader::read_field() {
  if (pos_ >= size_) return truncated("a field header");
  uint8_t b = data_[pos_++];
  uint8_t type = b & 0x0f;
  if (type == 0) return FieldHeader{Type::kStop, 0};
  if (!valid_type(type)) {
    return Status::corruption("thrift: invalid field type {} at byte {}", type, pos_ - 1);
  }
  int16_t& last = last_field_ids_.back();
  int16_t id;
  uint8_t delta = b >> 4;
  if (delta != 0) {
    id = static_cast<int16_t>(last + delta);
  } else {
    BRAID_ASSIGN_OR_RETURN(uint64_t raw, read_varint());
    int64_t v = unzigzag(raw);
    if (v < INT16_MIN || v > INT16_MAX) return Status::corruption("thrift: field id {} out of range", v);
    id = static_cast<int16_t>(v);
  }
  last = id;
  return FieldHeader{static_cast<Type>(type), id};
}

Result<bool> CompactReader::read_bool() {
  if (pos_ >= size_) return truncated("a bool");
  return data_[pos_++] == 1;
}

Result<int8_t> CompactReader::read_byte() {
  if (pos_ >= size_) return truncated("a byte");
  return static_cast<int8_t>(data_[pos_++]);
}

Result<int16_t> CompactReader::read_i16() {
  BRAID_ASSIGN_OR_RETURN(uint64_t raw, read_varint());
  int64_t v = unzigzag(raw);
  if (v < INT16_MIN || v > INT16_MAX) return Status::corruption("thrift: i16 value {} out of range", v);
  return static_cast<int16_t>(v);
}

Result<int32_t> CompactReader::read_i32() {
  BRAID_ASSIGN_OR_RETURN(uint64_t raw, read_varint());
  int64_t v = unzigzag(raw);
  if (v < INT32_MIN || v > INT32_MAX) return Status::corruption("thrift: i32 value {} out of range", v);
  return static_cast<int32_t>(v);
}

Result<int64_t> CompactReader::read_i64() {
  BRAID_ASSIGN_OR_RETURN(uint64_t raw, read_varint());
  return unzigzag(raw);
}

Result<double> CompactReader::read_double() {
  if (remaining() < 8) return truncated("a double");
  double v;
  std::memcpy(&v, data_ + pos_, 8);
  pos_ += 8;
  return v;
}

Result<std::string_view> CompactReader::read_binary() {
  BRAID_ASSIGN_OR_RETURN(uint64_t len, read_varint());
  if (len > remaining()) {
    return Status::corruption("thrift: binary of {} bytes at byte {} but only {} remain", len, pos_,
                              remaining());
  }
  std::string_view v(reinterpret_cast<const char*>(data_ + pos_), static_cast<size_t>(len));
  pos_ += static_cast<size_t>(len);
  return v;
}

Result<std::string> CompactReader::read_string() {
  BRAID_ASSIGN_OR_RETURN(std::string_view v, read_binary());
  return std::string(v);
}

Result<ListHeader> CompactReader::read_list() {
  if (pos_ >= size_) return truncated("a list header");
  uint8_t b = data_[pos_++];
  uint8_t type = b & 0x0f;
  uint64_t size = b >> 4;
  if (size == 15) {
    BRAID_ASSIGN_OR_RETURN(size, read_varint());
  }
  if (!valid_type(type) || type == 0) {
    return Status::corruption("thrift: invalid list element type {} at byte {}", type, pos_ - 1);
  }
  // Every element takes at least one byte (bools and varints included): a larger count is a lie
  // that would otherwise make callers reserve unbounded memory.
  if (size > remaining()) {
    return Status::corruption("thrift: list of {} elements at byte {} but only {} bytes remain",
                              size, pos_, remaining());
  }
  return ListHeader{static_cast<Type>(type), static_cast<uint32_t>(size)};
}

Status CompactReader::skip(Type type) { return skip_depth(type, 0); }

Status CompactReader::skip_depth(Type type, int depth) {
  if (depth > kMaxDepth) return Status::corruption("thrift: values nested deeper than {}", kMaxDepth);
  switch (type) {
    case Type::kBoolTrue:
    case Type::kBoolFalse:
      return Status::OK();  // a struct field's bool lives in its header
    case Type::kByte:
      return read_byte().status();
    case Type::kI16:
    case Type::kI32:
    case Type::kI64:
      return read_varint().status();
    case Type::kDouble:
      return read_double().status();
    case Type::kBinary:
      return read_binary().status();
    case Type::kList:
    case Type::kSet: {
      BRAID_ASSIGN_OR_RETURN(ListHeader h, read_list());
      for (uint32_t i = 0; i < h.size; ++i) {
        if (h.element_type == Type::kBoolTrue || h.element_type == Type::kBoolFalse) {
          BRAID_RETURN_IF_ERROR(read_bool());  // one byte per element inside containers
        } else {
          BRAID_RETURN_IF_ERROR(skip_depth(h.element_type, depth + 1));
        }
      }
      return Status::OK();
    }
    case Type::kMap: {
      BRAID_ASSIGN_OR_RETURN(uint64_t size, read_varint());
      if (size == 0) return Status::OK();
      if (size > remaining()) return Status::corruption("thrift: map of {} entries too large", size);
      BRAID_ASSIGN_OR_RETURN(int8_t kv, read_byte());
      auto key = static_cast<Type>((static_cast<uint8_t>(kv) >> 4) & 0x0f);
      auto value = static_cast<Type>(static_cast<uint8_t>(kv) & 0x0f);
      if (!valid_type(static_cast<uint8_t>(key)) || !valid_type(static_cast<uint8_t>(value))) {
        return Status::corruption("thrift: invalid map types");
      }
      for (uint64_t i = 0; i < size; ++i) {
        for (Type t : {key, value}) {
          if (t == Type::kBoolTrue || t == Type::kBoolFalse) {
            BRAID_RETURN_IF_ERROR(read_bool());
          } else {
            BRAID_RETURN_IF_ERROR(skip_depth(t, depth + 1));
          }
        }
      }
      return Status::OK();
    }
    case Type::kStruct: {
      BRAID_RETURN_IF_ERROR(begin_struct());
      while (true) {
        BRAID_ASSIGN_OR_RETURN(FieldHeader f, read_field());
        if (f.is_stop()) break;
        BRAID_RETURN_IF_ERROR(skip_depth(f.type, depth + 1));
      }
      end_struct();
      return Status::OK();
    }
    case Type::kStop:
      break;
  }
  return Status::corruption("thrift: cannot skip a value of type {}", static_cast<int>(type));
}

// ---- writer

void CompactWriter::write_varint(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void CompactWriter::field_header(Type type, int16_t id) {
  int16_t& last = last_field_ids_.back();
  int delta = id - last;
  if (delta > 0 && delta <= 15) {
    out_.push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_.push_back(static_cast<char>(type));
    write_varint(zigzag(id));
  }
  last = id;
}

void CompactWriter::begin_struct() { last_field_ids_.push_back(0); }

void CompactWriter::end_struct() {
  out_.push_back(0);
  last_field_ids_.pop_back();
}

void CompactWriter::field_bool(int16_t id, bool v) {
  field_header(v ? Type::kBoolTrue : Type::kBoolFalse, id);
}
void CompactWriter::field_i8(int16_t id, int8_t v) {
  field_header(Type::kByte, id);
  out_.push_back(static_cast<char>(v));
}
void CompactWriter::field_i16(int16_t id, int16_t v) {
  field_header(Type::kI16, id);
  write_varint(zigzag(v));
}
void CompactWriter::field_i32(int16_t id, int32_t v) {
  field_header(Type::kI32, id);
  write_varint(zigzag(v));
}
void CompactWriter::field_i64(int16_t id, int64_t v) {
  field_header(Type::kI64, id);
  write_varint(zigzag(v));
}
void CompactWriter::field_double(int16_t id, double v) {
  field_header(Type::kDouble, id);
  char b[8];
  std::memcpy(b, &v, 8);
  out_.append(b, 8);
}
void CompactWriter::field_binary(int16_t id, std::string_view v) {
  field_header(Type::kBinary, id);
  element_binary(v);
}
void CompactWriter::element_binary(std::string_view v) {
  write_varint(v.size());
  out_.append(v);
}
void CompactWriter::field_struct_begin(int16_t id) {
  field_header(Type::kStruct, id);
  begin_struct();
}
void CompactWriter::field_list_begin(int16_t id, Type element_type, uint32_t size) {
  field_header(Type::kList, id);
  if (size < 15) {
    out_.push_back(static_cast<char>((size << 4) | static_cast<uint32_t>(element_type)));
  } else {
    out_.push_back(static_cast<char>(0xf0 | static_cast<uint32_t>(element_type)));
    write_varint(size);
  }
}

}  // namespace braid::parquet::thrift
