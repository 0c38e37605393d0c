#include "pipeline/run_record.h"

#include <fmt/core.h>
#include <simdjson.h>

#include "columnar/value_text.h"
#include "delta/actions.h"
#include "sql/string_literal.h"

namespace braid::pipeline {

namespace {

int64_t int_of(const Column& c, int64_t row) {
  if (!c.is_valid(row)) return 0;
  return std::stoll(value_text(c, row, TextFlavor::kPlain));
}

// A commitInfo's userMetadata run_id (braid's own JSON object), "" when there is none.
std::string run_id_of(const std::optional<std::string>& user_metadata) {
  if (!user_metadata) return "";
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view id;
  if (parser.parse(*user_metadata).get(doc) || doc["run_id"].get(id)) return "";
  return std::string(id);
}

std::map<std::string, int64_t> metrics_of(const std::optional<std::string>& json) {
  std::map<std::string, int64_t> out;
  if (!json) return out;
  simdjson::dom::parser parser;
  simdjson::dom::object doc;
  if (parser.parse(*json).get(doc)) return out;
  for (auto [key, value] : doc) {
    // Delta writes metrics as strings of digits; some writers use numbers.
    std::string_view text;
    int64_t number = 0;
    if (!value.get(text)) {
      try {
        out[std::string(key)] = std::stoll(std::string(text));
      } catch (const std::exception&) {
      }
    } else if (!value.get(number)) {
      out[std::string(key)] = number;
    }
  }
  return out;
}

}  // namespace

Result<std::map<TaskKey, TaskHistory>> load_task_history(catalog::Session& session, const std::string& audit_path,
                                                         const std::string& run_id) {
  std::map<TaskKey, TaskHistory> out;
  auto fs = session.database().fs();
  if (!delta::DeltaTable::exists(*fs, audit_path)) return out;
  BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(fs, audit_path));
  BRAID_ASSIGN_OR_RETURN(auto snap, table.snapshot());
  // An audit table from before these columns were added has none (until its next append).
  const bool counted = snap->schema()->field_index("conflicts") >= 0 && snap->schema()->field_index("wait_ms") >= 0;
  auto scope = session.new_task("resume audit");
  BRAID_RETURN_IF_ERROR(scope->set_parameter_sql("run", sql::string_literal(run_id)));
  BRAID_ASSIGN_OR_RETURN(
      auto rows,
      scope->execute(fmt::format("SELECT flow, task, max(attempt), max(CASE WHEN status = 'succeeded' THEN 1 ELSE 0 END), "
                                 "max(CASE WHEN status = 'skipped' AND error LIKE 'superseded:%' THEN error END), {}, {} "
                                 "FROM delta.`{}` WHERE run_id = :run GROUP BY flow, task",
                                 counted ? "max(conflicts)" : "0", counted ? "max(wait_ms)" : "0", audit_path)));
  for (const auto& b : rows.batches) {
    for (int64_t r = 0; r < b->num_rows(); ++r) {
      TaskHistory h;
      h.last_attempt = static_cast<int>(int_of(*b->column(2), r));
      h.succeeded = int_of(*b->column(3), r) > 0;
      if (b->column(4)->is_valid(r)) h.superseded = value_text(*b->column(4), r, TextFlavor::kPlain);
      h.conflicts = static_cast<int>(int_of(*b->column(5), r));
      h.wait_ms = int_of(*b->column(6), r);
      out[{value_text(*b->column(0), r, TextFlavor::kPlain), value_text(*b->column(1), r, TextFlavor::kPlain)}] = h;
    }
  }
  return out;
}

