#include "columnar/arrow_c_interface.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <cerrno>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "columnar/column_builder.h"
#include "columnar/decimal.h"
#include "columnar/record_batch.h"
#include "columnar/temporal.h"
#include "columnar/value_text.h"
#include "common/memory_tracker.h"
#include "support/status_matchers.h"

namespace braid {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;

// ---- data for every type

// A deterministic value for `row` of `type`, appended to `b`; null on some rows when allowed.
void append_value(ColumnBuilder* b, const DataType& type, int64_t row, bool allow_null) {
  if (type.id() == TypeId::kNull || (allow_null && row % 4 == 1)) {
    b->append_null();
    return;
  }
  const auto r = static_cast<int32_t>(row);
  switch (type.id()) {
    case TypeId::kNull: return;
    case TypeId::kBoolean: static_cast<BooleanBuilder*>(b)->append(row % 3 == 0); return;
    case TypeId::kInt8:
      static_cast<Int8Builder*>(b)->append(static_cast<int8_t>(r * 37 - 100));
      return;
    case TypeId::kInt16:
      static_cast<Int16Builder*>(b)->append(static_cast<int16_t>(r * 1009 - 30000));
      return;
    case TypeId::kInt32: static_cast<Int32Builder*>(b)->append(r * 100'003 - 2'000'000); return;
    case TypeId::kInt64:
      static_cast<Int64Builder*>(b)->append(int64_t{r} * 1'000'000'007LL - (1LL << 40));
      return;
    case TypeId::kUInt8:
      static_cast<UInt8Builder*>(b)->append(static_cast<uint8_t>(r * 41));
      return;
    case TypeId::kUInt16:
      static_cast<UInt16Builder*>(b)->append(static_cast<uint16_t>(r * 2039));
      return;
    case TypeId::kUInt32:
      static_cast<UInt32Builder*>(b)->append(static_cast<uint32_t>(r) * 400'009u);
      return;
    case TypeId::kUInt64:
      static_cast<UInt64Builder*>(b)->append(static_cast<uint64_t>(r) * 0x9E3779B97F4A7C15ull);
      return;
    case TypeId::kFloat32:
      static_cast<Float32Builder*>(b)->append(static_cast<float>(r) * 1.5f - 7.25f);
      return;
    case TypeId::kFloat64: static_cast<Float64Builder*>(b)->append(r / 7.0 - 1e10); return;
    case TypeId::kDecimal128: {
      Int128 v = (Int128{r} * 12'345'678'901'234LL + 17) % decimal::power_of_ten(type.precision());
      if (row % 2 == 0) v = -v;
      static_cast<Decimal128Builder*>(b)->append(v);
      return;
    }
    case TypeId::kString:
      static_cast<BinaryBuilder*>(b)->append(
          row % 5 == 0
              ? std::string()
              : fmt::format("s{}-é-{}", row, std::string(static_cast<size_t>(row % 7), 'x')));
      return;
    case TypeId::kBinary: {
      std::string bytes(static_cast<size_t>(row % 6), '\0');
      for (size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<char>(row * 31 + static_cast<int64_t>(i));
      static_cast<BinaryBuilder*>(b)->append(bytes);
      return;
    }
    case TypeId::kFixedSizeBinary: {
      std::string bytes(static_cast<size_t>(type.byte_width()), '\0');
      for (size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<char>(row * 13 + static_cast<int64_t>(i) * 7);
      static_cast<FixedSizeBinaryBuilder*>(b)->append(bytes);
      return;
    }
    case TypeId::kDate32: static_cast<Int32Builder*>(b)->append(r * 997 - 20'000); return;
    case TypeId::kTime64: {
      const int64_t day =
          type.unit() == TimeUnit::kNano ? temporal::kNanosPerDay : temporal::kMicrosPerDay;
      static_cast<Int64Builder*>(b)->append((int64_t{r} * 3'600'000'123'457LL) % day);
      return;
    }
    case TypeId::kTimestamp: {
      const int64_t v = int64_t{r} * 86'400'123'456'789LL - 1'000'000'000'000'000LL;
      static_cast<Int64Builder*>(b)->append(type.unit() == TimeUnit::kNano ? v : v / 1000);
      return;
    }
    case TypeId::kInterval:
      static_cast<IntervalBuilder*>(b)->append(
          MonthDayNanos{r, -r * 3, int64_t{r} * 1'000'000'001LL});
      return;
    case TypeId::kStruct: {
      auto* sb = static_cast<StructBuilder*>(b);
      sb->append();
      for (int i = 0; i < type.num_fields(); ++i) {
        append_value(sb->field_builder(i), *type.field(i)->type(), row * 3 + i,
                     type.field(i)->nullable());
      }
      return;
    }
    case TypeId::kList: {
      auto* lb = static_cast<ListBuilder*>(b);
      lb->append();
      for (int64_t j = 0; j < row % 4; ++j) {
        append_value(lb->values(), *type.element_field()->type(), row * 5 + j,
                     type.element_field()->nullable());
      }
      return;
    }
    case TypeId::kMap: {
      auto* lb = static_cast<ListBuilder*>(b);
      lb->append();
      for (int64_t j = 0; j < row % 4; ++j) {
        static_cast<StructBuilder*>(lb->values())->append();
        // Distinct keys within a map: row-derived, shifted by j.
        append_value(lb->map_keys(), *type.key_field()->type(), row * 4 + j, false);
        append_value(lb->map_items(), *type.value_field()->type(), row * 7 + j, true);
      }
      return;
    }
  }
}

ColumnPtr make_column(const TypePtr& type, int64_t rows, bool nulls = true) {
  auto b = make_builder(type);
  for (int64_t i = 0; i < rows; ++i) append_value(b.get(), *type, i, nulls);
  auto c = b->finish();
  EXPECT_TRUE(c.ok()) << c.status().to_string();
  return *c;
}

std::vector<std::string> texts(const Column& c) {
  std::vector<std::string> out;
  for (int64_t i = 0; i < c.length(); ++i) out.push_back(value_text(c, i, TextFlavor::kJson));
  return out;
}

// Same type, same rows: text row by row, and the exact bytes of fixed-width values (text rounds
// interval nanoseconds to milliseconds).
void expect_same(const Column& expected, const Column& actual) {
  ASSERT_TRUE(expected.type()->equals(*actual.type()))
      << expected.type()->to_string() << " vs " << actual.type()->to_string();
  ASSERT_EQ(expected.length(), actual.length());
  EXPECT_EQ(expected.null_count(), actual.null_count());
  EXPECT_EQ(texts(expected), texts(actual));
  if (expected.type()->is_fixed_width() && expected.type()->id() != TypeId::kFixedSizeBinary) {
    const int w = expected.type()->byte_width();
    for (int64_t i = 0; i < expected.length(); ++i) {
      if (expected.is_null(i)) continue;
      EXPECT_EQ(0, std::memcmp(expected.buffer(1)->data() + (expected.offset() + i) * w,
                               actual.buffer(1)->data() + (actual.offset() + i) * w,
                               static_cast<size_t>(w)))
          << "row " << i;
    }
  }
  EXPECT_OK(actual.validate(true));
}

// Zero copy: every buffer braid imported is the very memory braid exported (validity only
// where it still matters: a slice without nulls may drop it).
void expect_shares_buffers(const Column& original, const Column& imported) {
  ASSERT_EQ(original.buffers().size(), imported.buffers().size());
  for (size_t i = 0; i < original.buffers().size(); ++i) {
    const auto& o = original.buffers()[i];
    const auto& m = imported.buffers()[i];
    if (i == 0 && m == nullptr) continue;
    ASSERT_NE(o, nullptr) << "buffer " << i;
    ASSERT_NE(m, nullptr) << "buffer " << i;
    EXPECT_EQ(o->data(), m->data()) << "buffer " << i << " of " << original.type()->to_string();
  }
  ASSERT_EQ(original.children().size(), imported.children().size());
  for (size_t i = 0; i < original.children().size(); ++i) {
    expect_shares_buffers(*original.children()[i], *imported.children()[i]);
  }
}

struct NamedType {
  std::string name;
  TypePtr type;
};

std::vector<NamedType> every_type() {
  auto point = struct_({field("x", float64()), field("y", string_type(), false)});
  return {
      {"null", null_type()},
      {"boolean", boolean()},
      {"int8", int8()},
      {"int16", int16()},
      {"int32", int32()},
      {"int64", int64()},
      {"uint8", uint8()},
      {"uint16", uint16()},
      {"uint32", uint32()},
      {"uint64", uint64()},
      {"float32", float32()},
      {"float64", float64()},
      {"float16", float32()->with_extension("float16")},
      {"decimal_38_10", decimal128(38, 10)},
      {"decimal_5_2", decimal128(5, 2)},
      {"decimal_18_0", decimal128(18, 0)},
      {"string", string_type()},
      {"json", string_type()->with_extension("json")},
      {"enum", string_type()->with_extension("enum")},
      {"binary", binary()},
      {"geometry", binary()->with_extension("geometry")},
      {"fixed_3", fixed_size_binary(3)},
      {"uuid", fixed_size_binary(16)->with_extension("uuid")},
      {"date32", date32()},
      {"time_micro", time64(TimeUnit::kMicro)},
      {"time_nano", time64(TimeUnit::kNano)},
      {"time_micro_utc", time64(TimeUnit::kMicro, true)},
      {"time_nano_utc", time64(TimeUnit::kNano, true)},
      {"timestamp_ntz", timestamp(TimeUnit::kMicro)},
      {"timestamp_utc", timestamp(TimeUnit::kMicro, "UTC")},
      {"timestamp_nano_zone", timestamp(TimeUnit::kNano, "America/New_York")},
      {"timestamp_nano_ntz", timestamp(TimeUnit::kNano)},
      {"interval", interval()},
      {"list_int", list(int32())},
      {"list_not_null_string", list(field("item", string_type(), false))},
      {"list_of_struct", list(point)},
      {"list_of_list", list(list(date32()))},
      {"struct_with_list", struct_({field("id", int64(), false), field("tags", list(string_type())),
                                    field("at", timestamp(TimeUnit::kMicro, "UTC"))})},
      {"struct_nested", struct_({field("inner", struct_({field("d", decimal128(9, 3))})),
                                 field("u", fixed_size_binary(16)->with_extension("uuid"))})},
      {"map_string_int", map(string_type(), int32())},
      {"map_string_list_int", map(string_type(), list(int32()))},
      {"map_sorted_int_struct", map(field("k", int32(), false), field("v", point), true)},
      {"list_of_map", list(map(int64(), time64(TimeUnit::kNano, true)))},
  };
}

class ArrowRoundTripTest : public ::testing::TestWithParam<NamedType> {};

// Exports `column` with `f`'s schema and imports both back.
ImportedColumn round_trip(const Field& f, const ColumnPtr& column,
                          ArrowArray* exported_copy = nullptr) {
  ArrowSchema schema;
  ArrowArray array;
  EXPECT_OK(export_field(f, &schema));
  EXPECT_OK(export_column(column, &array));
  if (exported_copy != nullptr) *exported_copy = array;  // a view, for pointer checks
  auto imported = import_column(&array, &schema);
  EXPECT_EQ(array.release, nullptr);   // moved by the import
  EXPECT_EQ(schema.release, nullptr);  // released by the import
  EXPECT_TRUE(imported.ok()) << imported.status().to_string_with_code();
  return imported.ok() ? *imported : ImportedColumn{};
}

TEST_P(ArrowRoundTripTest, ColumnWithItsSchema) {
  const TypePtr& type = GetParam().type;
  auto column = make_column(type, 37);
  auto f = field("col", type, true, {{"origin", "test"}, {"empty", ""}});
  ArrowArray view;
  auto imported = round_trip(*f, column, &view);
  ASSERT_NE(imported.column, nullptr);
  EXPECT_TRUE(imported.field->equals(*f, /*check_metadata=*/true))
      << imported.field->to_string() << " metadata entries " << imported.field->metadata().size();
  expect_same(*column, *imported.column);
  expect_shares_buffers(*column, *imported.column);
  if (type->is_fixed_width()) {
    // Both directions: the exported pointer is braid's buffer, the imported buffer is that pointer.
    EXPECT_EQ(view.buffers[1], column->buffer(1)->data());
    EXPECT_EQ(imported.column->buffer(1)->data(), view.buffers[1]);
  }
}

TEST_P(ArrowRoundTripTest, ColumnWithItsType) {
  const TypePtr& type = GetParam().type;
  ArrowSchema schema;
  ASSERT_OK(export_type(*type, &schema));
  ASSERT_OK_AND_ASSIGN(auto imported_type, import_type(&schema));
  EXPECT_TRUE(imported_type->equals(*type)) << imported_type->to_string();

  auto column = make_column(type, 20);
  ArrowArray array;
  ASSERT_OK(export_column(column, &array));
  ASSERT_OK_AND_ASSIGN(auto imported, import_column(&array, imported_type));
  expect_same(*column, *imported);
  expect_shares_buffers(*column, *imported);
}

TEST_P(ArrowRoundTripTest, SlicesKeepTheirOffset) {
  const TypePtr& type = GetParam().type;
  auto column = make_column(type, 41);
  auto f = field("s", type, false);
  for (auto [start, length] :
       {std::pair<int64_t, int64_t>{5, 20}, {1, 1}, {40, 1}, {41, 0}, {13, 28}}) {
    SCOPED_TRACE(fmt::format("slice({}, {})", start, length));
    auto slice = column->slice(start, length);
    ArrowArray view;
    auto imported = round_trip(*f, slice, &view);
    ASSERT_NE(imported.column, nullptr);
    EXPECT_EQ(view.offset, start);
    EXPECT_EQ(view.length, length);
    EXPECT_EQ(imported.column->offset(), type->id() == TypeId::kNull ? 0 : start);
    expect_same(*slice, *imported.column);
    expect_shares_buffers(*slice, *imported.column);
  }
}

TEST_P(ArrowRoundTripTest, EmptyAndAllNullColumns) {
  const TypePtr& type = GetParam().type;
  auto f = field("e", type);
  auto empty = make_column(type, 0);
  auto imported = round_trip(*f, empty);
  ASSERT_NE(imported.column, nullptr);
  expect_same(*empty, *imported.column);

  ASSERT_OK_AND_ASSIGN(auto no_rows, Column::make_null(type, 0));
  imported = round_trip(*f, no_rows);
  ASSERT_NE(imported.column, nullptr);
  expect_same(*no_rows, *imported.column);

  ASSERT_OK_AND_ASSIGN(auto nulls, Column::make_null(type, 9));
  imported = round_trip(*f, nulls);
  ASSERT_NE(imported.column, nullptr);
  expect_same(*nulls, *imported.column);
  EXPECT_EQ(imported.column->null_count(), 9);
}

TEST_P(ArrowRoundTripTest, ColumnsWithoutNulls) {
  const TypePtr& type = GetParam().type;
  auto column = make_column(type, 12, /*nulls=*/false);
  auto imported = round_trip(*field("n", type, false), column);
  ASSERT_NE(imported.column, nullptr);
  expect_same(*column, *imported.column);
  EXPECT_FALSE(imported.field->nullable());
}

INSTANTIATE_TEST_SUITE_P(ArrowEveryType, ArrowRoundTripTest, ::testing::ValuesIn(every_type()),
                         [](const ::testing::TestParamInfo<NamedType>& p) { return p.param.name; });

// ---- format strings, flags, metadata

std::string format_of(const DataType& type) {
  ArrowSchema schema;
  EXPECT_OK(export_type(type, &schema));
  std::string format = schema.format;
  schema.release(&schema);
  return format;
}

KeyValueMetadata decode(const char* p) {
  KeyValueMetadata out;
  if (p == nullptr) return out;
  auto read = [&p] {
    int32_t v;
    std::memcpy(&v, p, 4);
    p += 4;
    return v;
  };
  int32_t n = read();
  for (int32_t i = 0; i < n; ++i) {
    int32_t kl = read();
    std::string k(p, static_cast<size_t>(kl));
    p += kl;
    int32_t vl = read();
    std::string v(p, static_cast<size_t>(vl));
    p += vl;
    out.emplace_back(k, v);
  }
  return out;
}

TEST(ArrowCDataFormatTest, FormatStringsFollowTheSpec) {
  EXPECT_EQ(format_of(*null_type()), "n");
  EXPECT_EQ(format_of(*boolean()), "b");
  EXPECT_EQ(format_of(*int8()), "c");
  EXPECT_EQ(format_of(*uint8()), "C");
  EXPECT_EQ(format_of(*int16()), "s");
  EXPECT_EQ(format_of(*uint16()), "S");
  EXPECT_EQ(format_of(*int32()), "i");
  EXPECT_EQ(format_of(*uint32()), "I");
  EXPECT_EQ(format_of(*int64()), "l");
  EXPECT_EQ(format_of(*uint64()), "L");
  EXPECT_EQ(format_of(*float32()), "f");
  EXPECT_EQ(format_of(*float64()), "g");
  EXPECT_EQ(format_of(*decimal128(38, 10)), "d:38,10");
  EXPECT_EQ(format_of(*string_type()), "u");
  EXPECT_EQ(format_of(*binary()), "z");
  EXPECT_EQ(format_of(*fixed_size_binary(42)), "w:42");
  EXPECT_EQ(format_of(*date32()), "tdD");
  EXPECT_EQ(format_of(*time64(TimeUnit::kMicro)), "ttu");
  EXPECT_EQ(format_of(*time64(TimeUnit::kNano, true)), "ttn");
  EXPECT_EQ(format_of(*timestamp(TimeUnit::kMicro)), "tsu:");
  EXPECT_EQ(format_of(*timestamp(TimeUnit::kMicro, "UTC")), "tsu:UTC");
  EXPECT_EQ(format_of(*timestamp(TimeUnit::kNano, "Europe/Paris")), "tsn:Europe/Paris");
  EXPECT_EQ(format_of(*interval()), "tin");
  EXPECT_EQ(format_of(*struct_({field("a", int32())})), "+s");
  EXPECT_EQ(format_of(*list(int32())), "+l");
  EXPECT_EQ(format_of(*map(string_type(), float64())), "+m");
}

TEST(ArrowCDataFormatTest, MapLayoutFlagsAndNames) {
  ArrowSchema schema;
  ASSERT_OK(export_field(
      *field("m", map(field("key", string_type(), false), field("value", float64()), true), false),
      &schema));
  EXPECT_STREQ(schema.format, "+m");
  EXPECT_STREQ(schema.name, "m");
  EXPECT_EQ(schema.flags, ARROW_FLAG_MAP_KEYS_SORTED);  // not nullable, keys sorted
  EXPECT_EQ(schema.metadata, nullptr);                  // spec: absent means NULL
  ASSERT_EQ(schema.n_children, 1);
  const ArrowSchema& entries = *schema.children[0];
  EXPECT_STREQ(entries.format, "+s");
  EXPECT_STREQ(entries.name, "entries");
  EXPECT_EQ(entries.flags, 0);
  ASSERT_EQ(entries.n_children, 2);
  EXPECT_STREQ(entries.children[0]->name, "key");
  EXPECT_STREQ(entries.children[0]->format, "u");
  EXPECT_EQ(entries.children[0]->flags, 0);
  EXPECT_STREQ(entries.children[1]->name, "value");
  EXPECT_STREQ(entries.children[1]->format, "g");
  EXPECT_EQ(entries.children[1]->flags, ARROW_FLAG_NULLABLE);
  ASSERT_OK_AND_ASSIGN(auto back, import_field(&schema));
  EXPECT_TRUE(back->type()->keys_sorted());
  EXPECT_EQ(back->to_string(), "m: map<string,double> not null");
}

TEST(ArrowCDataFormatTest, MetadataUsesTheSpecEncoding) {
  ArrowSchema schema;
  ASSERT_OK(export_field(*field("f", int32(), true, {{"key1", "value1"}}), &schema));
  if constexpr (std::endian::native == std::endian::little) {
    const std::string expected("\x01\x00\x00\x00\x04\x00\x00\x00key1\x06\x00\x00\x00value1", 22);
    EXPECT_EQ(std::string(schema.metadata, expected.size()), expected);
  }
  ASSERT_OK_AND_ASSIGN(auto back, import_field(&schema));
  EXPECT_EQ(back->metadata(), (KeyValueMetadata{{"key1", "value1"}}));
}

TEST(ArrowCDataFormatTest, ExtensionNamesAndTimeZoneFlagTravelInMetadata) {
  struct Case {
    TypePtr type;
    std::string arrow_name;
  };
  for (const auto& c : {Case{fixed_size_binary(16)->with_extension("uuid"), "arrow.uuid"},
                        Case{string_type()->with_extension("json"), "arrow.json"},
                        Case{binary()->with_extension("geometry"), "braid.geometry"},
                        Case{float32()->with_extension("float16"), "braid.float16"}}) {
    ArrowSchema schema;
    ASSERT_OK(export_field(*field("x", c.type, true, {{"a", "1"}}), &schema));
    auto md = decode(schema.metadata);
    EXPECT_EQ(md, (KeyValueMetadata{{"a", "1"},
                                    {"ARROW:extension:name", c.arrow_name},
                                    {"ARROW:extension:metadata", ""}}));
    ASSERT_OK_AND_ASSIGN(auto back, import_field(&schema));
    EXPECT_EQ(back->type()->extension(), c.type->extension());
    EXPECT_EQ(back->metadata(), (KeyValueMetadata{{"a", "1"}}));
  }
  ArrowSchema schema;
  ASSERT_OK(export_type(*time64(TimeUnit::kMicro, true), &schema));
  EXPECT_STREQ(schema.format, "ttu");
  EXPECT_EQ(decode(schema.metadata), (KeyValueMetadata{{"braid.time_utc", "true"}}));
  ASSERT_OK_AND_ASSIGN(auto back, import_field(&schema));
  EXPECT_TRUE(back->type()->time_utc());
  EXPECT_TRUE(back->metadata().empty());
}

TEST(ArrowCDataFormatTest, SchemaRoundTripWithMetadataAndNesting) {
  auto s = schema({field("id", int64(), false, {{"comment", "primary key"}}),
                   field("tags", map(string_type(), list(int32()))),
                   field("at", timestamp(TimeUnit::kNano, "UTC")),
                   field("doc", string_type()->with_extension("json"))},
                  {{"delta.version", "7"}, {"writer", "braid"}});
  ArrowSchema c;
  ASSERT_OK(export_schema(*s, &c));
  EXPECT_STREQ(c.format, "+s");
  EXPECT_EQ(c.flags, 0);
  EXPECT_EQ(c.n_children, 4);
  ASSERT_OK_AND_ASSIGN(auto back, import_schema(&c));
  EXPECT_TRUE(back->equals(*s, /*check_metadata=*/true)) << back->to_string();
  EXPECT_EQ(back->metadata(), s->metadata());
}

// ---- record batches

RecordBatchPtr make_batch(int64_t rows) {
  auto s = schema({field("id", int64(), false), field("name", string_type()),
                   field("point", struct_({field("x", float64()), field("y", float64())})),
                   field("tags", list(string_type()))},
                  {{"source", "test"}});
  std::vector<ColumnPtr> columns;
  for (const auto& f : s->fields()) columns.push_back(make_column(f->type(), rows, f->nullable()));
  auto batch = RecordBatch::make(s, rows, columns);
  EXPECT_TRUE(batch.ok()) << batch.status().to_string();
  return *batch;
}

void expect_same_batch(const RecordBatch& expected, const RecordBatch& actual) {
  EXPECT_TRUE(expected.schema()->equals(*actual.schema())) << actual.schema()->to_string();
  ASSERT_EQ(expected.num_rows(), actual.num_rows());
  ASSERT_EQ(expected.num_columns(), actual.num_columns());
  for (int i = 0; i < expected.num_columns(); ++i)
    expect_same(*expected.column(i), *actual.column(i));
}

TEST(ArrowCDataBatchTest, RoundTripWithSchemaPtrAndWithArrowSchema) {
  auto batch = make_batch(25);
  ArrowArray array;
  ASSERT_OK(export_batch(batch, &array));
  EXPECT_EQ(array.n_buffers, 1);
  EXPECT_EQ(array.buffers[0], nullptr);
  EXPECT_EQ(array.null_count, 0);
  EXPECT_EQ(array.n_children, 4);
  ASSERT_OK_AND_ASSIGN(auto back, import_batch(&array, batch->schema()));
  expect_same_batch(*batch, *back);
  EXPECT_EQ(back->column(0)->buffer(1)->data(), batch->column(0)->buffer(1)->data());

  ArrowSchema schema;
  ASSERT_OK(export_schema(*batch->schema(), &schema));
  ASSERT_OK(export_batch(batch, &array));
  ASSERT_OK_AND_ASSIGN(back, import_batch(&array, &schema));
  expect_same_batch(*batch, *back);
  EXPECT_EQ(back->schema()->metadata(), batch->schema()->metadata());
}

TEST(ArrowCDataBatchTest, SlicedAndEmptyBatches) {
  auto batch = make_batch(30);
  auto slice = batch->slice(7, 11);
  ArrowArray array;
  ASSERT_OK(export_batch(slice, &array));
  EXPECT_EQ(array.offset, 0);
  EXPECT_EQ(array.length, 11);
  for (int64_t i = 0; i < array.n_children; ++i) EXPECT_EQ(array.children[i]->offset, 7);
  ASSERT_OK_AND_ASSIGN(auto back, import_batch(&array, slice->schema()));
  expect_same_batch(*slice, *back);

  ASSERT_OK_AND_ASSIGN(auto empty, RecordBatch::make_empty(batch->schema()));
  ASSERT_OK(export_batch(empty, &array));
  ASSERT_OK_AND_ASSIGN(back, import_batch(&array, empty->schema()));
  EXPECT_EQ(back->num_rows(), 0);
  EXPECT_EQ(back->num_columns(), 4);
}

TEST(ArrowCDataBatchTest, StructSlicesApplyTheirOffsetToChildren) {
  auto type = struct_({field("a", int32()), field("b", list(string_type())),
                       field("c", struct_({field("d", date32())}))});
  auto column = make_column(type, 30);
  // A slice of a slice: the struct's offset, not the children's, moves.
  auto slice = column->slice(4, 20)->slice(3, 9);
  ArrowArray view;
  auto imported = round_trip(*field("s", type), slice, &view);
  ASSERT_NE(imported.column, nullptr);
  EXPECT_EQ(view.offset, 7);
  EXPECT_EQ(view.children[0]->offset, 0);
  EXPECT_EQ(view.children[0]->length, 30);
  expect_same(*slice, *imported.column);
  for (int i = 0; i < 3; ++i) {
    expect_same(*slice->struct_field(i), *imported.column->struct_field(i));
  }
}

TEST(ArrowCDataBatchTest, StructArrayWithNullsIsNoRecordBatch) {
  auto type = struct_({field("a", int32())});
  auto column = make_column(type, 8);
  ASSERT_GT(column->null_count(), 0);
  ArrowArray array;
  ASSERT_OK(export_column(column, &array));
  EXPECT_THAT(import_batch(&array, schema(type->fields())),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("null rows")));
  EXPECT_EQ(array.release, nullptr);
}

// ---- release semantics

TEST(ArrowCDataReleaseTest, ExportedArrayKeepsBuffersAliveUntilReleased) {
  MemoryTracker tracker("arrow-export");
  ArrowArray array;
  {
    Int64Builder b(int64(), &tracker);
    for (int64_t i = 0; i < 1000; ++i) b.append(i * i);
    ASSERT_OK_AND_ASSIGN(auto column, b.finish());
    ASSERT_OK(export_column(column, &array));
  }
  // braid dropped its column; the consumer's struct still holds the memory.
  EXPECT_GT(tracker.current(), 0);
  const auto* values = static_cast<const int64_t*>(array.buffers[1]);
  EXPECT_EQ(values[999], 999 * 999);
  array.release(&array);
  EXPECT_EQ(array.release, nullptr);
  EXPECT_EQ(tracker.current(), 0);
}

// Counts calls to an exported struct's release callback around braid's own.
struct CountingRelease {
  static inline int calls = 0;
  static inline void (*original)(ArrowArray*) = nullptr;
  static void release(ArrowArray* array) {
    ++calls;
    original(array);
  }
  static void install(ArrowArray* array) {
    calls = 0;
    original = array->release;
    array->release = release;
  }
};

TEST(ArrowCDataReleaseTest, ExportedStructIsReleasedExactlyOnceAfterTheLastImportedBuffer) {
  auto column = make_column(list(int32()), 50);
  ArrowArray array;
  ASSERT_OK(export_column(column, &array));
  CountingRelease::install(&array);
  ASSERT_OK_AND_ASSIGN(auto imported, import_column(&array, column->type()));
  EXPECT_EQ(array.release, nullptr);  // moved, not released
  EXPECT_EQ(CountingRelease::calls, 0);
  auto values = imported->list_values();  // a child column alone keeps the import alive
  auto slice = imported->slice(10, 5);
  imported.reset();
  EXPECT_EQ(CountingRelease::calls, 0);
  slice.reset();
  EXPECT_EQ(CountingRelease::calls, 0);
  EXPECT_EQ(values->length(), column->list_values()->length());
  values.reset();
  EXPECT_EQ(CountingRelease::calls, 1);
}

TEST(ArrowCDataReleaseTest, FailedImportReleasesOnce) {
  auto column = make_column(int64(), 10);
  ArrowArray array;
  ASSERT_OK(export_column(column, &array));
  CountingRelease::install(&array);
  EXPECT_THAT(import_column(&array, string_type()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("2 buffers, the layout has 3")));
  EXPECT_EQ(array.release, nullptr);
  EXPECT_EQ(CountingRelease::calls, 1);
  // Importing a released struct is an error, not a crash.
  EXPECT_THAT(import_column(&array, int64()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("released")));
  EXPECT_EQ(CountingRelease::calls, 1);
}

TEST(ArrowCDataReleaseTest, ConsumerMayMoveChildrenOutAndReleaseTheParent) {
  auto batch = make_batch(12);
  ArrowArray parent;
  ASSERT_OK(export_batch(batch, &parent));
  // Spec, "Moving child arrays": copy the child, mark it released in the parent, release the
  // parent at once.
  ArrowArray name_column = *parent.children[1];
  parent.children[1]->release = nullptr;
  ArrowArray tags_column = *parent.children[3];
  parent.children[3]->release = nullptr;
  parent.release(&parent);
  EXPECT_EQ(parent.release, nullptr);
  auto expected_name = batch->column(1);
  auto expected_tags = batch->column(3);
  batch.reset();  // only the moved children hold data now

  ASSERT_OK_AND_ASSIGN(auto names, import_column(&name_column, expected_name->type()));
  expect_same(*expected_name, *names);
  expect_shares_buffers(*expected_name, *names);
  tags_column.release(&tags_column);  // releasing a moved child on its own is fine too
  EXPECT_EQ(tags_column.release, nullptr);

  ArrowSchema schema;
  ASSERT_OK(export_schema(*make_batch(1)->schema(), &schema));
  ArrowSchema child = *schema.children[2];
  schema.children[2]->release = nullptr;
  schema.release(&schema);
  ASSERT_OK_AND_ASSIGN(auto point, import_field(&child));
  EXPECT_EQ(point->to_string(), "point: struct<x:double,y:double>");
}

TEST(ArrowCDataReleaseTest, FailedExportLeavesTheStructUntouched) {
  ASSERT_OK_AND_ASSIGN(auto values, Buffer::copy_of("abcdefghijkl", 12));
  // Three buffers for an int32 column: not braid's layout.
  auto bad =
      std::make_shared<const Column>(int32(), 3, std::vector<BufferPtr>{nullptr, values, values});
  auto ok = make_column(int32(), 3);
  auto parent = std::make_shared<const Column>(
      struct_({field("ok", int32()), field("bad", int32())}), 3, std::vector<BufferPtr>{nullptr},
      std::vector<ColumnPtr>{ok, bad});
  ArrowArray array;
  std::memset(&array, 0x5a, sizeof(array));
  const ArrowArray before = array;
  EXPECT_THAT(export_column(parent, &array),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("int column has 3 buffers, its layout has 2")));
  EXPECT_EQ(0,
            std::memcmp(&before, &array, sizeof(array)));  // and the exported "ok" child was freed
}

// ---- a C-style foreign producer

std::vector<uint8_t> bits(std::initializer_list<int> values) {
  std::vector<uint8_t> out((values.size() + 7) / 8, 0);
  size_t i = 0;
  for (int v : values) {
    if (v) out[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
    ++i;
  }
  return out;
}

template <typename T>
std::vector<uint8_t> bytes(std::initializer_list<T> values) {
  std::vector<uint8_t> out(values.size() * sizeof(T));
  size_t i = 0;
  for (const T& v : values) std::memcpy(out.data() + sizeof(T) * i++, &v, sizeof(T));
  return out;
}

std::vector<uint8_t> text(std::string_view s) {
  return {s.begin(), s.end()};
}

using ForeignBuffer = std::optional<std::vector<uint8_t>>;  // nullopt: a null buffer pointer

struct ForeignSchemaData {
  std::string format, name, metadata;
  bool has_metadata = false;
  std::vector<ArrowSchema*> children;
  ArrowSchema* dictionary = nullptr;
  int* releases = nullptr;
};

void release_foreign_schema(ArrowSchema* s) {
  auto* d = static_cast<ForeignSchemaData*>(s->private_data);
  for (ArrowSchema* c : d->children) {
    if (c->release != nullptr) c->release(c);
    delete c;
  }
  if (d->dictionary != nullptr) {
    if (d->dictionary->release != nullptr) d->dictionary->release(d->dictionary);
    delete d->dictionary;
  }
  if (d->releases != nullptr) ++*d->releases;
  delete d;
  s->release = nullptr;
}

struct SchemaSpec {
  std::string format = {};
  std::string name = {};
  std::vector<ArrowSchema> children = {};
  int64_t flags = ARROW_FLAG_NULLABLE;
  std::optional<ArrowSchema> dictionary = std::nullopt;
  std::optional<std::string> metadata = std::nullopt;  // already encoded
  int* releases = nullptr;
};

ArrowSchema foreign_schema(SchemaSpec spec) {
  auto* d = new ForeignSchemaData;
  d->format = spec.format;
  d->name = spec.name;
  d->releases = spec.releases;
  if (spec.metadata) {
    d->metadata = *spec.metadata;
    d->has_metadata = true;
  }
  for (auto& c : spec.children) d->children.push_back(new ArrowSchema(c));
  if (spec.dictionary) d->dictionary = new ArrowSchema(*spec.dictionary);
  ArrowSchema s;
  s.format = d->format.c_str();
  s.name = d->name.c_str();
  s.metadata = d->has_metadata ? d->metadata.data() : nullptr;
  s.flags = spec.flags;
  s.n_children = static_cast<int64_t>(d->children.size());
  s.children = d->children.empty() ? nullptr : d->children.data();
  s.dictionary = d->dictionary;
  s.release = release_foreign_schema;
  s.private_data = d;
  return s;
}

ArrowSchema foreign_schema(std::string format, std::string name = "") {
  return foreign_schema(SchemaSpec{std::move(format), std::move(name)});
}

std::string encode_metadata(const KeyValueMetadata& md) {
  std::string out;
  auto put = [&out](int32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); };
  put(static_cast<int32_t>(md.size()));
  for (const auto& [k, v] : md) {
    put(static_cast<int32_t>(k.size()));
    out += k;
    put(static_cast<int32_t>(v.size()));
    out += v;
  }
  return out;
}

struct ForeignArrayData {
  std::vector<ForeignBuffer> storage;
  std::vector<const void*> buffers;
  std::vector<ArrowArray*> children;
  ArrowArray* dictionary = nullptr;
  int* releases = nullptr;
};

void release_foreign_array(ArrowArray* a) {
  auto* d = static_cast<ForeignArrayData*>(a->private_data);
  for (ArrowArray* c : d->children) {
    if (c->release != nullptr) c->release(c);
    delete c;
  }
  if (d->dictionary != nullptr) {
    if (d->dictionary->release != nullptr) d->dictionary->release(d->dictionary);
    delete d->dictionary;
  }
  if (d->releases != nullptr) ++*d->releases;
  delete d;
  a->release = nullptr;
}

struct ArraySpec {
  int64_t length = 0;
  int64_t null_count = 0;
  int64_t offset = 0;
  std::vector<ForeignBuffer> buffers = {};
  std::vector<ArrowArray> children = {};
  std::optional<ArrowArray> dictionary = std::nullopt;
  int* releases = nullptr;
};

ArrowArray foreign_array(ArraySpec spec) {
  auto* d = new ForeignArrayData;
  d->storage = std::move(spec.buffers);
  for (const auto& b : d->storage)
    d->buffers.push_back(b ? static_cast<const void*>(b->data()) : nullptr);
  for (auto& c : spec.children) d->children.push_back(new ArrowArray(c));
  if (spec.dictionary) d->dictionary = new ArrowArray(*spec.dictionary);
  d->releases = spec.releases;
  ArrowArray a;
  a.length = spec.length;
  a.null_count = spec.null_count;
  a.offset = spec.offset;
  a.n_buffers = static_cast<int64_t>(d->buffers.size());
  a.n_children = static_cast<int64_t>(d->children.size());
  a.buffers = d->buffers.empty() ? nullptr : d->buffers.data();
  a.children = d->children.empty() ? nullptr : d->children.data();
  a.dictionary = d->dictionary;
  a.release = release_foreign_array;
  a.private_data = d;
  return a;
}

// Imports a foreign (schema, array) pair and checks both were released exactly once (the array
// at once if the import failed; otherwise when the imported buffers die).
Result<ImportedColumn> import_foreign(ArrowSchema schema, ArrowArray array) {
  int schema_releases = 0;
  int array_releases = 0;
  static_cast<ForeignSchemaData*>(schema.private_data)->releases = &schema_releases;
  auto* array_data = static_cast<ForeignArrayData*>(array.private_data);
  array_data->releases = &array_releases;
  auto result = import_column(&array, &schema);
  EXPECT_EQ(schema.release, nullptr);
  EXPECT_EQ(array.release, nullptr);
  EXPECT_EQ(schema_releases, 1);
  if (!result.ok()) {
    EXPECT_EQ(array_releases, 1) << "a failed import must release the array";
  }
  // Still held by imported buffers: stop counting into this frame.
  if (array_releases == 0) array_data->releases = nullptr;
  return result;
}

std::vector<std::string> texts_of(const Result<ImportedColumn>& r) {
  EXPECT_TRUE(r.ok()) << r.status().to_string_with_code();
  return r.ok() ? texts(*r->column) : std::vector<std::string>{};
}

using Texts = std::vector<std::string>;

TEST(ArrowCDataForeignTest, ImportedBuffersKeepTheProducerAliveUntilTheLastReference) {
  int releases = 0;
  auto array = foreign_array({.length = 4,
                              .null_count = 1,
                              .buffers = {bits({1, 1, 0, 1}), bytes<int32_t>({10, 20, 30, 40})},
                              .releases = &releases});
  const void* values = array.buffers[1];
  ASSERT_OK_AND_ASSIGN(auto column, import_column(&array, int32()));
  EXPECT_EQ(array.release, nullptr);  // moved: the consumer owns it now
  EXPECT_EQ(column->buffer(1)->data(), values);
  EXPECT_EQ(texts(*column), (Texts{"10", "20", "null", "40"}));
  auto buffer = column->buffer(1);  // even a lone buffer keeps it
  auto slice = column->slice(1, 2);
  column.reset();
  EXPECT_EQ(releases, 0);
  slice.reset();
  EXPECT_EQ(releases, 0);
  buffer.reset();
  EXPECT_EQ(releases, 1);
}

TEST(ArrowCDataForeignTest, LargeStringsAndBinariesBecome32BitOffsetsSharingTheData) {
  auto chars = text("ahelloworld");
  auto array = foreign_array(
      {.length = 4,
       .null_count = 1,
       .offset = 1,
       .buffers = {bits({1, 0, 1, 1, 1}), bytes<int64_t>({0, 1, 1, 6, 6, 11}), chars}});
  const auto* data = static_cast<const uint8_t*>(array.buffers[2]);
  auto r = import_foreign(foreign_schema("U", "s"), array);
  EXPECT_EQ(texts_of(r), (Texts{"null", "\"hello\"", "\"\"", "\"world\""}));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->column->type()->equals(*string_type()));
  EXPECT_EQ(r->column->buffer(2)->data(), data + 1);  // no copy of the characters

  auto binary_array = foreign_array(
      {.length = 2, .buffers = {std::nullopt, bytes<int64_t>({0, 2, 3}), text("\x01\x02\x03")}});
  r = import_foreign(foreign_schema("Z"), binary_array);
  EXPECT_EQ(texts_of(r), (Texts{"\"AQI=\"", "\"Aw==\""}));
}

TEST(ArrowCDataForeignTest, DictionaryArraysAreDecoded) {
  auto dict_schema = foreign_schema("u");
  auto schema = foreign_schema({.format = "c", .name = "d", .dictionary = dict_schema});
  auto dictionary = foreign_array(
      {.length = 3, .buffers = {std::nullopt, bytes<int32_t>({0, 1, 3, 6}), text("xyyzzz")}});
  auto array = foreign_array({.length = 5,
                              .null_count = 1,
                              .buffers = {bits({1, 1, 0, 1, 1}), bytes<int8_t>({0, 2, 99, 1, 2})},
                              .dictionary = dictionary});
  auto r = import_foreign(schema, array);
  EXPECT_EQ(texts_of(r), (Texts{"\"x\"", "\"zzz\"", "null", "\"yy\"", "\"zzz\""}));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->column->type()->equals(*string_type()));

  // Unsigned 16-bit indexes into a dictionary of structs.
  auto struct_dict_schema =
      foreign_schema({.format = "+s", .children = {foreign_schema("i", "v")}});
  dictionary =
      foreign_array({.length = 2,
                     .buffers = {std::nullopt},
                     .children = {foreign_array(
                         {.length = 2, .buffers = {std::nullopt, bytes<int32_t>({7, 8})}})}});
  array = foreign_array({.length = 3,
                         .buffers = {std::nullopt, bytes<uint16_t>({1, 1, 0})},
                         .dictionary = dictionary});
  r = import_foreign(foreign_schema({.format = "S", .dictionary = struct_dict_schema}), array);
  EXPECT_EQ(texts_of(r), (Texts{"{\"v\":8}", "{\"v\":8}", "{\"v\":7}"}));
}

TEST(ArrowCDataForeignTest, DictionaryIndexOutOfRangeIsAnError) {
  auto schema = foreign_schema({.format = "i", .dictionary = foreign_schema("u")});
  auto dictionary =
      foreign_array({.length = 1, .buffers = {std::nullopt, bytes<int32_t>({0, 1}), text("x")}});
  auto array = foreign_array(
      {.length = 2, .buffers = {std::nullopt, bytes<int32_t>({0, 5})}, .dictionary = dictionary});
  EXPECT_THAT(import_foreign(schema, array),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("dictionary index 5 at row 1 is out of range")));
}

TEST(ArrowCDataForeignTest, TemporalConversions) {
  // date64: milliseconds, floored to days.
  auto r = import_foreign(
      foreign_schema("tdm"),
      foreign_array(
          {.length = 4,
           .null_count = 1,
           .buffers = {bits({1, 1, 1, 0}), bytes<int64_t>({0, 86'400'000, -86'400'000, 12345})}}));
  EXPECT_EQ(texts_of(r), (Texts{"\"1970-01-01\"", "\"1970-01-02\"", "\"1969-12-31\"", "null"}));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->column->type()->equals(*date32()));

  r = import_foreign(
      foreign_schema("ttm"),
      foreign_array({.length = 2, .buffers = {std::nullopt, bytes<int32_t>({1500, 3'600'000})}}));
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_TRUE(r->column->type()->equals(*time64(TimeUnit::kMicro)));
  EXPECT_EQ(r->column->value<int64_t>(0), 1'500'000);
  EXPECT_EQ(r->column->value<int64_t>(1), 3'600'000'000LL);

  r = import_foreign(foreign_schema("tts"),
                     foreign_array({.length = 1, .buffers = {std::nullopt, bytes<int32_t>({61})}}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->column->value<int64_t>(0), 61'000'000);

  r = import_foreign(
      foreign_schema("tsm:UTC"),
      foreign_array({.length = 2,
                     .offset = 1,
                     .buffers = {std::nullopt, bytes<int64_t>({9, 1'700'000'000'123, -1})}}));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->column->type()->equals(*timestamp(TimeUnit::kMicro, "UTC")));
  EXPECT_EQ(r->column->value<int64_t>(0), 1'700'000'000'123'000LL);
  EXPECT_EQ(r->column->value<int64_t>(1), -1000);

  r = import_foreign(
      foreign_schema("tss:"),
      foreign_array({.length = 1, .buffers = {std::nullopt, bytes<int64_t>({86'400})}}));
  EXPECT_EQ(texts_of(r), (Texts{"\"1970-01-02T00:00:00.000000\""}));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->column->type()->timezone().empty());

  EXPECT_THAT(
      import_foreign(foreign_schema("tss:UTC"),
                     foreign_array({.length = 1,
                                    .buffers = {std::nullopt, bytes<int64_t>({INT64_MAX / 10})}})),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("out of range")));

  r = import_foreign(foreign_schema("tiM"),
                     foreign_array({.length = 1, .buffers = {std::nullopt, bytes<int32_t>({14})}}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->column->value<MonthDayNanos>(0), (MonthDayNanos{14, 0, 0}));
  r = import_foreign(
      foreign_schema("tiD"),
      foreign_array({.length = 1, .buffers = {std::nullopt, bytes<int32_t>({3, 250})}}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->column->value<MonthDayNanos>(0), (MonthDayNanos{0, 3, 250'000'000}));
}

TEST(ArrowCDataForeignTest, HalfFloatsAndNarrowDecimalsAreWidened) {
  auto r = import_foreign(
      foreign_schema("e"),
      foreign_array(
          {.length = 5,
           .buffers = {std::nullopt, bytes<uint16_t>({0x3C00, 0xC000, 0x7C00, 0x0001, 0x3555})}}));
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_TRUE(r->column->type()->equals(*float32()->with_extension("float16")));
  EXPECT_EQ(r->column->value<float>(0), 1.0f);
  EXPECT_EQ(r->column->value<float>(1), -2.0f);
  EXPECT_TRUE(std::isinf(r->column->value<float>(2)));
  EXPECT_EQ(r->column->value<float>(3), std::ldexp(1.0f, -24));
  EXPECT_NEAR(r->column->value<float>(4), 1.0f / 3, 1e-3);

  r = import_foreign(
      foreign_schema("d:10,2,64"),
      foreign_array({.length = 2, .buffers = {std::nullopt, bytes<int64_t>({-12345, 99})}}));
  EXPECT_EQ(texts_of(r), (Texts{"\"-123.45\"", "\"0.99\""}));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->column->type()->equals(*decimal128(10, 2)));
  r = import_foreign(foreign_schema("d:5,1,32"),
                     foreign_array({.length = 1, .buffers = {std::nullopt, bytes<int32_t>({-7})}}));
  EXPECT_EQ(texts_of(r), (Texts{"\"-0.7\""}));
  r = import_foreign(foreign_schema("d:5,1,128"),
                     foreign_array({.length = 1, .buffers = {std::nullopt, bytes<Int128>({42})}}));
  EXPECT_EQ(texts_of(r), (Texts{"\"4.2\""}));
}

TEST(ArrowCDataForeignTest, StringViewsAreGathered) {
  // Views: {length, inline bytes} or {length, prefix, buffer index, offset}.
  auto view = [](std::string_view s, int32_t index, int32_t offset) {
    std::vector<uint8_t> v(16, 0);
    auto length = static_cast<int32_t>(s.size());
    std::memcpy(v.data(), &length, 4);
    if (s.size() <= 12) {
      std::memcpy(v.data() + 4, s.data(), s.size());
    } else {
      std::memcpy(v.data() + 4, s.data(), 4);
      std::memcpy(v.data() + 8, &index, 4);
      std::memcpy(v.data() + 12, &offset, 4);
    }
    return v;
  };
  std::string long_text = "a string longer than twelve bytes";
  std::vector<uint8_t> views;
  for (auto& v : {view("short", 0, 0), view("", 0, 0), view(long_text, 1, 3), view("xx", 0, 0)}) {
    views.insert(views.end(), v.begin(), v.end());
  }
  auto data1 = text("___" + long_text);
  auto array =
      foreign_array({.length = 4,
                     .null_count = 1,
                     .buffers = {bits({1, 1, 1, 0}), views, text("unused"), data1,
                                 bytes<int64_t>({6, static_cast<int64_t>(data1.size())})}});
  auto r = import_foreign(foreign_schema("vu"), array);
  EXPECT_EQ(texts_of(r), (Texts{"\"short\"", "\"\"", "\"" + long_text + "\"", "null"}));

  // A view pointing past its data buffer is rejected.
  views = view(long_text, 0, 10);
  array = foreign_array(
      {.length = 1, .buffers = {std::nullopt, views, text("tiny"), bytes<int64_t>({4})}});
  EXPECT_THAT(import_foreign(foreign_schema("vz"), array),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("reads bytes [10, 43)")));
}

TEST(ArrowCDataForeignTest, LargeAndFixedSizeListsBecomeLists) {
  auto child =
      foreign_array({.length = 6, .buffers = {std::nullopt, bytes<int32_t>({1, 2, 3, 4, 5, 6})}});
  auto r = import_foreign(
      foreign_schema({.format = "+w:2", .children = {foreign_schema("i", "item")}}),
      foreign_array({.length = 2, .offset = 1, .buffers = {std::nullopt}, .children = {child}}));
  EXPECT_EQ(texts_of(r), (Texts{"[3,4]", "[5,6]"}));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->column->type()->equals(*list(field("item", int32()))));

  child = foreign_array({.length = 5, .buffers = {std::nullopt, bytes<int32_t>({1, 2, 3, 4, 5})}});
  r = import_foreign(foreign_schema({.format = "+L", .children = {foreign_schema("i", "element")}}),
                     foreign_array({.length = 3,
                                    .null_count = 1,
                                    .buffers = {bits({1, 0, 1}), bytes<int64_t>({1, 3, 3, 5})},
                                    .children = {child}}));
  EXPECT_EQ(texts_of(r), (Texts{"[2,3]", "null", "[4,5]"}));

  child = foreign_array({.length = 2, .buffers = {std::nullopt, bytes<int32_t>({1, 2})}});
  EXPECT_THAT(
      import_foreign(foreign_schema({.format = "+w:2", .children = {foreign_schema("i")}}),
                     foreign_array({.length = 2, .buffers = {std::nullopt}, .children = {child}})),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("need 4 child values, the child has 2")));
}

TEST(ArrowCDataForeignTest, RunEndEncodedArraysAreExpanded) {
  auto schema = foreign_schema(
      {.format = "+r",
       .children = {foreign_schema("i", "run_ends"), foreign_schema("u", "values")}});
  auto run_ends =
      foreign_array({.length = 3, .buffers = {std::nullopt, bytes<int32_t>({2, 5, 6})}});
  auto values =
      foreign_array({.length = 3,
                     .null_count = 1,
                     .buffers = {bits({1, 0, 1}), bytes<int32_t>({0, 1, 1, 2}), text("ac")}});
  auto array = foreign_array({.length = 5, .offset = 1, .children = {run_ends, values}});
  auto r = import_foreign(schema, array);
  EXPECT_EQ(texts_of(r), (Texts{"\"a\"", "null", "null", "null", "\"c\""}));

  schema = foreign_schema({.format = "+r", .children = {foreign_schema("s"), foreign_schema("i")}});
  run_ends = foreign_array({.length = 1, .buffers = {std::nullopt, bytes<int16_t>({2})}});
  values = foreign_array({.length = 1, .buffers = {std::nullopt, bytes<int32_t>({7})}});
  EXPECT_THAT(import_foreign(schema, foreign_array({.length = 3, .children = {run_ends, values}})),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("runs end before logical row 2")));
}

TEST(ArrowCDataForeignTest, ForeignExtensionsKeepTheirMetadata) {
  auto md = encode_metadata(
      {{"ARROW:extension:name", "geoarrow.wkb"}, {"ARROW:extension:metadata", "{}"}});
  auto r = import_foreign(
      foreign_schema({.format = "z", .name = "g", .metadata = md}),
      foreign_array(
          {.length = 1, .buffers = {std::nullopt, bytes<int32_t>({0, 1}), text("\x01")}}));
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_TRUE(r->column->type()->equals(*binary()));
  EXPECT_EQ(r->field->metadata_value("ARROW:extension:name"), "geoarrow.wkb");
  // Exported again, the extension travels on.
  ArrowSchema back;
  ASSERT_OK(export_field(*r->field, &back));
  EXPECT_EQ(decode(back.metadata), (KeyValueMetadata{{"ARROW:extension:name", "geoarrow.wkb"},
                                                     {"ARROW:extension:metadata", "{}"}}));
  back.release(&back);
}

TEST(ArrowCDataForeignTest, UnsupportedTypesNameTheirFormat) {
  struct Case {
    std::string format;
    int children;
    std::string message;
  };
  for (const auto& c :
       {Case{"+ud:0,1", 2, "union (format '+ud:0,1')"}, Case{"+us:4", 1, "union (format '+us:4')"},
        Case{"tDs", 0, "duration (format 'tDs')"},
        Case{"d:40,2,256", 0, "decimal256 (format 'd:40,2,256')"},
        Case{"+vl", 1, "list view (format '+vl')"}, Case{"d:5,-2", 0, "scale outside"}}) {
    SCOPED_TRACE(c.format);
    std::vector<ArrowSchema> children(static_cast<size_t>(c.children));
    for (auto& child : children) child = foreign_schema("i");
    auto schema = foreign_schema({.format = c.format, .children = children});
    EXPECT_THAT(import_field(&schema), StatusIs(StatusCode::kNotImplemented, HasSubstr(c.message)));
    EXPECT_EQ(schema.release, nullptr);
  }
}

TEST(ArrowCDataForeignTest, MalformedSchemasAreRejected) {
  struct Case {
    SchemaSpec spec;
    std::string message;
  };
  std::vector<Case> cases;
  cases.push_back({{.format = "xyz"}, "invalid format string 'xyz'"});
  cases.push_back({{.format = "w:abc"}, "invalid format string 'w:abc'"});
  cases.push_back({{.format = "w:-4"}, "invalid format string 'w:-4'"});
  cases.push_back({{.format = "d:0,0"}, "precision must be in [1, 38]"});
  cases.push_back({{.format = "d:12"}, "expected d:precision,scale"});
  cases.push_back({{.format = "d:10,2,48"}, "bit width"});
  cases.push_back({{.format = "tsx:UTC"}, "unknown temporal type"});
  cases.push_back({{.format = "tsu"}, "unknown temporal type"});
  cases.push_back({{.format = "+x"}, "unknown nested type"});
  cases.push_back(
      {{.format = "i", .children = {foreign_schema("i")}}, "format 'i' has 0 children"});
  cases.push_back({{.format = "+l"}, "format '+l' has 1 children, the ArrowSchema has 0"});
  cases.push_back(
      {{.format = "+m", .children = {foreign_schema("i")}}, "map's child must be a struct"});
  cases.push_back({{.format = "u", .dictionary = foreign_schema("u")},
                   "dictionary index type must be an integer"});
  cases.push_back(
      {{.format = "+s",
        .children = {foreign_schema(
            {.format = "+l", .name = "inner", .children = {foreign_schema("bad", "x")}})}},
       "field 'inner': field 'x': invalid format string 'bad'"});
  for (auto& c : cases) {
    SCOPED_TRACE(c.message);
    int releases = 0;
    c.spec.releases = &releases;
    auto schema = foreign_schema(c.spec);
    EXPECT_THAT(import_field(&schema),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.message)));
    EXPECT_EQ(releases, 1);
  }

  auto schema = foreign_schema("i");
  schema.format = nullptr;
  EXPECT_THAT(import_field(&schema),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("no format string")));

  schema = foreign_schema("+s");
  schema.n_children = 2;  // and children == nullptr
  EXPECT_THAT(import_field(&schema),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("has 2 children and children pointer null")));

  auto md = encode_metadata({{"k", "v"}});
  for (int i = 0; i < 4; ++i) md[static_cast<size_t>(i)] = '\xff';  // an entry count of -1
  schema = foreign_schema({.format = "i", .metadata = md});
  EXPECT_THAT(import_field(&schema),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("metadata claims -1 entries")));

  EXPECT_THAT(import_field(&schema), StatusIs(StatusCode::kInvalidArgument, HasSubstr("released")));
  EXPECT_THAT(import_field(nullptr), StatusIs(StatusCode::kInvalidArgument, HasSubstr("null")));

  // A chain of 100 nested lists.
  ArrowSchema deep = foreign_schema("i");
  for (int i = 0; i < 100; ++i) deep = foreign_schema({.format = "+l", .children = {deep}});
  EXPECT_THAT(import_field(&deep),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("deeper than 64")));

