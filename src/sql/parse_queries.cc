// Parsing queries: WITH (common table expressions), set operations (UNION, INTERSECT, EXCEPT),
// SELECT and its clauses, VALUES, ORDER BY / LIMIT / OFFSET, and window specifications.
#include <string>
#include <utility>
#include <vector>

#include "sql/internal/parser.h"

namespace braid::sql::parser_internal {

Result<QueryPtr> Parser::parse_query() {
  Nest nest(depth_);
  BRAID_RETURN_IF_ERROR(check_depth());
  const SourcePosition pos = peek().pos;
  std::vector<CommonTableExpr> ctes;
  if (accept_keyword("WITH")) BRAID_RETURN_IF_ERROR(parse_ctes(ctes));
  return parse_query_after_with(pos, std::move(ctes), nullptr);
}

Status Parser::parse_ctes(std::vector<CommonTableExpr>& ctes) {
  if (at_keyword("RECURSIVE") && !at_keyword("AS", 1) && !at(TokenKind::kLParen, 1)) {
    return not_supported(peek().pos, "WITH RECURSIVE");  // (`recursive` alone names a query)
  }
  do {
    CommonTableExpr cte;
    cte.pos = peek().pos;
    BRAID_ASSIGN_OR_RETURN(cte.name, parse_name("a name for the WITH query"));
    if (at(TokenKind::kLParen)) {
      BRAID_ASSIGN_OR_RETURN(cte.columns, parse_name_list("a column name"));
    }
    BRAID_RETURN_IF_ERROR(expect_keyword("AS"));
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kLParen, "'('"));
    BRAID_ASSIGN_OR_RETURN(cte.query, parse_query());
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "')'"));
    ctes.push_back(std::move(cte));
  } while (accept(TokenKind::kComma));
  return Status::OK();
}

// The rest of a query after its WITH clause. `first`, if given, is an already parsed
// parenthesised query that starts the body (see parse_paren_expression).
Result<QueryPtr> Parser::parse_query_after_with(SourcePosition pos,
                                                std::vector<CommonTableExpr> ctes,
                                                QueryPtr first) {
  BRAID_ASSIGN_OR_RETURN(QueryPtr q, parse_set_expression(std::move(first)));
  std::vector<OrderItem> order_by;
  ExprPtr limit;
  ExprPtr offset;
  if (at_keyword("ORDER") && at_keyword("BY", 1)) {
    next();
    next();
    BRAID_ASSIGN_OR_RETURN(order_by, parse_order_items());
  }
  if (accept_keyword("LIMIT")) {
    if (!accept_keyword("ALL")) {
      BRAID_ASSIGN_OR_RETURN(limit, parse_expr());
    }
  }
  if (accept_keyword("OFFSET")) {
    BRAID_ASSIGN_OR_RETURN(offset, parse_expr());
  }
  const bool has_tail = !order_by.empty() || limit || offset;
  if (ctes.empty() && !has_tail) return q;
  const bool bare = q->ctes.empty() && q->order_by.empty() && !q->limit && !q->offset;
  if (!bare) {
    auto outer = std::make_unique<Query>();
    outer->body = std::move(q);
    q = std::move(outer);
  }
  q->pos = pos;
  q->ctes = std::move(ctes);
  q->order_by = std::move(order_by);
  q->limit = std::move(limit);
  q->offset = std::move(offset);
  BRAID_RETURN_IF_ERROR(finish_query(*q));
  return q;
}

Result<QueryPtr> Parser::make_set_operation(SourcePosition pos, SetOpKind kind, bool all,
                                            QueryPtr left, QueryPtr right) {
  auto q = std::make_unique<Query>();
  q->pos = pos;
  SetOperation op;
  op.kind = kind;
  op.all = all;
  op.left = std::move(left);
  op.right = std::move(right);
  q->body = std::move(op);
  BRAID_RETURN_IF_ERROR(finish_query(*q));
  return q;
}

// [ALL | DISTINCT] after a set operator.
bool Parser::parse_set_quantifier() {
  if (accept_keyword("ALL")) return true;
  accept_keyword("DISTINCT");
  return false;
}

Result<QueryPtr> Parser::parse_set_expression(QueryPtr first) {
  BRAID_ASSIGN_OR_RETURN(QueryPtr left, parse_set_term(std::move(first)));
  while (at_keyword("UNION") || at_keyword("EXCEPT") || at_keyword("MINUS")) {
    const Token& t = next();
    const SetOpKind kind = t.is_keyword("UNION") ? SetOpKind::kUnion : SetOpKind::kExcept;
    const bool all = parse_set_quantifier();
    BRAID_ASSIGN_OR_RETURN(QueryPtr right, parse_set_term(nullptr));
    BRAID_ASSIGN_OR_RETURN(
        left, make_set_operation(t.pos, kind, all, std::move(left), std::move(right)));
  }
  return left;
}

