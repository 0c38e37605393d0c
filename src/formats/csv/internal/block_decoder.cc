#include "formats/csv/internal/block_decoder.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstring>

#include "columnar/decimal.h"
#include "columnar/take.h"
#include "columnar/temporal.h"
#include "columnar/utf8.h"
#include "formats/csv/internal/column_sinks.h"
#include "formats/csv/internal/value_parsers.h"

namespace braid::csv::internal {

Result<ValueKind> value_kind_for(const DataType& type) {
  switch (type.id()) {
    case TypeId::kString: return ValueKind::kString;
    case TypeId::kBinary: return ValueKind::kBinary;
    case TypeId::kBoolean: return ValueKind::kBoolean;
    case TypeId::kInt8: return ValueKind::kInt8;
    case TypeId::kInt16: return ValueKind::kInt16;
    case TypeId::kInt32: return ValueKind::kInt32;
    case TypeId::kInt64: return ValueKind::kInt64;
    case TypeId::kUInt8: return ValueKind::kUInt8;
    case TypeId::kUInt16: return ValueKind::kUInt16;
    case TypeId::kUInt32: return ValueKind::kUInt32;
    case TypeId::kUInt64: return ValueKind::kUInt64;
    case TypeId::kFloat32: return ValueKind::kFloat32;
    case TypeId::kFloat64: return ValueKind::kFloat64;
    case TypeId::kDecimal128: return ValueKind::kDecimal;
    case TypeId::kDate32: return ValueKind::kDate;
    case TypeId::kTimestamp: return ValueKind::kTimestamp;
    case TypeId::kTime64: return ValueKind::kTime;
    default:
      return Status::not_implemented("reading {} columns from CSV is not supported",
                                     type.to_string());
  }
}

namespace {

// Rows tokenized before their columns are converted: enough to amortise the per-column
// dispatch, few enough that the field array stays in the L2 cache (fewer rows for wide files).
constexpr size_t kMaxBatchRows = 1024;
constexpr size_t kBatchFields = 16384;

bool all_ascii(const char* p, size_t n) {
  uint64_t bits = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    bits |= w;
  }
  for (; i < n; ++i) bits |= static_cast<unsigned char>(p[i]);
  return (bits & 0x8080808080808080ULL) == 0;
}

// A value as quoted in an error message: at most 40 characters.
std::string clip(std::string_view s) {
  if (s.size() <= 40) return std::string(s);
  return std::string(s.substr(0, utf8::prefix_bytes(s, 37))) + "...";
}

// A column name in a DDL schema string: in backticks unless a plain identifier.
std::string ddl_name(const std::string& name) {
  bool plain = !name.empty() && !is_digit(name[0]);
  for (char c : name) {
    plain &= (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
  }
  if (plain) return name;
  std::string quoted = "`";
  for (char c : name) quoted += c == '`' ? std::string("``") : std::string(1, c);
  return quoted + "`";
}

// A type in a DDL schema string (Spark's names, as the SQL parser reads them).
std::string ddl_type(const DataType& type) {
  std::string t = type.to_string();
  for (char& c : t) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return t;
}

// A date, or a timestamp at midnight (what Spark writes for dates cast to timestamps).
bool parse_date_value(std::string_view s, int32_t* out) {
  if (parse_date(s, out)) return true;
  int64_t micros;
  if (!parse_timestamp(s, TimeUnit::kMicro, &micros) || micros % temporal::kMicrosPerDay != 0) {
    return false;
  }
  const int64_t days = micros / temporal::kMicrosPerDay;
  if (days < INT32_MIN || days > INT32_MAX) return false;
  *out = static_cast<int32_t>(days);
  return true;
}

// Whether a plain decimal has non-zero digits after the first `scale` fraction digits (or an
// exponent, which inference never makes a decimal of).
bool fraction_digits_beyond(std::string_view s, int scale) {
  const size_t point = s.find('.');
  if (point == std::string_view::npos) return s.find_first_of("eE") != std::string_view::npos;
  for (size_t i = point + 1 + static_cast<size_t>(scale); i < s.size(); ++i) {
    if (s[i] != '0') return true;
  }
  return false;
}

bool parse_bool_value(std::string_view s, bool* out) {
  if (s.size() == 1 && (s[0] == '1' || s[0] == '0')) {
    *out = s[0] == '1';
    return true;
  }
  return parse_bool(s, out);
}

std::unique_ptr<ColumnSink> make_sink(const ColumnPlan& c) {
  switch (c.kind) {
    case ValueKind::kString:
    case ValueKind::kBinary: return std::make_unique<StringColumnSink>(c.type);
    case ValueKind::kBoolean: return std::make_unique<BooleanColumnSink>(c.type);
    case ValueKind::kInt8: return std::make_unique<FixedColumnSink<int8_t>>(c.type);
    case ValueKind::kInt16: return std::make_unique<FixedColumnSink<int16_t>>(c.type);
    case ValueKind::kInt32:
    case ValueKind::kDate: return std::make_unique<FixedColumnSink<int32_t>>(c.type);
    case ValueKind::kInt64:
    case ValueKind::kTimestamp:
    case ValueKind::kTime: return std::make_unique<FixedColumnSink<int64_t>>(c.type);
    case ValueKind::kUInt8: return std::make_unique<FixedColumnSink<uint8_t>>(c.type);
    case ValueKind::kUInt16: return std::make_unique<FixedColumnSink<uint16_t>>(c.type);
    case ValueKind::kUInt32: return std::make_unique<FixedColumnSink<uint32_t>>(c.type);
    case ValueKind::kUInt64: return std::make_unique<FixedColumnSink<uint64_t>>(c.type);
    case ValueKind::kFloat32: return std::make_unique<FixedColumnSink<float>>(c.type);
    case ValueKind::kFloat64: return std::make_unique<FixedColumnSink<double>>(c.type);
    case ValueKind::kDecimal: return std::make_unique<FixedColumnSink<Int128>>(c.type);
  }
  return nullptr;
}

class BlockDecoder {
 public:
  BlockDecoder(const ReadPlan& plan, const char* data, size_t size, bool eof)
      : plan_(plan),
        data_(data),
        size_(size),
        eof_(eof),
        tokenizer_(plan.dialect, data, size, eof),
        num_columns_(static_cast<uint32_t>(plan.columns.size())),
        stride_(num_columns_ + 1),
        batch_rows_(std::clamp<size_t>(kBatchFields / stride_, 1, kMaxBatchRows)),
        fields_(batch_rows_ * stride_),
        fail_fast_(plan.mode == MalformedMode::kFailFast) {
    sinks_.reserve(num_columns_);
    for (const auto& c : plan.columns) sinks_.push_back(make_sink(c));
    if (!fail_fast_) {
      row_begin_.resize(batch_rows_);
      row_end_.resize(batch_rows_);
      bad_.resize(batch_rows_);
    }
    if (plan.corrupt_index >= 0) corrupt_sink_ = std::make_unique<StringColumnSink>(string_type());
  }

  BlockResult decode(size_t begin, size_t stop);

 private:
  [[gnu::always_inline]] bool is_null(const FieldRef& f) const { return is_null_field(plan_, f); }
  // Row r of the batch failed in some column: true (stop) in FAILFAST mode; otherwise the row is
  // marked malformed and the field becomes NULL.
  [[gnu::always_inline]] bool fails(size_t r) {
    if (fail_fast_) return true;
    bad_[r] = 1;
    return false;
  }
  // Outside FAILFAST: where the malformed row that starts at row_start and whose tokenizing
  // failed after a closing quote ends (false: past the data, the file goes on).
  bool end_of_bad_row(size_t error_offset, size_t* end) const;
  // Outside FAILFAST, after a batch of `rows` rows: notes its malformed rows and, in PERMISSIVE
  // mode, writes their text to the corrupt-record column. An error names the offending row in
  // out.error_offset.
  Status finish_batch(size_t rows, int64_t first_row, BlockResult& out);
  // The columns of the block's rows (with the corrupt-record column), malformed rows left out in
  // DROPMALFORMED mode; nullptr when none is left.
  Result<RecordBatchPtr> finish(int64_t total_rows);
  // The field's text with escapes resolved (valid until the next call).
  std::string_view text_of(const FieldRef& f) {
    if (!f.escaped()) return f.raw();
    unescape(f, plan_.dialect, scratch_);
    return scratch_;
  }
  const FieldRef& field(size_t row, size_t column) const { return fields_[row * stride_ + column]; }

  // Converts column c of the batch's first `rows` rows; returns the first row that fails, or -1.
  int64_t convert(size_t c, size_t rows);
  template <typename T, typename Parse>
  int64_t convert_fixed(size_t c, size_t rows, Parse parse);
  int64_t convert_binary(size_t c, size_t rows, bool validate_utf8);
  int64_t convert_bool(size_t c, size_t rows);
  std::string conversion_error(size_t c, const FieldRef& f);
  // A schema option that reads every column as now except `column`, which gets `type`: how an
  // error tells the user to override an inferred type.
  std::string schema_hint(size_t column, std::string_view type) const;

  const ReadPlan& plan_;
  const char* data_;
  const size_t size_;
  const bool eof_;
  RowTokenizer tokenizer_;
  const uint32_t num_columns_;
  // Fields per row slot: one more than the columns, to see where an extra field starts.
  const uint32_t stride_;
  const size_t batch_rows_;
  std::vector<FieldRef> fields_;
  std::vector<std::unique_ptr<ColumnSink>> sinks_;
  std::string scratch_;
  bool ascii_ = false;  // the batch's bytes are all ASCII: strings need no UTF-8 check
  // Outside FAILFAST (the vectors are empty otherwise): per row of the batch, where it starts and
  // ends and whether it is malformed; the block's rows to drop (DROPMALFORMED).
  const bool fail_fast_;
  std::vector<size_t> row_begin_, row_end_;
  std::vector<uint8_t> bad_;
  std::vector<int64_t> dropped_;
  std::unique_ptr<StringColumnSink> corrupt_sink_;  // PERMISSIVE
};

template <typename T, typename Parse>
int64_t BlockDecoder::convert_fixed(size_t c, size_t rows, Parse parse) {
  auto& sink = static_cast<FixedColumnSink<T>&>(*sinks_[c]);
  sink.begin_batch(rows);
  const bool not_null = !plan_.columns[c].nullable;
  const FieldRef* f = fields_.data() + c;
  for (size_t r = 0; r < rows; ++r, f += stride_) {
    if (is_null(*f)) {
      if (not_null && fails(r)) return static_cast<int64_t>(r);
      sink.append_null();
      continue;
    }
    const std::string_view s = trim_blanks(text_of(*f));
    if (s.empty()) {  // a blank value of a non-string column is NULL
      if (not_null && fails(r)) return static_cast<int64_t>(r);
      sink.append_null();
      continue;
    }
    T v;
    if (!parse(s, &v)) {
      if (fails(r)) return static_cast<int64_t>(r);
      sink.append_null();
      continue;
    }
    sink.append(v);
  }
  return -1;
}

int64_t BlockDecoder::convert_binary(size_t c, size_t rows, bool validate_utf8) {
  auto& sink = static_cast<StringColumnSink&>(*sinks_[c]);
  size_t bytes = 0;
  for (size_t r = 0; r < rows; ++r) bytes += field(r, c).size;
  sink.begin_batch(rows, bytes);
  const bool check = validate_utf8 && !ascii_;
  const bool not_null = !plan_.columns[c].nullable;
  const FieldRef* f = fields_.data() + c;
  for (size_t r = 0; r < rows; ++r, f += stride_) {
    if (is_null(*f)) {
      if (not_null && fails(r)) return static_cast<int64_t>(r);
      sink.append_null();
      continue;
    }
    const std::string_view s = text_of(*f);
    if (check && !utf8::is_valid(s)) {
      if (fails(r)) return static_cast<int64_t>(r);
      sink.append_null();
      continue;
    }
    sink.append(s, !f->escaped());
  }
  sink.end_batch();
  return -1;
}

int64_t BlockDecoder::convert_bool(size_t c, size_t rows) {
  auto& sink = static_cast<BooleanColumnSink&>(*sinks_[c]);
  sink.begin_batch(rows);
  const bool not_null = !plan_.columns[c].nullable;
  const FieldRef* f = fields_.data() + c;
  for (size_t r = 0; r < rows; ++r, f += stride_) {
    if (is_null(*f)) {
      if (not_null && fails(r)) return static_cast<int64_t>(r);
      sink.append_null();
      continue;
    }
    const std::string_view s = trim_blanks(text_of(*f));
    if (s.empty()) {
      if (not_null && fails(r)) return static_cast<int64_t>(r);
      sink.append_null();
      continue;
    }
    bool v;
    if (!parse_bool_value(s, &v)) {
      if (fails(r)) return static_cast<int64_t>(r);
      sink.append_null();
      continue;
    }
    sink.append(v);
  }
  return -1;
}

int64_t BlockDecoder::convert(size_t c, size_t rows) {
  const ColumnPlan& col = plan_.columns[c];
  auto integer = [](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    return [](std::string_view s, T* v) { return parse_integer(s, v) == IntParse::kOk; };
  };
  switch (col.kind) {
    case ValueKind::kString: return convert_binary(c, rows, true);
    case ValueKind::kBinary: return convert_binary(c, rows, false);
    case ValueKind::kBoolean: return convert_bool(c, rows);
    case ValueKind::kInt8: return convert_fixed<int8_t>(c, rows, integer(static_cast<int8_t*>(nullptr)));
    case ValueKind::kInt16: return convert_fixed<int16_t>(c, rows, integer(static_cast<int16_t*>(nullptr)));
    case ValueKind::kInt32: return convert_fixed<int32_t>(c, rows, integer(static_cast<int32_t*>(nullptr)));
    case ValueKind::kInt64: return convert_fixed<int64_t>(c, rows, integer(static_cast<int64_t*>(nullptr)));
    case ValueKind::kUInt8: return convert_fixed<uint8_t>(c, rows, integer(static_cast<uint8_t*>(nullptr)));
    case ValueKind::kUInt16: return convert_fixed<uint16_t>(c, rows, integer(static_cast<uint16_t*>(nullptr)));
    case ValueKind::kUInt32: return convert_fixed<uint32_t>(c, rows, integer(static_cast<uint32_t*>(nullptr)));
    case ValueKind::kUInt64: return convert_fixed<uint64_t>(c, rows, integer(static_cast<uint64_t*>(nullptr)));
    case ValueKind::kFloat32: return convert_fixed<float>(c, rows, parse_float);
    case ValueKind::kFloat64:
      if (col.inferred) {
        // The sample's integers were all doubles exactly; a later one that is not is refused
        // rather than rounded (short decimals are exact: 15 digits).
        return convert_fixed<double>(c, rows, [](std::string_view s, double* v) {
          return fast::short_decimal(s, v) || (parse_double_general(s, v) && !is_inexact_integer(s));
        });
      }
      return convert_fixed<double>(c, rows, [](std::string_view s, double* v) { return parse_double(s, v); });
    case ValueKind::kDecimal: {
      const int precision = col.type->precision(), scale = col.type->scale();
      if (col.inferred) {
        // Exact values only: a later value with more fraction digits than the sample's is
        // refused rather than rounded (a given type rounds HALF_UP, as Spark does).
        return convert_fixed<Int128>(c, rows, [precision, scale](std::string_view s, Int128* v) {
          if (fraction_digits_beyond(s, scale)) return false;
          if (fast::short_decimal128(s, precision, scale, v)) return true;
          auto d = decimal::parse(s, precision, scale);
          if (!d) return false;
          *v = *d;
          return true;
        });
      }
      return convert_fixed<Int128>(c, rows, [precision, scale](std::string_view s, Int128* v) {
        if (fast::short_decimal128(s, precision, scale, v)) return true;
        auto d = decimal::parse(s, precision, scale);
        if (!d) return false;
        *v = *d;
        return true;
      });
    }
    case ValueKind::kDate: return convert_fixed<int32_t>(c, rows, parse_date_value);
    case ValueKind::kTimestamp: {
      const TimeUnit unit = col.type->unit();
      return convert_fixed<int64_t>(c, rows, [unit](std::string_view s, int64_t* v) {
        return parse_timestamp(s, unit, v);
      });
    }
    case ValueKind::kTime: {
      const TimeUnit unit = col.type->unit();
      return convert_fixed<int64_t>(c, rows, [unit](std::string_view s, int64_t* v) {
        auto t = temporal::parse_time(s, unit);
        if (!t) return false;
        *v = *t;
        return true;
      });
    }
  }
  return -1;
}

std::string BlockDecoder::conversion_error(size_t c, const FieldRef& f) {
  const ColumnPlan& col = plan_.columns[c];
  const std::string type = col.type->to_string();
  if (!col.nullable && (is_null(f) || (col.kind != ValueKind::kString &&
                                       col.kind != ValueKind::kBinary &&
                                       trim_blanks(text_of(f)).empty()))) {
    return fmt::format("column '{}' is NOT NULL, but the value is {}", col.name,
                       (f.flags & FieldRef::kMissing) != 0 ? "missing" : "NULL");
  }
  if (col.kind == ValueKind::kString) {
    return fmt::format(
        "column '{}': invalid UTF-8 (to read the bytes as they are, give the column the type "
        "BINARY with the schema option: {})",
        col.name, schema_hint(c, "BINARY"));
  }
  const std::string_view s = trim_blanks(text_of(f));
  std::string why;
  switch (col.kind) {
    case ValueKind::kInt8:
    case ValueKind::kInt16:
    case ValueKind::kInt32:
    case ValueKind::kInt64:
    case ValueKind::kUInt8:
    case ValueKind::kUInt16:
    case ValueKind::kUInt32:
    case ValueKind::kUInt64: {
      int64_t i;
      uint64_t u;
      double d;
      if (parse_integer(s, &i) != IntParse::kSyntax || parse_integer(s, &u) != IntParse::kSyntax) {
        why = ": out of range";
      } else if (parse_double(s, &d)) {
        why = ": not an integer";
      }
      break;
    }
    case ValueKind::kFloat64:
      if (col.inferred && is_inexact_integer(s)) why = ": a double would not hold this integer exactly";
      break;
    case ValueKind::kDecimal: {
      decimal::ParseError e;
      if (col.inferred && fraction_digits_beyond(s, col.type->scale())) {
        why = fmt::format(": more fraction digits than its scale ({})", col.type->scale());
      } else if (!decimal::parse(s, col.type->precision(), col.type->scale(), &e) &&
          e == decimal::ParseError::kOverflow) {
        why = fmt::format(": more than {} digits before the decimal point",
                          col.type->precision() - col.type->scale());
      }
      break;
    }
    default:
      break;
  }
  std::string message = fmt::format("column '{}': cannot read '{}' as {}{}", col.name, clip(s),
                                    type, why);
  if (col.inferred) {
    message += fmt::format(" (type inferred from the first {} rows{}; override it with the schema "
                           "option: {})",
                           plan_.sampled_rows,
                           plan_.inferred_from.empty() ? "" : " of " + plan_.inferred_from,
                           schema_hint(c, "STRING"));
  }
  return message;
}

std::string BlockDecoder::schema_hint(size_t column, std::string_view type) const {
  std::string ddl;
  for (size_t c = 0; c < plan_.columns.size(); ++c) {
    const ColumnPlan& col = plan_.columns[c];
    if (!ddl.empty()) ddl += ", ";
    ddl += ddl_name(col.name);
    ddl += ' ';
    ddl += c == column ? std::string(type) : ddl_type(*col.type);
    if (!col.nullable) ddl += " NOT NULL";
  }
  return "'" + ddl + "'";
}

bool BlockDecoder::end_of_bad_row(size_t error_offset, size_t* end) const {
  // The machine the parallel reader found the next blocks' rows with, from where the tokenizer
  // stopped: the rest of the row reads as an unquoted field and what follows it.
  const BoundaryMachine machine(plan_.dialect);
  BoundaryMachine::State state = BoundaryMachine::kQuoteInQuoted;
  for (size_t i = error_offset; i < size_; ++i) {
    state = machine.step(state, data_[i]);
    if (state == BoundaryMachine::kRowStart) {
      *end = i + 1;
      return true;
    }
  }
  *end = size_;
  return eof_;
}

Status BlockDecoder::finish_batch(size_t rows, int64_t first_row, BlockResult& out) {
  size_t bad_bytes = 0;
  for (size_t r = 0; r < rows; ++r) {
    if (!bad_[r]) continue;
    ++out.malformed;
    if (out.malformed_offsets.size() < MalformedRows::kLinesKept) {
      out.malformed_offsets.push_back(row_begin_[r]);
    }
    if (plan_.mode == MalformedMode::kDropMalformed) dropped_.push_back(first_row + static_cast<int64_t>(r));
    bad_bytes += row_end_[r] - row_begin_[r];
  }
  if (!corrupt_sink_) return Status::OK();
  corrupt_sink_->begin_batch(rows, bad_bytes);
  for (size_t r = 0; r < rows; ++r) {
    if (!bad_[r]) {
      corrupt_sink_->append_null();
      continue;
    }
    // The row as written, without its line end.
    size_t end = row_end_[r];
    if (end > row_begin_[r] && data_[end - 1] == '\n') --end;
    if (end > row_begin_[r] && data_[end - 1] == '\r') --end;
    const std::string_view text(data_ + row_begin_[r], end - row_begin_[r]);
    if (!utf8::is_valid(text)) {
      // This row's place, not the batch's first malformed row's: batches (and so which rows
      // come first in one) depend on block sizes, and the place must not.
      out.error_offset = row_begin_[r];
      return Status::parse_error(
          "a malformed row is not valid UTF-8, so the {} column cannot hold its text (read with "
          "mode FAILFAST to see what is wrong with it)",
          plan_.schema->field(plan_.corrupt_index)->name());
    }
    corrupt_sink_->append(text, false);
  }
  corrupt_sink_->end_batch();
  return Status::OK();
}

Result<RecordBatchPtr> BlockDecoder::finish(int64_t total_rows) {
  std::vector<ColumnPtr> columns;
  columns.reserve(num_columns_ + 1);
  for (auto& sink : sinks_) {
    BRAID_ASSIGN_OR_RETURN(auto column, sink->finish());
    columns.push_back(std::move(column));
  }
  if (corrupt_sink_) {
    BRAID_ASSIGN_OR_RETURN(auto column, corrupt_sink_->finish());
    columns.insert(columns.begin() + plan_.corrupt_index, std::move(column));
  }
  auto batch = std::make_shared<const RecordBatch>(plan_.schema, total_rows, std::move(columns));
  if (dropped_.empty()) return RecordBatchPtr(std::move(batch));
  if (static_cast<int64_t>(dropped_.size()) == total_rows) return RecordBatchPtr(nullptr);
  std::vector<int64_t> kept;
  kept.reserve(static_cast<size_t>(total_rows) - dropped_.size());
  size_t next_dropped = 0;
  for (int64_t r = 0; r < total_rows; ++r) {
    if (next_dropped < dropped_.size() && dropped_[next_dropped] == r) {
      ++next_dropped;
    } else {
      kept.push_back(r);
    }
  }
  return take(*batch, kept);
}

BlockResult BlockDecoder::decode(size_t begin, size_t stop) {
  BlockResult out;
  out.begin = begin;
  out.end = begin;
  size_t pos = begin;
  int64_t total_rows = 0;
  const size_t max_row = static_cast<size_t>(plan_.max_row_bytes);
  while (pos < stop && !out.incomplete) {
    const size_t batch_begin = pos;
    size_t rows = 0;
    size_t rows_end = pos;  // just after the last complete row of this batch
    bool failed = false;    // a tokenizer error after the batch's complete rows
    size_t error_offset = 0;
    std::string error;
    while (rows < batch_rows_ && pos < stop) {
      const size_t row_start = pos;
      FieldRef* row = &fields_[rows * stride_];
      uint32_t n = 0;
      bool malformed = false;
      const RowStatus status = tokenizer_.next_row(pos, row, stride_, n);
      if (status == RowStatus::kRow) {
        if (n != num_columns_) {
          if (fail_fast_) {
            failed = true;
            error_offset = n < num_columns_ ? row_start : static_cast<size_t>(row[num_columns_].start() - data_);
            error = fmt::format("expected {} field{}, found {}", num_columns_,
                                num_columns_ == 1 ? "" : "s", n);
            break;
          }
          // Missing fields are NULL; extra ones are not read.
          malformed = true;
          for (uint32_t c = n; c < num_columns_; ++c) row[c] = FieldRef{data_ + row_start, 0, FieldRef::kMissing};
        }
      } else if (status == RowStatus::kBlank) {
        if (num_columns_ != 1) {
          rows_end = pos;
          continue;
        }
        // With one column a blank line is a NULL (it is how a writer prints one).
        row[0] = FieldRef{data_ + row_start, 0, 0};
      } else if (status == RowStatus::kIncomplete) {
        out.incomplete = true;
        out.open_quote = tokenizer_.open_quote() == std::string::npos ? BlockResult::kNone
                                                                      : tokenizer_.open_quote();
        pos = row_start;
        break;
      } else if (!fail_fast_ && tokenizer_.error_after_quote()) {
        // Text after a closing quote: a malformed row whose end the grammar still knows.
        size_t end;
        if (!end_of_bad_row(tokenizer_.error_offset(), &end)) {
          out.incomplete = true;
          pos = row_start;
          break;
        }
        pos = end;
        malformed = true;
        for (uint32_t c = 0; c < num_columns_; ++c) row[c] = FieldRef{data_ + row_start, 0, FieldRef::kMissing};
      } else {
        failed = true;
        error_offset = tokenizer_.error_offset();
        error = tokenizer_.error();
        break;
      }
      if (pos - row_start > max_row) {
        failed = true;
        error_offset = row_start;
        error = fmt::format("row is longer than max_row_bytes ({} bytes)", plan_.max_row_bytes);
        break;
      }
      if (!fail_fast_) {
        row_begin_[rows] = row_start;
        row_end_[rows] = pos;
        bad_[rows] = malformed;
      }
      ++rows;
      rows_end = pos;
    }
    if (rows > 0) {
      ascii_ = all_ascii(data_ + batch_begin, rows_end - batch_begin);
      // Columns are converted one after the other; the error reported is the first in file
      // order, so after a failure later columns only look at the rows before it.
      size_t limit = rows;
      int64_t bad_row = -1;
      size_t bad_column = 0;
      for (size_t c = 0; c < num_columns_; ++c) {
        const int64_t bad = convert(c, limit);
        if (bad >= 0) {
          bad_row = bad;
          bad_column = c;
          limit = static_cast<size_t>(bad);
        }
      }
      if (bad_row >= 0) {
        const FieldRef& f = field(static_cast<size_t>(bad_row), bad_column);
        out.error = Status::parse_error("{}", conversion_error(bad_column, f));
        out.error_offset = static_cast<size_t>(f.start() - data_);
        return out;
      }
      if (!fail_fast_) {
        Status st = finish_batch(rows, total_rows, out);
        if (!st.ok()) {
          out.error = std::move(st);
          return out;
        }
      }
    }
    if (failed) {
      out.error = Status::parse_error("{}", error);
      out.error_offset = error_offset;
      return out;
    }
    if (total_rows == 0 && rows == batch_rows_ && pos < stop) {
      // After the first batch, size the buffers for the rest of the block at the same bytes
      // per row, so they do not regrow (and copy) a dozen times.
      const double bytes_per_row = static_cast<double>(rows_end - batch_begin) / static_cast<double>(rows);
      const auto expected = static_cast<size_t>(static_cast<double>(stop - pos) / bytes_per_row * 1.05) + 16;
      for (auto& sink : sinks_) sink->expect(expected);
    }
    total_rows += static_cast<int64_t>(rows);
    out.end = pos;
  }
  if (total_rows == 0) return out;
  auto batch = finish(total_rows);
  if (!batch.ok()) {
    out.error = batch.status();
    return out;
  }
  out.batch = std::move(batch).value();
  return out;
}

}  // namespace

BlockResult decode_block(const ReadPlan& plan, const char* data, size_t size, bool eof,
                         size_t begin, size_t stop) {
  BlockDecoder decoder(plan, data, size, eof);
  return decoder.decode(begin, stop);
}

}  // namespace braid::csv::internal