  EXPECT_THAT(
      import_schema(&(schema = foreign_schema("i"))),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("must be a struct ('+s'), not 'i'")));
}

TEST(ArrowCDataForeignTest, MalformedArraysAreRejected) {
  struct Case {
    std::string name;
    ArrowSchema schema;
    ArrowArray array;
    std::string message;
  };
  auto ints = [] { return bytes<int32_t>({1, 2, 3}); };
  std::vector<Case> cases;
  cases.push_back({"three buffers for int32", foreign_schema("i"),
                   foreign_array({.length = 3, .buffers = {std::nullopt, ints(), ints()}}),
                   "format 'i': ArrowArray has 3 buffers, the layout has 2"});
  cases.push_back({"negative length", foreign_schema("i"),
                   foreign_array({.length = -1, .buffers = {std::nullopt, ints()}}),
                   "must not be negative"});
  cases.push_back({"nulls without validity", foreign_schema("i"),
                   foreign_array({.length = 3, .null_count = 2, .buffers = {std::nullopt, ints()}}),
                   "null_count is 2 but the validity buffer is null"});
  cases.push_back({"missing values", foreign_schema("l"),
                   foreign_array({.length = 3, .buffers = {std::nullopt, std::nullopt}}),
                   "buffer 1 is null but must hold 24 bytes"});
  cases.push_back(
      {"decreasing offsets", foreign_schema("u"),
       foreign_array(
           {.length = 2, .buffers = {std::nullopt, bytes<int32_t>({0, 3, 1}), text("abc")}}),
       "offsets decrease at row 1 (3 then 1)"});
  cases.push_back({"negative first offset", foreign_schema("z"),
                   foreign_array({.length = 1,
                                  .buffers = {std::nullopt, bytes<int32_t>({-4, 1}), text("abc")}}),
                   "first offset -4 is negative"});
  cases.push_back(
      {"list past its child", foreign_schema({.format = "+l", .children = {foreign_schema("i")}}),
       foreign_array(
           {.length = 1,
            .buffers = {std::nullopt, bytes<int32_t>({0, 4})},
            .children = {foreign_array({.length = 3, .buffers = {std::nullopt, ints()}})}}),
       "last offset 4 is past the end of the child array (3 values)"});
  cases.push_back({"short struct child",
                   foreign_schema({.format = "+s", .children = {foreign_schema("i", "a")}}),
                   foreign_array({.length = 3,
                                  .offset = 1,
                                  .buffers = {std::nullopt},
                                  .children = {foreign_array(
                                      {.length = 3, .buffers = {std::nullopt, ints()}})}}),
                   "field 'a' has 3 rows, the struct needs 4"});
  cases.push_back({"missing child",
                   foreign_schema({.format = "+s", .children = {foreign_schema("i", "a")}}),
                   foreign_array({.length = 3, .buffers = {std::nullopt}}),
                   "ArrowArray has 0 children, the type has 1"});
  cases.push_back({"undeclared dictionary", foreign_schema("i"),
                   foreign_array({.length = 3,
                                  .buffers = {std::nullopt, ints()},
                                  .dictionary = foreign_array(
                                      {.length = 0, .buffers = {std::nullopt, ints()}})}),
                   "has a dictionary but its type is not dictionary-encoded"});
  cases.push_back({"null with a buffer", foreign_schema("n"),
                   foreign_array({.length = 3, .null_count = 3, .buffers = {std::nullopt}}),
                   "ArrowArray has 1 buffers, the layout has 0"});
  for (auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(import_foreign(c.schema, c.array),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.message)));
  }

  // A child the consumer already moved out is released: reading it would be a use after free.
  auto array = foreign_array(
      {.length = 3,
       .buffers = {std::nullopt},
       .children = {foreign_array({.length = 3, .buffers = {std::nullopt, ints()}})}});
  ArrowArray moved = *array.children[0];
  array.children[0]->release = nullptr;
  EXPECT_THAT(import_foreign(
                  foreign_schema({.format = "+s", .children = {foreign_schema("i", "a")}}), array),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("released")));
  moved.release(&moved);

  EXPECT_THAT(import_column(static_cast<ArrowArray*>(nullptr), int32()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("null")));
}

