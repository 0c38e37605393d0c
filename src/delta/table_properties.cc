#include "delta/table_properties.h"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "common/ascii.h"
#include "delta/snapshot.h"

namespace braid::delta {

namespace {

using ascii::lower;
using ascii::iequals;

// What braid does with a Delta property (the key after "delta.").
enum class Rule {
  kHonoured,     // the value is checked and acted on
  kDefaultOnly,  // braid implements only `value`; any other value is refused
  kRefused,      // braid does not implement it: refused whatever the value
  kManaged,      // kept by the table's writers, never set by a user
};

struct Spec {
  std::string_view key;
  Rule rule;
  // kHonoured: how the value is checked ("bool", "positive", "int>=-1", "int>=0", "interval",
  // "columns", or "enum:a|b" for the allowed values); kDefaultOnly: the one value braid does.
  std::string_view value;
  // kDefaultOnly / kRefused: what braid does not do.
  std::string_view why = "";
};

constexpr std::string_view kNoCdf = "braid does not write the change data feed";
constexpr std::string_view kNoAutoOptimize = "braid does not compact or size files automatically (run OPTIMIZE)";
constexpr std::string_view kNoIceberg = "braid does not write Iceberg metadata (UniForm)";
constexpr std::string_view kNoPrefixes = "braid does not add random prefixes to data file names";
constexpr std::string_view kNoCoordinator = "braid commits through the file system, not a commit coordinator";
constexpr std::string_view kNoRedirect = "braid does not implement table redirection";

// Every property Delta defines (DeltaConfigs), and braid's rule for it.
constexpr Spec kSpecs[] = {
    {"appendOnly", Rule::kHonoured, "bool"},
    {"checkpointInterval", Rule::kHonoured, "positive"},
    {"logRetentionDuration", Rule::kHonoured, "interval"},
    {"deletedFileRetentionDuration", Rule::kHonoured, "interval"},
    {"enableExpiredLogCleanup", Rule::kHonoured, "bool"},
    {"enableDeletionVectors", Rule::kHonoured, "bool"},
    {"columnMapping.mode", Rule::kHonoured, "enum:none|name|id"},
    {"dataSkippingNumIndexedCols", Rule::kHonoured, "int>=-1"},
    {"dataSkippingStatsColumns", Rule::kHonoured, "columns"},
    {"dataSkippingStringPrefixLength", Rule::kHonoured, "int>=0"},
    {"checkpoint.writeStatsAsJson", Rule::kHonoured, "bool"},
    // OSS Delta accepts Serializable only, and braid's commits are Serializable by default.
    {"isolationLevel", Rule::kHonoured, "enum:Serializable"},
    {"checkpointPolicy", Rule::kDefaultOnly, "classic", "braid writes classic checkpoints only"},
    {"checkpoint.writeStatsAsStruct", Rule::kDefaultOnly, "false", "braid's checkpoints hold file stats as JSON only"},
    {"enableChangeDataFeed", Rule::kDefaultOnly, "false", kNoCdf},
    {"enableChangeDataCapture", Rule::kDefaultOnly, "false", kNoCdf},
    {"enableRowTracking", Rule::kDefaultOnly, "false", "braid does not assign row ids (row tracking)"},
    {"rowTrackingSuspended", Rule::kRefused, "", "braid does not implement row tracking"},
    {"enableInCommitTimestamps", Rule::kDefaultOnly, "false", "braid does not write in-commit timestamps"},
    {"enableTypeWidening", Rule::kDefaultOnly, "false", "braid cannot change a column's type"},
    {"autoOptimize", Rule::kDefaultOnly, "false", kNoAutoOptimize},
    {"autoOptimize.autoCompact", Rule::kDefaultOnly, "false", kNoAutoOptimize},
    {"autoOptimize.optimizeWrite", Rule::kDefaultOnly, "false", kNoAutoOptimize},
    {"randomizeFilePrefixes", Rule::kDefaultOnly, "false", kNoPrefixes},
    {"randomPrefixLength", Rule::kRefused, "", kNoPrefixes},
    {"enableFullRetentionRollback", Rule::kDefaultOnly, "false", "braid does not implement RESTORE"},
    {"enableIcebergCompatV1", Rule::kDefaultOnly, "false", kNoIceberg},
    {"enableIcebergCompatV2", Rule::kDefaultOnly, "false", kNoIceberg},
    {"enableIcebergCompatV3", Rule::kDefaultOnly, "false", kNoIceberg},
    {"universalFormat.enabledFormats", Rule::kRefused, "", kNoIceberg},
    {"universalFormat.iceberg.atomicConversion.supported", Rule::kRefused, "", kNoIceberg},
    {"castIcebergTimeType", Rule::kRefused, "", kNoIceberg},
    {"ignoreIcebergBucketPartition", Rule::kRefused, "", kNoIceberg},
    {"enableVariantShredding", Rule::kDefaultOnly, "false", "braid has no VARIANT type"},
    {"enableMaterializePartitionColumnsFeature", Rule::kDefaultOnly, "false",
     "braid leaves partition columns out of data files"},
    {"writePartitionColumnsToParquet", Rule::kDefaultOnly, "false", "braid leaves partition columns out of data files"},
    {"compatibility.symlinkFormatManifest.enabled", Rule::kDefaultOnly, "false",
     "braid does not write symlink manifests"},
    {"sampleRetentionDuration", Rule::kRefused, "", "braid does not write sample files"},
    {"checkpointRetentionDuration", Rule::kRefused, "",
     "braid's log cleanup keeps checkpoints by delta.logRetentionDuration only"},
    {"setTransactionRetentionDuration", Rule::kRefused, "",
     "braid keeps application transaction ids for good (idempotent reruns rely on them)"},
    {"dropFeatureTruncateHistory.retentionDuration", Rule::kRefused, "", "braid cannot drop table features"},
    {"parquet.format.version", Rule::kRefused, "", "braid chooses the Parquet format of its data files"},
    {"ignoreProtocolDefaults", Rule::kRefused, "", "braid chooses the protocol from the table's features"},
    {"redirectReaderWriter-preview", Rule::kRefused, "", kNoRedirect},
    {"redirectWriterOnly-preview", Rule::kRefused, "", kNoRedirect},
    {"coordinatedCommits.commitCoordinator-preview", Rule::kRefused, "", kNoCoordinator},
    {"coordinatedCommits.commitCoordinatorConf-preview", Rule::kRefused, "", kNoCoordinator},
    {"coordinatedCommits.tableConf-preview", Rule::kRefused, "", kNoCoordinator},
    {"columnMapping.maxColumnId", Rule::kManaged, ""},
    {"inCommitTimestampEnablementVersion", Rule::kManaged, ""},
    {"inCommitTimestampEnablementTimestamp", Rule::kManaged, ""},
    {"requireCheckpointProtectionBeforeVersion", Rule::kManaged, ""},
};

// Every table feature Delta defines (PROTOCOL.md, "Table Features"), by its spelling.
constexpr std::string_view kFeatureNames[] = {
    "appendOnly", "invariants", "checkConstraints", "generatedColumns", "allowColumnDefaults", "changeDataFeed",
    "identityColumns", "rowTracking", "domainMetadata", "clustering", "inCommitTimestamp", "icebergCompatV1",
    "icebergCompatV2", "icebergCompatV3", "checkpointProtection", "materializePartitionColumns", "columnMapping",
    "deletionVectors", "timestampNtz", "v2Checkpoint", "vacuumProtocolCheck", "typeWidening", "typeWidening-preview",
    "variantType", "variantType-preview", "variantShredding-preview", "catalogManaged"};

const Spec* find_spec(std::string_view name) {
  for (const Spec& s : kSpecs) {
    if (iequals(s.key, name)) return &s;
  }
  return nullptr;
}

std::optional<bool> parse_bool(std::string_view v) {
  if (iequals(v, "true")) return true;
  if (iequals(v, "false")) return false;
  return std::nullopt;
}

std::optional<int64_t> parse_int(std::string_view v) {
  int64_t n = 0;
  const char* end = v.data() + v.size();
  auto [ptr, ec] = std::from_chars(v.data(), end, n);
  if (ec != std::errc() || ptr != end || v.empty()) return std::nullopt;
  return n;
}

// The names of a comma-separated column list ("a, b.c, `d e`"), lower case, or nullopt when
// malformed.
std::optional<std::vector<std::string>> parse_column_list(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  bool quoted = false;
  bool any = false;
  auto finish = [&]() -> bool {
    // Trim the spaces around a name.
    const auto first = current.find_first_not_of(' ');
    if (first == std::string::npos) return false;
    current = current.substr(first, current.find_last_not_of(' ') - first + 1);
    out.push_back(lower(current));
    current.clear();
    return true;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '`') {
      if (quoted && i + 1 < text.size() && text[i + 1] == '`') {
        current += '`';
        ++i;
        continue;
      }
      quoted = !quoted;
      any = true;
      continue;
    }
    if (c == ',' && !quoted) {
      if (!finish()) return std::nullopt;
      continue;
    }
    current += c;
    any = true;
  }
  if (quoted || !any || !finish()) return std::nullopt;
  return out;
}

Status bad_value(std::string_view key, std::string_view value, std::string_view expected) {
  return Status::invalid_argument("table property '{}' = '{}': {}", key, value, expected);
}

// Checks an honoured property's value; returns it as Delta spells it.
Result<std::string> check_value(const Spec& spec, const std::string& key, const std::string& value) {
  const std::string_view kind = spec.value;
  if (kind == "bool") {
    if (!parse_bool(value)) return bad_value(key, value, "needs to be true or false");
    return value;
  }
  if (kind == "positive" || kind == "int>=-1" || kind == "int>=0") {
    auto n = parse_int(value);
    const int64_t min = kind == "positive" ? 1 : kind == "int>=-1" ? -1 : 0;
    if (!n || *n < min || *n > INT32_MAX) {
      return bad_value(key, value,
                       kind == "positive" ? "needs to be a positive integer"
                                          : fmt::format("needs to be an integer of at least {}", min));
    }
    return value;
  }
  if (kind == "interval") {
    auto micros = parse_interval_micros(value);
    if (!micros.ok()) return bad_value(key, value, micros.status().message());
    return value;
  }
  if (kind == "columns") {
    if (!parse_column_list(value)) return bad_value(key, value, "needs to be a comma-separated list of column names");
    return value;
  }
  if (kind.starts_with("enum:")) {
    std::string_view options = kind.substr(5);
    size_t start = 0;
    while (start <= options.size()) {
      size_t bar = options.find('|', start);
      std::string_view option = options.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
      if (iequals(option, value)) return std::string(option);
      if (bar == std::string_view::npos) break;
      start = bar + 1;
    }
    std::string allowed(options);
    std::replace(allowed.begin(), allowed.end(), '|', ',');
    return bad_value(key, value, fmt::format("needs to be one of: {}", allowed));
  }
  return value;
}

Status not_supported(std::string_view key, std::string_view why) {
  return Status::not_implemented("table property '{}' is not supported: {}", key, why);
}

// ---- protocol

// Legacy protocol versions and the features they imply (PROTOCOL.md, "Table Features").
std::vector<std::string> implied_writer_features(int32_t writer) {
  std::vector<std::string> out;
  if (writer >= 2) out.insert(out.end(), {"appendOnly", "invariants"});
  if (writer >= 3) out.push_back("checkConstraints");
  if (writer >= 4) out.insert(out.end(), {"changeDataFeed", "generatedColumns"});
  if (writer >= 5) out.push_back("columnMapping");
  if (writer >= 6) out.push_back("identityColumns");
  return out;
}

void add_unique(std::vector<std::string>& list, const std::string& name) {
  if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
}

bool has_ntz(const DataType& t) {
  if (t.id() == TypeId::kTimestamp && t.timezone().empty()) return true;
  for (const auto& f : t.fields()) {
    if (has_ntz(*f->type())) return true;
  }
  return false;
}

// Features that only exist with explicit feature lists (no legacy version implies them).
bool needs_table_features(const std::string& feature) {
  return feature != "appendOnly" && feature != "invariants" && feature != "columnMapping";
}

// Field metadata keys that make writers compute or check values.
Status check_field_writable(const Field& f, const std::string& path) {
  for (const auto& [key, value] : f.metadata()) {
    if (key == "delta.invariants") {
      return Status::not_implemented(
          "column '{}' has a Delta invariant (delta.invariants, feature invariants), which braid does not enforce", path);
    }
    if (key == "delta.generationExpression") {
      return Status::not_implemented(
          "column '{}' is a generated column (feature generatedColumns), which braid does not compute", path);
    }
    if (key.starts_with("delta.identity.")) {
      return Status::not_implemented(
          "column '{}' is an identity column (feature identityColumns), which braid does not generate", path);
    }
    if (key == "CURRENT_DEFAULT") {
      return Status::not_implemented(
          "column '{}' has a default value (feature allowColumnDefaults), which braid does not fill in", path);
    }
  }
  for (const auto& child : f.type()->fields()) {
    BRAID_RETURN_IF_ERROR(check_field_writable(*child, path + "." + child->name()));
  }
  return Status::OK();
}

}  // namespace

