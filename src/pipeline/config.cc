#include "pipeline/config.h"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <stdexcept>

// toml++ 3.3 (Debian 12) states assumptions about its input with TOML_ASSERT_ASSUME; malformed
// files can break them, and under NDEBUG they are compiler assumptions: undefined behaviour.
// Here they are checked and throw, and parse_pipeline turns the exception into a parse error.
namespace braid::pipeline::detail {
struct TomlAssumptionFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};
[[noreturn]] inline void toml_assumption_failed(const char* expression) { throw TomlAssumptionFailed(expression); }
}  // namespace braid::pipeline::detail
#define TOML_ASSERT(expr) \
  ((expr) ? static_cast<void>(0) : ::braid::pipeline::detail::toml_assumption_failed(#expr))
#pragma push_macro("NDEBUG")
#undef NDEBUG
#include <toml++/toml.h>
#pragma pop_macro("NDEBUG")

#include "common/ascii.h"
#include "common/nearest_name.h"
#include "formats/csv/csv_reader.h"
#include "formats/file_format.h"
#include "sql/ast.h"
#include "sql/binder.h"
#include "sql/lexer.h"
#include "sql/parser.h"
#include "sql/string_literal.h"

namespace braid::pipeline {

namespace {

using ascii::lower;

bool is_identifier(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// Collects problems while reading the file.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  void problem(int line, std::string message) { problems_.push_back({line, std::move(message)}); }
  void problem(const toml::node& node, std::string message) { problem(line_of(node), std::move(message)); }
  static int line_of(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

  bool ok() const { return problems_.empty(); }
  Status status() const {
    auto sorted = problems_;
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string message = fmt::format("{}: {} problem{}", file_, sorted.size(), sorted.size() == 1 ? "" : "s");
    for (const auto& [line, text] : sorted) message += fmt::format("\n{}:{}: {}", file_, line, text);
    return Status::invalid_argument("{}", message);
  }

  // Reports keys of `table` not in `known`.
  void check_keys(const toml::table& table, std::string_view where, std::initializer_list<std::string_view> known) {
    for (auto&& [key, node] : table) {
      if (std::find(known.begin(), known.end(), key.str()) != known.end()) continue;
      std::string list;
      for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      problem(node, fmt::format("unknown key '{}' in {} (known keys: {})", key.str(), where, list));
    }
  }

  std::optional<std::string> get_string(const toml::table& table, std::string_view key, std::string_view where,
                                        bool required, int table_line) {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      if (required) problem(table_line, fmt::format("{}: '{}' is required", where, key));
      return std::nullopt;
    }
    if (!node->is_string()) {
      problem(*node, fmt::format("{}.{}: expected a string, got {}", where, key, type_name(*node)));
      return std::nullopt;
    }
    return std::string(*node->value<std::string_view>());
  }

  std::optional<int64_t> get_int(const toml::table& table, std::string_view key, std::string_view where, int64_t min,
                                 int64_t max) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return std::nullopt;
    if (!node->is_integer()) {
      problem(*node, fmt::format("{}.{}: expected an integer, got {}", where, key, type_name(*node)));
      return std::nullopt;
    }
    int64_t v = *node->value<int64_t>();
    if (v < min || v > max) {
      problem(*node, fmt::format("{}.{}: {} is out of range [{}, {}]", where, key, v, min, max));
      return std::nullopt;
    }
    return v;
  }

  std::optional<bool> get_bool(const toml::table& table, std::string_view key, std::string_view where) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return std::nullopt;
    if (!node->is_boolean()) {
      problem(*node, fmt::format("{}.{}: expected true or false, got {}", where, key, type_name(*node)));
      return std::nullopt;
    }
    return *node->value<bool>();
  }

  // A TOML value as a SQL literal (strings quoted), for parameters.
  std::optional<std::string> literal(const toml::node& node, std::string_view where) {
    if (auto s = node.value_exact<std::string>()) return sql::string_literal(*s);
    if (auto i = node.value_exact<int64_t>()) return std::to_string(*i);
    if (auto d = node.value_exact<double>()) {
      // The shortest text that reads back as the same double; inf and nan have no literal.
      if (std::isnan(*d)) return std::string("CAST('NaN' AS DOUBLE)");
      if (std::isinf(*d)) return std::string(*d > 0 ? "CAST('Infinity' AS DOUBLE)" : "CAST('-Infinity' AS DOUBLE)");
      return fmt::format("{}D", *d);
    }
    if (auto b = node.value_exact<bool>()) return *b ? "true" : "false";
    if (auto date = node.as_date()) {
      const auto& v = date->get();
      return fmt::format("DATE '{:04}-{:02}-{:02}'", v.year, v.month, v.day);
    }
    problem(node, fmt::format("{}: a parameter must be a string, number, boolean or date, not {}", where, type_name(node)));
    return std::nullopt;
  }

  static std::string type_name(const toml::node& node) {
    switch (node.type()) {
      case toml::node_type::table: return "a table";
      case toml::node_type::array: return "an array";
      case toml::node_type::string: return "a string";
      case toml::node_type::integer: return "an integer";
      case toml::node_type::floating_point: return "a float";
      case toml::node_type::boolean: return "a boolean";
      default: return "a date/time";
    }
  }

 private:
  std::string file_;
  std::vector<std::pair<int, std::string>> problems_;
};

// A SQL error as a problem of the key holding the SQL (the message has the position in the SQL).
std::string sql_problem(std::string_view where, const Status& s) { return fmt::format("{}: {}", where, s.message()); }

void read_pipeline_table(Reader& r, const toml::table& root, PipelineConfig& config) {
  const toml::node* node = root.get("pipeline");
  if (node == nullptr || !node->is_table()) {
    r.problem(node ? Reader::line_of(*node) : 1, "a [pipeline] table with at least `name` is required");
    return;
  }
  const auto& t = *node->as_table();
  const int line = Reader::line_of(t);
  r.check_keys(t, "[pipeline]", {"name", "warehouse", "parallelism", "fail_fast", "description"});
  if (auto name = r.get_string(t, "name", "pipeline", true, line)) {
    if (name->empty() || name->find('/') != std::string::npos) {
      r.problem(*t.get("name"), "pipeline.name: must be a non-empty name without '/'");
    }
    config.name = *name;
  }
  if (auto w = r.get_string(t, "warehouse", "pipeline", false, line)) config.warehouse = *w;
  if (auto p = r.get_int(t, "parallelism", "pipeline", 1, 4096)) config.parallelism = static_cast<int>(*p);
  if (auto f = r.get_bool(t, "fail_fast", "pipeline")) config.fail_fast = *f;
  r.get_string(t, "description", "pipeline", false, line);
}

void read_params(Reader& r, const toml::table& root, PipelineConfig& config) {
  const toml::node* node = root.get("params");
  if (node == nullptr) return;
  if (!node->is_table()) return r.problem(*node, "[params] must be a table of name = value");
  for (auto&& [key, value] : *node->as_table()) {
    if (!is_identifier(key.str())) r.problem(value, fmt::format("params.{}: not a parameter name", key.str()));
    if (auto lit = r.literal(value, fmt::format("params.{}", key.str()))) config.params[std::string(key.str())] = *lit;
  }
}

// A path without an extension is a Delta table's folder.
std::string infer_format(const std::string& path) {
  if (std::filesystem::path(path).extension().empty()) return "delta";
  return std::string(format_name(format_from_extension(path)));
}

// A CSV source's schema, mode and corrupt_record_column, checked as read_csv will take them.
void read_csv_options(Reader& r, const toml::table& t, const std::string& where, Source& s) {
  const bool csv = s.format == "csv";
  for (const char* key : {"schema", "mode", "corrupt_record_column"}) {
    if (t.get(key) != nullptr && !csv && !s.format.empty()) {
      r.problem(*t.get(key), fmt::format("{}.{}: applies to CSV sources, and this one is {}", where, key, s.format));
    }
  }
  if (auto schema = r.get_string(t, "schema", where, false, s.line)) {
    auto parsed = sql::schema_from_ddl(*schema);
    if (!parsed.ok()) {
      r.problem(*t.get("schema"), fmt::format("{}.schema: {}", where, parsed.status().message()));
    } else if (csv) {
      s.schema = *schema;
    }
  }
  if (auto mode = r.get_string(t, "mode", where, false, s.line)) {
    auto parsed = csv::parse_malformed_mode(*mode);
    if (!parsed.ok()) {
      r.problem(*t.get("mode"), fmt::format("{}.mode: {}", where, parsed.status().message()));
    } else if (csv) {
      s.mode = std::string(csv::malformed_mode_name(*parsed));
    }
  }
  if (auto column = r.get_string(t, "corrupt_record_column", where, false, s.line)) {
    if (s.mode != "PERMISSIVE" || column->empty()) {
      r.problem(*t.get("corrupt_record_column"),
                fmt::format("{}.corrupt_record_column: needs mode = \"PERMISSIVE\" and a name", where));
    } else {
      s.corrupt_record_column = *column;
    }
  }
}

void read_sources(Reader& r, const toml::table& root, PipelineConfig& config) {
  const toml::node* node = root.get("sources");
  if (node == nullptr) return;
  if (!node->is_table()) return r.problem(*node, "[sources] must hold tables: [sources.NAME]");
  for (auto&& [key, value] : *node->as_table()) {
    const std::string where = fmt::format("sources.{}", key.str());
    if (!value.is_table()) {
      r.problem(value, fmt::format("{}: expected a table with `path`", where));
      continue;
    }
    const auto& t = *value.as_table();
    Source s;
    s.name = std::string(key.str());
    s.line = Reader::line_of(t);
    if (!is_identifier(s.name)) r.problem(t, fmt::format("{}: '{}' is not a SQL identifier", where, s.name));
    r.check_keys(t, fmt::format("[{}]", where), {"path", "format", "cache", "schema", "mode", "corrupt_record_column"});
    if (auto c = r.get_bool(t, "cache", where)) s.cache = *c;
    if (auto p = r.get_string(t, "path", where, true, s.line)) s.path = *p;
    if (auto f = r.get_string(t, "format", where, false, s.line)) {
      s.format = lower(*f);
      if (s.format != "parquet" && s.format != "csv" && s.format != "delta") {
        r.problem(*t.get("format"), fmt::format("{}.format: '{}' is not one of parquet, csv, delta", where, *f));
      }
    } else if (!s.path.empty()) {
      s.format = infer_format(s.path);
      if (s.format == "tsv") {
        // Sources are read with CSV's ',' and have no delimiter to set: reading tabs as one
        // column would be a wrong answer, not an error.
        r.problem(*t.get("path"), fmt::format("{}: '{}' is tab-separated, and pipeline sources read CSV separated by ','"
                                              " (convert it: braid convert {} out.parquet)", where, s.path, s.path));
      } else if (s.format.empty()) {
        r.problem(*t.get("path"), fmt::format("{}: cannot tell the format of '{}' from its extension: set format", where, s.path));
      }
    }
    read_csv_options(r, t, where, s);
    config.sources.push_back(std::move(s));
  }
}

// Parses `text` as one statement; reports a problem and returns null when it is not one.
sql::StatementPtr parse_sql(Reader& r, const toml::node& node, std::string_view where, std::string_view text) {
  auto parsed = sql::parse_statement(text);
  if (!parsed.ok()) {
    r.problem(node, sql_problem(where, parsed.status()));
    return nullptr;
  }
  return std::move(*parsed);
}

std::string table_name_text(const sql::TableName& name) {
  if (name.is_path()) return fmt::format("{}.`{}`", name.path_format, name.path);
  std::string out;
  for (const auto& p : name.parts) out += (out.empty() ? "" : ".") + p;
  return out;
}

void read_expectations(Reader& r, const toml::node& node, const std::string& where, Flow& flow) {
  const auto* array = node.as_array();
  if (array == nullptr) return r.problem(node, fmt::format("{}.expect: expected [[{}.expect]] tables", where, where));
  std::set<std::string> names;
  for (const auto& item : *array) {
    const auto* t = item.as_table();
    if (t == nullptr) {
      r.problem(item, fmt::format("{}.expect: each rule is a table with name, check, action", where));
      continue;
    }
    Expectation e;
    e.line = Reader::line_of(*t);
    const std::string rule_where = fmt::format("{}.expect", where);
    r.check_keys(*t, rule_where, {"name", "check", "action"});
    if (auto n = r.get_string(*t, "name", rule_where, true, e.line)) {
      e.name = *n;
      if (!names.insert(lower(e.name)).second) r.problem(e.line, fmt::format("{}: two rules are named '{}'", rule_where, e.name));
    }
    if (auto c = r.get_string(*t, "check", rule_where, true, e.line)) {
      e.check = *c;
      auto parsed = sql::parse_expression(e.check);
      if (!parsed.ok()) r.problem(*t->get("check"), sql_problem(rule_where + ".check", parsed.status()));
    }
    if (auto a = r.get_string(*t, "action", rule_where, false, e.line)) {
      const std::string action = lower(*a);
      if (action == "fail") e.action = ExpectAction::kFail;
      else if (action == "drop") e.action = ExpectAction::kDrop;
      else if (action == "warn") e.action = ExpectAction::kWarn;
      else if (action == "quarantine") e.action = ExpectAction::kQuarantine;
      else r.problem(*t->get("action"), fmt::format("{}.action: '{}' is not one of fail, drop, warn, quarantine", rule_where, *a));
    }
    flow.expectations.push_back(std::move(e));
  }
}

void read_for_each(Reader& r, const toml::node& node, const std::string& where, Flow& flow) {
  if (auto s = node.value_exact<std::string>()) {
    flow.for_each_sql = *s;
    if (auto st = parse_sql(r, node, where + ".for_each", *s); st && !st->as<sql::QueryStatement>()) {
      r.problem(node, fmt::format("{}.for_each: expected a query (SELECT ...)", where));
    }
    return;
  }
  const auto* array = node.as_array();
  if (array == nullptr) {
    return r.problem(node, fmt::format("{}.for_each: expected a query or an array of tables, got {}", where, Reader::type_name(node)));
  }
  std::optional<std::set<std::string>> keys;
  for (const auto& item : *array) {
    const auto* t = item.as_table();
    if (t == nullptr) {
      r.problem(item, fmt::format("{}.for_each: each row is a table such as {{ region = \"us-east\" }}", where));
      continue;
    }
    ParamRow row;
    std::set<std::string> these;
    for (auto&& [key, value] : *t) {
      if (!is_identifier(key.str())) r.problem(value, fmt::format("{}.for_each: '{}' is not a parameter name", where, key.str()));
      these.insert(lower(std::string(key.str())));
      if (auto lit = r.literal(value, where + ".for_each." + std::string(key.str()))) row[std::string(key.str())] = *lit;
    }
    if (keys && *keys != these) r.problem(item, fmt::format("{}.for_each: every row must name the same parameters", where));
    keys = these;
    flow.for_each_rows.push_back(std::move(row));
  }
  if (array->empty()) r.problem(node, fmt::format("{}.for_each: the array is empty: the flow would run no task", where));
}

void read_flow(Reader& r, const std::string& name, const toml::table& t, PipelineConfig& config) {
  Flow flow;
  flow.name = name;
  flow.line = Reader::line_of(t);
  const std::string where = "flows." + name;
  if (!is_identifier(name)) r.problem(flow.line, fmt::format("{}: '{}' is not a valid flow name (letters, digits, _)", where, name));
  r.check_keys(t, "[" + where + "]",
               {"for_each", "prepare", "stage", "view", "merge", "guard", "depends_on", "on_conflict", "max_retries",
                "timeout", "expect", "description"});
  r.get_string(t, "description", where, false, flow.line);
  if (const auto* n = t.get("for_each")) read_for_each(r, *n, where, flow);
  if (const auto* n = t.get("prepare")) {
    std::vector<const toml::node*> items;
    if (n->is_string()) {
      items.push_back(n);
    } else if (const auto* a = n->as_array()) {
      for (const auto& i : *a) items.push_back(&i);
    }
    if (items.empty()) r.problem(*n, fmt::format("{}.prepare: expected a statement or an array of statements", where));
    for (const auto* i : items) {
      if (auto s = i->value_exact<std::string>()) {
        flow.prepare.push_back(*s);
        parse_sql(r, *i, where + ".prepare", *s);
      } else {
        r.problem(*i, fmt::format("{}.prepare: expected a string, got {}", where, Reader::type_name(*i)));
      }
    }
  }
  if (auto s = r.get_string(t, "stage", where, true, flow.line)) {
    flow.stage = *s;
    if (auto st = parse_sql(r, *t.get("stage"), where + ".stage", *s); st && !st->as<sql::QueryStatement>()) {
      r.problem(*t.get("stage"), fmt::format("{}.stage: expected a query (SELECT ...)", where));
    }
  }
  if (auto v = r.get_string(t, "view", where, false, flow.line)) {
    flow.view = *v;
    if (!is_identifier(*v)) r.problem(*t.get("view"), fmt::format("{}.view: '{}' is not a SQL identifier", where, *v));
    for (const auto& s : config.sources) {
      if (lower(s.name) == lower(*v)) {
        r.problem(*t.get("view"), fmt::format("{}.view: '{}' is the name of a source; a task's view needs its own name", where, *v));
      }
    }
  }
  if (auto m = r.get_string(t, "merge", where, true, flow.line)) {
    flow.merge = *m;
    if (auto st = parse_sql(r, *t.get("merge"), where + ".merge", *m)) {
      if (const auto* merge = st->as<sql::Merge>()) flow.target = table_name_text(merge->target);
      else if (const auto* ins = st->as<sql::Insert>()) flow.target = table_name_text(ins->table);
      else if (const auto* up = st->as<sql::Update>()) flow.target = table_name_text(up->table);
      else if (const auto* del = st->as<sql::Delete>()) flow.target = table_name_text(del->table);
      else r.problem(*t.get("merge"), fmt::format("{}.merge: expected MERGE, INSERT, UPDATE or DELETE", where));
    }
  }
  if (auto g = r.get_string(t, "guard", where, false, flow.line)) {
    flow.guard = *g;
    auto parsed = sql::parse_expression(*g);
    if (!parsed.ok()) r.problem(*t.get("guard"), sql_problem(where + ".guard", parsed.status()));
  }
  if (const auto* n = t.get("depends_on")) {
    if (auto s = n->value_exact<std::string>()) {
      flow.depends_on.push_back(*s);
    } else if (const auto* a = n->as_array()) {
      for (const auto& i : *a) {
        if (auto dep = i.value_exact<std::string>()) flow.depends_on.push_back(*dep);
        else r.problem(i, fmt::format("{}.depends_on: expected flow names (strings)", where));
      }
    } else {
      r.problem(*n, fmt::format("{}.depends_on: expected an array of flow names", where));
    }
  }
  if (auto c = r.get_string(t, "on_conflict", where, false, flow.line)) {
    if (lower(*c) == "retry") flow.retry_on_conflict = true;
    else if (lower(*c) == "fail") flow.retry_on_conflict = false;
    else r.problem(*t.get("on_conflict"), fmt::format("{}.on_conflict: '{}' is not one of retry, fail", where, *c));
  }
  if (auto m = r.get_int(t, "max_retries", where, 0, 1000)) flow.max_retries = static_cast<int>(*m);
  if (const auto* n = t.get("timeout")) {
    if (auto s = n->value_exact<std::string>()) {
      auto ms = parse_duration_ms(*s);
      if (ms.ok()) flow.timeout_ms = *ms;
      else r.problem(*n, fmt::format("{}.timeout: {}", where, ms.status().message()));
    } else if (auto i = n->value_exact<int64_t>(); i && *i > 0) {
      flow.timeout_ms = *i * 1000;
    } else {
      r.problem(*n, fmt::format("{}.timeout: expected a duration such as \"10m\" or a number of seconds", where));
    }
  }
  if (const auto* n = t.get("expect")) read_expectations(r, *n, where, flow);
  config.flows.push_back(std::move(flow));
}

void read_flows(Reader& r, const toml::table& root, PipelineConfig& config) {
  const toml::node* node = root.get("flows");
  if (node == nullptr || !node->is_table() || node->as_table()->empty()) {
    r.problem(node ? Reader::line_of(*node) : 1, "at least one flow is required: [flows.NAME] with stage and merge");
    return;
  }
  for (auto&& [key, value] : *node->as_table()) {
    if (!value.is_table()) {
      r.problem(value, fmt::format("flows.{}: expected a table", key.str()));
      continue;
    }
    read_flow(r, std::string(key.str()), *value.as_table(), config);
  }
}

// Checks depends_on names and cycles; orders flows so each follows the flows it depends on
// (file order otherwise).
void order_flows(Reader& r, PipelineConfig& config) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < config.flows.size(); ++i) index[config.flows[i].name] = i;
  bool names_ok = true;
  for (const auto& f : config.flows) {
    for (const auto& d : f.depends_on) {
      if (!index.count(d)) {
        r.problem(f.line, fmt::format("flows.{}.depends_on: no flow is named '{}'", f.name, d));
        names_ok = false;
      } else if (d == f.name) {
        r.problem(f.line, fmt::format("flows.{}.depends_on: a flow cannot depend on itself", f.name));
        names_ok = false;
      }
    }
  }
  if (!names_ok) return;
  // Depth-first search; a back edge is a cycle, reported with its path.
  std::vector<int> state(config.flows.size(), 0);  // 0 new, 1 on the stack, 2 done
  std::vector<size_t> order, stack;
  bool cyclic = false;
  std::function<void(size_t)> visit = [&](size_t i) {
    state[i] = 1;
    stack.push_back(i);
    for (const auto& d : config.flows[i].depends_on) {
      size_t j = index[d];
      if (state[j] == 1) {
        std::string path;
        auto at = std::find(stack.begin(), stack.end(), j);
        for (auto it = at; it != stack.end(); ++it) path += config.flows[*it].name + " -> ";
        path += config.flows[j].name;
        r.problem(config.flows[j].line, fmt::format("flows depend on each other in a cycle: {}", path));
        cyclic = true;
      } else if (state[j] == 0) {
        visit(j);
      }
    }
    stack.pop_back();
    state[i] = 2;
    order.push_back(i);
  };
  for (size_t i = 0; i < config.flows.size(); ++i) {
    if (state[i] == 0) visit(i);
  }
  if (cyclic) return;
  std::vector<Flow> ordered;
  for (size_t i : order) ordered.push_back(std::move(config.flows[i]));
  config.flows = std::move(ordered);
}

