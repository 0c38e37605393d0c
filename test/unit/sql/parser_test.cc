// SQL parser: every construct of the Spark dialect braid reads, checked through the canonical
// printer (parse -> print -> parse -> print must be stable) and through the tree itself where
// the binder depends on the details; error messages with exact positions; nesting limits.
#include "sql/parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/status_matchers.h"

namespace braid::sql {
namespace {

using ::braid::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Canonical text of an expression, checking that it reads back to the same text.
std::string expr(std::string_view sql) {
  auto e = parse_expression(sql);
  if (!e.ok()) {
    ADD_FAILURE() << sql << ": " << e.status().to_string();
    return "<error>";
  }
  const std::string printed = to_sql(**e);
  auto again = parse_expression(printed);
  if (!again.ok()) {
    ADD_FAILURE() << "reparsing " << printed << ": " << again.status().to_string();
    return printed;
  }
  EXPECT_EQ(to_sql(**again), printed) << "round trip of " << sql;
  return printed;
}

// Canonical text of a statement, checking the round trip.
std::string stmt(std::string_view sql) {
  auto s = parse_statement(sql);
  if (!s.ok()) {
    ADD_FAILURE() << sql << ": " << s.status().to_string();
    return "<error>";
  }
  const std::string printed = to_sql(**s);
  auto again = parse_statement(printed);
  if (!again.ok()) {
    ADD_FAILURE() << "reparsing " << printed << ": " << again.status().to_string();
    return printed;
  }
  EXPECT_EQ(to_sql(**again), printed) << "round trip of " << sql;
  return printed;
}

StatementPtr parse(std::string_view sql) {
  auto s = parse_statement(sql);
  EXPECT_TRUE(s.ok()) << sql << ": " << s.status().to_string();
  return s.ok() ? std::move(s).value() : nullptr;
}

ExprPtr parse_expr(std::string_view sql) {
  auto e = parse_expression(sql);
  EXPECT_TRUE(e.ok()) << sql << ": " << e.status().to_string();
  return e.ok() ? std::move(e).value() : nullptr;
}

Status statement_error(std::string_view sql) {
  auto s = parse_statement(sql);
  return s.ok() ? Status::OK() : s.status();
}
Status expression_error(std::string_view sql) {
  auto e = parse_expression(sql);
  return e.ok() ? Status::OK() : e.status();
}

const Select& select_of(const Statement& s) {
  static const Select kEmpty;
  const auto* q = s.as<QueryStatement>();
  if (!q) return kEmpty;
  const Select* sel = q->query->as<Select>();
  return sel ? *sel : kEmpty;
}

// ---------------------------------------------------------------------------------------------
// Expressions

TEST(ParserExprTest, Literals) {
  EXPECT_EQ(expr("NULL"), "NULL");
  EXPECT_EQ(expr("true"), "TRUE");
  EXPECT_EQ(expr("False"), "FALSE");
  EXPECT_EQ(expr("42"), "42");
  EXPECT_EQ(expr("42L"), "42L");
  EXPECT_EQ(expr("42S"), "42S");
  EXPECT_EQ(expr("42Y"), "42Y");
  EXPECT_EQ(expr("1.50"), "1.50");
  EXPECT_EQ(expr("15BD"), "15BD");
  EXPECT_EQ(expr("1.5BD"), "1.5");
  EXPECT_EQ(expr("1e3"), "1e3");
  EXPECT_EQ(expr("1.5d"), "1.5D");
  EXPECT_EQ(expr("2.5F"), "2.5F");
  EXPECT_EQ(expr("'it''s'"), "'it\\'s'");
  EXPECT_EQ(expr("\"double\""), "'double'");
  EXPECT_EQ(expr("'a' 'b'"), "'ab'");  // adjacent literals concatenate, as in Spark
  EXPECT_EQ(expr("'tab\\there'"), "'tab\\there'");
  EXPECT_EQ(expr("X'CAFE'"), "X'CAFE'");
  EXPECT_EQ(expr("DATE '2024-01-31'"), "DATE '2024-01-31'");
  EXPECT_EQ(expr("timestamp '2024-01-31 10:00:00'"), "TIMESTAMP '2024-01-31 10:00:00'");
  EXPECT_EQ(expr("TIMESTAMP_NTZ '2024-01-31 10:00:00'"), "TIMESTAMP_NTZ '2024-01-31 10:00:00'");
  EXPECT_EQ(expr("TIMESTAMP_LTZ '2024-01-31'"), "TIMESTAMP '2024-01-31'");
}

TEST(ParserExprTest, LiteralDetails) {
  ExprPtr e = parse_expr("12345678901234567890");
  const Literal* lit = e->as<Literal>();
  ASSERT_NE(lit, nullptr);
  EXPECT_EQ(lit->kind, LiteralKind::kInteger);
  EXPECT_EQ(lit->text, "12345678901234567890");  // the binder picks INT, BIGINT or DECIMAL
  e = parse_expr("1.5");
  EXPECT_EQ(e->as<Literal>()->kind, LiteralKind::kDecimal);
  e = parse_expr("1e3");
  EXPECT_EQ(e->as<Literal>()->kind, LiteralKind::kDouble);
  e = parse_expr("-5");
  const Unary* u = e->as<Unary>();
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->op, UnaryOp::kNegate);
  EXPECT_EQ(u->operand->as<Literal>()->text, "5");
  e = parse_expr("'héllo ✓ 日本'");
  EXPECT_EQ(e->as<Literal>()->text, "héllo ✓ 日本");
  EXPECT_EQ(expr("'héllo ✓ 日本'"), "'héllo ✓ 日本'");
}

TEST(ParserExprTest, Intervals) {
  EXPECT_EQ(expr("INTERVAL '1 day 2 hours'"), "INTERVAL '1 day 2 hours'");
  EXPECT_EQ(expr("INTERVAL 3 DAYS"), "INTERVAL 3 DAY");
  EXPECT_EQ(expr("interval -3 day"), "INTERVAL -3 DAY");
  EXPECT_EQ(expr("INTERVAL '1' DAY"), "INTERVAL '1' DAY");
  EXPECT_EQ(expr("INTERVAL 1 DAY 2 HOURS 30 minutes"), "INTERVAL 1 DAY 2 HOUR 30 MINUTE");
  EXPECT_EQ(expr("INTERVAL '1-2' YEAR TO MONTH"), "INTERVAL '1-2' YEAR TO MONTH");
  EXPECT_EQ(expr("ts + INTERVAL 1 DAY - INTERVAL 2 HOURS"),
            "((ts + INTERVAL 1 DAY) - INTERVAL 2 HOUR)");
  EXPECT_EQ(expr("interval + 1"), "(`interval` + 1)");  // a column named interval
  EXPECT_EQ(expr("interval - 1"), "(`interval` - 1)");
  ExprPtr e = parse_expr("INTERVAL 1.5 SECONDS");
  const Literal* lit = e->as<Literal>();
  ASSERT_EQ(lit->interval_parts.size(), 1u);
  EXPECT_EQ(lit->interval_parts[0].value, "1.5");
  EXPECT_EQ(lit->interval_parts[0].unit, IntervalUnit::kSecond);
  EXPECT_FALSE(lit->interval_parts[0].quoted);
  EXPECT_THAT(expression_error("INTERVAL 3 fortnights"),
              StatusIs(StatusCode::kParseError,
                       "line 1, column 12: expected an interval unit, found 'fortnights'"));
}

TEST(ParserExprTest, ColumnsStarsParameters) {
  EXPECT_EQ(expr("a"), "a");
  EXPECT_EQ(expr("t.a"), "t.a");
  EXPECT_EQ(expr("db.t.a.field"), "db.t.a.field");
  EXPECT_EQ(expr("`weird name`.`x``y`"), "`weird name`.`x``y`");
  EXPECT_EQ(expr("*"), "*");
  EXPECT_EQ(expr("t.*"), "t.*");
  EXPECT_EQ(expr(":region"), ":region");
  EXPECT_EQ(expr("region = upper(:region)"), "(region = upper(:region))");
  ExprPtr e = parse_expr("db.t.a");
  EXPECT_THAT(e->as<ColumnRef>()->parts, ElementsAre("db", "t", "a"));
  e = parse_expr("s.*");
  EXPECT_THAT(e->as<Star>()->qualifier, ElementsAre("s"));
  e = parse_expr(":p");
  EXPECT_EQ(e->as<Parameter>()->name, "p");
}

TEST(ParserExprTest, KeywordsAsNames) {
  // Spark lets most keywords name columns.
  EXPECT_EQ(expr("date"), "`date`");
  EXPECT_EQ(expr("region"), "region");
  EXPECT_EQ(expr("date = DATE '2024-01-01'"), "(`date` = DATE '2024-01-01')");
  EXPECT_EQ(expr("timestamp > current_timestamp"), "(`timestamp` > current_timestamp())");
  EXPECT_EQ(expr("offset + partition"), "(`offset` + `partition`)");
  EXPECT_EQ(expr("end - start"), "(`end` - start)");
  EXPECT_EQ(expr("window(ts, '5 minutes')"), "window(ts, '5 minutes')");
  EXPECT_EQ(expr("left('abc', 2) || right('abc', 1)"), "(left('abc', 2) || right('abc', 1))");
  EXPECT_EQ(expr("t.from + t.order"), "(t.`from` + t.`order`)");
  EXPECT_EQ(expr("`select`"), "`select`");
}

TEST(ParserExprTest, Precedence) {
  EXPECT_EQ(expr("a OR b AND c"), "(a OR (b AND c))");
  EXPECT_EQ(expr("a AND b OR c"), "((a AND b) OR c)");
  EXPECT_EQ(expr("NOT a AND b"), "((NOT a) AND b)");
  EXPECT_EQ(expr("NOT a = b"), "(NOT (a = b))");
  EXPECT_EQ(expr("a = b OR c <> d"), "((a = b) OR (c <> d))");
  EXPECT_EQ(expr("a + b * c"), "(a + (b * c))");
  EXPECT_EQ(expr("a * b + c"), "((a * b) + c)");
  EXPECT_EQ(expr("a - b - c"), "((a - b) - c)");
  EXPECT_EQ(expr("a / b % c DIV d"), "(((a / b) % c) DIV d)");
  EXPECT_EQ(expr("a || b + c"), "((a || b) + c)");
  EXPECT_EQ(expr("a | b ^ c & d"), "(a | (b ^ (c & d)))");
  EXPECT_EQ(expr("a & b + c"), "(a & (b + c))");
  EXPECT_EQ(expr("a | b = c"), "((a | b) = c)");
  EXPECT_EQ(expr("-a * b"), "((-a) * b)");
  EXPECT_EQ(expr("- a::int"), "(-CAST(a AS INT))");
  EXPECT_EQ(expr("~a + 1"), "((~a) + 1)");
  EXPECT_EQ(expr("+a"), "(+a)");
  EXPECT_EQ(expr("- - a"), "(-(-a))");
  EXPECT_EQ(expr("a == b"), "(a = b)");
  EXPECT_EQ(expr("a != b"), "(a <> b)");
  EXPECT_EQ(expr("a <=> b"), "(a <=> b)");
  EXPECT_EQ(expr("a < b AND c <= d AND e > f AND g >= h"),
            "((((a < b) AND (c <= d)) AND (e > f)) AND (g >= h))");
  EXPECT_EQ(expr("a = b = c"), "((a = b) = c)");
  EXPECT_EQ(expr("! a"), "(NOT a)");
  EXPECT_EQ(expr("a + b IS NULL"), "((a + b) IS NULL)");
  EXPECT_EQ(expr("a = b IS NOT TRUE"), "((a = b) IS NOT TRUE)");
  EXPECT_EQ(expr("NOT a IS NULL"), "(NOT (a IS NULL))");
  EXPECT_EQ(expr("a BETWEEN 1 AND 2 AND b"), "((a BETWEEN 1 AND 2) AND b)");
  EXPECT_EQ(expr("a + 1 BETWEEN b - 1 AND b + 1"), "((a + 1) BETWEEN (b - 1) AND (b + 1))");
  EXPECT_EQ(expr("a IN (1, 2) OR b LIKE 'x%'"), "((a IN (1, 2)) OR (b LIKE 'x%'))");
  EXPECT_EQ(expr("(a OR b) AND c"), "((a OR b) AND c)");
}

TEST(ParserExprTest, OperatorPositions) {
  ExprPtr e = parse_expr("a +\n  b * c");
  ASSERT_NE(e->as<Binary>(), nullptr);
  EXPECT_EQ(e->pos, (SourcePosition{1, 3}));
  EXPECT_EQ(e->as<Binary>()->right->pos, (SourcePosition{2, 5}));
  EXPECT_EQ(e->as<Binary>()->left->pos, (SourcePosition{1, 1}));
}

TEST(ParserExprTest, Predicates) {
  EXPECT_EQ(expr("a IS NULL"), "(a IS NULL)");
  EXPECT_EQ(expr("a is not null"), "(a IS NOT NULL)");
  EXPECT_EQ(expr("a IS TRUE"), "(a IS TRUE)");
  EXPECT_EQ(expr("a IS NOT FALSE"), "(a IS NOT FALSE)");
  EXPECT_EQ(expr("a IS UNKNOWN"), "(a IS UNKNOWN)");
  EXPECT_EQ(expr("a IS DISTINCT FROM b"), "(a IS DISTINCT FROM b)");
  EXPECT_EQ(expr("a IS NOT DISTINCT FROM b + 1"), "(a IS NOT DISTINCT FROM (b + 1))");
  EXPECT_EQ(expr("a BETWEEN 1 AND 10"), "(a BETWEEN 1 AND 10)");
  EXPECT_EQ(expr("a NOT BETWEEN 1 AND 10"), "(a NOT BETWEEN 1 AND 10)");
  EXPECT_EQ(expr("a IN (1, 2, 3)"), "(a IN (1, 2, 3))");
  EXPECT_EQ(expr("a NOT IN ('x')"), "(a NOT IN ('x'))");
  EXPECT_EQ(expr("(a, b) IN ((1, 2), (3, 4))"), "((a, b) IN ((1, 2), (3, 4)))");
  EXPECT_EQ(expr("a LIKE 'x%'"), "(a LIKE 'x%')");
  EXPECT_EQ(expr("a NOT LIKE 'x!%' ESCAPE '!'"), "(a NOT LIKE 'x!%' ESCAPE '!')");
  EXPECT_EQ(expr("a ILIKE 'X%'"), "(a ILIKE 'X%')");
  EXPECT_EQ(expr("a NOT ILIKE 'X%'"), "(a NOT ILIKE 'X%')");
  EXPECT_EQ(expr("a RLIKE '^x'"), "(a RLIKE '^x')");
  EXPECT_EQ(expr("a REGEXP '^x'"), "(a RLIKE '^x')");
  EXPECT_EQ(expr("a NOT RLIKE '^x'"), "(a NOT RLIKE '^x')");
  ExprPtr e = parse_expr("a NOT LIKE 'x' ESCAPE '\\\\'");
  const Like* like = e->as<Like>();
  ASSERT_NE(like, nullptr);
  EXPECT_TRUE(like->negated);
  EXPECT_EQ(like->escape, "\\");
  e = parse_expr("x NOT IN (1, 2)");
  EXPECT_TRUE(e->as<InList>()->negated);
  EXPECT_EQ(e->pos, (SourcePosition{1, 7}));
}

TEST(ParserExprTest, Subqueries) {
  EXPECT_EQ(expr("a IN (SELECT b FROM t)"), "(a IN (SELECT b FROM t))");
  EXPECT_EQ(expr("a NOT IN (SELECT b FROM t WHERE c > 0)"),
            "(a NOT IN (SELECT b FROM t WHERE (c > 0)))");
  EXPECT_EQ(expr("EXISTS (SELECT 1 FROM t WHERE t.a = s.a)"),
            "(EXISTS (SELECT 1 FROM t WHERE (t.a = s.a)))");
  EXPECT_EQ(expr("NOT EXISTS (SELECT 1)"), "(NOT EXISTS (SELECT 1))");
  EXPECT_EQ(expr("(SELECT max(a) FROM t) + 1"), "((SELECT max(a) FROM t) + 1)");
  EXPECT_EQ(expr("a IN ((SELECT 1) UNION (SELECT 2))"), "(a IN (SELECT 1 UNION SELECT 2))");
  EXPECT_EQ(expr("((SELECT 1) UNION ALL (SELECT 2))"), "(SELECT 1 UNION ALL SELECT 2)");
  EXPECT_EQ(expr("a IN ((SELECT 1))"), "(a IN (SELECT 1))");
  ExprPtr e = parse_expr("NOT EXISTS (SELECT 1)");
  const Exists* ex = e->as<Exists>();
  ASSERT_NE(ex, nullptr);
  EXPECT_TRUE(ex->negated);
  e = parse_expr("a IN (WITH x AS (SELECT 1) SELECT * FROM x)");
  ASSERT_NE(e->as<InSubquery>(), nullptr);
  EXPECT_EQ(e->as<InSubquery>()->query->ctes.size(), 1u);
}

TEST(ParserExprTest, Case) {
  EXPECT_EQ(expr("CASE WHEN a > 0 THEN 'pos' WHEN a < 0 THEN 'neg' ELSE 'zero' END"),
            "CASE WHEN (a > 0) THEN 'pos' WHEN (a < 0) THEN 'neg' ELSE 'zero' END");
  EXPECT_EQ(expr("case status when 'a' then 1 when 'b' then 2 end"),
            "CASE status WHEN 'a' THEN 1 WHEN 'b' THEN 2 END");
  EXPECT_EQ(expr("CASE WHEN x THEN end END"), "CASE WHEN x THEN `end` END");
  ExprPtr e = parse_expr("CASE x WHEN 1 THEN 2 END");
  const Case* c = e->as<Case>();
  ASSERT_NE(c, nullptr);
  EXPECT_NE(c->operand, nullptr);
  EXPECT_EQ(c->whens.size(), 1u);
  EXPECT_EQ(c->else_result, nullptr);
  EXPECT_THAT(
      expression_error("CASE ELSE 1 END"),
      StatusIs(StatusCode::kParseError, "line 1, column 6: expected an expression, found 'ELSE'"));
  EXPECT_THAT(expression_error("CASE WHEN a THEN 1"),
              StatusIs(StatusCode::kParseError,
                       "line 1, column 19: expected WHEN, ELSE or END, found end of input"));
}

TEST(ParserExprTest, Casts) {
  EXPECT_EQ(expr("CAST(a AS INT)"), "CAST(a AS INT)");
  EXPECT_EQ(expr("try_cast(a as decimal(12, 2))"), "TRY_CAST(a AS DECIMAL(12, 2))");
  EXPECT_EQ(expr("a::bigint"), "CAST(a AS BIGINT)");
  EXPECT_EQ(expr("a::string::date"), "CAST(CAST(a AS STRING) AS DATE)");
  EXPECT_EQ(expr("'1'::int + 1"), "(CAST('1' AS INT) + 1)");
  EXPECT_EQ(expr("cast(x as array<struct<a:int, b: string not null comment 'c'>>)"),
            "CAST(x AS ARRAY<STRUCT<a: INT, b: STRING NOT NULL COMMENT 'c'>>)");
  ExprPtr e = parse_expr("TRY_CAST(a AS LONG)");
  ASSERT_NE(e->as<Cast>(), nullptr);
  EXPECT_TRUE(e->as<Cast>()->is_try);
  EXPECT_EQ(e->as<Cast>()->type.kind, TypeKind::kBigint);
  EXPECT_EQ(expr("cast"), "`cast`");  // a column
}

TEST(ParserExprTest, TypeNames) {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"BOOLEAN", "BOOLEAN"},
      {"tinyint", "TINYINT"},
      {"BYTE", "TINYINT"},
      {"SMALLINT", "SMALLINT"},
      {"short", "SMALLINT"},
      {"INT", "INT"},
      {"INTEGER", "INT"},
      {"BIGINT", "BIGINT"},
      {"LONG", "BIGINT"},
      {"FLOAT", "FLOAT"},
      {"REAL", "FLOAT"},
      {"DOUBLE", "DOUBLE"},
      {"DECIMAL", "DECIMAL"},
      {"DEC(10)", "DECIMAL(10)"},
      {"NUMERIC(38, 10)", "DECIMAL(38, 10)"},
      {"STRING", "STRING"},
      {"VARCHAR(20)", "VARCHAR(20)"},
      {"CHAR(3)", "CHAR(3)"},
      {"BINARY", "BINARY"},
      {"DATE", "DATE"},
      {"TIMESTAMP", "TIMESTAMP"},
      {"TIMESTAMP_LTZ", "TIMESTAMP"},
      {"TIMESTAMP_NTZ", "TIMESTAMP_NTZ"},
      {"ARRAY<INT>", "ARRAY<INT>"},
      {"MAP<STRING, ARRAY<DOUBLE>>", "MAP<STRING, ARRAY<DOUBLE>>"},
      {"STRUCT<>", "STRUCT<>"},
      {"STRUCT<a INT, `b c`: MAP<INT,INT>>", "STRUCT<a: INT, `b c`: MAP<INT, INT>>"},
  };
  for (const Case& c : cases) {
    auto t = parse_type_name(c.in);
    ASSERT_TRUE(t.ok()) << c.in << ": " << t.status().to_string();
    EXPECT_EQ(to_sql(*t), c.out);
  }
  auto t = parse_type_name("DECIMAL(12,2)");
  ASSERT_OK(t);
  EXPECT_EQ(t->kind, TypeKind::kDecimal);
  EXPECT_EQ(t->precision, 12);
  EXPECT_EQ(t->scale, 2);
  EXPECT_THAT(parse_type_name("DECIMAL(40, 2)"),
              StatusIs(StatusCode::kParseError,
                       "line 1, column 9: DECIMAL precision 40 is not between 1 and 38"));
  EXPECT_THAT(parse_type_name("DECIMAL(5, 6)"),
              StatusIs(StatusCode::kParseError, HasSubstr("scale 6 exceeds")));
  EXPECT_THAT(
      parse_type_name("VARCHAR"),
      StatusIs(StatusCode::kParseError, "line 1, column 8: expected '(', found end of input"));
  EXPECT_THAT(parse_type_name("INTEGRAL"),
              StatusIs(StatusCode::kParseError,
                       "line 1, column 1: expected a type name, found 'INTEGRAL'"));
  EXPECT_THAT(parse_type_name("ARRAY<INT"),
              StatusIs(StatusCode::kParseError, HasSubstr("expected '>', found end of input")));
  EXPECT_THAT(parse_type_name("DECIMAL(99999999999)"),
              StatusIs(StatusCode::kParseError, HasSubstr("is too large")));
}

