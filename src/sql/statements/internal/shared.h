// What the statements of sql/statements/ share: names compared as Spark compares identifiers,
// SQL positions in errors, a table's columns as expressions see them, and the write path of DML
// (the commit a WriteControl asks for, its guard, a WHERE as a Delta row predicate).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "braid/result.h"
#include "columnar/record_batch.h"
#include "common/ascii.h"
#include "delta/table.h"
#include "exec/expr/expression.h"
#include "sql/ast.h"
#include "sql/binder.h"
#include "sql/write_control.h"

namespace braid::sql {

using ascii::lower;

// "line 2, column 8: " for a known position, else nothing.
std::string at(SourcePosition pos);

// A column's comment, as Delta keeps it in the column's metadata.
std::optional<std::string> comment_of(const Field& f);

// The columns of a table as expressions see them.
std::vector<BoundColumn> table_columns(const Schema& s, const std::string& qualifier);

// A RowPredicate from a bound boolean expression.
delta::RowPredicate row_predicate(exec::ExprPtr predicate, const exec::EvalContext& eval);

// The Delta write options a WriteControl asks for.
delta::WriteOptions write_options(const WriteControl& control);

Status check_guard(const WriteControl& control, const std::vector<RecordBatchPtr>& rows);

}  // namespace braid::sql
