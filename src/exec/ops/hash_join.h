// Hash join and cross join of two materialized Tables.
//
// Output columns are the left input's then the right input's (LEFT SEMI and LEFT ANTI: the left
// input's only); the columns of a side that outer joins pad with NULLs become nullable. Keys are
// given as column indices of each side, pairwise of the same type (a planner casts them to a
// common type first), and compare as GROUP BY does (NaN = NaN, -0.0 = 0.0, see row_keys.h). A NULL
// key never matches unless that key is null-safe (`<=>`); rows with unmatched keys still appear in
// outer joins and LEFT ANTI.
//
// A residual predicate (the rest of an ON clause: `a.k = b.k AND a.x < b.y`) sees candidate pairs
// as a batch of left columns then right columns and keeps some; outer, semi and anti joins decide
// on the pairs it keeps, as SQL does.
//
// Parallel plan: the build side (the smaller one unless fixed) is hash-partitioned by key and
// each partition's hash table is built in parallel; probe morsels are then joined in parallel,
// and rows of the build side that outer joins keep come last. Output row order is unspecified but
// the same for any parallelism. Working memory is counted on the context's tracker.
//
// Thread-safety: functions of their arguments; the residual is called concurrently from several
// tasks and must be safe for that.
#pragma once

#include <functional>
#include <vector>

#include "braid/result.h"
#include "exec/ops/table.h"

namespace braid::exec {

enum class JoinType { kInner, kLeft, kRight, kFull, kLeftSemi, kLeftAnti };
enum class BuildSide { kAuto, kLeft, kRight };

std::string_view join_type_name(JoinType type);

// Keep-mask over candidate pairs (left columns then right columns); one value per row.
using JoinResidual = std::function<Result<std::vector<bool>>(const RecordBatch& candidates)>;

struct JoinOptions {
  // One flag per key (true: `<=>`, NULL matches NULL) or empty: no key is null-safe.
  std::vector<bool> null_safe = {};
  // kAuto: hash the input with fewer rows.
  BuildSide build_side = BuildSide::kAuto;
  // Optional.
  JoinResidual residual = {};
};

// The output schema of a join of these inputs.
SchemaPtr join_schema(const Schema& left, const Schema& right, JoinType type);

Result<Table> hash_join(const Table& left, const Table& right, const std::vector<int>& left_keys,
                        const std::vector<int>& right_keys, JoinType type,
                        const JoinOptions& options = {}, const ExecContext& context = {});

// Every pair of rows (left-major order), filtered by the residual when there is one. Meant for
// small inputs: the output has left rows x right rows pairs.
Result<Table> cross_join(const Table& left, const Table& right, const JoinResidual& residual = {},
                         const ExecContext& context = {});

}  // namespace braid::exec
