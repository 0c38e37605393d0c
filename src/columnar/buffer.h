// Buffer: a contiguous, immutable-once-shared block of bytes holding column data.
//
// Buffers we allocate are 64-byte aligned and padded to a multiple of 64 bytes (the Arrow
// recommendation, and what SIMD loops over whole words rely on), zero-filled past `size`, and
// counted by a MemoryTracker for as long as they live. Buffers imported through the Arrow C Data
// Interface wrap foreign memory and keep its owner alive instead.
//
// Buffers are shared by shared_ptr; slicing a column shares them without copying.
// Thread-safety: reading a shared buffer is safe from any thread; only the creator writes,
// before sharing.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>

#include "braid/result.h"
#include "common/memory_tracker.h"

namespace braid {

class Buffer;
using BufferPtr = std::shared_ptr<Buffer>;

inline constexpr int64_t kBufferAlignment = 64;

class Buffer {
 public:
  // A zero-filled buffer of `size` bytes. Fails with kOutOfMemory past the tracker's limit.
  static Result<BufferPtr> allocate(int64_t size, MemoryTracker* tracker = nullptr);
  // A buffer whose first `size` bytes are left as they are (only the padding is zeroed), for a
  // caller that writes every one of them: zero-filling a large buffer first costs as much as
  // writing it.
  static Result<BufferPtr> allocate_uninitialized(int64_t size, MemoryTracker* tracker = nullptr);
  // Wraps memory owned elsewhere; `owner` is kept alive as long as the buffer.
  static BufferPtr wrap(const uint8_t* data, int64_t size, std::shared_ptr<const void> owner);
  // A copy of the bytes (for tests and small constants).
  static Result<BufferPtr> copy_of(const void* data, int64_t size,
                                   MemoryTracker* tracker = nullptr);

  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  const uint8_t* data() const { return data_; }
  // Writable only by the buffer's creator, before it is shared.
  uint8_t* mutable_data() { return const_cast<uint8_t*>(data_); }
  int64_t size() const { return size_; }
  int64_t capacity() const { return capacity_; }
  template <typename T>
  const T* as() const {
    return reinterpret_cast<const T*>(data_);
  }
  template <typename T>
  T* mutable_as() {
    return reinterpret_cast<T*>(mutable_data());
  }

  // Shrinks the logical size (capacity and accounting stay).
  void set_size(int64_t size) { size_ = size; }

 private:
  friend class BufferBuilder;
  Buffer() = default;

  const uint8_t* data_ = nullptr;
  int64_t size_ = 0;
  int64_t capacity_ = 0;
  MemoryTracker* tracker_ = nullptr;       // set when we allocated data_
  std::shared_ptr<const void> owner_;      // set when data_ is foreign
};

// A growable, 64-byte aligned byte buffer for building columns; finish() hands the bytes over
// to an immutable Buffer without copying. Growth is counted on the tracker but never fails on a
// limit (builders check the tracker when they finish; see ColumnBuilder::finish).
class BufferBuilder {
 public:
  explicit BufferBuilder(MemoryTracker* tracker = nullptr);
  ~BufferBuilder();
  BufferBuilder(BufferBuilder&& other) noexcept;
  BufferBuilder& operator=(BufferBuilder&& other) noexcept;
  BufferBuilder(const BufferBuilder&) = delete;
  BufferBuilder& operator=(const BufferBuilder&) = delete;

  int64_t size() const { return size_; }
  int64_t capacity() const { return capacity_; }
  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  template <typename T>
  T* data_as() {
    return reinterpret_cast<T*>(data_);
  }

  // Ensures room for `additional` more bytes (amortised doubling).
  void reserve(int64_t additional) {
    if (size_ + additional > capacity_) grow(size_ + additional);
  }
  // Ensures a capacity of at least `capacity` bytes, growing to just that (no doubling): for a
  // caller that knows or has estimated its final size.
  void reserve_exact(int64_t capacity) {
    if (capacity > capacity_) reallocate(capacity);
  }
  // Gives back the capacity beyond size() (one copy), e.g. after an estimate that overshot.
  void shrink_to_fit();
  // Sets the size, growing (zero-filled) as needed.
  void resize(int64_t new_size);
  void append(const void* bytes, int64_t n) {
    reserve(n);
    if (n > 0) std::memcpy(data_ + size_, bytes, static_cast<size_t>(n));
    size_ += n;
  }
  template <typename T>
  void append_value(const T& v) {
    append(&v, sizeof(T));
  }
  // Appends without checking capacity (after reserve()).
  template <typename T>
  void unsafe_append_value(const T& v) {
    std::memcpy(data_ + size_, &v, sizeof(T));
    size_ += static_cast<int64_t>(sizeof(T));
  }
  void unsafe_append(const void* bytes, int64_t n) {
    if (n > 0) std::memcpy(data_ + size_, bytes, static_cast<size_t>(n));  // bytes may be null
    size_ += n;
  }
  // Sets the size within the capacity without touching the bytes (they were written directly
  // through data()).
  void resize_unchecked(int64_t new_size) { size_ = new_size; }
  // Hands over the bytes; the builder is empty afterwards.
  BufferPtr finish();
  void reset();

 private:
  void grow(int64_t min_capacity);
  // Moves the bytes to a new block of `capacity` (padded) bytes, at least size().
  void reallocate(int64_t capacity);

  MemoryTracker* tracker_;
  uint8_t* data_ = nullptr;
  int64_t size_ = 0;
  int64_t capacity_ = 0;
};

}  // namespace braid
