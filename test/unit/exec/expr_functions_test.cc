// Expressions: CAST, string and pattern functions, date and time functions, math and hashes,
// checked against Spark's documented examples.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "columnar/column_builder.h"
#include "exec/expr/expression.h"
#include "support/status_matchers.h"
#include "unit/exec/expr_fixtures.h"

namespace braid::exec {
namespace {

using ::braid::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using namespace ::braid::exec::expr_fixtures;

ExprPtr TS(const std::string& v) { return lit(timestamp(TimeUnit::kMicro, "UTC"), v); }
ExprPtr DT(const std::string& v) { return lit(date32(), v); }
ExprPtr cast(ExprPtr e, TypePtr to, bool try_cast = false) {
  auto r = make_cast(std::move(e), std::move(to), try_cast);
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  return *r;
}

// ---- CAST

TEST(ExprCastTest, NumericToIntegralTruncatesAndChecksRange) {
  EXPECT_EQ(eval(cast(Dec("-1.9", 2, 1), int32())), "-1");
  EXPECT_EQ(eval(cast(D("1.9"), int32())), "1");
  EXPECT_EQ(eval(cast(D("-1.9"), int64())), "-1");
  EXPECT_EQ(eval(cast(L(300), int16())), "300");
  EXPECT_THAT(eval(cast(L(300), int8())),
              HasSubstr("[CAST_OVERFLOW] The value 300L of the type \"BIGINT\" cannot be cast to \"TINYINT\" due to an overflow"));
  EXPECT_THAT(eval(cast(D("1e10"), int32())), HasSubstr("[CAST_OVERFLOW] The value 1.0E10D"));
  EXPECT_THAT(eval(cast(D("NaN"), int32())), HasSubstr("[CAST_OVERFLOW]"));
  EXPECT_EQ(eval(cast(D("1e10"), int32(), true)), "NULL");
  EXPECT_EQ(eval(cast(B(true), int32())), "1");
  EXPECT_EQ(eval(cast(I(0), boolean())), "false");
  EXPECT_EQ(eval(cast(D("2.5"), boolean())), "true");
}

TEST(ExprCastTest, Decimals) {
  EXPECT_EQ(eval(cast(Dec("1.235", 4, 3), decimal128(4, 2))), "1.24");
  EXPECT_EQ(eval(cast(Dec("-1.235", 4, 3), decimal128(4, 2))), "-1.24");
  EXPECT_EQ(eval(cast(I(12), decimal128(4, 2))), "12.00");
  EXPECT_THAT(eval(cast(I(123), decimal128(4, 2))), HasSubstr("[NUMERIC_VALUE_OUT_OF_RANGE]"));
  EXPECT_EQ(eval(cast(I(123), decimal128(4, 2), true)), "NULL");
  EXPECT_EQ(eval(cast(D("0.1"), decimal128(10, 5))), "0.10000");
  EXPECT_EQ(eval(cast(Dec("12.345", 5, 3), float64())), "12.345");
  EXPECT_EQ(eval(cast(S(" 12.5 "), decimal128(5, 2))), "12.50");
}

TEST(ExprCastTest, StringToNumbersAndBooleans) {
  EXPECT_EQ(eval(cast(S(" 42 "), int32())), "42");
  EXPECT_EQ(eval(cast(S("+7"), int64())), "7");
  EXPECT_EQ(eval(cast(S("-2147483648"), int32())), "-2147483648");
  EXPECT_THAT(eval(cast(S("abc"), int32())),
              HasSubstr("[CAST_INVALID_INPUT] The value 'abc' of the type \"STRING\" cannot be cast to \"INT\" because it is malformed"));
  EXPECT_THAT(eval(cast(S("1.5"), int32())), HasSubstr("[CAST_INVALID_INPUT]"));
  EXPECT_THAT(eval(cast(S("2147483648"), int32())), HasSubstr("[CAST_INVALID_INPUT]"));
  EXPECT_EQ(eval(cast(S("abc"), int32(), true)), "NULL");
  EXPECT_EQ(eval(cast(S("1.5e3"), float64())), "1500.0");
  EXPECT_EQ(eval(cast(S("-Infinity"), float64())), "-Infinity");
  EXPECT_EQ(eval(cast(S("nan"), float64())), "NaN");
  EXPECT_EQ(eval(cast(S("Yes"), boolean())), "true");
  EXPECT_EQ(eval(cast(S(" f "), boolean())), "false");
  EXPECT_THAT(eval(cast(S("maybe"), boolean())), HasSubstr("[CAST_INVALID_INPUT]"));
}

TEST(ExprCastTest, NumbersToStringLikeJava) {
  EXPECT_EQ(eval(cast(D("1.0"), string_type())), "1.0");
  EXPECT_EQ(eval(cast(D("0.1"), string_type())), "0.1");
  EXPECT_EQ(eval(cast(D("1e10"), string_type())), "1.0E10");
  EXPECT_EQ(eval(cast(D("1e7"), string_type())), "1.0E7");
  EXPECT_EQ(eval(cast(D("1234567.5"), string_type())), "1234567.5");
  EXPECT_EQ(eval(cast(D("0.001"), string_type())), "0.001");
  EXPECT_EQ(eval(cast(D("0.0001"), string_type())), "1.0E-4");
  EXPECT_EQ(eval(cast(D("-1.5e-10"), string_type())), "-1.5E-10");
  EXPECT_EQ(eval(cast(D("-0.0"), string_type())), "-0.0");
  EXPECT_EQ(eval(cast(D("Infinity"), string_type())), "Infinity");
  EXPECT_EQ(eval(cast(lit(float32(), "0.1"), string_type())), "0.1");
  EXPECT_EQ(eval(cast(Dec("1.50", 3, 2), string_type())), "1.50");
  EXPECT_EQ(eval(cast(L(-5), string_type())), "-5");
  EXPECT_EQ(eval(cast(B(true), string_type())), "true");
}

TEST(ExprCastTest, DatesAndTimestamps) {
  EXPECT_EQ(eval(cast(S("2020-1-5"), date32())), "2020-01-05");
  EXPECT_EQ(eval(cast(S("2020-01-05 10:00:00"), date32())), "2020-01-05");
  EXPECT_EQ(eval(cast(S("2020"), date32())), "2020-01-01");
  EXPECT_THAT(eval(cast(S("2020-02-30"), date32())), HasSubstr("[CAST_INVALID_INPUT]"));
  EXPECT_EQ(eval(cast(S("2020-01-05 10:00:00.5"), timestamp(TimeUnit::kMicro, "UTC"))), "2020-01-05 10:00:00.5");
  EXPECT_EQ(eval(cast(S("2020-01-05T10:00:00.123456Z"), timestamp(TimeUnit::kMicro, "UTC"))), "2020-01-05 10:00:00.123456");
  EXPECT_EQ(eval(cast(S("2020-01-05 10:00:00+02:00"), timestamp(TimeUnit::kMicro, "UTC"))), "2020-01-05 08:00:00");
  EXPECT_EQ(eval(cast(S("2020-01-05"), timestamp(TimeUnit::kMicro, "UTC"))), "2020-01-05 00:00:00");
  EXPECT_EQ(eval(cast(TS("2020-01-05 23:59:59"), date32())), "2020-01-05");
  EXPECT_EQ(eval(cast(DT("2020-01-05"), timestamp(TimeUnit::kMicro, ""))), "2020-01-05 00:00:00");
  EXPECT_EQ(eval(cast(TS("2020-01-05 10:00:00"), int64())), "1578218400");
  EXPECT_EQ(eval(cast(L(0), timestamp(TimeUnit::kMicro, "UTC"))), "1970-01-01 00:00:00");
  EXPECT_EQ(eval(cast(TS("1969-12-31 23:59:59.999999"), date32())), "1969-12-31");
}

TEST(ExprCastTest, SessionTimeZone) {
  EvalContext ctx;
  ctx.session_time_zone = "+02:00";
  auto e = cast(S("2020-01-05 10:00:00"), timestamp(TimeUnit::kMicro, "UTC"));
  ASSERT_OK_AND_ASSIGN(auto v, evaluate_constant(e, ctx));
  EXPECT_EQ(v->value<int64_t>(0), 1578211200LL * 1000000);  // 08:00 UTC
  auto back = cast(e, string_type());
  ASSERT_OK_AND_ASSIGN(auto s, evaluate_constant(back, ctx));
  EXPECT_EQ(s->string_value(0), "2020-01-05 10:00:00");
  ctx.session_time_zone = "Europe/Paris";
  EXPECT_THAT(evaluate_constant(e, ctx), StatusIs(StatusCode::kNotImplemented, HasSubstr("Europe/Paris")));
}

TEST(ExprCastTest, NamesAndUnsupported) {
  Table t;
  t.add("x", int32(), {"1"});
  EXPECT_EQ(cast(t.ref("x"), int64())->to_string(), "CAST(x AS BIGINT)");
  EXPECT_EQ(cast(t.ref("x"), decimal128(10, 2), true)->to_string(), "TRY_CAST(x AS DECIMAL(10,2))");
  EXPECT_THAT(make_cast(DT("2020-01-01"), int32(), false), StatusIs(kInvalid, HasSubstr("cannot cast")));
}

TEST(ExprCastTest, ErrorsOnlyOnSelectedRows) {
  Table t;
  t.add("s", string_type(), {"1", "x", "3"});
  auto e = cast(t.ref("s"), int32());
  EXPECT_THAT(run(e, t), StatusIs(kInvalid, HasSubstr("'x'")));
  std::vector<int32_t> sel{0, 2};
  ASSERT_OK_AND_ASSIGN(auto out, run(e, t, &sel));
  EXPECT_EQ(out[0], "1");
  EXPECT_EQ(out[2], "3");
  EXPECT_THAT(rows(cast(t.ref("s"), int32(), true), t), ElementsAre("1", "NULL", "3"));
}

// ---- strings

TEST(ExprStringTest, CaseAndTrim) {
  EXPECT_EQ(eval("upper", {S("Spark sql")}), "SPARK SQL");
  EXPECT_EQ(eval("lower", {S("SparkSQL")}), "sparksql");
  EXPECT_EQ(eval("upper", {S("straße é")}), "STRASSE É");
  EXPECT_EQ(eval("lower", {S("ÀÉÎ ΣΑΣ ДОМ")}), "àéî σασ дом");
  EXPECT_EQ(eval("initcap", {S("sPark sql")}), "Spark Sql");
  EXPECT_EQ(eval("trim", {S("  a b  ")}), "a b");
  EXPECT_EQ(eval("ltrim", {S("  a b  ")}), "a b  ");
  EXPECT_EQ(eval("rtrim", {S("  a b  ")}), "  a b");
  EXPECT_EQ(eval("trim", {S("\ta\t")}), "\ta\t");
  EXPECT_EQ(eval("trim", {S("xxaxx"), S("x")}), "a");
  EXPECT_THAT(make_call("upper", {I(1)}), StatusIs(kInvalid, HasSubstr("function 'upper' does not accept (int)")));
  EXPECT_EQ(eval("upper", {N(string_type())}), "NULL");
}

TEST(ExprStringTest, Substring) {
  EXPECT_EQ(eval("substring", {S("Spark SQL"), I(0), I(5)}), "Spark");
  EXPECT_EQ(eval("substring", {S("Spark SQL"), I(1), I(5)}), "Spark");
  EXPECT_EQ(eval("substring", {S("Spark SQL"), I(5)}), "k SQL");
  EXPECT_EQ(eval("substring", {S("Spark SQL"), I(-3)}), "SQL");
  EXPECT_EQ(eval("substring", {S("Spark SQL"), I(5), I(1)}), "k");
  EXPECT_EQ(eval("substring", {S("Spark SQL"), I(-100), I(3)}), "");
  EXPECT_EQ(eval("substring", {S("Spark SQL"), I(20)}), "");
  EXPECT_EQ(eval("substr", {S("héllo wörld"), I(2), I(4)}), "éllo");
  EXPECT_EQ(eval("substring", {S("abc"), I(2), I(-1)}), "");
  EXPECT_EQ(eval("left", {S("Spark SQL"), I(3)}), "Spa");
  EXPECT_EQ(eval("right", {S("Spark SQL"), I(3)}), "SQL");
  EXPECT_EQ(eval("right", {S("ab"), I(5)}), "ab");
  EXPECT_EQ(eval("left", {S("ab"), I(-1)}), "");
}

TEST(ExprStringTest, ConcatAndLength) {
  EXPECT_EQ(eval("concat", {S("Spark"), S("SQL")}), "SparkSQL");
  EXPECT_EQ(eval("concat", {S("a"), N(string_type())}), "NULL");
  EXPECT_EQ(eval("concat", {S("a"), I(1), D("2.5")}), "a12.5");
  EXPECT_EQ(eval("||", {S("a"), S("b")}), "ab");
  EXPECT_EQ(eval("concat_ws", {S(" "), S("Spark"), S("SQL")}), "Spark SQL");
  EXPECT_EQ(eval("concat_ws", {S(","), S("a"), N(string_type()), S("b")}), "a,b");
  EXPECT_EQ(eval("concat_ws", {N(string_type()), S("a")}), "NULL");
  EXPECT_EQ(eval("length", {S("Spark SQL ")}), "10");
  EXPECT_EQ(eval("char_length", {S("héllo")}), "5");
  EXPECT_EQ(eval("octet_length", {S("héllo")}), "6");
  Table t;
  t.add("a", string_type(), {"x", std::nullopt, "yz"});
  t.add("b", string_type(), {"1", "2", std::nullopt});
  EXPECT_THAT(rows(call("concat", {t.ref("a"), S("-"), t.ref("b")}), t), ElementsAre("x-1", "NULL", "NULL"));
  EXPECT_THAT(rows(call("length", {t.ref("a")}), t), ElementsAre("1", "NULL", "2"));
  EXPECT_EQ(call("upper", {t.ref("a")})->to_string(), "upper(a)");
}

TEST(ExprStringTest, SearchReplaceSplitPad) {
  EXPECT_EQ(eval("replace", {S("ABCabc"), S("abc"), S("DEF")}), "ABCDEF");
  EXPECT_EQ(eval("replace", {S("aaa"), S("a")}), "");
  EXPECT_EQ(eval("replace", {S("abc"), S("")}), "abc");
  EXPECT_EQ(eval("split_part", {S("11.12.13"), S("."), I(3)}), "13");
  EXPECT_EQ(eval("split_part", {S("11.12.13"), S("."), I(-1)}), "13");
  EXPECT_EQ(eval("split_part", {S("11.12.13"), S("."), I(5)}), "");
  EXPECT_EQ(eval("split_part", {S("11.12.13"), S(""), I(1)}), "11.12.13");
  EXPECT_THAT(eval("split_part", {S("a"), S("."), I(0)}), HasSubstr("[INVALID_INDEX_OF_ZERO]"));
  EXPECT_EQ(eval("lpad", {S("hi"), I(5), S("??")}), "???hi");
  EXPECT_EQ(eval("lpad", {S("hi"), I(1), S("??")}), "h");
  EXPECT_EQ(eval("rpad", {S("hi"), I(5), S("??")}), "hi???");
  EXPECT_EQ(eval("lpad", {S("hi"), I(4)}), "  hi");
  EXPECT_EQ(eval("instr", {S("SparkSQL"), S("SQL")}), "6");
  EXPECT_EQ(eval("instr", {S("SparkSQL"), S("x")}), "0");
  EXPECT_EQ(eval("locate", {S("bar"), S("foobarbar")}), "4");
  EXPECT_EQ(eval("locate", {S("bar"), S("foobarbar"), I(5)}), "7");
  EXPECT_EQ(eval("reverse", {S("Spark SQL")}), "LQS krapS");
  EXPECT_EQ(eval("reverse", {S("añb")}), "bña");
  EXPECT_EQ(eval("repeat", {S("ab"), I(3)}), "ababab");
  EXPECT_EQ(eval("starts_with", {S("Spark SQL"), S("Spark")}), "true");
  EXPECT_EQ(eval("endswith", {S("Spark SQL"), S("Spark")}), "false");
  EXPECT_EQ(eval("contains", {S("Spark SQL"), S("k S")}), "true");
  EXPECT_EQ(eval("ascii", {S("2")}), "50");
  EXPECT_EQ(eval("chr", {I(65)}), "A");
}

// ---- patterns

TEST(ExprPatternTest, Like) {
  EXPECT_EQ(eval("like", {S("Spark"), S("_park")}), "true");
  EXPECT_EQ(eval("like", {S("Spark"), S("Sp%")}), "true");
  EXPECT_EQ(eval("like", {S("Spark"), S("%rk")}), "true");
  EXPECT_EQ(eval("like", {S("Spark"), S("%ar%")}), "true");
  EXPECT_EQ(eval("like", {S("Spark"), S("spark")}), "false");
  EXPECT_EQ(eval("like", {S("Spark"), S("S%a_k")}), "true");
  EXPECT_EQ(eval("like", {S("a\nb"), S("a%b")}), "true");
  EXPECT_EQ(eval("like", {S("%SystemDrive%\\Users\\John"), S("\\%SystemDrive\\%\\\\Users%")}), "true");
  EXPECT_EQ(eval("like", {S("10%"), S("10|%"), S("|")}), "true");
  EXPECT_EQ(eval("like", {S("100"), S("10|%"), S("|")}), "false");
  EXPECT_EQ(eval("like", {S("a.c"), S("a.c")}), "true");
  EXPECT_EQ(eval("like", {S("abc"), S("a.c")}), "false");
  EXPECT_EQ(eval("like", {N(string_type()), S("a")}), "NULL");
  EXPECT_THAT(make_call("like", {S("a"), S("a\\b")}), StatusIs(kInvalid, HasSubstr("escape character")));
  EXPECT_EQ(eval("ilike", {S("Spark"), S("_PARK")}), "true");
  EXPECT_EQ(eval("ilike", {S("ÉCOLE"), S("éc%")}), "true");
  Table t;
  t.add("s", string_type(), {"abc", "xbc", std::nullopt, "ab"});
  t.add("p", string_type(), {"a%", "a%", "a%", "_b"});
  EXPECT_THAT(rows(call("like", {t.ref("s"), t.ref("p")}), t), ElementsAre("true", "false", "NULL", "true"));
  EXPECT_EQ(call("like", {t.ref("s"), S("a%")})->to_string(), "s LIKE a%");
}

TEST(ExprPatternTest, RegularExpressions) {
  EXPECT_EQ(eval("rlike", {S("Spark SQL"), S("k S")}), "true");
  EXPECT_EQ(eval("rlike", {S("Spark SQL"), S("^S.*L$")}), "true");
  EXPECT_EQ(eval("rlike", {S("Spark SQL"), S("^SQL")}), "false");
  EXPECT_THAT(make_call("rlike", {S("a"), S("(")}), StatusIs(kInvalid, HasSubstr("[INVALID_PARAMETER_VALUE.PATTERN]")));
  EXPECT_EQ(eval("regexp_replace", {S("100-200"), S("(\\d+)"), S("num")}), "num-num");
  EXPECT_EQ(eval("regexp_replace", {S("100-200"), S("(\\d+)-(\\d+)"), S("$2:$1")}), "200:100");
  EXPECT_EQ(eval("regexp_replace", {S("a.b"), S("\\."), S("\\$")}), "a$b");
  EXPECT_EQ(eval("regexp_replace", {S("aaa"), S("a"), S("b"), I(2)}), "abb");
  EXPECT_EQ(eval("regexp_extract", {S("100-200"), S("(\\d+)-(\\d+)"), I(1)}), "100");
  EXPECT_EQ(eval("regexp_extract", {S("100-200"), S("(\\d+)-(\\d+)"), I(2)}), "200");
  EXPECT_EQ(eval("regexp_extract", {S("100-200"), S("(\\d+)-(\\d+)"), I(0)}), "100-200");
  EXPECT_EQ(eval("regexp_extract", {S("foo"), S("(\\d+)")}), "");
  EXPECT_THAT(eval("regexp_extract", {S("1"), S("(\\d)"), I(3)}), HasSubstr("REGEX_GROUP_INDEX"));
}

// ---- date and time

TEST(ExprDateTest, CurrentDateAndTimestamp) {
  EvalContext ctx;
  ctx.now_micros = 1700000000LL * 1000000 + 5;
  ASSERT_OK_AND_ASSIGN(auto ts, evaluate_constant(call("current_timestamp", {}), ctx));
  EXPECT_EQ(ts->value<int64_t>(0), ctx.now_micros);
  ASSERT_OK_AND_ASSIGN(auto d, evaluate_constant(call("current_date", {}), ctx));
  EXPECT_EQ(texts(d)[0], "2023-11-14");
  ctx.session_time_zone = "+10:00";
  ASSERT_OK_AND_ASSIGN(auto d2, evaluate_constant(call("current_date", {}), ctx));
  EXPECT_EQ(texts(d2)[0], "2023-11-15");
}

TEST(ExprDateTest, Arithmetic) {
  EXPECT_EQ(eval("datediff", {S("2009-07-31"), S("2009-07-30")}), "1");
  EXPECT_EQ(eval("datediff", {S("2009-07-30"), S("2009-07-31")}), "-1");
  EXPECT_EQ(eval("date_add", {S("2016-07-30"), I(1)}), "2016-07-31");
  EXPECT_EQ(eval("date_sub", {S("2016-07-30"), I(1)}), "2016-07-29");
  EXPECT_EQ(eval("date_add", {TS("2016-07-30 23:00:00"), I(1)}), "2016-07-31");
  EXPECT_EQ(eval("add_months", {S("2016-08-31"), I(1)}), "2016-09-30");
  EXPECT_EQ(eval("add_months", {S("2016-01-31"), I(-2)}), "2015-11-30");
  EXPECT_EQ(eval("last_day", {S("2009-01-12")}), "2009-01-31");
  EXPECT_EQ(eval("make_date", {I(2013), I(7), I(15)}), "2013-07-15");
  EXPECT_THAT(eval("make_date", {I(2013), I(13), I(15)}), HasSubstr("DATETIME_FIELD_OUT_OF_BOUNDS"));
  EXPECT_THAT(eval("datediff", {S("nope"), S("2009-07-30")}), HasSubstr("[CAST_INVALID_INPUT]"));
}

TEST(ExprDateTest, Fields) {
  EXPECT_EQ(eval("year", {S("2016-07-30")}), "2016");
  EXPECT_EQ(eval("month", {S("2016-07-30")}), "7");
  EXPECT_EQ(eval("day", {S("2016-07-30")}), "30");
  EXPECT_EQ(eval("dayofmonth", {DT("2016-07-30")}), "30");
  EXPECT_EQ(eval("quarter", {S("2016-08-31")}), "3");
  EXPECT_EQ(eval("dayofweek", {S("2009-07-30")}), "5");
  EXPECT_EQ(eval("weekday", {S("2009-07-30")}), "3");
  EXPECT_EQ(eval("dayofyear", {S("2016-04-09")}), "100");
  EXPECT_EQ(eval("weekofyear", {S("2008-02-20")}), "8");
  EXPECT_EQ(eval("hour", {TS("2009-07-30 12:58:59")}), "12");
  EXPECT_EQ(eval("minute", {S("2009-07-30 12:58:59")}), "58");
  EXPECT_EQ(eval("second", {S("2009-07-30 12:58:59")}), "59");
  EXPECT_EQ(eval("extract", {S("YEAR"), TS("2019-08-12 01:00:00.123456")}), "2019");
  EXPECT_EQ(eval("extract", {S("seconds"), TS("2019-10-01 00:00:01.000001")}), "1.000001");
  EXPECT_EQ(call("extract", {S("SECOND"), TS("2019-10-01 00:00:01")})->type()->to_string(), "decimal(8,6)");
  EXPECT_EQ(eval("extract", {S("doy"), DT("2019-12-31")}), "365");
  EXPECT_THAT(make_call("extract", {S("fortnight"), DT("2019-12-31")}), StatusIs(kInvalid, HasSubstr("INVALID_EXTRACT_FIELD")));
}

TEST(ExprDateTest, Truncation) {
  EXPECT_EQ(eval("date_trunc", {S("YEAR"), S("2015-03-05T09:32:05.359")}), "2015-01-01 00:00:00");
  EXPECT_EQ(eval("date_trunc", {S("MM"), S("2015-03-05T09:32:05.359")}), "2015-03-01 00:00:00");
  EXPECT_EQ(eval("date_trunc", {S("DD"), S("2015-03-05T09:32:05.359")}), "2015-03-05 00:00:00");
  EXPECT_EQ(eval("date_trunc", {S("HOUR"), S("2015-03-05T09:32:05.359")}), "2015-03-05 09:00:00");
  EXPECT_EQ(eval("date_trunc", {S("MILLISECOND"), S("2015-03-05T09:32:05.123456")}), "2015-03-05 09:32:05.123");
  EXPECT_EQ(eval("date_trunc", {S("week"), S("2019-08-04 10:00:00")}), "2019-07-29 00:00:00");
  EXPECT_EQ(eval("date_trunc", {S("decade"), S("2019-08-04")}), "NULL");
  EXPECT_EQ(call("date_trunc", {S("YEAR"), S("2015-03-05")})->type()->to_string(), "timestamp");
  EXPECT_EQ(eval("trunc", {S("2019-08-04"), S("week")}), "2019-07-29");
  EXPECT_EQ(eval("trunc", {S("2019-08-04"), S("quarter")}), "2019-07-01");
  EXPECT_EQ(eval("trunc", {S("2009-02-12"), S("MM")}), "2009-02-01");
  EXPECT_EQ(eval("trunc", {S("2015-10-27"), S("YEAR")}), "2015-01-01");
  EXPECT_EQ(eval("trunc", {S("2015-10-27"), S("DAY")}), "NULL");
}

TEST(ExprDateTest, ParsingAndFormatting) {
  EXPECT_EQ(eval("to_date", {S("2009-07-30 04:17:52")}), "2009-07-30");
  EXPECT_EQ(eval("to_date", {S("2016-12-31"), S("yyyy-MM-dd")}), "2016-12-31");
  EXPECT_EQ(eval("to_date", {S("31/12/2016"), S("dd/MM/yyyy")}), "2016-12-31");
  EXPECT_EQ(eval("to_timestamp", {S("2016-12-31 00:12:00")}), "2016-12-31 00:12:00");
  EXPECT_EQ(eval("to_timestamp", {S("2016-12-31"), S("yyyy-MM-dd")}), "2016-12-31 00:00:00");
  EXPECT_EQ(eval("to_timestamp", {S("2016-12-31 10:11:12.345"), S("yyyy-MM-dd HH:mm:ss.SSS")}), "2016-12-31 10:11:12.345");
  EXPECT_EQ(eval("to_timestamp", {S("20161231101112"), S("yyyyMMddHHmmss")}), "2016-12-31 10:11:12");
  EXPECT_EQ(eval("to_timestamp", {S("12/31/2016 01:02 PM"), S("MM/dd/yyyy hh:mm a")}), "2016-12-31 13:02:00");
  EXPECT_THAT(eval("to_timestamp", {S("2016/12/31"), S("yyyy-MM-dd")}), HasSubstr("[CANNOT_PARSE_TIMESTAMP]"));
  EXPECT_EQ(eval("try_to_timestamp", {S("2016/12/31"), S("yyyy-MM-dd")}), "NULL");
  EXPECT_THAT(make_call("to_timestamp", {S("x"), S("yyyy-MM-dd VV")}), StatusIs(kInvalid, HasSubstr("INVALID_DATETIME_PATTERN")));
  EXPECT_EQ(eval("date_format", {S("2016-04-08"), S("y")}), "2016");
  EXPECT_EQ(eval("date_format", {TS("2016-04-08 13:05:09.120"), S("yyyy-MM-dd HH:mm:ss.SSS")}), "2016-04-08 13:05:09.120");
  EXPECT_EQ(eval("date_format", {TS("2016-04-08 13:05:09"), S("EEE, d MMM yy hh:mm a")}), "Fri, 8 Apr 16 01:05 PM");
  EXPECT_EQ(eval("date_format", {TS("2016-04-08 13:05:09"), S("'Q' MMMM EEEE")}), "Q April Friday");
  EXPECT_EQ(eval("unix_timestamp", {S("2016-04-08"), S("yyyy-MM-dd")}), "1460073600");
  EXPECT_EQ(eval("unix_timestamp", {TS("1970-01-01 00:01:00")}), "60");
  EXPECT_EQ(eval("from_unixtime", {I(0), S("yyyy-MM-dd HH:mm:ss")}), "1970-01-01 00:00:00");
  EXPECT_EQ(eval("from_unixtime", {L(1460073600)}), "2016-04-08 00:00:00");
}

TEST(ExprDateTest, ComparisonsAndCoercion) {
  EXPECT_EQ(eval(">", {DT("2020-01-02"), S("2020-01-01")}), "true");
  EXPECT_EQ(eval("=", {TS("2020-01-01 00:00:00"), DT("2020-01-01")}), "true");
}

// ---- math

TEST(ExprMathTest, Round) {
  EXPECT_EQ(eval("round", {D("1.005"), I(2)}), "1.01");
  EXPECT_EQ(eval("round", {D("2.5")}), "3.0");
  EXPECT_EQ(eval("round", {D("-2.5")}), "-3.0");
  EXPECT_EQ(eval("bround", {D("2.5")}), "2.0");
  EXPECT_EQ(eval("bround", {D("3.5")}), "4.0");
  EXPECT_EQ(eval("round", {D("123.456"), I(-1)}), "120.0");
  EXPECT_EQ(eval("round", {D("0.0001"), I(2)}), "0.0");
  EXPECT_EQ(eval("round", {D("9.995"), I(2)}), "10.0");
  EXPECT_EQ(eval("bround", {Dec("2.5", 2, 1), I(0)}), "2");
  EXPECT_EQ(call("bround", {Dec("2.5", 2, 1), I(0)})->type()->to_string(), "decimal(2,0)");
  EXPECT_EQ(eval("bround", {Dec("-2.5", 2, 1), I(0)}), "-2");
  EXPECT_EQ(eval("round", {Dec("2.5", 2, 1)}), "3");
  EXPECT_EQ(eval("round", {Dec("-2.5", 2, 1)}), "-3");
  EXPECT_EQ(eval("round", {Dec("1234.5678", 8, 4), I(2)}), "1234.57");
  EXPECT_EQ(call("round", {Dec("1234.5678", 8, 4), I(2)})->type()->to_string(), "decimal(7,2)");
  EXPECT_EQ(eval("round", {Dec("1234.5678", 8, 4), I(-2)}), "1200");
  EXPECT_EQ(call("round", {Dec("1234.5678", 8, 4), I(-2)})->type()->to_string(), "decimal(5,0)");
  EXPECT_EQ(eval("round", {I(125), I(-1)}), "130");
  EXPECT_EQ(eval("bround", {I(125), I(-1)}), "120");
  EXPECT_EQ(eval("round", {I(125), I(1)}), "125");
  EXPECT_THAT(eval("round", {I(2147483647), I(-1)}), HasSubstr("[ARITHMETIC_OVERFLOW]"));
  Table t;
  t.add("x", float64(), {"1.005"});
  EXPECT_THAT(make_call("round", {t.ref("x"), t.ref("x")}), StatusIs(kInvalid, HasSubstr("constant integer")));
  EXPECT_EQ(call("round", {t.ref("x"), I(2)})->to_string(), "round(x, 2)");
}

TEST(ExprMathTest, FloorCeilAndFriends) {
  EXPECT_EQ(eval("floor", {D("-1.5")}), "-2");
  EXPECT_EQ(call("floor", {D("-1.5")})->type()->to_string(), "bigint");
  EXPECT_EQ(eval("ceil", {D("-1.5")}), "-1");
  EXPECT_EQ(eval("ceil", {I(5)}), "5");
  EXPECT_EQ(eval("floor", {Dec("-1.25", 3, 2)}), "-2");
  EXPECT_EQ(eval("ceil", {Dec("1.25", 3, 2)}), "2");
  EXPECT_EQ(call("ceil", {Dec("1.25", 3, 2)})->type()->to_string(), "decimal(2,0)");
  EXPECT_EQ(eval("abs", {I(-5)}), "5");
  EXPECT_EQ(eval("abs", {Dec("-1.5", 2, 1)}), "1.5");
  EXPECT_EQ(eval("sqrt", {I(4)}), "2.0");
  EXPECT_EQ(eval("sqrt", {D("-1")}), "NaN");
  EXPECT_EQ(eval("power", {I(2), I(10)}), "1024.0");
  EXPECT_EQ(eval("exp", {I(0)}), "1.0");
  EXPECT_EQ(eval("ln", {I(1)}), "0.0");
  EXPECT_EQ(eval("ln", {I(0)}), "NULL");
  EXPECT_EQ(eval("log10", {I(100)}), "2.0");
  EXPECT_EQ(eval("log", {I(2), I(8)}), "3.0");
  EXPECT_EQ(eval("log2", {D("-3")}), "NULL");
  EXPECT_EQ(eval("sign", {D("-3.5")}), "-1.0");
  EXPECT_EQ(eval("mod", {I(-7), I(3)}), "-1");
}

// ---- hashes

ExprPtr int_array(const std::vector<int32_t>& values) {
  ListBuilder b(list(int32()), std::make_unique<Int32Builder>(int32()));
  b.append();
  for (int32_t v : values) static_cast<Int32Builder*>(b.values())->append(v);
  return literal(*b.finish());
}

TEST(ExprHashTest, SparkDocumentedValues) {
  // From Spark's function reference.
  EXPECT_EQ(eval("xxhash64", {S("Spark"), int_array({123}), I(2)}), "5602566077635097486");
  EXPECT_EQ(eval("hash", {S("Spark"), int_array({123}), I(2)}), "-1321691492");
  EXPECT_EQ(eval("md5", {S("Spark")}), "8cde774d6f7333752ed72cacddb05126");
  EXPECT_EQ(eval("sha2", {S("Spark"), I(256)}), "529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b");
  EXPECT_EQ(eval("sha2", {S("abc"), I(224)}), "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
  EXPECT_EQ(eval("sha2", {S("abc"), I(1)}), "NULL");
}

TEST(ExprHashTest, NullsAndTypes) {
  // NULL arguments leave the hash unchanged: xxhash64(NULL) is the seed's hash of nothing = 42.
  EXPECT_EQ(eval("xxhash64", {N(int32())}), "42");
  EXPECT_EQ(eval("xxhash64", {I(1), N(string_type())}), eval("xxhash64", {I(1)}));
  EXPECT_EQ(eval("xxhash64", {D("-0.0")}), eval("xxhash64", {D("0.0")}));
  EXPECT_EQ(call("xxhash64", {I(1)})->type()->to_string(), "bigint");
  EXPECT_FALSE(call("xxhash64", {N(int32())})->nullable());
  Table t;
  t.add("a", int64(), {"1", std::nullopt, "3"});
  auto out = rows(call("xxhash64", {t.ref("a")}), t);
  EXPECT_EQ(out[0], eval("xxhash64", {L(1)}));
  EXPECT_EQ(out[1], "42");
  EXPECT_NE(eval("xxhash64", {I(1)}), eval("xxhash64", {L(1)}));
}

}  // namespace
}  // namespace braid::exec
