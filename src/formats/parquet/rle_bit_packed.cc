#include "formats/parquet/rle_bit_packed.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace braid::parquet {

namespace {

inline uint64_t load64_safe(const uint8_t* p, size_t available) {
  uint64_t v = 0;
  std::memcpy(&v, p, std::min<size_t>(8, available));
  return v;
}

}  // namespace

namespace {

// Eight values of W bits at a time: with W known at compile time every shift and mask is a
// constant and the loop unrolls. `in` must have W + 8 readable bytes.
template <int W>
void unpack8_loop(const uint8_t* in, size_t in_size, uint32_t* out, int64_t& i, int64_t count) {
  constexpr uint64_t mask = W == 32 ? 0xffffffffULL : (uint64_t{1} << W) - 1;
  for (; i + 8 <= count; i += 8) {
    const size_t base = static_cast<size_t>(i / 8) * W;
    if (base + W + 8 > in_size) break;
    const uint8_t* p = in + base;
    for (int k = 0; k < 8; ++k) {
      uint64_t word;
      std::memcpy(&word, p + (k * W) / 8, 8);
      out[i + k] = static_cast<uint32_t>((word >> ((k * W) % 8)) & mask);
    }
  }
}

template <int... Ws>
void unpack8_dispatch(int width, const uint8_t* in, size_t in_size, uint32_t* out, int64_t& i,
                      int64_t count, std::integer_sequence<int, Ws...>) {
  ((width == Ws + 1 ? unpack8_loop<Ws + 1>(in, in_size, out, i, count) : void()), ...);
}

}  // namespace

void unpack_bits32(const uint8_t* in, size_t in_size, uint32_t* out, int64_t count, int bit_width) {
  if (bit_width == 0) {
    std::fill(out, out + count, 0u);
    return;
  }
  int64_t i = 0;
  unpack8_dispatch(bit_width, in, in_size, out, i, count, std::make_integer_sequence<int, 32>{});
  // The tail (and whatever the fast loop could not load safely), value by value.
  const uint64_t mask = bit_width == 32 ? 0xffffffffULL : (uint64_t{1} << bit_width) - 1;
  for (; i < count; ++i) {
    uint64_t bit = static_cast<uint64_t>(i) * static_cast<uint64_t>(bit_width);
    size_t byte = static_cast<size_t>(bit >> 3);
    uint64_t word = byte < in_size ? load64_safe(in + byte, in_size - byte) : 0;
    out[i] = static_cast<uint32_t>((word >> (bit & 7)) & mask);
  }
}

void unpack_bits64(const uint8_t* in, size_t in_size, uint64_t* out, int64_t count, int bit_width) {
  if (bit_width == 0) {
    std::fill(out, out + count, uint64_t{0});
    return;
  }
  const uint64_t mask = bit_width == 64 ? ~uint64_t{0} : (uint64_t{1} << bit_width) - 1;
  for (int64_t i = 0; i < count; ++i) {
    uint64_t bit = static_cast<uint64_t>(i) * static_cast<uint64_t>(bit_width);
    size_t byte = static_cast<size_t>(bit >> 3);
    int shift = static_cast<int>(bit & 7);
    // A value of up to 64 bits at a bit offset spans at most 9 bytes.
    uint64_t lo = byte < in_size ? load64_safe(in + byte, in_size - byte) : 0;
    uint64_t v = lo >> shift;
    if (shift + bit_width > 64) {
      uint64_t hi = byte + 8 < in_size ? in[byte + 8] : 0;
      v |= hi << (64 - shift);
    }
    out[i] = v & mask;
  }
}

void RleBitPackedDecoder::reset(const uint8_t* data, size_t size, int bit_width) {
  data_ = data;
  size_ = size;
  pos_ = 0;
  bit_width_ = bit_width;
  error_ = bit_width < 0 || bit_width > 32;
  rle_left_ = 0;
  packed_left_ = 0;
}

