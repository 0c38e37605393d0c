#include "formats/parquet/leaf_writer.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "columnar/bitmap.h"
#include "columnar/buffer.h"
#include "columnar/decimal.h"
#include "columnar/temporal.h"

namespace braid::parquet {

void LeafWriter::reserve_for_chunk(BufferBuilder& buffer, int64_t more) const {
  const int64_t needed = buffer.size() + more;
  if (needed <= buffer.capacity()) return;
  if (levels_done_ <= 0 || chunk_levels_ < levels_done_) {
    buffer.reserve(more);  // no plan (or a chunk longer than it said): doubling
    return;
  }
  const int64_t remaining = chunk_levels_ - levels_done_;
  if (remaining == 0) {
    buffer.reserve_exact(needed);  // the last page
    return;
  }
  const double per_level = static_cast<double>(needed) / static_cast<double>(levels_done_);
  const double estimate = static_cast<double>(needed) + per_level * static_cast<double>(remaining) * (17.0 / 16.0);
  const auto bounded = static_cast<int64_t>(std::min(estimate, static_cast<double>(needed) * 16.0));
  buffer.reserve_exact(std::max({bounded, needed, buffer.capacity() + buffer.capacity() / 4}));
}

BufferPtr LeafWriter::finish_buffer(BufferBuilder& buffer) {
  const int64_t slack = buffer.capacity() - buffer.size();
  if (slack > std::max<int64_t>(buffer.capacity() / 8, 4096)) buffer.shrink_to_fit();
  return buffer.finish();
}

namespace {

// Validity of the emitted slots; only materialised once a NULL appears.
class ValidityBuilder {
 public:
  explicit ValidityBuilder(MemoryTracker* tracker) : bits_(tracker) {}
  void append_valid(int64_t n) {
    if (has_nulls_) {
      bits_.resize(bitmap::bytes_for(length_ + n));
      bitmap::fill(bits_.data(), length_, n, true);
    }
    length_ += n;
  }
  void append_null(int64_t n) {
    if (!has_nulls_) {
      has_nulls_ = true;
      bits_.resize(bitmap::bytes_for(length_));
      bitmap::fill(bits_.data(), 0, length_, true);
    }
    bits_.resize(bitmap::bytes_for(length_ + n));
    bitmap::fill(bits_.data(), length_, n, false);
    length_ += n;
    nulls_ += n;
  }
  // One slot per definition level.
  void append_levels(const int16_t* def, int64_t n, int16_t max_def) {
    int64_t valid = 0;
    for (int64_t i = 0; i < n; ++i) valid += def[i] == max_def;
    if (valid == n) {
      append_valid(n);
      return;
    }
    if (!has_nulls_) {
      has_nulls_ = true;
      bits_.resize(bitmap::bytes_for(length_));
      bitmap::fill(bits_.data(), 0, length_, true);
    }
    bits_.resize(bitmap::bytes_for(length_ + n));
    uint8_t* b = bits_.data();
    int64_t i = 0;
    // Unaligned head bit by bit, then whole bytes.
    for (; i < n && ((length_ + i) & 7) != 0; ++i) bitmap::set_to(b, length_ + i, def[i] == max_def);
    for (; i + 8 <= n; i += 8) {
      uint8_t byte = 0;
      for (int k = 0; k < 8; ++k) byte |= static_cast<uint8_t>((def[i + k] == max_def) << k);
      b[(length_ + i) >> 3] = byte;
    }
    for (; i < n; ++i) bitmap::set_to(b, length_ + i, def[i] == max_def);
    length_ += n;
    nulls_ += n - valid;
  }
  int64_t length() const { return length_; }
  int64_t nulls() const { return nulls_; }
  BufferPtr finish() { return has_nulls_ ? bits_.finish() : nullptr; }

