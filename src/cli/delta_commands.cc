// braid describe PATH, braid history PATH: what a Delta table is and how it got there.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.h"
#include "cli/option_checks.h"
#include "cli/table_source.h"
#include "columnar/column_builder.h"
#include "columnar/row_output.h"
#include "columnar/temporal.h"
#include "common/file_system.h"
#include "delta/history.h"
#include "delta/schema_json.h"
#include "delta/snapshot.h"

namespace braid::cli {

namespace {

// Appends a list<string> value.
void append_strings(ColumnBuilder* b, const std::optional<std::vector<std::string>>& values) {
  auto* l = static_cast<ListBuilder*>(b);
  if (!values) {
    l->append_null();
    return;
  }
  l->append();
  for (const auto& s : *values) static_cast<BinaryBuilder*>(l->values())->append(s);
}

Status print(const RecordBatch& batch, const std::string& format_name, int max_width) {
  BRAID_ASSIGN_OR_RETURN(RowFormat format, parse_row_format(format_name));
  auto out = stdout_stream();
  RowOutputOptions options;
  options.format = format;
  options.max_rows = -1;
  options.max_column_width = max_width;
  auto writer = make_row_writer(batch.schema(), *out, options);
  BRAID_RETURN_IF_ERROR(writer->write(batch));
  return writer->finish();
}

struct DescribeOptions {
  std::string path;
  std::string format = "table";
  SourceOptions source;
};

Status run_describe(const DescribeOptions& options) {
  BRAID_ASSIGN_OR_RETURN(auto snap, open_delta_snapshot(options.path, options.source));
  const auto& md = snap->metadata();
  const auto& p = snap->protocol();
  const auto& partitions = snap->partition_columns();
  auto column_type = struct_({field("name", string_type(), false), field("type", string_type(), false),
                              field("nullable", boolean(), false), field("partition", boolean(), false)});
  auto s = schema({field("location", string_type(), false), field("id", string_type(), false),
                   field("name", string_type()), field("description", string_type()),
                   field("version", int64(), false), field("last_modified", timestamp(TimeUnit::kMicro, "UTC")),
                   field("format", string_type(), false), field("partition_columns", list(string_type())),
                   field("num_files", int64(), false), field("size_in_bytes", int64(), false),
                   field("min_reader_version", int32(), false), field("min_writer_version", int32(), false),
                   field("reader_features", list(string_type())), field("writer_features", list(string_type())),
                   field("properties", map(string_type(), string_type())), field("columns", list(column_type))});
  std::vector<std::unique_ptr<ColumnBuilder>> b;
  for (const auto& f : s->fields()) b.push_back(make_builder(f->type()));
  auto str = [&](int i, const std::optional<std::string>& v) {
    v ? static_cast<BinaryBuilder*>(b[static_cast<size_t>(i)].get())->append(*v) : b[static_cast<size_t>(i)]->append_null();
  };
  str(0, snap->store().root());
  str(1, md.id);
  str(2, md.name);
  str(3, md.description);
  static_cast<Int64Builder*>(b[4].get())->append(snap->version());
  static_cast<Int64Builder*>(b[5].get())->append(snap->timestamp_ms() * 1000);
  str(6, md.format.provider);
  append_strings(b[7].get(), partitions);
  static_cast<Int64Builder*>(b[8].get())->append(static_cast<int64_t>(snap->files().size()));
  static_cast<Int64Builder*>(b[9].get())->append(snap->total_size());
  static_cast<Int32Builder*>(b[10].get())->append(p.min_reader_version);
  static_cast<Int32Builder*>(b[11].get())->append(p.min_writer_version);
  append_strings(b[12].get(), p.reader_features);
  append_strings(b[13].get(), p.writer_features);
  auto* props = static_cast<ListBuilder*>(b[14].get());
  props->append();
  for (const auto& [k, v] : md.configuration) {
    static_cast<StructBuilder*>(props->values())->append();
    static_cast<BinaryBuilder*>(props->map_keys())->append(k);
    static_cast<BinaryBuilder*>(props->map_items())->append(v);
  }
  auto* cols = static_cast<ListBuilder*>(b[15].get());
  auto* col = static_cast<StructBuilder*>(cols->values());
  cols->append();
  for (const auto& f : snap->schema()->fields()) {
    col->append();
    static_cast<BinaryBuilder*>(col->field_builder(0))->append(f->name());
    static_cast<BinaryBuilder*>(col->field_builder(1))->append(delta::spark_type_name(*f->type()));
    static_cast<BooleanBuilder*>(col->field_builder(2))->append(f->nullable());
    static_cast<BooleanBuilder*>(col->field_builder(3))
        ->append(std::find(partitions.begin(), partitions.end(), f->name()) != partitions.end());
  }
  std::vector<ColumnPtr> columns;
  for (auto& builder : b) {
    BRAID_ASSIGN_OR_RETURN(auto c, builder->finish());
    columns.push_back(std::move(c));
  }
  RecordBatch batch(s, 1, std::move(columns));
  if (options.format != "table") return print(batch, options.format, 80);
  // For people: the columns as a table, then the details one per line.
  std::string text;
  text += fmt::format("{:<20} {}\n{:<20} {}\n{:<20} {}\n", "location", snap->store().root(), "version",
                      snap->version(), "id", md.id);
  if (md.name) text += fmt::format("{:<20} {}\n", "name", *md.name);
  std::string ts;
  temporal::append_timestamp(ts, snap->timestamp_ms() * 1000, TimeUnit::kMicro, {' ', false, true}, true);
  text += fmt::format("{:<20} {}\n{:<20} {}\n{:<20} {}\n{:<20} {} ({})\n", "last modified", ts, "partitioned by",
                      partitions.empty() ? "-" : fmt::format("{}", fmt::join(partitions, ", ")), "files",
                      snap->files().size(), "size", snap->total_size(), format_bytes(snap->total_size()));
  text += fmt::format("{:<20} reader {}, writer {}\n", "protocol", p.min_reader_version, p.min_writer_version);
  if (p.reader_features) text += fmt::format("{:<20} {}\n", "reader features", fmt::join(*p.reader_features, ", "));
  if (p.writer_features) text += fmt::format("{:<20} {}\n", "writer features", fmt::join(*p.writer_features, ", "));
  for (const auto& [k, v] : md.configuration) text += fmt::format("{:<20} {} = {}\n", "property", k, v);
  text += "\n";
  auto out = stdout_stream();
  BRAID_RETURN_IF_ERROR(out->write(text));
  BRAID_RETURN_IF_ERROR(out->flush());
  const Column& list_col = *batch.column(15);
  auto entries = list_col.list_values();
  std::vector<ColumnPtr> parts;
  for (int i = 0; i < 4; ++i) parts.push_back(entries->struct_field(i));
  RecordBatch cols_batch(schema(column_type->fields()), entries->length(), std::move(parts));
  return print(cols_batch, "table", 60);
}

struct HistoryOptions {
  std::string path;
  std::string format = "table";
  int64_t limit = -1;
};

Status run_history(const HistoryOptions& options) {
  auto store = std::make_shared<const delta::LogStore>(local_file_system(), options.path);
  BRAID_ASSIGN_OR_RETURN(auto batch, delta::history(*store, options.limit > 0 ? options.limit : -1));
  return print(*batch, options.format, 48);
}

}  // namespace

CommandRunner add_describe_command(CLI::App& app) {
  auto options = std::make_shared<DescribeOptions>();
  CLI::App* cmd = app.add_subcommand("describe", "Describe a Delta table: schema, partitioning, protocol, files");
  cmd->add_option("PATH", options->path, "The table folder")->required();
  cmd->add_option("--format,-f", options->format, "Output format: table, csv or jsonl")
      ->capture_default_str()
      ->check(row_format());
  cmd->add_option("--version", options->source.version, "Describe this version")->check(at_least(0));
  cmd->add_option("--timestamp", options->source.timestamp, "Describe the version current at this time");
  return [options] {
    Status s = run_describe(*options);
    return s.ok() ? 0 : report_error(s.to_string());
  };
}

CommandRunner add_history_command(CLI::App& app) {
  auto options = std::make_shared<HistoryOptions>();
  CLI::App* cmd = app.add_subcommand("history", "List the commits of a Delta table, newest first");
  cmd->add_option("PATH", options->path, "The table folder")->required();
  cmd->add_option("--limit,-n", options->limit, "Show the newest N commits (0: all, the default)")->check(at_least(0));
  cmd->add_option("--format,-f", options->format, "Output format: table, csv or jsonl")
      ->capture_default_str()
      ->check(row_format());
  return [options] {
    Status s = run_history(*options);
    return s.ok() ? 0 : report_error(s.to_string());
  };
}

}  // namespace braid::cli