// toml++ 3.3 (Debian 12) reaches __builtin_unreachable() (undefined behaviour) when it checks
// whether some non-ASCII characters are whitespace: outside strings, after a backslash in a basic
// string, and after a line-ending backslash in a multi-line one. TOML allows non-ASCII text only
// in strings and comments, so those inputs are errors anyway: this scan finds them first and
// reports them, and toml++ never sees them.
Status check_toml_text(std::string_view text, const std::string& file) {
  enum class State { kNone, kComment, kBasic, kLiteral, kMultiBasic, kMultiLiteral };
  State state = State::kNone;
  int line = 1;
  auto at = [&](size_t i) { return i < text.size() ? static_cast<unsigned char>(text[i]) : 0; };
  auto starts = [&](size_t i, std::string_view what) { return text.substr(i, what.size()) == what; };
  auto error = [&](std::string_view what) { return Status::parse_error("{}:{}: {}", file, line, what); };
  size_t i = starts(0, "\xEF\xBB\xBF") ? 3 : 0;  // a UTF-8 byte order mark
  bool line_start = true;  // only whitespace so far on this line (outside strings)
  int depth = 0;           // open [ and { of values (a `[` at depth 0 starting a line is a header)
  // The last character outside strings that was not a space: a quote starts a string only after
  // one of `= [ { , .` or at the start of a line, as toml++ reads it (elsewhere, inside a bare
  // value such as `11"x`, toml++ reads on and would meet what follows outside a string).
  unsigned char last = '\n';
  while (i < text.size()) {
    const unsigned char c = at(i);
    // TOML forbids control characters other than tab and line breaks, even in strings.
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
      return error(fmt::format("a control character (0x{:02x}) is not allowed in TOML", c));
    }
    if (state == State::kNone && line_start && c == '[' && depth == 0) {
      // A table header: toml++ 3.3 assumes (undefined behaviour otherwise) that a key starts
      // right after `[` or `[[` and spaces.
      size_t j = i + 1;
      if (at(j) == '[') ++j;
      while (at(j) == ' ' || at(j) == '\t') ++j;
      const unsigned char k = at(j);
      const bool key_start = std::isalnum(k) || k == '_' || k == '-' || k == '"' || k == '\'';
      if (!key_start) return error("a table header must start with a key: [name]");
    }
    if (state == State::kNone) {
      if (c == '[' || c == '{') ++depth;
      if ((c == ']' || c == '}') && depth > 0) --depth;
    }
    if (c != ' ' && c != '\t' && c != '\r') line_start = false;
    if (c == '\n') line_start = true;
    if (c == '\n') {
      ++line;
      if (state == State::kComment || state == State::kBasic || state == State::kLiteral) state = State::kNone;
      if (state == State::kNone) last = '\n';
      ++i;
      continue;
    }
    if (state == State::kNone && (c == '"' || c == '\'')) {
      const bool value_start = last == '\n' || last == '=' || last == '[' || last == '{' || last == ',' || last == '.';
      if (!value_start) return error("a quote inside a value; strings start after `=`, `[`, `{`, `,` or `.`");
    }
    if (state == State::kNone && c != ' ' && c != '\t' && c != '\r') last = c;
    switch (state) {
      case State::kNone:
        if (c == '#') {
          state = State::kComment;
        } else if (starts(i, "\"\"\"")) {
          state = State::kMultiBasic;
          i += 2;
        } else if (starts(i, "'''")) {
          state = State::kMultiLiteral;
          i += 2;
        } else if (c == '"') {
          state = State::kBasic;
        } else if (c == '\'') {
          state = State::kLiteral;
        } else if (c >= 0x80) {
          return error("a non-ASCII character outside a string or comment");
        }
        ++i;
        break;
      case State::kComment:
        ++i;
        break;
      case State::kBasic:
      case State::kMultiBasic:
        if (c == '\\') {
          size_t j = i + 1;
          if (at(j) >= 0x80) return error("a backslash escapes a non-ASCII character (not a TOML escape)");
          if (state == State::kMultiBasic && (at(j) == ' ' || at(j) == '\t' || at(j) == '\r' || at(j) == '\n')) {
            // A line-ending backslash: the whitespace after it is skipped up to the next text.
            while (j < text.size() && (at(j) == ' ' || at(j) == '\t' || at(j) == '\r' || at(j) == '\n')) {
              if (at(j) == '\n') ++line;
              ++j;
            }
            if (at(j) >= 0x80) return error("a line-ending backslash followed by a non-ASCII character is not supported");
            i = j;
          } else {
            i = j + 1;
          }
          break;
        }
        if (state == State::kBasic && c == '"') {
          state = State::kNone;
          last = '"';
        } else if (state == State::kMultiBasic && starts(i, "\"\"\"")) {
          i += 2;
          while (at(i + 1) == '"') ++i;  // up to two quotes may end the string's content
          state = State::kNone;
          last = '"';
        }
        ++i;
        break;
      case State::kLiteral:
        if (c == '\'') {
          state = State::kNone;
          last = '\'';
        }
        ++i;
        break;
      case State::kMultiLiteral:
        if (starts(i, "'''")) {
          i += 2;
          while (at(i + 1) == '\'') ++i;
          state = State::kNone;
          last = '\'';
        }
        ++i;
        break;
    }
  }
  return Status::OK();
}

}  // namespace

