#include "columnar/value_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "columnar/column_builder.h"
#include "columnar/decimal.h"
#include "columnar/temporal.h"
#include "common/json_writer.h"
#include "support/status_matchers.h"

namespace braid {
namespace {

constexpr auto kJson = TextFlavor::kJson;
constexpr auto kPlain = TextFlavor::kPlain;

// The text of one value of a builder's type.
template <typename B, typename T>
std::string one(TypePtr type, T v, TextFlavor flavor = kJson) {
  B b(type);
  b.append(v);
  auto c = b.finish();
  EXPECT_OK(c);
  return value_text(**c, 0, flavor);
}

std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

std::string base64(std::string_view s) {
  std::string out;
  append_base64(out, s);
  return out;
}

// ---- integers

TEST(ValueTextTest, IntegersPrintAllDigits) {
  EXPECT_EQ(one<Int8Builder>(int8(), int8_t{-128}), "-128");
  EXPECT_EQ(one<Int8Builder>(int8(), int8_t{127}), "127");
  EXPECT_EQ(one<Int16Builder>(int16(), int16_t{-32768}), "-32768");
  EXPECT_EQ(one<Int32Builder>(int32(), std::numeric_limits<int32_t>::min()), "-2147483648");
  EXPECT_EQ(one<Int64Builder>(int64(), std::numeric_limits<int64_t>::min()), "-9223372036854775808");
  EXPECT_EQ(one<Int64Builder>(int64(), std::numeric_limits<int64_t>::max()), "9223372036854775807");
  EXPECT_EQ(one<Int64Builder>(int64(), int64_t{0}), "0");
  EXPECT_EQ(one<UInt8Builder>(uint8(), uint8_t{255}), "255");
  EXPECT_EQ(one<UInt16Builder>(uint16(), uint16_t{65535}), "65535");
  EXPECT_EQ(one<UInt32Builder>(uint32(), std::numeric_limits<uint32_t>::max()), "4294967295");
  EXPECT_EQ(one<UInt64Builder>(uint64(), std::numeric_limits<uint64_t>::max()), "18446744073709551615");
  // The plain flavour is the same.
  EXPECT_EQ(one<Int64Builder>(int64(), int64_t{-42}, kPlain), "-42");
  EXPECT_EQ(one<UInt64Builder>(uint64(), std::numeric_limits<uint64_t>::max(), kPlain), "18446744073709551615");
}

TEST(ValueTextTest, Booleans) {
  BooleanBuilder b;
  b.append(true);
  b.append(false);
  ASSERT_OK_AND_ASSIGN(auto c, b.finish());
  EXPECT_EQ(value_text(*c, 0, kJson), "true");
  EXPECT_EQ(value_text(*c, 1, kJson), "false");
  EXPECT_EQ(value_text(*c, 0, kPlain), "true");
}

// ---- floating point

TEST(ValueTextTest, DoublesShortestRoundTrip) {
  EXPECT_EQ(one<Float64Builder>(float64(), 0.1), "0.1");
  EXPECT_EQ(one<Float64Builder>(float64(), 1.0), "1");
  EXPECT_EQ(one<Float64Builder>(float64(), -2.5), "-2.5");
  EXPECT_EQ(one<Float64Builder>(float64(), 1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(one<Float64Builder>(float64(), 123456789.0), "123456789");
  EXPECT_EQ(one<Float64Builder>(float64(), 1e300), "1e+300");
  EXPECT_EQ(one<Float64Builder>(float64(), 5e-324), "5e-324");
  EXPECT_EQ(one<Float64Builder>(float64(), std::numeric_limits<double>::max()), "1.7976931348623157e+308");
  EXPECT_EQ(one<Float64Builder>(float64(), 0.0), "0");
  EXPECT_EQ(one<Float64Builder>(float64(), -0.0), "-0");
  // Whatever the text, it reads back to the same double.
  for (double v : {0.1, 1.0 / 3, 2.0 / 3, 1e-7, 123.456, 9007199254740993.0, 6.02214076e23}) {
    EXPECT_EQ(std::stod(one<Float64Builder>(float64(), v)), v);
  }
}

TEST(ValueTextTest, FloatsShortestRoundTripAsFloat) {
  EXPECT_EQ(one<Float32Builder>(float32(), 0.1f), "0.1");
  EXPECT_EQ(one<Float32Builder>(float32(), 1.0f / 3), "0.33333334");
  EXPECT_EQ(one<Float32Builder>(float32(), 16777216.0f), "16777216");
  EXPECT_EQ(one<Float32Builder>(float32(), std::numeric_limits<float>::max()), "3.4028235e+38");
  EXPECT_EQ(one<Float32Builder>(float32(), -0.0f), "-0");
  EXPECT_EQ(one<Float32Builder>(float32()->with_extension("float16"), 0.5f), "0.5");
}

TEST(ValueTextTest, NonFiniteFloats) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(one<Float64Builder>(float64(), nan), "\"NaN\"");
  EXPECT_EQ(one<Float64Builder>(float64(), -nan), "\"NaN\"");
  EXPECT_EQ(one<Float64Builder>(float64(), inf), "\"Infinity\"");
  EXPECT_EQ(one<Float64Builder>(float64(), -inf), "\"-Infinity\"");
  EXPECT_EQ(one<Float32Builder>(float32(), std::numeric_limits<float>::quiet_NaN()), "\"NaN\"");
  EXPECT_EQ(one<Float32Builder>(float32(), -std::numeric_limits<float>::infinity()), "\"-Infinity\"");
  EXPECT_EQ(one<Float64Builder>(float64(), nan, kPlain), "NaN");
  EXPECT_EQ(one<Float64Builder>(float64(), inf, kPlain), "Infinity");
  EXPECT_EQ(one<Float64Builder>(float64(), -inf, kPlain), "-Infinity");
}

// ---- decimals

TEST(ValueTextTest, DecimalsAreStringsWithExactScale) {
  EXPECT_EQ(one<Decimal128Builder>(decimal128(5, 2), Int128{-1250}), "\"-12.50\"");
  EXPECT_EQ(one<Decimal128Builder>(decimal128(5, 0), Int128{42}), "\"42\"");
  EXPECT_EQ(one<Decimal128Builder>(decimal128(5, 2), Int128{5}), "\"0.05\"");
  EXPECT_EQ(one<Decimal128Builder>(decimal128(5, 2), Int128{0}), "\"0.00\"");
  EXPECT_EQ(one<Decimal128Builder>(decimal128(5, 2), Int128{-5}), "\"-0.05\"");
  EXPECT_EQ(one<Decimal128Builder>(decimal128(38, 38), decimal::power_of_ten(38) - 1),
            "\"0." + std::string(38, '9') + "\"");
  EXPECT_EQ(one<Decimal128Builder>(decimal128(38, 0), -(decimal::power_of_ten(38) - 1)),
            "\"-" + std::string(38, '9') + "\"");
  EXPECT_EQ(one<Decimal128Builder>(decimal128(5, 2), Int128{5}, kPlain), "0.05");
  EXPECT_EQ(one<Decimal128Builder>(decimal128(5, 2), Int128{-1250}, kPlain), "-12.50");
}

// ---- dates, times, timestamps, intervals

TEST(ValueTextTest, Dates) {
  EXPECT_EQ(one<Int32Builder>(date32(), 0), "\"1970-01-01\"");
  EXPECT_EQ(one<Int32Builder>(date32(), -1), "\"1969-12-31\"");
  EXPECT_EQ(one<Int32Builder>(date32(), 19782), "\"2024-02-29\"");
  EXPECT_EQ(one<Int32Builder>(date32(), static_cast<int32_t>(temporal::days_from_civil(-44, 3, 15))),
            "\"-0044-03-15\"");
  EXPECT_EQ(one<Int32Builder>(date32(), static_cast<int32_t>(temporal::days_from_civil(1, 1, 1))),
            "\"0001-01-01\"");
  EXPECT_EQ(one<Int32Builder>(date32(), std::numeric_limits<int32_t>::max()), "\"5881580-07-11\"");
  EXPECT_EQ(one<Int32Builder>(date32(), 19782, kPlain), "2024-02-29");
}

TEST(ValueTextTest, TimestampsMicroAndNanoWithAndWithoutZ) {
  const int64_t t = 1706696430123456;  // 2024-01-31T10:20:30.123456
  EXPECT_EQ(one<Int64Builder>(timestamp(TimeUnit::kMicro), t), "\"2024-01-31T10:20:30.123456\"");
  EXPECT_EQ(one<Int64Builder>(timestamp(TimeUnit::kMicro, "UTC"), t), "\"2024-01-31T10:20:30.123456Z\"");
  EXPECT_EQ(one<Int64Builder>(timestamp(TimeUnit::kMicro, "Europe/Paris"), t), "\"2024-01-31T10:20:30.123456Z\"");
  EXPECT_EQ(one<Int64Builder>(timestamp(TimeUnit::kNano), t * 1000 + 789), "\"2024-01-31T10:20:30.123456789\"");
  EXPECT_EQ(one<Int64Builder>(timestamp(TimeUnit::kNano, "UTC"), t * 1000), "\"2024-01-31T10:20:30.123456000Z\"");
  EXPECT_EQ(one<Int64Builder>(timestamp(TimeUnit::kMicro), int64_t{0}), "\"1970-01-01T00:00:00.000000\"");
  EXPECT_EQ(one<Int64Builder>(timestamp(TimeUnit::kMicro, "UTC"), int64_t{-1}), "\"1969-12-31T23:59:59.999999Z\"");
  EXPECT_EQ(one<Int64Builder>(timestamp(TimeUnit::kNano), int64_t{1}), "\"1970-01-01T00:00:00.000000001\"");
  EXPECT_EQ(one<Int64Builder>(timestamp(TimeUnit::kNano), std::numeric_limits<int64_t>::min()),
            "\"1677-09-21T00:12:43.145224192\"");
  EXPECT_EQ(one<Int64Builder>(timestamp(TimeUnit::kMicro), std::numeric_limits<int64_t>::min()),
            "\"-290308-12-21T19:59:05.224192\"");
}

TEST(ValueTextTest, TimestampsPlain) {
  EXPECT_EQ(one<Int64Builder>(timestamp(TimeUnit::kMicro), int64_t{1735689600500000}, kPlain), "2025-01-01 00:00:00.5");
  EXPECT_EQ(one<Int64Builder>(timestamp(TimeUnit::kMicro), int64_t{1735689600000000}, kPlain), "2025-01-01 00:00:00");
  EXPECT_EQ(one<Int64Builder>(timestamp(TimeUnit::kNano), int64_t{1735689600000000001}, kPlain),
            "2025-01-01 00:00:00.000000001");
  EXPECT_EQ(one<Int64Builder>(timestamp(TimeUnit::kMicro, "UTC"), int64_t{-1}, kPlain), "1969-12-31 23:59:59.999999Z");
}

TEST(ValueTextTest, Times) {
  EXPECT_EQ(one<Int64Builder>(time64(TimeUnit::kMicro), int64_t{45296789012}), "\"12:34:56.789012\"");
  EXPECT_EQ(one<Int64Builder>(time64(TimeUnit::kNano), int64_t{45296789012345}), "\"12:34:56.789012345\"");
  EXPECT_EQ(one<Int64Builder>(time64(TimeUnit::kMicro, true), int64_t{1000}), "\"00:00:00.001000Z\"");
  EXPECT_EQ(one<Int64Builder>(time64(TimeUnit::kNano, true), int64_t{0}), "\"00:00:00.000000000Z\"");
  EXPECT_EQ(one<Int64Builder>(time64(TimeUnit::kMicro), int64_t{45296000000}, kPlain), "12:34:56");
  EXPECT_EQ(one<Int64Builder>(time64(TimeUnit::kMicro), int64_t{45296250000}, kPlain), "12:34:56.25");
}

TEST(ValueTextTest, Intervals) {
  EXPECT_EQ(one<IntervalBuilder>(interval(), MonthDayNanos{1, 2, 3'000'000}), "{\"months\":1,\"days\":2,\"millis\":3}");
  EXPECT_EQ(one<IntervalBuilder>(interval(), MonthDayNanos{0, 0, 0}), "{\"months\":0,\"days\":0,\"millis\":0}");
  EXPECT_EQ(one<IntervalBuilder>(interval(), MonthDayNanos{14, 30, 86'400'000'999'999}),
            "{\"months\":14,\"days\":30,\"millis\":86400000}");  // sub-millisecond parts drop
  EXPECT_EQ(one<IntervalBuilder>(interval(), MonthDayNanos{1, 2, 3'000'000}, kPlain),
            "{\"months\":1,\"days\":2,\"millis\":3}");
}

// ---- binary, uuid, strings

TEST(ValueTextTest, BinaryIsBase64) {
  EXPECT_EQ(one<BinaryBuilder>(binary(), std::string_view("")), "\"\"");
  EXPECT_EQ(one<BinaryBuilder>(binary(), std::string_view("f")), "\"Zg==\"");
  EXPECT_EQ(one<BinaryBuilder>(binary(), std::string_view("fo")), "\"Zm8=\"");
  EXPECT_EQ(one<BinaryBuilder>(binary(), std::string_view("foo")), "\"Zm9v\"");
  EXPECT_EQ(one<BinaryBuilder>(binary(), std::string_view("foobar")), "\"Zm9vYmFy\"");
  EXPECT_EQ(one<BinaryBuilder>(binary(), std::string_view("\x00\xff", 2)), "\"AP8=\"");
  EXPECT_EQ(one<BinaryBuilder>(binary(), std::string_view("\xfb\xff\xbf", 3)), "\"+/+/\"");
  EXPECT_EQ(one<BinaryBuilder>(binary()->with_extension("geometry"), std::string_view("abc")), "\"YWJj\"");
  EXPECT_EQ(one<BinaryBuilder>(binary()->with_extension("bson"), std::string_view("abc")), "\"YWJj\"");
  EXPECT_EQ(one<FixedSizeBinaryBuilder>(fixed_size_binary(3), std::string_view("abc")), "\"YWJj\"");
  EXPECT_EQ(one<BinaryBuilder>(binary(), std::string_view("abc"), kPlain), "YWJj");
  EXPECT_EQ(base64(std::string(1000, '\0')).size(), 1336u);
}

TEST(ValueTextTest, Uuids) {
  const std::string_view bytes("\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff", 16);
  EXPECT_EQ(one<FixedSizeBinaryBuilder>(fixed_size_binary(16)->with_extension("uuid"), bytes),
            "\"00112233-4455-6677-8899-aabbccddeeff\"");
  EXPECT_EQ(one<FixedSizeBinaryBuilder>(fixed_size_binary(16)->with_extension("uuid"), bytes, kPlain),
            "00112233-4455-6677-8899-aabbccddeeff");
  // Without the extension the same bytes are base64.
  EXPECT_EQ(one<FixedSizeBinaryBuilder>(fixed_size_binary(16), bytes), "\"ABEiM0RVZneImaq7zN3u/w==\"");
}

TEST(ValueTextTest, StringsAreJsonEscaped) {
  EXPECT_EQ(one<BinaryBuilder>(string_type(), std::string_view("plain")), "\"plain\"");
  EXPECT_EQ(one<BinaryBuilder>(string_type(), std::string_view("")), "\"\"");
  EXPECT_EQ(one<BinaryBuilder>(string_type(), std::string_view("q\"\\/")), "\"q\\\"\\\\/\"");
  EXPECT_EQ(one<BinaryBuilder>(string_type(), std::string_view("\n\r\t\b\f")), "\"\\n\\r\\t\\b\\f\"");
  EXPECT_EQ(one<BinaryBuilder>(string_type(), std::string_view("\x01\x1f\x7f", 3)), "\"\\u0001\\u001f\x7f\"");
  EXPECT_EQ(one<BinaryBuilder>(string_type(), std::string_view("nul\0here", 8)), "\"nul\\u0000here\"");
  EXPECT_EQ(one<BinaryBuilder>(string_type(), std::string_view("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80")),
            "\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"");
  EXPECT_EQ(one<BinaryBuilder>(string_type()->with_extension("json"), std::string_view("{\"a\":1}")),
            "\"{\\\"a\\\":1}\"");
  EXPECT_EQ(one<BinaryBuilder>(string_type()->with_extension("enum"), std::string_view("RED")), "\"RED\"");
}

TEST(ValueTextTest, InvalidUtf8BecomesReplacementCharacters) {
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(json_string("\xff"), "\"" + r + "\"");
  EXPECT_EQ(json_string("a\x80z"), "\"a" + r + "z\"");
  EXPECT_EQ(json_string("\xC0\xAF"), "\"" + r + r + "\"");        // overlong: one per byte
  EXPECT_EQ(json_string("\xED\xA0\x80"), "\"" + r + r + r + "\"");  // surrogate
  EXPECT_EQ(json_string("\xF4\x90\x80\x80"), "\"" + r + r + r + r + "\"");  // > U+10FFFF
  EXPECT_EQ(json_string("\xE2\x82"), "\"" + r + r + "\"");        // truncated at the end
  EXPECT_EQ(json_string("\xE2\x82z"), "\"" + r + r + "z\"");      // truncated in the middle
  EXPECT_EQ(json_string("\xC3\xA9\xFF\xC3\xA9"), "\"\xC3\xA9" + r + "\xC3\xA9\"");
  EXPECT_EQ(one<BinaryBuilder>(string_type(), std::string_view("q\"\\\n\t\x01\xff")),
            "\"q\\\"\\\\\\n\\t\\u0001" + r + "\"");
  // The plain flavour leaves bytes alone.
  EXPECT_EQ(one<BinaryBuilder>(string_type(), std::string_view("a\"b\xff"), kPlain), "a\"b\xff");
}

// ---- nulls and nested values

TEST(ValueTextTest, NullsOfEveryType) {
  for (const auto& t : {null_type(), boolean(), int32(), float64(), decimal128(5, 2), string_type(),
                        binary(), date32(), timestamp(TimeUnit::kMicro, "UTC"), interval(),
                        list(int32()), map(string_type(), int32()), struct_({field("a", int32())})}) {
    ASSERT_OK_AND_ASSIGN(auto c, Column::make_null(t, 1));
    EXPECT_EQ(value_text(*c, 0, kJson), "null") << t->to_string();
    EXPECT_EQ(value_text(*c, 0, kPlain), "") << t->to_string();
  }
}

ColumnPtr nested_column() {
  // struct<id: int, tags: array<string>, attrs: map<string, double>, inner: struct<x: date>>
  auto type = struct_({field("id", int32()), field("tags", list(string_type())),
                       field("attrs", map(string_type(), float64())),
                       field("in\"ner", struct_({field("x", date32())}))});
  auto b = make_builder(type);
  auto* s = static_cast<StructBuilder*>(b.get());
  auto* id = static_cast<Int32Builder*>(s->field_builder(0));
  auto* tags = static_cast<ListBuilder*>(s->field_builder(1));
  auto* tag = static_cast<BinaryBuilder*>(tags->values());
  auto* attrs = static_cast<ListBuilder*>(s->field_builder(2));
  auto* entries = static_cast<StructBuilder*>(attrs->values());
  auto* inner = static_cast<StructBuilder*>(s->field_builder(3));
  auto* x = static_cast<Int32Builder*>(inner->field_builder(0));
  // row 0: everything present
  s->append();
  id->append(1);
  tags->append();
  tag->append("a");
  tag->append_null();
  tag->append("say \"hi\"");
  attrs->append();
  entries->append();
  static_cast<BinaryBuilder*>(attrs->map_keys())->append("w");
  static_cast<Float64Builder*>(attrs->map_items())->append(0.5);
  entries->append();
  static_cast<BinaryBuilder*>(attrs->map_keys())->append("nan");
  static_cast<Float64Builder*>(attrs->map_items())->append(std::nan(""));
  inner->append();
  x->append(-1);
  // row 1: null struct
  s->append_null();
  // row 2: nulls and empties inside
  s->append();
  id->append_null();
  tags->append();
  attrs->append_null();
  inner->append_null();
  auto c = b->finish();
  EXPECT_OK(c);
  return *c;
}

TEST(ValueTextTest, NestedValues) {
  auto c = nested_column();
  EXPECT_EQ(value_text(*c, 0, kJson),
            "{\"id\":1,\"tags\":[\"a\",null,\"say \\\"hi\\\"\"],"
            "\"attrs\":[{\"key\":\"w\",\"value\":0.5},{\"key\":\"nan\",\"value\":\"NaN\"}],"
            "\"in\\\"ner\":{\"x\":\"1969-12-31\"}}");
  EXPECT_EQ(value_text(*c, 1, kJson), "null");
  EXPECT_EQ(value_text(*c, 2, kJson), "{\"id\":null,\"tags\":[],\"attrs\":null,\"in\\\"ner\":null}");
  // Nested values use the json flavour in plain text too.
  EXPECT_EQ(value_text(*c, 2, kPlain), "{\"id\":null,\"tags\":[],\"attrs\":null,\"in\\\"ner\":null}");
  EXPECT_EQ(value_text(*c->struct_field(1), 0, kPlain), "[\"a\",null,\"say \\\"hi\\\"\"]");
}

TEST(ValueTextTest, NestedValuesOfSlices) {
  auto c = nested_column();
  auto s = c->slice(1, 2);
  EXPECT_EQ(value_text(*s, 0, kJson), "null");
  EXPECT_EQ(value_text(*s, 1, kJson), "{\"id\":null,\"tags\":[],\"attrs\":null,\"in\\\"ner\":null}");
  auto first = c->slice(0, 1);
  EXPECT_EQ(value_text(*first->struct_field(2), 0, kJson),
            "[{\"key\":\"w\",\"value\":0.5},{\"key\":\"nan\",\"value\":\"NaN\"}]");
}

TEST(ValueTextTest, AppendValueTextAppends) {
  Int32Builder b(int32());
  b.append(5);
  b.append_null();
  ASSERT_OK_AND_ASSIGN(auto c, b.finish());
  std::string out = "x=";
  append_value_text(out, *c, 0, kJson);
  out += ",y=";
  append_value_text(out, *c, 1, kJson);
  out += ",z=";
  append_value_text(out, *c, 1, kPlain);
  EXPECT_EQ(out, "x=5,y=null,z=");
}

}  // namespace
}  // namespace braid
