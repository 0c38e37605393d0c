#include "delta/data_writer.h"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <string_view>
#include <unordered_map>

#include "columnar/take.h"
#include "common/ascii.h"
#include "common/worker_pool.h"
#include "delta/partition_values.h"
#include "delta/scan.h"
#include "delta/schema_json.h"
#include "delta/stats.h"
#include "delta/transaction.h"

namespace braid::delta {

TableLayout TableLayout::of(const Snapshot& snapshot) {
  return {snapshot.schema(), snapshot.partition_columns(), snapshot.column_mapping(),
          StatsConfig::of(snapshot.metadata().configuration)};
}

Status check_write_schema(const Schema& table, const RecordBatch& batch) {
  const Schema& s = *batch.schema();
  if (s.num_fields() != table.num_fields()) {
    return Status::invalid_argument("the data has {} columns, the table has {}", s.num_fields(), table.num_fields());
  }
  for (int i = 0; i < table.num_fields(); ++i) {
    const Field& t = *table.field(i);
    const Field& d = *s.field(i);
    if (!ascii::iequals(t.name(), d.name())) {
      return Status::invalid_argument("column {} of the data is '{}', the table has '{}' there", i + 1, d.name(), t.name());
    }
    if (!t.type()->equals(*d.type())) {
      return Status::invalid_argument("column '{}' of the data is {}, the table's is {}", t.name(),
                                      d.type()->to_string(), t.type()->to_string());
    }
    if (!t.nullable() && batch.column(i)->null_count() > 0) {
      return Status::invalid_argument("column '{}' is NOT NULL but {} of the rows written have no value", t.name(),
                                      batch.column(i)->null_count());
    }
  }
  return Status::OK();
}

namespace {

struct Group {
  PartitionValues values;  // physical names -> text
  std::string folder;      // "a=1/b=x" (Hive-escaped)
  // Rows of each input batch that belong to the group.
  std::vector<std::vector<int64_t>> rows;
};

// The physical schema of the data files: non-partition columns under their physical names,
// with field ids for column mapping readers.
SchemaPtr file_schema(const TableLayout& layout, const std::vector<int>& data_columns) {
  std::vector<FieldPtr> fields;
  for (int c : data_columns) {
    const FieldPtr& f = layout.schema->field(c);
    KeyValueMetadata md;
    if (layout.column_mapping != ColumnMappingMode::kNone) {
      if (auto id = metadata_int(*f, "delta.columnMapping.id")) md.emplace_back("PARQUET:field_id", std::to_string(*id));
    }
    fields.push_back(field(physical_name(*f, layout.column_mapping), f->type(), f->nullable(), std::move(md)));
  }
  return schema(std::move(fields));
}

}  // namespace

Result<std::vector<AddFile>> write_data_files(const std::shared_ptr<FileSystem>& fs, const std::string& root,
                                              const TableLayout& layout,
                                              const std::vector<RecordBatchPtr>& batches,
                                              const DataWriteOptions& options) {
  const Schema& table = *layout.schema;
  for (const auto& b : batches) BRAID_RETURN_IF_ERROR(check_write_schema(table, *b));
  std::vector<int> partition_idx, data_idx;
  for (int i = 0; i < table.num_fields(); ++i) {
    const auto& name = table.field(i)->name();
    if (std::find(layout.partition_columns.begin(), layout.partition_columns.end(), name) != layout.partition_columns.end()) {
      partition_idx.push_back(i);
    } else {
      data_idx.push_back(i);
    }
  }
  // Group rows by partition values.
  std::vector<Group> groups;
  auto new_group = [&](const std::vector<std::optional<std::string>>& values) {
    Group g;
    std::string folder;
    for (size_t p = 0; p < partition_idx.size(); ++p) {
      const FieldPtr& f = table.field(partition_idx[p]);
      g.values.emplace_back(physical_name(*f, layout.column_mapping), values[p]);
      if (!folder.empty()) folder += '/';
      folder += partition_folder(f->name(), values[p]);
    }
    g.folder = std::move(folder);
    g.rows.resize(batches.size());
    groups.push_back(std::move(g));
    return groups.size() - 1;
  };
  const bool one_string_partition =
      partition_idx.size() == 1 && table.field(partition_idx[0])->type()->id() == TypeId::kString;
  if (one_string_partition) {
    // The common layout (PARTITIONED BY (region)): rows grouped by the string itself, without
    // formatting a key per row. The views point into `batches`, which outlive the map.
    std::unordered_map<std::string_view, size_t> by_value;
    std::optional<size_t> null_group;
    for (size_t b = 0; b < batches.size(); ++b) {
      const Column& col = *batches[b]->column(partition_idx[0]);
      for (int64_t r = 0; r < col.length(); ++r) {
        size_t g;
        if (col.is_null(r)) {
          if (!null_group) null_group = new_group({std::nullopt});
          g = *null_group;
        } else {
          auto [it, inserted] = by_value.try_emplace(col.string_value(r), 0);
          if (inserted) it->second = new_group({format_partition_value(col, r)});
          g = it->second;
        }
        groups[g].rows[b].push_back(r);
      }
    }
  }
  std::unordered_map<std::string, size_t> by_key;
  for (size_t b = 0; b < batches.size() && !one_string_partition; ++b) {
    const RecordBatch& batch = *batches[b];
    std::string key;
    std::vector<std::optional<std::string>> values(partition_idx.size());
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      key.clear();
      for (size_t p = 0; p < partition_idx.size(); ++p) {
        values[p] = format_partition_value(*batch.column(partition_idx[p]), r);
        key += values[p] ? "v" + *values[p] : std::string("n");
        key += '\x1f';
      }
      auto [it, inserted] = by_key.try_emplace(key, groups.size());
      if (inserted) new_group(values);
      groups[it->second].rows[b].push_back(r);
    }
  }
  SchemaPtr physical = file_schema(layout, data_idx);
  std::map<std::string, std::string> stat_names;
  for (int c : data_idx) stat_names[table.field(c)->name()] = physical_name(*table.field(c), layout.column_mapping);
  std::vector<FieldPtr> logical_fields;
  for (int c : data_idx) logical_fields.push_back(table.field(c));
  SchemaPtr logical_data = schema(logical_fields);