 private:
  BufferBuilder bits_;
  int64_t length_ = 0;
  int64_t nulls_ = 0;
  bool has_nulls_ = false;
};

Status index_out_of_range(uint32_t index, int64_t size) {
  return Status::corruption("dictionary index {} is out of range (the dictionary has {} entries)",
                            index, size);
}

// ---- fixed-width outputs

struct Int96 {
  uint32_t w[3];
};
static_assert(sizeof(Int96) == 12);

int64_t int96_to_micros(const Int96& v) {
  int64_t nanos;
  std::memcpy(&nanos, v.w, 8);
  auto julian = static_cast<int32_t>(v.w[2]);
  // Julian day 2440588 is 1970-01-01; wrap like the writers that overflowed their own arithmetic.
  uint64_t days = static_cast<uint64_t>(static_cast<int64_t>(julian) - 2440588);
  int64_t micros_of_day = nanos / 1000 - ((nanos % 1000 < 0) ? 1 : 0);
  return static_cast<int64_t>(days * static_cast<uint64_t>(temporal::kMicrosPerDay) +
                              static_cast<uint64_t>(micros_of_day));
}

float half_to_float(uint16_t h) {
  uint32_t sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  uint32_t f;
  if (exp == 0) {
    if (mant == 0) {
      f = sign << 31;
    } else {
      // Subnormal: normalise.
      int e = -1;
      do {
        ++e;
        mant <<= 1;
      } while ((mant & 0x400) == 0);
      f = (sign << 31) | (static_cast<uint32_t>(127 - 15 - e) << 23) | ((mant & 0x3ff) << 13);
    }
  } else if (exp == 31) {
    f = (sign << 31) | 0x7f800000u | (mant << 13);
  } else {
    f = (sign << 31) | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float out;
  std::memcpy(&out, &f, 4);
  return out;
}

struct Interval12 {
  uint32_t months, days, millis;
};

// A conversion every physical value survives exactly.
struct EveryValueFits {
  template <typename T>
  Status operator()(const T&) const {
    return Status::OK();
  }
};

// Phys: the dense decoded C type; Out: the braid value; convert(Phys) -> Out.
// Identity: Phys and Out are the same value (no conversion, decode straight into place).
// check(Phys) -> Status refuses a value that has no exact braid value (never truncated or
// wrapped): every decoded value, dictionary entries included, passes it before conversion.
template <typename Phys, typename Out, typename Convert, bool Identity = false,
          typename Check = EveryValueFits>
class FixedLeafWriter final : public LeafWriter {
 public:
  FixedLeafWriter(TypePtr type, Convert convert, MemoryTracker* tracker, Check check = {})
      : type_(std::move(type)), convert_(convert), check_(check), values_(tracker), validity_(tracker) {}

  void reserve(int64_t slots) override { values_.reserve(slots * static_cast<int64_t>(sizeof(Out))); }

  Status set_dictionary(ValueDecoder& decoder, int64_t n) override {
    phys_.resize(static_cast<size_t>(n));
    BRAID_RETURN_IF_ERROR(decoder.decode_fixed(n, reinterpret_cast<uint8_t*>(phys_.data())));
    BRAID_RETURN_IF_ERROR(check_all(n).with_context("dictionary page"));
    dictionary_.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) dictionary_[static_cast<size_t>(i)] = convert_(phys_[static_cast<size_t>(i)]);
    return Status::OK();
  }
  int64_t dictionary_size() const override { return static_cast<int64_t>(dictionary_.size()); }

  Status load(ValueDecoder& decoder, int64_t n) override {
    staged_.resize(static_cast<size_t>(n));
    if constexpr (Identity) {
      return decoder.decode_fixed(n, reinterpret_cast<uint8_t*>(staged_.data()));
    } else {
      phys_.resize(static_cast<size_t>(n));
      BRAID_RETURN_IF_ERROR(decoder.decode_fixed(n, reinterpret_cast<uint8_t*>(phys_.data())));
      BRAID_RETURN_IF_ERROR(check_all(n));
      for (int64_t i = 0; i < n; ++i) staged_[static_cast<size_t>(i)] = convert_(phys_[static_cast<size_t>(i)]);
      return Status::OK();
    }
  }

  Status load_indices(const uint32_t* indices, int64_t n) override {
    staged_.resize(static_cast<size_t>(n));
    const auto size = static_cast<uint32_t>(dictionary_.size());
    const Out* dict = dictionary_.data();
    for (int64_t i = 0; i < n; ++i) {
      uint32_t idx = indices[i];
      if (idx >= size) return index_out_of_range(idx, size);
      staged_[static_cast<size_t>(i)] = dict[idx];
    }
    return Status::OK();
  }

  void emit(const int16_t* def, int64_t n_slots, int16_t max_def) override {
    const int64_t start = values_.size() / static_cast<int64_t>(sizeof(Out));
    if (def == nullptr) {
      reserve_for_chunk(values_, static_cast<int64_t>(staged_.size() * sizeof(Out)));
      values_.append(staged_.data(), static_cast<int64_t>(staged_.size() * sizeof(Out)));
      validity_.append_valid(static_cast<int64_t>(staged_.size()));
      return;
    }
    reserve_for_chunk(values_, n_slots * static_cast<int64_t>(sizeof(Out)));
    values_.resize((start + n_slots) * static_cast<int64_t>(sizeof(Out)));
    Out* out = values_.data_as<Out>() + start;
    size_t j = 0;
    for (int64_t i = 0; i < n_slots; ++i) {
      if (def[i] == max_def) {
        out[i] = staged_[j++];
      } else {
        out[i] = Out{};
      }
    }
    validity_.append_levels(def, n_slots, max_def);
  }

  void emit_nulls(int64_t n) override {
    values_.resize(values_.size() + n * static_cast<int64_t>(sizeof(Out)));
    validity_.append_null(n);
  }

  int64_t held_bytes() const override {
    return static_cast<int64_t>(phys_.capacity() * sizeof(Phys) + (staged_.capacity() + dictionary_.capacity()) * sizeof(Out));
  }

  Result<ColumnPtr> finish() override {
    int64_t n = validity_.length(), nulls = validity_.nulls();
    return ColumnPtr(std::make_shared<const Column>(
        type_, n, std::vector<BufferPtr>{validity_.finish(), finish_buffer(values_)},
        std::vector<ColumnPtr>{}, nulls));
  }

 private:
  Status check_all(int64_t n) const {
    if constexpr (!std::is_same_v<Check, EveryValueFits>) {
      for (int64_t i = 0; i < n; ++i) BRAID_RETURN_IF_ERROR(check_(phys_[static_cast<size_t>(i)]));
    }
    return Status::OK();
  }

  TypePtr type_;
  Convert convert_;
  Check check_;
  BufferBuilder values_;
  ValidityBuilder validity_;
  std::vector<Phys> phys_;
  std::vector<Out> staged_;
  std::vector<Out> dictionary_;
};

template <typename Phys, typename Out, typename Convert, typename Check = EveryValueFits>
std::unique_ptr<LeafWriter> fixed(TypePtr type, Convert convert, MemoryTracker* tracker, Check check = {}) {
  return std::make_unique<FixedLeafWriter<Phys, Out, Convert, false, Check>>(std::move(type), convert, tracker,
                                                                             check);
}

// INT32 values annotated as a narrower integer must lie in its range.
template <typename Narrow>
auto fits_in() {
  return [](int32_t v) -> Status {
    if (v < std::numeric_limits<Narrow>::min() || v > std::numeric_limits<Narrow>::max()) {
      return Status::corruption("value {} is out of range for INT({}, {})", v, sizeof(Narrow) * 8,
                                std::is_signed_v<Narrow> ? "signed" : "unsigned");
    }
    return Status::OK();
  };
}

// Decimal values must have at most the column's precision in digits.
auto fits_decimal(const TypePtr& t) {
  return [precision = t->precision(), scale = t->scale()](auto v) -> Status {
    if (!decimal::fits_precision(static_cast<Int128>(v), precision)) {
      return Status::corruption("value {} has more digits than DECIMAL({},{}) holds",
                                decimal::to_string(static_cast<Int128>(v), scale), precision, scale);
    }
    return Status::OK();
  };
}

// INT96 nanoseconds of the day that are not whole microseconds would be truncated.
Status int96_fits_micros(const Int96& v) {
  int64_t nanos;
  std::memcpy(&nanos, v.w, 8);
  if (nanos % 1000 != 0) {
    return Status::not_implemented(
        "an INT96 timestamp has nanoseconds ({} ns into its day): braid's timestamps hold "
        "microseconds and would truncate it", nanos);
  }
  return Status::OK();
}

Status interval_fits(const Interval12& v) {
  // The INTERVAL components are unsigned; braid's interval holds signed 32-bit months and days.
  if (v.months > static_cast<uint32_t>(INT32_MAX) || v.days > static_cast<uint32_t>(INT32_MAX)) {
    return Status::not_implemented("an INTERVAL of {} months and {} days does not fit braid's interval "
                                   "(at most {} of each)", v.months, v.days, INT32_MAX);
  }
  return Status::OK();
}

template <typename T>
std::unique_ptr<LeafWriter> copy(TypePtr type, MemoryTracker* tracker) {
  auto identity = [](T v) { return v; };
  return std::make_unique<FixedLeafWriter<T, T, decltype(identity), true>>(std::move(type), identity,
                                                                           tracker);
}

// ---- booleans: dense bytes -> bits

class BooleanLeafWriter final : public LeafWriter {
 public:
  explicit BooleanLeafWriter(MemoryTracker* tracker) : bits_(tracker), validity_(tracker) {}
  Status set_dictionary(ValueDecoder& decoder, int64_t n) override {
    dictionary_.resize(static_cast<size_t>(n));
    return decoder.decode_fixed(n, dictionary_.data());
  }
  int64_t dictionary_size() const override { return static_cast<int64_t>(dictionary_.size()); }
  Status load(ValueDecoder& decoder, int64_t n) override {
    staged_.resize(static_cast<size_t>(n));
    return decoder.decode_fixed(n, staged_.data());
  }
  Status load_indices(const uint32_t* indices, int64_t n) override {
    staged_.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      if (indices[i] >= dictionary_.size()) return index_out_of_range(indices[i], dictionary_size());
      staged_[static_cast<size_t>(i)] = dictionary_[indices[i]];
    }
    return Status::OK();
  }
  void emit(const int16_t* def, int64_t n_slots, int16_t max_def) override {
    if (def == nullptr) n_slots = static_cast<int64_t>(staged_.size());
    bits_.resize(bitmap::bytes_for(length_ + n_slots));
    uint8_t* b = bits_.data();
    size_t j = 0;
    for (int64_t i = 0; i < n_slots; ++i) {
      bool v = def == nullptr || def[i] == max_def ? staged_[j++] != 0 : false;
      bitmap::set_to(b, length_ + i, v);
    }
    length_ += n_slots;
    if (def == nullptr) {
      validity_.append_valid(n_slots);
    } else {
      validity_.append_levels(def, n_slots, max_def);
    }
  }
  void emit_nulls(int64_t n) override {
    bits_.resize(bitmap::bytes_for(length_ + n));
    bitmap::fill(bits_.data(), length_, n, false);
    length_ += n;
    validity_.append_null(n);
  }
  int64_t held_bytes() const override { return static_cast<int64_t>(staged_.capacity() + dictionary_.capacity()); }
  Result<ColumnPtr> finish() override {
    int64_t n = validity_.length(), nulls = validity_.nulls();
    bits_.resize(bitmap::bytes_for(n));
    return ColumnPtr(std::make_shared<const Column>(
        boolean(), n, std::vector<BufferPtr>{validity_.finish(), bits_.finish()},
        std::vector<ColumnPtr>{}, nulls));
  }

