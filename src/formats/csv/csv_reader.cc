// CsvReader: tokenizer, type inference, typed conversion and parallel block parsing.
//
// Parallel parsing is speculative. A chunk of the file (known to start at a row boundary) is cut
// into blocks; a first parallel pass counts quote characters per block, so each block can guess
// whether it starts inside a quoted field and find its first row boundary. Every block then
// parses the rows that start inside it, running past its end to finish its last row. The guess
// is verified afterwards: block i's last row must end exactly where block i + 1 started. Any
// mismatch (a lone quote inside an unquoted field, a backslash escape) makes the chunk parse
// again serially, so the result never depends on the guess. Errors are only reported from
// blocks whose start was verified.
#include "formats/csv/csv_reader.h"

#include <fast_float/fast_float.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <deque>
#include <limits>
#include <set>

#include "columnar/column_builder.h"
#include "columnar/decimal.h"
#include "columnar/temporal.h"
#include "columnar/utf8.h"
#include "common/worker_pool.h"

namespace braid::csv {

namespace {

// ---- tokenizer

// One field of a row, as it appears in the input.
struct FieldText {
  std::string_view text;  // unescaped contents (quotes removed)
  bool quoted = false;
  size_t offset = 0;  // byte offset of the field's first character within the chunk
};

enum class RowResult { kRow, kBlank, kEnd, kIncomplete, kError };

struct Tokenizer {
  char delimiter;
  char quote;
  char escape;

