#include <chrono>
#include "catalog/database.h"

#include <fmt/core.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "common/ascii.h"
#include "common/json_writer.h"

namespace braid::catalog {

namespace {

using ascii::iequals;

constexpr std::string_view kCatalogFolder = "_braid/catalog";
constexpr size_t kVersionDigits = 20;

// "00000000000000000003.json": a catalog version's file name.
std::string version_file(int64_t version) { return fmt::format("{:020}.json", version); }

// The version a file name holds, or -1 when it is not a catalog version (a put-if-absent's
// temporary file, anything else).
int64_t version_of(std::string_view name) {
  if (name.size() != kVersionDigits + 5 || !name.ends_with(".json")) return -1;
  int64_t v = 0;
  for (size_t i = 0; i < kVersionDigits; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(name[i]))) return -1;
    v = v * 10 + (name[i] - '0');
  }
  return v;
}

std::string catalog_json(const std::map<std::string, std::string>& tables) {
  JsonWriter w;
  w.begin_object();
  w.key("externalTables");
  w.begin_array();
  for (const auto& [name, location] : tables) {
    w.begin_object();
    w.field("name", name);
    w.field("location", location);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

Result<std::map<std::string, std::string>> parse_catalog(const std::string& text, const std::string& path) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array entries;
  if (parser.parse(text).get(doc) || doc["externalTables"].get_array().get(entries)) {
    return Status::corruption("warehouse catalog {} is not readable: expected {{\"externalTables\": [...]}}", path);
  }
  std::map<std::string, std::string> tables;
  for (auto entry : entries) {
    std::string_view name, location;
    if (entry["name"].get(name) || entry["location"].get(location)) {
      return Status::corruption("warehouse catalog {}: an entry lacks its name or location", path);
    }
    tables.emplace(std::string(name), std::string(location));
  }
  return tables;
}

}  // namespace

Status check_table_name(std::string_view name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string_view::npos ||
      name.find('\0') != std::string_view::npos) {
    return Status::invalid_argument("'{}' cannot name a table: a table name is one folder name", name);
  }
  return Status::OK();
}

Status Database::check_table_name(std::string_view name) const { return catalog::check_table_name(name); }

Result<std::shared_ptr<Database>> Database::open(const std::string& warehouse, std::shared_ptr<FileSystem> fs) {
  if (!fs) fs = local_file_system();
  std::string root = warehouse.empty() ? "." : warehouse;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  auto info = fs->stat(root);
  if (!info.ok() || !info->is_directory) {
    return Status::not_found("warehouse '{}' is not a folder", root);
  }
  return std::shared_ptr<Database>(new Database(std::move(root), std::move(fs)));
}

