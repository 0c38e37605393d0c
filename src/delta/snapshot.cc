#include "delta/snapshot.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <mutex>
#include <set>
#include <unordered_map>

#include "columnar/temporal.h"
#include "common/worker_pool.h"
#include "delta/checkpoint.h"
#include "delta/schema_json.h"
#include "delta/table_properties.h"

namespace braid::delta {

namespace {

const std::set<std::string_view>& supported_reader_features() {
  // typeWidening: files written before a column was widened keep the narrow type; the scan
  // widens their values to the table's type (delta/scan.cc, conform()).
  static const std::set<std::string_view> s = {"columnMapping", "deletionVectors", "timestampNtz",
                                               "v2Checkpoint", "vacuumProtocolCheck", "typeWidening",
                                               "typeWidening-preview"};
  return s;
}

// Writer features braid honours on every write (the rest make a table read-only for braid).
const std::set<std::string_view>& supported_writer_features() {
  static const std::set<std::string_view> s = {
      "appendOnly", "invariants", "columnMapping", "deletionVectors", "timestampNtz",
      "vacuumProtocolCheck", "domainMetadata", "v2Checkpoint"};
  return s;
}

std::mutex& warning_mutex() {
  static std::mutex m;
  return m;
}

WarningHandler& warning_handler() {
  static WarningHandler h;
  return h;
}

// Each distinct warning once per process: a damaged checkpoint is read past on every load.
void report_warning(const std::string& message) {
  std::lock_guard lock(warning_mutex());
  if (warning_handler()) {
    warning_handler()(message);
    return;
  }
  static std::set<std::string> seen;
  if (seen.insert(message).second) std::fprintf(stderr, "braid: warning: %s\n", message.c_str());
}

// Writer features whose duties bind only what uses them (a CHECK constraint, a generated,
// identity or default column, the change data feed or in-commit timestamps when enabled): braid
// writes a table that lists them as long as its metadata uses none, which
// check_metadata_writable (table_properties.h) refuses by name. Spark lists the first ones on
// every legacy table it upgrades to table features.
const std::set<std::string_view>& writer_features_if_unused() {
  static const std::set<std::string_view> s = {"checkConstraints", "changeDataFeed", "generatedColumns",
                                               "identityColumns", "allowColumnDefaults", "inCommitTimestamp"};
  return s;
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool reader_feature_supported(std::string_view feature) {
  return supported_reader_features().count(feature) > 0;
}

bool writer_feature_supported(std::string_view feature) {
  return supported_writer_features().count(feature) > 0 || reader_feature_supported(feature);
}

Status check_readable(const Protocol& p) {
  if (p.min_reader_version > 3 || p.min_reader_version < 1) {
    return Status::not_implemented("the table needs reader version {}; braid reads versions 1 to 3",
                                   p.min_reader_version);
  }
  if (p.min_reader_version == 3 && p.reader_features) {
    for (const auto& f : *p.reader_features) {
      if (!reader_feature_supported(f)) {
        return Status::not_implemented("the table uses the reader feature '{}', which braid does not support", f);
      }
    }
  }
  return Status::OK();
}

Status check_writable(const Protocol& p) {
  BRAID_RETURN_IF_ERROR(check_readable(p));
  if (p.min_writer_version > 7 || p.min_writer_version < 1) {
    return Status::not_implemented("the table needs writer version {}; braid writes versions 1 to 7",
                                   p.min_writer_version);
  }
  // Legacy writer versions 3 to 6 imply checkConstraints, changeDataFeed, generatedColumns and
  // identityColumns: like the listed features, writable while the metadata uses none of them.
  if (p.min_writer_version == 7 && p.writer_features) {
    for (const auto& f : *p.writer_features) {
      if (!writer_feature_supported(f) && !writer_features_if_unused().count(f)) {
        return Status::not_implemented("the table uses the writer feature '{}', which braid cannot write", f);
      }
    }
  }
  return Status::OK();
}

std::string decode_path(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size() && hex(path[i + 1]) >= 0 && hex(path[i + 2]) >= 0) {
      out += static_cast<char>(hex(path[i + 1]) * 16 + hex(path[i + 2]));
      i += 2;
    } else {
      out += path[i];
    }
  }
  return out;
}

std::string resolve_data_path(const std::string& root, std::string_view add_path) {
  std::string decoded = decode_path(add_path);
  if (decoded.starts_with("file://")) return decoded.substr(7);
  if (decoded.starts_with("file:")) return decoded.substr(5);
  if (!decoded.empty() && decoded.front() == '/') return decoded;
  return join_path(root, decoded);
}

std::optional<std::string> Snapshot::property(std::string_view key) const {
  const std::string* v = find_value(metadata_.configuration, key);
  if (!v) return std::nullopt;
  return *v;
}

std::optional<int64_t> Snapshot::transaction_version(const std::string& app_id) const {
  auto it = txns_.find(app_id);
  if (it == txns_.end()) return std::nullopt;
  return it->second.version;
}

void set_warning_handler(WarningHandler handler) {
  std::lock_guard lock(warning_mutex());
  warning_handler() = std::move(handler);
}

Result<double> Snapshot::property_hours(std::string_view key, double fallback) const {
  auto v = property(key);
  if (!v) return fallback;
  auto micros = parse_interval_micros(*v);
  if (!micros.ok()) {
    return Status::invalid_argument("table '{}': property {} = '{}' {}", store_->root(), key, *v,
                                    micros.status().message());
  }
  return static_cast<double>(*micros) / 3600e6;
}

int64_t Snapshot::total_size() const {
  int64_t total = 0;
  for (const auto& f : files_) total += f.size;
  return total;
}

class SnapshotLoader {
 public:
  explicit SnapshotLoader(std::shared_ptr<const LogStore> store) : store_(std::move(store)) {}