Result<QueryPtr> Parser::parse_set_term(QueryPtr first) {
  QueryPtr left = std::move(first);
  if (!left) {
    BRAID_ASSIGN_OR_RETURN(left, parse_query_primary());
  }
  while (at_keyword("INTERSECT")) {
    const SourcePosition pos = next().pos;
    const bool all = parse_set_quantifier();
    BRAID_ASSIGN_OR_RETURN(QueryPtr right, parse_query_primary());
    BRAID_ASSIGN_OR_RETURN(left, make_set_operation(pos, SetOpKind::kIntersect, all,
                                                    std::move(left), std::move(right)));
  }
  return left;
}

Result<QueryPtr> Parser::parse_query_primary() {
  Nest nest(depth_);
  BRAID_RETURN_IF_ERROR(check_depth());
  const SourcePosition pos = peek().pos;
  if (at(TokenKind::kLParen)) {
    next();
    BRAID_ASSIGN_OR_RETURN(QueryPtr q, parse_query());
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "')'"));
    return q;
  }
  auto q = std::make_unique<Query>();
  q->pos = pos;
  if (at_keyword("SELECT")) {
    BRAID_ASSIGN_OR_RETURN(q->body, parse_select());
  } else if (at_keyword("VALUES")) {
    BRAID_ASSIGN_OR_RETURN(q->body, parse_values());
  } else {
    return expected("a query");
  }
  BRAID_RETURN_IF_ERROR(finish_query(*q));
  return q;
}

Result<Values> Parser::parse_values() {
  next();  // VALUES
  Values v;
  do {
    const SourcePosition row_pos = peek().pos;
    BRAID_ASSIGN_OR_RETURN(ExprPtr row, parse_expr());
    std::vector<ExprPtr> items;
    if (Row* r = row->as<Row>()) {
      items = std::move(r->items);
    } else {
      items.push_back(std::move(row));
    }
    if (!v.rows.empty() && items.size() != v.rows.front().size()) {
      return error_at(row_pos,
                      fmt::format("VALUES rows must have the same number of values ({} then {})",
                                  v.rows.front().size(), items.size()));
    }
    v.rows.push_back(std::move(items));
  } while (accept(TokenKind::kComma));
  return v;
}

Result<Select> Parser::parse_select() {
  const Token& select = next();
  // Spark reads a /*+ ... */ comment right after SELECT as hints; braid has none to honour.
  const size_t gap_start = select.offset + select.text.size();
  const std::string_view gap = sql_.substr(gap_start, peek().offset - gap_start);
  if (gap.find("/*+") != std::string_view::npos) return not_supported(select.pos, "hints (/*+ ... */ after SELECT)");
  Select s;
  if (accept_keyword("DISTINCT")) {
    s.distinct = true;
  } else {
    accept_keyword("ALL");
  }
  do {
    SelectItem item;
    item.pos = peek().pos;
    BRAID_ASSIGN_OR_RETURN(item.expr, parse_expr());
    if (item.expr->as<Star>() && at_keyword("EXCEPT") && at(TokenKind::kLParen, 1) && !paren_starts_query(1)) {
      return not_supported(peek().pos, "SELECT * EXCEPT (...) (list the columns to keep)");
    }
    if (accept_keyword("AS")) {
      BRAID_ASSIGN_OR_RETURN(item.alias, parse_name("an alias"));
    } else if (at_implicit_alias()) {
      item.alias = next().value;
    }
    s.items.push_back(std::move(item));
  } while (accept(TokenKind::kComma));
  if (accept_keyword("FROM")) {
    BRAID_ASSIGN_OR_RETURN(s.from, parse_from());
  }
  if (accept_keyword("WHERE")) {
    BRAID_ASSIGN_OR_RETURN(s.where, parse_expr());
  }
  if (at_keyword("GROUP")) {
    next();
    BRAID_RETURN_IF_ERROR(expect_keyword("BY"));
    if (accept_keyword("ALL")) {
      s.group_by_all = true;
    } else {
      do {
        if ((at_keyword("ROLLUP") || at_keyword("CUBE")) && at(TokenKind::kLParen, 1)) {
          return not_supported(peek().pos, at_keyword("ROLLUP") ? "GROUP BY ROLLUP" : "GROUP BY CUBE");
        }
        if (at_keyword("GROUPING") && at_keyword("SETS", 1)) return not_supported(peek().pos, "GROUP BY GROUPING SETS");
        BRAID_ASSIGN_OR_RETURN(ExprPtr e, parse_expr());
        s.group_by.push_back(std::move(e));
      } while (accept(TokenKind::kComma));
    }
  }
  if (accept_keyword("HAVING")) {
    BRAID_ASSIGN_OR_RETURN(s.having, parse_expr());
  }
  while (true) {
    if (at_keyword("WINDOW") && at_name(1) && at_keyword("AS", 2) && s.windows.empty()) {
      next();
      do {
        NamedWindow w;
        w.pos = peek().pos;
        BRAID_ASSIGN_OR_RETURN(w.name, parse_name("a window name"));
        BRAID_RETURN_IF_ERROR(expect_keyword("AS"));
        BRAID_ASSIGN_OR_RETURN(w.spec, parse_window_spec());
        s.windows.push_back(std::move(w));
      } while (accept(TokenKind::kComma));
    } else if (at_keyword("QUALIFY") && !s.qualify) {
      next();
      BRAID_ASSIGN_OR_RETURN(s.qualify, parse_expr());
    } else {
      break;
    }
  }
  return s;
}