TEST(ParserExprTest, FunctionCalls) {
  EXPECT_EQ(expr("upper(region)"), "upper(region)");
  EXPECT_EQ(expr("coalesce(a, b, 0)"), "coalesce(a, b, 0)");
  EXPECT_EQ(expr("now()"), "now()");
  EXPECT_EQ(expr("count(*)"), "count(*)");
  EXPECT_EQ(expr("COUNT(DISTINCT a)"), "COUNT(DISTINCT a)");
  EXPECT_EQ(expr("sum(ALL a)"), "sum(a)");
  EXPECT_EQ(expr("count(*) FILTER (WHERE a > 0)"), "count(*) FILTER (WHERE (a > 0))");
  EXPECT_EQ(expr("db.my_fn(1)"), "db.my_fn(1)");
  EXPECT_EQ(expr("f(x => 1, y => 'a')"), "f(x => 1, y => 'a')");
  EXPECT_EQ(expr("f(1, y => 2)"), "f(1, y => 2)");
  EXPECT_EQ(expr("first(a) IGNORE NULLS"), "first(a) IGNORE NULLS");
  EXPECT_EQ(expr("CURRENT_DATE"), "current_date()");
  EXPECT_EQ(expr("current_date()"), "current_date()");
  EXPECT_EQ(expr("EXTRACT(year FROM ts)"), "extract('YEAR', ts)");
  EXPECT_EQ(expr("SUBSTRING(s FROM 2 FOR 3)"), "SUBSTRING(s, 2, 3)");
  EXPECT_EQ(expr("substr(s, 2)"), "substr(s, 2)");
  EXPECT_EQ(expr("TRIM(s)"), "TRIM(s)");
  EXPECT_EQ(expr("TRIM(BOTH 'x' FROM s)"), "btrim(s, 'x')");
  EXPECT_EQ(expr("TRIM(LEADING FROM s)"), "ltrim(s)");
  EXPECT_EQ(expr("trim(trailing '0' from s)"), "rtrim(s, '0')");
  EXPECT_EQ(expr("trim('x' FROM s)"), "btrim(s, 'x')");
  EXPECT_EQ(expr("struct(a, b).a"), "struct(a, b).a");
  EXPECT_EQ(expr("array(1, 2)[0]"), "array(1, 2)[0]");
  ExprPtr e = parse_expr("count(*)");
  ASSERT_NE(e->as<FunctionCall>(), nullptr);
  EXPECT_TRUE(e->as<FunctionCall>()->star);
  EXPECT_TRUE(e->as<FunctionCall>()->args.empty());
  EXPECT_THAT(expression_error("f(a => 1, 2)"),
              StatusIs(StatusCode::kParseError,
                       "line 1, column 11: positional argument after named arguments"));
  EXPECT_THAT(
      expression_error("f(1, )"),
      StatusIs(StatusCode::kParseError, "line 1, column 6: expected an expression, found ')'"));
  EXPECT_THAT(expression_error("f(1"),
              StatusIs(StatusCode::kParseError,
                       "line 1, column 4: expected ',' or ')', found end of input"));
}