bool RleBitPackedDecoder::next_run() {
  if (error_ || pos_ >= size_) return false;
  // ULEB128 run header.
  uint64_t header = 0;
  int shift = 0;
  while (true) {
    if (pos_ >= size_ || shift > 63) {
      error_ = shift > 63;
      return false;
    }
    uint8_t b = data_[pos_++];
    header |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) break;
    shift += 7;
  }
  if (header & 1) {
    // Bit-packed run of (header >> 1) groups of 8 values.
    uint64_t groups = header >> 1;
    uint64_t bytes = groups * static_cast<uint64_t>(bit_width_);  // 8 values * width / 8
    if (groups == 0) return next_run();
    size_t available = size_ - pos_;
    packed_ = data_ + pos_;
    // The last run may be cut short by a writer that stopped at the values it had; take what is
    // there and let the caller's count check catch a real shortfall.
    packed_bytes_ = static_cast<size_t>(std::min<uint64_t>(bytes, available));
    uint64_t values = groups * 8;
    if (bytes > available) {
      values = bit_width_ == 0 ? values : (static_cast<uint64_t>(available) * 8) / static_cast<uint64_t>(bit_width_);
    }
    packed_left_ = static_cast<int64_t>(values);
    packed_index_ = 0;
    pos_ += packed_bytes_;
    return packed_left_ > 0;
  }
  uint64_t count = header >> 1;
  int value_bytes = (bit_width_ + 7) / 8;
  if (size_ - pos_ < static_cast<size_t>(value_bytes)) return false;
  uint32_t v = 0;
  for (int i = 0; i < value_bytes; ++i) v |= static_cast<uint32_t>(data_[pos_ + static_cast<size_t>(i)]) << (8 * i);
  pos_ += static_cast<size_t>(value_bytes);
  if (bit_width_ < 32 && (v >> bit_width_) != 0) {
    error_ = true;  // an RLE value wider than the bit width
    return false;
  }
  rle_value_ = v;
  rle_left_ = static_cast<int64_t>(std::min<uint64_t>(count, INT64_MAX));
  return rle_left_ > 0 || next_run();
}

int64_t RleBitPackedDecoder::get_batch(uint32_t* out, int64_t n) {
  int64_t done = 0;
  while (done < n) {
    if (rle_left_ > 0) {
      int64_t k = std::min(rle_left_, n - done);
      std::fill(out + done, out + done + k, rle_value_);
      rle_left_ -= k;
      done += k;
    } else if (packed_left_ > 0) {
      int64_t k = std::min(packed_left_, n - done);
      // Unpack from the run's start offset: values are bit_width bits each.
      uint64_t start_bit = static_cast<uint64_t>(packed_index_) * static_cast<uint64_t>(bit_width_);
      size_t byte = static_cast<size_t>(start_bit / 8);
      if ((start_bit & 7) == 0) {
        unpack_bits32(packed_ + byte, packed_bytes_ - byte, out + done, k, bit_width_);
      } else {
        // Only happens when a batch boundary falls inside a group of values with an odd width.
        for (int64_t i = 0; i < k; ++i) {
          uint64_t bit = start_bit + static_cast<uint64_t>(i) * static_cast<uint64_t>(bit_width_);
          size_t b = static_cast<size_t>(bit >> 3);
          uint64_t word = load64_safe(packed_ + b, packed_bytes_ - b);
          uint64_t mask = bit_width_ == 32 ? 0xffffffffULL : (uint64_t{1} << bit_width_) - 1;
          out[done + i] = static_cast<uint32_t>((word >> (bit & 7)) & mask);
        }
      }
      packed_index_ += k;
      packed_left_ -= k;
      done += k;
    } else if (!next_run()) {
      break;
    }
  }
  return done;
}

int64_t RleBitPackedDecoder::get_levels(int16_t* out, int64_t n, uint32_t max_level,
                                        std::vector<uint32_t>& scratch) {
  int64_t done = 0;
  while (done < n) {
    if (rle_left_ > 0) {
      if (rle_value_ > max_level) {
        error_ = true;
        break;
      }
      int64_t k = std::min(rle_left_, n - done);
      std::fill(out + done, out + done + k, static_cast<int16_t>(rle_value_));
      rle_left_ -= k;
      done += k;
    } else if (packed_left_ > 0) {
      int64_t k = std::min(packed_left_, n - done);
      scratch.resize(static_cast<size_t>(k));
      get_batch(scratch.data(), k);
      for (int64_t i = 0; i < k; ++i) {
        uint32_t v = scratch[static_cast<size_t>(i)];
        if (v > max_level) {
          error_ = true;
          return done + i;
        }
        out[done + i] = static_cast<int16_t>(v);
      }
      done += k;
    } else if (!next_run()) {
      break;
    }
  }
  return done;
}