  // Parses one row starting at `pos` of data[0, size). On kRow, `fields` holds the row and `pos`
  // the start of the next row. `eof`: data ends at the end of the file (a last row without a
  // line break is complete). Unescaped text goes to `scratch` (kept alive until the next call).
  RowResult next_row(const char* data, size_t size, size_t& pos, bool eof,
                     std::vector<FieldText>& fields, std::string& scratch, size_t& error_offset,
                     std::string& error) const {
    fields.clear();
    scratch.clear();
    if (pos >= size) return RowResult::kEnd;
    // Blank lines are skipped (as Spark does).
    if (data[pos] == '\n') {
      ++pos;
      return RowResult::kBlank;
    }
    if (data[pos] == '\r' && pos + 1 < size && data[pos + 1] == '\n') {
      pos += 2;
      return RowResult::kBlank;
    }
    // Offsets into scratch for unescaped fields, fixed up once scratch stops growing.
    std::vector<std::pair<size_t, size_t>>& ranges = scratch_ranges_;
    ranges.clear();
    size_t p = pos;
    while (true) {
      FieldText f;
      f.offset = p;
      if (p < size && data[p] == quote) {
        f.quoted = true;
        size_t start = ++p;
        bool unescaped = false;
        size_t scratch_start = scratch.size();
        while (true) {
          const char* q = static_cast<const char*>(
              std::memchr(data + p, quote, size - p));
          if (escape != quote) {
            // Find the first escape or quote.
            const char* e = static_cast<const char*>(std::memchr(data + p, escape, size - p));
            if (e != nullptr && (q == nullptr || e < q)) {
              if (!unescaped) {
                scratch.append(data + start, static_cast<size_t>(e - (data + start)));
                unescaped = true;
              } else {
                scratch.append(data + p, static_cast<size_t>(e - (data + p)));
              }
              size_t after = static_cast<size_t>(e - data) + 1;
              if (after >= size) {
                if (!eof) return RowResult::kIncomplete;
                error_offset = f.offset;
                error = "unterminated quoted field";
                return RowResult::kError;
              }
              scratch.push_back(data[after]);
              p = after + 1;
              continue;
            }
          }
          if (q == nullptr) {
            if (!eof) return RowResult::kIncomplete;
            error_offset = f.offset;
            error = "unterminated quoted field (the quote opens here)";
            return RowResult::kError;
          }
          size_t qp = static_cast<size_t>(q - data);
          if (escape == quote && qp + 1 < size && data[qp + 1] == quote) {
            // A doubled quote stands for one quote.
            if (!unescaped) {
              scratch.append(data + start, qp + 1 - start);
              unescaped = true;
            } else {
              scratch.append(data + p, qp + 1 - p);
            }
            p = qp + 2;
            continue;
          }
          if (escape == quote && qp + 1 >= size && !eof) return RowResult::kIncomplete;
          // Closing quote.
          if (unescaped) {
            scratch.append(data + p, qp - p);
            ranges.emplace_back(fields.size(), scratch_start);
            f.text = std::string_view(nullptr, 0);
            fields.push_back(f);
            fields.back().text = std::string_view(scratch.data() + scratch_start, scratch.size() - scratch_start);
          } else {
            f.text = std::string_view(data + start, qp - start);
            fields.push_back(f);
          }
          p = qp + 1;
          break;
        }
        // After a closing quote: a delimiter, a line end or the end of the data.
        if (p >= size) {
          if (!eof) return RowResult::kIncomplete;
          break;
        }
        char c = data[p];
        if (c == delimiter) {
          ++p;
          continue;
        }
        if (c == '\n') {
          ++p;
          break;
        }
        if (c == '\r' && p + 1 < size && data[p + 1] == '\n') {
          p += 2;
          break;
        }
        if (c == '\r' && p + 1 >= size && !eof) return RowResult::kIncomplete;
        error_offset = p;
        error = fmt::format("unexpected '{}' after a closing quote", printable(c));
        return RowResult::kError;
      }
      // Unquoted field: up to the delimiter or the line end.
      size_t start = p;
      while (p < size) {
        char c = data[p];
        if (c == delimiter || c == '\n') break;
        ++p;
      }
      size_t end = p;
      if (p >= size && !eof) return RowResult::kIncomplete;
      if (end > start && data[end - 1] == '\r' && (p >= size || data[p] == '\n')) --end;
      f.text = std::string_view(data + start, end - start);
      fields.push_back(f);
      if (p >= size) break;
      if (data[p] == delimiter) {
        ++p;
        if (p >= size) {
          // A trailing delimiter at the end of the data: one more, empty field.
          if (!eof) return RowResult::kIncomplete;
          FieldText last;
          last.offset = p;
          fields.push_back(last);
          break;
        }
        continue;
      }
      ++p;  // '\n'
      break;
    }
    // Scratch may have been reallocated after earlier fields pointed into it.
    for (const auto& [index, start] : ranges) {
      size_t len = fields[index].text.size();
      fields[index].text = std::string_view(scratch.data() + start, len);
    }
    pos = p;
    return RowResult::kRow;
  }

  static std::string printable(char c) {
    if (c >= 32 && c < 127) return std::string(1, c);
    return fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
  }

