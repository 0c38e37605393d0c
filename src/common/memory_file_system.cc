#include "common/memory_file_system.h"

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

}  // namespace

// Contents become visible on close (or flush), like a local file after the writer is done.
class MemoryWritableFile final : public WritableFile {
 public:
  MemoryWritableFile(MemoryFileSystem* fs, std::string path) : fs_(fs), path_(std::move(path)) {}
  ~MemoryWritableFile() override { (void)flush(); }
  Status write(std::string_view bytes) override {
    BRAID_RETURN_IF_ERROR(fs_->fault("write", path_));
    data_.append(bytes);
    return Status::OK();
  }
  Status flush() override {
    fs_->store(path_, data_);
    return Status::OK();
  }
  Status sync() override { return flush(); }
  Status close() override { return flush(); }
  uint64_t bytes_written() const override { return data_.size(); }

 private:
  MemoryFileSystem* fs_;
  std::string path_;
  std::string data_;
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

void MemoryFileSystem::store(const std::string& path, std::string contents) {
  std::lock_guard lock(mutex_);
  files_[path] = std::make_shared<const std::string>(std::move(contents));
  ++clock_ms_;
}

Result<std::unique_ptr<RandomAccessFile>> MemoryFileSystem::open_read(const std::string& path) {
  BRAID_RETURN_IF_ERROR(fault("open_read", path));
  std::lock_guard lock(mutex_);
  auto it = files_.find(normalize(path));
  if (it == files_.end()) return Status::not_found("opening '{}': no such file", path);
  return std::unique_ptr<RandomAccessFile>(
      std::make_unique<MemoryRandomAccessFile>(path, it->second));
}

Result<std::unique_ptr<WritableFile>> MemoryFileSystem::open_write(const std::string& path) {
  BRAID_RETURN_IF_ERROR(fault("open_write", path));
  store(normalize(path), "");
  return std::unique_ptr<WritableFile>(std::make_unique<MemoryWritableFile>(this, normalize(path)));
}

Status MemoryFileSystem::put_if_absent(const std::string& path, std::string_view contents) {
  BRAID_RETURN_IF_ERROR(fault("put_if_absent", path));
  std::lock_guard lock(mutex_);
  auto [it, inserted] =
      files_.try_emplace(normalize(path), std::make_shared<const std::string>(contents));
  if (!inserted) return Status::already_exists("'{}' already exists", path);
  ++clock_ms_;
  return Status::OK();
}

Status MemoryFileSystem::rename(const std::string& from, const std::string& to, bool replace) {
  BRAID_RETURN_IF_ERROR(fault("rename", from));
  std::lock_guard lock(mutex_);
  auto it = files_.find(normalize(from));
  if (it == files_.end()) return Status::not_found("renaming '{}': no such file", from);
  if (!replace && files_.count(normalize(to))) {
    return Status::already_exists("renaming '{}': '{}' exists", from, to);
  }
  auto data = it->second;
  files_.erase(it);
  files_[normalize(to)] = std::move(data);
  return Status::OK();
}

Result<FileInfo> MemoryFileSystem::stat(const std::string& path) {
  std::lock_guard lock(mutex_);
  std::string p = normalize(path);
  auto it = files_.find(p);
  if (it != files_.end()) return FileInfo{std::string(base_name(p)), false, it->second->size(), clock_ms_};
  if (is_directory_locked(p)) return FileInfo{std::string(base_name(p)), true, 0, clock_ms_};
  return Status::not_found("reading the status of '{}': no such file or folder", path);
}

Result<std::vector<FileInfo>> MemoryFileSystem::list(const std::string& dir) {
  BRAID_RETURN_IF_ERROR(fault("list", dir));
  std::lock_guard lock(mutex_);
  std::string d = normalize(dir);
  if (!is_directory_locked(d)) return Status::not_found("listing '{}': no such folder", dir);
  std::string prefix = d.empty() ? "" : d + "/";
  std::map<std::string, FileInfo> entries;
  for (auto it = files_.lower_bound(prefix); it != files_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    std::string rest = it->first.substr(prefix.size());
    auto slash = rest.find('/');
    if (slash == std::string::npos) {
      entries[rest] = FileInfo{rest, false, it->second->size(), clock_ms_};
    } else {
      std::string sub = rest.substr(0, slash);
      entries.try_emplace(sub, FileInfo{sub, true, 0, clock_ms_});
    }
  }
  for (auto it = directories_.lower_bound(prefix); it != directories_.end(); ++it) {
    if (it->compare(0, prefix.size(), prefix) != 0) break;
    std::string rest = it->substr(prefix.size());
    std::string sub = rest.substr(0, rest.find('/'));
    if (!sub.empty()) entries.try_emplace(sub, FileInfo{sub, true, 0, clock_ms_});
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
  if (directories_.count(p)) {
    std::string prefix = p + "/";
    auto it = files_.lower_bound(prefix);
    if (it != files_.end() && it->first.compare(0, prefix.size(), prefix) == 0) {
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
  for (const auto& [path, data] : files_) out.push_back(path);
  return out;
}

}  // namespace braid
