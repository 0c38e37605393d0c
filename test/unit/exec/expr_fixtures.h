// Fixtures of the expression tests (test/unit/exec/expr_*_test.cc): columns and literals from
// text (through CAST, so a value is written as Spark would print it), function calls, and
// evaluation back to Spark's text of each row ("NULL" for NULL), over a batch of named columns or
// as a constant. A test file says `using namespace ::braid::exec::expr_fixtures;`.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/column_builder.h"
#include "exec/expr/expression.h"

// Not in an anonymous namespace: a header's functions are inline, so a test that leaves some
// unused does not warn. The namespace keeps `Table` apart from exec::Table (exec/ops/table.h).
namespace braid::exec::expr_fixtures {

inline ColumnPtr strings_column(const std::vector<std::optional<std::string>>& values) {
  BinaryBuilder b(string_type());
  for (const auto& v : values) {
    if (v) {
      b.append(*v);
    } else {
      b.append_null();
    }
  }
  return *b.finish();
}

// A column of `type` from text (nullopt = NULL), through CAST.
inline ColumnPtr column_of(const TypePtr& type,
                           const std::vector<std::optional<std::string>>& values) {
  ColumnPtr s = strings_column(values);
  if (type->id() == TypeId::kString) return s;
  auto batch = RecordBatch(schema({field("s", string_type())}), s->length(), {s});
  auto cast = make_cast(column_ref(0, string_type(), "s"), type, false);
  EXPECT_TRUE(cast.ok()) << cast.status().to_string();
  auto out = (*cast)->evaluate(batch, EvalContext{});
  EXPECT_TRUE(out.ok()) << out.status().to_string();
  return *out;
}

inline ExprPtr lit(const TypePtr& type, const std::string& text) {
  return literal(column_of(type, {text}));
}
inline ExprPtr I(int32_t v) { return lit(int32(), std::to_string(v)); }
inline ExprPtr L(int64_t v) { return lit(int64(), std::to_string(v)); }
inline ExprPtr D(const std::string& v) { return lit(float64(), v); }
inline ExprPtr S(const std::string& v) { return literal(strings_column({v})); }
inline ExprPtr Dec(const std::string& v, int p, int s) { return lit(decimal128(p, s), v); }
inline ExprPtr B(bool v) { return lit(boolean(), v ? "true" : "false"); }
inline ExprPtr N(const TypePtr& t) { return null_literal(t); }

inline ExprPtr call(std::string_view name, std::vector<ExprPtr> args) {
  auto r = make_call(name, std::move(args));
  EXPECT_TRUE(r.ok()) << name << ": " << r.status().to_string();
  return r.ok() ? *r : null_literal(null_type());
}

// Spark's text of each row ("NULL" for NULL).
inline std::vector<std::string> texts(const ColumnPtr& c) {
  std::vector<std::string> out;
  auto batch = RecordBatch(schema({field("c", c->type())}), c->length(), {c});
  auto cast = make_cast(column_ref(0, c->type(), "c"), string_type(), false);
  EXPECT_TRUE(cast.ok()) << cast.status().to_string();
  auto s = (*cast)->evaluate(batch, EvalContext{});
  EXPECT_TRUE(s.ok()) << s.status().to_string();
  for (int64_t i = 0; i < c->length(); ++i) {
    out.push_back((*s)->is_null(i) ? "NULL" : std::string((*s)->string_value(i)));
  }
  return out;
}

// The text of a constant expression, or "error: ..." with the message.
inline std::string eval(const ExprPtr& e) {
  auto r = evaluate_constant(e, EvalContext{});
  if (!r.ok()) return "error: " + r.status().to_string();
  return texts(*r)[0];
}
inline std::string eval(std::string_view name, std::vector<ExprPtr> args) {
  auto e = make_call(name, std::move(args));
  if (!e.ok()) return "bad call: " + e.status().to_string();
  return eval(*e);
}

// A batch of named columns and references to them.
struct Table {
  std::vector<FieldPtr> fields;
  std::vector<ColumnPtr> columns;
  void add(const std::string& name, const TypePtr& type,
           const std::vector<std::optional<std::string>>& v) {
    fields.push_back(field(name, type));
    columns.push_back(column_of(type, v));
  }
  RecordBatch batch() const {
    return RecordBatch(schema(fields), columns.empty() ? 0 : columns[0]->length(), columns);
  }
  ExprPtr ref(const std::string& name) const {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i]->name() == name) {
        return column_ref(static_cast<int>(i), fields[i]->type(), name);
      }
    }
    return nullptr;
  }
};

inline Result<std::vector<std::string>> run(const ExprPtr& e, const Table& t,
                                            const std::vector<int32_t>* selection = nullptr) {
  auto b = t.batch();
  BRAID_ASSIGN_OR_RETURN(auto c, e->evaluate(b, EvalContext{}, selection));
  return texts(c);
}

inline std::vector<std::string> rows(const ExprPtr& e, const Table& t) {
  auto r = run(e, t);
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  return r.ok() ? *r : std::vector<std::string>{};
}

inline constexpr auto kInvalid = StatusCode::kInvalidArgument;

}  // namespace braid::exec::expr_fixtures