TEST(ParserExprTest, WindowFunctions) {
  EXPECT_EQ(expr("row_number() OVER (PARTITION BY region ORDER BY ts DESC)"),
            "row_number() OVER (PARTITION BY region ORDER BY ts DESC)");
  EXPECT_EQ(expr("sum(a) over (order by ts rows between unbounded preceding and current row)"),
            "sum(a) OVER (ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)");
  EXPECT_EQ(expr("sum(a) OVER (ORDER BY ts RANGE BETWEEN 3 PRECEDING AND 2 FOLLOWING)"),
            "sum(a) OVER (ORDER BY ts RANGE BETWEEN 3 PRECEDING AND 2 FOLLOWING)");
  EXPECT_EQ(expr("sum(a) OVER (ROWS UNBOUNDED PRECEDING)"),
            "sum(a) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)");
  EXPECT_EQ(
      expr("avg(a) OVER (ORDER BY b NULLS FIRST ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)"),
      "avg(a) OVER (ORDER BY b NULLS FIRST ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)");
  EXPECT_EQ(expr("rank() OVER w"), "rank() OVER w");
  EXPECT_EQ(expr("rank() OVER (w ORDER BY x)"), "rank() OVER (w ORDER BY x)");
  EXPECT_EQ(expr("lag(a, 1) OVER ()"), "lag(a, 1) OVER ()");
  EXPECT_EQ(expr("sum(a) OVER (DISTRIBUTE BY r SORT BY t)"),
            "sum(a) OVER (PARTITION BY r ORDER BY t)");
  ExprPtr e = parse_expr("sum(a) OVER (PARTITION BY r, s ORDER BY t ASC NULLS LAST)");
  const FunctionCall* f = e->as<FunctionCall>();
  ASSERT_TRUE(f->over.has_value());
  EXPECT_EQ(f->over->partition_by.size(), 2u);
  ASSERT_EQ(f->over->order_by.size(), 1u);
  EXPECT_FALSE(f->over->order_by[0].descending);
  EXPECT_EQ(f->over->order_by[0].nulls_first, false);
  EXPECT_THAT(expression_error("sum(a) OVER (ROWS BETWEEN 1 AND 2 FOLLOWING)"),
              StatusIs(StatusCode::kParseError,
                       "line 1, column 29: expected PRECEDING or FOLLOWING, found 'AND'"));
}

TEST(ParserExprTest, SubscriptsAndFields) {
  EXPECT_EQ(expr("a[0]"), "a[0]");
  EXPECT_EQ(expr("m['key']"), "m['key']");
  EXPECT_EQ(expr("a[0].b"), "a[0].b");
  EXPECT_EQ(expr("a[i + 1][2]"), "a[(i + 1)][2]");
  EXPECT_EQ(expr("(a + b).c"), "(a + b).c");
  EXPECT_EQ(expr("2.by"), "(2).`by`");  // found by the fuzzer: not the number `2.`
  EXPECT_EQ(expr("2.`x`"), "(2).x");
  EXPECT_EQ(expr("'ab'[0]"), "('ab')[0]");
  ExprPtr e = parse_expr("a[0].b");
  const FieldAccess* fa = e->as<FieldAccess>();
  ASSERT_NE(fa, nullptr);
  EXPECT_EQ(fa->field, "b");
  EXPECT_NE(fa->base->as<Subscript>(), nullptr);
}

TEST(ParserExprTest, Errors) {
  EXPECT_THAT(expression_error(""),
              StatusIs(StatusCode::kParseError,
                       "line 1, column 1: expected an expression, found end of input"));
  EXPECT_THAT(expression_error("a +"),
              StatusIs(StatusCode::kParseError,
                       "line 1, column 4: expected an expression, found end of input"));
  EXPECT_THAT(
      expression_error("a b"),
      StatusIs(StatusCode::kParseError, "line 1, column 3: expected end of input, found 'b'"));
  EXPECT_THAT(
      expression_error("(a"),
      StatusIs(StatusCode::kParseError, "line 1, column 3: expected ')', found end of input"));
  EXPECT_THAT(
      expression_error("a = NOT b"),
      StatusIs(StatusCode::kParseError, "line 1, column 5: expected an expression, found 'NOT'"));
  EXPECT_THAT(
      expression_error("a IS 5"),
      StatusIs(
          StatusCode::kParseError,
          "line 1, column 6: expected NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM, found '5'"));
  EXPECT_THAT(expression_error("a BETWEEN 1 OR 2"),
              StatusIs(StatusCode::kParseError, "line 1, column 13: expected AND, found 'OR'"));
  EXPECT_THAT(
      expression_error("1.5.3"),
      StatusIs(StatusCode::kParseError, "line 1, column 4: expected end of input, found '.3'"));
  EXPECT_THAT(expression_error("f(x).*"),
              StatusIs(StatusCode::kParseError, "line 1, column 5: '.*' must follow a table name"));
  EXPECT_THAT(expression_error("'unterminated"),
              StatusIs(StatusCode::kParseError, "line 1, column 1: unterminated string literal"));
  EXPECT_THAT(expression_error("a\n  AND\n  SELECT"),
              StatusIs(StatusCode::kParseError,
                       "line 3, column 3: expected an expression, found 'SELECT'"));
}

TEST(ParserExprTest, DeepNestingIsAnErrorNotACrash) {
  const std::string deep = std::string(5000, '(') + "1" + std::string(5000, ')');
  EXPECT_THAT(expression_error(deep),
              StatusIs(StatusCode::kParseError, HasSubstr("nesting too deep")));
  const std::string ok = std::string(300, '(') + "1" + std::string(300, ')');
  ASSERT_OK(parse_expression(ok));
  EXPECT_EQ(expr("((((1))))"), "1");
  // Long operator chains build deep trees without parser recursion: also bounded.
  std::string chain = "a";
  for (int i = 0; i < 5000; ++i) chain += " + a";
  EXPECT_THAT(expression_error(chain),
              StatusIs(StatusCode::kParseError, HasSubstr("nesting too deep")));
  std::string short_chain = "a";
  for (int i = 0; i < 500; ++i) short_chain += " + a";
  ASSERT_OK(parse_expression(short_chain));
  std::string unary(5000, '~');
  EXPECT_THAT(expression_error(unary + "a"),
              StatusIs(StatusCode::kParseError, HasSubstr("nesting too deep")));
  std::string nots;
  for (int i = 0; i < 3000; ++i) nots += "NOT ";
  EXPECT_THAT(expression_error(nots + "a"),
              StatusIs(StatusCode::kParseError, HasSubstr("nesting too deep")));
  std::string subscripts = "a";
  for (int i = 0; i < 3000; ++i) subscripts += "[0]";
  EXPECT_THAT(expression_error(subscripts),
              StatusIs(StatusCode::kParseError, HasSubstr("nesting too deep")));
  std::string type = "CAST(x AS ";
  for (int i = 0; i < 3000; ++i) type += "ARRAY<";
  EXPECT_THAT(expression_error(type),
              StatusIs(StatusCode::kParseError, HasSubstr("nesting too deep")));
  std::string subqueries;
  for (int i = 0; i < 3000; ++i) subqueries += "(SELECT ";
  EXPECT_THAT(expression_error(subqueries),
              StatusIs(StatusCode::kParseError, HasSubstr("nesting too deep")));
}

// ---------------------------------------------------------------------------------------------
// Queries

TEST(ParserQueryTest, SelectBasics) {
  EXPECT_EQ(stmt("select a, b as c, d e from t"), "SELECT a, b AS c, d AS e FROM t");
  EXPECT_EQ(stmt("SELECT DISTINCT a FROM t"), "SELECT DISTINCT a FROM t");
  EXPECT_EQ(stmt("SELECT ALL a FROM t"), "SELECT a FROM t");
  EXPECT_EQ(stmt("SELECT 1"), "SELECT 1");
  EXPECT_EQ(stmt("SELECT *, t.* FROM t"), "SELECT *, t.* FROM t");
  EXPECT_EQ(stmt("SELECT a AS `my col`, b `x` FROM db.t"),
            "SELECT a AS `my col`, b AS x FROM db.t");
  EXPECT_EQ(stmt("SELECT a AS offset FROM t"), "SELECT a AS `offset` FROM t");
  EXPECT_EQ(stmt("SELECT a FROM t WHERE a > 1 AND region = :region"),
            "SELECT a FROM t WHERE ((a > 1) AND (region = :region))");
  EXPECT_EQ(stmt("SELECT date, region FROM sales"), "SELECT `date`, region FROM sales");
}

TEST(ParserQueryTest, SelectStructure) {
  StatementPtr s = parse(
      "SELECT a, count(*) AS n FROM t WHERE b GROUP BY a HAVING n > 1 ORDER BY n DESC LIMIT 10 "
      "OFFSET 5");
  ASSERT_NE(s, nullptr);
  const auto* qs = s->as<QueryStatement>();
  ASSERT_NE(qs, nullptr);
  const Select* sel = qs->query->as<Select>();
  ASSERT_NE(sel, nullptr);
  ASSERT_EQ(sel->items.size(), 2u);
  EXPECT_FALSE(sel->items[0].alias.has_value());
  EXPECT_EQ(sel->items[1].alias, "n");
  EXPECT_EQ(sel->items[1].pos, (SourcePosition{1, 11}));
  ASSERT_NE(sel->from, nullptr);
  EXPECT_EQ(sel->from->as<BaseTable>()->name.parts, QualifiedName{"t"});
  EXPECT_NE(sel->where, nullptr);
  EXPECT_EQ(sel->group_by.size(), 1u);
  EXPECT_NE(sel->having, nullptr);
  ASSERT_EQ(qs->query->order_by.size(), 1u);
  EXPECT_TRUE(qs->query->order_by[0].descending);
  EXPECT_EQ(qs->query->limit->as<Literal>()->text, "10");
  EXPECT_EQ(qs->query->offset->as<Literal>()->text, "5");
}

