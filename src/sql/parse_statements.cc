// Parsing statements: the dispatch on a statement's first word, CREATE TABLE / VIEW, ALTER TABLE,
// DROP, DESCRIBE, SHOW, OPTIMIZE, VACUUM, EXPLAIN, SET and RESET. Queries, DML, relations, types
// and expressions have their own files (see internal/parser.h).
#include <charconv>
#include <string>
#include <utility>
#include <vector>

#include "sql/internal/parser.h"

namespace braid::sql::parser_internal {

Result<StatementPtr> Parser::parse_one_statement() {
  Nest nest(depth_);
  BRAID_RETURN_IF_ERROR(check_depth());
  const Token& first = peek();
  auto st = std::make_unique<Statement>();
  st->pos = first.pos;
  st->offset = first.offset;
  BRAID_ASSIGN_OR_RETURN(st->node, parse_statement_node());
  st->text = std::string(sql_.substr(st->offset, last_end_ - st->offset));
  return st;
}

Result<StatementNode> Parser::parse_statement_node() {
  const Token& t = peek();
  if (t.is_keyword("WITH")) {
    const SourcePosition pos = t.pos;
    next();
    std::vector<CommonTableExpr> ctes;
    BRAID_RETURN_IF_ERROR(parse_ctes(ctes));
    if (at_keyword("INSERT")) return parse_insert(std::move(ctes));
    if (at_keyword("UPDATE")) return parse_update(std::move(ctes));
    if (at_keyword("DELETE")) return parse_delete(std::move(ctes));
    if (at_keyword("MERGE")) return parse_merge(std::move(ctes));
    BRAID_ASSIGN_OR_RETURN(QueryPtr q, parse_query_after_with(pos, std::move(ctes), nullptr));
    return QueryStatement{std::move(q)};
  }
  if (t.is_keyword("SELECT") || t.is_keyword("VALUES") || t.kind == TokenKind::kLParen) {
    BRAID_ASSIGN_OR_RETURN(QueryPtr q, parse_query());
    return QueryStatement{std::move(q)};
  }
  if (t.is_keyword("CREATE")) return parse_create();
  if (t.is_keyword("DROP")) return parse_drop();
  if (t.is_keyword("INSERT")) return parse_insert({});
  if (t.is_keyword("UPDATE")) return parse_update({});
  if (t.is_keyword("DELETE")) return parse_delete({});
  if (t.is_keyword("MERGE")) return parse_merge({});
  if (t.is_keyword("DESCRIBE") || t.is_keyword("DESC")) return parse_describe();
  if (t.is_keyword("SHOW")) return parse_show();
  if (t.is_keyword("OPTIMIZE")) return parse_optimize();
  if (t.is_keyword("VACUUM")) return parse_vacuum();
  if (t.is_keyword("EXPLAIN")) return parse_explain();
  if (t.is_keyword("SET")) return parse_set();
  if (t.is_keyword("ALTER")) return parse_alter();
  if (t.is_keyword("RESET")) return parse_reset();
  return expected("a statement");
}

// ALTER TABLE t SET TBLPROPERTIES (...) | UNSET TBLPROPERTIES [IF EXISTS] (...): the one ALTER
// braid implements; the others are refused by name.
Result<StatementNode> Parser::parse_alter() {
  next();  // ALTER
  if (!at_keyword("TABLE")) return expected("TABLE");
  next();
  AlterTableProperties a;
  BRAID_ASSIGN_OR_RETURN(a.table, parse_table_name(true));
  const Token& t = peek();
  if ((t.is_keyword("SET") || t.is_keyword("UNSET")) && at_keyword("TBLPROPERTIES", 1)) {
    a.unset = t.is_keyword("UNSET");
    next();
    next();
    if (!a.unset) {
      BRAID_ASSIGN_OR_RETURN(a.properties, parse_properties());
      return a;
    }
    BRAID_ASSIGN_OR_RETURN(a.if_exists, parse_if_exists());
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kLParen, "'('"));
    do {
      std::string key;
      if (at(TokenKind::kString)) {
        key = next().value;
      } else if (at_name_part()) {
        key = next().value;
        while (at(TokenKind::kDot) && at_name_part(1)) {
          next();
          key += '.';
          key += next().value;
        }
      } else {
        return expected("a property key");
      }
      a.keys.push_back(std::move(key));
    } while (accept(TokenKind::kComma));
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "',' or ')'"));
    return a;
  }
  return error_at(t.pos, fmt::format("ALTER TABLE ... {} is not supported; braid implements ALTER TABLE ... SET "
                                     "TBLPROPERTIES and UNSET TBLPROPERTIES",
                                     t.kind == TokenKind::kEnd ? std::string("(nothing)") : upper(t.text)));
}

