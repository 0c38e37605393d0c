// TableSource: the rows behind a path given on the command line, whatever its format.
// Decides the format from the extension (or --input-format) and streams batches.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "braid/result.h"
#include "columnar/record_batch.h"
#include "delta/snapshot.h"

namespace braid::cli {

struct SourceOptions {
  std::string input_format;  // "", "csv", "tsv"
  std::string delimiter;
  bool no_header = false;
  std::string null_string;
  bool has_null_string = false;
  std::string schema;       // CSV input: a DDL schema string ("id BIGINT, qty STRING")
  std::string csv_mode;     // CSV input: FAILFAST, DROPMALFORMED or PERMISSIVE
  std::string corrupt_record_column;
  // Parquet input and Delta tables: verify page CRCs (--no-verify-checksums turns it off, to
  // salvage what a damaged file still holds).
  bool verify_checksums = true;
  // Delta tables: time travel.
  int64_t version = -1;
  std::string timestamp;
};

void add_source_options(CLI::App& cmd, SourceOptions& options);

class TableSource {
 public:
  virtual ~TableSource() = default;
  virtual const SchemaPtr& schema() const = 0;
  // nullptr after the last batch.
  virtual Result<RecordBatchPtr> next() = 0;
  // Keeps only the named columns (comma-separated), in that order; "" keeps all.
  Status select_columns(const std::string& names);

 protected:
  // Applied to each batch by implementations via project().
  Result<RecordBatchPtr> project(RecordBatchPtr batch) const;
  SchemaPtr projected_schema_;
  std::vector<int> projection_;  // empty: all columns
};

Result<std::unique_ptr<TableSource>> open_table_source(const std::string& path,
                                                       const SourceOptions& options);

// The snapshot of the Delta table at `path` that --version / --timestamp select.
Result<delta::SnapshotPtr> open_delta_snapshot(const std::string& path, const SourceOptions& options);

}  // namespace braid::cli