std::string_view expect_action_name(ExpectAction action) {
  switch (action) {
    case ExpectAction::kFail: return "fail";
    case ExpectAction::kDrop: return "drop";
    case ExpectAction::kWarn: return "warn";
    case ExpectAction::kQuarantine: return "quarantine";
  }
  return "fail";
}

std::vector<std::pair<std::string, std::string>> Source::read_options() const {
  std::vector<std::pair<std::string, std::string>> out;
  if (!schema.empty()) out.emplace_back("schema", schema);
  if (!mode.empty()) out.emplace_back("mode", mode);
  if (!corrupt_record_column.empty()) out.emplace_back("columnNameOfCorruptRecord", corrupt_record_column);
  return out;
}

std::string PipelineConfig::resolve(const std::string& path) const {
  if (path.empty() || path[0] == '/') return path;
  if (base_dir.empty()) return path;
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

const Flow* PipelineConfig::find_flow(const std::string& flow_name) const {
  for (const auto& f : flows) {
    if (f.name == flow_name) return &f;
  }
  return nullptr;
}

Result<int64_t> parse_duration_ms(std::string_view text) {
  if (text.empty()) return Status::invalid_argument("an empty duration");
  int64_t total = 0;
  size_t i = 0;
  bool any = false;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (start == i) return Status::invalid_argument("'{}' is not a duration (such as 90s, 10m, 1h30m, 500ms)", text);
    int64_t n = std::stoll(std::string(text.substr(start, i - start)));
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string unit = lower(std::string(text.substr(unit_start, i - unit_start)));
    int64_t scale = 0;
    if (unit == "ms") scale = 1;
    else if (unit == "s" || unit.empty()) scale = 1000;
    else if (unit == "m" || unit == "min") scale = 60'000;
    else if (unit == "h") scale = 3'600'000;
    else if (unit == "d") scale = 86'400'000;
    else return Status::invalid_argument("'{}': unknown unit '{}' (ms, s, m, h, d)", text, unit);
    if (n > (int64_t{1} << 40)) return Status::invalid_argument("'{}' is too long a duration", text);
    total += n * scale;
    any = true;
    if (unit.empty() && i < text.size()) return Status::invalid_argument("'{}' is not a duration", text);
  }
  if (!any || total <= 0) return Status::invalid_argument("'{}' is not a positive duration", text);
  return total;
}