Result<StatementNode> Parser::parse_create() {
  next();  // CREATE
  bool or_replace = false;
  if (accept_keyword("OR")) {
    BRAID_RETURN_IF_ERROR(expect_keyword("REPLACE"));
    or_replace = true;
  }
  const bool global = accept_keyword("GLOBAL");
  const bool temporary = accept_keyword("TEMPORARY") || accept_keyword("TEMP");
  if (global && !temporary) return expected("TEMPORARY");
  if (at_keyword("VIEW")) {
    next();
    return parse_create_view(or_replace, temporary, global);
  }
  if (temporary) return expected("VIEW");
  if (!at_keyword("TABLE")) return expected("TABLE or VIEW");
  next();
  return parse_create_table(or_replace);
}

Result<bool> Parser::parse_if_not_exists() {
  if (!at_keyword("IF")) return false;
  next();
  BRAID_RETURN_IF_ERROR(expect_keyword("NOT"));
  BRAID_RETURN_IF_ERROR(expect_keyword("EXISTS"));
  return true;
}

Result<bool> Parser::parse_if_exists() {
  if (!at_keyword("IF")) return false;
  next();
  BRAID_RETURN_IF_ERROR(expect_keyword("EXISTS"));
  return true;
}

Result<StatementNode> Parser::parse_create_table(bool or_replace) {
  CreateTable c;
  c.or_replace = or_replace;
  const SourcePosition if_pos = peek().pos;
  BRAID_ASSIGN_OR_RETURN(c.if_not_exists, parse_if_not_exists());
  if (c.or_replace && c.if_not_exists) {
    return error_at(if_pos, "CREATE OR REPLACE TABLE cannot be combined with IF NOT EXISTS");
  }
  BRAID_ASSIGN_OR_RETURN(c.name, parse_table_name(false));
  if (at(TokenKind::kLParen) && !paren_starts_query(0)) {
    next();
    do {
      ColumnDef col;
      col.pos = peek().pos;
      BRAID_ASSIGN_OR_RETURN(col.name, parse_name("a column name"));
      BRAID_ASSIGN_OR_RETURN(col.type, parse_type());
      while (true) {
        if (at_keyword("NOT") && at_keyword("NULL", 1)) {
          next();
          next();
          col.not_null = true;
        } else if (accept_keyword("COMMENT")) {
          BRAID_ASSIGN_OR_RETURN(col.comment, parse_string("a comment string"));
        } else {
          break;
        }
      }
      c.columns.push_back(std::move(col));
    } while (accept(TokenKind::kComma));
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "',' or ')'"));
  }
  // Table clauses, in any order, each at most once.
  bool seen_partitioned = false;
  bool seen_properties = false;
  while (true) {
    const Token& t = peek();
    auto duplicate = [&]() {
      return error_at(t.pos, fmt::format("duplicate {} clause", upper(t.text)));
    };
    if (t.is_keyword("USING")) {
      if (c.using_format) return duplicate();
      next();
      BRAID_ASSIGN_OR_RETURN(c.using_format, parse_name("a table format"));
    } else if (t.is_keyword("PARTITIONED")) {
      if (seen_partitioned) return duplicate();
      seen_partitioned = true;
      next();
      BRAID_RETURN_IF_ERROR(expect_keyword("BY"));
      BRAID_ASSIGN_OR_RETURN(c.partitioned_by, parse_name_list("a column name"));
    } else if (t.is_keyword("LOCATION")) {
      if (c.location) return duplicate();
      next();
      BRAID_ASSIGN_OR_RETURN(c.location, parse_string("a location string"));
    } else if (t.is_keyword("COMMENT")) {
      if (c.comment) return duplicate();
      next();
      BRAID_ASSIGN_OR_RETURN(c.comment, parse_string("a comment string"));
    } else if (t.is_keyword("CLUSTER") && at_keyword("BY", 1)) {
      return not_supported(t.pos, "CREATE TABLE ... CLUSTER BY (liquid clustering); PARTITIONED BY works");
    } else if (t.is_keyword("TBLPROPERTIES")) {
      if (seen_properties) return duplicate();
      seen_properties = true;
      next();
      BRAID_ASSIGN_OR_RETURN(c.properties, parse_properties());
    } else {
      break;
    }
  }
  if (accept_keyword("AS")) {
    BRAID_ASSIGN_OR_RETURN(c.as_query, parse_query());
  }
  return c;
}

