#include "common/atomic_output_file.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <random>

namespace braid {

namespace {

// File names are at most 255 bytes on every file system braid runs on; the suffix
// "PID-COUNTERRANDOM" needs at most 40, the ".NAME.tmp-" frame 6 more.
constexpr size_t kMaxNameBytes = 200;

std::string unique_suffix() {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 rng(std::random_device{}());
  return fmt::format("{}-{:x}{:08x}", ::getpid(), counter.fetch_add(1), rng() & 0xffffffffu);
}

// Whether a temporary file of ours, named prefix + "PID-...", was left by a process that no
// longer exists. A live process (or a PID we cannot judge) keeps its file: deleting a file that
// another writer is still filling would make its commit fail.
bool left_by_dead_process(std::string_view name, std::string_view prefix) {
  if (!name.starts_with(prefix)) return false;
  std::string_view rest = name.substr(prefix.size());
  int64_t pid = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
  if (ec != std::errc() || end == rest.data() || end == rest.data() + rest.size() || *end != '-') return false;
  if (pid <= 0 || pid == ::getpid() || pid > INT32_MAX) return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

}  // namespace

std::string atomic_temp_prefix(std::string_view path) {
  std::string_view name = base_name(path);
  if (name.size() > kMaxNameBytes) name = name.substr(0, kMaxNameBytes);
  return fmt::format(".{}.tmp-", name);
}

AtomicOutputFile::AtomicOutputFile(std::shared_ptr<FileSystem> fs, std::string path, std::string temp_path,
                                   std::unique_ptr<WritableFile> file)
    : fs_(std::move(fs)), path_(std::move(path)), temp_path_(std::move(temp_path)), file_(std::move(file)) {}

Result<std::unique_ptr<AtomicOutputFile>> AtomicOutputFile::open(std::shared_ptr<FileSystem> fs, std::string path) {
  // A folder in the way would only be found by the final rename, after all the work.
  auto info = fs->stat(path);
  if (info.ok() && info->is_directory) {
    return Status::invalid_argument("cannot write '{}': it is a folder", path);
  }
  const std::string dir(parent_path(path));
  const std::string prefix = atomic_temp_prefix(path);
  // Leftovers of killed writers to the same target: safe to delete, and nobody else will.
  if (auto entries = fs->list(dir.empty() ? "." : dir); entries.ok()) {
    for (const auto& e : *entries) {
      if (!e.is_directory && left_by_dead_process(e.name, prefix)) (void)fs->remove(join_path(dir, e.name));
    }
  }
  std::string temp = join_path(dir, prefix + unique_suffix());
  auto file = fs->open_write(temp);
  if (!file.ok()) return Status(file.status()).with_context(fmt::format("writing '{}'", path));
  return std::unique_ptr<AtomicOutputFile>(
      new AtomicOutputFile(std::move(fs), std::move(path), std::move(temp), std::move(*file)));
}

AtomicOutputFile::~AtomicOutputFile() { discard(); }

void AtomicOutputFile::discard() {
  if (file_ == nullptr) return;
  (void)file_->close();
  file_.reset();
  (void)fs_->remove(temp_path_);
}

Status AtomicOutputFile::write(std::string_view bytes) {
  if (file_ == nullptr) return Status::invalid_argument("writing '{}': the file is already finished", path_);
  Status s = file_->write(bytes);
  if (!s.ok()) return std::move(s).with_context_f("writing '{}'", path_);
  bytes_written_ += bytes.size();
  return Status::OK();
}

Status AtomicOutputFile::flush() {
  if (file_ == nullptr) return Status::OK();
  return file_->flush();
}

Status AtomicOutputFile::commit() {
  if (file_ == nullptr) return Status::invalid_argument("writing '{}': the file is already finished", path_);
  // Durable before it is visible: after a crash the target is the old file or the whole new one.
  Status s = file_->sync();
  if (s.ok()) s = file_->close();
  if (s.ok()) s = fs_->rename(temp_path_, path_, /*replace=*/true);
  if (!s.ok()) {
    discard();
    return std::move(s).with_context_f("writing '{}'", path_);
  }
  file_.reset();
  return Status::OK();
}

uint64_t AtomicOutputFile::bytes_written() const { return bytes_written_; }

Status write_file_atomically(std::shared_ptr<FileSystem> fs, const std::string& path, std::string_view contents) {
  BRAID_ASSIGN_OR_RETURN(auto file, AtomicOutputFile::open(std::move(fs), path));
  BRAID_RETURN_IF_ERROR(file->write(contents));
  return file->commit();
}

}  // namespace braid
