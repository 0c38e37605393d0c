// MemoryFileSystem: an in-memory FileSystem for tests, with fault injection.
//
// Files live in a map from path to contents, folders in a set filled by create_directories. It
// behaves like a disk where tests can tell the difference: a file is created only in an existing
// folder, a file and a folder never share a path, a non-empty folder cannot be removed, and a
// closed WritableFile writes nothing more. A fault hook, when set, is asked before every
// mutating or reading operation and may fail it, which is how tests simulate a full disk, a
// lost commit race or a crash between two writes.
// Thread-safety: all methods may be called concurrently.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <set>

#include "common/file_system.h"

namespace braid {

class MemoryFileSystem final : public FileSystem {
 public:
  // op is one of "open_read", "open_write", "write", "put_if_absent", "rename", "remove", "list".
  using FaultHook = std::function<Status(std::string_view op, const std::string& path)>;

  void set_fault_hook(FaultHook hook);

  Result<std::unique_ptr<RandomAccessFile>> open_read(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> open_write(const std::string& path) override;
  Status put_if_absent(const std::string& path, std::string_view contents) override;
  Status rename(const std::string& from, const std::string& to, bool replace) override;
  Result<FileInfo> stat(const std::string& path) override;
  Result<std::vector<FileInfo>> list(const std::string& dir) override;
  Status create_directories(const std::string& path) override;
  Status remove(const std::string& path) override;

  // Every file path, sorted.
  std::vector<std::string> all_files() const;

  // Sets a file's modification time, so tests can age files (log and VACUUM retention).
  Status set_modified_ms(const std::string& path, int64_t modified_ms);

 private:
  friend class MemoryWritableFile;
  Status fault(std::string_view op, const std::string& path) const;
  bool is_directory_locked(const std::string& path) const;
  // Whether the folder that would hold `path` exists.
  bool parent_exists_locked(const std::string& path) const;
  void store(const std::string& path, std::string contents);

  // A file: its contents (shared with open readers) and its modification time, read off the
  // wall clock when written so retention rules see the same ages they would on a disk.
  struct Entry {
    std::shared_ptr<const std::string> data;
    int64_t modified_ms = 0;
  };

  mutable std::mutex mutex_;
  FaultHook hook_;
  std::map<std::string, Entry> files_;
  std::set<std::string> directories_;
};

}  // namespace braid
