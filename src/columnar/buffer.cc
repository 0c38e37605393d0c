#include "columnar/buffer.h"

#include <algorithm>
#include <cstdlib>
#include <new>

namespace braid {

namespace {

int64_t padded(int64_t size) {
  return (size + kBufferAlignment - 1) / kBufferAlignment * kBufferAlignment;
}

uint8_t* aligned_alloc_bytes(int64_t capacity) {
  if (capacity == 0) capacity = kBufferAlignment;
  void* p = std::aligned_alloc(static_cast<size_t>(kBufferAlignment), static_cast<size_t>(capacity));
  if (p == nullptr) throw std::bad_alloc();
  return static_cast<uint8_t*>(p);
}

MemoryTracker* or_process(MemoryTracker* tracker) {
  return tracker != nullptr ? tracker : &MemoryTracker::process();
}

}  // namespace

Result<BufferPtr> Buffer::allocate(int64_t size, MemoryTracker* tracker) {
  BRAID_ASSIGN_OR_RETURN(auto buffer, allocate_uninitialized(size, tracker));
  if (size > 0) std::memset(buffer->mutable_data(), 0, static_cast<size_t>(size));
  return buffer;
}

Result<BufferPtr> Buffer::allocate_uninitialized(int64_t size, MemoryTracker* tracker) {
  if (size < 0) return Status::invalid_argument("negative buffer size {}", size);
  tracker = or_process(tracker);
  int64_t capacity = padded(size);
  BRAID_RETURN_IF_ERROR(tracker->reserve(capacity));
  uint8_t* data;
  try {
    data = aligned_alloc_bytes(capacity);
  } catch (const std::bad_alloc&) {
    tracker->release(capacity);
    return Status::out_of_memory("allocating a buffer of {}", format_bytes(capacity));
  }
  // The padding is zeroed so that whole-word loops and files written from it are deterministic.
  const int64_t allocated = capacity == 0 ? kBufferAlignment : capacity;
  std::memset(data + size, 0, static_cast<size_t>(allocated - size));
  auto buffer = BufferPtr(new Buffer());
  buffer->data_ = data;
  buffer->size_ = size;
  buffer->capacity_ = capacity;
  buffer->tracker_ = tracker;
  return buffer;
}

BufferPtr Buffer::wrap(const uint8_t* data, int64_t size, std::shared_ptr<const void> owner) {
  auto buffer = BufferPtr(new Buffer());
  buffer->data_ = data;
  buffer->size_ = size;
  buffer->capacity_ = size;
  buffer->owner_ = std::move(owner);
  return buffer;
}

Result<BufferPtr> Buffer::copy_of(const void* data, int64_t size, MemoryTracker* tracker) {
  BRAID_ASSIGN_OR_RETURN(auto buffer, allocate_uninitialized(size, tracker));
  if (size > 0) std::memcpy(buffer->mutable_data(), data, static_cast<size_t>(size));
  return buffer;
}

Buffer::~Buffer() {
  if (tracker_ != nullptr) {
    std::free(const_cast<uint8_t*>(data_));
    tracker_->release(capacity_);
  }
}

BufferBuilder::BufferBuilder(MemoryTracker* tracker) : tracker_(or_process(tracker)) {}

BufferBuilder::~BufferBuilder() { reset(); }

BufferBuilder::BufferBuilder(BufferBuilder&& other) noexcept
    : tracker_(other.tracker_), data_(other.data_), size_(other.size_), capacity_(other.capacity_) {
  other.data_ = nullptr;
  other.size_ = other.capacity_ = 0;
}

BufferBuilder& BufferBuilder::operator=(BufferBuilder&& other) noexcept {
  if (this != &other) {
    reset();
    tracker_ = other.tracker_;
    data_ = other.data_;
    size_ = other.size_;
    capacity_ = other.capacity_;
    other.data_ = nullptr;
    other.size_ = other.capacity_ = 0;
  }
  return *this;
}

void BufferBuilder::grow(int64_t min_capacity) {
  reallocate(std::max(min_capacity, std::max<int64_t>(capacity_ * 2, 256)));
}

void BufferBuilder::shrink_to_fit() {
  if (data_ != nullptr && padded(size_) < capacity_) reallocate(size_);
}

void BufferBuilder::reallocate(int64_t min_capacity) {
  const int64_t capacity = padded(std::max(min_capacity, size_));
  uint8_t* data = aligned_alloc_bytes(capacity);
  if (size_ > 0) std::memcpy(data, data_, static_cast<size_t>(size_));
  // Bytes past size() are left as they are: resize() zero-fills what it exposes and finish()
  // zeroes the padding, so growth need not touch memory it may never use.
  std::free(data_);
  if (capacity >= capacity_) {
    tracker_->consume(capacity - capacity_);
  } else {
    tracker_->release(capacity_ - capacity);
  }
  data_ = data;
  capacity_ = capacity;
}

void BufferBuilder::resize(int64_t new_size) {
  if (new_size > capacity_) grow(new_size);
  if (new_size > size_) std::memset(data_ + size_, 0, static_cast<size_t>(new_size - size_));
  size_ = new_size;
}

BufferPtr BufferBuilder::finish() {
  if (data_ == nullptr) grow(0);
  auto buffer = BufferPtr(new Buffer());
  // Zero the tail so padding is deterministic even after set_size-like shrinking.
  std::memset(data_ + size_, 0, static_cast<size_t>(capacity_ - size_));
  buffer->data_ = data_;
  buffer->size_ = size_;
  buffer->capacity_ = capacity_;
  buffer->tracker_ = tracker_;
  data_ = nullptr;
  size_ = capacity_ = 0;
  return buffer;
}

void BufferBuilder::reset() {
  if (data_ != nullptr) {
    std::free(data_);
    tracker_->release(capacity_);
  }
  data_ = nullptr;
  size_ = capacity_ = 0;
}

}  // namespace braid