Result<int64_t> parse_interval_micros(std::string_view text) {
  std::string s = lower(text);
  std::vector<std::string> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    size_t start = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i > start) words.push_back(s.substr(start, i - start));
  }
  size_t w = 0;
  if (w < words.size() && words[w] == "interval") ++w;
  if (w == words.size() || (words.size() - w) % 2 != 0) {
    return Status::invalid_argument("needs to be a calendar interval such as 'interval 7 days'");
  }
  double total = 0;
  for (; w < words.size(); w += 2) {
    const std::string& number = words[w];
    std::string unit = words[w + 1];
    if (unit.size() > 1 && unit.back() == 's') unit.pop_back();
    double micros_per = 0;
    if (unit == "week") micros_per = 7 * 86400e6;
    else if (unit == "day") micros_per = 86400e6;
    else if (unit == "hour") micros_per = 3600e6;
    else if (unit == "minute") micros_per = 60e6;
    else if (unit == "second") micros_per = 1e6;
    else if (unit == "millisecond") micros_per = 1e3;
    else if (unit == "microsecond") micros_per = 1;
    else if (unit == "month" || unit == "year") {
      return Status::invalid_argument("months and years are not accepted (they have no fixed length); give days, e.g. '365 days'");
    } else {
      return Status::invalid_argument("'{}' is not an interval unit (week, day, hour, minute, second)", words[w + 1]);
    }
    double n = 0;
    const bool fraction_ok = unit == "second";
    const char* end = number.data() + number.size();
    auto [ptr, ec] = std::from_chars(number.data(), end, n);
    if (ec != std::errc() || ptr != end || (!fraction_ok && number.find('.') != std::string::npos)) {
      return Status::invalid_argument("'{}' is not a number of {}s", number, unit);
    }
    total += n * micros_per;
  }
  if (total < 0) return Status::invalid_argument("needs to be a duration of zero or more");
  if (total > 9.2e18) return Status::invalid_argument("the duration is too long");
  return static_cast<int64_t>(std::llround(total));
}

