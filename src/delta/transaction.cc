#include "delta/transaction.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <random>
#include <set>

#include "braid/version.h"
#include "common/json_writer.h"
#include "delta/checkpoint.h"
#include "delta/scan.h"
#include "delta/schema_json.h"
#include "delta/table_properties.h"

namespace braid::delta {

std::string_view isolation_level_name(IsolationLevel level) {
  switch (level) {
    case IsolationLevel::kSerializable: return "Serializable";
    case IsolationLevel::kWriteSerializable: return "WriteSerializable";
    case IsolationLevel::kSnapshotIsolation: return "SnapshotIsolation";
  }
  return "Serializable";
}

std::string new_uuid() {
  thread_local std::mt19937_64 rng(std::random_device{}() ^
                                   static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  uint64_t hi = rng(), lo = rng();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xffff, hi & 0xffff, lo >> 48,
                     lo & 0xffffffffffffULL);
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Transaction::Transaction(std::shared_ptr<const LogStore> store, SnapshotPtr read_snapshot)
    : store_(std::move(store)), snapshot_(std::move(read_snapshot)) {}

void Transaction::read_files(const std::vector<const AddFile*>& files) {
  for (const AddFile* f : files) read_paths_.push_back(decode_path(f->path));
}

void Transaction::read_predicates(const std::vector<parquet::ColumnPredicate>& predicates) {
  has_read_predicates_ = true;
  for (const auto& p : predicates) read_predicates_.push_back(p);
}

std::optional<int64_t> Transaction::read_app_version(const std::string& app_id) {
  read_app_ids_.push_back(app_id);
  return snapshot_ ? snapshot_->transaction_version(app_id) : std::nullopt;
}

void Transaction::remove_existing(const AddFile& file, bool data_change) {
  RemoveFile r;
  r.path = file.path;
  r.deletion_timestamp = now_ms();
  r.data_change = data_change;
  r.extended_file_metadata = true;
  r.partition_values = file.partition_values;
  r.size = file.size;
  r.stats = file.stats;
  r.tags = file.tags;
  r.deletion_vector = file.deletion_vector;
  r.base_row_id = file.base_row_id;
  r.default_row_commit_version = file.default_row_commit_version;
  removes_.push_back(std::move(r));
}

bool Transaction::is_blind_append() const {
  return removes_.empty() && !read_whole_table_ && read_paths_.empty() && !has_read_predicates_ &&
         !metadata_ && !protocol_;
}

std::string Transaction::commit_info_json(const CommitOptions& options) const {
  JsonWriter w;
  w.begin_object();
  w.field("timestamp", now_ms());
  w.field("operation", options.operation);
  w.key("operationParameters");
  w.begin_object();
  for (const auto& [k, v] : options.operation_parameters) {
    w.key(k);
    w.value(v);  // Spark writes every parameter as a string
  }
  w.end_object();
  if (snapshot_) w.field("readVersion", snapshot_->version());
  w.field("isolationLevel", isolation_level_name(options.isolation));
  w.field("isBlindAppend", is_blind_append());
  w.key("operationMetrics");
  w.begin_object();
  for (const auto& [k, v] : options.operation_metrics) w.field(k, v);
  w.end_object();
  if (options.user_metadata) w.field("userMetadata", *options.user_metadata);
  if (!options.tags.empty()) {
    w.key("tags");
    w.begin_object();
    for (const auto& [k, v] : options.tags) w.field(k, v);
    w.end_object();
  }
  w.field("engineInfo", std::string("braid/") + kVersion);
  w.field("txnId", new_uuid());
  w.end_object();
  return w.take();
}

namespace {

std::string partition_text(const PartitionValues& values) {
  if (values.empty()) return "the table";
  std::string s = "partition ";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) s += "/";
    s += values[i].first + "=" + (values[i].second ? *values[i].second : "NULL");
  }
  return s;
}

Status conflict(std::string_view kind, std::string message) {
  return Status::conflict("{}: {}", kind, message).set_retryable();
}

}  // namespace

