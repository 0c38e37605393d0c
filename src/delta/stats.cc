#include "delta/stats.h"

#include <simdjson.h>

#include <cmath>
#include <type_traits>

#include "columnar/column_builder.h"
#include "columnar/compare.h"
#include "columnar/decimal.h"
#include "columnar/temporal.h"
#include "columnar/utf8.h"
#include "common/ascii.h"
#include "common/json_writer.h"

namespace braid::delta {

namespace dom = simdjson::dom;

namespace {

constexpr int kStringPrefix = 32;

// One stats bound as a one-row column of `type`, or nullptr when unusable. `upper`: the value is
// a maximum (made safe against truncation).
ColumnPtr bound_column(const TypePtr& type, dom::element e, bool upper) {
  if (e.is_null()) return nullptr;
  auto b = make_builder(type);
  switch (type->id()) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64: {
      int64_t v;
      if (e.get_int64().get(v) != simdjson::SUCCESS) return nullptr;
      switch (type->id()) {
        case TypeId::kInt8: static_cast<Int8Builder*>(b.get())->append(static_cast<int8_t>(v)); break;
        case TypeId::kInt16: static_cast<Int16Builder*>(b.get())->append(static_cast<int16_t>(v)); break;
        case TypeId::kInt32: static_cast<Int32Builder*>(b.get())->append(static_cast<int32_t>(v)); break;
        default: static_cast<Int64Builder*>(b.get())->append(v); break;
      }
      break;
    }
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      double v;
      if (e.get_double().get(v) != simdjson::SUCCESS || std::isnan(v)) return nullptr;
      if (type->id() == TypeId::kFloat32) {
        static_cast<Float32Builder*>(b.get())->append(static_cast<float>(v));
      } else {
        static_cast<Float64Builder*>(b.get())->append(v);
      }
      break;
    }
    case TypeId::kDecimal128: {
      // The number's own text: a double would lose digits.
      std::string text;
      std::string_view s;
      if (e.get_string().get(s) == simdjson::SUCCESS) {
        text = std::string(s);
      } else {
        text = simdjson::minify(e);
      }
      auto v = decimal::parse(text, type->precision(), type->scale());
      if (!v) return nullptr;
      static_cast<Decimal128Builder*>(b.get())->append(*v);
      break;
    }
    case TypeId::kString: {
      std::string_view s;
      if (e.get_string().get(s) != simdjson::SUCCESS) return nullptr;
      if (upper && utf8::length(s) >= kStringPrefix) return nullptr;  // maybe a truncated prefix
      static_cast<BinaryBuilder*>(b.get())->append(s);
      break;
    }
    case TypeId::kDate32: {
      std::string_view s;
      if (e.get_string().get(s) != simdjson::SUCCESS) return nullptr;
      auto v = temporal::parse_date(s);
      if (!v) return nullptr;
      static_cast<Int32Builder*>(b.get())->append(*v);
      break;
    }
    case TypeId::kTimestamp: {
      std::string_view s;
      if (e.get_string().get(s) != simdjson::SUCCESS) return nullptr;
      auto v = temporal::parse_timestamp(s, type->unit());
      if (!v) return nullptr;
      int64_t value = v->value;
      // Spark writes timestamp stats truncated to milliseconds: the true maximum may be up to
      // 999 microseconds later.
      if (upper) value += type->unit() == TimeUnit::kNano ? 999'999 : 999;
      static_cast<Int64Builder*>(b.get())->append(value);
      break;
    }
    default:
      return nullptr;
  }
  auto c = b->finish();
  return c.ok() ? std::move(c).value() : nullptr;
}

}  // namespace

FileStats parse_file_stats(std::string_view json, const Schema& schema,
                           const std::map<std::string, std::string>& names) {
  FileStats out;
  thread_local dom::parser parser;
  dom::element doc;
  if (parser.parse(json.data(), json.size(), true).get(doc) != simdjson::SUCCESS) return out;
  dom::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) return out;
  int64_t n;
  if (obj["numRecords"].get_int64().get(n) == simdjson::SUCCESS) out.num_records = n;
  bool tight;
  if (obj["tightBounds"].get_bool().get(tight) == simdjson::SUCCESS) out.tight_bounds = tight;
  dom::object mins, maxs, nulls;
  const bool has_min = obj["minValues"].get_object().get(mins) == simdjson::SUCCESS;
  const bool has_max = obj["maxValues"].get_object().get(maxs) == simdjson::SUCCESS;
  const bool has_nulls = obj["nullCount"].get_object().get(nulls) == simdjson::SUCCESS;
  for (const auto& f : schema.fields()) {
    auto it = names.find(f->name());
    const std::string& key = it == names.end() ? f->name() : it->second;
    ColumnStats cs;
    dom::element e;
    // With deletion vectors (tightBounds = false) min/max still bound the remaining rows.
    if (has_min && mins[key].get(e) == simdjson::SUCCESS) cs.min = bound_column(f->type(), e, false);
    if (has_max && maxs[key].get(e) == simdjson::SUCCESS) cs.max = bound_column(f->type(), e, true);
    int64_t count;
    // nullCount is exact only with tight bounds.
    if (has_nulls && nulls[key].get_int64().get(count) == simdjson::SUCCESS && out.tight_bounds.value_or(true)) {
      cs.null_count = count;
    }
    if (cs.min || cs.max || cs.null_count) out.columns[f->name()] = std::move(cs);
  }
  return out;
}

