// Database: a warehouse folder of Delta tables, opened by path.
//
// Every sub-folder holding a `_delta_log/` is a table named after the folder; a table created as
// `t` lives in `WAREHOUSE/t/`. Names resolve case-insensitively, as identifiers do in Spark SQL
// (an exact folder name wins when two differ only by case). Tables are also addressable by path
// (delta.`/data/sales`), which needs no Database.
// Thread-safety: all methods may be called concurrently; tables are Delta tables, so concurrent
// writers are serialized by the Delta log, not by this class.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "braid/result.h"
#include "common/file_system.h"
#include "delta/table.h"

namespace braid::catalog {

class Database {
 public:
  // The folder must exist (kNotFound otherwise).
  static Result<std::shared_ptr<Database>> open(const std::string& warehouse,
                                                std::shared_ptr<FileSystem> fs = nullptr);

  const std::string& root() const { return root_; }
  const std::shared_ptr<FileSystem>& fs() const { return fs_; }

  // Table names, sorted.
  Result<std::vector<std::string>> list_tables() const;
  // The folder of an existing table, or kNotFound naming the table and the warehouse.
  Result<std::string> table_path(std::string_view name) const;
  // Where a new table of this name goes (it need not exist).
  std::string new_table_path(std::string_view name) const;
  bool table_exists(std::string_view name) const { return table_path(name).ok(); }
  Result<delta::DeltaTable> open_table(std::string_view name) const;
  // Removes the table's folder. kNotFound when there is no such table.
  Status drop_table(std::string_view name) const;

 private:
  Database(std::string root, std::shared_ptr<FileSystem> fs) : root_(std::move(root)), fs_(std::move(fs)) {}
  std::string root_;
  std::shared_ptr<FileSystem> fs_;
};

// Whether `name` can name a table folder: not empty, no '/', not "." or "..", no NUL.
Status check_table_name(std::string_view name);

}  // namespace braid::catalog
