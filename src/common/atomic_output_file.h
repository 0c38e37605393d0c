// AtomicOutputFile: a file written for the user, all or nothing.
//
// Every file braid writes under a name the user chose (`braid convert`'s output, `braid run
// --report`, a run manifest) goes through this class, so that a failed, interrupted or killed
// command never leaves a torn or emptied file where the user expects their data:
//
//   - bytes go to a temporary file beside the target, ".NAME.tmp-PID-RANDOM" (same folder, so
//     the final rename stays inside one file system and is atomic);
//   - commit() flushes, syncs (fsync) and closes it, then renames it over the target: readers
//     see the old file (or none) until then, and the whole new file afterwards;
//   - destroying an AtomicOutputFile that was not committed (an error, a cancellation) removes
//     the temporary file, so the target stays byte for byte what it was, or absent.
//
// The new file replaces whatever is at the target, as `mv` would: a symbolic link is replaced,
// not written through, and the file gets the default permissions, not the old file's.
//
// A process killed outright (SIGKILL, power loss) leaves its ".NAME.tmp-*" file behind and the
// target intact. Such leftovers are always safe to delete; opening an AtomicOutputFile for the
// same target deletes those whose process (the PID in the name) no longer exists.
//
// Thread-safety: an AtomicOutputFile is used by one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "braid/result.h"
#include "common/file_system.h"

namespace braid {

class AtomicOutputFile final : public OutputStream {
 public:
  // Starts writing `path` aside. Fails (naming `path`) when its folder does not exist or is not
  // writable; nothing is created then.
  static Result<std::unique_ptr<AtomicOutputFile>> open(std::shared_ptr<FileSystem> fs, std::string path);
  // Removes the temporary file unless commit() succeeded.
  ~AtomicOutputFile() override;
  AtomicOutputFile(const AtomicOutputFile&) = delete;
  AtomicOutputFile& operator=(const AtomicOutputFile&) = delete;

  Status write(std::string_view bytes) override;
  Status flush() override;
  // Makes the file durable and puts it in place of the target. On failure the temporary file is
  // removed and the target is untouched; the file cannot be written afterwards either way.
  Status commit();

  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }
  uint64_t bytes_written() const;

 private:
  AtomicOutputFile(std::shared_ptr<FileSystem> fs, std::string path, std::string temp_path,
                   std::unique_ptr<WritableFile> file);
  void discard();

  std::shared_ptr<FileSystem> fs_;
  std::string path_;
  std::string temp_path_;
  std::unique_ptr<WritableFile> file_;  // null once committed or discarded
  uint64_t bytes_written_ = 0;
};

// Writes `contents` to `path` through an AtomicOutputFile.
Status write_file_atomically(std::shared_ptr<FileSystem> fs, const std::string& path, std::string_view contents);

// The prefix of the temporary files an AtomicOutputFile for `path` uses (".NAME.tmp-", NAME
// shortened so the whole name fits a file system's 255 bytes).
std::string atomic_temp_prefix(std::string_view path);

}  // namespace braid