 private:
  BufferBuilder bits_;
  ValidityBuilder validity_;
  int64_t length_ = 0;
  std::vector<uint8_t> staged_;
  std::vector<uint8_t> dictionary_;
};

// ---- byte arrays -> string / binary

class BinaryLeafWriter final : public LeafWriter {
 public:
  BinaryLeafWriter(TypePtr type, MemoryTracker* tracker)
      : type_(std::move(type)), offsets_(tracker), data_(tracker), validity_(tracker) {
    offsets_.append_value<int32_t>(0);
  }
  void reserve(int64_t slots) override { offsets_.reserve(slots * 4); }
  Status set_dictionary(ValueDecoder& decoder, int64_t n) override {
    std::vector<std::string_view> views(static_cast<size_t>(n));
    BRAID_RETURN_IF_ERROR(decoder.decode_binary(n, views.data()));
    // The dictionary page's buffer is reused for later pages: copy the values.
    dict_bytes_.clear();
    size_t total = 0;
    for (auto v : views) total += v.size();
    dict_bytes_.reserve(total);
    dict_starts_.assign(1, 0);
    for (auto v : views) {
      dict_bytes_.append(v);
      dict_starts_.push_back(static_cast<uint32_t>(dict_bytes_.size()));
    }
    dict_bytes_.append(16, '\0');  // slack for the 16-byte copies in emit()
    return Status::OK();
  }
  int64_t dictionary_size() const override {
    return dict_starts_.empty() ? 0 : static_cast<int64_t>(dict_starts_.size() - 1);
  }
  Status load(ValueDecoder& decoder, int64_t n) override {
    from_dictionary_ = false;
    staged_.resize(static_cast<size_t>(n));
    return decoder.decode_binary(n, staged_.data());
  }
  Status load_indices(const uint32_t* indices, int64_t n) override {
    from_dictionary_ = true;
    const auto size = static_cast<uint32_t>(dictionary_size());
    staged_bytes_ = 0;
    for (int64_t i = 0; i < n; ++i) {
      uint32_t idx = indices[i];
      if (idx >= size) return index_out_of_range(idx, size);
      staged_bytes_ += dict_starts_[idx + 1] - dict_starts_[idx];
    }
    indices_.assign(indices, indices + n);
    return Status::OK();
  }
  void emit(const int16_t* def, int64_t n_slots, int16_t max_def) override {
    const int64_t present = from_dictionary_ ? static_cast<int64_t>(indices_.size())
                                             : static_cast<int64_t>(staged_.size());
    if (def == nullptr) n_slots = present;
    if (!from_dictionary_) {
      staged_bytes_ = 0;
      for (auto v : staged_) staged_bytes_ += v.size();
    }
    // 16 bytes of slack: short dictionary strings are copied as two 8-byte words.
    reserve_for_chunk(data_, static_cast<int64_t>(staged_bytes_) + 16);
    reserve_for_chunk(offsets_, n_slots * 4);
    if (static_cast<uint64_t>(data_.size()) + staged_bytes_ > INT32_MAX) overflow_ = true;
    const char* dict = dict_bytes_.data();
    size_t j = 0;
    for (int64_t i = 0; i < n_slots; ++i) {
      if (def == nullptr || def[i] == max_def) {
        if (from_dictionary_) {
          uint32_t idx = indices_[j++];
          const uint32_t start = dict_starts_[idx], len = dict_starts_[idx + 1] - start;
          if (len <= 16) {
            uint8_t* dst = data_.data() + data_.size();
            std::memcpy(dst, dict + start, 8);
            std::memcpy(dst + 8, dict + start + 8, 8);
            data_.resize_unchecked(data_.size() + len);
          } else {
            data_.unsafe_append(dict + start, len);
          }
        } else {
          std::string_view v = staged_[j++];
          data_.unsafe_append(v.data(), static_cast<int64_t>(v.size()));
        }
      }
      offsets_.unsafe_append_value(static_cast<int32_t>(data_.size()));
    }
    if (def == nullptr) {
      validity_.append_valid(n_slots);
    } else {
      validity_.append_levels(def, n_slots, max_def);
    }
  }
  void emit_nulls(int64_t n) override {
    for (int64_t i = 0; i < n; ++i) offsets_.append_value(static_cast<int32_t>(data_.size()));
    validity_.append_null(n);
  }
  int64_t held_bytes() const override {
    return static_cast<int64_t>(staged_.capacity() * sizeof(std::string_view) + indices_.capacity() * 4 +
                                dict_bytes_.capacity() + dict_starts_.capacity() * 4);
  }
  Result<ColumnPtr> finish() override {
    if (overflow_) {
      return Status::not_implemented(
          "a row group holds more than 2 GiB of {} data in one column", type_->to_string());
    }
    int64_t n = validity_.length(), nulls = validity_.nulls();
    return ColumnPtr(std::make_shared<const Column>(
        type_, n, std::vector<BufferPtr>{validity_.finish(), finish_buffer(offsets_), finish_buffer(data_)},
        std::vector<ColumnPtr>{}, nulls));
  }

