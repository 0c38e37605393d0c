#include "catalog/settings.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "common/ascii.h"
#include "common/memory_tracker.h"
#include "common/nearest_name.h"

namespace braid::catalog {

namespace {

using ascii::lower;

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// Whether `value` is one of the '|'-separated words of `list` (case-insensitive); the word as the
// list spells it.
std::optional<std::string> one_of(std::string_view list, std::string_view value) {
  const std::string v = lower(trim(value));
  size_t start = 0;
  while (start <= list.size()) {
    const size_t bar = std::min(list.find('|', start), list.size());
    const std::string_view word = list.substr(start, bar - start);
    if (lower(word) == v) return std::string(word);
    start = bar + 1;
  }
  return std::nullopt;
}

// "a|b|c" as "a, b, c".
std::string spelled(std::string_view list) {
  std::string out;
  for (char c : list) {
    if (c == '|') {
      out += ", ";
    } else {
      out += c;
    }
  }
  return out;
}

Status refused(const SettingDefinition& s, std::string_view value, std::string_view why) {
  return Status::not_implemented("SET {} = {} is not supported: {}", s.key, value, why);
}

// Settings whose Spark values are `domain` (empty: any text) and of which braid implements
// `values`: a value outside the domain is malformed; one braid does not implement is refused,
// saying why (`refusal`, which names what works instead).
struct Choice {
  std::string_view domain;
  std::string_view refusal;
};

// ---- value checks

Result<std::string> boolean_value(const SettingDefinition& s, std::string_view value) {
  auto v = one_of("true|false", value);
  if (!v) return Status::invalid_argument("SET {}: '{}' is not a boolean (true or false)", s.key, value);
  return *v;
}

Result<std::string> positive_integer(const SettingDefinition& s, std::string_view value) {
  const std::string v = trim(value);
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n <= 0) {
    return Status::invalid_argument("SET {}: '{}' is not a positive integer", s.key, value);
  }
  return v;
}

// A byte size as Spark writes them (10485760, 10MB, 64m, 1g); -1 where Spark means "off".
Result<std::string> byte_size(const SettingDefinition& s, std::string_view value) {
  const std::string v = trim(value);
  if (v == "-1" && s.key == "spark.sql.autoBroadcastJoinThreshold") return v;
  auto bytes = parse_memory_size(v);
  if (!bytes.ok() || lower(v) == "none" || lower(v) == "unlimited") {
    return Status::invalid_argument("SET {}: '{}' is not a size in bytes (10485760, 10MB, 1g)", s.key, value);
  }
  return v;
}

Result<std::string> memory_size(const SettingDefinition& s, std::string_view value) {
  auto bytes = parse_memory_size(value);
  if (!bytes.ok()) return Status(bytes.status()).with_context_f("SET {}", s.key);
  return trim(value);
}

// Whether a time zone names UTC: UTC, GMT, UT, Z, Etc/UTC, Etc/GMT, Zulu, UCT, and offsets of zero
// (+00:00, -00, UTC+0, GMT+00:00).
bool is_utc(std::string_view zone) {
  std::string z = lower(trim(zone));
  static constexpr std::array<std::string_view, 11> kNames = {
      "utc", "gmt", "ut", "z", "uct", "zulu", "etc/utc", "etc/gmt", "etc/uct", "etc/zulu", "etc/universal"};
  if (std::find(kNames.begin(), kNames.end(), z) != kNames.end() || z == "universal" || z == "greenwich" ||
      z == "etc/greenwich" || z == "etc/gmt0" || z == "etc/gmt+0" || z == "etc/gmt-0" || z == "gmt0") {
    return true;
  }
  std::string_view rest = z;
  for (std::string_view prefix : {"utc", "gmt", "ut"}) {
    if (rest.starts_with(prefix) && rest.size() > prefix.size() && (rest[prefix.size()] == '+' || rest[prefix.size()] == '-')) {
      rest.remove_prefix(prefix.size());
      break;
    }
  }
  if (rest.empty() || (rest[0] != '+' && rest[0] != '-')) return false;
  rest.remove_prefix(1);
  // [h]h[[:]mm[[:]ss]], every digit zero.
  if (rest.empty()) return false;
  int digits = 0;
  for (char c : rest) {
    if (c == ':') continue;
    if (c != '0') return false;
    ++digits;
  }
  return digits >= 1 && digits <= 6;
}

Result<std::string> time_zone(const SettingDefinition& s, std::string_view value) {
  if (is_utc(value)) return trim(value);
  return Status::not_implemented(
      "SET TIME ZONE / SET {} = {} is not supported: braid keeps the session time zone at UTC (timestamps are "
      "read, computed and shown in UTC); 'UTC', 'Z', 'GMT', 'Etc/UTC' and '+00:00' are accepted. To read local "
      "times, give the offset in the text: TIMESTAMP '2024-01-01 10:00:00+02:00'",
      s.key, value);
}

// ---- choices: the value braid implements of a Spark conf with several

template <const Choice& kChoice>
Result<std::string> choice(const SettingDefinition& s, std::string_view value) {
  if (!kChoice.domain.empty() && !one_of(kChoice.domain, value)) {
    return Status::invalid_argument("SET {}: '{}' is not one of {}", s.key, value, spelled(kChoice.domain));
  }
  if (auto v = one_of(s.values, value)) return *v;
  return refused(s, value, kChoice.refusal);
}

constexpr Choice kAnsi{"true|false",
                       "braid implements Spark's ANSI mode only (overflow, division by zero and invalid casts are "
                       "errors); to get NULL instead, use try_cast, try_add, try_subtract, try_multiply, try_divide "
                       "or try_mod"};
constexpr Choice kCaseSensitive{"true|false", "braid resolves names case-insensitively only (Spark's default)"};
constexpr Choice kOverwriteMode{"static|dynamic", ""};
constexpr Choice kSourcesDefault{"", "braid's tables are Delta tables"};
constexpr Choice kTimestampType{"TIMESTAMP_LTZ|TIMESTAMP_NTZ",
                                "TIMESTAMP is always TIMESTAMP_LTZ in braid; write TIMESTAMP_NTZ where you want it"};
constexpr Choice kCrossJoin{"true|false", "braid always allows cross joins; there is no check to turn on"};
constexpr Choice kPrecisionLoss{"true|false",
                                "braid implements Spark's default decimal result types only (precision loss "
                                "allowed: a result needing more than 38 digits keeps at least 6 decimal places)"};
constexpr Choice kCodec{"none|uncompressed|snappy|gzip|lzo|brotli|lz4|zstd",
                        "braid writes zstd-compressed Parquet data files (which Spark, Trino, DuckDB and delta-rs "
                        "all read); it has no setting for another codec"};
constexpr Choice kIgnoreCorrupt{"true|false",
                                "braid never skips data: a file that cannot be read fails the statement, naming it"};
constexpr Choice kIgnoreMissing{"true|false",
                                "braid never skips data: a missing file fails the statement, naming it"};
constexpr Choice kAutoMerge{"true|false",
                            "braid does not evolve a table's schema on write: a write whose columns differ from the "
                            "table's is refused"};
constexpr Choice kAutoCompact{"true|false",
                              "braid does not compact after writes; run OPTIMIZE to compact small files"};
constexpr Choice kBoolean{"true|false", ""};

// The list. Order: braid's own, then the Spark/Delta confs braid honours (or implements one value
// of), then tuning knobs, then refused keys and families.
constexpr SettingKind kHonoured = SettingKind::kHonoured;
constexpr SettingKind kKnob = SettingKind::kTuningKnob;
constexpr SettingKind kRefused = SettingKind::kRefused;

const SettingDefinition kSettings[] = {
    // braid's own settings: the braid. namespace.
    {"braid.memory_limit", "memory_limit", kHonoured, false, "none", "a size (512MB, 2GB) or none",
     "the most memory one statement of this session (or task) may hold; a statement that needs more fails "
     "naming the limit",
     memory_size},
    {"braid.parquet.verify_checksums", "", kHonoured, false, "true", "true|false",
     "true: every Parquet page that carries a CRC is verified, and a mismatch fails the read naming file, row "
     "group, column and page; false reads damaged pages as they are (to salvage what a file still holds)",
     choice<kBoolean>},

    // Spark and Delta confs that change results or guarantees: braid applies the value, or accepts only
    // the value that describes what it does.
    {"spark.sql.ansi.enabled", "", kHonoured, false, "true", "true",
     "ANSI mode: overflow, division by zero and invalid casts are errors (braid's only mode)", choice<kAnsi>},
    {"spark.sql.session.timeZone", "", kHonoured, false, "UTC", "UTC (or Z, GMT, Etc/UTC, +00:00)",
     "the session time zone (also SET TIME ZONE): timestamps are read, computed and shown in UTC", time_zone},
    {"spark.sql.caseSensitive", "", kHonoured, false, "false", "false",
     "names of tables, columns and views compare case-insensitively", choice<kCaseSensitive>},
    {"spark.sql.sources.partitionOverwriteMode", "", kHonoured, false, "static", "static|dynamic",
     "what INSERT OVERWRITE replaces: static, every row of the table (or the partition a PARTITION clause "
     "names); dynamic, only the partitions the inserted rows fall in",
     choice<kOverwriteMode>},
    {"spark.sql.sources.default", "", kHonoured, false, "delta", "delta",
     "the format of CREATE TABLE without USING: Delta", choice<kSourcesDefault>},
    {"spark.sql.timestampType", "", kHonoured, false, "TIMESTAMP_LTZ", "TIMESTAMP_LTZ",
     "TIMESTAMP means TIMESTAMP_LTZ (an instant, shown in UTC)", choice<kTimestampType>},
    {"spark.sql.crossJoin.enabled", "", kHonoured, false, "true", "true", "cross joins are allowed",
     choice<kCrossJoin>},
    {"spark.sql.decimalOperations.allowPrecisionLoss", "", kHonoured, false, "true", "true",
     "decimal results needing more than 38 digits keep at least 6 decimal places, rounded (Spark's default)",
     choice<kPrecisionLoss>},
    {"spark.sql.parquet.compression.codec", "", kHonoured, false, "zstd", "zstd",
     "the codec of the Parquet data files braid writes", choice<kCodec>},
    {"spark.sql.files.ignoreCorruptFiles", "", kHonoured, false, "false", "false",
     "a file that cannot be read is an error naming it", choice<kIgnoreCorrupt>},
    {"spark.sql.files.ignoreMissingFiles", "", kHonoured, false, "false", "false",
     "a file that is missing is an error naming it", choice<kIgnoreMissing>},
    {"spark.databricks.delta.schema.autoMerge.enabled", "", kHonoured, false, "false", "false",
     "writes must match the table's schema (no schema evolution)", choice<kAutoMerge>},
    {"spark.databricks.delta.autoCompact.enabled", "", kHonoured, false, "false", "false",
     "no compaction after writes (OPTIMIZE compacts)", choice<kAutoCompact>},
    {"spark.databricks.delta.retentionDurationCheck.enabled", "", kHonoured, false, "true", "true|false",
     "true: VACUUM refuses a retention shorter than the table's (delta.deletedFileRetentionDuration, 7 days by "
     "default); false allows it, which may break readers of old versions",
     choice<kBoolean>},

    // Tuning knobs: how Spark plans and parallelises; nothing in braid corresponds, and no result
    // depends on them.
    {"spark.sql.shuffle.partitions", "", kKnob, false, "", "a positive integer",
     "braid partitions hash joins and aggregations by its worker pool and combines partitions in a fixed "
     "order, so results do not depend on a partition count",
     positive_integer},
    {"spark.sql.adaptive.enabled", "", kKnob, false, "", "true or false",
     "adaptive execution re-plans Spark's stages at run time; braid runs each statement as one in-memory plan "
     "with no stages to re-plan",
     boolean_value},
    {"spark.sql.adaptive.coalescePartitions.enabled", "", kKnob, false, "", "true or false",
     "coalesces Spark's shuffle partitions; braid has no shuffle", boolean_value},
    {"spark.sql.adaptive.skewJoin.enabled", "", kKnob, false, "", "true or false",
     "splits skewed shuffle partitions in Spark joins; braid's joins have no shuffle", boolean_value},
    {"spark.sql.autoBroadcastJoinThreshold", "", kKnob, false, "", "a size in bytes, or -1",
     "chooses broadcast joins in Spark; braid builds every join's hash table in memory on one machine",
     byte_size},
    {"spark.sql.broadcastTimeout", "", kKnob, false, "", "seconds",
     "how long Spark waits for a broadcast; braid does not broadcast", positive_integer},
    {"spark.sql.files.maxPartitionBytes", "", kKnob, false, "", "a size in bytes",
     "the split size of Spark's file scans; braid splits scans by row group and block, and reads the same rows "
     "whatever the split",
     byte_size},
    {"spark.sql.files.openCostInBytes", "", kKnob, false, "", "a size in bytes",
     "Spark's estimate for packing small files into splits; braid reads the same rows whatever the split",
     byte_size},
    {"spark.databricks.delta.optimizeWrite.enabled", "", kKnob, false, "", "true or false",
     "Delta's optimized writes shuffle rows into fewer files; braid already writes one file per partition per "
     "write (up to 4 million rows each), and the rows written are the same either way",
     boolean_value},

    // Refused: braid does not implement them, and each changes results.
    {"spark.sql.storeAssignmentPolicy", "", kRefused, false, "", "",
     "braid's INSERT has one policy: values are cast as CAST does, and a value that does not fit the column is "
     "an error"},
    {"spark.sql.legacy.", "", kRefused, true, "", "",
     "legacy behaviours change results; braid implements only Spark's current behaviour"},
    {"spark.databricks.delta.properties.defaults.", "", kRefused, true, "", "",
     "braid does not take table properties from the session; give them where the table is made: CREATE TABLE "
     "... TBLPROPERTIES ('delta.<name>' = '<value>')"},
};

}  // namespace