Result<PipelineConfig> parse_pipeline(std::string_view text, const std::string& file) {
  BRAID_RETURN_IF_ERROR(check_toml_text(text, file));
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    return Status::parse_error("{}:{}:{}: {}", file, e.source().begin.line, e.source().begin.column, e.description());
  } catch (const detail::TomlAssumptionFailed& e) {
    return Status::parse_error("{}: malformed TOML (the TOML parser's check `{}` failed)", file, e.what());
  }
  PipelineConfig config;
  config.file = file;
  config.base_dir = std::filesystem::path(file).parent_path().string();
  config.warehouse = "warehouse";
  Reader r(file);
  r.check_keys(root, "the file", {"pipeline", "params", "sources", "flows"});
  read_pipeline_table(r, root, config);
  read_params(r, root, config);
  read_sources(r, root, config);
  read_flows(r, root, config);
  // toml++ keeps a table's keys sorted; the file's order is the one users expect to see.
  std::stable_sort(config.sources.begin(), config.sources.end(), [](const auto& a, const auto& b) { return a.line < b.line; });
  std::stable_sort(config.flows.begin(), config.flows.end(), [](const auto& a, const auto& b) { return a.line < b.line; });
  order_flows(r, config);
  if (!r.ok()) return r.status();
  return config;
}