TEST(ArrowCDataForeignTest, EmptyArraysMayOmitBuffers) {
  // Spec: a buffer may be null when its size would be 0; producers also omit the offsets of
  // empty string arrays.
  auto r = import_foreign(
      foreign_schema("u"),
      foreign_array({.length = 0, .buffers = {std::nullopt, std::nullopt, std::nullopt}}));
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->column->length(), 0);
  r = import_foreign(foreign_schema("l"),
                     foreign_array({.length = 0, .buffers = {std::nullopt, std::nullopt}}));
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  r = import_foreign(
      foreign_schema("u"),
      foreign_array(
          {.length = 2, .buffers = {std::nullopt, bytes<int32_t>({0, 0, 0}), std::nullopt}}));
  EXPECT_EQ(texts_of(r), (Texts{"\"\"", "\"\""}));
}

TEST(ArrowCDataForeignTest, UnalignedBuffersAreCopied) {
  std::vector<uint8_t> raw(1 + 3 * 8);
  for (int64_t i = 0; i < 3; ++i) {
    int64_t v = (i + 1) * 1'000'000'000'000LL;
    std::memcpy(raw.data() + 1 + i * 8, &v, 8);
  }
  auto array = foreign_array({.length = 3, .buffers = {std::nullopt, raw}});
  // Point the values one byte into the buffer.
  int releases = 0;
  auto* d = static_cast<ForeignArrayData*>(array.private_data);
  d->releases = &releases;
  const uint8_t* unaligned = d->storage[1]->data() + 1;
  d->buffers[1] = unaligned;
  ASSERT_OK_AND_ASSIGN(auto column, import_column(&array, int64()));
  EXPECT_NE(column->buffer(1)->data(), unaligned);
  EXPECT_EQ(releases, 1);  // nothing left to share: released at once
  EXPECT_EQ(texts(*column), (Texts{"1000000000000", "2000000000000", "3000000000000"}));
}

