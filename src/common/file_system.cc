#include "common/file_system.h"

#include <cstdio>

namespace braid {

Result<std::string> RandomAccessFile::read_range(uint64_t offset, size_t length) const {
  std::string out(length, '\0');
  BRAID_RETURN_IF_ERROR(read_at(offset, length, reinterpret_cast<uint8_t*>(out.data())));
  return out;
}

Result<bool> FileSystem::exists(const std::string& path) {
  auto info = stat(path);
  if (info.ok()) return true;
  if (info.status().code() == StatusCode::kNotFound) return false;
  return info.status();
}

Result<std::string> FileSystem::read_file(const std::string& path) {
  BRAID_ASSIGN_OR_RETURN(auto file, open_read(path));
  return file->read_range(0, file->size());
}

Status FileSystem::write_file(const std::string& path, std::string_view contents) {
  BRAID_ASSIGN_OR_RETURN(auto file, open_write(path));
  BRAID_RETURN_IF_ERROR(file->write(contents));
  return file->close();
}

Status FileSystem::remove_all(const std::string& path) {
  BRAID_ASSIGN_OR_RETURN(auto info, stat(path));
  if (info.is_directory) {
    BRAID_ASSIGN_OR_RETURN(auto entries, list(path));
    for (const auto& e : entries) BRAID_RETURN_IF_ERROR(remove_all(join_path(path, e.name)));
  }
  return remove(path);
}

std::string join_path(std::string_view dir, std::string_view name) {
  if (dir.empty()) return std::string(name);
  std::string out(dir);
  if (out.back() != '/') out += '/';
  out += name;
  return out;
}

std::string_view parent_path(std::string_view path) {
  auto pos = path.rfind('/');
  if (pos == std::string_view::npos) return {};
  if (pos == 0) return path.substr(0, 1);
  return path.substr(0, pos);
}

std::string_view base_name(std::string_view path) {
  auto pos = path.rfind('/');
  return pos == std::string_view::npos ? path : path.substr(pos + 1);
}

namespace {

class StdoutStream final : public OutputStream {
 public:
  ~StdoutStream() override { (void)flush(); }
  Status write(std::string_view bytes) override {
    buffer_.append(bytes);
    if (buffer_.size() >= (1 << 16)) return flush();
    return Status::OK();
  }
  Status flush() override {
    if (!buffer_.empty()) {
      size_t n = std::fwrite(buffer_.data(), 1, buffer_.size(), stdout);
      bool failed = n != buffer_.size();
      buffer_.clear();
      // A closed pipe (`braid cat x | head`) is not worth an error message.
      if (failed) return Status::io_error("writing to standard output failed");
    }
    std::fflush(stdout);
    return Status::OK();
  }

 private:
  std::string buffer_;
};

}  // namespace

std::unique_ptr<OutputStream> stdout_stream() { return std::make_unique<StdoutStream>(); }

}  // namespace braid
