// braid meta FILE: what a Parquet file holds: row groups, column chunks, types, encodings,
// codecs, sizes and statistics.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/option_checks.h"
#include "columnar/column_builder.h"
#include "columnar/row_output.h"
#include "columnar/value_text.h"
#include "common/file_system.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/statistics.h"

namespace braid::cli {

namespace {

struct MetaOptions {
  std::string path;
  std::string format = "table";
};

std::string join_encodings(const std::vector<parquet::Encoding>& encodings) {
  std::string s;
  for (auto e : encodings) {
    if (!s.empty()) s += ",";
    s += parquet::encoding_name(e);
  }
  return s;
}

std::string stat_text(const ColumnPtr& c) {
  if (c == nullptr) return "";
  std::string s = value_text(*c, 0, TextFlavor::kPlain);
  return s;
}

Status run_meta(const MetaOptions& options) {
  BRAID_ASSIGN_OR_RETURN(RowFormat format, parse_row_format(options.format));
  BRAID_ASSIGN_OR_RETURN(auto file, parquet::ParquetFile::open(local_file_system(), options.path));
  const parquet::FileMetaData& md = file->metadata();
  const parquet::FileSchema& fs = file->file_schema();
  auto out = stdout_stream();
  if (format == RowFormat::kTable) {
    std::string head = fmt::format(
        "file:        {}\nsize:        {} bytes\ncreated by:  {}\nversion:     {}\nrows:        {}\nrow groups:  {}\ncolumns:     {} ({} leaf columns)\n",
        options.path, file->file_size(), md.created_by.value_or(""), md.version, file->num_rows(),
        file->num_row_groups(), file->schema()->num_fields(), fs.leaves().size());
    for (const auto& [k, v] : md.key_value_metadata) {
      std::string shown = v.size() > 100 ? v.substr(0, 97) + "..." : v;
      head += fmt::format("metadata:    {} = {}\n", k, shown);
    }
    BRAID_RETURN_IF_ERROR(out->write(head + "\n"));
  }
  auto s = schema({field("row_group", int32(), false), field("column", string_type(), false),
                   field("physical_type", string_type(), false), field("logical_type", string_type()),
                   field("type", string_type(), false), field("encodings", string_type(), false),
                   field("codec", string_type(), false), field("num_values", int64(), false),
                   field("null_count", int64()), field("compressed_bytes", int64(), false),
                   field("uncompressed_bytes", int64(), false), field("min", string_type()),
                   field("max", string_type())});
  Int32Builder rg_b(int32());
  BinaryBuilder col_b(string_type()), phys_b(string_type()), logical_b(string_type()),
      type_b(string_type()), enc_b(string_type()), codec_b(string_type()), min_b(string_type()),
      max_b(string_type());
  Int64Builder values_b(int64()), nulls_b(int64()), comp_b(int64()), uncomp_b(int64());
  int64_t rows = 0;
  for (int g = 0; g < file->num_row_groups(); ++g) {
    const auto& rg = md.row_groups[static_cast<size_t>(g)];
    for (size_t c = 0; c < rg.columns.size(); ++c) {
      const parquet::SchemaNode& leaf = *fs.leaves()[c];
      const parquet::ColumnMetaData& cm = *rg.columns[c].meta_data;
      auto stats = parquet::column_statistics(leaf, cm);
      rg_b.append(g);
      col_b.append(fs.leaf_path(static_cast<int>(c)));
      phys_b.append(parquet::physical_type_name(cm.type));
      std::string logical = parquet::logical_type_name(leaf.element->logical_type);
      if (logical.empty() && leaf.element->converted_type) {
        logical = parquet::converted_type_name(*leaf.element->converted_type);
      }
      if (logical.empty()) {
        logical_b.append_null();
      } else {
        logical_b.append(logical);
      }
      type_b.append(leaf.type->to_string());
      enc_b.append(join_encodings(cm.encodings));
      codec_b.append(parquet::codec_name(cm.codec));
      values_b.append(cm.num_values);
      if (stats.null_count) {
        nulls_b.append(*stats.null_count);
      } else {
        nulls_b.append_null();
      }
      comp_b.append(cm.total_compressed_size);
      uncomp_b.append(cm.total_uncompressed_size);
      if (stats.min) min_b.append(stat_text(stats.min)); else min_b.append_null();
      if (stats.max) max_b.append(stat_text(stats.max)); else max_b.append_null();
      ++rows;
    }
  }
  std::vector<ColumnPtr> columns;
  for (ColumnBuilder* b : std::initializer_list<ColumnBuilder*>{
           &rg_b, &col_b, &phys_b, &logical_b, &type_b, &enc_b, &codec_b, &values_b, &nulls_b,
           &comp_b, &uncomp_b, &min_b, &max_b}) {
    BRAID_ASSIGN_OR_RETURN(auto c, b->finish());
    columns.push_back(std::move(c));
  }
  RecordBatch batch(s, rows, std::move(columns));
  RowOutputOptions row_options;
  row_options.format = format;
  row_options.max_rows = -1;
  row_options.max_column_width = 32;
  auto writer = make_row_writer(s, *out, row_options);
  BRAID_RETURN_IF_ERROR(writer->write(batch));
  return writer->finish();
}

}  // namespace

CommandRunner add_meta_command(CLI::App& app) {
  auto options = std::make_shared<MetaOptions>();
  CLI::App* cmd = app.add_subcommand(
      "meta", "Print a Parquet file's metadata: row groups, column chunks, encodings, statistics");
  cmd->add_option("FILE", options->path, "The Parquet file")->required();
  cmd->add_option("--format,-f", options->format,
                  "Output format: table (with a file summary), csv or jsonl (chunks only)")
      ->capture_default_str()
      ->check(row_format());
  return [options] {
    Status s = run_meta(*options);
    return s.ok() ? 0 : report_error(s.to_string());
  };
}

}  // namespace braid::cli