// ---- streams

class VectorSource : public BatchSource {
 public:
  VectorSource(SchemaPtr schema, std::vector<Result<RecordBatchPtr>> items)
      : schema_(std::move(schema)), items_(std::move(items)) {}
  SchemaPtr schema() const override { return schema_; }
  Result<RecordBatchPtr> next() override {
    if (next_ >= items_.size()) return RecordBatchPtr();
    return items_[next_++];
  }

 private:
  SchemaPtr schema_;
  std::vector<Result<RecordBatchPtr>> items_;
  size_t next_ = 0;
};

TEST(ArrowCDataStreamTest, SeveralBatchesRoundTrip) {
  auto big = make_batch(40);
  std::vector<RecordBatchPtr> batches = {make_batch(10), big->slice(5, 20), make_batch(0),
                                         make_batch(3)};
  auto source = std::make_shared<VectorSource>(
      big->schema(), std::vector<Result<RecordBatchPtr>>(batches.begin(), batches.end()));
  ArrowArrayStream stream;
  ASSERT_OK(export_stream(source, &stream));
  EXPECT_EQ(source.use_count(), 2);
  ASSERT_OK_AND_ASSIGN(auto reader, import_stream(&stream));
  EXPECT_EQ(stream.release, nullptr);  // moved into the reader
  EXPECT_TRUE(reader->schema()->equals(*big->schema(), /*check_metadata=*/true));
  std::vector<RecordBatchPtr> read;
  while (true) {
    ASSERT_OK_AND_ASSIGN(auto batch, reader->next());
    if (batch == nullptr) break;
    read.push_back(batch);
  }
  ASSERT_EQ(read.size(), batches.size());
  reader.reset();  // releases the stream; the batches stay valid
  EXPECT_EQ(source.use_count(), 1);
  for (size_t i = 0; i < batches.size(); ++i) expect_same_batch(*batches[i], *read[i]);
  EXPECT_EQ(read[1]->column(0)->buffer(1)->data(), big->column(0)->buffer(1)->data());
}

