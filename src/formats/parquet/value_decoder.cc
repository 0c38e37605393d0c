#include "formats/parquet/value_decoder.h"

#include <cstring>
#include <string>
#include <vector>

#include "formats/parquet/rle_bit_packed.h"

namespace braid::parquet {

namespace {

Status out_of_data(std::string_view encoding, int64_t wanted, int64_t have) {
  return Status::corruption("{} values: {} requested but only {} remain in the page", encoding,
                            wanted, have);
}

// ---- PLAIN

class PlainFixedDecoder final : public ValueDecoder {
 public:
  explicit PlainFixedDecoder(int width) : width_(width) {}
  Status set_data(const uint8_t* data, size_t size, int64_t num_values) override {
    data_ = data;
    size_ = size;
    pos_ = 0;
    return Status::OK();
  }
  Status decode_fixed(int64_t n, uint8_t* out) override {
    size_t bytes = static_cast<size_t>(n) * static_cast<size_t>(width_);
    if (bytes > size_ - pos_) {
      return out_of_data("PLAIN", n, static_cast<int64_t>((size_ - pos_) / static_cast<size_t>(width_)));
    }
    if (bytes > 0) std::memcpy(out, data_ + pos_, bytes);  // out may be null when n == 0
    pos_ += bytes;
    return Status::OK();
  }

 private:
  int width_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t pos_ = 0;
};

class PlainBooleanDecoder final : public ValueDecoder {
 public:
  Status set_data(const uint8_t* data, size_t size, int64_t num_values) override {
    data_ = data;
    size_ = size;
    bit_ = 0;
    return Status::OK();
  }
  Status decode_fixed(int64_t n, uint8_t* out) override {
    if (bit_ + static_cast<uint64_t>(n) > static_cast<uint64_t>(size_) * 8) {
      return out_of_data("PLAIN boolean", n, static_cast<int64_t>(size_ * 8 - bit_));
    }
    for (int64_t i = 0; i < n; ++i, ++bit_) out[i] = (data_[bit_ >> 3] >> (bit_ & 7)) & 1;
    return Status::OK();
  }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  uint64_t bit_ = 0;
};

class PlainByteArrayDecoder final : public ValueDecoder {
 public:
  Status set_data(const uint8_t* data, size_t size, int64_t num_values) override {
    data_ = data;
    size_ = size;
    pos_ = 0;
    return Status::OK();
  }
  Status decode_binary(int64_t n, std::string_view* out) override {
    for (int64_t i = 0; i < n; ++i) {
      if (size_ - pos_ < 4) return out_of_data("PLAIN byte array", n, i);
      uint32_t len;
      std::memcpy(&len, data_ + pos_, 4);
      pos_ += 4;
      if (len > size_ - pos_) {
        return Status::corruption("PLAIN byte array: value of {} bytes but only {} remain", len,
                                  size_ - pos_);
      }
      out[i] = std::string_view(reinterpret_cast<const char*>(data_ + pos_), len);
      pos_ += len;
    }
    return Status::OK();
  }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t pos_ = 0;
};

// ---- RLE booleans: a 4-byte length, then the hybrid encoding with bit width 1.

class RleBooleanDecoder final : public ValueDecoder {
 public:
  Status set_data(const uint8_t* data, size_t size, int64_t num_values) override {
    if (size < 4) return Status::corruption("RLE boolean page shorter than its length prefix");
    uint32_t len;
    std::memcpy(&len, data, 4);
    if (len > size - 4) return Status::corruption("RLE boolean length {} exceeds the page", len);
    decoder_.reset(data + 4, len, 1);
    return Status::OK();
  }
  Status decode_fixed(int64_t n, uint8_t* out) override {
    scratch_.resize(static_cast<size_t>(n));
    int64_t got = decoder_.get_batch(scratch_.data(), n);
    if (got != n) return out_of_data("RLE boolean", n, got);
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(scratch_[static_cast<size_t>(i)]);
    return Status::OK();
  }

