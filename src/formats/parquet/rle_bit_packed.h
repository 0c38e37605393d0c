// The RLE / bit-packed hybrid encoding (parquet-format Encodings.md, "Run Length Encoding /
// Bit-Packing Hybrid"): definition and repetition levels, dictionary indices and RLE booleans.
//
// The decoder reads from an untrusted buffer: it never reads past `size` and reports how many
// values it produced, so a short stream is detected by the caller comparing counts.
// Thread-safety: one thread per decoder/encoder.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace braid::parquet {

// Unpacks `count` values of `bit_width` bits (0..32), packed LSB-first, from `in`, which holds
// at least ceil(count * bit_width / 8) bytes.
void unpack_bits32(const uint8_t* in, size_t in_size, uint32_t* out, int64_t count, int bit_width);
// The same for up to 64 bits (DELTA_BINARY_PACKED miniblocks).
void unpack_bits64(const uint8_t* in, size_t in_size, uint64_t* out, int64_t count, int bit_width);

class RleBitPackedDecoder {
 public:
  RleBitPackedDecoder() = default;
  RleBitPackedDecoder(const uint8_t* data, size_t size, int bit_width) { reset(data, size, bit_width); }
  void reset(const uint8_t* data, size_t size, int bit_width);

  // Decodes up to `n` values; returns how many were decoded (fewer means the data ran out or is
  // malformed; `error()` tells which).
  int64_t get_batch(uint32_t* out, int64_t n);
  // Decodes up to n levels (each at most max_level, else error()) into int16: RLE runs are
  // filled directly, bit-packed runs go through `scratch`.
  int64_t get_levels(int16_t* out, int64_t n, uint32_t max_level, std::vector<uint32_t>& scratch);
  // Skips up to n values; returns how many were skipped.
  int64_t skip(int64_t n);
  // Set when the data was malformed (not merely exhausted).
  bool error() const { return error_; }
  size_t bytes_consumed() const { return pos_; }

 private:
  bool next_run();

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t pos_ = 0;
  int bit_width_ = 0;
  bool error_ = false;
  // Current run.
  int64_t rle_left_ = 0;
  uint32_t rle_value_ = 0;
  int64_t packed_left_ = 0;  // values left in the current bit-packed run
  const uint8_t* packed_ = nullptr;
  int64_t packed_index_ = 0;  // next value index within the bit-packed run
  size_t packed_bytes_ = 0;
};

// Encodes values with runs of 8+ equal values as RLE runs and the rest bit-packed.
class RleBitPackedEncoder {
 public:
  explicit RleBitPackedEncoder(int bit_width) : bit_width_(bit_width) {}
  void put(uint32_t value);
  // Appends the encoded stream (without a length prefix) to `out` and resets.
  void flush_to(std::string* out);
  int64_t count() const { return count_; }

 private:
  void flush_literals(bool final);
  void write_rle_run();
  void write_varint(uint64_t v);

  int bit_width_;
  std::string out_;
  uint32_t pending_[8];
  int num_pending_ = 0;
  std::string literal_bytes_;  // bit-packed groups of 8 waiting for their run header
  int64_t literal_groups_ = 0;
  uint32_t run_value_ = 0;
  int64_t run_length_ = 0;
  int64_t count_ = 0;
};

// Minimum bits to represent `max_value`.
inline int bit_width_for(uint64_t max_value) {
  return max_value == 0 ? 0 : 64 - __builtin_clzll(max_value);
}

}  // namespace braid::parquet
