// braid_sqllogictest: runs sqllogictest-style files (test/sql/**/*.test) against braid.
//
//   braid_sqllogictest FILE.test...
//
// Each file runs in its own session over a fresh, empty warehouse folder (removed afterwards).
// Records are separated by blank lines:
//
//   # a comment
//   statement ok
//   CREATE TABLE t (id INT, name STRING) USING DELTA
//
//   statement error cannot be cast          <- the error message must contain this text
//   SELECT CAST('x' AS INT)
//
//   query IT rowsort                         <- one letter per column; rowsort|valuesort|nosort
//   SELECT id, name FROM t ORDER BY id
//   ----
//   1	alice                                 <- values separated by a tab
//   2	NULL
//
//   param region 'us-east'                   <- binds :region (a SQL literal) for what follows
//
// Values print as `braid sql --format csv` would, except NULL is `NULL` and an empty string is
// `(empty)`. An expected value `${ANY}` matches any one value (timestamps of commits, say; not
// with valuesort). `${WAREHOUSE}` in SQL is replaced by the warehouse folder, `${DATA}` by test/sql/data. On a mismatch the runner
// prints FILE:LINE, the SQL, and the expected and actual results; the exit status is the number
// of failed records (capped at 100).
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "catalog/session.h"
#include "columnar/value_text.h"

namespace braid {
namespace {

// The tab-separated values of a line.
std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) out.push_back(line.substr(start, tab - start));
  out.push_back(line.substr(start));
  return out;
}

// Result lines against expected ones, where an expected value ${ANY} matches any value.
bool lines_match(const std::vector<std::string>& actual, const std::vector<std::string>& expected) {
  if (actual.size() != expected.size()) return false;
  for (size_t i = 0; i < actual.size(); ++i) {
    if (actual[i] == expected[i]) continue;
    if (expected[i].find("${ANY}") == std::string::npos) return false;
    const auto a = fields_of(actual[i]), e = fields_of(expected[i]);
    if (a.size() != e.size()) return false;
    for (size_t f = 0; f < a.size(); ++f) {
      if (e[f] != "${ANY}" && e[f] != a[f]) return false;
    }
  }
  return true;
}

struct Record {
  enum class Kind { kStatementOk, kStatementError, kQuery, kParam, kHalt };
  Kind kind = Kind::kStatementOk;
  int line = 0;                // where the record starts
  std::string sql;
  std::string expected_error;  // statement error
  size_t columns = 0;          // query: the type string's length
  std::string sort;            // query: "", "rowsort", "valuesort", "nosort"
  std::vector<std::string> expected;  // query: result lines
  std::string param_name, param_literal;
};

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

bool blank(const std::string& line) { return line.find_first_not_of(" \t") == std::string::npos; }

Result<std::vector<Record>> parse_file(const std::string& path, const std::string& text) {
  const auto lines = split_lines(text);
  std::vector<Record> records;
  size_t i = 0;
  auto error = [&](size_t at, std::string_view what) {
    return Status::parse_error("{}:{}: {}", path, at + 1, what);
  };
  while (i < lines.size()) {
    const std::string& head = lines[i];
    if (blank(head) || head.starts_with("#")) {
      ++i;
      continue;
    }
    Record r;
    r.line = static_cast<int>(i + 1);
    const auto w = words(head);
    if (w[0] == "halt") {
      r.kind = Record::Kind::kHalt;
      records.push_back(r);
      break;
    }
    if (w[0] == "param") {
      if (w.size() < 3) return error(i, "expected: param NAME LITERAL");
      r.kind = Record::Kind::kParam;
      r.param_name = w[1];
      r.param_literal = head.substr(head.find(w[1]) + w[1].size());
      records.push_back(r);
      ++i;
      continue;
    }
    if (w[0] == "statement" && w.size() >= 2 && w[1] == "ok") {
      r.kind = Record::Kind::kStatementOk;
    } else if (w[0] == "statement" && w.size() >= 2 && w[1] == "error") {
      r.kind = Record::Kind::kStatementError;
      const size_t at = head.find("error") + 5;
      r.expected_error = head.substr(at);
      r.expected_error.erase(0, r.expected_error.find_first_not_of(" \t"));
    } else if (w[0] == "query" && w.size() >= 2) {
      r.kind = Record::Kind::kQuery;
      r.columns = w[1].size();
      if (w.size() >= 3) r.sort = w[2];
      if (!r.sort.empty() && r.sort != "rowsort" && r.sort != "valuesort" && r.sort != "nosort") {
        return error(i, fmt::format("unknown sort mode '{}' (rowsort, valuesort or nosort)", r.sort));
      }
    } else {
      return error(i, fmt::format("expected 'statement ok', 'statement error', 'query', 'param' or 'halt', found '{}'", head));
    }
    ++i;
    std::string sql;
    while (i < lines.size() && !blank(lines[i]) && lines[i] != "----") {
      sql += lines[i] + "\n";
      ++i;
    }
    if (sql.empty()) return error(static_cast<size_t>(r.line - 1), "a record without SQL");
    r.sql = sql;
    if (i < lines.size() && lines[i] == "----") {
      ++i;
      std::vector<std::string> body;
      while (i < lines.size() && !blank(lines[i])) body.push_back(lines[i++]);
      if (r.kind == Record::Kind::kStatementError) {
        for (const auto& b : body) r.expected_error += (r.expected_error.empty() ? "" : "\n") + b;
      } else if (r.kind == Record::Kind::kQuery) {
        r.expected = std::move(body);
      } else {
        return error(static_cast<size_t>(r.line - 1), "'statement ok' takes no '----' section");
      }
    } else if (r.kind == Record::Kind::kQuery) {
      // A query with no result section expects no rows.
    }
    records.push_back(std::move(r));
  }
  return records;
}

