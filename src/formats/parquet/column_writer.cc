#include "formats/parquet/column_writer.h"

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "formats/parquet/column_chunk_reader.h"
#include "formats/parquet/compression.h"
#include "formats/parquet/rle_bit_packed.h"

namespace braid::parquet {

namespace {

// ---- physical value traits
//
// Each physical type says how a staged value is PLAIN-encoded, hashed and compared for
// statistics. Byte-array and fixed-length values are string_views into the source column or into
// the writer's scratch (decimals and intervals are converted there).

enum class Order : uint8_t { kSigned, kUnsigned, kNone };

template <typename T>
struct NumericTraits {
  using Value = T;
  // PLAIN of a run of values is their bytes as they lie in memory (little-endian).
  static constexpr bool kPlainIsMemory = true;
  // Staged one byte a value and packed into bits when the page closes (booleans).
  static constexpr bool kBitPacked = false;
  static void plain(const Value& v, std::string& out) {
    out.append(reinterpret_cast<const char*>(&v), sizeof(T));
  }
  static uint64_t hash(const Value& v) { return XXH3_64bits(&v, sizeof(T)); }
  static bool equal(const Value& a, const Value& b) { return std::memcmp(&a, &b, sizeof(T)) == 0; }
  static int64_t plain_size(const Value&) { return sizeof(T); }
  static std::string stat(const Value& v) { return std::string(reinterpret_cast<const char*>(&v), sizeof(T)); }
};

// Booleans: staged one byte each, PLAIN-encoded as bits when the page closes.
struct BoolTraits : NumericTraits<uint8_t> {
  static constexpr bool kBitPacked = true;
};

struct BytesTraits {
  using Value = std::string_view;
  static constexpr bool kPlainIsMemory = false;
  static constexpr bool kBitPacked = false;
  static void plain(const Value& v, std::string& out) {
    auto len = static_cast<uint32_t>(v.size());
    out.append(reinterpret_cast<const char*>(&len), 4);
    out.append(v);
  }
  static uint64_t hash(const Value& v) { return XXH3_64bits(v.data(), v.size()); }
  static bool equal(const Value& a, const Value& b) { return a == b; }
  static int64_t plain_size(const Value& v) { return 4 + static_cast<int64_t>(v.size()); }
  static std::string stat(const Value& v) { return std::string(v); }
};

struct FixedTraits {
  using Value = std::string_view;
  static constexpr bool kPlainIsMemory = false;
  static constexpr bool kBitPacked = false;
  static void plain(const Value& v, std::string& out) { out.append(v); }
  static uint64_t hash(const Value& v) { return XXH3_64bits(v.data(), v.size()); }
  static bool equal(const Value& a, const Value& b) { return a == b; }
  static int64_t plain_size(const Value& v) { return static_cast<int64_t>(v.size()); }
  static std::string stat(const Value& v) { return std::string(v); }
};

// Statistics comparison: true when a < b in the column's sort order.
template <typename T>
bool less(const T& a, const T& b, Order order) {
  if constexpr (std::is_same_v<T, std::string_view>) {
    if (order == Order::kSigned && !a.empty() && !b.empty()) {
      // Big-endian two's complement (decimals): the sign byte decides first.
      auto sa = static_cast<int8_t>(a.empty() ? 0 : a[0]), sb = static_cast<int8_t>(b.empty() ? 0 : b[0]);
      if (sa != sb) return sa < sb;
      return std::memcmp(a.data() + 1, b.data() + 1, std::min(a.size(), b.size()) - 1) < 0;
    }
    return a < b;  // unsigned byte-wise, shorter first on a common prefix
  } else if constexpr (std::is_integral_v<T>) {
    if (order == Order::kUnsigned) return static_cast<std::make_unsigned_t<T>>(a) < static_cast<std::make_unsigned_t<T>>(b);
    return a < b;
  } else {
    return a < b;
  }
}

// Open-addressing map from value to dictionary index.
template <typename Traits>
class DictionaryIndex {
 public:
  using Value = typename Traits::Value;
  // Returns the index of v, adding it (copied into owned storage for views) when new.
  uint32_t get_or_add(const Value& v, bool* added) {
    if (slots_.empty()) rehash(1024);
    uint64_t h = Traits::hash(v);
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      int32_t s = slots_[i];
      if (s < 0) {
        *added = true;
        auto index = static_cast<uint32_t>(values_.size());
        values_.push_back(own(v));
        hashes_.push_back(h);
        plain_bytes_ += Traits::plain_size(v);
        slots_[i] = static_cast<int32_t>(index);
        if (values_.size() * 2 > slots_.size()) rehash(slots_.size() * 2);
        return index;
      }
      if (hashes_[static_cast<size_t>(s)] == h && Traits::equal(values_[static_cast<size_t>(s)], v)) {
        *added = false;
        return static_cast<uint32_t>(s);
      }
    }
  }
  const std::vector<Value>& values() const { return values_; }
  int64_t plain_bytes() const { return plain_bytes_; }
  size_t size() const { return values_.size(); }
  void clear() {
    slots_.clear();
    values_.clear();
    hashes_.clear();
    arena_.clear();
    plain_bytes_ = 0;
  }