  std::vector<std::vector<AddFile>> per_group(groups.size());
  BRAID_RETURN_IF_ERROR(parallel_for(groups.size(), [&](size_t g) -> Status {
    const Group& group = groups[g];
    // The group's rows, data columns only, in input order.
    std::vector<RecordBatchPtr> parts;
    for (size_t b = 0; b < batches.size(); ++b) {
      const auto& rows = group.rows[b];
      if (rows.empty()) continue;
      BRAID_ASSIGN_OR_RETURN(auto selected, batches[b]->select(data_idx));
      if (static_cast<int64_t>(rows.size()) != selected->num_rows()) {
        BRAID_ASSIGN_OR_RETURN(selected, take(*selected, rows));
      }
      parts.push_back(std::move(selected));
    }
    const std::string dir = group.folder.empty() ? root : join_path(root, group.folder);
    // The root too: a new table's data files are written before its first commit creates it.
    BRAID_RETURN_IF_ERROR(fs->create_directories(dir));
    // Split into files of at most max_rows_per_file rows.
    size_t part = 0;
    int64_t offset = 0;
    while (part < parts.size()) {
      std::vector<RecordBatchPtr> file_batches;
      int64_t rows = 0;
      while (part < parts.size() && rows < options.max_rows_per_file) {
        int64_t take_rows = std::min(parts[part]->num_rows() - offset, options.max_rows_per_file - rows);
        file_batches.push_back(take_rows == parts[part]->num_rows() ? parts[part] : parts[part]->slice(offset, take_rows));
        rows += take_rows;
        offset += take_rows;
        if (offset == parts[part]->num_rows()) {
          ++part;
          offset = 0;
        }
      }
      const std::string codec = parquet::codec_name(options.parquet.codec);
      const std::string lower = ascii::lower(codec);
      const std::string name = fmt::format("part-{:05d}-{}.c000.{}.parquet", per_group[g].size(), new_uuid(),
                                           lower == "uncompressed" ? "none" : lower);
      const std::string path = join_path(dir, name);
      std::vector<RecordBatchPtr> physical_batches;
      for (const auto& fb : file_batches) {
        physical_batches.push_back(std::make_shared<const RecordBatch>(physical, fb->num_rows(), fb->columns()));
      }
      BRAID_ASSIGN_OR_RETURN(auto meta, parquet::write_parquet(fs, path, physical, physical_batches, options.parquet));
      (void)meta;
      BRAID_ASSIGN_OR_RETURN(auto info, fs->stat(path));
      AddFile add;
      add.path = encode_path(group.folder.empty() ? name : group.folder + "/" + name);
      add.partition_values = group.values;
      add.size = static_cast<int64_t>(info.size);
      add.modification_time = now_ms();
      add.data_change = options.data_change;
      add.stats = compute_file_stats(file_batches, *logical_data, stat_names, layout.stats);
      per_group[g].push_back(std::move(add));
    }
    return Status::OK();
  }));
  std::vector<AddFile> out;
  for (auto& v : per_group) {
    for (auto& a : v) out.push_back(std::move(a));
  }
  return out;
}

}  // namespace braid::delta
