// Files named in SQL as a relation (read_parquet, read_csv with its options, parquet.`path`,
// csv.`path`): a file, a folder of data files or a glob, scanned as one source.
#include "catalog/internal/file_relation.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>

#include "common/ascii.h"
#include "formats/csv/csv_reader.h"
#include "formats/parquet/parquet_reader.h"

namespace braid::catalog {

namespace {

using ascii::lower;

// Paths matching a glob in its last component ("data/part-*.parquet"), sorted; the path itself
// when it has no wildcard.
Result<std::vector<std::string>> expand_glob(FileSystem& fs, const std::string& pattern) {
  const auto slash = pattern.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : pattern.substr(0, slash);
  const std::string base = slash == std::string::npos ? pattern : pattern.substr(slash + 1);
  if (dir.find_first_of("*?[") != std::string::npos) {
    return Status::not_implemented("'{}': wildcards are supported in the file name only, not in folders", pattern);
  }
  if (base.find_first_of("*?[") == std::string::npos) {
    auto info = fs.stat(pattern);
    if (!info.ok()) return Status::not_found("'{}': no such file", pattern);
    if (!info->is_directory) return std::vector<std::string>{pattern};
    // A folder: every data file in it.
    BRAID_ASSIGN_OR_RETURN(auto entries, fs.list(pattern));
    std::vector<std::string> out;
    for (const auto& e : entries) {
      if (!e.is_directory && !e.name.starts_with(".") && !e.name.starts_with("_")) out.push_back(join_path(pattern, e.name));
    }
    std::sort(out.begin(), out.end());
    if (out.empty()) return Status::not_found("'{}': the folder holds no data files", pattern);
    return out;
  }
  BRAID_ASSIGN_OR_RETURN(auto entries, fs.list(dir));
  std::vector<std::string> out;
  for (const auto& e : entries) {
    if (!e.is_directory && ::fnmatch(base.c_str(), e.name.c_str(), 0) == 0) {
      out.push_back(slash == std::string::npos ? e.name : join_path(dir, e.name));
    }
  }
  std::sort(out.begin(), out.end());
  if (out.empty()) return Status::not_found("no file matches '{}'", pattern);
  return out;
}

// A boolean option's value; anything else is an error rather than false.
Result<bool> parse_bool(const std::string& option, const std::string& v) {
  if (lower(v) == "true" || v == "1") return true;
  if (lower(v) == "false" || v == "0") return false;
  return Status::invalid_argument("read_csv: {} must be true or false, not '{}'", option, v);
}

}  // namespace

sql::PlanPtr scan_plan(sql::ScanNode scan) {
  for (int i = 0; i < scan.source_schema->num_fields(); ++i) scan.columns.push_back(i);
  auto schema = scan.source_schema;
  return sql::make_plan(std::move(scan), schema);
}

Result<sql::ResolvedRelation> file_relation(const std::shared_ptr<FileSystem>& fs, const sql::TableName& name) {
  BRAID_ASSIGN_OR_RETURN(auto paths, expand_glob(*fs, name.path));
  sql::FileSource source;
  source.paths = paths;
  sql::ScanNode scan;
  // read_parquet's and read_csv's named options arrive as "name=value" parts; a path reference
  // (csv.`p`) has the parts {format, path} and no options.
  const bool path_reference =
      name.parts.size() == 2 && lower(name.parts[0]) == name.path_format && name.parts[1] == name.path;
  const std::vector<std::string> named = path_reference ? std::vector<std::string>{} : name.parts;
  if (name.path_format == "parquet") {
    if (!named.empty()) {
      return Status::invalid_argument("read_parquet: unknown option '{}' (read_parquet takes no options)",
                                      named[0].substr(0, named[0].find('=')));
    }
    source.format = sql::FileSource::Format::kParquet;
    BRAID_ASSIGN_OR_RETURN(auto file, parquet::ParquetFile::open(fs, paths[0]));
    scan.source_schema = file->schema();
  } else {
    source.format = sql::FileSource::Format::kCsv;
    csv::CsvReadOptions& options = source.csv;
    // read_csv's named options arrive as "name=value" parts.
    for (const auto& part : named) {
      const auto eq = part.find('=');
      const std::string key = part.substr(0, eq), value = eq == std::string::npos ? "" : part.substr(eq + 1);
      if (key == "header") {
        BRAID_ASSIGN_OR_RETURN(options.header, parse_bool(key, value));
      } else if (key == "delimiter" || key == "sep" || key == "delim") {
        if (value.size() != 1) return Status::invalid_argument("read_csv: the delimiter must be one character, not '{}'", value);
        options.delimiter = value[0];
      } else if (key == "nullstr" || key == "nullvalue") {
        options.null_values = {value};
      } else if (key == "schema") {
        auto schema = sql::schema_from_ddl(value);
        if (!schema.ok()) return Status(schema.status()).with_context_f("read_csv: schema '{}'", value);
        options.schema = *schema;
      } else if (key == "mode") {
        BRAID_ASSIGN_OR_RETURN(options.mode, csv::parse_malformed_mode(value));
      } else if (key == "columnnameofcorruptrecord") {
        options.corrupt_record_column = value;
      } else {
        return Status::invalid_argument(
            "read_csv: unknown option '{}' (header, delimiter, nullstr, schema, mode, columnNameOfCorruptRecord)", key);
      }
    }
    BRAID_ASSIGN_OR_RETURN(auto reader, csv::CsvReader::open(fs, paths[0], options));
    scan.source_schema = reader->schema();
    // Every file is read with the first one's schema (inferred once, for the whole glob).
    if (!options.schema) {
      options.inferred_from = paths[0];
      options.inferred_rows = reader->sampled_rows();
    }
  }
  scan.source = std::move(source);
  return sql::ResolvedRelation{scan_plan(std::move(scan)), ""};
}

}  // namespace braid::catalog
