#include "sql/plan.h"

#include <fmt/core.h>

namespace braid::sql {

namespace {

std::string list(const std::vector<exec::ExprPtr>& exprs) {
  std::string out;
  for (const auto& e : exprs) out += (out.empty() ? "" : ", ") + e->to_string();
  return out;
}

void explain_into(const PlanNode& plan, int depth, std::string& out) {
  out += std::string(static_cast<size_t>(depth) * 2, ' ');
  std::vector<const PlanNode*> children;
  std::visit(
      [&](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, ScanNode>) {
          std::string what = std::holds_alternative<DeltaSource>(n.source)
                                 ? fmt::format("Delta '{}' version {}", std::get<DeltaSource>(n.source).snapshot->store().root(),
                                               std::get<DeltaSource>(n.source).snapshot->version())
                             : std::holds_alternative<FileSource>(n.source)
                                 ? fmt::format("{} file(s)", std::get<FileSource>(n.source).paths.size())
                             : std::holds_alternative<RangeSource>(n.source)
                                 ? fmt::format("range({}, {}, {})", std::get<RangeSource>(n.source).start,
                                               std::get<RangeSource>(n.source).end, std::get<RangeSource>(n.source).step)
                                 : std::string("values");
          out += fmt::format("Scan {} columns={}", what, n.columns.size());
          if (!n.skipping.empty()) out += fmt::format(" skipping={}", n.skipping.size());
        } else if constexpr (std::is_same_v<T, FilterNode>) {
          out += "Filter " + n.predicate->to_string();
          children.push_back(n.input.get());
        } else if constexpr (std::is_same_v<T, ProjectNode>) {
          out += "Project " + list(n.expressions);
          children.push_back(n.input.get());
        } else if constexpr (std::is_same_v<T, AggregateNode>) {
          out += fmt::format("Aggregate keys=[{}] aggregates={}", list(n.keys), n.aggregates.size());
          children.push_back(n.input.get());
        } else if constexpr (std::is_same_v<T, JoinNode>) {
          out += fmt::format("Join kind={} left=[{}] right=[{}]{}", static_cast<int>(n.kind), list(n.left_keys),
                             list(n.right_keys), n.residual ? " residual=" + n.residual->to_string() : "");
          children.push_back(n.left.get());
          children.push_back(n.right.get());
        } else if constexpr (std::is_same_v<T, SortNode>) {
          out += "Sort " + list(n.keys) + (n.limit ? fmt::format(" limit={}", *n.limit) : "");
          children.push_back(n.input.get());
        } else if constexpr (std::is_same_v<T, LimitNode>) {
          out += fmt::format("Limit {} offset {}", n.limit, n.offset);
          children.push_back(n.input.get());
        } else if constexpr (std::is_same_v<T, WindowNode>) {
          out += fmt::format("Window partition=[{}] order=[{}] functions={}", list(n.partition_keys), list(n.order_keys),
                             n.functions.size());
          children.push_back(n.input.get());
        } else if constexpr (std::is_same_v<T, UnionNode>) {
          out += "UnionAll";
          for (const auto& i : n.inputs) children.push_back(i.get());
        } else {
          out += "Distinct";
          children.push_back(n.input.get());
        }
      },
      plan.node);
  out += "\n";
  for (const auto* c : children) explain_into(*c, depth + 1, out);
}

}  // namespace

int64_t RangeSource::num_rows() const {
  // In 128 bits: end - start overflows int64 for ranges that span most of it.
  const __int128 span = step > 0 ? static_cast<__int128>(end) - start : static_cast<__int128>(start) - end;
  if (span <= 0 || step == 0) return 0;
  const __int128 stride = step > 0 ? static_cast<__int128>(step) : -static_cast<__int128>(step);
  const __int128 rows = (span - 1) / stride + 1;
  return rows > INT64_MAX ? INT64_MAX : static_cast<int64_t>(rows);
}

std::string explain(const PlanNode& plan) {
  std::string out;
  explain_into(plan, 0, out);
  if (!out.empty()) out.pop_back();
  return out;
}

}  // namespace braid::sql