  Result<SnapshotPtr> load(const LogListing& listing, int64_t version) {
    auto snap = std::make_shared<Snapshot>();
    snap->store_ = store_;
    snap->version_ = version;
    // The newest complete checkpoint at or before the version; when it cannot be read, the one
    // before it, and so on down to replaying every commit from version 0.
    std::vector<const CheckpointFiles*> candidates;
    for (const auto& cp : listing.checkpoints) {
      if (cp.version <= version && cp.complete) candidates.push_back(&cp);
    }
    std::reverse(candidates.begin(), candidates.end());
    candidates.push_back(nullptr);
    std::optional<std::string> unreadable;  // the first checkpoint passed over, and why
    std::vector<Action> checkpoint_actions;
    const CheckpointFiles* checkpoint = nullptr;
    std::vector<const LogFile*> commits;
    for (const CheckpointFiles* candidate : candidates) {
      const int64_t first = candidate ? candidate->version + 1 : 0;
      auto found = commits_between(listing, first, version, candidate != nullptr);
      if (!found.ok()) {
        if (!unreadable) return found.status();
        return Status::corruption("{}, and the commits it summarises are no longer all in the log ({}): version {} of '{}' "
                                  "cannot be reconstructed",
                                  *unreadable, found.status().message(), version, store_->root());
      }
      commits = std::move(*found);
      if (candidate == nullptr) break;
      auto actions = read_checkpoint(*store_, *candidate);
      if (actions.ok()) {
        checkpoint = candidate;
        checkpoint_actions = std::move(*actions);
        break;
      }
      const std::string what = fmt::format("the checkpoint {} of '{}' cannot be read ({})",
                                           fmt::join(candidate->paths, ", "), store_->root(),
                                           actions.status().to_string());
      if (!unreadable) unreadable = what;
      snap->warnings_.push_back(what + "; the table was read from the commits it summarises instead");
    }
    for (auto& a : checkpoint_actions) apply(std::move(a), checkpoint->version, *snap);
    // Read the commits in parallel (I/O and JSON parsing), apply them in order.
    std::vector<std::vector<Action>> parsed(commits.size());
    BRAID_RETURN_IF_ERROR(parallel_for(commits.size(), [&](size_t i) -> Status {
      BRAID_ASSIGN_OR_RETURN(std::string text, store_->fs()->read_file(commits[i]->path));
      BRAID_ASSIGN_OR_RETURN(parsed[i], parse_actions(text, commits[i]->path));
      return Status::OK();
    }));
    for (size_t i = 0; i < commits.size(); ++i) {
      for (auto& a : parsed[i]) {
        if (auto* ci = std::get_if<CommitInfo>(&a); ci && commits[i]->version == version) {
          snap->commit_info_ = *ci;
        }
        apply(std::move(a), commits[i]->version, *snap);
      }
    }
    for (const auto& w : snap->warnings_) report_warning(w);
    return finish(std::move(snap), listing);
  }

 private:
  // The commits first..version, which must all exist. `after_checkpoint`: first - 1 is a
  // checkpoint (else first is 0).
  Result<std::vector<const LogFile*>> commits_between(const LogListing& listing, int64_t first, int64_t version,
                                                      bool after_checkpoint) {
    std::vector<const LogFile*> commits;
    for (const auto& c : listing.commits) {
      if (c.version >= first && c.version <= version) commits.push_back(&c);
    }
    BRAID_RETURN_IF_ERROR(fill_listing_gaps(first, version, commits));
    for (size_t i = 0; i < commits.size(); ++i) {
      if (commits[i]->version != first + static_cast<int64_t>(i)) {
        return Status::corruption("the log of '{}' is missing the commit of version {}", store_->root(),
                                  first + static_cast<int64_t>(i));
      }
    }
    if (static_cast<int64_t>(commits.size()) != version - first + 1) {
      if (!after_checkpoint) {
        return Status::not_found(
            "version {} of '{}' cannot be reconstructed: its early commits were cleaned up and no "
            "checkpoint covers it", version, store_->root());
      }
      return Status::corruption("the log of '{}' is missing the commit of version {}", store_->root(),
                                first + static_cast<int64_t>(commits.size()));
    }
    return commits;
  }

