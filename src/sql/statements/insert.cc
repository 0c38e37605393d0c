// INSERT INTO / INSERT OVERWRITE [PARTITION (...)] / INSERT INTO ... REPLACE WHERE: the query's rows
// appended to a Delta table, or replacing all of it, the partitions they write (dynamic overwrite),
// the partition a PARTITION clause names, or the rows a REPLACE WHERE condition matches.
#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>

#include "columnar/compare.h"
#include "common/ascii.h"
#include "delta/snapshot.h"
#include "delta/table_properties.h"
#include "sql/statements/internal/shared.h"
#include "sql/statements/statements.h"

namespace braid::sql {

namespace {

std::string partition_clause_sql(const Insert& s) {
  std::string out = "PARTITION (";
  for (size_t i = 0; i < s.partition.size(); ++i) {
    if (i > 0) out += ", ";
    out += quote_identifier(s.partition[i].column);
    if (s.partition[i].value) out += " = " + to_sql(*s.partition[i].value);
  }
  return out + ")";
}

// PARTITION (p = 'a', q) of an INSERT, checked against the table: the static values (one-row
// columns of the partition columns' types, by table column), and what a static overwrite of them
// deletes.
struct StaticPartitions {
  std::vector<std::optional<ColumnPtr>> values;  // per table column
  bool any = false;
  std::vector<parquet::ColumnPredicate> skipping;
  delta::RowPredicate matches;
  std::vector<std::string> predicate_sql;
};

using StaticPartitionsPtr = std::shared_ptr<const StaticPartitions>;

Result<StaticPartitionsPtr> static_partitions_of(const Insert& s, const delta::Snapshot& snap, const std::string& name,
                                                 Resolver& resolver) {
  const Schema& target = *snap.schema();
  const auto& partitions = snap.partition_columns();
  auto out = std::make_shared<StaticPartitions>();
  out->values.resize(static_cast<size_t>(target.num_fields()));
  if (s.partition.empty()) return StaticPartitionsPtr(out);
  if (!s.columns.empty()) {
    return Status::not_implemented("INSERT INTO {} with both a PARTITION clause and a column list is not supported", name);
  }
  if (s.replace_where) return Status::invalid_argument("INSERT INTO {}: PARTITION and REPLACE WHERE cannot be combined", name);
  std::vector<bool> seen(static_cast<size_t>(target.num_fields()), false);
  std::vector<std::pair<int, ColumnPtr>> statics;
  for (const auto& p : s.partition) {
    int index = -1;
    for (int i = 0; i < target.num_fields(); ++i) {
      if (lower(target.field(i)->name()) == lower(p.column)) index = i;
    }
    const bool is_partition =
        index >= 0 && std::find(partitions.begin(), partitions.end(), target.field(index)->name()) != partitions.end();
    if (!is_partition) {
      return Status::invalid_argument("{}PARTITION names column '{}', which is not a partition column of {} ({})", at(p.pos),
                                      p.column, name,
                                      partitions.empty() ? std::string("not partitioned")
                                                         : fmt::format("partitioned by {}", fmt::join(partitions, ", ")));
    }
    if (seen[static_cast<size_t>(index)]) return Status::invalid_argument("{}PARTITION names column '{}' twice", at(p.pos), p.column);
    seen[static_cast<size_t>(index)] = true;
    if (!p.value) continue;  // dynamic: the query gives it
    const FieldPtr& f = target.field(index);
    BRAID_ASSIGN_OR_RETURN(auto bound, bind_scalar(*p.value, {}, resolver));
    BRAID_ASSIGN_OR_RETURN(ColumnPtr given, exec::evaluate_constant(bound, resolver.eval_context()));
    auto cast = exec::make_cast(exec::literal(given), f->type(), false);
    Result<ColumnPtr> value = cast.ok() ? exec::evaluate_constant(*cast, resolver.eval_context()) : cast.status();
    // Exact or refused: a number that does not survive the trip to the column's type (1.5 into
    // an INT) is refused too.
    if (value.ok() && given->type()->is_numeric() && f->type()->is_numeric() && !given->is_null(0)) {
      auto back = exec::make_cast(exec::literal(*value), given->type(), true);
      auto round = back.ok() ? exec::evaluate_constant(*back, resolver.eval_context()) : back.status();
      if (!round.ok() || (*round)->is_null(0) || compare_values(**round, 0, *given, 0) != 0) {
        value = Status::invalid_argument("{} does not fit exactly", to_sql(*p.value));
      }
    }
    if (!value.ok()) {
      return Status::invalid_argument("{}the value of partition column '{}' is not {} {}: {}", at(p.pos), f->name(),
                                      f->type()->id() == TypeId::kInt32 || f->type()->id() == TypeId::kInt64 ? "an" : "a",
                                      ascii::upper(f->type()->to_string()),
                                      value.status().message());
    }
    out->values[static_cast<size_t>(index)] = *value;
    out->any = true;
    statics.emplace_back(index, *value);
    parquet::ColumnPredicate pred;
    pred.column = f->name();
    if ((*value)->is_null(0)) {
      pred.op = parquet::ColumnPredicate::Op::kIsNull;
      out->predicate_sql.push_back(fmt::format("({} IS NULL)", quote_identifier(f->name())));
    } else {
      pred.values.push_back(*value);
      out->predicate_sql.push_back(fmt::format("({} = {})", quote_identifier(f->name()), to_sql(*p.value)));
    }
    out->skipping.push_back(std::move(pred));
  }
  out->matches = [statics](const RecordBatch& batch) -> Result<std::vector<bool>> {
    std::vector<bool> mask(static_cast<size_t>(batch.num_rows()), true);
    for (const auto& [index, value] : statics) {
      const Column& col = *batch.column(index);
      for (int64_t r = 0; r < batch.num_rows(); ++r) {
        const bool equal = value->is_null(0) ? col.is_null(r) : !col.is_null(r) && compare_values(col, r, *value, 0) == 0;
        if (!equal) mask[static_cast<size_t>(r)] = false;
      }
    }
    return mask;
  };
  return StaticPartitionsPtr(out);
}

}  // namespace

Result<StatementResult> run_insert(const Insert& s, StatementResolver& resolver) {
  const Warehouse& database = resolver.warehouse();
  const WriteControl& write_control = resolver.write_control();
  WriteStats& last_write = resolver.last_write();
  if (!s.ctes.empty()) return Status::not_implemented("WITH before INSERT is not supported yet; put the WITH inside the query");
  BRAID_ASSIGN_OR_RETURN(std::string path, resolver.table_path(s.table));
  BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(database.fs(), path));
  BRAID_ASSIGN_OR_RETURN(auto snap, table.snapshot());
  const SchemaPtr& target = snap->schema();
  const std::string name = to_sql(s.table);
  if ((s.overwrite || s.replace_where) && delta::is_append_only(snap->metadata())) return delta::append_only_error(name);
  BRAID_ASSIGN_OR_RETURN(const StaticPartitionsPtr statics_ptr, static_partitions_of(s, *snap, name, resolver));
  const StaticPartitions& statics = *statics_ptr;
  BRAID_ASSIGN_OR_RETURN(auto plan, bind_query(*s.query, resolver));
  if (!s.partition.empty()) {
    // The query gives every column but the static partition columns, in the table's order; the
    // static values fill those in (Spark's rule for PARTITION (p = v[, q])).
    std::vector<std::string> wanted;
    for (int i = 0; i < target->num_fields(); ++i) {
      if (!statics.values[static_cast<size_t>(i)]) wanted.push_back(target->field(i)->name());
    }
    if (static_cast<size_t>(plan->schema->num_fields()) != wanted.size()) {
      return Status::invalid_argument("INSERT INTO {} {} needs {} columns ({}) but the query gives {}", name,
                                      partition_clause_sql(s), wanted.size(), fmt::join(wanted, ", "),
                                      plan->schema->num_fields());
    }
    std::vector<exec::ExprPtr> exprs;
    int next = 0;
    for (int i = 0; i < target->num_fields(); ++i) {
      if (const auto& v = statics.values[static_cast<size_t>(i)]) {
        exprs.push_back(exec::literal(*v));
      } else {
        const auto& sf = plan->schema->field(next);
        exprs.push_back(exec::column_ref(next++, sf->type(), sf->name()));
      }
    }
    std::vector<FieldPtr> fields;
    for (int i = 0; i < target->num_fields(); ++i) fields.push_back(field(target->field(i)->name(), exprs[static_cast<size_t>(i)]->type()));
    plan = make_plan(ProjectNode{plan, exprs}, schema(std::move(fields)));
  } else if (!s.columns.empty()) {
    // Named columns: the others are NULL.
    if (s.columns.size() != static_cast<size_t>(plan->schema->num_fields())) {
      return Status::invalid_argument("INSERT names {} columns but the query gives {}", s.columns.size(), plan->schema->num_fields());
    }
    std::vector<exec::ExprPtr> exprs;
    for (int i = 0; i < target->num_fields(); ++i) {
      const auto& f = target->field(i);
      int source = -1;
      for (size_t k = 0; k < s.columns.size(); ++k) {
        if (lower(s.columns[k]) == lower(f->name())) source = static_cast<int>(k);
      }
      if (source < 0) {
        exprs.push_back(exec::null_literal(f->type()));
      } else {
        const auto& sf = plan->schema->field(source);
        exprs.push_back(exec::column_ref(source, sf->type(), sf->name()));
      }
    }
    for (const auto& c : s.columns) {
      bool found = false;
      for (int i = 0; i < target->num_fields(); ++i) found = found || lower(target->field(i)->name()) == lower(c);
      if (!found) return Status::invalid_argument("INSERT names column '{}', which the table does not have", c);
    }
    std::vector<FieldPtr> fields;
    for (const auto& e : exprs) fields.push_back(field("c", e->type()));
    plan = make_plan(ProjectNode{plan, exprs}, schema(std::move(fields)));
  }
  BRAID_ASSIGN_OR_RETURN(plan, cast_to_schema(plan, target, "INSERT INTO " + name));
  BRAID_ASSIGN_OR_RETURN(auto rows, rows_of(plan, resolver.query_context()));
  int64_t n = 0;
  for (const auto& b : rows.batches) n += b->num_rows();
  BRAID_RETURN_IF_ERROR(check_guard(write_control, rows.batches));
  last_write.target = path;
  StatementResult r;
  // Rows count as written only once committed (a txn already applied writes nothing).
  auto count_written = [&](bool skipped) {
    last_write.source_rows = skipped ? 0 : n;
    last_write.inserted = skipped ? 0 : n;
  };
  auto replaced = [&](const delta::MutationResult& result) {
    last_write.version = result.commit.version;
    last_write.skipped = result.commit.skipped;
    count_written(result.commit.skipped);
    last_write.deleted = result.commit.skipped ? 0 : result.rows_matched;
    last_write.copied = result.rows_copied;
    r.summary = fmt::format("replaced {} rows with {} rows in {} (version {})", result.rows_matched, n, name,
                            result.commit.version);
    return r;
  };
  // As Spark decides it: dynamic only when some partition column is left for the rows to give
  // (a fully static PARTITION clause, or an unpartitioned table, is a static overwrite).
  size_t static_count = 0;
  for (const auto& v : statics.values) static_count += v ? 1 : 0;
  const bool dynamic = s.overwrite && resolver.setting("spark.sql.sources.partitionOverwriteMode") == "dynamic" &&
                       static_count < snap->partition_columns().size();
  if (s.replace_where) {
    BRAID_ASSIGN_OR_RETURN(auto pred, bind_scalar(*s.replace_where, table_columns(*target, ""), resolver));
    auto options = write_options(write_control);
    options.predicate = {to_sql(*s.replace_where)};
    BRAID_ASSIGN_OR_RETURN(auto result, table.replace_where({}, row_predicate(pred, resolver.eval_context()), rows.batches,
                                                            std::move(options)));
    return replaced(result);
  }
  if (s.overwrite && !dynamic && statics.any) {
    // Static partition overwrite: the partition the clause names is replaced, the rest kept.
    auto options = write_options(write_control);
    options.predicate = statics.predicate_sql;
    BRAID_ASSIGN_OR_RETURN(auto result, table.replace_where(statics.skipping, statics.matches, rows.batches, std::move(options)));
    return replaced(result);
  }
  BRAID_ASSIGN_OR_RETURN(auto commit, dynamic       ? table.overwrite_partitions(rows.batches, write_options(write_control))
                                      : s.overwrite ? table.overwrite(rows.batches, write_options(write_control))
                                                    : table.append(rows.batches, write_options(write_control)));
  last_write.version = commit.version;
  last_write.skipped = commit.skipped;
  count_written(commit.skipped);
  if (commit.skipped) {
    r.summary = fmt::format("{}: this transaction was already committed; nothing written", name);
    return r;
  }
  r.summary = fmt::format("{} {} rows into {} (version {})",
                          dynamic ? "overwrote the partitions written with" : s.overwrite ? "overwrote with" : "inserted",
                          n, name, commit.version);
  return r;
}

}  // namespace braid::sql