 private:
  TypePtr type_;
  BufferBuilder offsets_;
  BufferBuilder data_;
  ValidityBuilder validity_;
  bool overflow_ = false;
  bool from_dictionary_ = false;
  std::vector<std::string_view> staged_;
  std::vector<uint32_t> indices_;
  uint64_t staged_bytes_ = 0;
  std::string dict_bytes_;
  std::vector<uint32_t> dict_starts_;
};

// ---- FIXED_LEN_BYTE_ARRAY and BYTE_ARRAY with runtime widths: fixed binary, and decimals from
// big-endian two's complement bytes.

class BytesLeafWriter final : public LeafWriter {
 public:
  BytesLeafWriter(TypePtr type, int physical_width, bool to_decimal, MemoryTracker* tracker)
      : type_(std::move(type)),
        width_(physical_width),
        out_width_(to_decimal ? 16 : physical_width),
        to_decimal_(to_decimal),
        values_(tracker),
        validity_(tracker) {}

  void reserve(int64_t slots) override { values_.reserve(slots * out_width_); }

  Status set_dictionary(ValueDecoder& decoder, int64_t n) override {
    BRAID_RETURN_IF_ERROR(decode(decoder, n, &dictionary_));
    dictionary_count_ = n;
    return Status::OK();
  }
  int64_t dictionary_size() const override { return dictionary_count_; }
  Status load(ValueDecoder& decoder, int64_t n) override {
    staged_count_ = n;
    return decode(decoder, n, &staged_);
  }
  Status load_indices(const uint32_t* indices, int64_t n) override {
    staged_.resize(static_cast<size_t>(n * out_width_));
    for (int64_t i = 0; i < n; ++i) {
      if (indices[i] >= dictionary_count_) return index_out_of_range(indices[i], dictionary_count_);
      std::memcpy(staged_.data() + i * out_width_, dictionary_.data() + indices[i] * out_width_,
                  static_cast<size_t>(out_width_));
    }
    staged_count_ = n;
    return Status::OK();
  }
  void emit(const int16_t* def, int64_t n_slots, int16_t max_def) override {
    if (def == nullptr) {
      reserve_for_chunk(values_, staged_count_ * out_width_);
      values_.append(staged_.data(), staged_count_ * out_width_);
      validity_.append_valid(staged_count_);
      return;
    }
    reserve_for_chunk(values_, n_slots * out_width_);
    int64_t start = values_.size();
    values_.resize(start + n_slots * out_width_);
    uint8_t* out = values_.data() + start;
    int64_t j = 0;
    for (int64_t i = 0; i < n_slots; ++i) {
      if (def[i] == max_def) {
        std::memcpy(out + i * out_width_, staged_.data() + j * out_width_, static_cast<size_t>(out_width_));
        ++j;
      }
    }
    validity_.append_levels(def, n_slots, max_def);
  }
  void emit_nulls(int64_t n) override {
    values_.resize(values_.size() + n * out_width_);
    validity_.append_null(n);
  }
  int64_t held_bytes() const override { return static_cast<int64_t>(staged_.capacity() + dictionary_.capacity()); }
  Result<ColumnPtr> finish() override {
    int64_t n = validity_.length(), nulls = validity_.nulls();
    return ColumnPtr(std::make_shared<const Column>(
        type_, n, std::vector<BufferPtr>{validity_.finish(), finish_buffer(values_)},
        std::vector<ColumnPtr>{}, nulls));
  }