  mutable std::vector<std::pair<size_t, size_t>> scratch_ranges_;
};

// ---- value parsing

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

bool parse_int64(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    i = 1;
    if (s.size() == 1) return false;
  }
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    unsigned d = static_cast<unsigned>(s[i] - '0');
    if (d > 9) return false;
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  if (negative) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

template <typename T>
bool parse_float(std::string_view s, T* out) {
  if (s.empty()) return false;
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (*first == '+') ++first;  // fast_float, like std::from_chars, refuses a leading '+'
  auto r = fast_float::from_chars(first, last, *out);
  return r.ec == std::errc() && r.ptr == last;
}

bool parse_bool(std::string_view s, bool* out) {
  if (iequals(s, "true")) {
    *out = true;
    return true;
  }
  if (iequals(s, "false")) {
    *out = false;
    return true;
  }
  return false;
}

// ---- inference

// Candidate types, tried in this order; a column's type is the first candidate every sampled
// value parses as.
enum Candidate : unsigned {
  kCandBool = 1,
  kCandInt32 = 2,
  kCandInt64 = 4,
  kCandDouble = 8,
  kCandDate = 16,
  kCandTimestamp = 32,
  kCandAll = 63,
};

unsigned candidates_for(std::string_view s) {
  unsigned c = 0;
  bool b;
  if (parse_bool(s, &b)) c |= kCandBool;
  int64_t i;
  if (parse_int64(s, &i)) {
    c |= kCandInt64 | kCandDouble;
    if (i >= INT32_MIN && i <= INT32_MAX) c |= kCandInt32;
  } else {
    double d;
    if (parse_float(s, &d)) c |= kCandDouble;
  }
  if (s.size() >= 8 && s[0] != '+') {
    if (temporal::parse_date(s)) c |= kCandDate;
    if (temporal::parse_timestamp(s, TimeUnit::kMicro)) c |= kCandTimestamp;
  }
  return c;
}

TypePtr type_for_candidates(unsigned c, bool any_value) {
  if (!any_value) return string_type();
  if (c & kCandBool) return boolean();
  if (c & kCandInt32) return int32();
  if (c & kCandInt64) return int64();
  if (c & kCandDouble) return float64();
  if (c & kCandDate) return date32();
  if (c & kCandTimestamp) return timestamp(TimeUnit::kMicro, "UTC");
  return string_type();
}

// ---- conversion of fields into builders

struct ColumnSpec {
  std::string name;
  TypePtr type;
  bool inferred = false;
};

std::string type_label(const DataType& t) { return t.to_string(); }

// Converts one field into a column builder; returns false with a message on bad input.
class FieldSink {
 public:
  FieldSink(const ColumnSpec& spec, MemoryTracker* tracker)
      : spec_(spec), builder_(make_builder(spec.type, tracker)) {}

  // `is_null` was decided by the caller (null_values on unquoted text).
  bool append(const FieldText& f, bool is_null, std::string& error) {
    if (is_null) {
      builder_->append_null();
      return true;
    }
    const DataType& t = *spec_.type;
    switch (t.id()) {
      case TypeId::kString:
        if (!utf8::is_valid(f.text)) {
          error = "invalid UTF-8";
          return false;
        }
        static_cast<BinaryBuilder*>(builder_.get())->append(f.text);
        return true;
      case TypeId::kBinary:
        static_cast<BinaryBuilder*>(builder_.get())->append(f.text);
        return true;
      default:
        break;
    }
    std::string_view s = trim(f.text);
    if (s.empty()) {  // only spaces: NULL for every non-string type
      builder_->append_null();
      return true;
    }
    switch (t.id()) {
      case TypeId::kBoolean: {
        bool b;
        if (!parse_bool(s, &b)) {
          if (s == "1" || s == "0") {
            b = s == "1";
          } else {
            return bad(s, error);
          }
        }
        static_cast<BooleanBuilder*>(builder_.get())->append(b);
        return true;
      }
      case TypeId::kInt8: return append_int<int8_t>(s, error);
      case TypeId::kInt16: return append_int<int16_t>(s, error);
      case TypeId::kInt32: return append_int<int32_t>(s, error);
      case TypeId::kInt64: return append_int<int64_t>(s, error);
      case TypeId::kUInt8: return append_int<uint8_t>(s, error);
      case TypeId::kUInt16: return append_int<uint16_t>(s, error);
      case TypeId::kUInt32: return append_int<uint32_t>(s, error);
      case TypeId::kUInt64: {
        // Unsigned 64-bit values above INT64_MAX.
        uint64_t v = 0;
        if (s.empty() || s.size() > 20) return bad(s, error);
        for (char c : s) {
          unsigned d = static_cast<unsigned>(c - '0');
          if (d > 9 || v > (UINT64_MAX - d) / 10) return bad(s, error);
          v = v * 10 + d;
        }
        static_cast<UInt64Builder*>(builder_.get())->append(v);
        return true;
      }
      case TypeId::kFloat32: {
        float v;
        if (!parse_float(s, &v)) return bad(s, error);
        static_cast<Float32Builder*>(builder_.get())->append(v);
        return true;
      }
      case TypeId::kFloat64: {
        double v;
        if (!parse_float(s, &v)) return bad(s, error);
        static_cast<Float64Builder*>(builder_.get())->append(v);
        return true;
      }
      case TypeId::kDecimal128: {
        decimal::ParseError why;
        auto v = decimal::parse(s, t.precision(), t.scale(), &why);
        if (!v) {
          if (why == decimal::ParseError::kOverflow) {
            error = fmt::format("'{}' does not fit {}", clip(s), type_label(t));
            return false;
          }
          return bad(s, error);
        }
        static_cast<Decimal128Builder*>(builder_.get())->append(*v);
        return true;
      }
      case TypeId::kDate32: {
        auto v = temporal::parse_date(s);
        if (!v) {
          // A timestamp whose time is midnight is a date too (Spark accepts "2024-01-01 00:00:00").
          auto ts = temporal::parse_timestamp(s, TimeUnit::kMicro);
          if (!ts || ts->value % temporal::kMicrosPerDay != 0) return bad(s, error);
          v = static_cast<int32_t>(ts->value / temporal::kMicrosPerDay);
        }
        static_cast<Int32Builder*>(builder_.get())->append(*v);
        return true;
      }
      case TypeId::kTimestamp: {
        auto v = temporal::parse_timestamp(s, t.unit());
        if (!v) return bad(s, error);
        static_cast<Int64Builder*>(builder_.get())->append(v->value);
        return true;
      }
      case TypeId::kTime64: {
        auto v = temporal::parse_time(s, t.unit());
        if (!v) return bad(s, error);
        static_cast<Int64Builder*>(builder_.get())->append(*v);
        return true;
      }
      default:
        error = fmt::format("reading {} columns from CSV is not supported", type_label(t));
        return false;
    }
  }