// TBLPROPERTIES ('key' = 'value', key.part = value, ...): keys and values as text.
Result<Properties> Parser::parse_properties() {
  BRAID_RETURN_IF_ERROR(expect(TokenKind::kLParen, "'('"));
  Properties props;
  do {
    std::string key;
    if (at(TokenKind::kString)) {
      key = next().value;
    } else if (at_name_part()) {
      key = next().value;
      while (at(TokenKind::kDot) && at_name_part(1)) {
        next();
        key += '.';
        key += next().value;
      }
    } else {
      return expected("a property key");
    }
    accept(TokenKind::kEq);
    std::string value;
    const Token& v = peek();
    if (v.kind == TokenKind::kString) {
      BRAID_ASSIGN_OR_RETURN(value, parse_string("a property value"));
    } else if (v.kind == TokenKind::kNumber || v.kind == TokenKind::kIdentifier) {
      value = std::string(next().text);
    } else if ((v.kind == TokenKind::kMinus || v.kind == TokenKind::kPlus) &&
               at(TokenKind::kNumber, 1)) {
      value = std::string(next().text);
      value += next().text;
    } else {
      return expected("a property value");
    }
    props.emplace_back(std::move(key), std::move(value));
  } while (accept(TokenKind::kComma));
  BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "',' or ')'"));
  return props;
}

Result<StatementNode> Parser::parse_create_view(bool or_replace, bool temporary, bool global) {
  CreateView v;
  v.or_replace = or_replace;
  v.temporary = temporary;
  v.global = global;
  const SourcePosition if_pos = peek().pos;
  BRAID_ASSIGN_OR_RETURN(v.if_not_exists, parse_if_not_exists());
  if (v.or_replace && v.if_not_exists) {
    return error_at(if_pos, "CREATE OR REPLACE VIEW cannot be combined with IF NOT EXISTS");
  }
  BRAID_ASSIGN_OR_RETURN(v.name, parse_table_name(false));
  if (at(TokenKind::kLParen)) {
    next();
    do {
      ViewColumn col;
      BRAID_ASSIGN_OR_RETURN(col.name, parse_name("a column name"));
      if (accept_keyword("COMMENT")) {
        BRAID_ASSIGN_OR_RETURN(col.comment, parse_string("a comment string"));
      }
      v.columns.push_back(std::move(col));
    } while (accept(TokenKind::kComma));
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "',' or ')'"));
  }
  if (accept_keyword("COMMENT")) {
    BRAID_ASSIGN_OR_RETURN(v.comment, parse_string("a comment string"));
  }
  BRAID_RETURN_IF_ERROR(expect_keyword("AS"));
  const size_t start = peek().offset;
  BRAID_ASSIGN_OR_RETURN(v.query, parse_query());
  v.query_text = std::string(sql_.substr(start, last_end_ - start));
  return v;
}

Result<StatementNode> Parser::parse_drop() {
  next();  // DROP
  if (accept_keyword("TABLE")) {
    DropTable d;
    BRAID_ASSIGN_OR_RETURN(d.if_exists, parse_if_exists());
    BRAID_ASSIGN_OR_RETURN(d.name, parse_table_name(false));
    return d;
  }
  if (accept_keyword("VIEW")) {
    DropView d;
    BRAID_ASSIGN_OR_RETURN(d.if_exists, parse_if_exists());
    BRAID_ASSIGN_OR_RETURN(d.name, parse_table_name(false));
    return d;
  }
  return expected("TABLE or VIEW");
}

// Words after DESCRIBE/HISTORY/... that start a table name (not the end of the statement).
bool Parser::at_table_name_start(size_t ahead) const {
  return at_name(ahead) || at(TokenKind::kString, ahead);
}

Result<StatementNode> Parser::parse_describe() {
  next();  // DESCRIBE | DESC
  Describe d;
  if (at_keyword("HISTORY") && at_table_name_start(1)) {
    next();
    d.kind = DescribeKind::kHistory;
    BRAID_ASSIGN_OR_RETURN(d.table, parse_table_name(true));
    if (accept_keyword("LIMIT")) {
      BRAID_ASSIGN_OR_RETURN(d.limit, parse_binary(kPrecBitOr));
    }
    return d;
  }
  if (at_keyword("DETAIL") && at_table_name_start(1)) {
    next();
    d.kind = DescribeKind::kDetail;
    BRAID_ASSIGN_OR_RETURN(d.table, parse_table_name(true));
    return d;
  }
  if (at_keyword("TABLE") && at_name(1)) next();
  if ((at_keyword("EXTENDED") || at_keyword("FORMATTED")) && at_name(1)) {
    next();
    d.extended = true;
  }
  BRAID_ASSIGN_OR_RETURN(d.table, parse_table_name(false));
  return d;
}

