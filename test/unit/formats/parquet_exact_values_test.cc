// Values read from Parquet are exact or refused (issue 12): no narrowing that wraps, no decimal
// beyond its declared digits, no truncated INT96 nanoseconds or wrapped millisecond timestamps,
// no unsigned INTERVAL turned negative, no logical type silently dropped because it cannot
// annotate its physical type; and statistics braid cannot order are not used to skip row groups.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "columnar/column_builder.h"
#include "columnar/value_text.h"
#include "common/memory_file_system.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"
#include "formats/parquet/row_group_filter.h"
#include "formats/parquet/statistics.h"
#include "support/status_matchers.h"
#include "unit/formats/parquet_file_builder.h"

namespace braid::parquet {
namespace {

using ::braid::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace ::braid::parquet::testing;

MATCHER_P(HoldsValues, matcher, "") {
  if (!arg.ok()) {
    *result_listener << "status is '" << arg.status().to_string_with_code() << "'";
    return false;
  }
  return ::testing::ExplainMatchResult(matcher, arg.value(), result_listener);
}

class ExactValuesTest : public ::testing::Test {
 protected:
  std::shared_ptr<MemoryFileSystem> fs_ = std::make_shared<MemoryFileSystem>();

  // One required column `x` holding `plain` (n PLAIN values).
  Result<std::vector<std::string>> read_one(SchemaElement x, int64_t n, std::string plain) {
    x.name = "x";
    x.repetition = Repetition::kRequired;
    LeafPages l;
    l.num_values = n;
    l.plain = std::move(plain);
    BRAID_RETURN_IF_ERROR(fs_->write_file("v.parquet", build_parquet({group("schema", 1, std::nullopt), x}, n, {l})));
    BRAID_ASSIGN_OR_RETURN(auto batches, read_parquet(fs_, "v.parquet"));
    std::vector<std::string> out;
    for (const auto& b : batches) {
      for (int64_t r = 0; r < b->num_rows(); ++r) out.push_back(value_text(*b->column(0), r, TextFlavor::kJson));
    }
    return out;
  }
};

SchemaElement int32_with(LogicalType lt) {
  SchemaElement e = leaf("x", PhysicalType::kInt32, Repetition::kRequired);
  e.logical_type = lt;
  return e;
}

LogicalType integer(int bits, bool is_signed) {
  LogicalType t;
  t.kind = LogicalType::Kind::kInteger;
  t.bit_width = static_cast<int8_t>(bits);
  t.is_signed = is_signed;
  return t;
}

LogicalType decimal_type(int precision, int scale) {
  LogicalType t;
  t.kind = LogicalType::Kind::kDecimal;
  t.precision = precision;
  t.scale = scale;
  return t;
}

TEST_F(ExactValuesTest, NarrowIntegersOutOfTheirRangeAreRefused) {
  EXPECT_THAT(read_one(int32_with(integer(8, true)), 2, plain_i32({-128, 127})), HoldsValues(ElementsAre("-128", "127")));
  EXPECT_THAT(read_one(int32_with(integer(8, true)), 2, plain_i32({1, 300})),
              StatusIs(StatusCode::kCorruption,
                       HasSubstr("v.parquet: row group 0: column 'x': page 0: value 300 is out of range for INT(8, signed)")));
  EXPECT_THAT(read_one(int32_with(integer(16, true)), 1, plain_i32({-40000})),
              StatusIs(StatusCode::kCorruption, HasSubstr("value -40000 is out of range for INT(16, signed)")));
  EXPECT_THAT(read_one(int32_with(integer(8, false)), 1, plain_i32({-1})),
              StatusIs(StatusCode::kCorruption, HasSubstr("value -1 is out of range for INT(8, unsigned)")));
  EXPECT_THAT(read_one(int32_with(integer(16, false)), 2, plain_i32({0, 65535})), HoldsValues(ElementsAre("0", "65535")));
  // The legacy converted types mean the same.
  EXPECT_THAT(read_one(leaf("x", PhysicalType::kInt32, Repetition::kRequired, ConvertedType::kUint16), 1, plain_i32({70000})),
              StatusIs(StatusCode::kCorruption, HasSubstr("value 70000 is out of range for INT(16, unsigned)")));
}

TEST_F(ExactValuesTest, DecimalsBeyondTheirPrecisionAreRefused) {
  EXPECT_THAT(read_one(int32_with(decimal_type(4, 2)), 2, plain_i32({9999, -9999})),
              HoldsValues(ElementsAre("\"99.99\"", "\"-99.99\"")));
  EXPECT_THAT(read_one(int32_with(decimal_type(4, 2)), 1, plain_i32({12345})),
              StatusIs(StatusCode::kCorruption, HasSubstr("column 'x': page 0: value 123.45 has more digits than DECIMAL(4,2) holds")));
  SchemaElement i64 = leaf("x", PhysicalType::kInt64, Repetition::kRequired);
  i64.logical_type = decimal_type(10, 0);
  int64_t big = 12345678901;
  EXPECT_THAT(read_one(i64, 1, std::string(reinterpret_cast<const char*>(&big), 8)),
              StatusIs(StatusCode::kCorruption, HasSubstr("value 12345678901 has more digits than DECIMAL(10,0) holds")));
  SchemaElement bytes = leaf("x", PhysicalType::kByteArray, Repetition::kRequired);
  bytes.logical_type = decimal_type(2, 1);
  EXPECT_THAT(read_one(bytes, 2, plain_strings({std::string("\x63", 1), std::string("\x00\x64", 2)})),  // 9.9, 10.0
              StatusIs(StatusCode::kCorruption, HasSubstr("value 10.0 has more digits than DECIMAL(2,1) holds")));
}

TEST_F(ExactValuesTest, MillisecondTimestampsBeyondMicrosecondsAreRefused) {
  SchemaElement ts = leaf("x", PhysicalType::kInt64, Repetition::kRequired);
  ts.logical_type.kind = LogicalType::Kind::kTimestamp;
  ts.logical_type.unit = TimeUnitKind::kMillis;
  ts.logical_type.adjusted_to_utc = true;
  int64_t ok = 1700000000123, sentinel = INT64_MAX;
  EXPECT_THAT(read_one(ts, 1, std::string(reinterpret_cast<const char*>(&ok), 8)),
              HoldsValues(ElementsAre("\"2023-11-14T22:13:20.123000Z\"")));
  EXPECT_THAT(read_one(ts, 1, std::string(reinterpret_cast<const char*>(&sentinel), 8)),
              StatusIs(StatusCode::kNotImplemented,
                       HasSubstr("column 'x': page 0: 9223372036854775807 milliseconds is beyond the range")));
}

std::string int96(int64_t nanos_of_day, int32_t julian_day) {
  std::string out(12, '\0');
  std::memcpy(out.data(), &nanos_of_day, 8);
  std::memcpy(out.data() + 8, &julian_day, 4);
  return out;
}

TEST_F(ExactValuesTest, Int96NanosecondsAreRefusedNotTruncated) {
  SchemaElement e = leaf("x", PhysicalType::kInt96, Repetition::kRequired);
  EXPECT_THAT(read_one(e, 1, int96(int64_t{3600} * 1'000'000'000 + 123'456'000, 2440588)),
              HoldsValues(ElementsAre("\"1970-01-01T01:00:00.123456\"")));
  EXPECT_THAT(read_one(e, 1, int96(int64_t{3600} * 1'000'000'000 + 123'456'789, 2440588)),
              StatusIs(StatusCode::kNotImplemented, HasSubstr("column 'x': page 0: an INT96 timestamp has nanoseconds")));
}

TEST_F(ExactValuesTest, IntervalsBeyondSignedComponentsAreRefused) {
  SchemaElement e = leaf("x", PhysicalType::kFixedLenByteArray, Repetition::kRequired, ConvertedType::kInterval);
  e.type_length = 12;
  auto interval12 = [](uint32_t months, uint32_t days, uint32_t millis) {
    std::string out(12, '\0');
    std::memcpy(out.data(), &months, 4);
    std::memcpy(out.data() + 4, &days, 4);
    std::memcpy(out.data() + 8, &millis, 4);
    return out;
  };
  ASSERT_OK(read_one(e, 1, interval12(14, 3, 5000)).status());
  EXPECT_THAT(read_one(e, 1, interval12(0x80000000u, 0, 0)),
              StatusIs(StatusCode::kNotImplemented, HasSubstr("an INTERVAL of 2147483648 months and 0 days does not fit")));
}

// A logical type that cannot annotate the physical type is refused when the file is opened,
// naming the column, instead of being dropped (the values read as bare numbers or bytes).
TEST_F(ExactValuesTest, LogicalTypesOnTheWrongPhysicalTypeAreRefused) {
  auto with = [](PhysicalType p, LogicalType::Kind k, int length = 0) {
    SchemaElement e = leaf("x", p, Repetition::kRequired);
    e.type_length = length;
    e.logical_type.kind = k;
    e.logical_type.unit = TimeUnitKind::kMicros;
    return e;
  };
  const std::pair<SchemaElement, const char*> cases[] = {
      {with(PhysicalType::kInt32, LogicalType::Kind::kTimestamp), "TIMESTAMP(MICROS,false) cannot annotate INT32"},
      {with(PhysicalType::kInt32, LogicalType::Kind::kTime), "TIME(MICROS,false) cannot annotate INT32"},
      {with(PhysicalType::kInt64, LogicalType::Kind::kDate), "DATE cannot annotate INT64"},
      {with(PhysicalType::kInt64, LogicalType::Kind::kString), "STRING cannot annotate INT64"},
      {with(PhysicalType::kDouble, LogicalType::Kind::kString), "STRING cannot annotate DOUBLE"},
      {with(PhysicalType::kBoolean, LogicalType::Kind::kJson), "JSON cannot annotate BOOLEAN"},
      {with(PhysicalType::kByteArray, LogicalType::Kind::kUuid), "UUID cannot annotate BYTE_ARRAY"},
      {with(PhysicalType::kFixedLenByteArray, LogicalType::Kind::kUuid, 8), "UUID cannot annotate FIXED_LEN_BYTE_ARRAY"},
      {with(PhysicalType::kFixedLenByteArray, LogicalType::Kind::kFloat16, 4), "FLOAT16 cannot annotate FIXED_LEN_BYTE_ARRAY"},
      {with(PhysicalType::kInt96, LogicalType::Kind::kTimestamp), "TIMESTAMP(MICROS,false) cannot annotate INT96"},
  };
  for (const auto& [element, message] : cases) {
    SCOPED_TRACE(message);
    EXPECT_THAT(read_one(element, 0, ""),
                StatusIs(StatusCode::kNotImplemented, ::testing::AllOf(HasSubstr("v.parquet: column 'x': "), HasSubstr(message))));
  }
  // Types newer than this reader are read as their physical type, as parquet-format asks.
  EXPECT_THAT(read_one(with(PhysicalType::kInt32, LogicalType::Kind::kOther), 1, plain_i32({7})),
              HoldsValues(ElementsAre("7")));
}

// ---- statistics

TEST_F(ExactValuesTest, BoundsWithoutAKnownOrderDoNotSkipRowGroups) {
  Int64Builder b(int64());
  for (int64_t v = 0; v < 100; ++v) b.append(v);
  auto s = schema({field("x", int64())});
  auto batch = std::make_shared<const RecordBatch>(s, 100, std::vector<ColumnPtr>{*b.finish()});
  ASSERT_OK(write_parquet(fs_, "s.parquet", s, {batch}).status());
  auto greater_than = [](int64_t v) {
    Int64Builder lit(int64());
    lit.append(v);
    return ColumnPredicate{"x", ColumnPredicate::Op::kGt, {*lit.finish()}};
  };
  ASSERT_OK_AND_ASSIGN(auto file, ParquetFile::open(fs_, "s.parquet"));
  EXPECT_TRUE(prune_row_groups(*file, {greater_than(1000)}).empty());  // max 99 rules it out

  // The same file whose ColumnOrder is one braid does not know: min_value/max_value mean nothing.
  ASSERT_OK_AND_ASSIGN(std::string bytes, fs_->read_file("s.parquet"));
  uint32_t len;
  std::memcpy(&len, bytes.data() + bytes.size() - 8, 4);
  FileMetaData md;
  ASSERT_OK(decode_file_metadata(std::string_view(bytes).substr(bytes.size() - 8 - len, len), &md));
  ASSERT_EQ(md.column_orders.size(), 1u);
  md.column_orders[0] = false;
  std::string footer = encode_file_metadata(md);
  bytes.resize(bytes.size() - 8 - len);
  bytes += footer;
  auto n = static_cast<uint32_t>(footer.size());
  bytes.append(reinterpret_cast<const char*>(&n), 4);
  bytes += "PAR1";
  ASSERT_OK(fs_->write_file("s.parquet", bytes));
  ASSERT_OK_AND_ASSIGN(file, ParquetFile::open(fs_, "s.parquet"));
  EXPECT_THAT(prune_row_groups(*file, {greater_than(1000)}), ElementsAre(0));
}

TEST_F(ExactValuesTest, Int96StatisticsAreNeverUsed) {
  // INT96's sort order is undefined (parquet-format): old parquet-mr wrote wrong bounds.
  SchemaElement root = group("schema", 1, std::nullopt);
  FileMetaData md;
  md.schema = {root, leaf("x", PhysicalType::kInt96, Repetition::kOptional)};
  ASSERT_OK_AND_ASSIGN(auto schema, FileSchema::build(md));
  ColumnMetaData cm;
  cm.type = PhysicalType::kInt96;
  cm.num_values = 1;
  Statistics st;
  st.min_value = int96(0, 2440588);
  st.max_value = int96(0, 2440589);
  cm.statistics = st;
  ColumnStatistics stats = column_statistics(*schema->leaves()[0], cm);
  EXPECT_EQ(stats.min, nullptr);
  EXPECT_EQ(stats.max, nullptr);
}

}  // namespace
}  // namespace braid::parquet
