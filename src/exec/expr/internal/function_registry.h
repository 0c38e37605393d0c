// The registry of scalar functions and operators behind make_call: a resolver per name that
// checks and coerces argument types and builds the expression. Each family of functions
// registers itself from its own file (arithmetic.cc, comparison.cc, ...).
// Private to src/exec/expr. Built once, then read-only (safe to use from any thread).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "exec/expr/expression.h"

namespace braid::exec::internal {

// Resolves a call whose name (lower case) is `name` over `args` (unsigned integers and
// nanosecond timestamps already widened to Spark types).
using Resolver = std::function<Result<ExprPtr>(std::string_view name, std::vector<ExprPtr> args)>;

class FunctionRegistry {
 public:
  static const FunctionRegistry& instance();
  void add(std::string name, Resolver resolver);
  // nullptr when unknown; `name` must be lower case.
  const Resolver* find(std::string_view name) const;

 private:
  std::unordered_map<std::string, Resolver> resolvers_;
};

void register_arithmetic_functions(FunctionRegistry& registry);
void register_comparison_functions(FunctionRegistry& registry);
void register_conditional_functions(FunctionRegistry& registry);
void register_string_functions(FunctionRegistry& registry);
void register_pattern_functions(FunctionRegistry& registry);
void register_datetime_functions(FunctionRegistry& registry);
void register_math_functions(FunctionRegistry& registry);
void register_hash_functions(FunctionRegistry& registry);

}  // namespace braid::exec::internal
