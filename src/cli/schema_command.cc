// braid schema FILE: the columns of a data file, their types and nullability.
#include "cli/commands.h"
#include "cli/option_checks.h"
#include "cli/table_source.h"
#include "columnar/column_builder.h"
#include "columnar/row_output.h"
#include "common/file_system.h"
#include "formats/parquet/schema_mapping.h"

namespace braid::cli {

namespace {

struct SchemaOptions {
  std::string path;
  std::string format = "table";
  SourceOptions source;
};

Status run_schema(const SchemaOptions& options) {
  BRAID_ASSIGN_OR_RETURN(RowFormat format, parse_row_format(options.format));
  BRAID_ASSIGN_OR_RETURN(auto source, open_table_source(options.path, options.source));
  const SchemaPtr& s = source->schema();
  // `type` is braid's (Spark SQL) name; `jsonl_type` the name used by the jsonl format and the
  // conformance manifests (../shared/fixtures/parquet/README.md).
  auto out_schema = schema({field("name", string_type(), false), field("type", string_type(), false),
                            field("nullable", boolean(), false),
                            field("jsonl_type", string_type(), false)});
  BinaryBuilder names(string_type()), types(string_type()), jsonl_types(string_type());
  BooleanBuilder nullable;
  for (const auto& f : s->fields()) {
    names.append(f->name());
    types.append(f->type()->to_string());
    nullable.append(f->nullable());
    jsonl_types.append(parquet::sql_type_name(*f->type()));
  }
  std::vector<ColumnPtr> columns;
  for (ColumnBuilder* b : std::initializer_list<ColumnBuilder*>{&names, &types, &nullable, &jsonl_types}) {
    BRAID_ASSIGN_OR_RETURN(auto c, b->finish());
    columns.push_back(std::move(c));
  }
  RecordBatch batch(out_schema, s->num_fields(), std::move(columns));
  auto out = stdout_stream();
  RowOutputOptions row_options;
  row_options.format = format;
  row_options.max_rows = -1;
  row_options.max_column_width = 80;
  auto writer = make_row_writer(out_schema, *out, row_options);
  BRAID_RETURN_IF_ERROR(writer->write(batch));
  return writer->finish();
}

}  // namespace

CommandRunner add_schema_command(CLI::App& app) {
  auto options = std::make_shared<SchemaOptions>();
  CLI::App* cmd = app.add_subcommand("schema", "Print the columns and types of a data file");
  cmd->add_option("FILE", options->path, "The file to read")->required();
  cmd->add_option("--format,-f", options->format, "Output format: table, csv or jsonl")
      ->capture_default_str()
      ->check(row_format());
  add_source_options(*cmd, options->source);
  return [options] {
    Status s = run_schema(*options);
    return s.ok() ? 0 : report_error(s.to_string());
  };
}

}  // namespace braid::cli