TEST(ParserQueryTest, GroupOrderLimit) {
  EXPECT_EQ(stmt("SELECT a, sum(b) FROM t GROUP BY 1"), "SELECT a, sum(b) FROM t GROUP BY 1");
  EXPECT_EQ(stmt("SELECT a, sum(b) FROM t GROUP BY ALL"), "SELECT a, sum(b) FROM t GROUP BY ALL");
  EXPECT_EQ(stmt("SELECT a FROM t ORDER BY 1, a DESC NULLS LAST, b ASC NULLS FIRST"),
            "SELECT a FROM t ORDER BY 1, a DESC NULLS LAST, b NULLS FIRST");
  EXPECT_EQ(stmt("SELECT a FROM t LIMIT ALL"), "SELECT a FROM t");
  EXPECT_EQ(stmt("SELECT a FROM t LIMIT 5"), "SELECT a FROM t LIMIT 5");
  EXPECT_EQ(stmt("SELECT a FROM t OFFSET 5"), "SELECT a FROM t OFFSET 5");
  EXPECT_EQ(stmt("SELECT a, rank() OVER w AS r FROM t WINDOW w AS (PARTITION BY b ORDER BY c) "
                 "QUALIFY r = 1"),
            "SELECT a, rank() OVER w AS r FROM t WINDOW w AS (PARTITION BY b ORDER BY c) QUALIFY "
            "(r = 1)");
  EXPECT_EQ(stmt("SELECT a FROM t QUALIFY row_number() OVER (PARTITION BY a ORDER BY b) = 1"),
            "SELECT a FROM t QUALIFY (row_number() OVER (PARTITION BY a ORDER BY b) = 1)");
  EXPECT_EQ(stmt("SELECT window FROM t"), "SELECT `window` FROM t");
}

TEST(ParserQueryTest, FromClause) {
  EXPECT_EQ(stmt("SELECT * FROM t x"), "SELECT * FROM t AS x");
  EXPECT_EQ(stmt("SELECT * FROM db.t AS x"), "SELECT * FROM db.t AS x");
  EXPECT_EQ(stmt("SELECT * FROM cat.db.t"), "SELECT * FROM cat.db.t");
  EXPECT_EQ(stmt("SELECT * FROM delta.`/data/sales` s"), "SELECT * FROM delta.`/data/sales` AS s");
  EXPECT_EQ(stmt("SELECT * FROM parquet.`data/*.parquet`"),
            "SELECT * FROM parquet.`data/*.parquet`");
  EXPECT_EQ(stmt("SELECT * FROM csv.`in.csv`"), "SELECT * FROM csv.`in.csv`");
  EXPECT_EQ(stmt("SELECT * FROM read_parquet('data/*.parquet')"),
            "SELECT * FROM read_parquet('data/*.parquet')");
  EXPECT_EQ(
      stmt("SELECT * FROM read_csv('in.csv', header = true, delimiter = ',', nullstr => '') AS c"),
      "SELECT * FROM read_csv('in.csv', header => TRUE, delimiter => ',', nullstr => '') AS c");
  EXPECT_EQ(stmt("SELECT * FROM range(10)"), "SELECT * FROM range(10)");
  EXPECT_EQ(stmt("SELECT id FROM range(1, 100, 5) r"), "SELECT id FROM range(1, 100, 5) AS r");
  EXPECT_EQ(stmt("SELECT * FROM VALUES (1, 'a'), (2, 'b') AS t(id, name)"),
            "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(id, name)");
  EXPECT_EQ(stmt("SELECT * FROM (VALUES (1), (2)) v(x)"),
            "SELECT * FROM (VALUES (1), (2)) AS v(x)");
  EXPECT_EQ(stmt("SELECT * FROM (SELECT a FROM t) AS s(b)"),
            "SELECT * FROM (SELECT a FROM t) AS s(b)");
  EXPECT_EQ(stmt("SELECT * FROM (SELECT a FROM t)"), "SELECT * FROM (SELECT a FROM t)");
  StatementPtr s = parse("SELECT * FROM delta.`/x/y` AS t");
  const BaseTable* b = select_of(*s).from->as<BaseTable>();
  ASSERT_NE(b, nullptr);
  EXPECT_TRUE(b->name.is_path());
  EXPECT_EQ(b->name.path_format, "delta");
  EXPECT_EQ(b->name.path, "/x/y");
  EXPECT_EQ(select_of(*s).from->alias, "t");
  s = parse("SELECT * FROM delta.t");  // a database called delta
  EXPECT_FALSE(select_of(*s).from->as<BaseTable>()->name.is_path());
  s = parse("SELECT * FROM read_csv('p', header => true)");
  const TableFunction* f = select_of(*s).from->as<TableFunction>();
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->args.size(), 1u);
  ASSERT_EQ(f->named_args.size(), 1u);
  EXPECT_EQ(f->named_args[0].name, "header");
}

TEST(ParserQueryTest, TimeTravel) {
  EXPECT_EQ(stmt("SELECT * FROM t VERSION AS OF 3"), "SELECT * FROM t VERSION AS OF 3");
  EXPECT_EQ(stmt("SELECT * FROM t TIMESTAMP AS OF '2024-01-01' x"),
            "SELECT * FROM t TIMESTAMP AS OF '2024-01-01' AS x");
  EXPECT_EQ(stmt("SELECT * FROM t FOR SYSTEM_VERSION AS OF 3"), "SELECT * FROM t VERSION AS OF 3");
  EXPECT_EQ(stmt("SELECT * FROM t FOR SYSTEM_TIME AS OF current_timestamp() - INTERVAL 1 DAY"),
            "SELECT * FROM t TIMESTAMP AS OF (current_timestamp() - INTERVAL 1 DAY)");
  EXPECT_EQ(stmt("SELECT * FROM t@v12"), "SELECT * FROM t VERSION AS OF 12");
  EXPECT_EQ(stmt("SELECT * FROM delta.`/p` VERSION AS OF 1"),
            "SELECT * FROM delta.`/p` VERSION AS OF 1");
  StatementPtr s = parse("SELECT * FROM t VERSION AS OF 3");
  const BaseTable* b = select_of(*s).from->as<BaseTable>();
  ASSERT_TRUE(b->time_travel.has_value());
  EXPECT_EQ(b->time_travel->kind, TimeTravelKind::kVersion);
  EXPECT_EQ(b->time_travel->value->as<Literal>()->text, "3");
  EXPECT_THAT(statement_error("SELECT * FROM t@x"),
              StatusIs(StatusCode::kParseError,
                       "line 1, column 17: expected a version like v3 after '@', found 'x'"));
  // `version` alone is an alias.
  EXPECT_EQ(stmt("SELECT * FROM t version"), "SELECT * FROM t AS `version`");
}

TEST(ParserQueryTest, Joins) {
  EXPECT_EQ(stmt("SELECT * FROM a JOIN b ON a.id = b.id"),
            "SELECT * FROM a JOIN b ON (a.id = b.id)");
  EXPECT_EQ(stmt("SELECT * FROM a INNER JOIN b USING (id, k)"),
            "SELECT * FROM a JOIN b USING (id, k)");
  EXPECT_EQ(stmt("SELECT * FROM a LEFT JOIN b ON x"), "SELECT * FROM a LEFT JOIN b ON x");
  EXPECT_EQ(stmt("SELECT * FROM a LEFT OUTER JOIN b ON x"), "SELECT * FROM a LEFT JOIN b ON x");
  EXPECT_EQ(stmt("SELECT * FROM a RIGHT OUTER JOIN b ON x"), "SELECT * FROM a RIGHT JOIN b ON x");
  EXPECT_EQ(stmt("SELECT * FROM a FULL OUTER JOIN b ON x"), "SELECT * FROM a FULL JOIN b ON x");
  EXPECT_EQ(stmt("SELECT * FROM a FULL JOIN b ON x"), "SELECT * FROM a FULL JOIN b ON x");
  EXPECT_EQ(stmt("SELECT * FROM a CROSS JOIN b"), "SELECT * FROM a CROSS JOIN b");
  EXPECT_EQ(stmt("SELECT * FROM a LEFT SEMI JOIN b ON x"), "SELECT * FROM a LEFT SEMI JOIN b ON x");
  EXPECT_EQ(stmt("SELECT * FROM a LEFT ANTI JOIN b ON x"), "SELECT * FROM a LEFT ANTI JOIN b ON x");
  EXPECT_EQ(stmt("SELECT * FROM a, b, c WHERE a.x = b.x"),
            "SELECT * FROM a CROSS JOIN b CROSS JOIN c WHERE (a.x = b.x)");
  EXPECT_EQ(stmt("SELECT * FROM a x JOIN b y ON x.id = y.id JOIN c z ON z.id = y.id"),
            "SELECT * FROM a AS x JOIN b AS y ON (x.id = y.id) JOIN c AS z ON (z.id = y.id)");
  EXPECT_EQ(stmt("SELECT * FROM a, b JOIN c ON b.k = c.k"),
            "SELECT * FROM a CROSS JOIN (b JOIN c ON (b.k = c.k))");
  EXPECT_EQ(stmt("SELECT * FROM a JOIN (b JOIN c ON b.k = c.k) ON a.k = b.k"),
            "SELECT * FROM a JOIN (b JOIN c ON (b.k = c.k)) ON (a.k = b.k)");
  EXPECT_EQ(stmt("SELECT * FROM (a JOIN b ON x) AS j"), "SELECT * FROM (a JOIN b ON x) AS j");
  EXPECT_EQ(stmt("SELECT * FROM t1 JOIN (SELECT * FROM t2) s ON t1.a = s.a"),
            "SELECT * FROM t1 JOIN (SELECT * FROM t2) AS s ON (t1.a = s.a)");
  StatementPtr s = parse("SELECT * FROM a LEFT JOIN b ON a.k = b.k");
  const Join* j = select_of(*s).from->as<Join>();
  ASSERT_NE(j, nullptr);
  EXPECT_EQ(j->type, JoinType::kLeft);
  EXPECT_EQ(select_of(*s).from->pos, (SourcePosition{1, 17}));
  EXPECT_THAT(statement_error("SELECT * FROM a LEFT b"),
              StatusIs(StatusCode::kParseError, "line 1, column 22: expected JOIN, found 'b'"));
  EXPECT_THAT(
      statement_error("SELECT * FROM a NATURAL JOIN b"),
      StatusIs(StatusCode::kNotImplemented, "line 1, column 17: NATURAL JOIN is not supported"));
}

