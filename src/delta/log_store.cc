#include "delta/log_store.h"

#include <fmt/core.h>
#include <simdjson.h>

#include <algorithm>
#include <map>

#include "common/json_writer.h"

namespace braid::delta {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int64_t to_int(std::string_view s) {
  int64_t v = 0;
  for (char c : s) {
    if (v > (INT64_MAX - 9) / 10) return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

std::string version_file_prefix(int64_t version) { return fmt::format("{:020d}", version); }

LogStore::LogStore(std::shared_ptr<FileSystem> fs, std::string table_root)
    : fs_(std::move(fs)), root_(std::move(table_root)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
  log_dir_ = join_path(root_, "_delta_log");
}

std::string LogStore::commit_path(int64_t version) const {
  return join_path(log_dir_, version_file_prefix(version) + ".json");
}

Result<LogListing> LogStore::list() const {
  auto entries = fs_->list(log_dir_);
  if (!entries.ok()) {
    if (entries.status().code() == StatusCode::kNotFound) {
      return Status::not_found("'{}' is not a Delta table (no _delta_log folder)", root_);
    }
    return entries.status();
  }
  LogListing out;
  // Multi-part checkpoints: (version, parts) -> part number -> path.
  std::map<std::pair<int64_t, int64_t>, std::map<int64_t, std::string>> parts;
  for (const FileInfo& e : *entries) {
    if (e.is_directory) continue;
    std::string_view name = e.name;
    if (name.size() < 21 || !all_digits(name.substr(0, 20)) || name[20] != '.') continue;
    const int64_t version = to_int(name.substr(0, 20));
    if (version < 0) continue;
    std::string_view rest = name.substr(21);
    const std::string path = join_path(log_dir_, e.name);
    if (rest == "json") {
      out.commits.push_back({path, version, e.size, e.modified_ms});
    } else if (rest == "checkpoint.parquet") {
      out.checkpoints.push_back({version, CheckpointFiles::Kind::kClassic, {path}, true, false});
    } else if (rest.starts_with("checkpoint.")) {
      std::string_view tail = rest.substr(11);  // "<o>.<p>.parquet" or "<uuid>.json|parquet"
      auto dot = tail.find('.');
      if (dot == std::string_view::npos) continue;
      std::string_view first = tail.substr(0, dot), after = tail.substr(dot + 1);
      auto dot2 = after.find('.');
      if (all_digits(first) && dot2 != std::string_view::npos && all_digits(after.substr(0, dot2)) &&
          after.substr(dot2 + 1) == "parquet") {
        parts[{version, to_int(after.substr(0, dot2))}][to_int(first)] = path;
      } else if (after == "json" || after == "parquet") {
        out.checkpoints.push_back({version, CheckpointFiles::Kind::kV2, {path}, true, after == "json"});
      }
    }
    // Everything else (.crc, X.Y.compacted.json, _last_checkpoint...) is not needed for replay.
  }
  for (const auto& [key, files] : parts) {
    CheckpointFiles cp{key.first, CheckpointFiles::Kind::kMultiPart, {}, true, false};
    for (int64_t p = 1; p <= key.second; ++p) {
      auto it = files.find(p);
      if (it == files.end()) {
        cp.complete = false;
        break;
      }
      cp.paths.push_back(it->second);
    }
    out.checkpoints.push_back(std::move(cp));
  }
  std::sort(out.commits.begin(), out.commits.end(),
            [](const LogFile& a, const LogFile& b) { return a.version < b.version; });
  std::stable_sort(out.checkpoints.begin(), out.checkpoints.end(),
                   [](const CheckpointFiles& a, const CheckpointFiles& b) { return a.version < b.version; });
  return out;
}

Result<std::string> LogStore::read_commit(int64_t version) const {
  return fs_->read_file(commit_path(version));
}

Status LogStore::write_commit(int64_t version, std::string_view contents) const {
  Status s = fs_->put_if_absent(commit_path(version), contents);
  if (s.code() == StatusCode::kNotFound) {
    // The log folder is missing (a new table): create it and try once more.
    BRAID_RETURN_IF_ERROR(fs_->create_directories(log_dir_));
    s = fs_->put_if_absent(commit_path(version), contents);
  }
  return s;
}

std::optional<LastCheckpoint> LogStore::read_last_checkpoint() const {
  auto text = fs_->read_file(join_path(log_dir_, "_last_checkpoint"));
  if (!text.ok() || text->empty()) return std::nullopt;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(text->data(), text->size(), true).get(doc) != simdjson::SUCCESS) return std::nullopt;
  LastCheckpoint lc;
  if (doc["version"].get_int64().get(lc.version) != simdjson::SUCCESS) return std::nullopt;
  int64_t v;
  if (doc["size"].get_int64().get(v) == simdjson::SUCCESS) lc.size = v;
  if (doc["parts"].get_int64().get(v) == simdjson::SUCCESS) lc.parts = v;
  return lc;
}

Status LogStore::write_last_checkpoint(const LastCheckpoint& checkpoint) const {
  JsonWriter w;
  w.begin_object();
  w.field("version", checkpoint.version);
  if (checkpoint.size) w.field("size", *checkpoint.size);
  if (checkpoint.parts) w.field("parts", *checkpoint.parts);
  w.end_object();
  // Overwritten in place through a rename, so readers never see half a file.
  std::string tmp = join_path(log_dir_, fmt::format(".last_checkpoint.{}.tmp", checkpoint.version));
  BRAID_RETURN_IF_ERROR(fs_->write_file(tmp, w.str()));
  return fs_->rename(tmp, join_path(log_dir_, "_last_checkpoint"), true);
}

}  // namespace braid::delta