std::string cell_text(const Column& column, int64_t row) {
  if (column.is_null(row)) return "NULL";
  std::string text;
  append_value_text(text, column, row, TextFlavor::kPlain);
  if (text.empty()) return "(empty)";
  return text;
}

std::vector<std::string> result_lines(const catalog::StatementResult& result, const std::string& sort) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& b : result.batches) {
    for (int64_t r = 0; r < b->num_rows(); ++r) {
      std::vector<std::string> row;
      for (int c = 0; c < b->num_columns(); ++c) row.push_back(cell_text(*b->column(c), r));
      rows.push_back(std::move(row));
    }
  }
  std::vector<std::string> lines;
  if (sort == "valuesort") {
    std::vector<std::string> values;
    for (auto& row : rows) values.insert(values.end(), row.begin(), row.end());
    std::sort(values.begin(), values.end());
    return values;
  }
  for (auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) line += (c ? "\t" : "") + row[c];
    lines.push_back(std::move(line));
  }
  if (sort == "rowsort") std::sort(lines.begin(), lines.end());
  return lines;
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

// Runs one file; returns the number of failed records.
int run_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "%s: cannot read the file\n", path.c_str());
    return 1;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto records = parse_file(path, text.str());
  if (!records.ok()) {
    std::fprintf(stderr, "%s\n", records.status().to_string().c_str());
    return 1;
  }
  std::string dir_template = (std::filesystem::temp_directory_path() / "braid-slt-XXXXXX").string();
  if (::mkdtemp(dir_template.data()) == nullptr) {
    std::fprintf(stderr, "%s: cannot create a temporary warehouse\n", path.c_str());
    return 1;
  }
  const std::string warehouse = dir_template;
  int failures = 0, passed = 0;
  {
    auto session = catalog::Session::open(warehouse);
    if (!session.ok()) {
      std::fprintf(stderr, "%s: %s\n", path.c_str(), session.status().to_string().c_str());
      std::filesystem::remove_all(warehouse);
      return 1;
    }
    auto fail = [&](const Record& r, const std::string& what) {
      ++failures;
      std::fprintf(stderr, "%s:%d: FAILED\n%s%s\n\n", path.c_str(), r.line, r.sql.c_str(), what.c_str());
    };
    for (const Record& r : *records) {
      if (r.kind == Record::Kind::kHalt) break;
      if (r.kind == Record::Kind::kParam) {
        Status s = (*session)->set_parameter_sql(r.param_name, r.param_literal);
        if (!s.ok()) fail(r, "param: " + s.to_string());
        continue;
      }
      const std::string sql = replace_all(replace_all(r.sql, "${WAREHOUSE}", warehouse), "${DATA}", BRAID_SQL_TEST_DATA);
      auto result = (*session)->execute(sql);
      switch (r.kind) {
        case Record::Kind::kStatementOk:
          if (!result.ok()) {
            fail(r, "expected success, got: " + result.status().to_string());
            continue;
          }
          break;
        case Record::Kind::kStatementError:
          if (result.ok()) {
            fail(r, "expected an error" + (r.expected_error.empty() ? "" : " containing '" + r.expected_error + "'") +
                        ", but the statement succeeded");
            continue;
          }
          if (result.status().code() == StatusCode::kInternal) {
            fail(r, "expected an error, got an internal error (a bug): " + result.status().to_string());
            continue;
          }
          if (result.status().to_string().find(r.expected_error) == std::string::npos) {
            fail(r, "expected an error containing '" + r.expected_error + "', got: " + result.status().to_string());
            continue;
          }
          break;
        case Record::Kind::kQuery: {
          if (!result.ok()) {
            fail(r, "expected rows, got: " + result.status().to_string());
            continue;
          }
          if (result->schema && static_cast<size_t>(result->schema->num_fields()) != r.columns) {
            fail(r, fmt::format("expected {} columns, got {}", r.columns, result->schema->num_fields()));
            continue;
          }
          auto actual = result_lines(*result, r.sort);
          auto expected = r.expected;
          if (r.sort == "rowsort") std::sort(expected.begin(), expected.end());
          if (r.sort == "valuesort") {
            std::vector<std::string> values;
            for (const auto& line : expected) {
              for (auto& v : fields_of(line)) values.push_back(std::move(v));
            }
            std::sort(values.begin(), values.end());
            expected = std::move(values);
          }
          if (!lines_match(actual, expected)) {
            std::string what = "expected:\n";
            for (const auto& l : expected) what += "  " + l + "\n";
            what += "actual:\n";
            for (const auto& l : actual) what += "  " + l + "\n";
            fail(r, what);
            continue;
          }
          break;
        }
        default:
          break;
      }
      ++passed;
    }
  }
  std::filesystem::remove_all(warehouse);
  std::printf("%s: %d passed, %d failed\n", path.c_str(), passed, failures);
  return failures;
}

}  // namespace
}  // namespace braid

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: braid_sqllogictest FILE.test...\n");
    return 2;
  }
  int failures = 0;
  for (int i = 1; i < argc; ++i) failures += braid::run_file(argv[i]);
  return std::min(failures, 100);
}