TEST(ParserQueryTest, SetOperations) {
  EXPECT_EQ(stmt("SELECT a FROM t UNION SELECT a FROM u"), "SELECT a FROM t UNION SELECT a FROM u");
  EXPECT_EQ(stmt("SELECT 1 UNION ALL SELECT 2 UNION DISTINCT SELECT 3"),
            "(SELECT 1 UNION ALL SELECT 2) UNION SELECT 3");
  EXPECT_EQ(stmt("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3"),
            "SELECT 1 UNION (SELECT 2 INTERSECT SELECT 3)");
  EXPECT_EQ(stmt("SELECT 1 INTERSECT SELECT 2 UNION SELECT 3"),
            "(SELECT 1 INTERSECT SELECT 2) UNION SELECT 3");
  EXPECT_EQ(stmt("SELECT 1 EXCEPT SELECT 2"), "SELECT 1 EXCEPT SELECT 2");
  EXPECT_EQ(stmt("SELECT 1 MINUS SELECT 2"), "SELECT 1 EXCEPT SELECT 2");
  EXPECT_EQ(stmt("SELECT 1 EXCEPT ALL SELECT 2"), "SELECT 1 EXCEPT ALL SELECT 2");
  EXPECT_EQ(stmt("SELECT 1 INTERSECT ALL SELECT 2"), "SELECT 1 INTERSECT ALL SELECT 2");
  EXPECT_EQ(stmt("SELECT a FROM t UNION SELECT a FROM u ORDER BY a LIMIT 3"),
            "SELECT a FROM t UNION SELECT a FROM u ORDER BY a LIMIT 3");
  EXPECT_EQ(stmt("(SELECT a FROM t ORDER BY a LIMIT 1) UNION ALL (SELECT a FROM u LIMIT 1)"),
            "(SELECT a FROM t ORDER BY a LIMIT 1) UNION ALL (SELECT a FROM u LIMIT 1)");
  EXPECT_EQ(stmt("(SELECT a FROM t LIMIT 5) ORDER BY a"), "(SELECT a FROM t LIMIT 5) ORDER BY a");
  EXPECT_EQ(stmt("((SELECT 1))"), "SELECT 1");
  EXPECT_EQ(stmt("VALUES (1, 2), (3, 4)"), "VALUES (1, 2), (3, 4)");
  EXPECT_EQ(stmt("VALUES 1, 2"), "VALUES (1), (2)");
  StatementPtr s = parse("SELECT 1 UNION SELECT 2 EXCEPT SELECT 3");
  const SetOperation* op = s->as<QueryStatement>()->query->as<SetOperation>();
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->kind, SetOpKind::kExcept);
  EXPECT_FALSE(op->all);
  EXPECT_EQ(op->left->as<SetOperation>()->kind, SetOpKind::kUnion);
  EXPECT_THAT(
      statement_error("VALUES (1, 2), (3)"),
      StatusIs(StatusCode::kParseError,
               "line 1, column 16: VALUES rows must have the same number of values (2 then 1)"));
}

TEST(ParserQueryTest, CommonTableExpressions) {
  EXPECT_EQ(stmt("WITH a AS (SELECT 1 AS x), b (y) AS (SELECT x FROM a) SELECT y FROM b"),
            "WITH a AS (SELECT 1 AS x), b (y) AS (SELECT x FROM a) SELECT y FROM b");
  EXPECT_EQ(stmt("WITH a AS (SELECT 1) SELECT * FROM a UNION SELECT * FROM a ORDER BY 1"),
            "WITH a AS (SELECT 1) SELECT * FROM a UNION SELECT * FROM a ORDER BY 1");
  EXPECT_EQ(stmt("SELECT * FROM (WITH a AS (SELECT 1) SELECT * FROM a) s"),
            "SELECT * FROM (WITH a AS (SELECT 1) SELECT * FROM a) AS s");
  StatementPtr s = parse("WITH c (x, y) AS (SELECT 1, 2) SELECT * FROM c");
  const Query& q = *s->as<QueryStatement>()->query;
  ASSERT_EQ(q.ctes.size(), 1u);
  EXPECT_EQ(q.ctes[0].name, "c");
  EXPECT_THAT(q.ctes[0].columns, ElementsAre("x", "y"));
  EXPECT_EQ(q.ctes[0].pos, (SourcePosition{1, 6}));
}

TEST(ParserQueryTest, ErrorsWithPositions) {
  EXPECT_THAT(
      statement_error("SELECT a, b, FROM t"),
      StatusIs(StatusCode::kParseError, "line 1, column 14: expected an expression, found 'FROM'"));
  EXPECT_THAT(
      statement_error("SELECT a, b FROM t WHERE FROM"),
      StatusIs(StatusCode::kParseError, "line 1, column 26: expected an expression, found 'FROM'"));
  EXPECT_THAT(
      statement_error("SELECT a, b , FROM t"),
      StatusIs(StatusCode::kParseError, "line 1, column 15: expected an expression, found 'FROM'"));
  EXPECT_THAT(
      statement_error("SELECT a FROM"),
      StatusIs(StatusCode::kParseError, "line 1, column 14: expected a table, found end of input"));
  EXPECT_THAT(statement_error("SELECT a FROM t WHERE"),
              StatusIs(StatusCode::kParseError,
                       "line 1, column 22: expected an expression, found end of input"));
  EXPECT_THAT(
      statement_error("SELEC a FROM t"),
      StatusIs(StatusCode::kParseError, "line 1, column 1: expected a statement, found 'SELEC'"));
  EXPECT_THAT(statement_error("SELECT a FROM t GROUP a"),
              StatusIs(StatusCode::kParseError, "line 1, column 23: expected BY, found 'a'"));
  EXPECT_THAT(statement_error("SELECT a FROM t\nWHERE b = 1\n  ORDER BY"),
              StatusIs(StatusCode::kParseError,
                       "line 3, column 11: expected an expression, found end of input"));
  EXPECT_THAT(
      statement_error("SELECT a FROM t x y"),
      StatusIs(StatusCode::kParseError, "line 1, column 19: expected end of input, found 'y'"));
  EXPECT_THAT(statement_error("SELECT 'abc' 'def FROM t"),
              StatusIs(StatusCode::kParseError, "line 1, column 14: unterminated string literal"));
  // A syntax error before a lexical error is reported first, as a streaming reader would.
  EXPECT_THAT(
      statement_error("SELECT a, FROM t WHERE b = 'oops"),
      StatusIs(StatusCode::kParseError, "line 1, column 11: expected an expression, found 'FROM'"));
  EXPECT_THAT(statement_error("SELECT a FROM t WHERE b = $x"),
              StatusIs(StatusCode::kParseError, "line 1, column 27: unexpected character '$'"));
  EXPECT_THAT(parse_statements("SELECT 1; SELECT 2 /* open"),
              StatusIs(StatusCode::kParseError, "line 1, column 20: unterminated comment"));
  EXPECT_THAT(
      statement_error("SELECT * FROM (SELECT 1"),
      StatusIs(StatusCode::kParseError, "line 1, column 24: expected ')', found end of input"));
  EXPECT_THAT(
      statement_error("SELECT a AS FROM t"),
      StatusIs(StatusCode::kParseError, "line 1, column 13: expected an alias, found 'FROM'"));
  EXPECT_THAT(statement_error(""),
              StatusIs(StatusCode::kParseError,
                       "line 1, column 1: expected a statement, found end of input"));
  EXPECT_THAT(statement_error("SELECT 1; SELECT 2"),
              StatusIs(StatusCode::kParseError,
                       "line 1, column 11: expected end of input, found 'SELECT'"));
  EXPECT_THAT(statement_error("SELECT x FROM t WHERE s = 'naïve' AND y = €"),
              StatusIs(StatusCode::kParseError, "line 1, column 43: unexpected character '€'"));
}

TEST(ParserQueryTest, DeepQueryNesting) {
  std::string sql = "SELECT * FROM ";
  for (int i = 0; i < 3000; ++i) sql += "(SELECT * FROM ";
  EXPECT_THAT(statement_error(sql),
              StatusIs(StatusCode::kParseError, HasSubstr("nesting too deep")));
  std::string unions = "SELECT 1";
  for (int i = 0; i < 3000; ++i) unions += " UNION SELECT 1";
  EXPECT_THAT(statement_error(unions),
              StatusIs(StatusCode::kParseError, HasSubstr("nesting too deep")));
  std::string joins = "SELECT * FROM t0";
  for (int i = 0; i < 3000; ++i) joins += " JOIN t ON x";
  EXPECT_THAT(statement_error(joins),
              StatusIs(StatusCode::kParseError, HasSubstr("nesting too deep")));
  std::string explains;
  for (int i = 0; i < 3000; ++i) explains += "EXPLAIN ";
  EXPECT_THAT(statement_error(explains + "SELECT 1"),
              StatusIs(StatusCode::kParseError, HasSubstr("nesting too deep")));
  std::string ok = "SELECT 1";
  for (int i = 0; i < 300; ++i) ok += " UNION ALL SELECT 1";
  ASSERT_OK(parse_statement(ok));
  std::string nested = "SELECT * FROM t WHERE a IN ";
  for (int i = 0; i < 50; ++i) nested += "(SELECT a FROM t WHERE a IN ";
  nested += "(1)" + std::string(50, ')');
  ASSERT_OK(parse_statement(nested));
}

// ---------------------------------------------------------------------------------------------
// Statements

TEST(ParserStatementTest, MultipleStatementsAndSpans) {
  ASSERT_OK_AND_ASSIGN(auto list,
                       parse_statements(";; SELECT 1;\n\n  select a\n  from t ;;DROP TABLE x;"));
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0]->text, "SELECT 1");
  EXPECT_EQ(list[0]->pos, (SourcePosition{1, 4}));
  EXPECT_EQ(list[0]->offset, 3u);
  EXPECT_EQ(list[1]->text, "select a\n  from t");
  EXPECT_EQ(list[1]->pos, (SourcePosition{3, 3}));
  EXPECT_EQ(list[2]->text, "DROP TABLE x");
  ASSERT_OK_AND_ASSIGN(auto none, parse_statements("  ;  -- nothing\n"));
  EXPECT_TRUE(none.empty());
  ASSERT_OK_AND_ASSIGN(auto no_semicolon, parse_statements("SELECT 1"));
  EXPECT_EQ(no_semicolon.size(), 1u);
  EXPECT_THAT(parse_statements("SELECT 1 SELECT 2"),
              StatusIs(StatusCode::kParseError,
                       "line 1, column 10: expected ';' or end of input, found 'SELECT'"));
  EXPECT_THAT(
      parse_statements("SELECT 1;\nSELECT FROM t"),
      StatusIs(StatusCode::kParseError, "line 2, column 8: expected an expression, found 'FROM'"));
  ASSERT_OK_AND_ASSIGN(auto one, parse_statement("  SELECT 1 ; ;"));
  EXPECT_EQ(one->text, "SELECT 1");
}