namespace {

bool collects_stats(const DataType& t) {
  switch (t.id()) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kFloat32:
    case TypeId::kFloat64:
    case TypeId::kDecimal128:
    case TypeId::kString:
    case TypeId::kDate32:
    case TypeId::kTimestamp: return true;
    default: return false;
  }
}

void write_bound(JsonWriter& w, const Column& c, int64_t row, int string_prefix) {
  const DataType& t = *c.type();
  switch (t.id()) {
    case TypeId::kInt8: w.value(static_cast<int64_t>(c.value<int8_t>(row))); return;
    case TypeId::kInt16: w.value(static_cast<int64_t>(c.value<int16_t>(row))); return;
    case TypeId::kInt32: w.value(static_cast<int64_t>(c.value<int32_t>(row))); return;
    case TypeId::kInt64: w.value(c.value<int64_t>(row)); return;
    case TypeId::kFloat32: w.value(static_cast<double>(c.value<float>(row))); return;
    case TypeId::kFloat64: w.value(c.value<double>(row)); return;
    case TypeId::kDecimal128: w.raw(decimal::to_string(c.value<Int128>(row), t.scale())); return;
    case TypeId::kString: {
      std::string_view s = c.string_value(row);
      w.value(s.substr(0, utf8::prefix_bytes(s, string_prefix)));
      return;
    }
    case TypeId::kDate32: {
      std::string s;
      temporal::append_date(s, c.value<int32_t>(row));
      w.value(s);
      return;
    }
    case TypeId::kTimestamp: {
      // Milliseconds, as Spark writes them (floor).
      const int64_t per_ms = t.unit() == TimeUnit::kNano ? 1'000'000 : 1'000;
      int64_t v = c.value<int64_t>(row);
      int64_t ms = v >= 0 ? v / per_ms : -((-v + per_ms - 1) / per_ms);
      std::string s;
      temporal::append_timestamp(s, ms * 1000, TimeUnit::kMicro, {'T', true, false}, false);
      s.resize(s.size() - 3);  // keep 3 fraction digits
      if (!t.timezone().empty()) s += "Z";
      w.value(s);
      return;
    }
    default: w.null(); return;
  }
}

struct Accumulator {
  int64_t nulls = 0;
  // The row holding the current min/max, in a kept column.
  ColumnPtr min_col, max_col;
  int64_t min_row = -1, max_row = -1;
};

// Rows of the smallest and largest valid values of `col` (NaNs skipped); -1 when none.
template <typename Get, typename Less>
void extremes_of(const Column& col, Get get, Less less, bool skip_nan, int64_t& lo, int64_t& hi) {
  const int64_t n = col.length();
  const bool all_valid = col.null_count() == 0;
  for (int64_t r = 0; r < n; ++r) {
    if (!all_valid && col.is_null(r)) continue;
    const auto v = get(r);
    if (skip_nan && v != v) continue;  // NaN
    if (lo < 0) {
      lo = hi = r;
      continue;
    }
    if (less(v, get(lo))) lo = r;
    if (less(get(hi), v)) hi = r;
  }
}

template <typename T>
void extremes_fixed(const Column& col, int64_t& lo, int64_t& hi) {
  const T* v = col.values<T>();
  extremes_of(col, [v](int64_t r) { return v[r]; }, [](T a, T b) { return a < b; }, std::is_floating_point_v<T>, lo, hi);
}