  Result<ColumnPtr> finish() { return builder_->finish(); }
  void reserve(int64_t rows) { builder_->reserve(rows); }

 private:
  template <typename T>
  bool append_int(std::string_view s, std::string& error) {
    int64_t v;
    if (!parse_int64(s, &v)) {
      double d;
      if (parse_float(s, &d)) {
        error = fmt::format("'{}' is not an integer ({})", clip(s), type_label(*spec_.type));
        return false;
      }
      return bad(s, error);
    }
    if (v < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
        (v > 0 && static_cast<uint64_t>(v) > static_cast<uint64_t>(std::numeric_limits<T>::max()))) {
      error = fmt::format("{} is out of range for {}", v, type_label(*spec_.type));
      return false;
    }
    static_cast<PrimitiveBuilder<T>*>(builder_.get())->append(static_cast<T>(v));
    return true;
  }

  static std::string clip(std::string_view s) {
    if (s.size() <= 40) return std::string(s);
    return std::string(s.substr(0, 37)) + "...";
  }

  bool bad(std::string_view s, std::string& error) const {
    error = fmt::format("cannot read '{}' as {}", clip(s), type_label(*spec_.type));
    if (spec_.inferred) error += " (the type was inferred from the first rows; give the column a type to override)";
    return false;
  }

  const ColumnSpec& spec_;
  std::unique_ptr<ColumnBuilder> builder_;
};

// ---- block parsing

struct BlockResult {
  size_t start = 0;  // where the block's first row starts (chunk offset)
  size_t end = 0;    // where parsing stopped: the end of its last row
  bool incomplete = false;  // stopped at a row that runs past the data (not at EOF)
  RecordBatchPtr batch;
  Status error;           // a parse error, with the chunk offset in error_offset
  size_t error_offset = 0;
};

class CsvReaderImpl final : public CsvReader {
 public:
  CsvReaderImpl(std::shared_ptr<FileSystem> fs, std::string path, CsvReadOptions options)
      : fs_(std::move(fs)), path_(std::move(path)), options_(std::move(options)) {
    tokenizer_.delimiter = options_.delimiter;
    tokenizer_.quote = options_.quote;
    tokenizer_.escape = options_.escape;
    null_is_empty_only_ = options_.null_values.size() == 1 && options_.null_values[0].empty();
  }

