// FileSystem: all file access in braid goes through this interface.
//
// Two implementations: LocalFileSystem (POSIX) and MemoryFileSystem (for tests: fault injection,
// crash simulation). Room is left for object stores: the Delta log store needs only
// put_if_absent, read, list and remove.
//
// Paths are '/'-separated strings. Errors name the path and the operation.
// Thread-safety: FileSystem methods and RandomAccessFile::read_at may be called concurrently;
// a WritableFile is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "braid/result.h"
#include "braid/status.h"

namespace braid {

struct FileInfo {
  std::string name;  // the last path component
  bool is_directory = false;
  uint64_t size = 0;
  int64_t modified_ms = 0;  // milliseconds since the Unix epoch
};

class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  const std::string& path() const { return path_; }
  uint64_t size() const { return size_; }
  // Reads exactly `length` bytes at `offset` into `out`; reading past the end is an error.
  virtual Status read_at(uint64_t offset, size_t length, uint8_t* out) const = 0;
  // The whole file, or a range of it, as one string.
  Result<std::string> read_range(uint64_t offset, size_t length) const;

 protected:
  RandomAccessFile(std::string path, uint64_t size) : path_(std::move(path)), size_(size) {}

 private:
  std::string path_;
  uint64_t size_;
};

// A sequential text/bytes sink: a file, stdout, or a string.
class OutputStream {
 public:
  virtual ~OutputStream() = default;
  virtual Status write(std::string_view bytes) = 0;
  virtual Status flush() { return Status::OK(); }
};

class WritableFile : public OutputStream {
 public:
  // Makes written bytes durable (fsync).
  virtual Status sync() = 0;
  // Flushes and closes. A file destroyed without close() keeps what was written so far.
  virtual Status close() = 0;
  virtual uint64_t bytes_written() const = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  virtual Result<std::unique_ptr<RandomAccessFile>> open_read(const std::string& path) = 0;
  // Creates or truncates `path` (its parent folder must exist; see create_directories).
  virtual Result<std::unique_ptr<WritableFile>> open_write(const std::string& path) = 0;

  // Atomically creates `path` with `contents` if nothing exists there: readers see either no
  // file or the whole contents, never a prefix. Fails with kAlreadyExists when `path` exists.
  // This is the Delta log's commit primitive.
  virtual Status put_if_absent(const std::string& path, std::string_view contents) = 0;
  // Atomically renames; with replace = false fails with kAlreadyExists when `to` exists.
  virtual Status rename(const std::string& from, const std::string& to, bool replace) = 0;

  virtual Result<FileInfo> stat(const std::string& path) = 0;
  // Entries of a folder (not recursive), sorted by name.
  virtual Result<std::vector<FileInfo>> list(const std::string& dir) = 0;
  virtual Status create_directories(const std::string& path) = 0;
  // Removes a file or an empty folder; kNotFound when absent.
  virtual Status remove(const std::string& path) = 0;

  // Helpers built on the primitives above.
  Result<bool> exists(const std::string& path);
  Result<std::string> read_file(const std::string& path);
  Status write_file(const std::string& path, std::string_view contents);
  // Removes a folder and everything below it (a link is removed, never followed).
  virtual Status remove_all(const std::string& path);
};

// The local POSIX file system. One shared instance is enough for a process.
std::shared_ptr<FileSystem> local_file_system();

// Path helpers ('/'-separated, no normalisation of '..').
std::string join_path(std::string_view dir, std::string_view name);
std::string_view parent_path(std::string_view path);  // "" when there is no '/'
std::string_view base_name(std::string_view path);

// Stdout as an OutputStream (buffered; flush() writes through).
std::unique_ptr<OutputStream> stdout_stream();

// Collects everything written into a string.
class StringOutputStream : public OutputStream {
 public:
  Status write(std::string_view bytes) override {
    data_.append(bytes);
    return Status::OK();
  }
  const std::string& data() const { return data_; }
  std::string take() { return std::move(data_); }

 private:
  std::string data_;
};

}  // namespace braid