void batch_extremes(const Column& col, int64_t& lo, int64_t& hi) {
  switch (col.type_id()) {
    case TypeId::kInt8: return extremes_fixed<int8_t>(col, lo, hi);
    case TypeId::kInt16: return extremes_fixed<int16_t>(col, lo, hi);
    case TypeId::kInt32:
    case TypeId::kDate32: return extremes_fixed<int32_t>(col, lo, hi);
    case TypeId::kInt64:
    case TypeId::kTimestamp: return extremes_fixed<int64_t>(col, lo, hi);
    case TypeId::kFloat32: return extremes_fixed<float>(col, lo, hi);
    case TypeId::kFloat64: return extremes_fixed<double>(col, lo, hi);
    case TypeId::kDecimal128: return extremes_fixed<Int128>(col, lo, hi);
    case TypeId::kString:
      // Byte order, as compare_values orders strings.
      return extremes_of(
          col, [&col](int64_t r) { return col.string_value(r); },
          [](std::string_view a, std::string_view b) { return a < b; }, false, lo, hi);
    default: {
      // Any other type: the generic comparison.
      for (int64_t r = 0; r < col.length(); ++r) {
        if (col.is_null(r)) continue;
        if (lo < 0) {
          lo = hi = r;
          continue;
        }
        auto c = compare_values(col, r, col, lo);
        if (c && *c < 0) lo = r;
        c = compare_values(col, r, col, hi);
        if (c && *c > 0) hi = r;
      }
    }
  }
}

}  // namespace

std::string compute_file_stats(const std::vector<RecordBatchPtr>& batches, const Schema& schema,
                               const std::map<std::string, std::string>& names, const StatsConfig& config) {
  // The columns with stats: those named by delta.dataSkippingStatsColumns (a nested name counts
  // for its top-level column), else the first delta.dataSkippingNumIndexedCols (-1: all).
  std::vector<bool> indexed(static_cast<size_t>(schema.num_fields()), false);
  for (int c = 0; c < schema.num_fields(); ++c) {
    if (config.columns) {
      const std::string name = ascii::lower(schema.field(c)->name());
      for (const auto& wanted : *config.columns) {
        if (wanted == name || wanted.starts_with(name + ".")) indexed[static_cast<size_t>(c)] = true;
      }
    } else {
      indexed[static_cast<size_t>(c)] = config.num_indexed_columns < 0 || c < config.num_indexed_columns;
    }
  }
  const int string_prefix = config.string_prefix_length;
  int64_t rows = 0;
  std::vector<Accumulator> acc(static_cast<size_t>(schema.num_fields()));
  for (const auto& b : batches) {
    rows += b->num_rows();
    for (int c = 0; c < schema.num_fields(); ++c) {
      if (!indexed[static_cast<size_t>(c)]) continue;
      const ColumnPtr& col = b->column(c);
      Accumulator& a = acc[static_cast<size_t>(c)];
      a.nulls += col->null_count();
      if (!collects_stats(*col->type())) continue;
      // This batch's extremes with typed comparisons, then one generic comparison each against
      // the extremes so far.
      int64_t lo_row = -1, hi_row = -1;
      batch_extremes(*col, lo_row, hi_row);
      if (lo_row < 0) continue;
      if (a.min_row < 0) {
        a.min_col = a.max_col = col;
        a.min_row = lo_row;
        a.max_row = hi_row;
        continue;
      }
      auto lo = compare_values(*col, lo_row, *a.min_col, a.min_row);
      if (lo && *lo < 0) {
        a.min_col = col;
        a.min_row = lo_row;
      }
      auto hi = compare_values(*col, hi_row, *a.max_col, a.max_row);
      if (hi && *hi > 0) {
        a.max_col = col;
        a.max_row = hi_row;
      }
    }
  }
  auto key_of = [&](const std::string& name) {
    auto it = names.find(name);
    return it == names.end() ? name : it->second;
  };
  JsonWriter w;
  w.begin_object();
  w.field("numRecords", rows);
  for (int pass = 0; pass < 2; ++pass) {
    w.key(pass == 0 ? "minValues" : "maxValues");
    w.begin_object();
    for (int c = 0; c < schema.num_fields(); ++c) {
      const Accumulator& a = acc[static_cast<size_t>(c)];
      if (!indexed[static_cast<size_t>(c)] || a.min_row < 0) continue;
      const Column& col = pass == 0 ? *a.min_col : *a.max_col;
      int64_t row = pass == 0 ? a.min_row : a.max_row;
      // A maximum string longer than the prefix would not bound the column: leave it out.
      if (pass == 1 && col.type_id() == TypeId::kString && utf8::length(col.string_value(row)) > string_prefix) continue;
      w.key(key_of(schema.field(c)->name()));
      write_bound(w, col, row, string_prefix);
    }
    w.end_object();
  }
  w.key("nullCount");
  w.begin_object();
  for (int c = 0; c < schema.num_fields(); ++c) {
    if (!indexed[static_cast<size_t>(c)] || schema.field(c)->type()->is_nested()) continue;
    w.field(key_of(schema.field(c)->name()), acc[static_cast<size_t>(c)].nulls);
  }
  w.end_object();
  w.end_object();
  return w.take();
}

}  // namespace braid::delta
