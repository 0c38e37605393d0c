// The SQL parser: Spark SQL text to the syntax tree of ast.h (recursive descent over the
// tokens of lexer.h).
//
// Errors are kParseError with the position of the offending token:
//   "line 1, column 15: expected an expression, found 'FROM'"
//   "line 3, column 1: expected ';' or end of input, found 'SELEC'"
//   "line 2, column 5: only the last WHEN MATCHED clause may omit its condition"
// Spark syntax that braid recognises but does not implement is kNotImplemented, naming it:
//   "line 1, column 10: not supported: SELECT * EXCEPT (...) (list the columns to keep)"
// Nesting is bounded ("nesting too deep"): kMaxNestingDepth levels of parentheses, subqueries,
// operators chained into one tree, ..., and a stack budget as a backstop; so no input can
// exhaust the stack here, nor in a recursive walk over a parsed tree (its height is at most
// kMaxNestingDepth).
//
// Keywords are contextual, as in Spark: clause words (SELECT, FROM, WHERE, JOIN, ON, AND, ...)
// are reserved and need backticks as names; most others (date, region, offset, history, ...)
// are plain names wherever a keyword cannot appear (the list is keywords.h).
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>
#include <vector>

#include "braid/result.h"
#include "sql/ast.h"

namespace braid::sql {

inline constexpr int kMaxNestingDepth = 1000;

// Statements separated by ';' (the last one's ';' optional; empty statements are skipped).
Result<std::vector<StatementPtr>> parse_statements(std::string_view sql);

// Exactly one statement (a trailing ';' is allowed).
Result<StatementPtr> parse_statement(std::string_view sql);

// One expression and nothing else (pipeline guards, expectations, for_each filters).
Result<ExprPtr> parse_expression(std::string_view sql);

// `error` with "line L, column C: " of `pos` in front, its context (the file a read failed on,
// ...) kept in the message: how errors of running a statement point at its SQL. Unchanged when
// `pos` is unknown or the error already names a position.
Status error_at(SourcePosition pos, const Status& error);

// One type name ("DECIMAL(12, 2)", "ARRAY<STRUCT<a: INT>>").
Result<TypeName> parse_type_name(std::string_view sql);

// Fields separated by commas, as in a Spark DDL schema string: "id BIGINT, qty STRING NOT NULL"
// (each `name type` or `name: type`, optionally NOT NULL and COMMENT '...').
Result<std::vector<StructFieldType>> parse_field_list(std::string_view sql);

// Words the parser reserves: as a name they must be quoted in backticks.
bool is_reserved_word(std::string_view word);

}  // namespace braid::sql