TEST(ParserStatementTest, CreateTable) {
  EXPECT_EQ(stmt("CREATE TABLE t (id BIGINT NOT NULL, region STRING COMMENT 'ISO code', amount "
                 "DECIMAL(12,2), "
                 "date DATE) USING DELTA PARTITIONED BY (region) LOCATION '/w/t' COMMENT 'sales' "
                 "TBLPROPERTIES ('delta.appendOnly' = 'true', delta.logRetentionDuration = "
                 "'interval 30 days', "
                 "x = 5)"),
            "CREATE TABLE t (id BIGINT NOT NULL, region STRING COMMENT 'ISO code', amount "
            "DECIMAL(12, 2), "
            "`date` DATE) USING DELTA PARTITIONED BY (region) LOCATION '/w/t' COMMENT 'sales' "
            "TBLPROPERTIES ('delta.appendOnly' = 'true', 'delta.logRetentionDuration' = 'interval "
            "30 days', "
            "'x' = '5')");
  EXPECT_EQ(stmt("create table if not exists db.t (a int)"),
            "CREATE TABLE IF NOT EXISTS db.t (a INT)");
  EXPECT_EQ(stmt("CREATE OR REPLACE TABLE t USING delta AS SELECT * FROM s"),
            "CREATE OR REPLACE TABLE t USING delta AS SELECT * FROM s");
  EXPECT_EQ(stmt("CREATE TABLE t AS WITH x AS (SELECT 1) SELECT * FROM x"),
            "CREATE TABLE t AS WITH x AS (SELECT 1) SELECT * FROM x");
  EXPECT_EQ(stmt("CREATE TABLE t (a INT) PARTITIONED BY (a) USING DELTA"),
            "CREATE TABLE t (a INT) USING DELTA PARTITIONED BY (a)");
  EXPECT_EQ(stmt("CREATE TABLE delta.`/tmp/t` (a INT)"), "CREATE TABLE delta.`/tmp/t` (a INT)");
  StatementPtr s = parse(
      "CREATE TABLE t (id BIGINT NOT NULL COMMENT 'k', tags ARRAY<STRING>) USING DELTA "
      "PARTITIONED BY (id) TBLPROPERTIES ('a' = 'b')");
  const CreateTable* c = s->as<CreateTable>();
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(c->columns.size(), 2u);
  EXPECT_EQ(c->columns[0].name, "id");
  EXPECT_TRUE(c->columns[0].not_null);
  EXPECT_EQ(c->columns[0].comment, "k");
  EXPECT_EQ(c->columns[1].type.kind, TypeKind::kArray);
  EXPECT_EQ(c->columns[1].pos, (SourcePosition{1, 49}));
  EXPECT_EQ(c->using_format, "DELTA");
  EXPECT_THAT(c->partitioned_by, ElementsAre("id"));
  ASSERT_EQ(c->properties.size(), 1u);
  EXPECT_EQ(c->properties[0], (std::pair<std::string, std::string>("a", "b")));
  EXPECT_THAT(
      statement_error("CREATE OR REPLACE TABLE IF NOT EXISTS t (a INT)"),
      StatusIs(StatusCode::kParseError,
               "line 1, column 25: CREATE OR REPLACE TABLE cannot be combined with IF NOT EXISTS"));
  EXPECT_THAT(statement_error("CREATE TABLE t (a INT) LOCATION 'x' LOCATION 'y'"),
              StatusIs(StatusCode::kParseError, "line 1, column 37: duplicate LOCATION clause"));
  EXPECT_THAT(
      statement_error("CREATE TABLE t (a)"),
      StatusIs(StatusCode::kParseError, "line 1, column 18: expected a type name, found ')'"));
  EXPECT_THAT(
      statement_error("CREATE TABLE t (a INT,)"),
      StatusIs(StatusCode::kParseError, "line 1, column 23: expected a column name, found ')'"));
  EXPECT_THAT(statement_error("CREATE TEMP TABLE t (a INT)"),
              StatusIs(StatusCode::kParseError, "line 1, column 13: expected VIEW, found 'TABLE'"));
}

TEST(ParserStatementTest, DropTableAndView) {
  EXPECT_EQ(stmt("DROP TABLE t"), "DROP TABLE t");
  EXPECT_EQ(stmt("drop table if exists db.t"), "DROP TABLE IF EXISTS db.t");
  EXPECT_EQ(stmt("DROP VIEW v"), "DROP VIEW v");
  EXPECT_EQ(stmt("DROP VIEW IF EXISTS v"), "DROP VIEW IF EXISTS v");
  StatementPtr s = parse("DROP TABLE IF EXISTS t");
  EXPECT_TRUE(s->as<DropTable>()->if_exists);
  EXPECT_THAT(
      statement_error("DROP INDEX i"),
      StatusIs(StatusCode::kParseError, "line 1, column 6: expected TABLE or VIEW, found 'INDEX'"));
}

TEST(ParserStatementTest, Views) {
  EXPECT_EQ(stmt("CREATE TEMP VIEW staged AS SELECT * FROM sales WHERE region = :region"),
            "CREATE TEMPORARY VIEW staged AS SELECT * FROM sales WHERE (region = :region)");
  EXPECT_EQ(stmt("CREATE OR REPLACE GLOBAL TEMPORARY VIEW v (a COMMENT 'x', b) AS SELECT 1, 2"),
            "CREATE OR REPLACE GLOBAL TEMPORARY VIEW v (a COMMENT 'x', b) AS SELECT 1, 2");
  EXPECT_EQ(stmt("CREATE VIEW IF NOT EXISTS db.v COMMENT 'c' AS SELECT 1"),
            "CREATE VIEW IF NOT EXISTS db.v COMMENT 'c' AS SELECT 1");
  StatementPtr s = parse("CREATE OR REPLACE TEMP VIEW v AS  SELECT a\n FROM t  ");
  const CreateView* v = s->as<CreateView>();
  ASSERT_NE(v, nullptr);
  EXPECT_TRUE(v->or_replace);
  EXPECT_TRUE(v->temporary);
  EXPECT_FALSE(v->global);
  EXPECT_EQ(v->query_text, "SELECT a\n FROM t");
  EXPECT_THAT(
      statement_error("CREATE GLOBAL VIEW v AS SELECT 1"),
      StatusIs(StatusCode::kParseError, "line 1, column 15: expected TEMPORARY, found 'VIEW'"));
  EXPECT_THAT(statement_error("CREATE TEMP VIEW v SELECT 1"),
              StatusIs(StatusCode::kParseError, "line 1, column 20: expected AS, found 'SELECT'"));
}

TEST(ParserStatementTest, Insert) {
  EXPECT_EQ(stmt("INSERT INTO t VALUES (1, 'a'), (2, 'b')"),
            "INSERT INTO t VALUES (1, 'a'), (2, 'b')");
  EXPECT_EQ(stmt("INSERT INTO TABLE t (a, b) SELECT x, y FROM s"),
            "INSERT INTO t (a, b) SELECT x, y FROM s");
  EXPECT_EQ(stmt("INSERT INTO t (SELECT * FROM s)"), "INSERT INTO t SELECT * FROM s");
  EXPECT_EQ(stmt("INSERT OVERWRITE t SELECT * FROM s"), "INSERT OVERWRITE t SELECT * FROM s");
  EXPECT_EQ(stmt("INSERT OVERWRITE TABLE t PARTITION (region = 'EU', day) SELECT * FROM s"),
            "INSERT OVERWRITE t PARTITION (region = 'EU', day) SELECT * FROM s");
  EXPECT_EQ(stmt("INSERT INTO t REPLACE WHERE region = 'EU' SELECT * FROM s"),
            "INSERT INTO t REPLACE WHERE (region = 'EU') SELECT * FROM s");
  EXPECT_EQ(stmt("WITH x AS (SELECT 1 AS a) INSERT INTO t SELECT * FROM x"),
            "WITH x AS (SELECT 1 AS a) INSERT INTO t SELECT * FROM x");
  EXPECT_EQ(stmt("INSERT INTO t WITH x AS (SELECT 1 AS a) SELECT * FROM x"),
            "INSERT INTO t WITH x AS (SELECT 1 AS a) SELECT * FROM x");
  EXPECT_EQ(stmt("INSERT INTO table VALUES (1)"), "INSERT INTO `table` VALUES (1)");
  StatementPtr s = parse("INSERT INTO t (a, b) VALUES (1, 2)");
  const Insert* ins = s->as<Insert>();
  ASSERT_NE(ins, nullptr);
  EXPECT_FALSE(ins->overwrite);
  EXPECT_THAT(ins->columns, ElementsAre("a", "b"));
  ASSERT_NE(ins->query->as<Values>(), nullptr);
  EXPECT_EQ(ins->query->as<Values>()->rows.size(), 1u);
  EXPECT_THAT(
      statement_error("INSERT t VALUES (1)"),
      StatusIs(StatusCode::kParseError, "line 1, column 8: expected INTO or OVERWRITE, found 't'"));
  EXPECT_THAT(statement_error("INSERT INTO t (a) 5"),
              StatusIs(StatusCode::kParseError, "line 1, column 19: expected a query, found '5'"));
}

TEST(ParserStatementTest, UpdateAndDelete) {
  EXPECT_EQ(stmt("UPDATE t SET a = 1, b = b + 1 WHERE id = 3"),
            "UPDATE t SET a = 1, b = (b + 1) WHERE (id = 3)");
  EXPECT_EQ(stmt("UPDATE db.t AS x SET x.a = NULL"), "UPDATE db.t AS x SET x.a = NULL");
  EXPECT_EQ(stmt("UPDATE t x SET s.inner.f = 'v'"), "UPDATE t AS x SET s.`inner`.f = 'v'");
  EXPECT_EQ(stmt("DELETE FROM t"), "DELETE FROM t");
  EXPECT_EQ(stmt("DELETE FROM t AS x WHERE x.a IN (SELECT a FROM s)"),
            "DELETE FROM t AS x WHERE (x.a IN (SELECT a FROM s))");
  EXPECT_EQ(stmt("DELETE FROM delta.`/p` WHERE d < '2020-01-01'"),
            "DELETE FROM delta.`/p` WHERE (d < '2020-01-01')");
  EXPECT_EQ(stmt("WITH old AS (SELECT id FROM s) DELETE FROM t WHERE id IN (SELECT id FROM old)"),
            "WITH old AS (SELECT id FROM s) DELETE FROM t WHERE (id IN (SELECT id FROM old))");
  StatementPtr s = parse("UPDATE t SET a.b = 1");
  const Update* u = s->as<Update>();
  ASSERT_NE(u, nullptr);
  ASSERT_EQ(u->assignments.size(), 1u);
  EXPECT_THAT(u->assignments[0].column, ElementsAre("a", "b"));
  EXPECT_EQ(u->assignments[0].pos, (SourcePosition{1, 14}));
  EXPECT_THAT(statement_error("UPDATE t SET a 1"),
              StatusIs(StatusCode::kParseError, "line 1, column 16: expected '=', found '1'"));
  EXPECT_THAT(statement_error("DELETE t"),
              StatusIs(StatusCode::kParseError, "line 1, column 8: expected FROM, found 't'"));
}

TEST(ParserStatementTest, MergeSeedScenario) {
  StatementPtr s = parse(
      "MERGE INTO target t USING staged s ON t.txn_id = s.txn_id\n"
      "  WHEN MATCHED AND t.amount <> s.amount THEN UPDATE SET *\n"
      "  WHEN NOT MATCHED THEN INSERT *");
  ASSERT_NE(s, nullptr);
  const Merge* m = s->as<Merge>();
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->target.parts, QualifiedName{"target"});
  EXPECT_EQ(m->target_alias, "t");
  ASSERT_NE(m->source->as<BaseTable>(), nullptr);
  EXPECT_EQ(m->source->as<BaseTable>()->name.parts, QualifiedName{"staged"});
  EXPECT_EQ(m->source->alias, "s");
  ASSERT_EQ(m->clauses.size(), 2u);
  EXPECT_EQ(m->clauses[0].match, MergeMatch::kMatched);
  EXPECT_EQ(m->clauses[0].action, MergeAction::kUpdateStar);
  EXPECT_NE(m->clauses[0].condition, nullptr);
  EXPECT_EQ(m->clauses[0].pos, (SourcePosition{2, 3}));
  EXPECT_EQ(m->clauses[1].match, MergeMatch::kNotMatchedByTarget);
  EXPECT_EQ(m->clauses[1].action, MergeAction::kInsertStar);
  EXPECT_EQ(m->clauses[1].condition, nullptr);
  EXPECT_EQ(to_sql(*s),
            "MERGE INTO target AS t USING staged AS s ON (t.txn_id = s.txn_id) WHEN MATCHED AND "
            "(t.amount <> s.amount) "
            "THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
}