Result<StatementNode> Parser::parse_show() {
  next();  // SHOW
  Show s;
  if (accept_keyword("TABLES")) {
    s.kind = ShowKind::kTables;
  } else if (accept_keyword("VIEWS")) {
    s.kind = ShowKind::kViews;
  } else if (accept_keyword("COLUMNS")) {
    s.kind = ShowKind::kColumns;
    if (!accept_keyword("FROM") && !accept_keyword("IN")) return expected("FROM or IN");
    BRAID_ASSIGN_OR_RETURN(s.table, parse_table_name(false));
    if (accept_keyword("FROM") || accept_keyword("IN")) {
      BRAID_ASSIGN_OR_RETURN(s.database, parse_column_path());
    }
    return s;
  } else {
    return expected("TABLES, VIEWS or COLUMNS");
  }
  if (accept_keyword("FROM") || accept_keyword("IN")) {
    BRAID_ASSIGN_OR_RETURN(s.database, parse_column_path());
  }
  accept_keyword("LIKE");
  if (at(TokenKind::kString)) {
    BRAID_ASSIGN_OR_RETURN(s.pattern, parse_string("a pattern"));
  }
  return s;
}

Result<StatementNode> Parser::parse_optimize() {
  next();  // OPTIMIZE
  Optimize o;
  BRAID_ASSIGN_OR_RETURN(o.table, parse_table_name(true));
  if (accept_keyword("WHERE")) {
    BRAID_ASSIGN_OR_RETURN(o.where, parse_expr());
  }
  if (accept_keyword("ZORDER")) {
    BRAID_RETURN_IF_ERROR(expect_keyword("BY"));
    const bool paren = accept(TokenKind::kLParen);
    do {
      BRAID_ASSIGN_OR_RETURN(QualifiedName col, parse_column_path());
      o.zorder_by.push_back(std::move(col));
    } while (accept(TokenKind::kComma));
    if (paren) BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "',' or ')'"));
  }
  return o;
}

Result<StatementNode> Parser::parse_vacuum() {
  next();  // VACUUM
  Vacuum v;
  BRAID_ASSIGN_OR_RETURN(v.table, parse_table_name(true));
  if (accept_keyword("RETAIN")) {
    const Token& n = peek();
    double hours = 0;
    if (n.kind != TokenKind::kNumber || n.number_kind == NumberKind::kFloat)
      return expected("a number of hours");
    const std::string& text = n.value;
    const auto parsed = std::from_chars(text.data(), text.data() + text.size(), hours);
    if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size()) {
      return error_at(n.pos, "invalid number of hours");
    }
    next();
    v.retain_hours = hours;
    BRAID_RETURN_IF_ERROR(expect_keyword("HOURS"));
  }
  if (accept_keyword("DRY")) {
    BRAID_RETURN_IF_ERROR(expect_keyword("RUN"));
    v.dry_run = true;
  }
  return v;
}

Result<StatementNode> Parser::parse_explain() {
  next();  // EXPLAIN
  Explain e;
  if (accept_keyword("EXTENDED")) {
    e.mode = ExplainMode::kExtended;
  } else if (accept_keyword("FORMATTED")) {
    e.mode = ExplainMode::kFormatted;
  } else if (accept_keyword("CODEGEN")) {
    e.mode = ExplainMode::kCodegen;
  } else if (accept_keyword("COST")) {
    e.mode = ExplainMode::kCost;
  }
  BRAID_ASSIGN_OR_RETURN(e.statement, parse_one_statement());
  return e;
}

bool Parser::at_statement_end() const { return at(TokenKind::kEnd) || at(TokenKind::kSemicolon); }

Result<StatementNode> Parser::parse_set() {
  next();  // SET
  SetOption s;
  if (at_statement_end()) return s;
  if (at(TokenKind::kEq)) return expected("an option name");
  if (at_keyword("TIME") && at_keyword("ZONE", 1)) {
    // SET TIME ZONE 'zone' | LOCAL | INTERVAL ...: Spark's spelling of the session time zone.
    next();
    next();
    if (at_statement_end()) return expected("a time zone");
    s.key = "spark.sql.session.timeZone";
    s.value = parse_set_value();
    return s;
  }
  const size_t key_start = peek().offset;
  while (!at_statement_end() && !at(TokenKind::kEq)) next();
  s.key = std::string(sql_.substr(key_start, last_end_ - key_start));
  if (accept(TokenKind::kEq)) s.value = parse_set_value();
  return s;
}

// The value of SET: one string literal unquoted, else the text up to the statement's end.
std::string Parser::parse_set_value() {
  if (at(TokenKind::kString) && (at(TokenKind::kEnd, 1) || at(TokenKind::kSemicolon, 1))) return next().value;
  if (at_statement_end()) return std::string();
  const size_t value_start = peek().offset;
  while (!at_statement_end()) next();
  return std::string(sql_.substr(value_start, last_end_ - value_start));
}

Result<StatementNode> Parser::parse_reset() {
  next();  // RESET
  SetOption s;
  s.reset = true;
  if (at_statement_end()) return s;
  const size_t key_start = peek().offset;
  while (!at_statement_end()) next();
  s.key = std::string(sql_.substr(key_start, last_end_ - key_start));
  return s;
}

}  // namespace braid::sql::parser_internal