 private:
  // Decodes n values into `out` in the output width.
  Status decode(ValueDecoder& decoder, int64_t n, std::vector<uint8_t>* out) {
    out->resize(static_cast<size_t>(n * out_width_));
    if (!to_decimal_) return decoder.decode_fixed(n, out->data());
    std::vector<std::string_view> views(static_cast<size_t>(n));
    std::vector<uint8_t> raw;
    if (width_ > 0) {
      raw.resize(static_cast<size_t>(n * width_));
      BRAID_RETURN_IF_ERROR(decoder.decode_fixed(n, raw.data()));
      for (int64_t i = 0; i < n; ++i) {
        views[static_cast<size_t>(i)] = std::string_view(reinterpret_cast<const char*>(raw.data()) + i * width_,
                                                         static_cast<size_t>(width_));
      }
    } else {
      BRAID_RETURN_IF_ERROR(decoder.decode_binary(n, views.data()));
    }
    for (int64_t i = 0; i < n; ++i) {
      std::string_view v = views[static_cast<size_t>(i)];
      // Big-endian two's complement; leading sign bytes beyond 16 are allowed if redundant.
      Int128 value = 0;
      if (!v.empty()) {
        bool negative = static_cast<int8_t>(v[0]) < 0;
        size_t skip = 0;
        while (v.size() - skip > 16) {
          auto b = static_cast<uint8_t>(v[skip]);
          if (b != (negative ? 0xff : 0x00)) {
            return Status::corruption("a {}-byte decimal value does not fit 128 bits", v.size());
          }
          ++skip;
        }
        UInt128 u = negative ? ~UInt128{0} : 0;
        for (size_t k = skip; k < v.size(); ++k) u = (u << 8) | static_cast<uint8_t>(v[k]);
        value = static_cast<Int128>(u);
      }
      if (!decimal::fits_precision(value, type_->precision())) {
        return Status::corruption("value {} has more digits than DECIMAL({},{}) holds",
                                  decimal::to_string(value, type_->scale()), type_->precision(), type_->scale());
      }
      std::memcpy(out->data() + i * 16, &value, 16);
    }
    return Status::OK();
  }

