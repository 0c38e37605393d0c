// Column sinks of the CSV reader (private to formats/csv): values parsed from one block are
// written straight into Arrow buffers, a batch of rows at a time.
//
// They do what the generic builders of columnar/column_builder.h do, minus the per-value
// bookkeeping that dominates when values are a few bytes long: capacity is made once per batch
// (begin_batch), the validity bitmap is sized per batch rather than per value, and short strings
// are copied with one fixed-size 16-byte move.
//
// Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

#include "columnar/bitmap.h"
#include "columnar/buffer.h"
#include "columnar/column.h"

namespace braid::csv::internal {

class ColumnSink {
 public:
  explicit ColumnSink(TypePtr type) : type_(std::move(type)) {}
  virtual ~ColumnSink() = default;
  ColumnSink(const ColumnSink&) = delete;
  ColumnSink& operator=(const ColumnSink&) = delete;

  int64_t length() const { return length_; }
  // Makes room for `rows` more values.
  virtual void begin_batch(size_t rows) = 0;
  // A hint: about `rows` more values will come (saves regrowing buffers).
  virtual void expect(size_t rows) = 0;
  // The column, or kOutOfMemory when a memory limit was crossed while it grew. The sink is
  // spent afterwards.
  virtual Result<ColumnPtr> finish() = 0;

 protected:
  void begin_validity(size_t rows) {
    batch_end_ = length_ + static_cast<int64_t>(rows);
    if (has_validity_) validity_.resize(bitmap::bytes_for(batch_end_));  // new bits: 0 (null)
  }
  [[gnu::always_inline]] void mark_valid() {
    if (has_validity_) bitmap::set(validity_.data(), length_);
    ++length_;
  }
  void mark_null() {
    if (!has_validity_) {
      // The first null: every value so far was valid.
      has_validity_ = true;
      validity_.resize(bitmap::bytes_for(batch_end_));
      bitmap::fill(validity_.data(), 0, length_, true);
    }
    ++null_count_;
    ++length_;
  }
  void expect_validity(size_t rows) {
    if (has_validity_) validity_.reserve(bitmap::bytes_for(static_cast<int64_t>(rows)) + 1);
  }
  BufferPtr finish_validity() {
    if (!has_validity_ || null_count_ == 0) return nullptr;
    validity_.resize(bitmap::bytes_for(length_));
    return validity_.finish();
  }
  static Status check_memory_limit() {
    for (MemoryTracker* t = &MemoryTracker::process(); t != nullptr; t = t->parent()) {
      if (t->limit() > 0 && t->current() > t->limit()) {
        return Status::out_of_memory("memory limit of {} ({}) exceeded: {} in use", t->name(),
                                     format_bytes(t->limit()), format_bytes(t->current()));
      }
    }
    return Status::OK();
  }

  TypePtr type_;
  int64_t length_ = 0;
  int64_t null_count_ = 0;

 private:
  BufferBuilder validity_;
  bool has_validity_ = false;
  int64_t batch_end_ = 0;
};

// Fixed-width values of type T (int32 for dates, int64 for times and timestamps, Int128 for
// decimals).
template <typename T>
class FixedColumnSink final : public ColumnSink {
 public:
  using ColumnSink::ColumnSink;

  void begin_batch(size_t rows) override {
    values_.reserve(static_cast<int64_t>(rows * sizeof(T)));
    begin_validity(rows);
  }
  void expect(size_t rows) override {
    values_.reserve(static_cast<int64_t>(rows * sizeof(T)));
    expect_validity(rows);
  }
  // Inlined into the parse loops (one call per value otherwise).
  [[gnu::always_inline]] void append(T v) {
    values_.unsafe_append_value(v);
    mark_valid();
  }
  [[gnu::always_inline]] void append_null() {
    values_.unsafe_append_value(T{});
    mark_null();
  }
  Result<ColumnPtr> finish() override {
    BRAID_RETURN_IF_ERROR(check_memory_limit());
    auto validity = finish_validity();
    return ColumnPtr(std::make_shared<const Column>(
        type_, length_, std::vector<BufferPtr>{validity, values_.finish()},
        std::vector<ColumnPtr>{}, null_count_));
  }