TEST(ArrowCDataStreamTest, ErrorMidStreamAtTheCLevel) {
  auto s = make_batch(1)->schema();
  auto source = std::make_shared<VectorSource>(
      s, std::vector<Result<RecordBatchPtr>>{
             make_batch(4), Status::invalid_argument("bad row 7 in part-2"), make_batch(2)});
  ArrowArrayStream stream;
  ASSERT_OK(export_stream(source, &stream));
  ArrowSchema schema;
  ASSERT_EQ(stream.get_schema(&stream, &schema), 0);
  EXPECT_STREQ(schema.format, "+s");
  EXPECT_EQ(schema.n_children, 4);
  schema.release(&schema);

  ArrowArray array;
  ASSERT_EQ(stream.get_next(&stream, &array), 0);
  ASSERT_NE(array.release, nullptr);
  EXPECT_EQ(array.length, 4);
  array.release(&array);
  EXPECT_EQ(stream.get_next(&stream, &array), EINVAL);
  EXPECT_THAT(stream.get_last_error(&stream), HasSubstr("bad row 7 in part-2"));
  ASSERT_EQ(stream.get_next(&stream, &array), 0);  // this source carries on after an error
  EXPECT_EQ(array.length, 2);
  array.release(&array);
  ASSERT_EQ(stream.get_next(&stream, &array), 0);
  EXPECT_EQ(array.release, nullptr);  // end of stream
  stream.release(&stream);
  EXPECT_EQ(stream.release, nullptr);
}