Status Transaction::check_conflicts(int64_t version, const std::vector<Action>& winner, IsolationLevel isolation) const {
  std::optional<CommitInfo> info;
  std::vector<const AddFile*> added;
  std::vector<const RemoveFile*> removed;
  for (const auto& a : winner) {
    if (const auto* ci = std::get_if<CommitInfo>(&a)) info = *ci;
    if (const auto* f = std::get_if<AddFile>(&a)) added.push_back(f);
    if (const auto* r = std::get_if<RemoveFile>(&a)) removed.push_back(r);
  }
  const std::string who = fmt::format("version {}{}", version,
                                      info && info->operation ? " (" + *info->operation + ")" : "");
  const std::string us = fmt::format("this transaction (read version {})", read_version());
  for (const auto& a : winner) {
    // 1. Protocol.
    if (const auto* p = std::get_if<Protocol>(&a)) {
      if (!snapshot_) return conflict("ProtocolChangedException", fmt::format("the table was created concurrently by {}", who));
      BRAID_RETURN_IF_ERROR(check_writable(*p).with_context_f("the protocol written by {}", who));
      if (protocol_) return conflict("ProtocolChangedException", fmt::format("{} and {} both change the protocol", who, us));
    }
    // 2. Metadata.
    if (std::holds_alternative<Metadata>(a)) {
      return conflict("MetadataChangedException", fmt::format("{} changed the table's metadata (schema or properties) after {} read it", who, us));
    }
    // 3. Domains.
    if (const auto* d = std::get_if<DomainMetadata>(&a)) {
      for (const auto& ours : domains_) {
        if (ours.domain == d->domain) {
          return conflict("ConcurrentTransactionException", fmt::format("{} and {} both change the domain '{}'", who, us, d->domain));
        }
      }
    }
    // 4. Application transactions.
    if (const auto* t = std::get_if<SetTransaction>(&a)) {
      bool read = std::find(read_app_ids_.begin(), read_app_ids_.end(), t->app_id) != read_app_ids_.end();
      if (read || (txn_ && txn_->app_id == t->app_id)) {
        return conflict("ConcurrentTransactionException",
                        fmt::format("{} committed application transaction '{}' (version {}) that {} depends on", who,
                                    t->app_id, t->version, us));
      }
    }
  }
  // 6. Files the winner added that our read may have matched.
  if (isolation != IsolationLevel::kSnapshotIsolation && (read_whole_table_ || has_read_predicates_ || !read_paths_.empty())) {
    const bool winner_blind = info && info->is_blind_append.value_or(false);
    const bool check_blind = isolation == IsolationLevel::kSerializable || metadata_;
    for (const AddFile* f : added) {
      if (!f->data_change) continue;
      if (winner_blind && !check_blind) continue;
      bool matches = read_whole_table_ || !has_read_predicates_ ||
                     (snapshot_ && file_may_match(*snapshot_, *f, read_predicates_));
      if (matches) {
        return conflict("ConcurrentAppendException",
                        fmt::format("{} added data to {} that {} read (file {})", who, partition_text(f->partition_values),
                                    us, f->path));
      }
    }
  }
  // 7. Files we read that the winner removed.
  std::set<std::string> ours(read_paths_.begin(), read_paths_.end());
  for (const RemoveFile* r : removed) {
    if (ours.count(decode_path(r->path)) || (read_whole_table_ && r->data_change)) {
      return conflict("ConcurrentDeleteReadException",
                      fmt::format("{} removed the file {} that {} read", who, r->path, us));
    }
  }
  // 8. Files we both remove.
  std::set<std::string> our_removes;
  for (const auto& r : removes_) our_removes.insert(decode_path(r.path));
  for (const RemoveFile* r : removed) {
    if (our_removes.count(decode_path(r->path))) {
      return conflict("ConcurrentDeleteDeleteException",
                      fmt::format("{} and {} both removed the file {}", who, us, r->path));
    }
  }
  return Status::OK();
}

