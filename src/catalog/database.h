// Database: a warehouse folder of Delta tables, opened by path.
//
// Every sub-folder holding a `_delta_log/` is a table named after the folder; a table created as
// `t` lives in `WAREHOUSE/t/`. Names resolve case-insensitively, as identifiers do in Spark SQL
// (an exact folder name wins when two differ only by case). Tables are also addressable by path
// (delta.`/data/sales`), which needs no Database.
//
// External tables (CREATE TABLE t ... LOCATION 'dir') live outside the warehouse's folders and are
// registered by name in the warehouse's catalog, WAREHOUSE/_braid/catalog/: a log of versions
// NNNNNNNNNNNNNNNNNNNN.json, each the whole list of registrations (name -> absolute location),
// each written with put-if-absent, so two processes registering at once never lose one another's
// entry (the loser re-reads and retries) and a reader never sees a partial file. A name resolves
// to a warehouse folder first, then to a registration; registering a name a folder table has is
// an error. Dropping an external table removes its registration, never its files (as Spark does).
// Thread-safety: all methods may be called concurrently; tables are Delta tables, so concurrent
// writers are serialized by the Delta log, not by this class.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "braid/result.h"
#include "common/file_system.h"
#include "delta/table.h"
#include "sql/statements/statements.h"

namespace braid::catalog {

class Database final : public sql::Warehouse {
 public:
  // The folder must exist (kNotFound otherwise).
  static Result<std::shared_ptr<Database>> open(const std::string& warehouse,
                                                std::shared_ptr<FileSystem> fs = nullptr);

  const std::string& root() const { return root_; }
  const std::shared_ptr<FileSystem>& fs() const override { return fs_; }

  // Table names, sorted: the warehouse's folder tables and its external tables.
  Result<std::vector<std::string>> list_tables() const override;
  // The folder of an existing table (a warehouse folder, else an external table's location), or
  // kNotFound naming the table and the warehouse.
  Result<std::string> table_path(std::string_view name) const override;
  // Where a new table of this name goes (it need not exist).
  std::string new_table_path(std::string_view name) const override;
  bool table_exists(std::string_view name) const { return table_path(name).ok(); }
  Result<delta::DeltaTable> open_table(std::string_view name) const;
  // Removes a folder table's folder, or an external table's registration only (its files stay).
  // kNotFound when there is no such table.
  Status drop_table(std::string_view name) const override;

  // External tables: name (as registered) -> absolute location.
  Result<std::map<std::string, std::string>> external_tables() const;
  // The location of external table `name` (case-insensitive), or nullopt when none is registered
  // by that name.
  Result<std::optional<std::string>> external_location(std::string_view name) const override;
  // The absolute location LOCATION 'path' means: relative paths are relative to the warehouse
  // folder, as Spark resolves a relative table location against its database's folder.
  // Local paths only: file: URLs are read as paths; other URLs (s3://, ...) are kNotImplemented.
  Result<std::string> resolve_location(std::string_view path) const override;
  // Registers `name` at `location` (absolute). kAlreadyExists when a folder table or another
  // registration has the name.
  Status register_external_table(std::string_view name, const std::string& location) const override;
  // Removes the registration of `name`; kNotFound when there is none.
  Status unregister_external_table(std::string_view name) const override;
  // check_table_name(), for the statements that create tables.
  Status check_table_name(std::string_view name) const override;

 private:
  Database(std::string root, std::shared_ptr<FileSystem> fs) : root_(std::move(root)), fs_(std::move(fs)) {}
  struct Catalog {
    int64_t version = -1;  // -1: no catalog yet
    std::map<std::string, std::string> tables;
  };
  Result<Catalog> read_catalog() const;
  // Removes old catalog versions that no writer can still be basing a commit on.
  void prune_catalog(const std::string& folder, int64_t latest) const;
  // Applies `change` to the latest catalog and commits the result as the next version, again on
  // the latest one when another writer committed first.
  Status update_catalog(const std::function<Status(std::map<std::string, std::string>&)>& change) const;
  // The folder table of this name, or kNotFound.
  Result<std::string> folder_table_path(std::string_view name) const;
  std::string root_;
  std::shared_ptr<FileSystem> fs_;
};

// Whether `name` can name a table folder: not empty, no '/', not "." or "..", no NUL.
Status check_table_name(std::string_view name);

}  // namespace braid::catalog