TEST(ArrowCDataStreamTest, ErrorMidStreamThroughImport) {
  auto s = make_batch(1)->schema();
  auto source = std::make_shared<VectorSource>(
      s, std::vector<Result<RecordBatchPtr>>{
             make_batch(4), Status::out_of_memory("spill budget of 1 MiB exceeded")});
  ArrowArrayStream stream;
  ASSERT_OK(export_stream(source, &stream));
  ASSERT_OK_AND_ASSIGN(auto reader, import_stream(&stream));
  ASSERT_OK_AND_ASSIGN(auto first, reader->next());
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->num_rows(), 4);
  EXPECT_THAT(reader->next(),
              StatusIs(StatusCode::kOutOfMemory, HasSubstr("spill budget of 1 MiB exceeded")));
}

TEST(ArrowCDataStreamTest, BatchesThatDoNotMatchTheSchemaAreErrors) {
  auto source = std::make_shared<VectorSource>(schema({field("a", int32())}),
                                               std::vector<Result<RecordBatchPtr>>{make_batch(2)});
  ArrowArrayStream stream;
  ASSERT_OK(export_stream(source, &stream));
  ASSERT_OK_AND_ASSIGN(auto reader, import_stream(&stream));
  EXPECT_THAT(reader->next(), StatusIs(StatusCode::kInvalidArgument,
                                       HasSubstr("does not match the stream's schema")));
}

