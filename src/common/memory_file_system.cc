#include "common/memory_file_system.h"

#include <chrono>
#include <cstring>

namespace braid {

namespace {

std::string normalize(std::string_view path) {
  std::string p(path);
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

class MemoryRandomAccessFile final : public RandomAccessFile {
 public:
  MemoryRandomAccessFile(std::string path, std::shared_ptr<const std::string> data)
      : RandomAccessFile(std::move(path), data->size()), data_(std::move(data)) {}
  Status read_at(uint64_t offset, size_t length, uint8_t* out) const override {
    if (offset > size() || length > size() - offset) {
      return Status::io_error("reading '{}': range [{}, {}) is past the end of the file ({} bytes)",
                              path(), offset, offset + length, size());
    }
    if (length > 0) std::memcpy(out, data_->data() + offset, length);
    return Status::OK();
  }

 private:
  std::shared_ptr<const std::string> data_;
};

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

// Contents become visible on close (or flush), like a local file after the writer is done.
class MemoryWritableFile final : public WritableFile {
 public:
  MemoryWritableFile(MemoryFileSystem* fs, std::string path) : fs_(fs), path_(std::move(path)) {}
  ~MemoryWritableFile() override { (void)close(); }
  Status write(std::string_view bytes) override {
    if (closed_) return Status::invalid_argument("writing '{}': file is closed", path_);
    BRAID_RETURN_IF_ERROR(fs_->fault("write", path_));
    data_.append(bytes);
    return Status::OK();
  }
  Status flush() override {
    // Once closed, the file is no longer ours: it may have been renamed or removed since.
    if (!closed_) fs_->store(path_, data_);
    return Status::OK();
  }
  Status sync() override { return flush(); }
  Status close() override {
    Status s = flush();
    closed_ = true;
    return s;
  }
  uint64_t bytes_written() const override { return data_.size(); }

 private:
  MemoryFileSystem* fs_;
  std::string path_;
  std::string data_;
  bool closed_ = false;
};

void MemoryFileSystem::set_fault_hook(FaultHook hook) {
  std::lock_guard lock(mutex_);
  hook_ = std::move(hook);
}

Status MemoryFileSystem::fault(std::string_view op, const std::string& path) const {
  FaultHook hook;
  {
    std::lock_guard lock(mutex_);
    hook = hook_;
  }
  return hook ? hook(op, path) : Status::OK();
}

bool MemoryFileSystem::is_directory_locked(const std::string& path) const {
  if (path.empty() || path == "/" || directories_.count(path)) return true;
  std::string prefix = path + "/";
  auto it = files_.lower_bound(prefix);
  return it != files_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
}

bool MemoryFileSystem::parent_exists_locked(const std::string& path) const {
  return is_directory_locked(std::string(parent_path(path)));
}

void MemoryFileSystem::store(const std::string& path, std::string contents) {
  std::lock_guard lock(mutex_);
  files_[path] = Entry{std::make_shared<const std::string>(std::move(contents)), now_ms()};
}

Result<std::unique_ptr<RandomAccessFile>> MemoryFileSystem::open_read(const std::string& path) {
  BRAID_RETURN_IF_ERROR(fault("open_read", path));
  std::lock_guard lock(mutex_);
  const std::string p = normalize(path);
  auto it = files_.find(p);
  if (it == files_.end()) {
    if (is_directory_locked(p)) {
      return Status::invalid_argument("opening '{}': is a folder, not a file", path);
    }
    return Status::not_found("opening '{}': no such file", path);
  }
  return std::unique_ptr<RandomAccessFile>(
      std::make_unique<MemoryRandomAccessFile>(path, it->second.data));
}

Result<std::unique_ptr<WritableFile>> MemoryFileSystem::open_write(const std::string& path) {
  BRAID_RETURN_IF_ERROR(fault("open_write", path));
  const std::string p = normalize(path);
  {
    std::lock_guard lock(mutex_);
    // As on a disk: the folder must exist, and a folder cannot be overwritten by a file.
    if (!files_.count(p) && is_directory_locked(p)) {
      return Status::io_error("creating '{}': is a folder", path);
    }
    if (!parent_exists_locked(p)) return Status::not_found("creating '{}': no such folder", path);
    files_[p] = Entry{std::make_shared<const std::string>(), now_ms()};
  }
  return std::unique_ptr<WritableFile>(std::make_unique<MemoryWritableFile>(this, p));
}

Status MemoryFileSystem::put_if_absent(const std::string& path, std::string_view contents) {
  BRAID_RETURN_IF_ERROR(fault("put_if_absent", path));
  std::lock_guard lock(mutex_);
  const std::string p = normalize(path);
  if (files_.count(p) || is_directory_locked(p)) {
    return Status::already_exists("'{}' already exists", path);
  }
  if (!parent_exists_locked(p)) return Status::not_found("creating '{}': no such folder", path);
  files_.emplace(p, Entry{std::make_shared<const std::string>(contents), now_ms()});
  return Status::OK();
}

Status MemoryFileSystem::rename(const std::string& from, const std::string& to, bool replace) {
  BRAID_RETURN_IF_ERROR(fault("rename", from));
  std::lock_guard lock(mutex_);
  const std::string target = normalize(to);
  auto it = files_.find(normalize(from));
  if (it == files_.end()) return Status::not_found("renaming '{}': no such file", from);
  const bool is_file = files_.count(target) > 0;
  const bool is_folder = !is_file && is_directory_locked(target);
  if (!replace && (is_file || is_folder)) {
    return Status::already_exists("renaming '{}': '{}' exists", from, to);
  }
  if (is_folder) return Status::io_error("renaming '{}': '{}' is a folder", from, to);
  if (!parent_exists_locked(target)) {
    return Status::not_found("renaming '{}' to '{}': no such folder", from, to);
  }
  // A rename keeps the file's modification time, as on a disk.
  Entry entry = it->second;
  files_.erase(it);
  files_[target] = std::move(entry);
  return Status::OK();
}

Result<FileInfo> MemoryFileSystem::stat(const std::string& path) {
  std::lock_guard lock(mutex_);
  std::string p = normalize(path);
  auto it = files_.find(p);
  if (it != files_.end()) {
    return FileInfo{std::string(base_name(p)), false, it->second.data->size(), it->second.modified_ms};
  }
  if (is_directory_locked(p)) return FileInfo{std::string(base_name(p)), true, 0, 0};
  return Status::not_found("reading the status of '{}': no such file or folder", path);
}

Result<std::vector<FileInfo>> MemoryFileSystem::list(const std::string& dir) {
  BRAID_RETURN_IF_ERROR(fault("list", dir));
  std::lock_guard lock(mutex_);
  std::string d = normalize(dir);
  if (files_.count(d)) return Status::io_error("listing '{}': not a folder", dir);
  if (!is_directory_locked(d)) return Status::not_found("listing '{}': no such folder", dir);
  std::string prefix = d.empty() ? "" : d == "/" ? "/" : d + "/";
  std::map<std::string, FileInfo> entries;
  for (auto it = files_.lower_bound(prefix); it != files_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    std::string rest = it->first.substr(prefix.size());
    auto slash = rest.find('/');
    if (slash == std::string::npos) {
      entries[rest] = FileInfo{rest, false, it->second.data->size(), it->second.modified_ms};
    } else if (slash > 0) {  // (an absolute path seen from the relative root has none)
      std::string sub = rest.substr(0, slash);
      entries.try_emplace(sub, FileInfo{sub, true, 0, 0});
    }
  }
  for (auto it = directories_.lower_bound(prefix); it != directories_.end(); ++it) {
    if (it->compare(0, prefix.size(), prefix) != 0) break;
    std::string rest = it->substr(prefix.size());
    std::string sub = rest.substr(0, rest.find('/'));
    if (!sub.empty()) entries.try_emplace(sub, FileInfo{sub, true, 0, 0});
  }
  std::vector<FileInfo> out;
  for (auto& [name, info] : entries) out.push_back(std::move(info));
  return out;
}

Status MemoryFileSystem::create_directories(const std::string& path) {
  std::lock_guard lock(mutex_);
  std::string p = normalize(path);
  // Every prefix becomes a folder; a file anywhere on the way is an error, as on a disk.
  for (size_t pos = 0; pos != std::string::npos;) {
    pos = p.find('/', pos + 1);
    std::string prefix = p.substr(0, pos);
    if (prefix.empty()) continue;
    if (files_.count(prefix)) {
      return Status::io_error("creating folder '{}': '{}' is a file", path, prefix);
    }
    directories_.insert(prefix);
  }
  return Status::OK();
}

Status MemoryFileSystem::remove(const std::string& path) {
  BRAID_RETURN_IF_ERROR(fault("remove", path));
  std::lock_guard lock(mutex_);
  std::string p = normalize(path);
  if (files_.erase(p)) return Status::OK();
  if (is_directory_locked(p)) {
    // Not empty when a file or a folder lies below.
    const std::string prefix = p + "/";
    auto file = files_.lower_bound(prefix);
    auto folder = directories_.lower_bound(prefix);
    if ((file != files_.end() && file->first.compare(0, prefix.size(), prefix) == 0) ||
        (folder != directories_.end() && folder->compare(0, prefix.size(), prefix) == 0)) {
      return Status::io_error("removing '{}': folder is not empty", path);
    }
    directories_.erase(p);
    return Status::OK();
  }
  return Status::not_found("removing '{}': no such file", path);
}

std::vector<std::string> MemoryFileSystem::all_files() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [path, entry] : files_) out.push_back(path);
  return out;
}

Status MemoryFileSystem::set_modified_ms(const std::string& path, int64_t modified_ms) {
  std::lock_guard lock(mutex_);
  auto it = files_.find(normalize(path));
  if (it == files_.end()) return Status::not_found("dating '{}': no such file", path);
  it->second.modified_ms = modified_ms;
  return Status::OK();
}

}  // namespace braid