 private:
  RleBitPackedDecoder decoder_;
  std::vector<uint32_t> scratch_;
};

// ---- DELTA_BINARY_PACKED

// Decodes the whole stream of one DELTA_BINARY_PACKED section up front (its end is only known
// after reading every block, and DELTA_LENGTH/DELTA_BYTE_ARRAY need that end).
class DeltaBinaryPackedReader {
 public:
  // Decodes all values into out (as uint64 with wrapping arithmetic in `bits` bits); returns the
  // number of bytes consumed.
  Result<size_t> decode_all(const uint8_t* data, size_t size, int bits, std::vector<uint64_t>* out) {
    data_ = data;
    size_ = size;
    pos_ = 0;
    out->clear();
    BRAID_ASSIGN_OR_RETURN(uint64_t block_size, varint());
    BRAID_ASSIGN_OR_RETURN(uint64_t miniblocks, varint());
    BRAID_ASSIGN_OR_RETURN(uint64_t total, varint());
    BRAID_ASSIGN_OR_RETURN(uint64_t first_raw, varint());
    if (block_size == 0 || block_size % 128 != 0 || miniblocks == 0 || block_size % miniblocks != 0 ||
        (block_size / miniblocks) % 32 != 0 || block_size > (1u << 20)) {
      return Status::corruption("DELTA_BINARY_PACKED: invalid block size {} with {} miniblocks",
                                block_size, miniblocks);
    }
    // Every value takes at least... nothing (width 0); bound by a sane maximum instead.
    if (total > (uint64_t{1} << 31)) {
      return Status::corruption("DELTA_BINARY_PACKED: {} values is not plausible", total);
    }
    const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
    const uint64_t per_mini = block_size / miniblocks;
    out->reserve(static_cast<size_t>(std::min<uint64_t>(total, size * 8 + 1)));
    if (total == 0) return pos_;
    uint64_t value = unzigzag(first_raw) & mask;
    out->push_back(value);
    std::vector<uint8_t> widths(static_cast<size_t>(miniblocks));
    std::vector<uint64_t> deltas(static_cast<size_t>(per_mini));
    while (out->size() < total) {
      BRAID_ASSIGN_OR_RETURN(uint64_t min_raw, varint());
      uint64_t min_delta = unzigzag(min_raw);
      if (size_ - pos_ < miniblocks) return Status::corruption("DELTA_BINARY_PACKED: truncated block");
      std::memcpy(widths.data(), data_ + pos_, static_cast<size_t>(miniblocks));
      pos_ += static_cast<size_t>(miniblocks);
      for (uint64_t m = 0; m < miniblocks && out->size() < total; ++m) {
        int w = widths[static_cast<size_t>(m)];
        // Deltas of 32-bit values may need 33 bits (DuckDB writes such widths); arithmetic is
        // modulo 2^bits anyway, so any width up to 64 decodes correctly.
        if (w > 64) {
          return Status::corruption("DELTA_BINARY_PACKED: miniblock bit width {}", w);
        }
        size_t bytes = static_cast<size_t>(per_mini * static_cast<uint64_t>(w) / 8);
        uint64_t take = std::min<uint64_t>(per_mini, total - out->size());
        // The last miniblock may be cut short by writers that do not pad; only the values still
        // needed must be present.
        size_t needed = static_cast<size_t>((take * static_cast<uint64_t>(w) + 7) / 8);
        if (size_ - pos_ < needed) return Status::corruption("DELTA_BINARY_PACKED: truncated miniblock");
        unpack_bits64(data_ + pos_, std::min(bytes, size_ - pos_), deltas.data(),
                      static_cast<int64_t>(take), w);
        for (uint64_t i = 0; i < take; ++i) {
          value = (value + min_delta + deltas[static_cast<size_t>(i)]) & mask;
          out->push_back(value);
        }
        pos_ += std::min(bytes, size_ - pos_);
      }
    }
    return pos_;
  }

 private:
  static uint64_t unzigzag(uint64_t v) { return (v >> 1) ^ (~(v & 1) + 1); }
  Result<uint64_t> varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= size_) return Status::corruption("DELTA_BINARY_PACKED: truncated header");
      uint8_t b = data_[pos_++];
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return Status::corruption("DELTA_BINARY_PACKED: varint too long");
  }
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t pos_ = 0;
};

class DeltaBinaryPackedDecoder final : public ValueDecoder {
 public:
  explicit DeltaBinaryPackedDecoder(int width) : width_(width) {}
  Status set_data(const uint8_t* data, size_t size, int64_t num_values) override {
    BRAID_RETURN_IF_ERROR(reader_.decode_all(data, size, width_ * 8, &values_).status());
    next_ = 0;
    return Status::OK();
  }
  Status decode_fixed(int64_t n, uint8_t* out) override {
    if (static_cast<size_t>(n) > values_.size() - next_) {
      return out_of_data("DELTA_BINARY_PACKED", n, static_cast<int64_t>(values_.size() - next_));
    }
    for (int64_t i = 0; i < n; ++i) {
      uint64_t v = values_[next_++];
      if (width_ == 4) {
        auto v32 = static_cast<uint32_t>(v);
        std::memcpy(out + i * 4, &v32, 4);
      } else {
        std::memcpy(out + i * 8, &v, 8);
      }
    }
    return Status::OK();
  }

 private:
  int width_;
  DeltaBinaryPackedReader reader_;
  std::vector<uint64_t> values_;
  size_t next_ = 0;
};

// ---- DELTA_LENGTH_BYTE_ARRAY: lengths (DELTA_BINARY_PACKED), then the bytes back to back.