class ThrowingSource : public BatchSource {
 public:
  SchemaPtr schema() const override { return braid::schema({field("a", int32())}); }
  Result<RecordBatchPtr> next() override { throw std::runtime_error("disk on fire"); }
};

TEST(ArrowCDataStreamTest, ExceptionsNeverCrossIntoC) {
  ArrowArrayStream stream;
  ASSERT_OK(export_stream(std::make_shared<ThrowingSource>(), &stream));
  ArrowArray array;
  EXPECT_EQ(stream.get_next(&stream, &array), EIO);
  EXPECT_THAT(stream.get_last_error(&stream), HasSubstr("disk on fire"));
  stream.release(&stream);
}

// A C producer: two batches of one large-string column, then the end.
struct ForeignStream {
  int next = 0;
  int* releases = nullptr;
  static int get_schema(ArrowArrayStream*, ArrowSchema* out) {
    *out = foreign_schema({.format = "+s", .children = {foreign_schema("U", "word")}, .flags = 0});
    return 0;
  }
  static int get_next(ArrowArrayStream* s, ArrowArray* out) {
    auto* self = static_cast<ForeignStream*>(s->private_data);
    if (self->next == 2) {
      out->release = nullptr;
      return 0;
    }
    if (self->next++ == 1) return EIO;  // after the first batch, one failure
    auto child = foreign_array(
        {.length = 2, .buffers = {std::nullopt, bytes<int64_t>({0, 3, 8}), text("onetwo33")}});
    *out = foreign_array({.length = 2, .buffers = {std::nullopt}, .children = {child}});
    return 0;
  }
  static const char* get_last_error(ArrowArrayStream*) { return nullptr; }
  static void release(ArrowArrayStream* s) {
    auto* self = static_cast<ForeignStream*>(s->private_data);
    ++*self->releases;
    delete self;
    s->release = nullptr;
  }
};