std::span<const SettingDefinition> setting_definitions() { return kSettings; }

const SettingDefinition* find_setting(std::string_view key) {
  const std::string k = lower(trim(key));
  for (const auto& s : kSettings) {
    if (s.family ? k.starts_with(lower(s.key)) : (k == lower(s.key) || (!s.alias.empty() && k == lower(s.alias)))) {
      return &s;
    }
  }
  return nullptr;
}

Status unknown_setting(std::string_view key) {
  const std::string k = lower(key);
  const char* what = k.starts_with("braid.")   ? "braid has no setting"
                     : k.starts_with("spark.") ? "braid does not implement the Spark setting"
                                               : "braid has no setting";
  std::vector<std::string> known;
  for (const auto& def : setting_definitions()) {
    if (!def.family) known.emplace_back(def.key);
  }
  return Status::invalid_argument("{} '{}'{}: `SET` lists the settings braid knows", what, key, did_you_mean(key, known));
}

Result<CheckedSetting> check_setting(std::string_view key, std::string_view value) {
  const SettingDefinition* s = find_setting(key);
  if (s == nullptr) return unknown_setting(key);
  if (s->kind == SettingKind::kRefused) {
    return Status::not_implemented("SET {} = {} is not supported: {}", s->family ? trim(key) : std::string(s->key), value,
                                   s->description);
  }
  BRAID_ASSIGN_OR_RETURN(std::string v, s->check(*s, value));
  return CheckedSetting{s, std::move(v)};
}

std::string_view setting_kind_name(SettingKind kind) {
  switch (kind) {
    case SettingKind::kHonoured: return "honoured";
    case SettingKind::kTuningKnob: return "accepted, not used by braid";
    case SettingKind::kRefused: return "refused";
  }
  return "";
}

}  // namespace braid::catalog
