// Property: evaluating an expression with a selection gives, on the selected rows, what
// evaluating every row gives (and never fails when evaluating every row succeeds).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "exec/expr/expression.h"
#include "support/status_matchers.h"
#include "unit/exec/expr_fixtures.h"

namespace braid::exec {
namespace {

using namespace ::braid::exec::expr_fixtures;

// A random table: a, b int (small, with NULLs and zeros), x double, s string, d decimal(10,2),
// dt date, flag boolean.
Table random_table(size_t n) {
  std::vector<std::optional<std::string>> a, b, x, s, d, dt, flag;
  auto maybe = [](std::string v) -> std::optional<std::string> {
    if (*rc::gen::inRange(0, 6) == 0) return std::nullopt;
    return v;
  };
  const std::vector<std::string> words{"", "a", "ab", "abc", "Bä", "xyz", "a%b", "12", " 7 ", "héllo"};
  for (size_t i = 0; i < n; ++i) {
    a.push_back(maybe(std::to_string(*rc::gen::inRange(-20, 21))));
    b.push_back(maybe(std::to_string(*rc::gen::inRange(-3, 4))));
    x.push_back(maybe(std::to_string(*rc::gen::inRange(-1000, 1000) / 8.0)));
    s.push_back(maybe(words[static_cast<size_t>(*rc::gen::inRange<int>(0, static_cast<int>(words.size())))]));
    d.push_back(maybe(std::to_string(*rc::gen::inRange(-99999, 99999)) + ".25"));
    dt.push_back(maybe("2020-01-" + std::to_string(*rc::gen::inRange(10, 29))));
    flag.push_back(maybe(*rc::gen::arbitrary<bool>() ? "true" : "false"));
  }
  Table t;
  t.add("a", int32(), a);
  t.add("b", int32(), b);
  t.add("x", float64(), x);
  t.add("s", string_type(), s);
  t.add("d", decimal128(10, 2), d);
  t.add("dt", date32(), dt);
  t.add("flag", boolean(), flag);
  return t;
}

std::vector<ExprPtr> expressions(const Table& t) {
  auto a = t.ref("a"), b = t.ref("b"), x = t.ref("x"), s = t.ref("s"), d = t.ref("d"), dt = t.ref("dt"),
       flag = t.ref("flag");
  return {
      call("+", {a, b}),
      call("*", {a, L(3)}),
      call("/", {a, b}),  // fails on b = 0 unless those rows are not selected
      call("div", {a, b}),
      call("%", {a, b}),
      call("case_when", {call("<>", {b, I(0)}), call("/", {a, b}), D("-1")}),
      call("coalesce", {a, b, I(0)}),
      call("and", {call(">", {a, I(0)}), call("like", {s, S("a%")})}),
      call("or", {flag, call("is_null", {b})}),
      call("not", {flag}),
      call("in", {a, I(1), I(2), N(int32())}),
      call("between", {x, D("-10"), D("10")}),
      call("<=>", {a, b}),
      call("upper", {s}),
      call("substring", {s, b, I(2)}),
      call("concat", {s, S("-"), s}),
      call("length", {s}),
      call("+", {d, Dec("1.5", 2, 1)}),
      call("*", {d, d}),
      call("/", {d, b}),
      call("round", {x, I(1)}),
      call("+", {s, I(1)}),  // fails where s is not a number
      call("date_add", {dt, b}),
      call("datediff", {dt, S("2020-01-15")}),
      call("if", {flag, s, S("none")}),
      call("nullif", {a, b}),
      call("greatest", {a, b, I(0)}),
      call("xxhash64", {a, s}),
      call("regexp_replace", {s, S("[ab]"), S("_")}),
      call("lpad", {s, I(4), S("*")}),
      make_cast(s, int32(), true).value(),
      make_cast(x, int32(), false).value(),
  };
}

RC_GTEST_PROP(ExprSelectionProperty, SelectedRowsMatchFullEvaluation, ()) {
  const auto n = *rc::gen::inRange<size_t>(0, 40);
  Table t = random_table(n);
  std::vector<int32_t> selection;
  for (size_t i = 0; i < n; ++i) {
    if (*rc::gen::arbitrary<bool>()) selection.push_back(static_cast<int32_t>(i));
  }
  auto batch = t.batch();
  for (const auto& e : expressions(t)) {
    auto full = e->evaluate(batch, EvalContext{});
    auto part = e->evaluate(batch, EvalContext{}, &selection);
    if (!full.ok()) {
      RC_ASSERT(full.status().code() == StatusCode::kInvalidArgument);
      continue;  // errors on rows outside the selection are allowed to vanish
    }
    RC_ASSERT(part.ok());
    RC_ASSERT((*full)->length() == static_cast<int64_t>(n));
    RC_ASSERT((*part)->length() == static_cast<int64_t>(n));
    auto full_text = texts(*full);
    auto part_text = texts(*part);
    for (int32_t r : selection) {
      if (full_text[static_cast<size_t>(r)] != part_text[static_cast<size_t>(r)]) {
        RC_FAIL(e->to_string() + " row " + std::to_string(r) + ": " + full_text[static_cast<size_t>(r)] +
                " vs " + part_text[static_cast<size_t>(r)]);
      }
    }
  }
}

RC_GTEST_PROP(ExprSelectionProperty, SlicedInputsMatch, ()) {
  // Columns with an offset (slices) evaluate like copies.
  const auto n = *rc::gen::inRange<size_t>(1, 40);
  Table t = random_table(n);
  const auto start = *rc::gen::inRange<size_t>(0, n);
  const auto len = *rc::gen::inRange<size_t>(0, n - start + 1);
  Table sliced = t;
  for (auto& c : sliced.columns) c = c->slice(static_cast<int64_t>(start), static_cast<int64_t>(len));
  auto batch = t.batch();
  auto sliced_batch = sliced.batch();
  auto exprs = expressions(t);
  for (const auto& e : exprs) {
    auto full = e->evaluate(batch, EvalContext{});
    if (!full.ok()) continue;
    auto part = e->evaluate(sliced_batch, EvalContext{});
    RC_ASSERT(part.ok());
    auto full_text = texts(*full);
    auto part_text = texts(*part);
    for (size_t i = 0; i < len; ++i) RC_ASSERT(full_text[start + i] == part_text[i]);
  }
}

}  // namespace
}  // namespace braid::exec