 private:
  Value own(const Value& v) {
    if constexpr (std::is_same_v<Value, std::string_view>) {
      // Chunks of storage that never move, so earlier views stay valid.
      if (arena_.empty() || arena_.back().capacity() - arena_.back().size() < v.size()) {
        arena_.emplace_back();
        arena_.back().reserve(std::max<size_t>(v.size(), 64 << 10));
      }
      std::string& chunk = arena_.back();
      size_t at = chunk.size();
      chunk.append(v);
      return std::string_view(chunk.data() + at, v.size());
    } else {
      return v;
    }
  }
  void rehash(size_t n) {
    slots_.assign(n, -1);
    size_t mask = n - 1;
    for (size_t k = 0; k < values_.size(); ++k) {
      size_t i = hashes_[k] & mask;
      while (slots_[i] >= 0) i = (i + 1) & mask;
      slots_[i] = static_cast<int32_t>(k);
    }
  }
  std::vector<int32_t> slots_;
  std::vector<Value> values_;
  std::vector<uint64_t> hashes_;
  std::vector<std::string> arena_;
  int64_t plain_bytes_ = 0;
};

// Turns row `row` of a braid column into the physical value written for it.
using Int128 = braid::Int128;

void big_endian_decimal(Int128 v, int width, char* out) {
  auto u = static_cast<UInt128>(v);
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>(static_cast<uint8_t>(u & 0xff));
    u >>= 8;
  }
}

// ---- the writer

template <typename Traits>
class TypedColumnWriter final : public ColumnChunkWriter {
 public:
  using Value = typename Traits::Value;
  // Fills `out` with the physical values of `rows` (n of them) of `column`; `scratch` may hold
  // converted bytes the views point into.
  using Stager = void (*)(const Column& column, const int64_t* rows, int64_t n, int width,
                          std::vector<Value>& out, std::string& scratch);

  TypedColumnWriter(const WriteNode& leaf, const ColumnWriteOptions& options, Stager stager,
                    Order order, bool use_dictionary)
      : leaf_(leaf),
        options_(options),
        stager_(stager),
        order_(order),
        dictionary_enabled_(use_dictionary && options.dictionary),
        max_def_(static_cast<int16_t>(leaf.def_level)),
        max_rep_(static_cast<int16_t>(leaf.rep_level)) {
    reset();
  }

  // A page ends only between steps of an append: a large batch is taken a few hundred to a few
  // thousand rows (whole records, for nested leaves) at a time, so page_bytes bounds every page
  // whatever the batch size.
  int64_t levels_per_step() const { return std::clamp<int64_t>(options_.page_bytes / 8, 64, 4096); }

  Status append_flat(const Column& column) override {
    const int64_t n = column.length();
    if (max_def_ == 0 && column.null_count() > 0) {
      return Status::invalid_argument("column '{}' is not nullable but holds {} nulls",
                                      leaf_.name, column.null_count());
    }
    const int64_t step = levels_per_step();
    for (int64_t start = 0; start < n; start += step) {
      BRAID_RETURN_IF_ERROR(append_flat_step(column, start, std::min(n, start + step)));
    }
    return Status::OK();
  }

  Status append_nested(const int16_t* def, const int16_t* rep, int64_t n, const Column* values,
                       const int64_t* value_rows) override {
    const int64_t step = levels_per_step();
    int64_t start = 0, values_before = 0;
    while (start < n) {
      int64_t end = std::min(n, start + step);
      if (max_rep_ > 0) {
        while (end < n && rep[end] != 0) ++end;  // a record never spans two pages
      }
      int64_t present = end - start;
      if (max_def_ > 0) present = std::count(def + start, def + end, max_def_);
      BRAID_RETURN_IF_ERROR(append_nested_step(max_def_ > 0 ? def + start : nullptr,
                                               max_rep_ > 0 ? rep + start : nullptr, end - start,
                                               values, value_rows + values_before, present));
      values_before += present;
      start = end;
    }
    return Status::OK();
  }