Result<std::optional<TxnCommit>> find_txn_commit(const delta::DeltaTable& table, const std::string& app_id,
                                                 int64_t txn_version, int64_t not_before_ms) {
  const auto& store = *table.store();
  BRAID_ASSIGN_OR_RETURN(auto listing, store.list());
  for (auto it = listing.commits.rbegin(); it != listing.commits.rend(); ++it) {
    BRAID_ASSIGN_OR_RETURN(std::string text, store.fs()->read_file(it->path));
    BRAID_ASSIGN_OR_RETURN(auto actions, delta::parse_actions(text, it->path));
    bool ours = false;
    const delta::CommitInfo* info = nullptr;
    for (const auto& a : actions) {
      if (const auto* t = std::get_if<delta::SetTransaction>(&a)) ours |= t->app_id == app_id && t->version == txn_version;
      if (const auto* ci = std::get_if<delta::CommitInfo>(&a)) info = ci;
    }
    if (ours) {
      TxnCommit c;
      c.version = it->version;
      if (info != nullptr) {
        c.run_id = run_id_of(info->user_metadata);
        c.operation = info->operation.value_or("");
        c.metrics = metrics_of(info->operation_metrics);
      }
      return std::optional<TxnCommit>(std::move(c));
    }
    const int64_t made_ms = info != nullptr && info->timestamp ? *info->timestamp : it->modified_ms;
    if (made_ms < not_before_ms) break;
  }
  return std::optional<TxnCommit>();
}

Result<Settlement> settle_task(const std::optional<delta::DeltaTable>& target, const std::string& app_id,
                               int64_t txn_version, const std::string& run_id, const TaskHistory* history) {
  Settlement s;
  if (history != nullptr && history->succeeded) {
    s.kind = Settlement::Kind::kDone;
    s.note = fmt::format("already succeeded in run {}: nothing written", run_id);
    return s;
  }
  if (history != nullptr && !history->superseded.empty()) {
    s.kind = Settlement::Kind::kDone;
    s.note = history->superseded;
    return s;
  }
  if (!target) return s;
  BRAID_ASSIGN_OR_RETURN(auto snap, target->snapshot());
  const auto done = snap->transaction_version(app_id);
  if (!done || *done < txn_version) return s;
  // txn versions are the runs' start times (µs): nothing of this run is older than its start,
  // less a minute for clocks of other machines writing the same table.
  const int64_t not_before_ms = txn_version / 1000 - 60'000;
  BRAID_ASSIGN_OR_RETURN(auto ours, find_txn_commit(*target, app_id, txn_version, not_before_ms));
  if (ours && (ours->run_id.empty() || ours->run_id == run_id)) {
    s.kind = Settlement::Kind::kRecovered;
    s.commit = std::move(ours);
    s.note = fmt::format("recovered on resume: the task's commit (version {} of the target) is in the table but its audit "
                         "row was lost with the process that made it; row counts are the commit's operationMetrics",
                         s.commit->version);
    return s;
  }
  if (*done == txn_version && !ours) {
    // The marker is this run's but its commit is no longer in the log (cleaned up behind a
    // checkpoint): committed, with what it wrote unknown.
    s.kind = Settlement::Kind::kRecovered;
    s.note = "recovered on resume: the task's txn marker is in the table but its commit is no longer in the log (log "
             "cleanup) and its audit row was lost with the process that made it; row counts unknown";
    return s;
  }
  // A later run committed the task (or, with equal versions, another run: never this one).
  BRAID_ASSIGN_OR_RETURN(auto theirs, find_txn_commit(*target, app_id, *done, *done / 1000 - 60'000));
  s.kind = Settlement::Kind::kSuperseded;
  if (ours) {
    s.note = fmt::format("superseded: already committed by run {} (target version {}), whose commit carries this run's "
                         "txn version; nothing written",
                         ours->run_id, ours->version);
  } else if (theirs && !theirs->run_id.empty()) {
    s.note = fmt::format("superseded: already committed by run {} (target version {}), a later run, before this run "
                         "did; nothing written",
                         theirs->run_id, theirs->version);
  } else {
    s.note = fmt::format("superseded: already committed by a later run (txn version {}{}) before this run did; "
                         "nothing written",
                         *done, theirs ? fmt::format(", target version {}", theirs->version) : std::string());
  }
  return s;
}

}  // namespace braid::pipeline
