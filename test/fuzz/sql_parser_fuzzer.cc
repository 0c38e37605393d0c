// libFuzzer target: the SQL lexer and parser on arbitrary bytes. The input is read as a list of
// statements, as one expression and as one type name. Errors are expected; crashes, hangs,
// unbounded recursion and leaks are not. When the text parses, the canonical printer is the
// oracle: the printed text must parse again (unless the extra parentheses push it past the
// nesting limit) and print identically, and every statement's source span must lie inside the
// input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sql/ast.h"
#include "sql/lexer.h"
#include "sql/parser.h"

using namespace braid;
using namespace braid::sql;

namespace {

[[noreturn]] void fail(const char* what, std::string_view first, std::string_view second) {
  std::fprintf(stderr, "%s\n--- first:\n%.*s\n--- second:\n%.*s\n", what,
               static_cast<int>(first.size()), first.data(), static_cast<int>(second.size()),
               second.data());
  std::abort();
}

bool too_deep(const Status& s) {
  return s.message().find("nesting too deep") != std::string::npos;
}

template <typename Parse>
void check_round_trip(const std::string& printed, Parse parse) {
  auto again = parse(printed);
  if (!again.ok()) {
    if (too_deep(again.status())) return;
    fail(("printed text does not parse: " + again.status().to_string()).c_str(), printed, "");
  }
  const std::string reprinted = to_sql(**again);
  if (reprinted != printed) fail("printing is not stable", printed, reprinted);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 16)) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  (void)tokenize(input);

  auto statements = parse_statements(input);
  if (statements.ok()) {
    for (const StatementPtr& st : *statements) {
      if (st->offset + st->text.size() > input.size() ||
          input.substr(st->offset, st->text.size()) != st->text) {
        fail("statement text is not the input's span", st->text, input);
      }
      check_round_trip(to_sql(*st), [](std::string_view sql) { return parse_statement(sql); });
    }
  }

  auto expr = parse_expression(input);
  if (expr.ok())
    check_round_trip(to_sql(**expr), [](std::string_view sql) { return parse_expression(sql); });

  auto type = parse_type_name(input);
  if (type.ok()) {
    const std::string printed = to_sql(*type);
    auto again = parse_type_name(printed);
    if (!again.ok() && !too_deep(again.status())) fail("printed type does not parse", printed, "");
    if (again.ok() && to_sql(*again) != printed)
      fail("type printing is not stable", printed, to_sql(*again));
  }
  return 0;
}
