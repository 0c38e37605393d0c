// Binding joins: equi-join keys (compared in their common type), residual conditions, USING
// columns, and the WHERE conjuncts pushed down to the side of a join they read (with their
// skipping predicates pushed into that side's scan).
#include "sql/internal/binder.h"

namespace braid::sql::binder_internal {

// `pushdown`: conjuncts of a WHERE over this join. Each is also applied to a side it reads only
// the columns of, when that keeps the join's result (either side of an inner or cross join; the
// left of a left, semi or anti join; the right of a right join): the side's scan then reads and
// joins fewer rows. The WHERE still applies above the join.
Result<Binder::Relation> Binder::bind_join(const Join& j, SourcePosition pos,
                                           const std::vector<const Expr*>& pushdown) {
  const bool to_left = j.type == JoinType::kInner || j.type == JoinType::kCross || j.type == JoinType::kLeft ||
                       j.type == JoinType::kLeftSemi || j.type == JoinType::kLeftAnti;
  const bool to_right = j.type == JoinType::kInner || j.type == JoinType::kCross || j.type == JoinType::kRight;
  if (to_left) pushdown_ = pushdown;
  BRAID_ASSIGN_OR_RETURN(Relation left, bind_from(*j.left));
  if (to_right) pushdown_ = pushdown;
  BRAID_ASSIGN_OR_RETURN(Relation right, bind_from(*j.right));
  if (to_left) BRAID_RETURN_IF_ERROR(push_filters(pushdown, left));
  if (to_right) BRAID_RETURN_IF_ERROR(push_filters(pushdown, right));
  std::vector<BoundColumn> both = left.columns;
  both.insert(both.end(), right.columns.begin(), right.columns.end());
  std::vector<std::string> unread = left.unread;
  unread.insert(unread.end(), right.unread.begin(), right.unread.end());
  JoinNode node;
  node.left = left.plan;
  node.right = right.plan;
  switch (j.type) {
    case JoinType::kInner: node.kind = JoinNode::Kind::kInner; break;
    case JoinType::kLeft: node.kind = JoinNode::Kind::kLeft; break;
    case JoinType::kRight: node.kind = JoinNode::Kind::kRight; break;
    case JoinType::kFull: node.kind = JoinNode::Kind::kFull; break;
    case JoinType::kCross: node.kind = JoinNode::Kind::kCross; break;
    case JoinType::kLeftSemi: node.kind = JoinNode::Kind::kLeftSemi; break;
    case JoinType::kLeftAnti: node.kind = JoinNode::Kind::kLeftAnti; break;
  }
  const int left_width = static_cast<int>(left.columns.size());
  std::vector<std::pair<int, int>> using_pairs;
  if (!j.using_columns.empty()) {
    for (const auto& name : j.using_columns) {
      ColumnRef ref{{name}};
      BRAID_ASSIGN_OR_RETURN(int li, resolve_column(ref, left.columns, pos));
      BRAID_ASSIGN_OR_RETURN(int ri, resolve_column(ref, right.columns, pos));
      node.left_keys.push_back(exec::column_ref(li, left.columns[static_cast<size_t>(li)].type, name));
      node.right_keys.push_back(exec::column_ref(ri, right.columns[static_cast<size_t>(ri)].type, name));
      node.null_safe.push_back(false);
      using_pairs.emplace_back(li, ri);
    }
  } else if (j.on) {
    std::vector<const Expr*> conjuncts;
    split_conjuncts(*j.on, conjuncts);
    std::vector<exec::ExprPtr> residual;
    ExprContext lc, rc, bc;
    lc.columns = &left.columns;
    rc.columns = &right.columns;
    bc.columns = &both;
    for (const Expr* conj : conjuncts) {
      const auto* b = conj->as<Binary>();
      if (b && (b->op == BinaryOp::kEq || b->op == BinaryOp::kNullSafeEq) && node.kind != JoinNode::Kind::kCross) {
        auto l1 = bind_expr(*b->left, lc);
        auto r1 = bind_expr(*b->right, rc);
        if (!l1.ok() || !r1.ok()) {
          l1 = bind_expr(*b->right, lc);
          r1 = bind_expr(*b->left, rc);
        }
        if (l1.ok() && r1.ok() && !(*l1)->is_constant() && !(*r1)->is_constant()) {
          // Compare in the common type.
          auto t = common_type((*l1)->type(), (*r1)->type());
          if (t.ok()) {
            BRAID_ASSIGN_OR_RETURN(auto lk, cast_if_needed(*l1, *t));
            BRAID_ASSIGN_OR_RETURN(auto rk, cast_if_needed(*r1, *t));
            node.left_keys.push_back(lk);
            node.right_keys.push_back(rk);
            node.null_safe.push_back(b->op == BinaryOp::kNullSafeEq);
            continue;
          }
        }
      }
      BRAID_ASSIGN_OR_RETURN(auto e, bind_expr(*conj, bc));
      residual.push_back(e);
    }
    for (auto& e : residual) {
      if (!node.residual) {
        node.residual = e;
      } else {
        BRAID_ASSIGN_OR_RETURN(node.residual, call("and", {node.residual, e}, pos));
      }
    }
  }
  if (node.kind == JoinNode::Kind::kInner && node.left_keys.empty()) node.kind = JoinNode::Kind::kCross;
  if (node.left_keys.empty() && node.kind != JoinNode::Kind::kCross) {
    return error_at(pos, StatusCode::kNotImplemented,
                    "a {} join needs at least one equality between the two sides in its ON clause",
                    node.kind == JoinNode::Kind::kLeft ? "LEFT" : node.kind == JoinNode::Kind::kRight ? "RIGHT"
                    : node.kind == JoinNode::Kind::kFull ? "FULL" : "SEMI/ANTI");
  }
  const bool left_only = node.kind == JoinNode::Kind::kLeftSemi || node.kind == JoinNode::Kind::kLeftAnti;
  Relation out;
  out.unread = std::move(unread);
  out.columns = left_only ? left.columns : both;
  out.plan = make_plan(std::move(node), schema_of(out.columns));
  if (using_pairs.empty() || left_only) return out;
  // USING: the key columns once (coalesced for outer joins), then the other columns.
  std::vector<exec::ExprPtr> exprs;
  std::vector<BoundColumn> cols;
  std::set<int> used_left, used_right;
  for (auto [li, ri] : using_pairs) {
    auto l = exec::column_ref(li, both[static_cast<size_t>(li)].type, both[static_cast<size_t>(li)].name);
    auto r = exec::column_ref(left_width + ri, both[static_cast<size_t>(left_width + ri)].type,
                              both[static_cast<size_t>(left_width + ri)].name);
    exec::ExprPtr key = l;
    if (j.type == JoinType::kRight) key = r;
    if (j.type == JoinType::kFull) {
      BRAID_ASSIGN_OR_RETURN(key, call("coalesce", {l, r}, pos));
    }
    exprs.push_back(key);
    cols.push_back({both[static_cast<size_t>(li)].qualifier, both[static_cast<size_t>(li)].name, key->type()});
    used_left.insert(li);
    used_right.insert(ri);
  }
  for (int i = 0; i < static_cast<int>(both.size()); ++i) {
    if (i < left_width ? used_left.count(i) : used_right.count(i - left_width)) continue;
    exprs.push_back(exec::column_ref(i, both[static_cast<size_t>(i)].type, both[static_cast<size_t>(i)].name));
    cols.push_back(both[static_cast<size_t>(i)]);
  }
  out.plan = make_plan(ProjectNode{out.plan, std::move(exprs)}, schema_of(cols));
  out.columns = std::move(cols);
  return out;
}

// Applies to `side` the conjuncts that bind over its columns alone (others are skipped).
Status Binder::push_filters(const std::vector<const Expr*>& conjuncts, Relation& side) {
  ExprContext c;
  c.columns = &side.columns;
  exec::ExprPtr predicate;
  std::vector<const Expr*> pushed;
  for (const Expr* conj : conjuncts) {
    auto bound = bind_expr(*conj, c);
    if (!bound.ok() || (*bound)->type()->id() != TypeId::kBoolean) continue;
    pushed.push_back(conj);
    if (!predicate) {
      predicate = *bound;
    } else {
      BRAID_ASSIGN_OR_RETURN(predicate, call("and", {predicate, *bound}, conj->pos));
    }
  }
  if (predicate) side.plan = filter_over(side.plan, predicate, pushed, side.columns);
  return Status::OK();
}

// `plan` filtered by `predicate` (bound from `conditions` over `columns`). The conditions'
// skipping predicates also go into a scan right below (files, partitions and row groups that
// cannot match are not read); the filter still runs on the rows read.
PlanPtr Binder::filter_over(PlanPtr plan, exec::ExprPtr predicate, const std::vector<const Expr*>& conditions,
                            const std::vector<BoundColumn>& columns) {
  const auto* scan = std::get_if<ScanNode>(&plan->node);
  const auto* values = scan ? std::get_if<ValuesSource>(&scan->source) : nullptr;
  if (scan && (values == nullptr || !values->stats.empty())) {
    ScanNode pruned = *scan;
    for (const Expr* condition : conditions) {
      auto skipping = skipping_predicates(*condition, columns, resolver_);
      pruned.skipping.insert(pruned.skipping.end(), skipping.begin(), skipping.end());
    }
    if (pruned.skipping.size() != scan->skipping.size()) plan = make_plan(std::move(pruned), plan->schema);
  }
  return make_plan(FilterNode{plan, std::move(predicate)}, plan->schema);
}

}  // namespace braid::sql::binder_internal