  // Page sizes are 32-bit in the page header, and braid reads back pages up to kMaxPageBytes: a
  // bigger page (a few thousand huge values) is refused rather than written unreadable.
  Status check_page_size(size_t bytes) const {
    if (bytes > static_cast<size_t>(kMaxPageBytes)) {
      return Status::invalid_argument("column '{}': a page of {} bytes is larger than the {} bytes braid reads back in one page",
                                      leaf_.name, bytes, kMaxPageBytes);
    }
    return Status::OK();
  }

  // Rows [start, end) of a flat column.
  Status append_flat_step(const Column& column, int64_t start, int64_t end) {
    const uint8_t* validity = column.validity_bits();
    rows_.clear();
    if (max_def_ > 0) {
      size_t old = page_def_.size();
      page_def_.resize(old + static_cast<size_t>(end - start));
      int16_t* def = page_def_.data() + old;
      for (int64_t i = start; i < end; ++i) {
        bool valid = validity == nullptr || bitmap::get(validity, column.offset() + i);
        def[i - start] = valid ? max_def_ : 0;
        if (valid) rows_.push_back(i);
      }
    } else {
      rows_.resize(static_cast<size_t>(end - start));
      for (int64_t i = start; i < end; ++i) rows_[static_cast<size_t>(i - start)] = i;
    }
    page_levels_ += end - start;
    return append_values(column, rows_.data(), static_cast<int64_t>(rows_.size()));
  }

  // n level entries (whole records), `present` of them with a value.
  Status append_nested_step(const int16_t* def, const int16_t* rep, int64_t n, const Column* values,
                            const int64_t* value_rows, int64_t present) {
    if (def != nullptr) page_def_.insert(page_def_.end(), def, def + n);
    if (rep != nullptr) page_rep_.insert(page_rep_.end(), rep, rep + n);
    page_levels_ += n;
    if (present == 0) return maybe_close_page();
    return append_values(*values, value_rows, present);
  }

  int64_t buffered_bytes() const override {
    return static_cast<int64_t>(pages_.size()) + page_value_bytes_ + static_cast<int64_t>(page_def_.size()) / 4 +
           (dictionary_active_ ? dictionary_.plain_bytes() : 0);
  }
  int64_t num_levels() const override { return total_levels_ + page_levels_; }

  Result<ColumnChunk> flush(OutputStream& out, int64_t file_offset) override {
    BRAID_RETURN_IF_ERROR(close_page());
    ColumnMetaData md;
    md.type = leaf_.physical;
    md.path_in_schema = leaf_.path;
    md.codec = options_.codec;
    md.num_values = total_levels_;
    int64_t offset = file_offset;
    int64_t compressed = 0, uncompressed = 0;
    std::vector<Encoding> encodings;
    if (dictionary_used_) {
      // The dictionary page goes first (parquet-format: at most one per chunk, before data).
      std::string plain;
      for (const auto& v : dictionary_.values()) Traits::plain(v, plain);
      BRAID_RETURN_IF_ERROR(check_page_size(plain.size()));
      PageHeader h;
      h.type = PageType::kDictionaryPage;
      h.uncompressed_page_size = static_cast<int32_t>(plain.size());
      std::string body;
      BRAID_RETURN_IF_ERROR(compress(options_.codec, plain, &body, options_.compression_level));
      h.compressed_page_size = static_cast<int32_t>(body.size());
      h.crc = static_cast<int32_t>(page_checksum(body));
      DictionaryPageHeader d;
      d.num_values = static_cast<int32_t>(dictionary_.size());
      d.encoding = Encoding::kPlain;
      h.dictionary_page = d;
      std::string header = encode_page_header(h);
      BRAID_RETURN_IF_ERROR(out.write(header));
      BRAID_RETURN_IF_ERROR(out.write(body));
      md.dictionary_page_offset = offset;
      offset += static_cast<int64_t>(header.size() + body.size());
      compressed += static_cast<int64_t>(header.size() + body.size());
      uncompressed += static_cast<int64_t>(header.size() + plain.size());
      encodings.push_back(Encoding::kPlain);
      encodings.push_back(Encoding::kRleDictionary);
    }
    md.data_page_offset = offset;
    BRAID_RETURN_IF_ERROR(out.write(pages_));
    compressed += static_cast<int64_t>(pages_.size());
    uncompressed += pages_uncompressed_;
    encodings.push_back(Encoding::kRle);
    if (plain_used_ && !dictionary_used_) encodings.push_back(Encoding::kPlain);
    if (plain_used_ && dictionary_used_) {
      // PLAIN is already listed for the dictionary page.
    }
    md.encodings = encodings;
    md.total_compressed_size = compressed;
    md.total_uncompressed_size = uncompressed;
    if (options_.statistics && order_ != Order::kNone) {
      Statistics s;
      s.null_count = nulls_;
      if (has_minmax_) {
        std::string lo = Traits::stat(min_), hi = Traits::stat(max_);
        // Very long bounds would bloat the footer; leave them out rather than truncate.
        if (lo.size() <= 256 && hi.size() <= 256) {
          s.min_value = std::move(lo);
          s.max_value = std::move(hi);
        }
      }
      md.statistics = std::move(s);
    } else if (options_.statistics) {
      Statistics s;
      s.null_count = nulls_;
      md.statistics = std::move(s);
    }
    ColumnChunk chunk;
    chunk.file_offset = file_offset;
    chunk.meta_data = std::move(md);
    reset();
    return chunk;
  }

