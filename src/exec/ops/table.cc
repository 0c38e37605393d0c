#include "exec/ops/table.h"

#include <algorithm>

#include "columnar/take.h"
#include "exec/ops/gather.h"

namespace braid::exec {

int64_t Table::num_rows() const {
  int64_t rows = 0;
  for (const auto& b : batches) rows += b->num_rows();
  return rows;
}

Status validate_table(const Table& table, std::string_view what) {
  if (table.schema == nullptr) return Status::invalid_argument("{}: the table has no schema", what);
  if (table.batches.size() >= kNullBatch) {
    return Status::not_implemented("{}: more than {} batches", what, kNullBatch - 1);
  }
  const int columns = table.schema->num_fields();
  for (size_t b = 0; b < table.batches.size(); ++b) {
    const auto& batch = table.batches[b];
    if (batch == nullptr) return Status::invalid_argument("{}: batch {} is null", what, b);
    if (batch->num_columns() != columns) {
      return Status::invalid_argument("{}: batch {} has {} columns, the schema {}", what, b,
                                      batch->num_columns(), columns);
    }
    if (batch->num_rows() > INT64_C(0xFFFFFFFF)) {
      return Status::not_implemented("{}: batch {} has more than 2^32 rows", what, b);
    }
    for (int c = 0; c < columns; ++c) {
      if (!batch->column(c)->type()->equals(*table.schema->field(c)->type())) {
        return Status::invalid_argument("{}: batch {} column {} ('{}') is {}, the schema says {}",
                                        what, b, c, table.schema->field(c)->name(),
                                        batch->column(c)->type()->to_string(),
                                        table.schema->field(c)->type()->to_string());
      }
    }
  }
  return Status::OK();
}

std::vector<Morsel> split_morsels(const Table& table, int64_t morsel_rows) {
  morsel_rows = std::max<int64_t>(morsel_rows, 1);
  std::vector<Morsel> morsels;
  for (size_t b = 0; b < table.batches.size(); ++b) {
    const int64_t rows = table.batches[b]->num_rows();
    for (int64_t start = 0; start < rows; start += morsel_rows) {
      morsels.push_back({static_cast<uint32_t>(b), start, std::min(morsel_rows, rows - start)});
    }
  }
  return morsels;
}

namespace {

// Batches [first, last) of `batches` as one batch.
Result<RecordBatchPtr> concat_range(const SchemaPtr& schema,
                                    const std::vector<RecordBatchPtr>& batches, size_t first,
                                    size_t last, MemoryTracker* tracker) {
  if (last - first == 1) return batches[first];
  std::vector<RowRef> refs;
  for (size_t b = first; b < last; ++b) {
    for (int64_t r = 0; r < batches[b]->num_rows(); ++r) {
      refs.push_back({static_cast<uint32_t>(b), static_cast<uint32_t>(r)});
    }
  }
  std::vector<ColumnPtr> columns;
  for (int c = 0; c < schema->num_fields(); ++c) {
    BRAID_ASSIGN_OR_RETURN(auto column,
                           gather(schema->field(c)->type(), column_sources(batches, c),
                                  refs.data(), static_cast<int64_t>(refs.size()), tracker));
    columns.push_back(std::move(column));
  }
  return std::make_shared<const RecordBatch>(schema, static_cast<int64_t>(refs.size()),
                                             std::move(columns));
}

}  // namespace

Result<RecordBatchPtr> concat_batches(const Table& table, MemoryTracker* tracker) {
  BRAID_RETURN_IF_ERROR(validate_table(table, "concat"));
  if (table.batches.empty()) return RecordBatch::make_empty(table.schema);
  return concat_range(table.schema, table.batches, 0, table.batches.size(), tracker);
}

Result<Table> compact(const Table& table, int64_t target_rows, const ExecContext& context) {
  BRAID_RETURN_IF_ERROR(validate_table(table, "compact"));
  target_rows = std::max<int64_t>(target_rows, 1);
  // Plan runs [first, last) of batches: a batch of at least half the target stands alone.
  std::vector<std::pair<size_t, size_t>> runs;
  size_t first = 0;
  int64_t run_rows = 0;
  for (size_t b = 0; b < table.batches.size(); ++b) {
    const int64_t rows = table.batches[b]->num_rows();
    if (rows == 0) {
      if (first == b) ++first;  // drop empty batches at a run's start
      continue;
    }
    if (rows >= target_rows / 2 || run_rows + rows > target_rows) {
      if (run_rows > 0) runs.emplace_back(first, b);
      first = b;
      run_rows = 0;
    }
    run_rows += rows;
    if (rows >= target_rows / 2) {
      runs.emplace_back(b, b + 1);
      first = b + 1;
      run_rows = 0;
    }
  }
  if (run_rows > 0) runs.emplace_back(first, table.batches.size());

  Table out{table.schema, std::vector<RecordBatchPtr>(runs.size())};
  BRAID_RETURN_IF_ERROR(context.parallel_for(runs.size(), [&](size_t i) -> Status {
    // Empty batches inside a run add no rows to the concatenation.
    BRAID_ASSIGN_OR_RETURN(out.batches[i], concat_range(table.schema, table.batches,
                                                        runs[i].first, runs[i].second,
                                                        context.memory));
    return Status::OK();
  }));
  return out;
}

Result<Table> union_all(const std::vector<Table>& inputs) {
  if (inputs.empty()) return Status::invalid_argument("union_all of no inputs");
  const SchemaPtr& first = inputs[0].schema;
  BRAID_RETURN_IF_ERROR(validate_table(inputs[0], "union_all input 0"));
  std::vector<bool> nullable;
  for (const auto& f : first->fields()) nullable.push_back(f->nullable());
  Table out;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Table& in = inputs[i];
    if (i > 0) {
      BRAID_RETURN_IF_ERROR(validate_table(in, fmt::format("union_all input {}", i)));
      if (in.schema->num_fields() != first->num_fields()) {
        return Status::invalid_argument("union_all: input {} has {} columns, input 0 has {}", i,
                                        in.schema->num_fields(), first->num_fields());
      }
      for (int c = 0; c < first->num_fields(); ++c) {
        const auto& type = in.schema->field(c)->type();
        if (!type->equals(*first->field(c)->type())) {
          return Status::invalid_argument(
              "union_all: column {} is {} in input {} and {} in input 0", c + 1,
              type->to_string(), i, first->field(c)->type()->to_string());
        }
        if (in.schema->field(c)->nullable()) nullable[static_cast<size_t>(c)] = true;
      }
    }
    out.batches.insert(out.batches.end(), in.batches.begin(), in.batches.end());
  }
  std::vector<FieldPtr> fields;
  bool changed = false;
  for (int c = 0; c < first->num_fields(); ++c) {
    const auto& f = first->field(c);
    changed = changed || f->nullable() != nullable[static_cast<size_t>(c)];
    fields.push_back(f->with_nullable(nullable[static_cast<size_t>(c)]));
  }
  out.schema = changed ? schema(std::move(fields), first->metadata()) : first;
  if (changed) {
    for (auto& b : out.batches) {
      b = std::make_shared<const RecordBatch>(out.schema, b->num_rows(), b->columns());
    }
  }
  return out;
}

