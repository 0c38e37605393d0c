#include "delta/scan.h"

#include <algorithm>

#include "columnar/column_builder.h"
#include "columnar/decimal.h"
#include "columnar/take.h"
#include "columnar/temporal.h"
#include "common/worker_pool.h"
#include "delta/deletion_vector.h"
#include "delta/partition_values.h"
#include "delta/schema_json.h"
#include "delta/stats.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/row_group_filter.h"

namespace braid::delta {

namespace {

// The file field that holds `table`'s values: by field id (id mode), physical name (name mode)
// or name; nullptr when the file lacks it.
int find_file_field(const std::vector<FieldPtr>& file_fields, const Field& table, ColumnMappingMode mode) {
  if (mode == ColumnMappingMode::kId) {
    if (auto id = metadata_int(table, "delta.columnMapping.id")) {
      for (size_t i = 0; i < file_fields.size(); ++i) {
        auto fid = file_fields[i]->metadata_value("PARQUET:field_id");
        if (fid && *fid == std::to_string(*id)) return static_cast<int>(i);
      }
      return -1;
    }
  }
  const std::string name = physical_name(table, mode);
  for (size_t i = 0; i < file_fields.size(); ++i) {
    if (file_fields[i]->name() == name) return static_cast<int>(i);
  }
  for (size_t i = 0; i < file_fields.size(); ++i) {
    const std::string& n = file_fields[i]->name();
    if (n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

// The same values under another type with the same memory layout.
ColumnPtr retype(const Column& c, TypePtr type) {
  return std::make_shared<const Column>(std::move(type), c.length(), c.buffers(), c.children(),
                                        Column::kUnknownNullCount, c.offset());
}

Result<ColumnPtr> conform(const ColumnPtr& column, const FieldPtr& table, ColumnMappingMode mode, int64_t rows,
                          MemoryTracker* tracker);

// Rebuilds a struct column field by field in the table's shape.
Result<ColumnPtr> conform_struct(const Column& c, const TypePtr& want, ColumnMappingMode mode, MemoryTracker* tracker) {
  std::vector<ColumnPtr> children;
  for (const auto& tf : want->fields()) {
    int i = find_file_field(c.type()->fields(), *tf, mode);
    ColumnPtr child = i < 0 ? nullptr : c.struct_field(i);
    BRAID_ASSIGN_OR_RETURN(auto conformed, conform(child, tf, mode, c.length(), tracker));
    children.push_back(std::move(conformed));
  }
  BufferPtr validity;
  if (c.null_count() > 0) {
    BRAID_ASSIGN_OR_RETURN(validity, Buffer::allocate(bitmap::bytes_for(c.length()), tracker));
    bitmap::copy(c.validity_bits(), c.offset(), validity->mutable_data(), 0, c.length());
  }
  return ColumnPtr(std::make_shared<const Column>(want, c.length(),
                                                  std::vector<BufferPtr>{validity}, std::move(children)));
}

Result<ColumnPtr> conform(const ColumnPtr& column, const FieldPtr& table, ColumnMappingMode mode, int64_t rows,
                          MemoryTracker* tracker) {
  const TypePtr& want = table->type();
  if (column == nullptr) return Column::make_null(want, rows, tracker);
  const DataType& have = *column->type();
  if (have.equals(*want)) return column;
  if (have.id() == TypeId::kDecimal128 && want->id() == TypeId::kDecimal128) {
    // Decimal widening: rescale.
    auto b = make_builder(want, tracker);
    for (int64_t r = 0; r < column->length(); ++r) {
      if (column->is_null(r)) {
        b->append_null();
        continue;
      }
      auto v = decimal::rescale(column->value<Int128>(r), have.scale(), want->scale(), want->precision());
      if (!v) return Status::corruption("a {} value does not fit {}", have.to_string(), want->to_string());
      static_cast<Decimal128Builder*>(b.get())->append(*v);
    }
    return b->finish();
  }
  switch (want->id()) {
    case TypeId::kStruct:
      if (have.id() != TypeId::kStruct) break;
      return conform_struct(*column, want, mode, tracker);
    case TypeId::kList:
    case TypeId::kMap: {
      if (have.id() != want->id()) break;
      BRAID_ASSIGN_OR_RETURN(auto values, conform(column->list_values(), want->field(0), mode,
                                                  column->list_values()->length(), tracker));
      return ColumnPtr(std::make_shared<const Column>(want, column->length(), column->buffers(),
                                                      std::vector<ColumnPtr>{values}, Column::kUnknownNullCount,
                                                      column->offset()));
    }
    case TypeId::kTimestamp:
      if (have.id() == TypeId::kTimestamp && have.unit() == want->unit()) return retype(*column, want);
      if (have.id() == TypeId::kDate32) {  // type widening date -> timestamp_ntz: midnight
        auto b = make_builder(want, tracker);
        const int64_t per_day = want->unit() == TimeUnit::kNano ? temporal::kNanosPerDay : temporal::kMicrosPerDay;
        for (int64_t r = 0; r < column->length(); ++r) {
          if (column->is_null(r)) {
            b->append_null();
          } else {
            static_cast<Int64Builder*>(b.get())->append(column->value<int32_t>(r) * per_day);
          }
        }
        return b->finish();
      }
      if (have.id() == TypeId::kTimestamp && have.unit() == TimeUnit::kNano && want->unit() == TimeUnit::kMicro) {
        auto b = make_builder(want, tracker);
        for (int64_t r = 0; r < column->length(); ++r) {
          if (column->is_null(r)) {
            b->append_null();
          } else {
            int64_t v = column->value<int64_t>(r);
            static_cast<Int64Builder*>(b.get())->append(v >= 0 ? v / 1000 : -((-v + 999) / 1000));
          }
        }
        return b->finish();
      }
      break;
    case TypeId::kString:
    case TypeId::kBinary:
      if (have.is_binary_like()) return retype(*column, want);
      break;
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kFloat64:
    case TypeId::kDecimal128: {
      // Type widening (and files written with narrower Parquet types): convert value by value.
      if (!have.is_numeric()) break;
      auto b = make_builder(want, tracker);
      for (int64_t r = 0; r < column->length(); ++r) {
        if (column->is_null(r)) {
          b->append_null();
          continue;
        }
        int64_t iv = 0;
        double dv = 0;
        bool integral = have.is_integer();
        switch (have.id()) {
          case TypeId::kInt8: iv = column->value<int8_t>(r); break;
          case TypeId::kInt16: iv = column->value<int16_t>(r); break;
          case TypeId::kInt32: iv = column->value<int32_t>(r); break;
          case TypeId::kInt64: iv = column->value<int64_t>(r); break;
          case TypeId::kUInt8: iv = column->value<uint8_t>(r); break;
          case TypeId::kUInt16: iv = column->value<uint16_t>(r); break;
          case TypeId::kUInt32: iv = column->value<uint32_t>(r); break;
          case TypeId::kFloat32: dv = column->value<float>(r); break;
          case TypeId::kFloat64: dv = column->value<double>(r); break;
          default: return Status::not_implemented("cannot read {} values as {}", have.to_string(), want->to_string());
        }
        switch (want->id()) {
          case TypeId::kInt16: static_cast<Int16Builder*>(b.get())->append(static_cast<int16_t>(iv)); break;
          case TypeId::kInt32: static_cast<Int32Builder*>(b.get())->append(static_cast<int32_t>(iv)); break;
          case TypeId::kInt64: static_cast<Int64Builder*>(b.get())->append(iv); break;
          case TypeId::kFloat64: static_cast<Float64Builder*>(b.get())->append(integral ? static_cast<double>(iv) : dv); break;
          case TypeId::kDecimal128:
            if (!integral) return Status::not_implemented("cannot read {} values as {}", have.to_string(), want->to_string());
            static_cast<Decimal128Builder*>(b.get())->append(static_cast<Int128>(iv) * decimal::power_of_ten(want->scale()));
            break;
          default: break;
        }
      }
      return b->finish();
    }
    default:
      break;
  }
  if (have.id() == TypeId::kNull) return Column::make_null(want, column->length(), tracker);
  return Status::not_implemented("column '{}' is stored as {} but the table says {}", table->name(),
                                 have.to_string(), want->to_string());
}

}  // namespace

std::string physical_name(const Field& field, ColumnMappingMode mode) {
  if (mode != ColumnMappingMode::kNone) {
    if (auto name = metadata_string(field, "delta.columnMapping.physicalName")) return *name;
  }
  return field.name();
}

bool file_may_match(const Snapshot& snapshot, const AddFile& file,
                    const std::vector<parquet::ColumnPredicate>& predicates) {
  if (predicates.empty()) return true;
  const Schema& schema = *snapshot.schema();
  const auto mode = snapshot.column_mapping();
  std::optional<FileStats> stats;
  for (const auto& p : predicates) {
    int i = schema.field_index(p.column);
    if (i < 0) continue;
    const FieldPtr& f = schema.field(i);
    const auto& partitions = snapshot.partition_columns();
    if (std::find(partitions.begin(), partitions.end(), f->name()) != partitions.end()) {
      const auto* value = find_partition(file.partition_values, physical_name(*f, mode));
      std::optional<std::string> v = value ? *value : std::nullopt;
      auto col = partition_column(f->type(), v, 1);
      if (!col.ok()) continue;  // unparseable: keep the file
      const bool is_null = !v || v->empty();
      if (!parquet::may_match(p, is_null ? nullptr : *col, is_null ? nullptr : *col, is_null ? 1 : 0, 1)) {
        return false;
      }
      continue;
    }
    if (!file.stats) continue;
    if (!stats) {
      std::map<std::string, std::string> names;
      for (const auto& field : schema.fields()) names[field->name()] = physical_name(*field, mode);
      stats = parse_file_stats(*file.stats, schema, names);
    }
    auto it = stats->columns.find(f->name());
    if (it == stats->columns.end()) continue;
    if (!parquet::may_match(p, it->second.min, it->second.max, it->second.null_count, stats->num_records)) return false;
  }
  return true;
}

Result<std::unique_ptr<DeltaScan>> DeltaScan::make(SnapshotPtr snapshot, ScanOptions options) {
  auto scan = std::unique_ptr<DeltaScan>(new DeltaScan());
  const Schema& table = *snapshot->schema();
  std::vector<FieldPtr> out_fields;
  if (options.columns.empty()) {
    out_fields = table.fields();
  } else {
    for (const auto& name : options.columns) {
      int i = table.field_index(name);
      if (i < 0) return Status::not_found("table '{}' has no column '{}'", snapshot->store().root(), name);
      out_fields.push_back(table.field(i));
    }
  }
  scan->table_fields_ = out_fields;
  std::vector<FieldPtr> clean;  // output fields without Delta's column metadata
  for (const auto& f : out_fields) clean.push_back(field(f->name(), f->type(), f->nullable()));
  scan->schema_ = braid::schema(std::move(clean));
  for (const auto& f : snapshot->files()) {
    if (file_may_match(*snapshot, f, options.predicates)) {
      scan->files_.push_back(&f);
    } else {
      ++scan->skipped_;
    }
  }
  scan->snapshot_ = std::move(snapshot);
  scan->options_ = std::move(options);
  return scan;
}

namespace {

// A data file the log references is gone: say which version references it and, when a VACUUM
// was logged after that version, that VACUUM removed it.
Status missing_file_error(const Snapshot& snap, const std::string& add_path) {
  const LogStore& store = snap.store();
  bool vacuumed = false;
  if (auto listing = store.list(); listing.ok()) {
    for (const auto& c : listing->commits) {
      if (c.version <= snap.version()) continue;
      auto text = store.fs()->read_file(c.path);
      if (!text.ok() || text->find("\"VACUUM ") == std::string::npos) continue;
      auto actions = parse_actions(*text, c.path);
      if (!actions.ok()) continue;
      for (const auto& a : *actions) {
        const auto* ci = std::get_if<CommitInfo>(&a);
        if (ci && ci->operation && ci->operation->starts_with("VACUUM")) vacuumed = true;
      }
      if (vacuumed) break;
    }
  }
  if (vacuumed) {
    return Status::not_found(
        "table '{}': version {}'s files were removed by VACUUM ({} is gone); versions older than the table's "
        "retention cannot be read once vacuumed",
        store.root(), snap.version(), decode_path(add_path));
  }
  return Status::not_found(
      "table '{}': the log at version {} references {}, which does not exist: was it vacuumed or deleted by hand?",
      store.root(), snap.version(), decode_path(add_path));
}

}  // namespace

Result<std::vector<RecordBatchPtr>> DeltaScan::read_file(const AddFile& file) const {
  const Snapshot& snap = *snapshot_;
  const std::string root = snap.store().root();
  const std::string path = resolve_data_path(root, file.path);
  const auto mode = snap.column_mapping();
  const auto& partitions = snap.partition_columns();
  auto fs = snap.store().fs();

  auto opened = parquet::ParquetFile::open(fs, path);
  if (!opened.ok() && opened.status().code() == StatusCode::kNotFound && !fs->stat(path).ok()) {
    return missing_file_error(snap, file.path);
  }
  BRAID_ASSIGN_OR_RETURN(auto pfile, std::move(opened));
  // Which file columns to read, and where each output column comes from.
  const SchemaPtr& file_schema = pfile->schema();
  std::vector<int> file_columns;
  std::vector<int> source(table_fields_.size(), -1);  // index into file_columns, or -1
  std::vector<bool> is_partition(table_fields_.size(), false);
  for (size_t c = 0; c < table_fields_.size(); ++c) {
    const FieldPtr& f = table_fields_[c];
    if (std::find(partitions.begin(), partitions.end(), f->name()) != partitions.end()) {
      is_partition[c] = true;
      continue;
    }
    int i = find_file_field(file_schema->fields(), *f, mode);
    if (i < 0) continue;
    auto it = std::find(file_columns.begin(), file_columns.end(), i);
    source[c] = static_cast<int>(it - file_columns.begin());
    if (it == file_columns.end()) file_columns.push_back(i);
  }
  // Row groups pruned by the predicates on data columns (under their physical names).
  std::vector<parquet::ColumnPredicate> file_predicates;
  for (const auto& p : options_.predicates) {
    int t = snap.schema()->field_index(p.column);
    if (t < 0 || std::find(partitions.begin(), partitions.end(), snap.schema()->field(t)->name()) != partitions.end()) continue;
    int i = find_file_field(file_schema->fields(), *snap.schema()->field(t), mode);
    if (i < 0) continue;
    parquet::ColumnPredicate fp = p;
    fp.column = file_schema->field(i)->name();
    file_predicates.push_back(std::move(fp));
  }
  std::vector<int> groups = file_predicates.empty() ? std::vector<int>{} : parquet::prune_row_groups(*pfile, file_predicates);
  if (file_predicates.empty()) {
    for (int g = 0; g < pfile->num_row_groups(); ++g) groups.push_back(g);
  }
  // Deleted rows (sorted positions within the file).
  std::vector<uint64_t> deleted;
  if (file.deletion_vector) {
    BRAID_ASSIGN_OR_RETURN(deleted, read_deletion_vector(*fs, root, *file.deletion_vector).with_context_f("file '{}'", path));
  }
  // First row of every row group, for deletion vector positions.
  std::vector<int64_t> first_row(static_cast<size_t>(pfile->num_row_groups()) + 1, 0);
  for (int g = 0; g < pfile->num_row_groups(); ++g) {
    first_row[static_cast<size_t>(g) + 1] = first_row[static_cast<size_t>(g)] + pfile->metadata().row_groups[static_cast<size_t>(g)].num_rows;
  }
  std::vector<RecordBatchPtr> out;
  for (int g : groups) {
    RecordBatchPtr raw;
    BRAID_ASSIGN_OR_RETURN(raw, pfile->read_row_group(g, file_columns, options_.tracker, options_.verify_checksums));
    const int64_t rows = pfile->metadata().row_groups[static_cast<size_t>(g)].num_rows;
    std::vector<ColumnPtr> columns;
    for (size_t c = 0; c < table_fields_.size(); ++c) {
      const FieldPtr& f = table_fields_[c];
      if (is_partition[c]) {
        const auto* value = find_partition(file.partition_values, physical_name(*f, mode));
        BRAID_ASSIGN_OR_RETURN(auto col, partition_column(f->type(), value ? *value : std::nullopt, rows)
                                             .with_context_f("file '{}': partition column '{}'", path, f->name()));
        columns.push_back(std::move(col));
        continue;
      }
      ColumnPtr col = source[c] < 0 ? nullptr : raw->column(source[c]);
      BRAID_ASSIGN_OR_RETURN(auto conformed, conform(col, f, mode, rows, options_.tracker).with_context_f("file '{}'", path));
      columns.push_back(std::move(conformed));
    }
    auto batch = std::make_shared<const RecordBatch>(schema_, rows, std::move(columns));
    if (!deleted.empty()) {
      const auto lo = std::lower_bound(deleted.begin(), deleted.end(), static_cast<uint64_t>(first_row[static_cast<size_t>(g)]));
      const auto hi = std::lower_bound(deleted.begin(), deleted.end(), static_cast<uint64_t>(first_row[static_cast<size_t>(g) + 1]));
      if (lo != hi) {
        std::vector<bool> keep(static_cast<size_t>(rows), true);
        for (auto it = lo; it != hi; ++it) keep[static_cast<size_t>(*it - static_cast<uint64_t>(first_row[static_cast<size_t>(g)]))] = false;
        BRAID_ASSIGN_OR_RETURN(batch, filter(*batch, keep, options_.tracker));
      }
    }
    if (batch->num_rows() > 0) out.push_back(std::move(batch));
  }
  return out;
}

Result<RecordBatchPtr> DeltaScan::next() {
  while (ready_pos_ >= ready_.size()) {
    if (next_file_ >= files_.size()) return RecordBatchPtr(nullptr);
    const size_t width = options_.parallel ? static_cast<size_t>(std::max(2, WorkerPool::shared().concurrency() * 2)) : 1;
    const size_t count = std::min(width, files_.size() - next_file_);
    std::vector<std::vector<RecordBatchPtr>> per_file(count);
    BRAID_RETURN_IF_ERROR(parallel_for(
        count,
        [&](size_t i) -> Status {
          BRAID_ASSIGN_OR_RETURN(per_file[i], read_file(*files_[next_file_ + i]));
          return Status::OK();
        },
        options_.parallel ? 0 : 1));
    next_file_ += count;
    ready_.clear();
    ready_pos_ = 0;
    for (auto& v : per_file) {
      for (auto& b : v) ready_.push_back(std::move(b));
    }
  }
  return std::move(ready_[ready_pos_++]);
}

Result<std::vector<RecordBatchPtr>> read_table(SnapshotPtr snapshot, ScanOptions options) {
  BRAID_ASSIGN_OR_RETURN(auto scan, DeltaScan::make(std::move(snapshot), std::move(options)));
  std::vector<RecordBatchPtr> out;
  while (true) {
    BRAID_ASSIGN_OR_RETURN(auto batch, scan->next());
    if (!batch) break;
    out.push_back(std::move(batch));
  }
  return out;
}

}  // namespace braid::delta
