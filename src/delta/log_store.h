// LogStore: the `_delta_log` folder of one table over a FileSystem.
//
// Lists and classifies log files (commits NNNNNNNNNNNNNNNNNNNN.json; classic, multi-part and v2
// checkpoints; everything else, such as .crc, compaction files and Databricks folders, is
// ignored), reads commits, and writes a commit with put-if-absent: the one concurrency
// primitive of the protocol (PROTOCOL.md, "Delta Log Entries"; a writer that loses the race gets
// kAlreadyExists and must rebase).
// Thread-safety: all methods may be called concurrently.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "braid/result.h"
#include "common/file_system.h"

namespace braid::delta {

struct LogFile {
  std::string path;  // full path
  int64_t version = 0;
  uint64_t size = 0;
  int64_t modified_ms = 0;
};

struct CheckpointFiles {
  enum class Kind { kClassic, kMultiPart, kV2 };
  int64_t version = 0;
  Kind kind = Kind::kClassic;
  std::vector<std::string> paths;  // multi-part: all parts in order
  bool complete = true;            // multi-part: every part present
  bool json = false;               // v2 checkpoint written as JSON
};

struct LogListing {
  std::vector<LogFile> commits;               // ascending version
  std::vector<CheckpointFiles> checkpoints;   // ascending version
};

struct LastCheckpoint {
  int64_t version = 0;
  std::optional<int64_t> size{};
  std::optional<int64_t> parts{};
};

class LogStore {
 public:
  LogStore(std::shared_ptr<FileSystem> fs, std::string table_root);

  const std::shared_ptr<FileSystem>& fs() const { return fs_; }
  const std::string& root() const { return root_; }
  const std::string& log_dir() const { return log_dir_; }
  std::string commit_path(int64_t version) const;

  // kNotFound when the table has no _delta_log.
  Result<LogListing> list() const;
  Result<std::string> read_commit(int64_t version) const;
  // Creates the commit file for `version` atomically; kAlreadyExists when another writer won.
  Status write_commit(int64_t version, std::string_view contents) const;
  // The hint file, or nullopt when absent, empty or unreadable (it is only a hint).
  std::optional<LastCheckpoint> read_last_checkpoint() const;
  Status write_last_checkpoint(const LastCheckpoint& checkpoint) const;

 private:
  std::shared_ptr<FileSystem> fs_;
  std::string root_;
  std::string log_dir_;
};

// "00000000000000000012" for 12.
std::string version_file_prefix(int64_t version);

}  // namespace braid::delta