Result<Table> limit(const Table& table, int64_t count, int64_t offset) {
  BRAID_RETURN_IF_ERROR(validate_table(table, "limit"));
  if (offset < 0) return Status::invalid_argument("limit: negative offset {}", offset);
  Table out{table.schema, {}};
  int64_t skip = offset;
  int64_t remaining = count < 0 ? INT64_MAX : count;
  for (const auto& b : table.batches) {
    if (remaining == 0) break;
    const int64_t rows = b->num_rows();
    if (skip >= rows) {
      skip -= rows;
      continue;
    }
    const int64_t take = std::min(rows - skip, remaining);
    out.batches.push_back(skip == 0 && take == rows ? b : b->slice(skip, take));
    remaining -= take;
    skip = 0;
  }
  return out;
}

Result<Table> filter(const Table& table, const RowPredicate& predicate,
                     const ExecContext& context) {
  BRAID_RETURN_IF_ERROR(validate_table(table, "filter"));
  Table out{table.schema, std::vector<RecordBatchPtr>(table.batches.size())};
  BRAID_RETURN_IF_ERROR(context.parallel_for(table.batches.size(), [&](size_t b) -> Status {
    const RecordBatch& batch = *table.batches[b];
    BRAID_ASSIGN_OR_RETURN(auto keep, predicate(batch));
    if (static_cast<int64_t>(keep.size()) != batch.num_rows()) {
      return Status::invalid_argument("filter: the predicate gave {} values for {} rows",
                                      keep.size(), batch.num_rows());
    }
    BRAID_ASSIGN_OR_RETURN(out.batches[b], braid::filter(batch, keep, context.memory));
    return Status::OK();
  }));
  std::erase_if(out.batches, [](const RecordBatchPtr& b) { return b->num_rows() == 0; });
  return out;
}

}  // namespace braid::exec