  // A folder listing taken while other writers commit may miss a commit that was linked during
  // it yet show a later one (readdir order is the file system's hash order, and POSIX leaves
  // entries added mid-listing unspecified). Commits are never removed below the newest version,
  // so a gap is probed by name before it is called corruption.
  Status fill_listing_gaps(int64_t first, int64_t version, std::vector<const LogFile*>& commits) {
    const int64_t last = commits.empty() ? first - 1 : commits.back()->version;
    if (static_cast<int64_t>(commits.size()) == last - first + 1) return Status::OK();
    std::vector<const LogFile*> filled;
    size_t next = 0;
    for (int64_t v = first; v <= std::min(last, version); ++v) {
      if (next < commits.size() && commits[next]->version == v) {
        filled.push_back(commits[next++]);
        continue;
      }
      const std::string path = store_->commit_path(v);
      auto info = store_->fs()->stat(path);
      if (!info.ok()) {
        if (info.status().code() == StatusCode::kNotFound) {
          return Status::corruption("the log of '{}' is missing the commit of version {}", store_->root(), v);
        }
        return info.status();
      }
      probed_.push_back(LogFile{path, v, info->size, info->modified_ms});
      filled.push_back(&probed_.back());
    }
    commits = std::move(filled);
    return Status::OK();
  }

  static std::string key_of(const std::string& path, const std::optional<DeletionVectorDescriptor>& dv) {
    std::string key = decode_path(path);
    if (dv) {
      key += '\x01';
      key += dv->unique_id();
    }
    return key;
  }

  void apply(Action&& action, int64_t version, Snapshot& snap) {
    std::visit(
        [&](auto&& a) {
          using T = std::decay_t<decltype(a)>;
          if constexpr (std::is_same_v<T, Protocol>) {
            snap.protocol_ = std::move(a);
            have_protocol_ = true;
          } else if constexpr (std::is_same_v<T, Metadata>) {
            snap.metadata_ = std::move(a);
            have_metadata_ = true;
          } else if constexpr (std::is_same_v<T, AddFile>) {
            std::string key = key_of(a.path, a.deletion_vector);
            tombstones_.erase(key);
            files_[std::move(key)] = std::move(a);
          } else if constexpr (std::is_same_v<T, RemoveFile>) {
            std::string key = key_of(a.path, a.deletion_vector);
            files_.erase(key);
            tombstones_[std::move(key)] = std::move(a);
          } else if constexpr (std::is_same_v<T, SetTransaction>) {
            snap.txns_[a.app_id] = std::move(a);
          } else if constexpr (std::is_same_v<T, DomainMetadata>) {
            if (a.removed) {
              snap.domains_.erase(a.domain);
            } else {
              snap.domains_[a.domain] = std::move(a);
            }
          }
          (void)version;
        },
        std::move(action));
  }

  Result<SnapshotPtr> finish(std::shared_ptr<Snapshot> snap, const LogListing& listing) {
    if (!have_protocol_) {
      return Status::corruption("the log of '{}' has no protocol action up to version {}", store_->root(), snap->version_);
    }
    if (!have_metadata_) {
      return Status::corruption("the log of '{}' has no metaData action up to version {}", store_->root(), snap->version_);
    }
    BRAID_RETURN_IF_ERROR(check_readable(snap->protocol_).with_context(store_->root()));
    BRAID_ASSIGN_OR_RETURN(snap->schema_, parse_schema_json(snap->metadata_.schema_string).with_context(store_->root()));
    if (auto mode = snap->property("delta.columnMapping.mode")) {
      if (*mode == "name") snap->column_mapping_ = ColumnMappingMode::kName;
      if (*mode == "id") snap->column_mapping_ = ColumnMappingMode::kId;
    }
    snap->files_.reserve(files_.size());
    for (auto& [key, f] : files_) snap->files_.push_back(std::move(f));
    std::sort(snap->files_.begin(), snap->files_.end(), [](const AddFile& a, const AddFile& b) {
      return a.path < b.path;
    });
    // A file is live once: two entries for one path (with different deletion vectors, and no
    // remove of the older) is a corrupt log, and reading both would return its rows twice.
    for (size_t i = 1; i < snap->files_.size(); ++i) {
      if (snap->files_[i].path == snap->files_[i - 1].path) {
        return Status::corruption("the log of '{}' has two live entries for the file '{}' at version {}",
                                  store_->root(), snap->files_[i].path, snap->version_);
      }
    }
    for (auto& [key, r] : tombstones_) snap->tombstones_.push_back(std::move(r));
    // Timestamp: ICT when present, else the commit file's modification time.
    snap->timestamp_ms_ = 0;
    if (snap->commit_info_ && snap->commit_info_->in_commit_timestamp) {
      snap->timestamp_ms_ = *snap->commit_info_->in_commit_timestamp;
    } else {
      for (const auto& c : listing.commits) {
        if (c.version == snap->version_) snap->timestamp_ms_ = c.modified_ms;
      }
    }
    return SnapshotPtr(std::move(snap));
  }