TEST(ArrowCDataStreamTest, ForeignStreamWithConversionAndErrorWithoutText) {
  int releases = 0;
  ArrowArrayStream stream{ForeignStream::get_schema, ForeignStream::get_next,
                          ForeignStream::get_last_error, ForeignStream::release,
                          new ForeignStream{0, &releases}};
  ASSERT_OK_AND_ASSIGN(auto reader, import_stream(&stream));
  EXPECT_EQ(reader->schema()->to_string(), "word: string\n");
  ASSERT_OK_AND_ASSIGN(auto batch, reader->next());
  ASSERT_NE(batch, nullptr);
  EXPECT_EQ(texts(*batch->column(0)), (Texts{"\"one\"", "\"two33\""}));
  // No text from get_last_error: the errno's own description stands in.
  EXPECT_THAT(reader->next(),
              StatusIs(StatusCode::kIOError, HasSubstr("no description (errno EIO)")));
  ASSERT_OK_AND_ASSIGN(batch, reader->next());
  EXPECT_EQ(batch, nullptr);
  ASSERT_OK_AND_ASSIGN(batch, reader->next());
  EXPECT_EQ(batch, nullptr);
  EXPECT_EQ(releases, 0);
  reader.reset();
  EXPECT_EQ(releases, 1);
}

TEST(ArrowCDataStreamTest, StreamWhoseSchemaFailsIsReleased) {
  int releases = 0;
  ArrowArrayStream stream{[](ArrowArrayStream*, ArrowSchema*) { return ENOSYS; },
                          ForeignStream::get_next,
                          [](ArrowArrayStream*) -> const char* { return "no schema today"; },
                          ForeignStream::release, new ForeignStream{0, &releases}};
  EXPECT_THAT(import_stream(&stream),
              StatusIs(StatusCode::kNotImplemented, HasSubstr("no schema today")));
  EXPECT_EQ(releases, 1);
  EXPECT_EQ(stream.release, nullptr);
}

}  // namespace
}  // namespace braid
