#include "delta/history.h"

#include <fmt/core.h>

#include <iterator>

#include "columnar/column_builder.h"
#include "delta/actions.h"
#include "delta/snapshot.h"

namespace braid::delta {

SchemaPtr history_schema() {
  return schema({field("version", int64(), false), field("timestamp", timestamp(TimeUnit::kMicro, "UTC")),
                 field("operation", string_type()), field("operationParameters", string_type()),
                 field("operationMetrics", string_type()), field("userMetadata", string_type()),
                 field("engineInfo", string_type()), field("isolationLevel", string_type()),
                 field("isBlindAppend", boolean()), field("readVersion", int64())});
}

Result<RecordBatchPtr> history(const LogStore& store, int64_t limit) {
  BRAID_ASSIGN_OR_RETURN(auto listing, store.list());
  BRAID_ASSIGN_OR_RETURN(auto times, commit_timestamps(store));
  const SchemaPtr s = history_schema();
  std::vector<std::unique_ptr<ColumnBuilder>> b;
  for (const auto& f : s->fields()) b.push_back(make_builder(f->type()));
  auto str = [&](int i, const std::optional<std::string>& v) {
    auto& builder = b[static_cast<size_t>(i)];
    v ? static_cast<BinaryBuilder*>(builder.get())->append(*v) : builder->append_null();
  };
  int64_t rows = 0;
  // A version missing between two that are in the log is shown as one row saying so, never
  // skipped: `operation` tells which versions, the other columns are NULL.
  auto gap_row = [&](int64_t first, int64_t last) {
    static_cast<Int64Builder*>(b[0].get())->append(first);
    b[1]->append_null();
    str(2, first == last ? fmt::format("(version {} is missing from the log)", first)
                         : fmt::format("(versions {} to {} are missing from the log)", first, last));
    for (size_t i = 3; i < b.size(); ++i) b[i]->append_null();
    ++rows;
  };
  for (auto it = listing.commits.rbegin(); it != listing.commits.rend(); ++it) {
    if (limit >= 0 && rows >= limit) break;
    if (it != listing.commits.rbegin() && std::prev(it)->version > it->version + 1) {
      gap_row(it->version + 1, std::prev(it)->version - 1);
      if (limit >= 0 && rows >= limit) break;
    }
    BRAID_ASSIGN_OR_RETURN(std::string text, store.fs()->read_file(it->path));
    BRAID_ASSIGN_OR_RETURN(auto actions, parse_actions(text, it->path));
    std::optional<CommitInfo> info;
    for (auto& a : actions) {
      if (auto* ci = std::get_if<CommitInfo>(&a)) info = std::move(*ci);
    }
    static_cast<Int64Builder*>(b[0].get())->append(it->version);
    int64_t ts = it->modified_ms;
    for (const auto& t : times) {
      if (t.version == it->version) ts = t.timestamp_ms;
    }
    static_cast<Int64Builder*>(b[1].get())->append(ts * 1000);
    const CommitInfo none;
    const CommitInfo& ci = info ? *info : none;
    str(2, ci.operation);
    str(3, ci.operation_parameters);
    str(4, ci.operation_metrics);
    str(5, ci.user_metadata);
    str(6, ci.engine_info);
    str(7, ci.isolation_level);
    ci.is_blind_append ? static_cast<BooleanBuilder*>(b[8].get())->append(*ci.is_blind_append) : b[8]->append_null();
    ci.read_version ? static_cast<Int64Builder*>(b[9].get())->append(*ci.read_version) : b[9]->append_null();
    ++rows;
  }
  // The versions before the oldest commit still in the log (log cleanup removes them behind a
  // checkpoint) are one row too: the history does not silently start later.
  if (!listing.commits.empty() && listing.commits.front().version > 0 && (limit < 0 || rows < limit)) {
    const int64_t last = listing.commits.front().version - 1;
    static_cast<Int64Builder*>(b[0].get())->append(0);
    b[1]->append_null();
    str(2, last == 0 ? std::string("(version 0 is no longer in the log)")
                     : fmt::format("(versions 0 to {} are no longer in the log)", last));
    for (size_t i = 3; i < b.size(); ++i) b[i]->append_null();
    ++rows;
  }
  std::vector<ColumnPtr> columns;
  for (auto& builder : b) {
    BRAID_ASSIGN_OR_RETURN(auto c, builder->finish());
    columns.push_back(std::move(c));
  }
  return std::make_shared<const RecordBatch>(s, rows, std::move(columns));
}

}  // namespace braid::delta