Result<CommitResult> Transaction::commit(const CommitOptions& options) {
  CommitResult result;
  if (txn_ && snapshot_) {
    auto done = snapshot_->transaction_version(txn_->app_id);
    if (done && *done >= txn_->version) {
      result.skipped = true;
      return result;
    }
  }
  if (!snapshot_ && (!protocol_ || !metadata_)) {
    return Status::internal("the first commit of a table must carry protocol and metadata");
  }
  if (snapshot_) {
    BRAID_RETURN_IF_ERROR(check_writable(protocol_ ? *protocol_ : snapshot_->protocol()).with_context(store_->root()));
  }
  const bool only_commit_info = adds_.empty() && removes_.empty() && !metadata_ && !protocol_ && domains_.empty();
  if (!only_commit_info) {
    const Metadata& metadata = metadata_ ? *metadata_ : snapshot_->metadata();
    SchemaPtr schema = metadata_ || !snapshot_ ? nullptr : snapshot_->schema();
    if (!schema) {
      BRAID_ASSIGN_OR_RETURN(schema, parse_schema_json(metadata.schema_string));
    }
    BRAID_RETURN_IF_ERROR(check_metadata_writable(metadata, *schema).with_context(store_->root()));
  }
  // Append-only tables: the backstop behind every statement's own check.
  const bool removes_data =
      std::any_of(removes_.begin(), removes_.end(), [](const RemoveFile& r) { return r.data_change; });
  if (removes_data && ((snapshot_ && is_append_only(snapshot_->metadata())) || (metadata_ && is_append_only(*metadata_)))) {
    return append_only_error(store_->root());
  }
  // The commit's contents do not depend on the version it lands at (readVersion is the version
  // read, as in Spark), so they are built once; a rebase only moves the target version.
  std::string text;
  {
    JsonWriter ci;
    ci.begin_object();
    ci.key("commitInfo");
    ci.raw(commit_info_json(options));
    ci.end_object();
    text = ci.take();
    text += '\n';
    std::vector<Action> actions;
    if (protocol_) actions.emplace_back(*protocol_);
    if (metadata_) actions.emplace_back(*metadata_);
    if (txn_) {
      SetTransaction t = *txn_;
      t.last_updated = now_ms();
      actions.emplace_back(std::move(t));
    }
    for (const auto& d : domains_) actions.emplace_back(d);
    for (const auto& r : removes_) actions.emplace_back(r);
    for (const auto& a : adds_) actions.emplace_back(a);
    text += actions_to_json(actions);
  }
  int64_t attempt_version = read_version() + 1;
  for (int attempt = 1; attempt <= options.max_attempts; ++attempt) {
    result.attempts = attempt;
    // A version another writer already took is checked without paying for a write first: under
    // contention most versions are taken by the time a loser gets to them.
    Status s = store_->fs()->stat(store_->commit_path(attempt_version)).ok()
                   ? Status::already_exists("version {} exists", attempt_version)
                   : store_->write_commit(attempt_version, text);
    if (s.ok()) {
      result.version = attempt_version;
      // Post-commit work never fails the commit: a missing checkpoint only costs replay time.
      int64_t interval = 10;
      if (options.checkpoint_interval) {
        interval = *options.checkpoint_interval;
      } else if (const Metadata& m = metadata_ ? *metadata_ : snapshot_->metadata();
                 const std::string* v = find_value(m.configuration, "delta.checkpointInterval")) {
        interval = std::max<int64_t>(1, std::atoll(v->c_str()));
      }
      if (interval > 0 && attempt_version > 0 && attempt_version % interval == 0) {
        auto snap = load_snapshot(store_, attempt_version);
        if (snap.ok() && write_checkpoint(*store_, attempt_version, checkpoint_actions(**snap)).ok() &&
            (*snap)->property("delta.enableExpiredLogCleanup").value_or("true") != "false") {
          // Spark's default log retention is 30 days.
          auto hours = (*snap)->property_hours("delta.logRetentionDuration", 30 * 24);
          if (hours.ok()) {
            (void)cleanup_expired_log(*store_, now_ms() - static_cast<int64_t>(*hours * 3600 * 1000));
          }
        }
      }
      return result;
    }
    if (s.code() != StatusCode::kAlreadyExists) return s;
    // Another writer won this version: check it against what we did, then rebase.
    BRAID_ASSIGN_OR_RETURN(std::string winner_text, store_->read_commit(attempt_version));
    BRAID_ASSIGN_OR_RETURN(auto winner, parse_actions(winner_text, store_->commit_path(attempt_version)));
    if (txn_) {
      for (const auto& a : winner) {
        const auto* t = std::get_if<SetTransaction>(&a);
        if (t && t->app_id == txn_->app_id && t->version >= txn_->version) {
          result.skipped = true;  // a concurrent run of the same task already committed
          return result;
        }
      }
    }
    BRAID_RETURN_IF_ERROR(check_conflicts(attempt_version, winner, options.isolation));
    ++attempt_version;
  }
  return Status::conflict("gave up after {} attempts: the table keeps changing under this transaction",
                          options.max_attempts)
      .set_retryable();
}

}  // namespace braid::delta
