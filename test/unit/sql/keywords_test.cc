// The keyword list (keywords.h): the words the parser reserves, the words it will not take as an
// implicit alias and the words the printer quotes are the ones the three lists before it held.
#include "sql/keywords.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "sql/ast.h"
#include "sql/parser.h"

namespace braid::sql {
namespace {

constexpr std::string_view kReserved[] = {
    "ALL",       "AND",   "AS",   "BETWEEN", "CASE",    "CROSS",  "DISTINCT", "ELSE",
    "EXCEPT",    "FALSE", "FROM", "FULL",    "GROUP",   "HAVING", "IN",       "INNER",
    "INTERSECT", "IS",    "JOIN", "LATERAL", "LIMIT",   "MINUS",  "NATURAL",  "NOT",
    "NULL",      "ON",    "OR",   "ORDER",   "QUALIFY", "SELECT", "THEN",     "TRUE",
    "UNION",     "USING", "WHEN", "WHERE",   "WITH"};
constexpr std::string_view kReservedFunctions[] = {"ILIKE",  "LEFT",  "LIKE",
                                                   "REGEXP", "RIGHT", "RLIKE"};
constexpr std::string_view kNoImplicitAlias[] = {
    "ANTI", "CLUSTER", "DISTRIBUTE", "DIV", "END",  "ESCAPE",      "FILTER",  "FOR",   "OFFSET",
    "OVER", "PIVOT",   "SEMI",       "SET", "SORT", "TABLESAMPLE", "UNPIVOT", "WINDOW"};
constexpr std::string_view kContextual[] = {"ASC",
                                            "BOTH",
                                            "BY",
                                            "CAST",
                                            "CODEGEN",
                                            "COLUMNS",
                                            "COMMENT",
                                            "COST",
                                            "CREATE",
                                            "CURRENT",
                                            "CURRENT_DATE",
                                            "CURRENT_TIMESTAMP",
                                            "CURRENT_USER",
                                            "DATE",
                                            "DELETE",
                                            "DESC",
                                            "DESCRIBE",
                                            "DETAIL",
                                            "DROP",
                                            "DRY",
                                            "EXISTS",
                                            "EXPLAIN",
                                            "EXTENDED",
                                            "EXTRACT",
                                            "FIRST",
                                            "FOLLOWING",
                                            "FORMATTED",
                                            "GLOBAL",
                                            "HISTORY",
                                            "HOURS",
                                            "IF",
                                            "IGNORE",
                                            "INSERT",
                                            "INTERVAL",
                                            "INTO",
                                            "LAST",
                                            "LEADING",
                                            "MATCHED",
                                            "MERGE",
                                            "NULLS",
                                            "OF",
                                            "OUTER",
                                            "PARTITION",
                                            "PRECEDING",
                                            "RANGE",
                                            "REPLACE",
                                            "RESPECT",
                                            "RETAIN",
                                            "ROW",
                                            "ROWS",
                                            "SUBSTR",
                                            "SUBSTRING",
                                            "SYSTEM_TIME",
                                            "SYSTEM_VERSION",
                                            "TABLE",
                                            "TIMESTAMP",
                                            "TIMESTAMP_LTZ",
                                            "TIMESTAMP_NTZ",
                                            "TRAILING",
                                            "TRIM",
                                            "TRY_CAST",
                                            "UNBOUNDED",
                                            "UNKNOWN",
                                            "UPDATE",
                                            "VALUES",
                                            "VERSION"};

TEST(KeywordsTest, EachWordHasItsKind) {
  for (std::string_view w : kReserved) {
    EXPECT_EQ(keyword_kind(w), KeywordKind::kReserved) << w;
    EXPECT_TRUE(is_reserved_word(w)) << w;
  }
  for (std::string_view w : kReservedFunctions) {
    EXPECT_EQ(keyword_kind(w), KeywordKind::kReservedFunction) << w;
    EXPECT_TRUE(is_reserved_word(w)) << w;
  }
  for (std::string_view w : kNoImplicitAlias) {
    EXPECT_EQ(keyword_kind(w), KeywordKind::kNoImplicitAlias) << w;
    EXPECT_FALSE(is_reserved_word(w)) << w;
  }
  for (std::string_view w : kContextual) {
    EXPECT_EQ(keyword_kind(w), KeywordKind::kContextual) << w;
    EXPECT_FALSE(is_reserved_word(w)) << w;
  }
}

TEST(KeywordsTest, CaseDoesNotMatter) {
  EXPECT_EQ(keyword_kind("select"), KeywordKind::kReserved);
  EXPECT_EQ(keyword_kind("Left"), KeywordKind::kReservedFunction);
  EXPECT_EQ(keyword_kind("offset"), KeywordKind::kNoImplicitAlias);
  EXPECT_EQ(keyword_kind("Timestamp_Ntz"), KeywordKind::kContextual);
}

TEST(KeywordsTest, OtherWordsAreNone) {
  for (std::string_view w :
       {"", "region", "amount", "SELECTS", "SELEC", "ZZZ", "_", "select ", "AAA"}) {
    EXPECT_FALSE(keyword_kind(w).has_value()) << w;
  }
  // Words the parser matches only where no name can stand are not in the list (the printer
  // leaves them bare, as it always did).
  for (std::string_view w : {"year", "array", "struct", "alter", "vacuum", "zone"}) {
    EXPECT_FALSE(keyword_kind(w).has_value()) << w;
    EXPECT_EQ(quote_identifier(w), w);
  }
}

TEST(KeywordsTest, ThePrinterQuotesEveryKeyword) {
  auto quoted = [](std::string_view w) { return "`" + std::string(w) + "`"; };
  for (std::string_view w : kReserved) EXPECT_EQ(quote_identifier(w), quoted(w));
  for (std::string_view w : kReservedFunctions) EXPECT_EQ(quote_identifier(w), quoted(w));
  for (std::string_view w : kNoImplicitAlias) EXPECT_EQ(quote_identifier(w), quoted(w));
  for (std::string_view w : kContextual) EXPECT_EQ(quote_identifier(w), quoted(w));
  EXPECT_EQ(quote_identifier("offset"), "`offset`");
}

}  // namespace
}  // namespace braid::sql