int64_t RleBitPackedDecoder::skip(int64_t n) {
  int64_t done = 0;
  while (done < n) {
    if (rle_left_ > 0) {
      int64_t k = std::min(rle_left_, n - done);
      rle_left_ -= k;
      done += k;
    } else if (packed_left_ > 0) {
      int64_t k = std::min(packed_left_, n - done);
      packed_index_ += k;
      packed_left_ -= k;
      done += k;
    } else if (!next_run()) {
      break;
    }
  }
  return done;
}

// ---- encoder

void RleBitPackedEncoder::write_varint(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void RleBitPackedEncoder::put(uint32_t value) {
  ++count_;
  if (run_length_ > 0 && value == run_value_) {
    ++run_length_;
    return;
  }
  // The current run ended. Long runs (>= 8) become RLE; shorter ones are literals.
  if (run_length_ >= 8) {
    write_rle_run();
  } else {
    for (int64_t i = 0; i < run_length_; ++i) {
      pending_[num_pending_++] = run_value_;
      if (num_pending_ == 8) flush_literals(false);
    }
  }
  run_value_ = value;
  run_length_ = 1;
}

void RleBitPackedEncoder::flush_literals(bool final) {
  if (num_pending_ == 0 && !final) return;
  if (num_pending_ > 0) {
    // Pack one group of 8 (padding with zeros).
    for (int i = num_pending_; i < 8; ++i) pending_[i] = 0;
    uint64_t acc = 0;
    int bits = 0;
    for (int i = 0; i < 8; ++i) {
      acc |= static_cast<uint64_t>(pending_[i]) << bits;
      bits += bit_width_;
      while (bits >= 8) {
        literal_bytes_.push_back(static_cast<char>(acc & 0xff));
        acc >>= 8;
        bits -= 8;
      }
    }
    if (bits > 0) literal_bytes_.push_back(static_cast<char>(acc & 0xff));
    ++literal_groups_;
    num_pending_ = 0;
  }
  // A literal run header holds at most 2^31 groups; flush well before, and always at the end.
  if (final || literal_groups_ >= 63) {
    if (literal_groups_ > 0) {
      write_varint(static_cast<uint64_t>(literal_groups_) << 1 | 1);
      out_ += literal_bytes_;
      literal_bytes_.clear();
      literal_groups_ = 0;
    }
  }
}

void RleBitPackedEncoder::write_rle_run() {
  // Literals before the run must be complete groups of 8: top up from the run itself.
  while (num_pending_ > 0 && num_pending_ < 8 && run_length_ > 0) {
    pending_[num_pending_++] = run_value_;
    --run_length_;
  }
  if (num_pending_ == 8) flush_literals(false);
  flush_literals(true);  // close the literal run before the RLE run
  if (run_length_ == 0) return;
  write_varint(static_cast<uint64_t>(run_length_) << 1);
  int value_bytes = (bit_width_ + 7) / 8;
  for (int i = 0; i < value_bytes; ++i) out_.push_back(static_cast<char>((run_value_ >> (8 * i)) & 0xff));
  run_length_ = 0;
}

void RleBitPackedEncoder::flush_to(std::string* out) {
  if (run_length_ >= 8) {
    write_rle_run();
  } else {
    for (int64_t i = 0; i < run_length_; ++i) {
      pending_[num_pending_++] = run_value_;
      if (num_pending_ == 8) flush_literals(false);
    }
    run_length_ = 0;
  }
  // A final partial group is padded; the reader stops at the value count it knows.
  if (num_pending_ > 0) flush_literals(false);
  flush_literals(true);
  out->append(out_);
  out_.clear();
  count_ = 0;
}

}  // namespace braid::parquet