  std::shared_ptr<const LogStore> store_;
  std::deque<LogFile> probed_;  // commits found by fill_listing_gaps (stable addresses)
  std::unordered_map<std::string, AddFile> files_;
  std::unordered_map<std::string, RemoveFile> tombstones_;
  bool have_protocol_ = false;
  bool have_metadata_ = false;
};

Result<SnapshotPtr> load_snapshot(std::shared_ptr<const LogStore> store, std::optional<int64_t> version) {
  BRAID_ASSIGN_OR_RETURN(LogListing listing, store->list());
  int64_t latest = -1;
  if (!listing.commits.empty()) latest = listing.commits.back().version;
  for (const auto& cp : listing.checkpoints) {
    if (cp.complete) latest = std::max(latest, cp.version);
  }
  if (latest < 0) return Status::not_found("'{}' is not a Delta table (its log is empty)", store->root());
  const int64_t target = version.value_or(latest);
  if (target < 0 || target > latest) {
    return Status::not_found("version {} of '{}' does not exist (the latest is {})", target, store->root(), latest);
  }
  SnapshotLoader loader(store);
  return loader.load(listing, target);
}

Result<std::vector<VersionTimestamp>> commit_timestamps(const LogStore& store) {
  BRAID_ASSIGN_OR_RETURN(LogListing listing, store.list());
  std::vector<VersionTimestamp> out;
  for (const auto& c : listing.commits) {
    int64_t ts = c.modified_ms;
    // In-commit timestamps, when the commit has one, are the truth.
    auto text = store.fs()->read_file(c.path);
    if (text.ok()) {
      auto first_line = std::string_view(*text).substr(0, text->find('\n'));
      if (first_line.find("inCommitTimestamp") != std::string_view::npos) {
        auto actions = parse_actions(first_line, c.path);
        if (actions.ok()) {
          for (const auto& a : *actions) {
            if (const auto* ci = std::get_if<CommitInfo>(&a); ci && ci->in_commit_timestamp) ts = *ci->in_commit_timestamp;
          }
        }
      }
    }
    if (!out.empty() && ts <= out.back().timestamp_ms) ts = out.back().timestamp_ms + 1;  // monotonic
    out.push_back({c.version, ts});
  }
  return out;
}

Result<SnapshotPtr> load_snapshot_at(std::shared_ptr<const LogStore> store, int64_t timestamp_ms) {
  BRAID_ASSIGN_OR_RETURN(auto times, commit_timestamps(*store));
  std::optional<int64_t> version;
  for (const auto& t : times) {
    if (t.timestamp_ms <= timestamp_ms) version = t.version;
  }
  const auto iso = [](int64_t ms) {
    std::string out;
    temporal::append_timestamp(out, ms * 1000, TimeUnit::kMicro, temporal::TextStyle{' ', false, true}, true);
    return out;
  };
  if (!version) {
    return Status::not_found(
        "[DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION] the timestamp {} is before the earliest version of '{}' "
        "({}, committed {})",
        iso(timestamp_ms), store->root(), times.empty() ? 0 : times.front().version,
        times.empty() ? std::string("-") : iso(times.front().timestamp_ms));
  }
  // As Delta: a timestamp after the latest commit is an error, not the latest version (the
  // table may yet get a commit at that time, and the answer would then change).
  if (timestamp_ms > times.back().timestamp_ms) {
    return Status::invalid_argument(
        "[DELTA_TIMESTAMP_GREATER_THAN_COMMIT] the timestamp {} is after the latest version of '{}' ({}, "
        "committed {}); use a timestamp before or at it, or VERSION AS OF",
        iso(timestamp_ms), store->root(), times.back().version, iso(times.back().timestamp_ms));
  }
  return load_snapshot(std::move(store), version);
}

}  // namespace braid::delta