Result<StringMap> normalize_table_properties(const StringMap& properties) {
  StringMap out;
  for (const auto& [key, value] : properties) {
    const std::string l = lower(key);
    if (!l.starts_with("delta.")) {
      out.emplace_back(key, value);  // the user's own property
      continue;
    }
    const std::string_view name = std::string_view(key).substr(6);
    if (l.starts_with("delta.constraints.")) {
      return Status::not_implemented(
          "table property '{}': CHECK constraints are not supported (braid does not enforce them)", key);
    }
    if (l.starts_with("delta.feature.") || l == "delta.minreaderversion" || l == "delta.minwriterversion") {
      // Protocol requests, checked by required_protocol.
      const std::string canonical = l.starts_with("delta.feature.") ? "delta.feature." + std::string(name.substr(8))
                                    : l == "delta.minreaderversion" ? "delta.minReaderVersion"
                                                                    : "delta.minWriterVersion";
      out.emplace_back(canonical, value);
      continue;
    }
    if (l.starts_with("delta.universalformat.config.")) return not_supported(key, kNoIceberg);
    const Spec* spec = find_spec(name);
    if (!spec) return Status::invalid_argument("[DELTA_UNKNOWN_CONFIGURATION] Unknown configuration was specified: {}", key);
    const std::string canonical = "delta." + std::string(spec->key);
    switch (spec->rule) {
      case Rule::kHonoured: {
        BRAID_ASSIGN_OR_RETURN(std::string v, check_value(*spec, canonical, value));
        out.emplace_back(canonical, std::move(v));
        break;
      }
      case Rule::kDefaultOnly:
        if (!iequals(value, spec->value)) {
          return Status::not_implemented("table property '{}' = '{}' is not supported: {} (only '{}' is)", canonical,
                                         value, spec->why, spec->value);
        }
        out.emplace_back(canonical, value);
        break;
      case Rule::kRefused:
        return not_supported(canonical, spec->why);
      case Rule::kManaged:
        return Status::invalid_argument("table property '{}' is maintained by the table's writers and cannot be set",
                                        canonical);
    }
  }
  // One value per key: a later duplicate would otherwise be ignored by every reader.
  for (size_t i = 0; i < out.size(); ++i) {
    for (size_t j = i + 1; j < out.size(); ++j) {
      if (iequals(out[i].first, out[j].first)) {
        return Status::invalid_argument("table property '{}' is given twice", out[i].first);
      }
    }
  }
  return out;
}

