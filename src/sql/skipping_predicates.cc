// Skipping predicates: the simple `column op constant` terms of a condition that scans use to
// skip files, partitions and row groups that cannot match.
#include "sql/binder.h"
#include "sql/internal/binder.h"

namespace braid::sql {

using binder_internal::resolve_column;
using binder_internal::split_conjuncts;

namespace {

// `expr` as a constant of `type` (a 1-row column), or nullptr.
ColumnPtr constant_of(const Expr& expr, const TypePtr& type, Resolver& resolver) {
  auto bound = bind_scalar(expr, {}, resolver);
  if (!bound.ok() || !(*bound)->is_constant()) return nullptr;
  auto cast = exec::make_cast(*bound, type, false);
  if (!cast.ok()) return nullptr;
  auto value = exec::evaluate_constant(*cast, resolver.eval_context());
  if (!value.ok() || (*value)->is_null(0)) return nullptr;
  return *value;
}

}  // namespace

std::vector<parquet::ColumnPredicate> skipping_predicates(const Expr& condition, const std::vector<BoundColumn>& columns,
                                                          Resolver& resolver) {
  using Op = parquet::ColumnPredicate::Op;
  std::vector<const Expr*> conjuncts;
  split_conjuncts(condition, conjuncts);
  std::vector<parquet::ColumnPredicate> out;
  auto column_of = [&](const Expr& e) -> const BoundColumn* {
    const auto* ref = e.as<ColumnRef>();
    if (!ref) return nullptr;
    auto i = resolve_column(*ref, columns, e.pos);
    return i.ok() ? &columns[static_cast<size_t>(*i)] : nullptr;
  };
  for (const Expr* c : conjuncts) {
    if (const auto* b = c->as<Binary>()) {
      static const std::map<BinaryOp, std::pair<Op, Op>> kOps = {  // op, and op with sides flipped
          {BinaryOp::kEq, {Op::kEq, Op::kEq}},   {BinaryOp::kLt, {Op::kLt, Op::kGt}},
          {BinaryOp::kLtEq, {Op::kLe, Op::kGe}}, {BinaryOp::kGt, {Op::kGt, Op::kLt}},
          {BinaryOp::kGtEq, {Op::kGe, Op::kLe}}};
      auto op = kOps.find(b->op);
      if (op == kOps.end()) continue;
      const BoundColumn* col = column_of(*b->left);
      const Expr* other = b->right.get();
      Op which = op->second.first;
      if (!col) {
        col = column_of(*b->right);
        other = b->left.get();
        which = op->second.second;
      }
      if (!col) continue;
      if (ColumnPtr v = constant_of(*other, col->type, resolver)) out.push_back({col->name, which, {v}});
    } else if (const auto* in = c->as<InList>(); in && !in->negated) {
      const BoundColumn* col = column_of(*in->operand);
      if (!col) continue;
      parquet::ColumnPredicate p{col->name, Op::kIn, {}};
      bool all = true;
      for (const auto& item : in->list) {
        ColumnPtr v = constant_of(*item, col->type, resolver);
        if (!v) {
          all = false;
          break;
        }
        p.values.push_back(v);
      }
      if (all && !p.values.empty()) out.push_back(std::move(p));
    } else if (const auto* between = c->as<Between>(); between && !between->negated) {
      const BoundColumn* col = column_of(*between->operand);
      if (!col) continue;
      if (ColumnPtr lo = constant_of(*between->low, col->type, resolver)) out.push_back({col->name, Op::kGe, {lo}});
      if (ColumnPtr hi = constant_of(*between->high, col->type, resolver)) out.push_back({col->name, Op::kLe, {hi}});
    } else if (const auto* is = c->as<IsPredicate>(); is && is->kind == IsKind::kNull) {
      if (const BoundColumn* col = column_of(*is->operand)) {
        out.push_back({col->name, is->negated ? Op::kIsNotNull : Op::kIsNull, {}});
      }
    }
  }
  return out;
}

}  // namespace braid::sql
