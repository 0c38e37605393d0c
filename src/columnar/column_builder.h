// Column builders: append values one at a time (or in runs), then finish() into a Column.
//
// Appends never fail: growth is counted on the builder's MemoryTracker, and finish() fails with
// kOutOfMemory when a limit on that tracker has been exceeded, or kInvalidArgument when a string
// column outgrew 32-bit offsets. Validity is only materialised once a null is appended.
// After finish() a builder is empty and can be reused.
// Thread-safety: a builder is used by one thread at a time.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "columnar/buffer.h"
#include "columnar/column.h"

namespace braid {

class ColumnBuilder {
 public:
  virtual ~ColumnBuilder() = default;
  ColumnBuilder(const ColumnBuilder&) = delete;
  ColumnBuilder& operator=(const ColumnBuilder&) = delete;

  const TypePtr& type() const { return type_; }
  int64_t length() const { return length_; }
  int64_t null_count() const { return null_count_; }

  virtual void append_null() = 0;
  virtual void append_nulls(int64_t n) {
    for (int64_t i = 0; i < n; ++i) append_null();
  }
  // Makes room for `additional` more rows.
  virtual void reserve(int64_t additional) {}
  // Appends row `row` of `column`, which has this builder's type.
  virtual void append_from(const Column& column, int64_t row) = 0;

  Result<ColumnPtr> finish();

 protected:
  ColumnBuilder(TypePtr type, MemoryTracker* tracker);
  void append_valid() {
    if (has_validity_) {
      validity_.resize(bitmap::bytes_for(length_ + 1));
      bitmap::set(validity_.data(), length_);
    }
    ++length_;
  }
  void append_invalid();
  void append_valid_run(int64_t n);
  void append_invalid_run(int64_t n);
  // Hands over validity (nullptr when no nulls) and resets length and null count.
  BufferPtr finish_validity();
  virtual Result<ColumnPtr> finish_impl() = 0;

  TypePtr type_;
  MemoryTracker* tracker_;
  int64_t length_ = 0;
  int64_t null_count_ = 0;

 private:
  void materialize_validity();
  BufferBuilder validity_;
  bool has_validity_ = false;
};

class NullBuilder final : public ColumnBuilder {
 public:
  explicit NullBuilder(MemoryTracker* tracker = nullptr);
  void append_null() override;
  void append_nulls(int64_t n) override;
  void append_from(const Column& column, int64_t row) override { append_null(); }

 private:
  Result<ColumnPtr> finish_impl() override;
};

class BooleanBuilder final : public ColumnBuilder {
 public:
  explicit BooleanBuilder(MemoryTracker* tracker = nullptr);
  void append(bool v);
  void append_null() override;
  void reserve(int64_t additional) override;
  void append_from(const Column& column, int64_t row) override;

 private:
  Result<ColumnPtr> finish_impl() override;
  BufferBuilder bits_;
};

// Fixed-width values of type T: ints, floats, Int128 (decimal128), MonthDayNanos (interval);
// int32 for date32 and int64 for time64/timestamp.
template <typename T>
class PrimitiveBuilder final : public ColumnBuilder {
 public:
  PrimitiveBuilder(TypePtr type, MemoryTracker* tracker = nullptr);
  void append(T v) {
    values_.append_value(v);
    append_valid();
  }
  // After reserve(): no capacity check.
  void unsafe_append(T v) {
    values_.unsafe_append_value(v);
    append_valid();
  }
  void append_values(const T* v, int64_t n);
  void append_null() override;
  void append_nulls(int64_t n) override;
  void reserve(int64_t additional) override { values_.reserve(additional * sizeof(T)); }
  void append_from(const Column& column, int64_t row) override;

 private:
  Result<ColumnPtr> finish_impl() override;
  BufferBuilder values_;
};

// string and binary (int32 offsets).
class BinaryBuilder final : public ColumnBuilder {
 public:
  BinaryBuilder(TypePtr type, MemoryTracker* tracker = nullptr);
  void append(std::string_view v) {
    data_.append(v.data(), static_cast<int64_t>(v.size()));
    push_offset();
    append_valid();
  }
  void append_null() override;
  void reserve(int64_t additional) override { offsets_.reserve(additional * 4); }
  void reserve_data(int64_t bytes) { data_.reserve(bytes); }
  int64_t data_size() const { return data_.size(); }
  void append_from(const Column& column, int64_t row) override;

