// Parsing the statements that change a table's rows: INSERT, UPDATE, DELETE and MERGE.
#include <string>
#include <utility>
#include <vector>

#include "sql/internal/parser.h"

namespace braid::sql::parser_internal {

Result<StatementNode> Parser::parse_insert(std::vector<CommonTableExpr> ctes) {
  next();  // INSERT
  Insert ins;
  ins.ctes = std::move(ctes);
  if (accept_keyword("OVERWRITE")) {
    ins.overwrite = true;
  } else if (!accept_keyword("INTO")) {
    return expected("INTO or OVERWRITE");
  }
  if (at_keyword("TABLE") && at_name(1) && !is_query_start(peek(1))) next();
  BRAID_ASSIGN_OR_RETURN(ins.table, parse_table_name(false));
  if (at_keyword("PARTITION") && at(TokenKind::kLParen, 1)) {
    next();
    next();
    do {
      PartitionValue p;
      p.pos = peek().pos;
      BRAID_ASSIGN_OR_RETURN(p.column, parse_name("a partition column"));
      if (accept(TokenKind::kEq)) {
        BRAID_ASSIGN_OR_RETURN(p.value, parse_binary(kPrecBitOr));
      }
      ins.partition.push_back(std::move(p));
    } while (accept(TokenKind::kComma));
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "',' or ')'"));
  }
  if (at(TokenKind::kLParen) && !paren_starts_query(0)) {
    BRAID_ASSIGN_OR_RETURN(ins.columns, parse_name_list("a column name"));
  }
  if (at_keyword("REPLACE") && at_keyword("WHERE", 1)) {
    next();
    next();
    BRAID_ASSIGN_OR_RETURN(ins.replace_where, parse_expr());
  }
  BRAID_ASSIGN_OR_RETURN(ins.query, parse_query());
  return ins;
}

// [AS] alias, for UPDATE / DELETE / MERGE targets.
Result<std::optional<std::string>> Parser::parse_optional_alias() {
  if (accept_keyword("AS")) {
    BRAID_ASSIGN_OR_RETURN(std::string a, parse_name("an alias"));
    return std::optional<std::string>(std::move(a));
  }
  if (at_implicit_alias()) return std::optional<std::string>(next().value);
  return std::optional<std::string>();
}

Result<std::vector<Assignment>> Parser::parse_assignments() {
  std::vector<Assignment> out;
  do {
    Assignment a;
    a.pos = peek().pos;
    BRAID_ASSIGN_OR_RETURN(a.column, parse_column_path());
    if (!accept(TokenKind::kEq)) return expected("'='");
    BRAID_ASSIGN_OR_RETURN(a.value, parse_expr());
    out.push_back(std::move(a));
  } while (accept(TokenKind::kComma));
  return out;
}

Result<StatementNode> Parser::parse_update(std::vector<CommonTableExpr> ctes) {
  next();  // UPDATE
  Update u;
  u.ctes = std::move(ctes);
  BRAID_ASSIGN_OR_RETURN(u.table, parse_table_name(false));
  BRAID_ASSIGN_OR_RETURN(u.alias, parse_optional_alias());
  BRAID_RETURN_IF_ERROR(expect_keyword("SET"));
  BRAID_ASSIGN_OR_RETURN(u.assignments, parse_assignments());
  if (accept_keyword("WHERE")) {
    BRAID_ASSIGN_OR_RETURN(u.where, parse_expr());
  }
  return u;
}

Result<StatementNode> Parser::parse_delete(std::vector<CommonTableExpr> ctes) {
  next();  // DELETE
  Delete d;
  d.ctes = std::move(ctes);
  BRAID_RETURN_IF_ERROR(expect_keyword("FROM"));
  BRAID_ASSIGN_OR_RETURN(d.table, parse_table_name(false));
  BRAID_ASSIGN_OR_RETURN(d.alias, parse_optional_alias());
  if (accept_keyword("WHERE")) {
    BRAID_ASSIGN_OR_RETURN(d.where, parse_expr());
  }
  return d;
}

