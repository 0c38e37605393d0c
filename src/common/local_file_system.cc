// LocalFileSystem: FileSystem over POSIX calls.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

#include "common/file_system.h"

namespace braid {

namespace {

Status errno_status(std::string_view op, const std::string& path, int err = errno) {
  std::string msg = std::strerror(err);
  if (err == ENOENT) return Status::not_found("{} '{}': {}", op, path, msg);
  if (err == EEXIST) return Status::already_exists("{} '{}': {}", op, path, msg);
  if (err == ENOMEM) return Status::out_of_memory("{} '{}': {}", op, path, msg);
  Status s = Status::io_error("{} '{}': {}", op, path, msg);
  if (err == EINTR || err == EAGAIN) s.set_retryable();
  return s;
}

int64_t mtime_ms(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

class LocalRandomAccessFile final : public RandomAccessFile {
 public:
  LocalRandomAccessFile(std::string path, uint64_t size, int fd)
      : RandomAccessFile(std::move(path), size), fd_(fd) {}
  ~LocalRandomAccessFile() override { ::close(fd_); }

  Status read_at(uint64_t offset, size_t length, uint8_t* out) const override {
    if (offset > size() || length > size() - offset) {
      return Status::io_error("reading '{}': range [{}, {}) is past the end of the file ({} bytes)",
                              path(), offset, offset + length, size());
    }
    size_t done = 0;
    while (done < length) {
      ssize_t n = ::pread(fd_, out + done, length - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno_status("reading", path());
      }
      if (n == 0) return Status::io_error("reading '{}': file shrank while reading", path());
      done += static_cast<size_t>(n);
    }
    return Status::OK();
  }

 private:
  int fd_;
};

class LocalWritableFile final : public WritableFile {
 public:
  LocalWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~LocalWritableFile() override {
    if (fd_ >= 0) {
      (void)flush();
      ::close(fd_);
    }
  }

  Status write(std::string_view bytes) override {
    if (fd_ < 0) return Status::invalid_argument("writing '{}': file is closed", path_);
    // Small writes are gathered; large ones go straight through.
    if (buffer_.size() + bytes.size() > kBufferSize) {
      BRAID_RETURN_IF_ERROR(flush());
      if (bytes.size() >= kBufferSize) return write_all(bytes);
    }
    buffer_.append(bytes);
    written_ += bytes.size();
    return Status::OK();
  }

  Status flush() override {
    if (buffer_.empty()) return Status::OK();
    std::string pending;
    pending.swap(buffer_);
    written_ -= pending.size();  // write_all counts them again
    return write_all(pending);
  }

  Status sync() override {
    BRAID_RETURN_IF_ERROR(flush());
    if (::fdatasync(fd_) != 0) return errno_status("syncing", path_);
    return Status::OK();
  }

  Status close() override {
    if (fd_ < 0) return Status::OK();
    Status s = flush();
    if (::close(fd_) != 0 && s.ok()) s = errno_status("closing", path_);
    fd_ = -1;
    return s;
  }

  uint64_t bytes_written() const override { return written_; }

 private:
  static constexpr size_t kBufferSize = 1 << 20;

  Status write_all(std::string_view bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno_status("writing", path_);
      }
      done += static_cast<size_t>(n);
    }
    written_ += bytes.size();
    return Status::OK();
  }