 private:
  BufferBuilder values_;
};

class BooleanColumnSink final : public ColumnSink {
 public:
  using ColumnSink::ColumnSink;

  void begin_batch(size_t rows) override {
    bits_.resize(bitmap::bytes_for(length_ + static_cast<int64_t>(rows)));  // new bits: false
    begin_validity(rows);
  }
  void expect(size_t rows) override {
    bits_.reserve(bitmap::bytes_for(static_cast<int64_t>(rows)) + 1);
    expect_validity(rows);
  }
  [[gnu::always_inline]] void append(bool v) {
    if (v) bitmap::set(bits_.data(), length_);
    mark_valid();
  }
  void append_null() { mark_null(); }
  Result<ColumnPtr> finish() override {
    BRAID_RETURN_IF_ERROR(check_memory_limit());
    bits_.resize(bitmap::bytes_for(length_));
    auto validity = finish_validity();
    return ColumnPtr(std::make_shared<const Column>(
        type_, length_, std::vector<BufferPtr>{validity, bits_.finish()},
        std::vector<ColumnPtr>{}, null_count_));
  }

 private:
  BufferBuilder bits_;
};

// string and binary values (int32 offsets).
class StringColumnSink final : public ColumnSink {
 public:
  explicit StringColumnSink(TypePtr type) : ColumnSink(std::move(type)) {
    offsets_.append_value<int32_t>(0);
  }

  void begin_batch(size_t rows) override { begin_batch(rows, 0); }
  // `max_bytes`: an upper bound of the text bytes the batch appends.
  void begin_batch(size_t rows, size_t max_bytes) {
    offsets_.reserve(static_cast<int64_t>(rows * sizeof(int32_t)));
    // Room for the text plus the 16-byte copy's overrun; end_batch() trims what is unused.
    data_.resize(cursor_ + static_cast<int64_t>(max_bytes) + 16);
    begin_validity(rows);
  }
  void end_batch() { data_.resize(cursor_); }
  void expect(size_t rows) override {
    offsets_.reserve(static_cast<int64_t>(rows * sizeof(int32_t)));
    // As many text bytes per value as so far.
    if (length_ > 0) data_.reserve(static_cast<int64_t>(rows) * cursor_ / length_ + 16);
    expect_validity(rows);
  }

  // `padded`: 16 bytes may be read from text.data() whatever its size (true for text inside
  // the reader's buffer, which has padding after its end).
  [[gnu::always_inline]] void append(std::string_view text, bool padded) {
    uint8_t* out = data_.data() + cursor_;
    if (padded && text.size() <= 16) {
      std::memcpy(out, text.data(), 16);
    } else {
      std::memcpy(out, text.data(), text.size());
    }
    cursor_ += static_cast<int64_t>(text.size());
    push_offset();
    mark_valid();
  }
  void append_null() {
    push_offset();
    mark_null();
  }
  Result<ColumnPtr> finish() override {
    BRAID_RETURN_IF_ERROR(check_memory_limit());
    if (cursor_ > INT32_MAX) {
      return Status::invalid_argument(
          "a {} column holds more than 2 GiB of data in one block; use a smaller block_bytes",
          type_->to_string());
    }
    data_.resize(cursor_);
    auto validity = finish_validity();
    return ColumnPtr(std::make_shared<const Column>(
        type_, length_, std::vector<BufferPtr>{validity, offsets_.finish(), data_.finish()},
        std::vector<ColumnPtr>{}, null_count_));
  }

 private:
  void push_offset() { offsets_.unsafe_append_value(static_cast<int32_t>(cursor_)); }

  BufferBuilder offsets_;
  BufferBuilder data_;
  int64_t cursor_ = 0;  // bytes of text written; data_ is longer while a batch is open
};

}  // namespace braid::csv::internal