class DeltaLengthByteArrayDecoder final : public ValueDecoder {
 public:
  Status set_data(const uint8_t* data, size_t size, int64_t num_values) override {
    BRAID_ASSIGN_OR_RETURN(size_t used, reader_.decode_all(data, size, 32, &lengths_));
    data_ = data + used;
    size_ = size - used;
    pos_ = 0;
    next_ = 0;
    return Status::OK();
  }
  Status decode_binary(int64_t n, std::string_view* out) override {
    if (static_cast<size_t>(n) > lengths_.size() - next_) {
      return out_of_data("DELTA_LENGTH_BYTE_ARRAY", n, static_cast<int64_t>(lengths_.size() - next_));
    }
    for (int64_t i = 0; i < n; ++i) {
      auto len = static_cast<int32_t>(static_cast<uint32_t>(lengths_[next_++]));
      if (len < 0 || static_cast<size_t>(len) > size_ - pos_) {
        return Status::corruption("DELTA_LENGTH_BYTE_ARRAY: value of {} bytes but {} remain", len,
                                  size_ - pos_);
      }
      out[i] = std::string_view(reinterpret_cast<const char*>(data_ + pos_), static_cast<size_t>(len));
      pos_ += static_cast<size_t>(len);
    }
    return Status::OK();
  }

 private:
  DeltaBinaryPackedReader reader_;
  std::vector<uint64_t> lengths_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t pos_ = 0;
  size_t next_ = 0;
};

// ---- DELTA_BYTE_ARRAY: prefix lengths, suffix lengths, suffixes; value = previous[:prefix] +
// suffix. Values are rebuilt into the decoder's own buffer. Also used for FIXED_LEN_BYTE_ARRAY.

class DeltaByteArrayDecoder final : public ValueDecoder {
 public:
  explicit DeltaByteArrayDecoder(int fixed_width) : fixed_width_(fixed_width) {}
  Status set_data(const uint8_t* data, size_t size, int64_t num_values) override {
    BRAID_ASSIGN_OR_RETURN(size_t used1, reader_.decode_all(data, size, 32, &prefixes_));
    BRAID_ASSIGN_OR_RETURN(size_t used2, reader_.decode_all(data + used1, size - used1, 32, &suffixes_));
    if (prefixes_.size() != suffixes_.size()) {
      return Status::corruption("DELTA_BYTE_ARRAY: {} prefix lengths but {} suffix lengths",
                                prefixes_.size(), suffixes_.size());
    }
    const uint8_t* suffix_data = data + used1 + used2;
    size_t suffix_size = size - used1 - used2;
    // Rebuild every value now: each depends on the previous one.
    arena_.clear();
    starts_.clear();
    size_t pos = 0, prev_start = 0, prev_len = 0;
    for (size_t i = 0; i < prefixes_.size(); ++i) {
      auto prefix = static_cast<int32_t>(static_cast<uint32_t>(prefixes_[i]));
      auto suffix = static_cast<int32_t>(static_cast<uint32_t>(suffixes_[i]));
      if (prefix < 0 || suffix < 0 || static_cast<size_t>(prefix) > prev_len ||
          static_cast<size_t>(suffix) > suffix_size - pos) {
        return Status::corruption("DELTA_BYTE_ARRAY: value {} has prefix {} and suffix {} that do not fit",
                                  i, prefix, suffix);
      }
      size_t start = arena_.size();
      arena_.append(arena_, prev_start, static_cast<size_t>(prefix));
      arena_.append(reinterpret_cast<const char*>(suffix_data + pos), static_cast<size_t>(suffix));
      pos += static_cast<size_t>(suffix);
      prev_start = start;
      prev_len = arena_.size() - start;
      if (fixed_width_ > 0 && prev_len != static_cast<size_t>(fixed_width_)) {
        return Status::corruption("DELTA_BYTE_ARRAY: value {} has {} bytes, the column's width is {}",
                                  i, prev_len, fixed_width_);
      }
      starts_.push_back(start);
    }
    starts_.push_back(arena_.size());
    next_ = 0;
    return Status::OK();
  }
  Status decode_binary(int64_t n, std::string_view* out) override {
    if (static_cast<size_t>(n) + next_ + 1 > starts_.size()) {
      return out_of_data("DELTA_BYTE_ARRAY", n, static_cast<int64_t>(starts_.size() - 1 - next_));
    }
    for (int64_t i = 0; i < n; ++i, ++next_) {
      out[i] = std::string_view(arena_).substr(starts_[next_], starts_[next_ + 1] - starts_[next_]);
    }
    return Status::OK();
  }
  Status decode_fixed(int64_t n, uint8_t* out) override {
    if (fixed_width_ <= 0) return ValueDecoder::decode_fixed(n, out);
    std::vector<std::string_view> views(static_cast<size_t>(n));
    BRAID_RETURN_IF_ERROR(decode_binary(n, views.data()));
    for (int64_t i = 0; i < n; ++i) {
      std::memcpy(out + i * fixed_width_, views[static_cast<size_t>(i)].data(),
                  static_cast<size_t>(fixed_width_));
    }
    return Status::OK();
  }