 private:
  void push_offset() {
    if (data_.size() > INT32_MAX) overflow_ = true;
    offsets_.append_value(static_cast<int32_t>(data_.size()));
  }
  Result<ColumnPtr> finish_impl() override;
  BufferBuilder offsets_;
  BufferBuilder data_;
  bool overflow_ = false;
};

class FixedSizeBinaryBuilder final : public ColumnBuilder {
 public:
  FixedSizeBinaryBuilder(TypePtr type, MemoryTracker* tracker = nullptr);
  // `v` must have exactly byte_width() bytes.
  void append(std::string_view v);
  void append_null() override;
  void reserve(int64_t additional) override { values_.reserve(additional * width_); }
  void append_from(const Column& column, int64_t row) override;

 private:
  Result<ColumnPtr> finish_impl() override;
  int width_;
  BufferBuilder values_;
};

// Structs: append(true) then exactly one value to every field builder; append_null() appends
// nulls to the fields itself.
class StructBuilder final : public ColumnBuilder {
 public:
  StructBuilder(TypePtr type, std::vector<std::unique_ptr<ColumnBuilder>> fields,
                MemoryTracker* tracker = nullptr);
  void append() { append_valid(); }
  void append_null() override;
  ColumnBuilder* field_builder(int i) { return fields_[static_cast<size_t>(i)].get(); }
  int num_fields() const { return static_cast<int>(fields_.size()); }
  void append_from(const Column& column, int64_t row) override;

 private:
  Result<ColumnPtr> finish_impl() override;
  std::vector<std::unique_ptr<ColumnBuilder>> fields_;
};

// Lists and maps: append() starts a new (non-null) list, then append its elements to
// values() (for a map, values() is the entries StructBuilder: append() on it, then one key and
// one value). append_null() appends a null list.
class ListBuilder final : public ColumnBuilder {
 public:
  ListBuilder(TypePtr type, std::unique_ptr<ColumnBuilder> values,
              MemoryTracker* tracker = nullptr);
  void append() {
    push_offset();
    append_valid();
  }
  void append_null() override;
  ColumnBuilder* values() { return values_.get(); }
  // Map helpers: the key and value builders inside the entries struct.
  ColumnBuilder* map_keys();
  ColumnBuilder* map_items();
  void append_from(const Column& column, int64_t row) override;

 private:
  void push_offset();
  Result<ColumnPtr> finish_impl() override;
  std::unique_ptr<ColumnBuilder> values_;
  BufferBuilder offsets_;
  bool overflow_ = false;
};

// A builder for any type (nested builders are created recursively).
std::unique_ptr<ColumnBuilder> make_builder(const TypePtr& type, MemoryTracker* tracker = nullptr);

using Int8Builder = PrimitiveBuilder<int8_t>;
using Int16Builder = PrimitiveBuilder<int16_t>;
using Int32Builder = PrimitiveBuilder<int32_t>;
using Int64Builder = PrimitiveBuilder<int64_t>;
using UInt8Builder = PrimitiveBuilder<uint8_t>;
using UInt16Builder = PrimitiveBuilder<uint16_t>;
using UInt32Builder = PrimitiveBuilder<uint32_t>;
using UInt64Builder = PrimitiveBuilder<uint64_t>;
using Float32Builder = PrimitiveBuilder<float>;
using Float64Builder = PrimitiveBuilder<double>;
using Decimal128Builder = PrimitiveBuilder<Int128>;
using IntervalBuilder = PrimitiveBuilder<MonthDayNanos>;

extern template class PrimitiveBuilder<int8_t>;
extern template class PrimitiveBuilder<int16_t>;
extern template class PrimitiveBuilder<int32_t>;
extern template class PrimitiveBuilder<int64_t>;
extern template class PrimitiveBuilder<uint8_t>;
extern template class PrimitiveBuilder<uint16_t>;
extern template class PrimitiveBuilder<uint32_t>;
extern template class PrimitiveBuilder<uint64_t>;
extern template class PrimitiveBuilder<float>;
extern template class PrimitiveBuilder<double>;
extern template class PrimitiveBuilder<Int128>;
extern template class PrimitiveBuilder<MonthDayNanos>;

}  // namespace braid