  TypePtr type_;
  int width_;      // physical width (0 for BYTE_ARRAY)
  int out_width_;  // bytes per output value
  bool to_decimal_;
  BufferBuilder values_;
  ValidityBuilder validity_;
  std::vector<uint8_t> staged_;
  int64_t staged_count_ = 0;
  std::vector<uint8_t> dictionary_;
  int64_t dictionary_count_ = 0;
};

// ---- UNKNOWN logical type: only nulls

class NullLeafWriter final : public LeafWriter {
 public:
  Status set_dictionary(ValueDecoder&, int64_t) override { return Status::OK(); }
  int64_t dictionary_size() const override { return 0; }
  Status load(ValueDecoder&, int64_t n) override {
    if (n > 0) return Status::corruption("a column of the UNKNOWN (null) logical type holds {} values", n);
    return Status::OK();
  }
  Status load_indices(const uint32_t*, int64_t n) override { return load_empty(n); }
  void emit(const int16_t* def, int64_t n_slots, int16_t) override { length_ += def == nullptr ? 0 : n_slots; }
  void emit_nulls(int64_t n) override { length_ += n; }
  int64_t held_bytes() const override { return 0; }
  Result<ColumnPtr> finish() override {
    return ColumnPtr(std::make_shared<const Column>(null_type(), length_, std::vector<BufferPtr>{}));
  }