  std::string path_;
  int fd_;
  std::string buffer_;
  uint64_t written_ = 0;
};

// A name for a temporary file beside `path`, unique across threads and processes.
std::string temp_path_for(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 rng(std::random_device{}());
  auto dir = parent_path(path);
  auto name = base_name(path);
  std::string tmp = fmt::format(".{}.{}.{:x}{:x}.tmp", name, ::getpid(), counter.fetch_add(1),
                                rng() & 0xffffffffu);
  return dir.empty() ? tmp : join_path(dir, tmp);
}

class LocalFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<RandomAccessFile>> open_read(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno_status("opening", path);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      Status s = errno_status("opening", path);
      ::close(fd);
      return s;
    }
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      return Status::invalid_argument("opening '{}': is a folder, not a file", path);
    }
    return std::unique_ptr<RandomAccessFile>(
        std::make_unique<LocalRandomAccessFile>(path, static_cast<uint64_t>(st.st_size), fd));
  }

  Result<std::unique_ptr<WritableFile>> open_write(const std::string& path) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return errno_status("creating", path);
    return std::unique_ptr<WritableFile>(std::make_unique<LocalWritableFile>(path, fd));
  }

  Status put_if_absent(const std::string& path, std::string_view contents) override {
    // Write the whole contents to a private temporary file, then link it into place: link(2)
    // never replaces an existing file, and the new name appears with the full contents.
    std::string tmp = temp_path_for(path);
    {
      int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      if (fd < 0) return errno_status("creating", path);  // name the file asked for
      LocalWritableFile file(tmp, fd);
      Status s = file.write(contents);
      if (s.ok()) s = file.sync();
      if (s.ok()) s = file.close();
      if (!s.ok()) {
        ::unlink(tmp.c_str());
        return s;
      }
    }
    int rc = ::link(tmp.c_str(), path.c_str());
    int err = errno;
    ::unlink(tmp.c_str());
    if (rc != 0) {
      if (err == EEXIST) return Status::already_exists("'{}' already exists", path);
      return errno_status("creating", path, err);
    }
    return Status::OK();
  }

  Status rename(const std::string& from, const std::string& to, bool replace) override {
    if (replace) {
      if (::rename(from.c_str(), to.c_str()) != 0) return errno_status("renaming", from);
      return Status::OK();
    }
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) {
      return Status::OK();
    }
    if (errno == EEXIST) return Status::already_exists("renaming '{}': '{}' exists", from, to);
    if (errno != EINVAL && errno != ENOSYS) return errno_status("renaming", from);
    // File systems without RENAME_NOREPLACE: link + unlink is atomic with respect to `to`.
    if (::link(from.c_str(), to.c_str()) != 0) {
      if (errno == EEXIST) return Status::already_exists("renaming '{}': '{}' exists", from, to);
      return errno_status("renaming", from);
    }
    ::unlink(from.c_str());
    return Status::OK();
  }

  Result<FileInfo> stat(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return errno_status("reading the status of", path);
    return FileInfo{std::string(base_name(path)), S_ISDIR(st.st_mode),
                    static_cast<uint64_t>(st.st_size), mtime_ms(st)};
  }

  Result<std::vector<FileInfo>> list(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return errno_status("listing", dir);
    std::vector<FileInfo> out;
    int dfd = ::dirfd(d);
    while (struct dirent* e = ::readdir(d)) {
      std::string_view name = e->d_name;
      if (name == "." || name == "..") continue;
      struct stat st;
      // A link is listed as what it points to; a dangling one as itself.
      if (::fstatat(dfd, e->d_name, &st, 0) != 0 &&
          (errno != ENOENT || ::fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)) {
        if (errno == ENOENT) continue;  // removed while listing
        Status s = errno_status("listing", join_path(dir, name));
        ::closedir(d);
        return s;
      }
      out.push_back(FileInfo{std::string(name), S_ISDIR(st.st_mode),
                             static_cast<uint64_t>(st.st_size), mtime_ms(st)});
    }
    ::closedir(d);
    std::sort(out.begin(), out.end(),
              [](const FileInfo& a, const FileInfo& b) { return a.name < b.name; });
    return out;
  }

  Status create_directories(const std::string& path) override {
    if (path.empty()) return Status::OK();
    std::string prefix;
    size_t pos = 0;
    while (pos != std::string::npos) {
      pos = path.find('/', pos + 1);
      prefix = path.substr(0, pos);
      if (prefix.empty()) continue;
      if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
        return errno_status("creating folder", prefix);
      }
    }
    struct stat st;
    if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return Status::io_error("creating folder '{}': a file is in the way", path);
    }
    return Status::OK();
  }

  Status remove_all(const std::string& path) override {
    // lstat, not stat: recursing through a link to a folder would empty the folder it points to.
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) return errno_status("reading the status of", path);
    if (S_ISDIR(st.st_mode)) {
      BRAID_ASSIGN_OR_RETURN(auto entries, list(path));
      for (const auto& e : entries) BRAID_RETURN_IF_ERROR(remove_all(join_path(path, e.name)));
    }
    return remove(path);
  }

  Status remove(const std::string& path) override {
    if (::unlink(path.c_str()) == 0) return Status::OK();
    if (errno == EISDIR || errno == EPERM) {
      if (::rmdir(path.c_str()) == 0) return Status::OK();
    }
    return errno_status("removing", path);
  }
};

}  // namespace

std::shared_ptr<FileSystem> local_file_system() {
  static auto fs = std::make_shared<LocalFileSystem>();
  return fs;
}

}  // namespace braid
