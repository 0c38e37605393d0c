// RecordBatch: equal-length columns under a schema, the unit that flows between operators.
// Immutable and shared (RecordBatchPtr); slicing shares buffers.
// Thread-safety: all const methods may be called concurrently.
#pragma once

#include <memory>
#include <vector>

#include "braid/result.h"
#include "columnar/column.h"
#include "columnar/data_type.h"

namespace braid {

class RecordBatch;
using RecordBatchPtr = std::shared_ptr<const RecordBatch>;

class RecordBatch {
 public:
  RecordBatch(SchemaPtr schema, int64_t num_rows, std::vector<ColumnPtr> columns)
      : schema_(std::move(schema)), num_rows_(num_rows), columns_(std::move(columns)) {}

  // Checks that columns match the schema's types and have num_rows rows.
  static Result<RecordBatchPtr> make(SchemaPtr schema, int64_t num_rows,
                                     std::vector<ColumnPtr> columns);
  // A batch with no rows.
  static Result<RecordBatchPtr> make_empty(SchemaPtr schema);

  const SchemaPtr& schema() const { return schema_; }
  int64_t num_rows() const { return num_rows_; }
  int num_columns() const { return static_cast<int>(columns_.size()); }
  const ColumnPtr& column(int i) const { return columns_[static_cast<size_t>(i)]; }
  const std::vector<ColumnPtr>& columns() const { return columns_; }
  // nullptr when there is no such column.
  ColumnPtr column_by_name(std::string_view name) const;

  RecordBatchPtr slice(int64_t start, int64_t length) const;
  // The given columns, in the given order.
  Result<RecordBatchPtr> select(const std::vector<int>& indices) const;

  Status validate(bool full = false) const;
  // Bytes held by the buffers this batch references (shared buffers counted once per batch).
  int64_t memory_size() const;
  // The batch as an aligned text table (for tests and debugging).
  std::string to_string() const;

 private:
  SchemaPtr schema_;
  int64_t num_rows_;
  std::vector<ColumnPtr> columns_;
};

}  // namespace braid