Result<std::vector<std::string>> Database::list_tables() const {
  BRAID_ASSIGN_OR_RETURN(auto entries, fs_->list(root_));
  std::vector<std::string> out;
  for (const auto& e : entries) {
    if (e.is_directory && delta::DeltaTable::exists(*fs_, join_path(root_, e.name))) out.push_back(e.name);
  }
  BRAID_ASSIGN_OR_RETURN(auto external, external_tables());
  for (const auto& entry : external) {
    const std::string& name = entry.first;
    // A folder table of the same name hides the registration (it resolves first).
    if (std::none_of(out.begin(), out.end(), [&](const std::string& t) { return iequals(t, name); })) {
      out.push_back(name);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::string> Database::folder_table_path(std::string_view name) const {
  BRAID_RETURN_IF_ERROR(check_table_name(name));
  const std::string exact = join_path(root_, std::string(name));
  if (delta::DeltaTable::exists(*fs_, exact)) return exact;
  BRAID_ASSIGN_OR_RETURN(auto entries, fs_->list(root_));
  for (const auto& e : entries) {
    if (e.is_directory && iequals(e.name, name) && delta::DeltaTable::exists(*fs_, join_path(root_, e.name))) {
      return join_path(root_, e.name);
    }
  }
  return Status::not_found("table '{}' does not exist in warehouse '{}'", name, root_);
}

Result<std::string> Database::table_path(std::string_view name) const {
  auto folder = folder_table_path(name);
  if (folder.ok() || folder.status().code() != StatusCode::kNotFound) return folder;
  BRAID_ASSIGN_OR_RETURN(auto location, external_location(name));
  if (location) return *location;
  return folder;
}

std::string Database::new_table_path(std::string_view name) const { return join_path(root_, std::string(name)); }

Result<delta::DeltaTable> Database::open_table(std::string_view name) const {
  BRAID_ASSIGN_OR_RETURN(std::string path, table_path(name));
  return delta::DeltaTable::open(fs_, path);
}

Status Database::drop_table(std::string_view name) const {
  auto folder = folder_table_path(name);
  if (folder.ok()) return fs_->remove_all(*folder);
  if (folder.status().code() != StatusCode::kNotFound) return folder.status();
  BRAID_ASSIGN_OR_RETURN(auto location, external_location(name));
  if (!location) return folder.status();
  return unregister_external_table(name);
}

// ---- external tables

Result<Database::Catalog> Database::read_catalog() const {
  const std::string folder = join_path(root_, kCatalogFolder);
  // A writer prunes old versions: one may go between our listing and our read; list again then.
  for (int attempt = 0; attempt < 10; ++attempt) {
    auto entries = fs_->list(folder);
    if (!entries.ok()) {
      if (entries.status().code() == StatusCode::kNotFound) return Catalog{};
      return entries.status();
    }
    int64_t latest = -1;
    for (const auto& e : *entries) {
      if (!e.is_directory) latest = std::max(latest, version_of(e.name));
    }
    if (latest < 0) return Catalog{};
    const std::string path = join_path(folder, version_file(latest));
    auto text = fs_->read_file(path);
    if (!text.ok()) {
      if (text.status().code() == StatusCode::kNotFound) continue;
      return text.status();
    }
    BRAID_ASSIGN_OR_RETURN(auto tables, parse_catalog(*text, path));
    return Catalog{latest, std::move(tables)};
  }
  return Status::unavailable("the warehouse catalog {} kept changing while it was read", folder).set_retryable();
}

// Keeps the last kKept versions and every version written within the last hour; removes the rest.
// A removed version number is free again for put-if-absent, so removing a version a slow writer is
// about to write (it read the one before) would let that writer "commit" into a slot older than
// the latest, and its change would be lost. That writer read its base version before the removed
// one was first written; an hour's age makes that window far longer than any registration takes,
// as Delta's log retention does for its commits.
void Database::prune_catalog(const std::string& folder, int64_t latest) const {
  constexpr int64_t kKept = 10;
  constexpr int64_t kMinAgeMs = int64_t{60} * 60 * 1000;
  auto entries = fs_->list(folder);
  if (!entries.ok()) return;  // pruning is housekeeping: the next writer tries again
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  for (const auto& e : *entries) {
    const int64_t v = e.is_directory ? -1 : version_of(e.name);
    if (v < 0 || v > latest - kKept || now_ms - e.modified_ms < kMinAgeMs) continue;
    (void)fs_->remove(join_path(folder, e.name));
  }
}

Status Database::update_catalog(const std::function<Status(std::map<std::string, std::string>&)>& change) const {
  const std::string folder = join_path(root_, kCatalogFolder);
  BRAID_RETURN_IF_ERROR(fs_->create_directories(folder));
  constexpr int kAttempts = 100;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    BRAID_ASSIGN_OR_RETURN(Catalog catalog, read_catalog());
    BRAID_RETURN_IF_ERROR(change(catalog.tables));
    const int64_t next = catalog.version + 1;
    Status put = fs_->put_if_absent(join_path(folder, version_file(next)), catalog_json(catalog.tables));
    if (put.ok()) {
      prune_catalog(folder, next);
      return Status::OK();
    }
    if (put.code() != StatusCode::kAlreadyExists) return put;
    // Another process committed this version first: apply the change again on top of theirs.
  }
  return Status::conflict("the warehouse catalog {} changed {} times while this change was made; try again", folder,
                          kAttempts)
      .set_retryable();
}

Result<std::map<std::string, std::string>> Database::external_tables() const {
  BRAID_ASSIGN_OR_RETURN(Catalog catalog, read_catalog());
  return std::move(catalog.tables);
}

Result<std::optional<std::string>> Database::external_location(std::string_view name) const {
  BRAID_ASSIGN_OR_RETURN(auto tables, external_tables());
  if (auto it = tables.find(std::string(name)); it != tables.end()) return it->second;
  for (const auto& [n, location] : tables) {
    if (iequals(n, name)) return location;
  }
  return std::optional<std::string>();
}

Result<std::string> Database::resolve_location(std::string_view path) const {
  std::string p(path);
  if (p.starts_with("file://")) {
    p.erase(0, 7);  // file:///data/t
  } else if (p.starts_with("file:")) {
    p.erase(0, 5);  // file:/data/t
  } else if (const auto colon = p.find(':'); colon != std::string::npos && p.find('/') > colon) {
    return Status::not_implemented("LOCATION '{}': braid reads local folders only, not {} URLs", path,
                                   p.substr(0, colon));
  }
  if (p.empty()) return Status::invalid_argument("LOCATION '' names no folder");
  if (p[0] != '/') p = join_path(root_, p);
  if (p[0] != '/' && fs_ == local_file_system()) p = std::filesystem::absolute(p).string();
  std::string normal = std::filesystem::path(p).lexically_normal().string();
  while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal;
}

Status Database::register_external_table(std::string_view name, const std::string& location) const {
  BRAID_RETURN_IF_ERROR(check_table_name(name));
  auto folder = folder_table_path(name);
  if (folder.ok()) {
    return Status::already_exists("table {} already exists in warehouse '{}' (at '{}')", name, root_, *folder);
  }
  if (folder.status().code() != StatusCode::kNotFound) return folder.status();
  return update_catalog([&](std::map<std::string, std::string>& tables) -> Status {
    for (const auto& [n, at] : tables) {
      if (iequals(n, name)) return Status::already_exists("table {} already exists (an external table at '{}')", n, at);
    }
    tables.emplace(std::string(name), location);
    return Status::OK();
  });
}

Status Database::unregister_external_table(std::string_view name) const {
  return update_catalog([&](std::map<std::string, std::string>& tables) -> Status {
    auto it = tables.find(std::string(name));
    if (it == tables.end()) {
      it = std::find_if(tables.begin(), tables.end(), [&](const auto& entry) { return iequals(entry.first, name); });
    }
    if (it == tables.end()) return Status::not_found("table '{}' does not exist in warehouse '{}'", name, root_);
    tables.erase(it);
    return Status::OK();
  });
}

}  // namespace braid::catalog