 private:
  int fixed_width_;
  DeltaBinaryPackedReader reader_;
  std::vector<uint64_t> prefixes_, suffixes_;
  std::string arena_;
  std::vector<size_t> starts_;
  size_t next_ = 0;
};

// ---- BYTE_STREAM_SPLIT: byte k of value i is at k * N + i, N = values in the page.

class ByteStreamSplitDecoder final : public ValueDecoder {
 public:
  explicit ByteStreamSplitDecoder(int width) : width_(width) {}
  Status set_data(const uint8_t* data, size_t size, int64_t num_values) override {
    if (size % static_cast<size_t>(width_) != 0) {
      return Status::corruption("BYTE_STREAM_SPLIT: {} bytes is not a multiple of the value width {}",
                                size, width_);
    }
    data_ = data;
    count_ = static_cast<int64_t>(size / static_cast<size_t>(width_));
    next_ = 0;
    return Status::OK();
  }
  Status decode_fixed(int64_t n, uint8_t* out) override {
    if (n > count_ - next_) return out_of_data("BYTE_STREAM_SPLIT", n, count_ - next_);
    for (int k = 0; k < width_; ++k) {
      const uint8_t* stream = data_ + static_cast<int64_t>(k) * count_ + next_;
      for (int64_t i = 0; i < n; ++i) out[i * width_ + k] = stream[i];
    }
    next_ += n;
    return Status::OK();
  }

 private:
  int width_;
  const uint8_t* data_ = nullptr;
  int64_t count_ = 0;
  int64_t next_ = 0;
};

}  // namespace

int physical_width(PhysicalType type, int type_length) {
  switch (type) {
    case PhysicalType::kBoolean: return 1;
    case PhysicalType::kInt32:
    case PhysicalType::kFloat: return 4;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble: return 8;
    case PhysicalType::kInt96: return 12;
    case PhysicalType::kFixedLenByteArray: return type_length;
    case PhysicalType::kByteArray: return 0;
  }
  return 0;
}

Result<std::unique_ptr<ValueDecoder>> make_value_decoder(Encoding encoding, PhysicalType type,
                                                         int type_length) {
  const int width = physical_width(type, type_length);
  auto unsupported = [&]() -> Status {
    return Status::corruption("encoding {} cannot hold {} values", encoding_name(encoding),
                              physical_type_name(type));
  };
  switch (encoding) {
    case Encoding::kPlain:
      if (type == PhysicalType::kBoolean) return std::unique_ptr<ValueDecoder>(std::make_unique<PlainBooleanDecoder>());
      if (type == PhysicalType::kByteArray) return std::unique_ptr<ValueDecoder>(std::make_unique<PlainByteArrayDecoder>());
      if (width <= 0) return Status::corruption("FIXED_LEN_BYTE_ARRAY column with type_length {}", type_length);
      return std::unique_ptr<ValueDecoder>(std::make_unique<PlainFixedDecoder>(width));
    case Encoding::kRle:
      if (type != PhysicalType::kBoolean) return unsupported();
      return std::unique_ptr<ValueDecoder>(std::make_unique<RleBooleanDecoder>());
    case Encoding::kDeltaBinaryPacked:
      if (type != PhysicalType::kInt32 && type != PhysicalType::kInt64) return unsupported();
      return std::unique_ptr<ValueDecoder>(std::make_unique<DeltaBinaryPackedDecoder>(width));
    case Encoding::kDeltaLengthByteArray:
      if (type != PhysicalType::kByteArray) return unsupported();
      return std::unique_ptr<ValueDecoder>(std::make_unique<DeltaLengthByteArrayDecoder>());
    case Encoding::kDeltaByteArray:
      if (type != PhysicalType::kByteArray && type != PhysicalType::kFixedLenByteArray) return unsupported();
      return std::unique_ptr<ValueDecoder>(
          std::make_unique<DeltaByteArrayDecoder>(type == PhysicalType::kFixedLenByteArray ? width : 0));
    case Encoding::kByteStreamSplit:
      if (type == PhysicalType::kBoolean || type == PhysicalType::kByteArray ||
          type == PhysicalType::kInt96 || width <= 0) {
        return unsupported();
      }
      return std::unique_ptr<ValueDecoder>(std::make_unique<ByteStreamSplitDecoder>(width));
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary:
      return Status::internal("dictionary indices are decoded by the column reader");
    case Encoding::kBitPacked:
      return unsupported();
  }
  return Status::not_implemented("encoding {} is not supported", encoding_name(encoding));
}

}  // namespace braid::parquet