TEST(ParserStatementTest, MergeClauseKinds) {
  EXPECT_EQ(stmt("MERGE INTO t USING s ON t.k = s.k WHEN MATCHED THEN DELETE"),
            "MERGE INTO t USING s ON (t.k = s.k) WHEN MATCHED THEN DELETE");
  EXPECT_EQ(stmt("MERGE INTO t USING s ON t.k = s.k WHEN MATCHED THEN UPDATE SET t.a = s.a, b = 2"),
            "MERGE INTO t USING s ON (t.k = s.k) WHEN MATCHED THEN UPDATE SET t.a = s.a, b = 2");
  EXPECT_EQ(stmt("MERGE INTO t USING s ON t.k = s.k WHEN NOT MATCHED BY TARGET AND s.x > 0 THEN "
                 "INSERT (k, a) VALUES (s.k, s.a)"),
            "MERGE INTO t USING s ON (t.k = s.k) WHEN NOT MATCHED AND (s.x > 0) THEN INSERT (k, a) "
            "VALUES (s.k, s.a)");
  EXPECT_EQ(stmt("MERGE INTO t USING s ON t.k = s.k WHEN NOT MATCHED BY SOURCE THEN DELETE"),
            "MERGE INTO t USING s ON (t.k = s.k) WHEN NOT MATCHED BY SOURCE THEN DELETE");
  EXPECT_EQ(stmt("MERGE INTO t USING s ON t.k = s.k WHEN NOT MATCHED BY SOURCE AND t.d < 5 THEN "
                 "UPDATE SET active = false"),
            "MERGE INTO t USING s ON (t.k = s.k) WHEN NOT MATCHED BY SOURCE AND (t.d < 5) THEN "
            "UPDATE SET active = FALSE");
  EXPECT_EQ(stmt("MERGE INTO t USING s ON t.k = s.k WHEN NOT MATCHED THEN INSERT VALUES (s.k)"),
            "MERGE INTO t USING s ON (t.k = s.k) WHEN NOT MATCHED THEN INSERT VALUES (s.k)");
  // Every clause kind, several of each, in a mixed order: order and kinds are kept.
  StatementPtr s = parse(
      "MERGE INTO db.target AS t USING (SELECT * FROM src WHERE region = :region) AS s ON t.id = "
      "s.id "
      "WHEN MATCHED AND s.op = 'D' THEN DELETE "
      "WHEN NOT MATCHED BY SOURCE AND t.region = :region THEN DELETE "
      "WHEN MATCHED AND s.v > t.v THEN UPDATE SET v = s.v "
      "WHEN NOT MATCHED AND s.op <> 'D' THEN INSERT (id, v) VALUES (s.id, s.v) "
      "WHEN MATCHED THEN UPDATE SET * "
      "WHEN NOT MATCHED BY SOURCE THEN UPDATE SET stale = true "
      "WHEN NOT MATCHED THEN INSERT *");
  ASSERT_NE(s, nullptr);
  const Merge* m = s->as<Merge>();
  ASSERT_NE(m->source->as<DerivedTable>(), nullptr);
  EXPECT_EQ(m->source->alias, "s");
  ASSERT_EQ(m->clauses.size(), 7u);
  const std::pair<MergeMatch, MergeAction> expected[] = {
      {MergeMatch::kMatched, MergeAction::kDelete},
      {MergeMatch::kNotMatchedBySource, MergeAction::kDelete},
      {MergeMatch::kMatched, MergeAction::kUpdate},
      {MergeMatch::kNotMatchedByTarget, MergeAction::kInsert},
      {MergeMatch::kMatched, MergeAction::kUpdateStar},
      {MergeMatch::kNotMatchedBySource, MergeAction::kUpdate},
      {MergeMatch::kNotMatchedByTarget, MergeAction::kInsertStar},
  };
  for (size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(m->clauses[i].match, expected[i].first) << i;
    EXPECT_EQ(m->clauses[i].action, expected[i].second) << i;
    EXPECT_EQ(m->clauses[i].condition != nullptr, i < 4) << i;
  }
  EXPECT_EQ(m->clauses[3].insert_columns.size(), 2u);
  EXPECT_EQ(m->clauses[3].insert_values.size(), 2u);
  EXPECT_EQ(m->clauses[2].assignments[0].column, QualifiedName{"v"});
  EXPECT_EQ(stmt(to_sql(*s)), to_sql(*s));
}

TEST(ParserStatementTest, MergeSources) {
  EXPECT_EQ(stmt("MERGE INTO t USING delta.`/src` s ON t.k = s.k WHEN MATCHED THEN DELETE"),
            "MERGE INTO t USING delta.`/src` AS s ON (t.k = s.k) WHEN MATCHED THEN DELETE");
  EXPECT_EQ(
      stmt("MERGE INTO t USING src VERSION AS OF 3 AS s ON t.k = s.k WHEN MATCHED THEN DELETE"),
      "MERGE INTO t USING src VERSION AS OF 3 AS s ON (t.k = s.k) WHEN MATCHED THEN DELETE");
  EXPECT_EQ(stmt("MERGE INTO t USING read_parquet('x/*.parquet') s ON t.k = s.k WHEN NOT MATCHED "
                 "THEN INSERT *"),
            "MERGE INTO t USING read_parquet('x/*.parquet') AS s ON (t.k = s.k) WHEN NOT MATCHED "
            "THEN INSERT *");
  EXPECT_EQ(
      stmt("WITH c AS (SELECT * FROM src) MERGE INTO t USING c ON t.k = c.k WHEN MATCHED THEN "
           "DELETE"),
      "WITH c AS (SELECT * FROM src) MERGE INTO t USING c ON (t.k = c.k) WHEN MATCHED THEN DELETE");
  EXPECT_EQ(stmt("MERGE INTO t USING (SELECT 1 AS k) ON t.k = k WHEN MATCHED THEN DELETE"),
            "MERGE INTO t USING (SELECT 1 AS k) ON (t.k = k) WHEN MATCHED THEN DELETE");
}

TEST(ParserStatementTest, MergeValidation) {
  EXPECT_THAT(
      statement_error("MERGE INTO t USING s ON t.k = s.k\n  WHEN MATCHED THEN DELETE\n  WHEN "
                      "MATCHED THEN UPDATE SET *"),
      StatusIs(StatusCode::kParseError,
               "line 2, column 3: only the last WHEN MATCHED clause may omit its condition"));
  EXPECT_THAT(statement_error("MERGE INTO t USING s ON k WHEN NOT MATCHED THEN INSERT * WHEN NOT "
                              "MATCHED AND x THEN INSERT *"),
              StatusIs(StatusCode::kParseError,
                       "line 1, column 27: only the last WHEN NOT MATCHED [BY TARGET] clause may "
                       "omit its condition"));
  EXPECT_THAT(statement_error("MERGE INTO t USING s ON k WHEN NOT MATCHED BY SOURCE THEN DELETE "
                              "WHEN NOT MATCHED BY SOURCE AND x THEN DELETE"),
              StatusIs(StatusCode::kParseError,
                       "line 1, column 27: only the last WHEN NOT MATCHED BY SOURCE clause may "
                       "omit its condition"));
  // Unconditional clauses of different kinds are fine, in any order.
  ASSERT_OK(parse_statement(
      "MERGE INTO t USING s ON k WHEN MATCHED THEN DELETE WHEN NOT MATCHED THEN INSERT * "
      "WHEN NOT MATCHED BY SOURCE THEN DELETE"));
  ASSERT_OK(parse_statement(
      "MERGE INTO t USING s ON k WHEN MATCHED AND a THEN DELETE WHEN MATCHED AND b THEN DELETE"));
  EXPECT_THAT(
      statement_error("MERGE INTO t USING s ON k"),
      StatusIs(StatusCode::kParseError, "line 1, column 26: expected WHEN, found end of input"));
  EXPECT_THAT(statement_error("MERGE INTO t USING s ON k WHEN MATCHED THEN INSERT *"),
              StatusIs(StatusCode::kParseError,
                       "line 1, column 45: expected UPDATE or DELETE, found 'INSERT'"));
  EXPECT_THAT(
      statement_error("MERGE INTO t USING s ON k WHEN NOT MATCHED THEN DELETE"),
      StatusIs(StatusCode::kParseError, "line 1, column 49: expected INSERT, found 'DELETE'"));
  EXPECT_THAT(statement_error("MERGE INTO t USING s ON k WHEN NOT MATCHED BY SOURCE THEN INSERT *"),
              StatusIs(StatusCode::kParseError,
                       "line 1, column 59: expected UPDATE or DELETE, found 'INSERT'"));
  EXPECT_THAT(
      statement_error("MERGE INTO t USING s ON k WHEN NOT MATCHED BY SOURCE THEN UPDATE SET *"),
      StatusIs(StatusCode::kParseError,
               "line 1, column 70: UPDATE SET * is not allowed in WHEN NOT MATCHED BY SOURCE"));
  EXPECT_THAT(statement_error("MERGE INTO t USING s ON k WHEN NOT MATCHED BY FOO THEN INSERT *"),
              StatusIs(StatusCode::kParseError,
                       "line 1, column 47: expected TARGET or SOURCE, found 'FOO'"));
  EXPECT_THAT(
      statement_error("MERGE INTO t USING s ON k WHEN NOT MATCHED THEN INSERT (a, b) VALUES (1)"),
      StatusIs(StatusCode::kParseError, "line 1, column 56: INSERT lists 2 columns but 1 values"));
  EXPECT_THAT(statement_error("MERGE INTO t USING s WHEN MATCHED THEN DELETE"),
              StatusIs(StatusCode::kParseError, "line 1, column 22: expected ON, found 'WHEN'"));
  EXPECT_THAT(
      statement_error("MERGE INTO t USING s ON k WHEN MATCHED DELETE"),
      StatusIs(StatusCode::kParseError, "line 1, column 40: expected THEN, found 'DELETE'"));
}

TEST(ParserStatementTest, Describe) {
  EXPECT_EQ(stmt("DESCRIBE t"), "DESCRIBE t");
  EXPECT_EQ(stmt("DESC TABLE db.t"), "DESCRIBE db.t");
  EXPECT_EQ(stmt("DESCRIBE TABLE EXTENDED t"), "DESCRIBE EXTENDED t");
  EXPECT_EQ(stmt("describe formatted t"), "DESCRIBE EXTENDED t");
  EXPECT_EQ(stmt("DESCRIBE HISTORY t"), "DESCRIBE HISTORY t");
  EXPECT_EQ(stmt("DESCRIBE HISTORY t LIMIT 5"), "DESCRIBE HISTORY t LIMIT 5");
  EXPECT_EQ(stmt("DESCRIBE HISTORY '/data/t'"), "DESCRIBE HISTORY delta.`/data/t`");
  EXPECT_EQ(stmt("DESCRIBE DETAIL delta.`/data/t`"), "DESCRIBE DETAIL delta.`/data/t`");
  EXPECT_EQ(stmt("DESCRIBE history"), "DESCRIBE `history`");  // a table called history
  StatementPtr s = parse("DESCRIBE HISTORY t LIMIT 3");
  const Describe* d = s->as<Describe>();
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->kind, DescribeKind::kHistory);
  EXPECT_EQ(d->limit->as<Literal>()->text, "3");
}

TEST(ParserStatementTest, Show) {
  EXPECT_EQ(stmt("SHOW TABLES"), "SHOW TABLES");
  EXPECT_EQ(stmt("SHOW TABLES IN db LIKE 'sales*'"), "SHOW TABLES IN db LIKE 'sales*'");
  EXPECT_EQ(stmt("SHOW TABLES FROM db 'x*'"), "SHOW TABLES IN db LIKE 'x*'");
  EXPECT_EQ(stmt("SHOW VIEWS"), "SHOW VIEWS");
  EXPECT_EQ(stmt("SHOW COLUMNS FROM t"), "SHOW COLUMNS IN t");
  EXPECT_EQ(stmt("SHOW COLUMNS IN t IN db"), "SHOW COLUMNS IN t IN db");
  EXPECT_THAT(statement_error("SHOW FUNCTIONS"),
              StatusIs(StatusCode::kParseError,
                       "line 1, column 6: expected TABLES, VIEWS or COLUMNS, found 'FUNCTIONS'"));
}