 private:
  void reset() {
    pages_.clear();
    pages_uncompressed_ = 0;
    page_def_.clear();
    page_rep_.clear();
    page_indices_.clear();
    page_plain_.clear();
    page_levels_ = 0;
    page_value_bytes_ = 0;
    total_levels_ = 0;
    nulls_ = 0;
    has_minmax_ = false;
    dictionary_.clear();
    dictionary_active_ = dictionary_enabled_;
    dictionary_used_ = false;
    plain_used_ = false;
    page_is_dictionary_ = dictionary_active_;
    dictionary_values_ = -1;
    min_ = Value{};
    max_ = Value{};
    min_storage_.clear();
    max_storage_.clear();
  }

  Status append_values(const Column& column, const int64_t* rows, int64_t n) {
    staged_.clear();
    scratch_.clear();
    stager_(column, rows, n, leaf_.type_length, staged_, scratch_);
    update_statistics();
    if (dictionary_active_) {
      for (const Value& v : staged_) {
        bool added = false;
        page_indices_.push_back(dictionary_.get_or_add(v, &added));
      }
      page_value_bytes_ = static_cast<int64_t>(page_indices_.size()) * 2;
      dictionary_used_ = true;
      // Too many distinct values (a dictionary past its size limit, or one holding most values
      // after the first few thousand: keys, timestamps): finish this page with the dictionary,
      // PLAIN from now on. Checking early spares hashing every value of a unique column.
      const bool distinct = dictionary_values_ < 0 && page_indices_.size() >= 4096 && mostly_distinct(page_indices_.size());
      if (distinct || dictionary_.plain_bytes() > options_.dictionary_page_bytes) {
        BRAID_RETURN_IF_ERROR(close_page());
        dictionary_active_ = false;
        page_is_dictionary_ = false;
      }
    } else {
      if constexpr (Traits::kPlainIsMemory) {
        page_plain_.append(reinterpret_cast<const char*>(staged_.data()), staged_.size() * sizeof(Value));
      } else {
        for (const Value& v : staged_) Traits::plain(v, page_plain_);
      }
      page_value_bytes_ = static_cast<int64_t>(page_plain_.size());
      plain_used_ = true;
    }
    return maybe_close_page();
  }

  void update_statistics() {
    if (order_ == Order::kNone || staged_.empty()) return;
    size_t lo = 0, hi = 0;
    bool found = false;
    for (size_t i = 0; i < staged_.size(); ++i) {
      const Value& v = staged_[i];
      if constexpr (std::is_floating_point_v<Value>) {
        if (std::isnan(v)) continue;  // NaN never goes into min/max (parquet-format, ColumnOrder)
      }
      if (!found) {
        lo = hi = i;
        found = true;
        continue;
      }
      if (less(v, staged_[lo], order_)) lo = i;
      if (less(staged_[hi], v, order_)) hi = i;
    }
    if (!found) return;
    if (!has_minmax_ || less(staged_[lo], min_, order_)) set_bound(min_, min_storage_, staged_[lo]);
    if (!has_minmax_ || less(max_, staged_[hi], order_)) set_bound(max_, max_storage_, staged_[hi]);
    has_minmax_ = true;
    if constexpr (std::is_floating_point_v<Value>) {
      // Zero bounds are written as -0 (min) and +0 (max) so either sign is covered.
      if (min_ == 0) min_ = -static_cast<Value>(0);
      if (max_ == 0) max_ = static_cast<Value>(0);
    }
  }

