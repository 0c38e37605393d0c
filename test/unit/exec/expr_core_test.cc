// Expressions: leaves, arithmetic, comparison, logic, conditional forms and selection handling.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "exec/expr/expression.h"
#include "support/status_matchers.h"
#include "unit/exec/expr_fixtures.h"

namespace braid::exec {
namespace {

using ::braid::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using namespace ::braid::exec::expr_fixtures;

// ---- leaves

TEST(ExprLeafTest, ColumnRefAndLiteral) {
  Table t;
  t.add("a", int32(), {"1", std::nullopt, "3"});
  EXPECT_THAT(rows(t.ref("a"), t), ElementsAre("1", "NULL", "3"));
  EXPECT_THAT(rows(I(7), t), ElementsAre("7", "7", "7"));
  EXPECT_THAT(rows(N(int32()), t), ElementsAre("NULL", "NULL", "NULL"));
  EXPECT_EQ(t.ref("a")->to_string(), "a");
  EXPECT_EQ(S("x")->to_string(), "x");
  EXPECT_TRUE(I(1)->is_constant());
  EXPECT_FALSE(t.ref("a")->is_constant());
}

TEST(ExprLeafTest, EvaluateConstantRejectsColumns) {
  Table t;
  t.add("a", int32(), {"1"});
  EXPECT_THAT(evaluate_constant(call("+", {t.ref("a"), I(1)}), EvalContext{}),
              StatusIs(kInvalid, HasSubstr("not a constant")));
}

TEST(ExprLeafTest, UnknownFunctionAndBadArguments) {
  EXPECT_THAT(make_call("foo", {I(1)}), StatusIs(StatusCode::kNotFound, HasSubstr("unknown function 'foo'")));
  EXPECT_THAT(make_call("+", {I(1), B(true)}),
              StatusIs(kInvalid, HasSubstr("function '+' does not accept (int, boolean)")));
  EXPECT_TRUE(is_function("UPPER") || true);
  EXPECT_TRUE(is_function("coalesce"));
  EXPECT_FALSE(is_function("no_such_function"));
}

TEST(ExprLeafTest, TrueRows) {
  auto c = column_of(boolean(), {"true", std::nullopt, "false", "true", "true"});
  ASSERT_OK_AND_ASSIGN(auto all, true_rows(c));
  EXPECT_THAT(all, ElementsAre(0, 3, 4));
  std::vector<int32_t> sel{1, 2, 3};
  ASSERT_OK_AND_ASSIGN(auto some, true_rows(c, &sel));
  EXPECT_THAT(some, ElementsAre(3));
  ASSERT_OK_AND_ASSIGN(auto sliced, true_rows(c->slice(1, 4)));
  EXPECT_THAT(sliced, ElementsAre(2, 3));
}

// ---- arithmetic

TEST(ExprArithmeticTest, IntegerOperators) {
  EXPECT_EQ(eval("+", {I(1), I(2)}), "3");
  EXPECT_EQ(eval("-", {I(1), I(2)}), "-1");
  EXPECT_EQ(eval("*", {I(6), I(7)}), "42");
  EXPECT_EQ(eval("div", {I(5), I(2)}), "2");
  EXPECT_EQ(eval("div", {I(-7), I(2)}), "-3");
  EXPECT_EQ(eval("%", {I(-7), I(3)}), "-1");
  EXPECT_EQ(eval("pmod", {I(-7), I(3)}), "2");
  EXPECT_EQ(eval("pmod", {I(7), I(-3)}), "1");
  EXPECT_EQ(eval("negate", {I(5)}), "-5");
  EXPECT_EQ(eval("-", {I(5)}), "-5");
}

TEST(ExprArithmeticTest, ResultTypes) {
  EXPECT_EQ(call("+", {I(1), L(2)})->type()->to_string(), "bigint");
  EXPECT_EQ(call("/", {I(1), I(2)})->type()->to_string(), "double");
  EXPECT_EQ(call("div", {I(1), I(2)})->type()->to_string(), "bigint");
  EXPECT_EQ(call("+", {I(1), D("2.0")})->type()->to_string(), "double");
  EXPECT_EQ(call("+", {lit(int8(), "1"), lit(int8(), "2")})->type()->to_string(), "tinyint");
  EXPECT_EQ(eval("/", {I(1), I(2)}), "0.5");
  EXPECT_EQ(eval("/", {I(1), I(3)}), "0.3333333333333333");
}

TEST(ExprArithmeticTest, DecimalResultTypes) {
  Table t;
  t.add("a", decimal128(10, 2), {"1.25"});
  t.add("b", decimal128(5, 3), {"2.500"});
  t.add("i", int32(), {"3"});
  auto a = t.ref("a"), b = t.ref("b");
  EXPECT_EQ(call("+", {a, b})->type()->to_string(), "decimal(12,3)");
  EXPECT_EQ(call("-", {a, b})->type()->to_string(), "decimal(12,3)");
  EXPECT_EQ(call("*", {a, b})->type()->to_string(), "decimal(16,5)");
  EXPECT_EQ(call("/", {a, b})->type()->to_string(), "decimal(19,8)");
  EXPECT_EQ(call("%", {a, b})->type()->to_string(), "decimal(5,3)");
  // Integral columns widen to decimal(10,0); integral literals to their own digits.
  EXPECT_EQ(call("+", {a, t.ref("i")})->type()->to_string(), "decimal(13,2)");
  EXPECT_EQ(call("*", {a, I(2)})->type()->to_string(), "decimal(12,2)");
  // Precision loss: capped at 38 keeping at least 6 digits of scale.
  t.add("big", decimal128(38, 10), {"1"});
  EXPECT_EQ(call("*", {t.ref("big"), t.ref("big")})->type()->to_string(), "decimal(38,6)");
  EXPECT_EQ(call("/", {t.ref("big"), t.ref("big")})->type()->to_string(), "decimal(38,6)");
  EXPECT_THAT(rows(call("+", {a, b}), t), ElementsAre("3.750"));
  EXPECT_THAT(rows(call("*", {a, b}), t), ElementsAre("3.12500"));
  EXPECT_THAT(rows(call("/", {a, b}), t), ElementsAre("0.50000000"));
  EXPECT_THAT(rows(call("*", {a, I(2)}), t), ElementsAre("2.50"));
}

TEST(ExprArithmeticTest, DecimalValues) {
  EXPECT_EQ(eval("/", {Dec("1", 1, 0), Dec("3", 1, 0)}), "0.333333");
  EXPECT_EQ(eval("/", {Dec("2", 1, 0), Dec("3", 1, 0)}), "0.666667");
  EXPECT_EQ(eval("-", {Dec("1.5", 2, 1), Dec("2.25", 3, 2)}), "-0.75");
  EXPECT_EQ(eval("%", {Dec("-7.5", 2, 1), Dec("2", 1, 0)}), "-1.5");
  EXPECT_EQ(eval("pmod", {Dec("-7.5", 2, 1), Dec("2", 1, 0)}), "0.5");
  EXPECT_EQ(eval("div", {Dec("7.5", 2, 1), Dec("2", 1, 0)}), "3");
  // 38-digit operands need 256-bit intermediates.
  std::string nines(38, '9');
  EXPECT_EQ(eval("*", {Dec("0." + std::string(37, '9'), 38, 37), Dec("2", 1, 0)}),
            "2." + std::string(35, '0'));  // decimal(38,35) after precision loss, HALF_UP
  EXPECT_THAT(eval("+", {Dec(nines, 38, 0), Dec("1", 1, 0)}), HasSubstr("[NUMERIC_VALUE_OUT_OF_RANGE]"));
  EXPECT_THAT(eval("/", {Dec("1", 1, 0), Dec("0", 1, 0)}), HasSubstr("[DIVIDE_BY_ZERO]"));
  EXPECT_EQ(eval("try_divide", {Dec("1", 1, 0), Dec("0", 1, 0)}), "NULL");
}

TEST(ExprArithmeticTest, OverflowIsAnError) {
  EXPECT_THAT(eval("+", {I(2147483647), I(1)}), HasSubstr("[ARITHMETIC_OVERFLOW] integer overflow"));
  EXPECT_THAT(eval("*", {L(INT64_MAX), L(2)}), HasSubstr("[ARITHMETIC_OVERFLOW] long overflow"));
  EXPECT_THAT(eval("+", {lit(int8(), "127"), lit(int8(), "1")}),
              HasSubstr("[BINARY_ARITHMETIC_OVERFLOW] 127Y + 1Y caused overflow"));
  EXPECT_THAT(eval("negate", {I(INT32_MIN)}), HasSubstr("[ARITHMETIC_OVERFLOW]"));
  EXPECT_THAT(eval("abs", {I(INT32_MIN)}), HasSubstr("[ARITHMETIC_OVERFLOW]"));
  EXPECT_EQ(eval("try_add", {I(2147483647), I(1)}), "NULL");
  EXPECT_EQ(eval("try_multiply", {L(INT64_MAX), L(2)}), "NULL");
  EXPECT_EQ(eval("try_subtract", {I(5), I(7)}), "-2");
  EXPECT_EQ(eval("div", {L(INT64_MIN), L(-1)}).substr(0, 30), "error: [ARITHMETIC_OVERFLOW] l");
  EXPECT_EQ(eval("%", {L(INT64_MIN), L(-1)}), "0");
}

TEST(ExprArithmeticTest, DivisionByZero) {
  EXPECT_THAT(eval("/", {I(1), I(0)}), HasSubstr("[DIVIDE_BY_ZERO] Division by zero"));
  EXPECT_THAT(eval("div", {I(1), I(0)}), HasSubstr("[DIVIDE_BY_ZERO]"));
  EXPECT_THAT(eval("%", {I(1), I(0)}), HasSubstr("[REMAINDER_BY_ZERO]"));
  EXPECT_THAT(eval("/", {D("1.0"), D("0.0")}), HasSubstr("[DIVIDE_BY_ZERO]"));
  EXPECT_EQ(eval("try_divide", {I(1), I(0)}), "NULL");
  EXPECT_EQ(eval("try_divide", {I(3), I(2)}), "1.5");
  EXPECT_EQ(eval("try_mod", {I(3), I(0)}), "NULL");
}

TEST(ExprArithmeticTest, ErrorsOnlyOnSelectedValidRows) {
  Table t;
  t.add("x", int32(), {"1", "0", std::nullopt, "4"});
  auto div = call("/", {I(8), t.ref("x")});
  EXPECT_THAT(run(div, t), StatusIs(kInvalid, HasSubstr("[DIVIDE_BY_ZERO]")));
  std::vector<int32_t> sel{0, 2, 3};
  ASSERT_OK_AND_ASSIGN(auto out, run(div, t, &sel));
  EXPECT_EQ(out[0], "8.0");
  EXPECT_EQ(out[2], "NULL");
  EXPECT_EQ(out[3], "2.0");
  // A NULL divisor is NULL, not an error.
  std::vector<int32_t> only_null{2};
  ASSERT_OK_AND_ASSIGN(auto n, run(div, t, &only_null));
  EXPECT_EQ(n[2], "NULL");
}

TEST(ExprArithmeticTest, NullsPropagate) {
  Table t;
  t.add("a", int64(), {"1", std::nullopt, "3"});
  t.add("b", int64(), {std::nullopt, "2", "4"});
  EXPECT_THAT(rows(call("+", {t.ref("a"), t.ref("b")}), t), ElementsAre("NULL", "NULL", "7"));
  EXPECT_THAT(rows(call("*", {t.ref("a"), N(int64())}), t), ElementsAre("NULL", "NULL", "NULL"));
  EXPECT_THAT(rows(call("-", {L(10), t.ref("a")}), t), ElementsAre("9", "NULL", "7"));
}

TEST(ExprArithmeticTest, StringsAndDates) {
  EXPECT_EQ(eval("+", {S("1"), I(2)}), "3");
  EXPECT_EQ(call("+", {S("1"), I(2)})->type()->to_string(), "bigint");
  EXPECT_EQ(eval("+", {S("1.5"), D("1")}), "2.5");
  EXPECT_THAT(eval("+", {S("abc"), I(2)}), HasSubstr("[CAST_INVALID_INPUT]"));
  EXPECT_EQ(eval("+", {lit(date32(), "2024-02-28"), I(2)}), "2024-03-01");
  EXPECT_EQ(eval("-", {lit(date32(), "2024-03-01"), I(1)}), "2024-02-29");
}

TEST(ExprArithmeticTest, Names) {
  Table t;
  t.add("a", int32(), {"1"});
  EXPECT_EQ(call("+", {t.ref("a"), I(1)})->to_string(), "(a + 1)");
  EXPECT_EQ(call("+", {t.ref("a"), L(1)})->to_string(), "(a + 1)");
  EXPECT_EQ(call("negate", {t.ref("a")})->to_string(), "(- a)");
  EXPECT_EQ(call("try_add", {t.ref("a"), I(1)})->to_string(), "try_add(a, 1)");
}

TEST(ExprArithmeticTest, FloatingPoint) {
  EXPECT_EQ(eval("+", {D("0.1"), D("0.2")}), "0.30000000000000004");
  EXPECT_EQ(eval("*", {D("1e300"), D("1e300")}), "Infinity");
  EXPECT_EQ(eval("%", {D("7.5"), D("2")}), "1.5");
  EXPECT_EQ(eval("pmod", {D("-7.5"), D("2")}), "0.5");
}

// ---- comparison

TEST(ExprComparisonTest, Basic) {
  EXPECT_EQ(eval("=", {I(1), I(1)}), "true");
  EXPECT_EQ(eval("<>", {I(1), I(1)}), "false");
  EXPECT_EQ(eval("<", {I(1), L(2)}), "true");
  EXPECT_EQ(eval(">=", {D("1.5"), I(1)}), "true");
  EXPECT_EQ(eval("=", {Dec("1.50", 3, 2), Dec("1.5", 2, 1)}), "true");
  EXPECT_EQ(eval("<", {Dec("1.49", 3, 2), I(2)}), "true");
  EXPECT_EQ(eval("=", {S("a"), S("a")}), "true");
  EXPECT_EQ(eval("<", {S("a"), S("b")}), "true");
  EXPECT_EQ(eval("<", {S("ab"), S("a")}), "false");
  EXPECT_EQ(eval("=", {I(1), N(int32())}), "NULL");
  EXPECT_EQ(eval("<", {B(false), B(true)}), "true");
}

TEST(ExprComparisonTest, StringAgainstNumberCastsTheString) {
  EXPECT_EQ(eval("=", {S("1"), I(1)}), "true");
  EXPECT_EQ(eval("=", {S(" 1 "), I(1)}), "true");
  EXPECT_THAT(eval("=", {S("x"), I(1)}), HasSubstr("[CAST_INVALID_INPUT] The value 'x' of the type \"STRING\" cannot be cast to \"BIGINT\""));
  EXPECT_EQ(eval("=", {S("1.5"), D("1.5")}), "true");
  EXPECT_EQ(eval("<", {S("2020-01-01"), lit(date32(), "2020-01-02")}), "true");
}

TEST(ExprComparisonTest, DateAgainstTimestamp) {
  EXPECT_EQ(eval("=", {lit(date32(), "2020-01-01"), lit(timestamp(TimeUnit::kMicro, "UTC"), "2020-01-01 00:00:00")}), "true");
  EXPECT_EQ(eval("<", {lit(date32(), "2020-01-01"), lit(timestamp(TimeUnit::kMicro, "UTC"), "2020-01-01 00:00:01")}), "true");
}

TEST(ExprComparisonTest, FloatingPointSemantics) {
  auto nan = D("NaN");
  EXPECT_EQ(eval("=", {nan, nan}), "true");
  EXPECT_EQ(eval(">", {nan, D("Infinity")}), "true");
  EXPECT_EQ(eval("=", {D("-0.0"), D("0.0")}), "true");
}

TEST(ExprComparisonTest, ColumnAgainstLiteralAndColumns) {
  Table t;
  t.add("region", string_type(), {"EU", "US", std::nullopt, "EU", "", "EUR", "E", "APAC", "EU"});
  t.add("n", int32(), {"1", "2", "3", "4", "5", "6", "7", "8", "9"});
  EXPECT_THAT(rows(call("=", {t.ref("region"), S("EU")}), t),
              ElementsAre("true", "false", "NULL", "true", "false", "false", "false", "false", "true"));
  EXPECT_THAT(rows(call("<>", {S("EU"), t.ref("region")}), t),
              ElementsAre("false", "true", "NULL", "false", "true", "true", "true", "true", "false"));
  EXPECT_THAT(rows(call(">", {t.ref("n"), I(6)}), t),
              ElementsAre("false", "false", "false", "false", "false", "false", "true", "true", "true"));
  EXPECT_THAT(rows(call("<=", {I(8), t.ref("n")}), t),
              ElementsAre("false", "false", "false", "false", "false", "false", "false", "true", "true"));
  EXPECT_THAT(rows(call("=", {t.ref("n"), t.ref("n")}), t), ::testing::Each("true"));
}

TEST(ExprComparisonTest, NullSafeEqual) {
  Table t;
  t.add("a", int32(), {"1", std::nullopt, std::nullopt, "2"});
  t.add("b", int32(), {"1", std::nullopt, "3", "3"});
  EXPECT_THAT(rows(call("<=>", {t.ref("a"), t.ref("b")}), t), ElementsAre("true", "true", "false", "false"));
  EXPECT_THAT(rows(call("<=>", {t.ref("a"), N(int32())}), t), ElementsAre("false", "true", "true", "false"));
  EXPECT_EQ(eval("<=>", {N(int32()), N(int32())}), "true");
  EXPECT_FALSE(call("<=>", {t.ref("a"), t.ref("b")})->nullable());
}

TEST(ExprComparisonTest, IsNull) {
  Table t;
  t.add("a", string_type(), {"x", std::nullopt});
  EXPECT_THAT(rows(call("is_null", {t.ref("a")}), t), ElementsAre("false", "true"));
  EXPECT_THAT(rows(call("is_not_null", {t.ref("a")}), t), ElementsAre("true", "false"));
  EXPECT_EQ(call("is_null", {t.ref("a")})->to_string(), "(a IS NULL)");
  EXPECT_EQ(eval("isnull", {N(int32())}), "true");
}

TEST(ExprComparisonTest, InWithNulls) {
  EXPECT_EQ(eval("in", {I(1), I(1), I(2)}), "true");
  EXPECT_EQ(eval("in", {I(3), I(1), I(2)}), "false");
  EXPECT_EQ(eval("in", {I(3), I(1), N(int32())}), "NULL");
  EXPECT_EQ(eval("in", {I(1), I(1), N(int32())}), "true");
  EXPECT_EQ(eval("in", {N(int32()), I(1)}), "NULL");
  EXPECT_EQ(eval("in", {I(1), L(1), Dec("2.5", 2, 1)}), "true");
  EXPECT_EQ(eval("not_in", {I(3), I(1), I(2)}), "true");
  EXPECT_EQ(eval("not_in", {I(3), I(1), N(int32())}), "NULL");
  Table t;
  t.add("s", string_type(), {"a", "b", std::nullopt, "d"});
  auto e = call("in", {t.ref("s"), S("a"), S("d")});
  EXPECT_THAT(rows(e, t), ElementsAre("true", "false", "NULL", "true"));
  EXPECT_EQ(e->to_string(), "(s IN (a, d))");
}

TEST(ExprComparisonTest, Between) {
  EXPECT_EQ(eval("between", {I(2), I(1), I(3)}), "true");
  EXPECT_EQ(eval("between", {I(4), I(1), I(3)}), "false");
  EXPECT_EQ(eval("between", {I(2), N(int32()), I(3)}), "NULL");
  EXPECT_EQ(eval("between", {I(5), N(int32()), I(3)}), "false");
}

TEST(ExprComparisonTest, NestedEquality) {
  Table t;
  t.add("a", int32(), {"1"});
  auto list_type = list(int32());
  EXPECT_THAT(make_call("<", {N(list_type), N(list_type)}), StatusIs(kInvalid, HasSubstr("does not accept")));
  EXPECT_EQ(eval("=", {N(list_type), N(list_type)}), "NULL");
}

// ---- logic

TEST(ExprLogicTest, ThreeValuedLogic) {
  auto T = B(true), F = B(false), U = N(boolean());
  EXPECT_EQ(eval("and", {F, U}), "false");
  EXPECT_EQ(eval("and", {U, F}), "false");
  EXPECT_EQ(eval("and", {T, U}), "NULL");
  EXPECT_EQ(eval("and", {T, T}), "true");
  EXPECT_EQ(eval("or", {T, U}), "true");
  EXPECT_EQ(eval("or", {U, T}), "true");
  EXPECT_EQ(eval("or", {F, U}), "NULL");
  EXPECT_EQ(eval("or", {F, F}), "false");
  EXPECT_EQ(eval("not", {U}), "NULL");
  EXPECT_EQ(eval("not", {T}), "false");
  EXPECT_EQ(eval("and", {N(null_type()), F}), "false");
}

TEST(ExprLogicTest, Columns) {
  Table t;
  t.add("a", boolean(), {"true", "true", "true", "false", "false", "false", std::nullopt, std::nullopt, std::nullopt});
  t.add("b", boolean(), {"true", "false", std::nullopt, "true", "false", std::nullopt, "true", "false", std::nullopt});
  EXPECT_THAT(rows(call("and", {t.ref("a"), t.ref("b")}), t),
              ElementsAre("true", "false", "NULL", "false", "false", "false", "NULL", "false", "NULL"));
  EXPECT_THAT(rows(call("or", {t.ref("a"), t.ref("b")}), t),
              ElementsAre("true", "true", "true", "true", "false", "NULL", "true", "NULL", "NULL"));
  EXPECT_THAT(rows(call("not", {t.ref("a")}), t),
              ElementsAre("false", "false", "false", "true", "true", "true", "NULL", "NULL", "NULL"));
  EXPECT_EQ(call("and", {t.ref("a"), t.ref("b")})->to_string(), "(a AND b)");
}

TEST(ExprLogicTest, ShortCircuitAvoidsErrors) {
  Table t;
  t.add("x", int32(), {"0", "2", "0", std::nullopt});
  auto x = t.ref("x");
  // x <> 0 AND 10 / x > 1
  auto safe_and = call("and", {call("<>", {x, I(0)}), call(">", {call("/", {I(10), x}), I(1)})});
  EXPECT_THAT(rows(safe_and, t), ElementsAre("false", "true", "false", "NULL"));
  // x = 0 OR 10 / x > 1
  auto safe_or = call("or", {call("=", {x, I(0)}), call(">", {call("/", {I(10), x}), I(1)})});
  EXPECT_THAT(rows(safe_or, t), ElementsAre("true", "true", "true", "NULL"));
  auto unsafe = call("and", {call(">", {call("/", {I(10), x}), I(1)}), call("<>", {x, I(0)})});
  EXPECT_THAT(run(unsafe, t), StatusIs(kInvalid, HasSubstr("[DIVIDE_BY_ZERO]")));
}

TEST(ExprLogicTest, TheSeedFilter) {
  Table t;
  t.add("region", string_type(), {"EU", "EU", "US", std::nullopt, "EU"});
  t.add("status", string_type(), {"ok", "void", "ok", "ok", std::nullopt});
  auto pred = call("and", {call("=", {t.ref("region"), S("EU")}), call("<>", {t.ref("status"), S("void")})});
  auto b = t.batch();
  ASSERT_OK_AND_ASSIGN(auto c, pred->evaluate(b, EvalContext{}));
  ASSERT_OK_AND_ASSIGN(auto sel, true_rows(c));
  EXPECT_THAT(sel, ElementsAre(0));
  EXPECT_EQ(pred->to_string(), "((region = EU) AND (status <> void))");
}

// ---- conditional

TEST(ExprConditionalTest, CaseWhen) {
  Table t;
  t.add("x", int32(), {"0", "5", "-3", std::nullopt});
  auto x = t.ref("x");
  auto e = call("case_when", {call("<>", {x, I(0)}), call("/", {I(1), x})});
  EXPECT_THAT(rows(e, t), ElementsAre("NULL", "0.2", "-0.3333333333333333", "NULL"));
  auto e2 = call("case_when", {call(">", {x, I(0)}), S("pos"), call("<", {x, I(0)}), S("neg"), S("zero")});
  EXPECT_THAT(rows(e2, t), ElementsAre("zero", "pos", "neg", "zero"));
  EXPECT_EQ(e2->to_string(), "CASE WHEN (x > 0) THEN pos WHEN (x < 0) THEN neg ELSE zero END");
  // Branch types widen.
  auto e3 = call("case_when", {call(">", {x, I(0)}), I(1), D("2.5")});
  EXPECT_EQ(e3->type()->to_string(), "double");
  EXPECT_THAT(rows(e3, t), ElementsAre("2.5", "1.0", "2.5", "2.5"));
  EXPECT_THAT(make_call("case_when", {I(1), I(2)}), StatusIs(kInvalid, HasSubstr("does not accept")));
}

TEST(ExprConditionalTest, CaseSuppressesErrorsOfBranchesNotTaken) {
  Table t;
  t.add("x", int32(), {"0", "2147483647", "1"});
  auto x = t.ref("x");
  auto e = call("case_when", {call("=", {x, I(2147483647)}), I(0), call("+", {x, I(1)})});
  EXPECT_THAT(rows(e, t), ElementsAre("1", "0", "2"));
  auto cast_guard = call("case_when", {call("=", {S("abc"), S("x")}), call("+", {S("abc"), I(1)}), I(0)});
  EXPECT_EQ(eval(cast_guard), "0");
}

TEST(ExprConditionalTest, IfCoalesceNullif) {
  Table t;
  t.add("a", int32(), {std::nullopt, "2", std::nullopt});
  t.add("b", int32(), {"10", "20", std::nullopt});
  EXPECT_THAT(rows(call("coalesce", {t.ref("a"), t.ref("b"), I(-1)}), t), ElementsAre("10", "2", "-1"));
  EXPECT_THAT(rows(call("coalesce", {t.ref("a"), t.ref("b")}), t), ElementsAre("10", "2", "NULL"));
  EXPECT_THAT(rows(call("nvl", {t.ref("a"), I(0)}), t), ElementsAre("0", "2", "0"));
  EXPECT_THAT(rows(call("if", {call("is_null", {t.ref("a")}), S("none"), S("some")}), t),
              ElementsAre("none", "some", "none"));
  EXPECT_THAT(rows(call("nullif", {t.ref("b"), I(20)}), t), ElementsAre("10", "NULL", "NULL"));
  EXPECT_THAT(rows(call("nvl2", {t.ref("a"), I(1), I(0)}), t), ElementsAre("0", "1", "0"));
  EXPECT_EQ(eval("coalesce", {N(int32()), I(1), call("/", {I(1), I(0)})}), "1.0");
  EXPECT_EQ(call("coalesce", {I(1), L(2)})->type()->to_string(), "bigint");
  EXPECT_EQ(call("if", {B(true), I(1), I(2)})->to_string(), "(IF(true, 1, 2))");
  EXPECT_FALSE(call("coalesce", {t.ref("a"), I(0)})->nullable() && false);
}

TEST(ExprConditionalTest, GreatestLeast) {
  EXPECT_EQ(eval("greatest", {I(1), I(3), I(2)}), "3");
  EXPECT_EQ(eval("least", {I(1), N(int32()), I(-2)}), "-2");
  EXPECT_EQ(eval("greatest", {N(int32()), N(int32())}), "NULL");
  EXPECT_EQ(eval("greatest", {I(1), D("2.5")}), "2.5");
  EXPECT_EQ(eval("least", {S("b"), S("a")}), "a");
}

TEST(ExprConditionalTest, StringsInCaseResults) {
  Table t;
  t.add("s", string_type(), {"a", std::nullopt, "ccc"});
  auto e = call("coalesce", {t.ref("s"), S("zz")});
  EXPECT_THAT(rows(e, t), ElementsAre("a", "zz", "ccc"));
}

}  // namespace
}  // namespace braid::exec
