#include "catalog/database.h"

#include <algorithm>
#include <cctype>

namespace braid::catalog {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

Status check_table_name(std::string_view name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string_view::npos ||
      name.find('\0') != std::string_view::npos) {
    return Status::invalid_argument("'{}' cannot name a table: a table name is one folder name", name);
  }
  return Status::OK();
}

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
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::string> Database::table_path(std::string_view name) const {
  BRAID_RETURN_IF_ERROR(check_table_name(name));
  const std::string exact = join_path(root_, std::string(name));
  if (delta::DeltaTable::exists(*fs_, exact)) return exact;
  BRAID_ASSIGN_OR_RETURN(auto tables, list_tables());
  for (const auto& t : tables) {
    if (iequals(t, name)) return join_path(root_, t);
  }
  return Status::not_found("table '{}' does not exist in warehouse '{}'", name, root_);
}

std::string Database::new_table_path(std::string_view name) const { return join_path(root_, std::string(name)); }

Result<delta::DeltaTable> Database::open_table(std::string_view name) const {
  BRAID_ASSIGN_OR_RETURN(std::string path, table_path(name));
  return delta::DeltaTable::open(fs_, path);
}

Status Database::drop_table(std::string_view name) const {
  BRAID_ASSIGN_OR_RETURN(std::string path, table_path(name));
  return fs_->remove_all(path);
}

}  // namespace braid::catalog
