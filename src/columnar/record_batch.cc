#include "columnar/record_batch.h"

#include <unordered_set>

#include "columnar/row_output.h"
#include "common/file_system.h"

namespace braid {

Result<RecordBatchPtr> RecordBatch::make(SchemaPtr schema, int64_t num_rows,
                                         std::vector<ColumnPtr> columns) {
  auto batch = std::make_shared<const RecordBatch>(std::move(schema), num_rows, std::move(columns));
  BRAID_RETURN_IF_ERROR(batch->validate());
  return batch;
}

Result<RecordBatchPtr> RecordBatch::make_empty(SchemaPtr schema) {
  std::vector<ColumnPtr> columns;
  for (const auto& f : schema->fields()) {
    BRAID_ASSIGN_OR_RETURN(auto c, Column::make_null(f->type(), 0));
    columns.push_back(std::move(c));
  }
  return RecordBatchPtr(std::make_shared<const RecordBatch>(std::move(schema), 0, std::move(columns)));
}

ColumnPtr RecordBatch::column_by_name(std::string_view name) const {
  int i = schema_->field_index(name);
  return i < 0 ? nullptr : columns_[static_cast<size_t>(i)];
}

RecordBatchPtr RecordBatch::slice(int64_t start, int64_t length) const {
  std::vector<ColumnPtr> columns;
  columns.reserve(columns_.size());
  for (const auto& c : columns_) columns.push_back(c->slice(start, length));
  return std::make_shared<const RecordBatch>(schema_, length, std::move(columns));
}

Result<RecordBatchPtr> RecordBatch::select(const std::vector<int>& indices) const {
  std::vector<FieldPtr> fields;
  std::vector<ColumnPtr> columns;
  for (int i : indices) {
    if (i < 0 || i >= num_columns()) {
      return Status::invalid_argument("column index {} out of range (batch has {} columns)", i,
                                      num_columns());
    }
    fields.push_back(schema_->field(i));
    columns.push_back(columns_[static_cast<size_t>(i)]);
  }
  return RecordBatchPtr(std::make_shared<const RecordBatch>(
      braid::schema(std::move(fields), schema_->metadata()), num_rows_, std::move(columns)));
}

Status RecordBatch::validate(bool full) const {
  if (static_cast<int>(columns_.size()) != schema_->num_fields()) {
    return Status::invalid_argument("batch has {} columns, schema has {} fields", columns_.size(),
                                    schema_->num_fields());
  }
  for (int i = 0; i < num_columns(); ++i) {
    const auto& c = columns_[static_cast<size_t>(i)];
    const auto& f = schema_->field(i);
    if (c->length() != num_rows_) {
      return Status::invalid_argument("column '{}' has {} rows, batch has {}", f->name(),
                                      c->length(), num_rows_);
    }
    if (!c->type()->equals(*f->type())) {
      return Status::invalid_argument("column '{}' has type {}, schema says {}", f->name(),
                                      c->type()->to_string(), f->type()->to_string());
    }
    BRAID_RETURN_IF_ERROR(c->validate(full).with_context_f("column '{}'", f->name()));
  }
  return Status::OK();
}

namespace {
void add_buffers(const Column& c, std::unordered_set<const Buffer*>& seen, int64_t& total) {
  for (const auto& b : c.buffers()) {
    if (b && seen.insert(b.get()).second) total += b->capacity();
  }
  for (const auto& child : c.children()) add_buffers(*child, seen, total);
}
}  // namespace

int64_t RecordBatch::memory_size() const {
  std::unordered_set<const Buffer*> seen;
  int64_t total = 0;
  for (const auto& c : columns_) add_buffers(*c, seen, total);
  return total;
}

std::string RecordBatch::to_string() const {
  StringOutputStream out;
  RowOutputOptions options;
  options.format = RowFormat::kTable;
  options.max_rows = -1;
  auto writer = make_row_writer(schema_, out, options);
  Status s = writer->write(*this);
  if (s.ok()) s = writer->finish();
  return s.ok() ? out.take() : s.to_string();
}

}  // namespace braid