Result<StatementNode> Parser::parse_merge(std::vector<CommonTableExpr> ctes) {
  next();  // MERGE
  Merge m;
  m.ctes = std::move(ctes);
  BRAID_RETURN_IF_ERROR(expect_keyword("INTO"));
  BRAID_ASSIGN_OR_RETURN(m.target, parse_table_name(false));
  BRAID_ASSIGN_OR_RETURN(m.target_alias, parse_optional_alias());
  BRAID_RETURN_IF_ERROR(expect_keyword("USING"));
  BRAID_ASSIGN_OR_RETURN(m.source, parse_table_primary());
  BRAID_RETURN_IF_ERROR(expect_keyword("ON"));
  BRAID_ASSIGN_OR_RETURN(m.on, parse_expr());
  if (!at_keyword("WHEN")) return expected("WHEN");
  while (at_keyword("WHEN")) {
    BRAID_ASSIGN_OR_RETURN(MergeClause clause, parse_merge_clause());
    m.clauses.push_back(std::move(clause));
  }
  // Spark: of several clauses of one kind, only the last may omit its condition.
  for (size_t i = 0; i < m.clauses.size(); ++i) {
    const MergeClause& c = m.clauses[i];
    if (c.condition) continue;
    for (size_t j = i + 1; j < m.clauses.size(); ++j) {
      if (m.clauses[j].match != c.match) continue;
      const char* kind = c.match == MergeMatch::kMatched ? "WHEN MATCHED"
                         : c.match == MergeMatch::kNotMatchedByTarget
                             ? "WHEN NOT MATCHED [BY TARGET]"
                             : "WHEN NOT MATCHED BY SOURCE";
      return error_at(c.pos, fmt::format("only the last {} clause may omit its condition", kind));
    }
  }
  return m;
}

Result<MergeClause> Parser::parse_merge_clause() {
  MergeClause c;
  c.pos = next().pos;  // WHEN
  if (accept_keyword("NOT")) {
    BRAID_RETURN_IF_ERROR(expect_keyword("MATCHED"));
    c.match = MergeMatch::kNotMatchedByTarget;
    if (accept_keyword("BY")) {
      if (accept_keyword("SOURCE")) {
        c.match = MergeMatch::kNotMatchedBySource;
      } else if (!accept_keyword("TARGET")) {
        return expected("TARGET or SOURCE");
      }
    }
  } else {
    BRAID_RETURN_IF_ERROR(expect_keyword("MATCHED"));
  }
  if (accept_keyword("AND")) {
    BRAID_ASSIGN_OR_RETURN(c.condition, parse_expr());
  }
  BRAID_RETURN_IF_ERROR(expect_keyword("THEN"));
  if (c.match == MergeMatch::kNotMatchedByTarget) {
    if (!accept_keyword("INSERT")) return expected("INSERT");
    if (accept(TokenKind::kStar)) {
      c.action = MergeAction::kInsertStar;
      return c;
    }
    c.action = MergeAction::kInsert;
    const SourcePosition cols_pos = peek().pos;
    if (accept(TokenKind::kLParen)) {
      do {
        BRAID_ASSIGN_OR_RETURN(QualifiedName col, parse_column_path());
        c.insert_columns.push_back(std::move(col));
      } while (accept(TokenKind::kComma));
      BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "',' or ')'"));
    } else if (!at_keyword("VALUES")) {
      return expected("'(', '*' or VALUES");
    }
    BRAID_RETURN_IF_ERROR(expect_keyword("VALUES"));
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kLParen, "'('"));
    do {
      BRAID_ASSIGN_OR_RETURN(ExprPtr v, parse_expr());
      c.insert_values.push_back(std::move(v));
    } while (accept(TokenKind::kComma));
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "',' or ')'"));
    if (!c.insert_columns.empty() && c.insert_columns.size() != c.insert_values.size()) {
      return error_at(cols_pos, fmt::format("INSERT lists {} columns but {} values",
                                            c.insert_columns.size(), c.insert_values.size()));
    }
    return c;
  }
  if (accept_keyword("DELETE")) {
    c.action = MergeAction::kDelete;
    return c;
  }
  if (!at_keyword("UPDATE")) return expected("UPDATE or DELETE");
  next();
  BRAID_RETURN_IF_ERROR(expect_keyword("SET"));
  if (at(TokenKind::kStar)) {
    if (c.match == MergeMatch::kNotMatchedBySource) {
      return error_at(peek().pos, "UPDATE SET * is not allowed in WHEN NOT MATCHED BY SOURCE");
    }
    next();
    c.action = MergeAction::kUpdateStar;
    return c;
  }
  c.action = MergeAction::kUpdate;
  BRAID_ASSIGN_OR_RETURN(c.assignments, parse_assignments());
  return c;
}

}  // namespace braid::sql::parser_internal
