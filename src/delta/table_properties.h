// Table properties (metaData.configuration): which `delta.*` keys braid honours, how their
// values are checked, and which it refuses. braid never accepts a Delta property and ignores it:
// every `delta.*` key set through braid (CREATE TABLE ... TBLPROPERTIES, ALTER TABLE ... SET
// TBLPROPERTIES, `braid load --property`, DeltaTable::create) is either honoured or refused with
// an error naming it, and an unknown one is Delta's [DELTA_UNKNOWN_CONFIGURATION]. Keys without
// the `delta.` prefix belong to the user and are stored as given.
//
// Honoured: appendOnly, checkpointInterval, logRetentionDuration, deletedFileRetentionDuration,
// enableExpiredLogCleanup, enableDeletionVectors, columnMapping.mode (at creation),
// dataSkippingNumIndexedCols, dataSkippingStatsColumns, dataSkippingStringPrefixLength,
// checkpoint.writeStatsAsJson, isolationLevel (Serializable, the one value OSS Delta accepts),
// and the protocol requests minReaderVersion, minWriterVersion and feature.<name> for features
// braid implements (consumed into the protocol, not stored, as Delta does). Properties whose only
// value braid implements is the default (checkpointPolicy=classic, change data feed, row
// tracking, in-commit timestamps, type widening, auto optimize, ...) accept that value and refuse
// the other; the rest (CHECK constraints, UniForm, coordinated commits, ...) are refused
// outright. The table kSpecs in table_properties.cc is the complete list.
//
// Existing tables (written by Spark, Databricks, ...) are checked on every commit: a table whose
// metadata uses something braid's writers do not do (change data feed, row tracking, in-commit
// timestamps, CHECK constraints, column invariants, generated, identity or default columns,
// UniForm, coordinated commits) is refused naming it and its feature (check_metadata_writable),
// never written as if it were plain; reading such a table is fine.
// Thread-safety: functions of their arguments.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "braid/result.h"
#include "columnar/data_type.h"
#include "delta/actions.h"

namespace braid::delta {

// Checks properties being set on a table and returns them with Delta's spelling of each key
// (keys match case-insensitively, as in Delta; values of honoured keys are checked).
Result<StringMap> normalize_table_properties(const StringMap& properties);

// The protocol a table needs: its current one (nullopt for a new table) raised to support the
// features its schema and properties use and the versions and features the properties ask for
// (delta.minReaderVersion, delta.minWriterVersion, delta.feature.<name>). Those protocol keys
// are removed from `properties`. On an existing table a request below the current versions is
// an error ([DELTA_INVALID_PROTOCOL_DOWNGRADE]); features braid cannot write are refused by name.
Result<Protocol> required_protocol(const std::optional<Protocol>& current, const Schema& schema,
                                   StringMap& properties);

// True when the table only takes appends (PROTOCOL.md, "Append-only Tables": delta.appendOnly
// is true; braid honours it whatever the protocol says).
bool is_append_only(const Metadata& metadata);
// [DELTA_CANNOT_MODIFY_APPEND_ONLY] naming the table (`table` as the user named it).
Status append_only_error(std::string_view table);

// A Spark calendar interval as Delta's duration properties take it ("interval 7 days",
// "2 weeks", "interval 1 day 12 hours"), in microseconds. Months and years are refused, as in
// Delta (they have no fixed length).
Result<int64_t> parse_interval_micros(std::string_view text);

// kNotImplemented naming the first thing in a table's metadata that braid's writers would have to
// do and do not (see the header comment), or OK.
Status check_metadata_writable(const Metadata& metadata, const Schema& schema);

// Data skipping statistics a writer collects for a table (delta.dataSkipping* properties).
struct StatsConfig {
  int num_indexed_columns = 32;                      // -1: all columns
  std::optional<std::vector<std::string>> columns;   // delta.dataSkippingStatsColumns (lower case)
  int string_prefix_length = 32;
  static StatsConfig of(const StringMap& configuration);
};

}  // namespace braid::delta