Result<std::vector<ExprPtr>> Parser::parse_expr_list() {
  std::vector<ExprPtr> list;
  do {
    BRAID_ASSIGN_OR_RETURN(ExprPtr e, parse_expr());
    list.push_back(std::move(e));
  } while (accept(TokenKind::kComma));
  return list;
}

Result<std::vector<OrderItem>> Parser::parse_order_items() {
  std::vector<OrderItem> items;
  do {
    OrderItem item;
    item.pos = peek().pos;
    BRAID_ASSIGN_OR_RETURN(item.expr, parse_expr());
    if (accept_keyword("DESC")) {
      item.descending = true;
    } else {
      accept_keyword("ASC");
    }
    if (accept_keyword("NULLS")) {
      if (accept_keyword("FIRST")) {
        item.nulls_first = true;
      } else if (accept_keyword("LAST")) {
        item.nulls_first = false;
      } else {
        return expected("FIRST or LAST");
      }
    }
    items.push_back(std::move(item));
  } while (accept(TokenKind::kComma));
  return items;
}

Result<WindowSpec> Parser::parse_window_spec() {
  Nest nest(depth_);
  BRAID_RETURN_IF_ERROR(check_depth());
  WindowSpec w;
  w.pos = peek().pos;
  BRAID_RETURN_IF_ERROR(expect(TokenKind::kLParen, "'('"));
  auto at_clause = [&]() {
    return ((at_keyword("PARTITION") || at_keyword("DISTRIBUTE") || at_keyword("ORDER") ||
             at_keyword("SORT")) &&
            at_keyword("BY", 1)) ||
           at_keyword("ROWS") || at_keyword("RANGE");
  };
  if (at_name() && !at_clause()) w.base_window = next().value;
  if ((at_keyword("PARTITION") || at_keyword("DISTRIBUTE")) && at_keyword("BY", 1)) {
    next();
    next();
    BRAID_ASSIGN_OR_RETURN(w.partition_by, parse_expr_list());
  }
  if ((at_keyword("ORDER") || at_keyword("SORT")) && at_keyword("BY", 1)) {
    next();
    next();
    BRAID_ASSIGN_OR_RETURN(w.order_by, parse_order_items());
  }
  if (at_keyword("ROWS") || at_keyword("RANGE")) {
    WindowFrame frame;
    frame.unit = next().is_keyword("ROWS") ? FrameUnit::kRows : FrameUnit::kRange;
    if (accept_keyword("BETWEEN")) {
      BRAID_ASSIGN_OR_RETURN(frame.start, parse_frame_bound());
      BRAID_RETURN_IF_ERROR(expect_keyword("AND"));
      BRAID_ASSIGN_OR_RETURN(frame.end, parse_frame_bound());
    } else {
      BRAID_ASSIGN_OR_RETURN(frame.start, parse_frame_bound());
      frame.end.kind = FrameBoundKind::kCurrentRow;
    }
    w.frame = std::move(frame);
  }
  BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "')'"));
  return w;
}

Result<FrameBound> Parser::parse_frame_bound() {
  FrameBound b;
  if (accept_keyword("UNBOUNDED")) {
    if (accept_keyword("PRECEDING")) {
      b.kind = FrameBoundKind::kUnboundedPreceding;
    } else if (accept_keyword("FOLLOWING")) {
      b.kind = FrameBoundKind::kUnboundedFollowing;
    } else {
      return expected("PRECEDING or FOLLOWING");
    }
    return b;
  }
  if (at_keyword("CURRENT") && at_keyword("ROW", 1)) {
    next();
    next();
    b.kind = FrameBoundKind::kCurrentRow;
    return b;
  }
  BRAID_ASSIGN_OR_RETURN(b.offset, parse_binary(kPrecBitOr));
  if (accept_keyword("PRECEDING")) {
    b.kind = FrameBoundKind::kPreceding;
  } else if (accept_keyword("FOLLOWING")) {
    b.kind = FrameBoundKind::kFollowing;
  } else {
    return expected("PRECEDING or FOLLOWING");
  }
  return b;
}

}  // namespace braid::sql::parser_internal