 private:
  Status load_empty(int64_t n) {
    if (n > 0) return Status::corruption("a column of the UNKNOWN (null) logical type holds {} values", n);
    return Status::OK();
  }
  int64_t length_ = 0;
};

}  // namespace

Result<std::unique_ptr<LeafWriter>> make_leaf_writer(const SchemaNode& leaf, MemoryTracker* tracker) {
  const TypePtr& t = leaf.type;
  switch (leaf.conversion) {
    case LeafConversion::kCopy:
      switch (leaf.physical) {
        case PhysicalType::kInt32:
          if (t->id() == TypeId::kUInt32) return copy<uint32_t>(t, tracker);
          return copy<int32_t>(t, tracker);
        case PhysicalType::kInt64:
          if (t->id() == TypeId::kUInt64) return copy<uint64_t>(t, tracker);
          return copy<int64_t>(t, tracker);
        case PhysicalType::kFloat: return copy<float>(t, tracker);
        case PhysicalType::kDouble: return copy<double>(t, tracker);
        default: break;
      }
      break;
    case LeafConversion::kBoolean: return std::unique_ptr<LeafWriter>(std::make_unique<BooleanLeafWriter>(tracker));
    case LeafConversion::kInt32ToInt8:
      return fixed<int32_t, int8_t>(t, [](int32_t v) { return static_cast<int8_t>(v); }, tracker, fits_in<int8_t>());
    case LeafConversion::kInt32ToInt16:
      return fixed<int32_t, int16_t>(t, [](int32_t v) { return static_cast<int16_t>(v); }, tracker, fits_in<int16_t>());
    case LeafConversion::kInt32ToUInt8:
      return fixed<int32_t, uint8_t>(t, [](int32_t v) { return static_cast<uint8_t>(v); }, tracker, fits_in<uint8_t>());
    case LeafConversion::kInt32ToUInt16:
      return fixed<int32_t, uint16_t>(t, [](int32_t v) { return static_cast<uint16_t>(v); }, tracker, fits_in<uint16_t>());
    case LeafConversion::kInt32ToDecimal:
      return fixed<int32_t, Int128>(t, [](int32_t v) { return static_cast<Int128>(v); }, tracker, fits_decimal(t));
    case LeafConversion::kInt64ToDecimal:
      return fixed<int64_t, Int128>(t, [](int64_t v) { return static_cast<Int128>(v); }, tracker, fits_decimal(t));
    case LeafConversion::kInt32MillisToMicros:
      return fixed<int32_t, int64_t>(t, [](int32_t v) { return static_cast<int64_t>(v) * 1000; }, tracker);
    case LeafConversion::kInt64MillisToMicros:
      return fixed<int64_t, int64_t>(t, [](int64_t v) { return v * 1000; }, tracker, [](int64_t v) -> Status {
        if (v > INT64_MAX / 1000 || v < INT64_MIN / 1000) {
          return Status::not_implemented("{} milliseconds is beyond the range of braid's microsecond values", v);
        }
        return Status::OK();
      });
    case LeafConversion::kInt96ToMicros: return fixed<Int96, int64_t>(t, int96_to_micros, tracker, int96_fits_micros);
    case LeafConversion::kFloat16ToFloat32: return fixed<uint16_t, float>(t, half_to_float, tracker);
    case LeafConversion::kIntervalToMonthDayNanos:
      return fixed<Interval12, MonthDayNanos>(t, [](Interval12 v) {
        return MonthDayNanos{static_cast<int32_t>(v.months), static_cast<int32_t>(v.days),
                             static_cast<int64_t>(v.millis) * 1'000'000};
      }, tracker, interval_fits);
    case LeafConversion::kBytesToDecimal:
      return std::unique_ptr<LeafWriter>(std::make_unique<BytesLeafWriter>(
          t, physical_width(leaf.physical, leaf.type_length), true, tracker));
    case LeafConversion::kFixedBinary:
      return std::unique_ptr<LeafWriter>(
          std::make_unique<BytesLeafWriter>(t, leaf.type_length, false, tracker));
    case LeafConversion::kBinary:
      return std::unique_ptr<LeafWriter>(std::make_unique<BinaryLeafWriter>(t, tracker));
    case LeafConversion::kNull:
      return std::unique_ptr<LeafWriter>(std::make_unique<NullLeafWriter>());
  }
  return Status::internal("no leaf writer for {} stored as {}", t->to_string(),
                          physical_type_name(leaf.physical));
}

}  // namespace braid::parquet