  static void set_bound(Value& bound, std::string& storage, const Value& v) {
    if constexpr (std::is_same_v<Value, std::string_view>) {
      storage.assign(v);  // the staged view dies with this append
      bound = storage;
    } else {
      bound = v;
    }
  }

  // A dictionary holding most of the first `values` values (at least 1024 of them).
  bool mostly_distinct(size_t values) const {
    return values >= 1024 && static_cast<double>(dictionary_.size()) > 0.75 * static_cast<double>(values);
  }

  // The open page, the only one that used the dictionary, re-encoded PLAIN; the chunk goes on
  // without a dictionary.
  void drop_dictionary() {
    page_plain_.clear();
    const auto& values = dictionary_.values();
    for (uint32_t i : page_indices_) {
      if constexpr (Traits::kPlainIsMemory) {
        page_plain_.append(reinterpret_cast<const char*>(&values[i]), sizeof(Value));
      } else {
        Traits::plain(values[i], page_plain_);
      }
    }
    page_value_bytes_ = static_cast<int64_t>(page_plain_.size());
    page_indices_.clear();
    dictionary_.clear();
    dictionary_active_ = false;
    dictionary_used_ = false;
    page_is_dictionary_ = false;
    plain_used_ = true;
  }

  Status maybe_close_page() {
    int64_t level_bytes = static_cast<int64_t>(page_def_.size() + page_rep_.size()) / 4;
    if (page_value_bytes_ + level_bytes >= options_.page_bytes) return close_page();
    return Status::OK();
  }

  Status close_page() {
    if (page_levels_ == 0) return Status::OK();
    if (page_is_dictionary_ && dictionary_values_ < 0 && mostly_distinct(page_indices_.size())) {
      // The chunk's first values are mostly distinct (keys, timestamps): a dictionary would only
      // cost, and no page refers to it yet, so this page goes out PLAIN and the chunk has no
      // dictionary page (rather than one holding this page's values).
      drop_dictionary();
    }
    std::string body;
    auto levels = [&](const std::vector<int16_t>& lv, int16_t max) {
      RleBitPackedEncoder enc(bit_width_for(static_cast<uint64_t>(max)));
      for (int16_t v : lv) enc.put(static_cast<uint32_t>(v));
      std::string encoded;
      enc.flush_to(&encoded);
      auto len = static_cast<uint32_t>(encoded.size());
      body.append(reinterpret_cast<const char*>(&len), 4);
      body += encoded;
    };
    if (max_rep_ > 0) levels(page_rep_, max_rep_);
    if (max_def_ > 0) {
      for (int16_t d : page_def_) nulls_ += d < max_def_ ? 1 : 0;
      levels(page_def_, max_def_);
    }
    Encoding encoding;
    // A page without values (all null) is PLAIN: a dictionary-encoded page needs a dictionary,
    // and a chunk of nulls has none.
    if (page_indices_.empty() && page_plain_.empty()) page_is_dictionary_ = false;
    if (page_is_dictionary_) {
      encoding = Encoding::kRleDictionary;
      int width = bit_width_for(dictionary_.size() > 0 ? dictionary_.size() - 1 : 0);
      body.push_back(static_cast<char>(width));
      RleBitPackedEncoder enc(width);
      for (uint32_t i : page_indices_) enc.put(i);
      enc.flush_to(&body);
    } else {
      encoding = Encoding::kPlain;
      if constexpr (Traits::kBitPacked) {
        // PLAIN booleans are bit-packed, least significant bit first.
        std::string bits((page_plain_.size() + 7) / 8, '\0');
        for (size_t i = 0; i < page_plain_.size(); ++i) {
          if (page_plain_[i]) bits[i / 8] = static_cast<char>(bits[i / 8] | (1 << (i % 8)));
        }
        body += bits;
      } else {
        body += page_plain_;
      }
    }
    BRAID_RETURN_IF_ERROR(check_page_size(body.size()));
    PageHeader h;
    h.type = PageType::kDataPage;
    h.uncompressed_page_size = static_cast<int32_t>(body.size());
    std::string compressed;
    BRAID_RETURN_IF_ERROR(compress(options_.codec, body, &compressed, options_.compression_level));
    h.compressed_page_size = static_cast<int32_t>(compressed.size());
    // Every page carries its CRC (as parquet-mr writes by default): readers can tell flipped bits
    // from data.
    h.crc = static_cast<int32_t>(page_checksum(compressed));
    DataPageHeader d;
    d.num_values = static_cast<int32_t>(page_levels_);
    d.encoding = encoding;
    d.definition_level_encoding = Encoding::kRle;
    d.repetition_level_encoding = Encoding::kRle;
    h.data_page = d;
    std::string header = encode_page_header(h);
    pages_ += header;
    pages_ += compressed;
    pages_uncompressed_ += static_cast<int64_t>(header.size() + body.size());
    if (page_is_dictionary_ && dictionary_active_ && dictionary_values_ < 0) {
      dictionary_values_ = static_cast<int64_t>(page_indices_.size());
    }
    total_levels_ += page_levels_;
    page_levels_ = 0;
    page_def_.clear();
    page_rep_.clear();
    page_indices_.clear();
    page_plain_.clear();
    page_value_bytes_ = 0;
    page_is_dictionary_ = dictionary_active_;
    return Status::OK();
  }

