#include "columnar/value_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "columnar/column_builder.h"
#include "columnar/row_output.h"
#include "support/status_matchers.h"

namespace braid {
namespace {

using ::testing::HasSubstr;

template <typename B, typename T>
std::string one(TypePtr type, T v, TextFlavor flavor = TextFlavor::kJson) {
  B b(type);
  b.append(v);
  auto c = b.finish();
  return value_text(**c, 0, flavor);
}

TEST(ValueTextTest, JsonlOfEveryScalarType) {
  EXPECT_EQ(one<Int64Builder>(int64(), std::numeric_limits<int64_t>::min()), "-9223372036854775808");
  EXPECT_EQ(one<UInt64Builder>(uint64(), std::numeric_limits<uint64_t>::max()), "18446744073709551615");
  EXPECT_EQ(one<Int8Builder>(int8(), int8_t{-128}), "-128");
  EXPECT_EQ(one<Float64Builder>(float64(), 0.1), "0.1");
  EXPECT_EQ(one<Float64Builder>(float64(), 1e300), "1e+300");
  EXPECT_EQ(one<Float64Builder>(float64(), -0.0), "-0");
  EXPECT_EQ(one<Float64Builder>(float64(), std::nan("")), "\"NaN\"");
  EXPECT_EQ(one<Float64Builder>(float64(), -INFINITY), "\"-Infinity\"");
  EXPECT_EQ(one<Float32Builder>(float32(), 0.1f), "0.1");
  EXPECT_EQ(one<Decimal128Builder>(decimal128(5, 2), Int128{-1250}), "\"-12.50\"");
  EXPECT_EQ(one<Decimal128Builder>(decimal128(5, 0), Int128{42}), "\"42\"");
  EXPECT_EQ(one<Int32Builder>(date32(), -1), "\"1969-12-31\"");
  EXPECT_EQ(one<Int64Builder>(timestamp(TimeUnit::kMicro, "UTC"), int64_t{-1}), "\"1969-12-31T23:59:59.999999Z\"");
  EXPECT_EQ(one<Int64Builder>(timestamp(TimeUnit::kNano), int64_t{1}), "\"1970-01-01T00:00:00.000000001\"");
  EXPECT_EQ(one<Int64Builder>(time64(TimeUnit::kMicro, true), int64_t{1000}), "\"00:00:00.001000Z\"");
  EXPECT_EQ(one<IntervalBuilder>(interval(), MonthDayNanos{1, 2, 3'000'000}), "{\"months\":1,\"days\":2,\"millis\":3}");
  EXPECT_EQ(one<BinaryBuilder>(binary(), std::string_view("\x00\xff", 2)), "\"AP8=\"");
  EXPECT_EQ(one<BinaryBuilder>(binary(), std::string_view("abc")), "\"YWJj\"");
  EXPECT_EQ(one<FixedSizeBinaryBuilder>(fixed_size_binary(16)->with_extension("uuid"),
                                        std::string_view("\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff", 16)),
            "\"00112233-4455-6677-8899-aabbccddeeff\"");
  EXPECT_EQ(one<BinaryBuilder>(string_type(), std::string_view("q\"\\\n\t\x01\xff")), "\"q\\\"\\\\\\n\\t\\u0001\xEF\xBF\xBD\"");
  EXPECT_EQ(one<BinaryBuilder>(string_type()->with_extension("json"), std::string_view("{\"a\":1}")), "\"{\\\"a\\\":1}\"");
}

TEST(ValueTextTest, PlainFlavour) {
  EXPECT_EQ(one<Int64Builder>(timestamp(TimeUnit::kMicro), int64_t{1735689600500000}, TextFlavor::kPlain), "2025-01-01 00:00:00.5");
  EXPECT_EQ(one<BinaryBuilder>(string_type(), std::string_view("a\"b"), TextFlavor::kPlain), "a\"b");
  EXPECT_EQ(one<Decimal128Builder>(decimal128(5, 2), Int128{5}, TextFlavor::kPlain), "0.05");
  EXPECT_EQ(one<Float64Builder>(float64(), std::nan(""), TextFlavor::kPlain), "NaN");
}

RecordBatchPtr sample_batch() {
  Int64Builder id(int64());
  BinaryBuilder name(string_type());
  id.append(1);
  name.append("plain");
  id.append(2);
  name.append("has, comma");
  id.append(3);
  name.append("");
  id.append_null();
  name.append_null();
  id.append(5);
  name.append(" lead \"quote\"\nnewline");
  auto s = schema({field("id", int64()), field("name", string_type())});
  return std::make_shared<const RecordBatch>(s, 5, std::vector<ColumnPtr>{*id.finish(), *name.finish()});
}

std::string render(RowOutputOptions options, const RecordBatch& batch) {
  StringOutputStream out;
  auto w = make_row_writer(batch.schema(), out, options);
  EXPECT_OK(w->write(batch));
  EXPECT_OK(w->finish());
  return out.take();
}

TEST(RowOutputTest, Jsonl) {
  RowOutputOptions o;
  o.format = RowFormat::kJsonl;
  EXPECT_EQ(render(o, *sample_batch()),
            "{\"id\":1,\"name\":\"plain\"}\n{\"id\":2,\"name\":\"has, comma\"}\n{\"id\":3,\"name\":\"\"}\n"
            "{\"id\":null,\"name\":null}\n{\"id\":5,\"name\":\" lead \\\"quote\\\"\\nnewline\"}\n");
}

TEST(RowOutputTest, CsvQuotesOnlyWhenNeeded) {
  RowOutputOptions o;
  o.format = RowFormat::kCsv;
  EXPECT_EQ(render(o, *sample_batch()),
            "id,name\n1,plain\n2,\"has, comma\"\n3,\"\"\n,\n5,\" lead \"\"quote\"\"\nnewline\"\n");
  o.header = false;
  o.delimiter = '\t';
  o.null_string = "\\N";
  EXPECT_EQ(render(o, *sample_batch()).substr(0, 10), "1\tplain\n2\t");
}

TEST(RowOutputTest, TableAlignsTruncatesAndCounts) {
  RowOutputOptions o;
  o.max_column_width = 8;
  o.max_rows = 3;
  std::string t = render(o, *sample_batch());
  EXPECT_THAT(t, HasSubstr("| id     | name     |"));
  EXPECT_THAT(t, HasSubstr("| bigint | string   |"));
  EXPECT_THAT(t, HasSubstr("|      1 | plain    |"));
  EXPECT_THAT(t, HasSubstr("has, co\xE2\x80\xA6"));
  EXPECT_THAT(t, HasSubstr("5 rows (3 shown)"));
  RowOutputOptions all;
  all.max_rows = -1;
  EXPECT_THAT(render(all, *sample_batch()), HasSubstr("| NULL"));
  EXPECT_THAT(render(all, *sample_batch()), HasSubstr("\n5 rows\n"));
}

TEST(RowOutputTest, EmptyResults) {
  auto s = schema({field("x", int32())});
  auto empty = RecordBatch::make_empty(s);
  RowOutputOptions o;
  EXPECT_THAT(render(o, **empty), HasSubstr("0 rows"));
  o.format = RowFormat::kCsv;
  EXPECT_EQ(render(o, **empty), "x\n");
  EXPECT_FALSE(parse_row_format("xml").ok());
}

}  // namespace
}  // namespace braid