TEST(ParserStatementTest, OptimizeVacuum) {
  EXPECT_EQ(stmt("OPTIMIZE t"), "OPTIMIZE t");
  EXPECT_EQ(stmt("OPTIMIZE t WHERE date >= '2024-01-01' ZORDER BY (a, b.c)"),
            "OPTIMIZE t WHERE (`date` >= '2024-01-01') ZORDER BY (a, b.c)");
  EXPECT_EQ(stmt("OPTIMIZE '/data/t' ZORDER BY a"), "OPTIMIZE delta.`/data/t` ZORDER BY (a)");
  EXPECT_EQ(stmt("VACUUM t"), "VACUUM t");
  EXPECT_EQ(stmt("VACUUM t RETAIN 168 HOURS DRY RUN"), "VACUUM t RETAIN 168 HOURS DRY RUN");
  EXPECT_EQ(stmt("VACUUM delta.`/p` RETAIN 0.5 HOURS"), "VACUUM delta.`/p` RETAIN 0.5 HOURS");
  StatementPtr s = parse("VACUUM t RETAIN 24 HOURS");
  EXPECT_EQ(s->as<Vacuum>()->retain_hours, 24.0);
  EXPECT_FALSE(s->as<Vacuum>()->dry_run);
  EXPECT_THAT(statement_error("VACUUM t RETAIN x HOURS"),
              StatusIs(StatusCode::kParseError,
                       "line 1, column 17: expected a number of hours, found 'x'"));
  EXPECT_THAT(statement_error("VACUUM t RETAIN 5 DAYS"),
              StatusIs(StatusCode::kParseError, "line 1, column 19: expected HOURS, found 'DAYS'"));
}

TEST(ParserStatementTest, AlterTableProperties) {
  EXPECT_EQ(stmt("ALTER TABLE t SET TBLPROPERTIES ('delta.appendOnly' = 'true', owner = qa)"),
            "ALTER TABLE t SET TBLPROPERTIES ('delta.appendOnly' = 'true', 'owner' = 'qa')");
  EXPECT_EQ(stmt("alter table delta.`/p` unset tblproperties if exists (delta.appendOnly, 'x')"),
            "ALTER TABLE delta.`/p` UNSET TBLPROPERTIES IF EXISTS ('delta.appendOnly', 'x')");
  StatementPtr s = parse("ALTER TABLE t UNSET TBLPROPERTIES ('k')");
  ASSERT_NE(s->as<AlterTableProperties>(), nullptr);
  EXPECT_TRUE(s->as<AlterTableProperties>()->unset);
  EXPECT_FALSE(s->as<AlterTableProperties>()->if_exists);
  EXPECT_THAT(statement_error("ALTER TABLE t ADD COLUMN x INT"),
              StatusIs(StatusCode::kParseError, ::testing::HasSubstr("ALTER TABLE ... ADD is not supported")));
}

TEST(ParserStatementTest, ExplainAndSet) {
  EXPECT_EQ(stmt("EXPLAIN SELECT 1"), "EXPLAIN SELECT 1");
  EXPECT_EQ(stmt("EXPLAIN EXTENDED SELECT 1"), "EXPLAIN EXTENDED SELECT 1");
  EXPECT_EQ(stmt("EXPLAIN FORMATTED MERGE INTO t USING s ON k WHEN MATCHED THEN DELETE"),
            "EXPLAIN FORMATTED MERGE INTO t USING s ON k WHEN MATCHED THEN DELETE");
  StatementPtr s = parse("EXPLAIN  SELECT 1");
  ASSERT_NE(s->as<Explain>(), nullptr);
  EXPECT_EQ(s->as<Explain>()->statement->text, "SELECT 1");
  EXPECT_EQ(s->as<Explain>()->statement->pos, (SourcePosition{1, 10}));
  EXPECT_EQ(stmt("SET spark.sql.shuffle.partitions = 8"), "SET spark.sql.shuffle.partitions = '8'");
  EXPECT_EQ(stmt("SET braid.x = 'a;b'"), "SET braid.x = 'a;b'");
  EXPECT_EQ(stmt("SET k"), "SET k");
  EXPECT_EQ(stmt("SET"), "SET");
  s = parse("SET spark.sql.x=some value");
  const SetOption* o = s->as<SetOption>();
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->key, "spark.sql.x");
  EXPECT_EQ(o->value, "some value");
  s = parse("SET k = 'quoted'");
  EXPECT_EQ(s->as<SetOption>()->value, "quoted");
  // SET TIME ZONE is the session time zone setting; RESET [key] resets.
  EXPECT_EQ(stmt("SET TIME ZONE 'America/New_York'"), "SET spark.sql.session.timeZone = 'America/New_York'");
  EXPECT_EQ(stmt("set time zone LOCAL"), "SET spark.sql.session.timeZone = 'LOCAL'");
  EXPECT_THAT(statement_error("SET TIME ZONE"), StatusIs(StatusCode::kParseError, HasSubstr("expected a time zone")));
  EXPECT_EQ(stmt("RESET"), "RESET");
  EXPECT_EQ(stmt("RESET spark.sql.ansi.enabled;"), "RESET spark.sql.ansi.enabled");
  s = parse("RESET memory_limit");
  ASSERT_NE(s->as<SetOption>(), nullptr);
  EXPECT_TRUE(s->as<SetOption>()->reset);
  EXPECT_EQ(s->as<SetOption>()->key, "memory_limit");
}

TEST(ParserStatementTest, CommentsEverywhere) {
  StatementPtr s =
      parse("-- leading\nSELECT /* inline */ a -- trailing\nFROM /* multi\nline */ t;");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(to_sql(*s), "SELECT a FROM t");
  EXPECT_EQ(s->pos, (SourcePosition{2, 1}));
  EXPECT_EQ(s->text, "SELECT /* inline */ a -- trailing\nFROM /* multi\nline */ t");
  EXPECT_THAT(statement_error("SELECT 1 /* oops"),
              StatusIs(StatusCode::kParseError, "line 1, column 10: unterminated comment"));
}

TEST(ParserStatementTest, ReservedWords) {
  EXPECT_TRUE(is_reserved_word("select"));
  EXPECT_TRUE(is_reserved_word("From"));
  EXPECT_FALSE(is_reserved_word("date"));
  EXPECT_FALSE(is_reserved_word("region"));
  EXPECT_FALSE(is_reserved_word("end"));
  EXPECT_EQ(quote_identifier("a"), "a");
  EXPECT_EQ(quote_identifier("select"), "`select`");
  EXPECT_EQ(quote_identifier("a b"), "`a b`");
  EXPECT_EQ(quote_identifier("a`b"), "`a``b`");
  EXPECT_EQ(quote_identifier("1a"), "`1a`");
  EXPECT_EQ(quote_string("it's\n"), "'it\\'s\\n'");
  EXPECT_THAT(statement_error("SELECT select FROM t"),
              StatusIs(StatusCode::kParseError,
                       "line 1, column 8: expected an expression, found 'select'"));
  EXPECT_EQ(stmt("SELECT `select` FROM `from`"), "SELECT `select` FROM `from`");
}

// A broad set of statements must print and reparse to the same text.
TEST(ParserStatementTest, RoundTripCorpus) {
  const char* corpus[] = {
      "SELECT txn_id, upper(region) AS region, quantity * unit_price AS amount FROM sales "
      "WHERE region = :region AND status <> 'void'",
      "SELECT DISTINCT region FROM sales",
      "SELECT a, CASE WHEN b IS NULL THEN 0 ELSE b END AS b FROM t WHERE NOT (a IN (1, 2) OR c "
      "LIKE '%x%')",
      "SELECT r, sum(amount) FILTER (WHERE amount > 0) AS pos FROM t GROUP BY r HAVING count(*) > "
      "2 ORDER BY 2 DESC",
      "SELECT * FROM a LEFT JOIN b ON a.k = b.k AND b.d BETWEEN DATE '2024-01-01' AND DATE "
      "'2024-12-31'",
      "WITH x AS (SELECT * FROM t VERSION AS OF 4) SELECT count(*) FROM x",
      "SELECT CAST(amount AS DECIMAL(12, 2)), amount::double, TRY_CAST(s AS INT) FROM t",
      "SELECT m['k'], arr[0], s.f.g, named_struct('a', 1).a FROM t",
      "SELECT x FROM t WHERE x <=> NULL OR x IS DISTINCT FROM y OR x IS NOT TRUE",
      "SELECT a & b | c ^ ~d, a DIV 2, a % 3, 'a' || 'b' FROM t",
      "SELECT * FROM t WHERE ts > current_timestamp() - INTERVAL 7 DAYS",
      "SELECT row_number() OVER (PARTITION BY a ORDER BY b ROWS BETWEEN 1 PRECEDING AND 1 "
      "FOLLOWING) FROM t",
      "SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.k = t.k) AND k NOT IN (SELECT k FROM "
      "v)",
      "SELECT (SELECT max(v) FROM u) AS m, (1, 2) AS r",
      "INSERT INTO t SELECT * FROM s UNION ALL SELECT * FROM u",
      "MERGE INTO t USING (SELECT * FROM s) s ON t.k = s.k WHEN MATCHED AND s.d THEN DELETE "
      "WHEN MATCHED THEN UPDATE SET t.v = s.v, t.n = t.n + 1 WHEN NOT MATCHED THEN INSERT (k, v) "
      "VALUES (s.k, s.v)",
      "CREATE TABLE t (a STRUCT<x: INT, y: ARRAY<MAP<STRING, DECIMAL(5, 1)>>>) USING DELTA",
      "SELECT `a-b`, `order`, `1st` FROM `my table`",
      "SELECT 'multi\\nline', 'tab\\t', 'quote\\'', 'back\\\\slash', '\\u0001'",
      "SELECT -x, - -y, +z, NOT NOT w FROM t",
      "SELECT * FROM t1 CROSS JOIN t2 LEFT SEMI JOIN t3 ON t1.a = t3.a LEFT ANTI JOIN t4 USING (a)",
      "SELECT a FROM t ORDER BY a NULLS LAST LIMIT 10 OFFSET 20",
      "SELECT sum(x) OVER w, avg(x) OVER (w ROWS 2 PRECEDING) FROM t WINDOW w AS (PARTITION BY g "
      "ORDER BY o)",
  };
  for (const char* sql : corpus) {
    SCOPED_TRACE(sql);
    stmt(sql);
  }
}

// The fuzz seeds (test/fuzz/corpus/sql_parser) cover the grammar: all parse, except errors*.sql.
TEST(ParserStatementTest, FuzzSeedCorpusParses) {
  const std::filesystem::path dir =
      std::filesystem::path(BRAID_SOURCE_DIR) / "test/fuzz/corpus/sql_parser";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const std::string name = entry.path().filename().string();
    const std::string sql = text.str();
    SCOPED_TRACE(name);
    ++files;
    if (name.rfind("errors", 0) == 0) {
      EXPECT_THAT(parse_statements(sql),
                  StatusIs(StatusCode::kParseError, HasSubstr("line 1, column 14")));
    } else if (name.rfind("guard_", 0) == 0) {
      EXPECT_OK(parse_expression(sql));
    } else if (name.rfind("type_", 0) == 0) {
      EXPECT_OK(parse_type_name(sql));
    } else {
      auto statements = parse_statements(sql);
      ASSERT_OK(statements);
      for (const auto& st : *statements) stmt(to_sql(*st));
    }
  }
  EXPECT_GE(files, 12);
}

}  // namespace
}  // namespace braid::sql