  const WriteNode& leaf_;
  ColumnWriteOptions options_;
  Stager stager_;
  Order order_;
  bool dictionary_enabled_;
  int16_t max_def_;
  int16_t max_rep_;

  std::string pages_;  // finished pages: headers and compressed bodies
  int64_t pages_uncompressed_ = 0;
  std::vector<int16_t> page_def_, page_rep_;
  std::vector<uint32_t> page_indices_;
  std::string page_plain_;
  int64_t page_levels_ = 0;
  int64_t page_value_bytes_ = 0;
  int64_t total_levels_ = 0;
  int64_t nulls_ = 0;

  DictionaryIndex<Traits> dictionary_;
  bool dictionary_active_ = false;  // new values go to the dictionary
  bool dictionary_used_ = false;    // some page used it (write the dictionary page)
  bool plain_used_ = false;
  bool page_is_dictionary_ = false;  // how the open page's values are encoded
  int64_t dictionary_values_ = -1;   // values in the first dictionary page (-1: none yet)

  bool has_minmax_ = false;
  Value min_{}, max_{};
  std::string min_storage_, max_storage_;

  std::vector<int64_t> rows_;
  std::vector<Value> staged_;
  std::string scratch_;
};

// ---- stagers: braid column rows -> physical values

template <typename Src, typename Dst>
void stage_cast(const Column& c, const int64_t* rows, int64_t n, int, std::vector<Dst>& out, std::string&) {
  out.resize(static_cast<size_t>(n));
  const Src* v = c.values<Src>();
  for (int64_t i = 0; i < n; ++i) out[static_cast<size_t>(i)] = static_cast<Dst>(v[rows[i]]);
}

void stage_bool(const Column& c, const int64_t* rows, int64_t n, int, std::vector<uint8_t>& out, std::string&) {
  out.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) out[static_cast<size_t>(i)] = c.bool_value(rows[i]) ? 1 : 0;
}

void stage_bytes(const Column& c, const int64_t* rows, int64_t n, int, std::vector<std::string_view>& out, std::string&) {
  out.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) out[static_cast<size_t>(i)] = c.string_value(rows[i]);
}

void stage_fixed(const Column& c, const int64_t* rows, int64_t n, int, std::vector<std::string_view>& out, std::string&) {
  out.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) out[static_cast<size_t>(i)] = c.fixed_value(rows[i]);
}

void stage_decimal_fixed(const Column& c, const int64_t* rows, int64_t n, int width,
                         std::vector<std::string_view>& out, std::string& scratch) {
  scratch.resize(static_cast<size_t>(n * width));
  out.resize(static_cast<size_t>(n));
  const Int128* v = c.values<Int128>();
  for (int64_t i = 0; i < n; ++i) {
    char* p = scratch.data() + i * width;
    big_endian_decimal(v[rows[i]], width, p);
    out[static_cast<size_t>(i)] = std::string_view(p, static_cast<size_t>(width));
  }
}