  Status open();
  const SchemaPtr& schema() const override { return schema_; }
  Result<RecordBatchPtr> next() override;

 private:
  Status fill_chunk(size_t min_bytes);
  Status parse_chunk();
  BlockResult parse_block(const char* data, size_t size, size_t start, size_t stop, bool eof);
  bool is_null(const FieldText& f) const;
  // "path:line:column: " for a byte offset of the current chunk.
  std::string location(size_t chunk_offset) const;

  std::shared_ptr<FileSystem> fs_;
  std::string path_;
  CsvReadOptions options_;
  Tokenizer tokenizer_;
  bool null_is_empty_only_ = false;  // the common case, checked without a loop
  std::unique_ptr<RandomAccessFile> file_;
  SchemaPtr schema_;
  std::vector<ColumnSpec> columns_;

  // The chunk being parsed: file bytes [chunk_file_offset_, + chunk_.size()).
  std::string chunk_;
  uint64_t chunk_file_offset_ = 0;
  uint64_t file_pos_ = 0;   // next byte of the file to read
  int64_t chunk_line_ = 1;  // line number of chunk_[0]
  bool done_ = false;
  std::deque<RecordBatchPtr> ready_;
  size_t chunk_bytes_ = 0;
};

std::string CsvReaderImpl::location(size_t offset) const {
  offset = std::min(offset, chunk_.size());
  int64_t line = chunk_line_ + std::count(chunk_.begin(), chunk_.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
  size_t line_start = offset;
  while (line_start > 0 && chunk_[line_start - 1] != '\n') --line_start;
  return fmt::format("{}:{}:{}", path_, line, offset - line_start + 1);
}

bool CsvReaderImpl::is_null(const FieldText& f) const {
  if (f.quoted) return false;
  if (null_is_empty_only_) return f.text.empty();
  for (const auto& n : options_.null_values) {
    if (f.text == n) return true;
  }
  return false;
}

Status CsvReaderImpl::fill_chunk(size_t min_bytes) {
  // Keep the unparsed tail (a row cut by the previous read) and append fresh bytes.
  size_t want = std::max(min_bytes, chunk_bytes_);
  uint64_t size = file_->size();
  if (file_pos_ >= size) return Status::OK();
  size_t n = static_cast<size_t>(std::min<uint64_t>(want, size - file_pos_));
  size_t old = chunk_.size();
  chunk_.resize(old + n);
  BRAID_RETURN_IF_ERROR(file_->read_at(file_pos_, n, reinterpret_cast<uint8_t*>(chunk_.data() + old)));
  file_pos_ += n;
  return Status::OK();
}

Status CsvReaderImpl::open() {
  BRAID_ASSIGN_OR_RETURN(file_, fs_->open_read(path_));
  const int parallelism = options_.parallel ? WorkerPool::shared().concurrency() : 1;
  const int64_t block = std::max<int64_t>(options_.block_bytes, 1);
  // Two blocks per thread, so one slow block does not leave the others idle.
  chunk_bytes_ = static_cast<size_t>(std::max<int64_t>(block * parallelism * (parallelism > 1 ? 2 : 1), 1));
  chunk_file_offset_ = 0;
  chunk_line_ = 1;
  // Read enough for the header and the inference sample (growing while rows are cut off).
  size_t pos = 0;
  std::vector<FieldText> fields;
  std::string scratch;
  std::vector<std::string> header;
  size_t num_columns = 0;
  std::vector<unsigned> candidates;
  std::vector<bool> seen_value;
  int64_t sampled = 0;
  BRAID_RETURN_IF_ERROR(fill_chunk(std::max<size_t>(chunk_bytes_, 1 << 16)));
  if (chunk_.size() >= 3 && chunk_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos = 3;  // UTF-8 BOM
  bool have_header = false;
  size_t data_start = pos;
  while (true) {
    bool eof = file_pos_ >= file_->size();
    size_t error_offset = 0;
    std::string error;
    size_t row_start = pos;
    RowResult r = tokenizer_.next_row(chunk_.data(), chunk_.size(), pos, eof, fields, scratch,
                                      error_offset, error);
    if (r == RowResult::kIncomplete) {
      if (eof) break;
      // Grow the sample window (a long row or a small chunk).
      BRAID_RETURN_IF_ERROR(fill_chunk(std::max<size_t>(chunk_.size(), 1 << 16)));
      pos = row_start;
      continue;
    }
    if (r == RowResult::kError) {
      return Status::parse_error("{}: {}", location(error_offset), error);
    }
    if (r == RowResult::kEnd) break;
    if (r == RowResult::kBlank) {
      if (!have_header) data_start = pos;
      continue;
    }
    if (!have_header) {
      have_header = true;
      num_columns = fields.size();
      if (options_.header) {
        for (const auto& f : fields) header.emplace_back(f.text);
        data_start = pos;
      } else {
        data_start = row_start;
      }
      candidates.assign(num_columns, kCandAll);
      seen_value.assign(num_columns, false);
      if (!options_.header) {
        // The first row is data: sample it too.
        pos = row_start;
      }
      continue;
    }
    if (sampled >= options_.sample_rows) break;
    ++sampled;
    for (size_t c = 0; c < std::min(num_columns, fields.size()); ++c) {
      const FieldText& f = fields[c];
      if (is_null(f)) continue;
      std::string_view s = trim(f.text);
      if (s.empty()) continue;
      seen_value[c] = true;
      candidates[c] &= candidates_for(s);
    }
  }
  if (!have_header) {
    if (options_.schema) {
      schema_ = options_.schema;
      for (const auto& f : schema_->fields()) columns_.push_back({f->name(), f->type(), false});
    } else {
      schema_ = braid::schema({});
    }
    done_ = true;
    return Status::OK();
  }
  // Column names and types.
  if (options_.schema) {
    if (static_cast<size_t>(options_.schema->num_fields()) != num_columns) {
      return Status::invalid_argument("{}: the file has {} columns but the schema has {}", path_,
                                      num_columns, options_.schema->num_fields());
    }
    for (const auto& f : options_.schema->fields()) columns_.push_back({f->name(), f->type(), false});
  } else {
    std::set<std::string> used;
    for (size_t c = 0; c < num_columns; ++c) {
      std::string name = options_.header ? header[c] : "";
      if (name.empty()) name = fmt::format("_c{}", c);
      std::string unique = name;
      for (int k = 2; used.count(unique); ++k) unique = fmt::format("{}_{}", name, k);
      used.insert(unique);
      columns_.push_back({unique, type_for_candidates(candidates[c], seen_value[c]), true});
    }
    for (const auto& override_type : options_.column_types) {
      const std::string& name = override_type.first;
      const TypePtr& type = override_type.second;
      auto it = std::find_if(columns_.begin(), columns_.end(),
                             [&](const ColumnSpec& s) { return s.name == name; });
      if (it == columns_.end()) {
        return Status::not_found("{}: no column '{}' to give the type {}", path_, name, type->to_string());
      }
      it->type = type;
      it->inferred = false;
    }
  }
  std::vector<FieldPtr> fields_out;
  for (const auto& c : columns_) fields_out.push_back(field(c.name, c.type, true));
  schema_ = braid::schema(std::move(fields_out));
  // Data starts after the header: drop what precedes it from the chunk.
  chunk_line_ += std::count(chunk_.begin(), chunk_.begin() + static_cast<std::ptrdiff_t>(data_start), '\n');
  chunk_file_offset_ += data_start;
  chunk_.erase(0, data_start);
  return Status::OK();
}

BlockResult CsvReaderImpl::parse_block(const char* data, size_t size, size_t start, size_t stop,
                                       bool eof) {
  BlockResult out;
  out.start = start;
  out.end = start;
  std::vector<FieldSink> sinks;
  sinks.reserve(columns_.size());
  for (const auto& c : columns_) sinks.emplace_back(c, nullptr);
  Tokenizer tokenizer = tokenizer_;  // its scratch state is per thread
  std::vector<FieldText> fields;
  std::string scratch;
  std::string error;
  size_t pos = start;
  int64_t rows = 0;
  const size_t ncols = columns_.size();
  while (pos < stop) {
    size_t row_start = pos;
    size_t error_offset = 0;
    RowResult r = tokenizer.next_row(data, size, pos, eof, fields, scratch, error_offset, error);
    if (r == RowResult::kEnd) break;
    if (r == RowResult::kIncomplete) {
      out.incomplete = true;
      pos = row_start;
      break;
    }
    if (r == RowResult::kError) {
      out.error = Status::parse_error("{}", error);
      out.error_offset = error_offset;
      out.end = row_start;
      return out;
    }
    if (r == RowResult::kBlank) {
      out.end = pos;
      continue;
    }
    if (fields.size() != ncols) {
      out.error = Status::parse_error("expected {} field{}, found {}", ncols, ncols == 1 ? "" : "s",
                                      fields.size());
      out.error_offset = fields.size() > ncols ? fields[ncols].offset : row_start;
      out.end = row_start;
      return out;
    }
    for (size_t c = 0; c < ncols; ++c) {
      const FieldText& f = fields[c];
      if (!sinks[c].append(f, is_null(f), error)) {
        out.error = Status::parse_error("column '{}': {}", columns_[c].name, error);
        out.error_offset = f.offset;
        out.end = row_start;
        return out;
      }
    }
    ++rows;
    out.end = pos;
  }
  std::vector<ColumnPtr> columns;
  columns.reserve(ncols);
  for (size_t c = 0; c < ncols; ++c) {
    auto col = sinks[c].finish();
    if (!col.ok()) {
      out.error = col.status();
      out.error_offset = start;
      return out;
    }
    columns.push_back(std::move(col).value());
  }
  out.batch = std::make_shared<const RecordBatch>(schema_, rows, std::move(columns));
  return out;
}

Status CsvReaderImpl::parse_chunk() {
  const bool eof = file_pos_ >= file_->size();
  const char* data = chunk_.data();
  const size_t size = chunk_.size();
  const int64_t block_bytes = std::max<int64_t>(options_.block_bytes, 1);
  // Even blocks of about block_bytes (no sliver at the end).
  size_t num_blocks = std::max<size_t>(1, (size + static_cast<size_t>(block_bytes) / 2) / static_cast<size_t>(block_bytes));
  if (!options_.parallel || options_.escape != options_.quote) num_blocks = 1;

  std::vector<BlockResult> results(num_blocks);
  bool serial = num_blocks == 1;
  if (!serial) {
    std::vector<size_t> bounds(num_blocks + 1);
    for (size_t i = 0; i <= num_blocks; ++i) bounds[i] = size * i / num_blocks;
    // Pass 1: quote parity per block.
    std::vector<uint8_t> odd(num_blocks, 0);
    BRAID_RETURN_IF_ERROR(parallel_for(num_blocks, [&](size_t i) {
      size_t n = static_cast<size_t>(std::count(data + bounds[i], data + bounds[i + 1], options_.quote));
      odd[i] = n & 1;
      return Status::OK();
    }));
    // Pass 2: each block finds its first row and parses the rows that start inside it.
    std::vector<uint8_t> in_quotes(num_blocks, 0);
    for (size_t i = 1; i < num_blocks; ++i) in_quotes[i] = in_quotes[i - 1] ^ odd[i - 1];
    BRAID_RETURN_IF_ERROR(parallel_for(num_blocks, [&](size_t i) {
      size_t start = bounds[i];
      if (i > 0) {
        bool q = in_quotes[i] != 0;
        size_t p = start;
        for (; p < size; ++p) {
          char c = data[p];
          if (c == options_.quote) {
            q = !q;
          } else if (c == '\n' && !q) {
            break;
          }
        }
        start = p < size ? p + 1 : size;
      }
      results[i] = parse_block(data, size, start, std::max(start, bounds[i + 1]), eof);
      return Status::OK();
    }));
    // Blocks that found no row start (the chunk's tail is one unfinished row) hold nothing.
    size_t last = num_blocks - 1;
    while (last > 0 && results[last].start >= size) --last;
    results.resize(last + 1);
    // Verify: every block must end where the next one started; errors only count from verified
    // blocks (the first always is).
    for (size_t i = 0; i < last; ++i) {
      if (!results[i].error.ok()) break;  // reported below: its start was verified
      if (results[i].incomplete || results[i].end != results[i + 1].start) {
        serial = true;
        break;
      }
    }
  }
  if (serial) {
    results.assign(1, parse_block(data, size, 0, size, eof));
  }
  size_t consumed = 0;
  for (auto& r : results) {
    if (!r.error.ok()) {
      return Status(r.error.code(), location(r.error_offset) + ": " + r.error.to_string());
    }
    if (r.batch && r.batch->num_rows() > 0) ready_.push_back(std::move(r.batch));
    consumed = r.end;
  }
  // Keep the unparsed tail (an incomplete last row) for the next chunk.
  chunk_line_ += std::count(chunk_.begin(), chunk_.begin() + static_cast<std::ptrdiff_t>(consumed), '\n');
  chunk_file_offset_ += consumed;
  chunk_.erase(0, consumed);
  if (eof) {
    if (!chunk_.empty()) {
      // Only possible when the last row could not be parsed at all.
      return Status::parse_error("{}: could not parse the last row", location(0));
    }
    done_ = true;
  } else if (consumed == 0) {
    // Not even one row fits in the chunk: read more before trying again.
    chunk_bytes_ *= 2;
  }
  return Status::OK();
}

Result<RecordBatchPtr> CsvReaderImpl::next() {
  while (ready_.empty() && !done_) {
    BRAID_RETURN_IF_ERROR(fill_chunk(chunk_bytes_ > chunk_.size() ? chunk_bytes_ - chunk_.size() : 1 << 16));
    BRAID_RETURN_IF_ERROR(parse_chunk());
  }
  if (ready_.empty()) return RecordBatchPtr(nullptr);
  RecordBatchPtr batch = std::move(ready_.front());
  ready_.pop_front();
  return batch;
}

}  // namespace

Result<std::unique_ptr<CsvReader>> CsvReader::open(std::shared_ptr<FileSystem> fs, std::string path,
                                                   CsvReadOptions options) {
  if (options.delimiter == options.quote || options.delimiter == '\n' || options.quote == '\n') {
    return Status::invalid_argument("CSV delimiter, quote and line break must differ");
  }
  auto reader = std::make_unique<CsvReaderImpl>(std::move(fs), path, std::move(options));
  BRAID_RETURN_IF_ERROR(reader->open());
  return std::unique_ptr<CsvReader>(std::move(reader));
}

Result<std::vector<RecordBatchPtr>> read_csv(std::shared_ptr<FileSystem> fs, const std::string& path,
                                             const CsvReadOptions& options) {
  BRAID_ASSIGN_OR_RETURN(auto reader, CsvReader::open(std::move(fs), path, options));
  std::vector<RecordBatchPtr> batches;
  while (true) {
    BRAID_ASSIGN_OR_RETURN(auto batch, reader->next());
    if (batch == nullptr) break;
    batches.push_back(std::move(batch));
  }
  return batches;
}

}  // namespace braid::csv
