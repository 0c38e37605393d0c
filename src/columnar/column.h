// Column: one column of values in the Arrow memory layout.
//
// Buffers by type (Arrow columnar format):
//   null                 : none
//   boolean              : [validity, value bits]
//   fixed width          : [validity, values]           (ints, floats, decimal128, date32,
//                                                        time64, timestamp, interval, fixed binary)
//   string, binary       : [validity, int32 offsets (length + 1), data]
//   list, map            : [validity, int32 offsets (length + 1)], child: values (map: entries)
//   struct               : [validity], one child per field
// The validity buffer may be null (no nulls). `offset` applies to this column's buffers and, for
// structs, to its children too (as in Arrow); list offsets index the child absolutely.
//
// Columns are immutable and shared (ColumnPtr); slice() shares buffers without copying.
// Thread-safety: all const methods may be called concurrently.
#pragma once

#include <atomic>
#include <memory>
#include <string_view>
#include <vector>

#include "braid/result.h"
#include "columnar/bitmap.h"
#include "columnar/buffer.h"
#include "columnar/data_type.h"
#include "columnar/physical_types.h"

namespace braid {

class Column;
using ColumnPtr = std::shared_ptr<const Column>;

class Column {
 public:
  static constexpr int64_t kUnknownNullCount = -1;

  Column(TypePtr type, int64_t length, std::vector<BufferPtr> buffers,
         std::vector<ColumnPtr> children = {}, int64_t null_count = kUnknownNullCount,
         int64_t offset = 0);

  // Like the constructor, then validate(): for data that comes from outside.
  static Result<ColumnPtr> make(TypePtr type, int64_t length, std::vector<BufferPtr> buffers,
                                std::vector<ColumnPtr> children = {},
                                int64_t null_count = kUnknownNullCount, int64_t offset = 0);
  // A column of `length` nulls of any type.
  static Result<ColumnPtr> make_null(TypePtr type, int64_t length,
                                     MemoryTracker* tracker = nullptr);

  // Checks buffer counts and sizes against type, length and offset; with `full`, also that
  // offsets are monotonic and within the data, and strings are valid UTF-8.
  Status validate(bool full = false) const;

  const TypePtr& type() const { return type_; }
  TypeId type_id() const { return type_->id(); }
  int64_t length() const { return length_; }
  int64_t offset() const { return offset_; }
  int64_t null_count() const;
  bool may_have_nulls() const { return type_->id() == TypeId::kNull || buffers_[0] != nullptr; }

  const std::vector<BufferPtr>& buffers() const { return buffers_; }
  const BufferPtr& buffer(int i) const { return buffers_[static_cast<size_t>(i)]; }
  const std::vector<ColumnPtr>& children() const { return children_; }
  const ColumnPtr& child(int i) const { return children_[static_cast<size_t>(i)]; }

  // Validity bitmap (index with offset() + i), or nullptr when every value is valid.
  const uint8_t* validity_bits() const {
    return buffers_.empty() || buffers_[0] == nullptr ? nullptr : buffers_[0]->data();
  }
  bool is_valid(int64_t i) const {
    if (type_->id() == TypeId::kNull) return false;
    const uint8_t* bits = validity_bits();
    return bits == nullptr || bitmap::get(bits, offset_ + i);
  }
  bool is_null(int64_t i) const { return !is_valid(i); }

  // Fixed-width values, already advanced by offset().
  template <typename T>
  const T* values() const {
    return buffers_[1]->as<T>() + offset_;
  }
  template <typename T>
  T value(int64_t i) const {
    return values<T>()[i];
  }
  bool bool_value(int64_t i) const { return bitmap::get(buffers_[1]->data(), offset_ + i); }
  // Offsets of string/binary/list/map columns, advanced by offset(): length() + 1 entries.
  const int32_t* offsets() const { return buffers_[1]->as<int32_t>() + offset_; }
  std::string_view string_value(int64_t i) const {
    const int32_t* o = offsets();
    return {reinterpret_cast<const char*>(buffers_[2]->data()) + o[i],
            static_cast<size_t>(o[i + 1] - o[i])};
  }
  std::string_view fixed_value(int64_t i) const {
    int w = type_->byte_width();
    return {reinterpret_cast<const char*>(buffers_[1]->data()) + (offset_ + i) * w,
            static_cast<size_t>(w)};
  }

  // Struct field i with this column's offset and length applied.
  ColumnPtr struct_field(int i) const;
  // The values (list) or entries (map) child; index it with offsets().
  const ColumnPtr& list_values() const { return children_[0]; }

  // Rows [start, start + length), sharing buffers.
  ColumnPtr slice(int64_t start, int64_t length) const;

 private:
  TypePtr type_;
  int64_t length_;
  int64_t offset_;
  mutable std::atomic<int64_t> null_count_;
  std::vector<BufferPtr> buffers_;
  std::vector<ColumnPtr> children_;
};

// The number of buffers the Arrow layout of a type has (validity included).
int num_buffers_for(TypeId id);

}  // namespace braid