Result<Protocol> required_protocol(const std::optional<Protocol>& current, const Schema& schema,
                                   StringMap& properties) {
  // What the properties ask for.
  std::optional<int64_t> want_reader, want_writer;
  std::vector<std::string> requested;
  StringMap kept;
  for (auto& [key, value] : properties) {
    if (key == "delta.minReaderVersion" || key == "delta.minWriterVersion") {
      auto n = parse_int(value);
      const bool reader = key == "delta.minReaderVersion";
      if (!n || *n < 1 || *n > (reader ? 3 : 7)) {
        return Status::not_implemented("table property '{}' = '{}': braid supports {} versions 1 to {}", key, value,
                                       reader ? "reader" : "writer", reader ? 3 : 7);
      }
      if (!reader && (*n == 3 || *n == 4 || *n == 6)) {
        return Status::not_implemented(
            "table property '{}' = '{}': writer version {} means {}, which braid does not write", key, value, *n,
            *n == 3 ? "CHECK constraints" : *n == 4 ? "change data feed and generated columns" : "identity columns");
      }
      (reader ? want_reader : want_writer) = *n;
      continue;
    }
    if (key.starts_with("delta.feature.")) {
      // Feature names match case-insensitively, as in Delta.
      std::string feature = key.substr(14);
      for (std::string_view known : kFeatureNames) {
        if (iequals(known, feature)) feature = std::string(known);
      }
      if (!iequals(value, "supported") && !iequals(value, "enabled")) {
        return Status::invalid_argument("table property '{}' = '{}': a feature can only be 'supported'", key, value);
      }
      if (!writer_feature_supported(feature)) {
        return Status::not_implemented("table property '{}': braid does not support the table feature '{}'", key, feature);
      }
      add_unique(requested, feature);
      continue;
    }
    kept.emplace_back(std::move(key), std::move(value));
  }
  properties = std::move(kept);

  // Features the schema and properties use.
  std::vector<std::string> needed;
  for (const auto& f : schema.fields()) {
    if (has_ntz(*f->type())) add_unique(needed, "timestampNtz");
  }
  const std::string* dv = find_value(properties, "delta.enableDeletionVectors");
  if (dv && iequals(*dv, "true")) add_unique(needed, "deletionVectors");
  const std::string* cm = find_value(properties, "delta.columnMapping.mode");
  if (cm && *cm != "none") add_unique(needed, "columnMapping");
  const std::string* append_only = find_value(properties, "delta.appendOnly");
  if (append_only && iequals(*append_only, "true")) add_unique(needed, "appendOnly");
  for (const auto& f : requested) add_unique(needed, f);

  const Protocol base = current.value_or(Protocol{});
  if (current && ((want_reader && *want_reader < base.min_reader_version) ||
                  (want_writer && *want_writer < base.min_writer_version))) {
    return Status::invalid_argument("[DELTA_INVALID_PROTOCOL_DOWNGRADE] Protocol version cannot be downgraded from ({},{}) to ({},{})",
                                    base.min_reader_version, base.min_writer_version,
                                    want_reader.value_or(base.min_reader_version),
                                    want_writer.value_or(base.min_writer_version));
  }
  int32_t reader = static_cast<int32_t>(std::max<int64_t>(base.min_reader_version, want_reader.value_or(1)));
  int32_t writer = static_cast<int32_t>(std::max<int64_t>(base.min_writer_version, want_writer.value_or(1)));
  bool table_features = writer == 7 || reader == 3 || !requested.empty();
  for (const auto& f : needed) table_features = table_features || needs_table_features(f);

  Protocol p;
  if (!table_features) {
    // Legacy versions: appendOnly needs writer 2, column mapping reader 2 / writer 5.
    for (const auto& f : needed) {
      if (f == "appendOnly") writer = std::max(writer, 2);
      if (f == "columnMapping") {
        reader = std::max(reader, 2);
        writer = std::max(writer, 5);
      }
    }
    if (reader >= 2) writer = std::max(writer, 5);
    p.min_reader_version = reader;
    p.min_writer_version = writer;
    return p;
  }
  // Table features: the legacy versions' implied features are listed explicitly.
  std::vector<std::string> readers = base.reader_features.value_or(std::vector<std::string>{});
  std::vector<std::string> writers = base.writer_features.value_or(std::vector<std::string>{});
  if (base.min_writer_version < 7) {
    for (const auto& f : implied_writer_features(base.min_writer_version)) add_unique(writers, f);
  }
  if (base.min_reader_version == 2) add_unique(readers, "columnMapping");
  for (const auto& f : needed) {
    add_unique(writers, f);
    if (reader_feature_supported(f)) add_unique(readers, f);
  }
  p.min_writer_version = 7;
  p.writer_features = writers;
  if (!readers.empty() || reader == 3) {
    p.min_reader_version = 3;
    p.reader_features = readers;
  } else {
    p.min_reader_version = reader;
  }
  return p;
}