void stage_interval(const Column& c, const int64_t* rows, int64_t n, int, std::vector<std::string_view>& out,
                    std::string& scratch) {
  scratch.resize(static_cast<size_t>(n * 12));
  out.resize(static_cast<size_t>(n));
  const MonthDayNanos* v = c.values<MonthDayNanos>();
  for (int64_t i = 0; i < n; ++i) {
    const MonthDayNanos& m = v[rows[i]];
    uint32_t parts[3] = {static_cast<uint32_t>(m.months), static_cast<uint32_t>(m.days),
                         static_cast<uint32_t>(m.nanos / 1'000'000)};
    char* p = scratch.data() + i * 12;
    std::memcpy(p, parts, 12);
    out[static_cast<size_t>(i)] = std::string_view(p, 12);
  }
}

template <typename Traits>
std::unique_ptr<ColumnChunkWriter> typed(const WriteNode& leaf, const ColumnWriteOptions& options,
                                         typename TypedColumnWriter<Traits>::Stager stager, Order order,
                                         bool dictionary = true) {
  return std::make_unique<TypedColumnWriter<Traits>>(leaf, options, stager, order, dictionary);
}

void stage_none(const Column&, const int64_t*, int64_t n, int, std::vector<int32_t>& out, std::string&) {
  out.assign(static_cast<size_t>(n), 0);
}

}  // namespace

Result<std::unique_ptr<ColumnChunkWriter>> ColumnChunkWriter::make(const WriteNode& leaf,
                                                                   const ColumnWriteOptions& options) {
  if (!can_compress(options.codec)) {
    return Status::not_implemented("writing {} compressed Parquet is not supported", codec_name(options.codec));
  }
  const DataType& t = *leaf.type;
  using I32 = NumericTraits<int32_t>;
  using I64 = NumericTraits<int64_t>;
  switch (t.id()) {
    case TypeId::kNull: return typed<I32>(leaf, options, stage_none, Order::kNone);
    case TypeId::kBoolean: return typed<BoolTraits>(leaf, options, stage_bool, Order::kNone, false);
    case TypeId::kInt8: return typed<I32>(leaf, options, stage_cast<int8_t, int32_t>, Order::kSigned);
    case TypeId::kInt16: return typed<I32>(leaf, options, stage_cast<int16_t, int32_t>, Order::kSigned);
    case TypeId::kInt32:
    case TypeId::kDate32: return typed<I32>(leaf, options, stage_cast<int32_t, int32_t>, Order::kSigned);
    case TypeId::kUInt8: return typed<I32>(leaf, options, stage_cast<uint8_t, int32_t>, Order::kUnsigned);
    case TypeId::kUInt16: return typed<I32>(leaf, options, stage_cast<uint16_t, int32_t>, Order::kUnsigned);
    case TypeId::kUInt32: return typed<I32>(leaf, options, stage_cast<uint32_t, int32_t>, Order::kUnsigned);
    case TypeId::kInt64:
    case TypeId::kTime64:
    case TypeId::kTimestamp: return typed<I64>(leaf, options, stage_cast<int64_t, int64_t>, Order::kSigned);
    case TypeId::kUInt64: return typed<I64>(leaf, options, stage_cast<uint64_t, int64_t>, Order::kUnsigned);
    case TypeId::kFloat32: return typed<NumericTraits<float>>(leaf, options, stage_cast<float, float>, Order::kSigned);
    case TypeId::kFloat64: return typed<NumericTraits<double>>(leaf, options, stage_cast<double, double>, Order::kSigned);
    case TypeId::kDecimal128:
      if (leaf.physical == PhysicalType::kInt32) return typed<I32>(leaf, options, stage_cast<Int128, int32_t>, Order::kSigned);
      if (leaf.physical == PhysicalType::kInt64) return typed<I64>(leaf, options, stage_cast<Int128, int64_t>, Order::kSigned);
      return typed<FixedTraits>(leaf, options, stage_decimal_fixed, Order::kSigned);
    case TypeId::kString:
    case TypeId::kBinary: return typed<BytesTraits>(leaf, options, stage_bytes, Order::kUnsigned);
    case TypeId::kFixedSizeBinary: return typed<FixedTraits>(leaf, options, stage_fixed, Order::kUnsigned);
    case TypeId::kInterval: return typed<FixedTraits>(leaf, options, stage_interval, Order::kNone);
    default: break;
  }
  return Status::not_implemented("writing {} columns to Parquet is not supported", t.to_string());
}

}  // namespace braid::parquet