Result<PipelineConfig> load_pipeline(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::not_found("cannot read pipeline file '{}'", path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_pipeline(buffer.str(), path);
}

std::set<std::string> parameters_used(const PipelineConfig& config) {
  std::set<std::string> used;
  auto add = [&](std::string_view text) {
    Status error;
    // Texts that do not lex were reported when the file was read; their tokens before the
    // error still count.
    for (const auto& t : sql::tokenize_prefix(text, &error)) {
      if (t.kind == sql::TokenKind::kParameter) used.insert(lower(t.value));
    }
  };
  for (const auto& f : config.flows) {
    if (f.for_each_sql) add(*f.for_each_sql);
    for (const auto& p : f.prepare) add(p);
    add(f.stage);
    add(f.merge);
    if (f.guard) add(*f.guard);
    for (const auto& e : f.expectations) add(e.check);
  }
  return used;
}

Status check_parameters_used(const PipelineConfig& config, const std::vector<std::string>& names) {
  const std::set<std::string> used = parameters_used(config);
  for (const auto& name : names) {
    if (used.count(lower(name))) continue;
    return Status::invalid_argument("--param {}: no SQL of pipeline {} uses :{}{}", name, config.name, name,
                                    did_you_mean(name, std::vector<std::string>(used.begin(), used.end())));
  }
  return Status::OK();
}

}  // namespace braid::pipeline