bool is_append_only(const Metadata& metadata) {
  const std::string* v = find_value(metadata.configuration, "delta.appendOnly");
  return v && iequals(*v, "true");
}

Status append_only_error(std::string_view table) {
  return Status::invalid_argument(
      "[DELTA_CANNOT_MODIFY_APPEND_ONLY] This table is configured to only allow appends. If you would like to permit "
      "updates or deletes, use 'ALTER TABLE {} SET TBLPROPERTIES (delta.appendOnly=false)'.",
      table);
}

Status check_metadata_writable(const Metadata& metadata, const Schema& schema) {
  for (const auto& [key, value] : metadata.configuration) {
    const std::string l = lower(key);
    const bool is_true = iequals(value, "true");
    auto on = [is_true]() { return is_true; };
    if ((l == "delta.enablechangedatafeed" || l == "delta.enablechangedatacapture") && on()) {
      return Status::not_implemented("the table has the change data feed enabled ({} = {}, feature changeDataFeed); {}",
                                     key, value, kNoCdf);
    }
    if (l == "delta.enablerowtracking" && on()) {
      return Status::not_implemented(
          "the table has row tracking enabled ({} = {}, feature rowTracking); braid does not assign row ids", key, value);
    }
    if (l == "delta.enableincommittimestamps" && on()) {
      return Status::not_implemented(
          "the table has in-commit timestamps enabled ({} = {}, feature inCommitTimestamp); braid does not write them",
          key, value);
    }
    if (l.starts_with("delta.constraints.")) {
      return Status::not_implemented(
          "the table has the CHECK constraint '{}' ({}, feature checkConstraints), which braid does not enforce",
          key.substr(18), value);
    }
    if ((l.starts_with("delta.enableicebergcompat") && on()) ||
        (l == "delta.universalformat.enabledformats" && !value.empty())) {
      return Status::not_implemented("the table has UniForm enabled ({} = {}); {}", key, value, kNoIceberg);
    }
    if (l.starts_with("delta.coordinatedcommits.")) {
      return Status::not_implemented("the table uses coordinated commits ({}); {}", key, kNoCoordinator);
    }
    if (l.starts_with("delta.redirect")) {
      return Status::not_implemented("the table is redirected ({}); {}", key, kNoRedirect);
    }
    if (l == "delta.writepartitioncolumnstoparquet" && on()) {
      return Status::not_implemented("the table keeps partition columns in its data files ({} = {}); braid does not",
                                     key, value);
    }
  }
  for (const auto& f : schema.fields()) BRAID_RETURN_IF_ERROR(check_field_writable(*f, f->name()));
  return Status::OK();
}

StatsConfig StatsConfig::of(const StringMap& configuration) {
  StatsConfig c;
  for (const auto& [key, value] : configuration) {
    const std::string l = lower(key);
    if (l == "delta.dataskippingnumindexedcols") {
      if (auto n = parse_int(value); n && *n >= -1 && *n <= INT32_MAX) c.num_indexed_columns = static_cast<int>(*n);
    } else if (l == "delta.dataskippingstatscolumns") {
      c.columns = parse_column_list(value);
    } else if (l == "delta.dataskippingstringprefixlength") {
      if (auto n = parse_int(value); n && *n >= 0 && *n <= INT32_MAX) c.string_prefix_length = static_cast<int>(*n);
    }
  }
  return c;
}

}  // namespace braid::delta
