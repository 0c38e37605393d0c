// The SQL printer: to_sql() and quote_identifier() of ast.h, the canonical SQL text of syntax
// trees. Every compound expression is printed in parentheses and identifiers that are keywords
// anywhere in the grammar are quoted, so that the parser reads the text back to the same tree.
#include "sql/ast.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/ascii.h"
#include "sql/keywords.h"
#include "sql/lexer.h"
#include "sql/parser.h"

namespace braid::sql {
namespace {

using ascii::upper;

bool is_plain_identifier(std::string_view name) {
  return is_plain_word(name);
}

// A function name: bare unless it would read as something else. Reserved words still name
// functions before '(' when the parser allows it (left(s, 2)); CAST( and friends never do.
std::string function_name(const QualifiedName& name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    if (i > 0) out += '.';
    const std::string u = upper(name[i]);
    const bool special = keyword_kind(u) == KeywordKind::kReserved ||
                         u == "CAST" || u == "TRY_CAST" || u == "EXISTS" || u == "INTERVAL" ||
                         u == "VALUES" || u == "DATE" || u == "TIMESTAMP" || u == "TIMESTAMP_NTZ" ||
                         u == "TIMESTAMP_LTZ";
    out += (is_plain_identifier(name[i]) && !special) ? name[i] : quote_identifier(name[i]);
  }
  return out;
}

// A table function's name: any plain name that is not reserved (range, read_csv).
std::string table_function_name(const QualifiedName& name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    if (i > 0) out += '.';
    const bool plain =
        is_plain_identifier(name[i]) && !is_reserved_word(name[i]) && upper(name[i]) != "VALUES";
    out += plain ? name[i] : quote_identifier(name[i]);
  }
  return out;
}

std::string names(const QualifiedName& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += '.';
    out += quote_identifier(parts[i]);
  }
  return out;
}

std::string name_list(const std::vector<std::string>& list) {
  std::string out = "(";
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out += ", ";
    out += quote_identifier(list[i]);
  }
  return out + ")";
}

std::string expr_list(const std::vector<ExprPtr>& list) {
  std::string out;
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out += ", ";
    out += to_sql(*list[i]);
  }
  return out;
}

std::string literal_sql(const Literal& lit) {
  switch (lit.kind) {
    case LiteralKind::kNull: return "NULL";
    case LiteralKind::kBoolean: return lit.bool_value ? "TRUE" : "FALSE";
    case LiteralKind::kInteger: return lit.text;
    case LiteralKind::kBigint: return lit.text + "L";
    case LiteralKind::kSmallint: return lit.text + "S";
    case LiteralKind::kTinyint: return lit.text + "Y";
    case LiteralKind::kDecimal: {
      const bool plain = lit.text.find('.') != std::string::npos &&
                         lit.text.find_first_of("eE") == std::string::npos;
      return plain ? lit.text : lit.text + "BD";
    }
    case LiteralKind::kDouble:
      return lit.text.find_first_of("eE") != std::string::npos ? lit.text : lit.text + "D";
    case LiteralKind::kFloat: return lit.text + "F";
    case LiteralKind::kString: return quote_string(lit.text);
    case LiteralKind::kBinary: return "X'" + lit.text + "'";
    case LiteralKind::kDate: return "DATE " + quote_string(lit.text);
    case LiteralKind::kTimestamp: return "TIMESTAMP " + quote_string(lit.text);
    case LiteralKind::kTimestampNtz: return "TIMESTAMP_NTZ " + quote_string(lit.text);
    case LiteralKind::kInterval: {
      if (lit.interval_parts.empty()) return "INTERVAL " + quote_string(lit.text);
      std::string out = "INTERVAL";
      for (const IntervalPart& p : lit.interval_parts) {
        out += ' ';
        out += p.quoted ? quote_string(p.value) : p.value;
        out += ' ';
        out += interval_unit_sql(p.unit);
        if (p.to_unit) {
          out += " TO ";
          out += interval_unit_sql(*p.to_unit);
        }
      }
      return out;
    }
  }
  return "NULL";
}

// The base of `base[i]` or `base.f`: a literal goes in parentheses so that `2.f` cannot read as
// the number `2.` and `'a' 'b'` cannot merge.
std::string postfix_base_sql(const Expr& base) {
  return base.as<Literal>() ? "(" + to_sql(base) + ")" : to_sql(base);
}

std::string order_items_sql(const std::vector<OrderItem>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += to_sql(*items[i].expr);
    if (items[i].descending) out += " DESC";
    if (items[i].nulls_first) out += *items[i].nulls_first ? " NULLS FIRST" : " NULLS LAST";
  }
  return out;
}

std::string frame_bound_sql(const FrameBound& b) {
  switch (b.kind) {
    case FrameBoundKind::kUnboundedPreceding: return "UNBOUNDED PRECEDING";
    case FrameBoundKind::kPreceding: return to_sql(*b.offset) + " PRECEDING";
    case FrameBoundKind::kCurrentRow: return "CURRENT ROW";
    case FrameBoundKind::kFollowing: return to_sql(*b.offset) + " FOLLOWING";
    case FrameBoundKind::kUnboundedFollowing: return "UNBOUNDED FOLLOWING";
  }
  return "CURRENT ROW";
}

// The parenthesised body of a window specification.
std::string window_spec_sql(const WindowSpec& w) {
  std::vector<std::string> parts;
  if (w.base_window) parts.push_back(quote_identifier(*w.base_window));
  if (!w.partition_by.empty()) parts.push_back("PARTITION BY " + expr_list(w.partition_by));
  if (!w.order_by.empty()) parts.push_back("ORDER BY " + order_items_sql(w.order_by));
  if (w.frame) {
    parts.push_back(fmt::format("{} BETWEEN {} AND {}",
                                w.frame->unit == FrameUnit::kRows ? "ROWS" : "RANGE",
                                frame_bound_sql(w.frame->start), frame_bound_sql(w.frame->end)));
  }
  return "(" + fmt::format("{}", fmt::join(parts, " ")) + ")";
}

std::string ctes_sql(const std::vector<CommonTableExpr>& ctes) {
  if (ctes.empty()) return "";
  std::string out = "WITH ";
  for (size_t i = 0; i < ctes.size(); ++i) {
    if (i > 0) out += ", ";
    out += quote_identifier(ctes[i].name);
    if (!ctes[i].columns.empty()) out += " " + name_list(ctes[i].columns);
    out += " AS (" + to_sql(*ctes[i].query) + ")";
  }
  return out + " ";
}

// A set operation's operand: bare when it is a plain SELECT or VALUES.
std::string set_operand_sql(const Query& q) {
  const bool plain = q.ctes.empty() && q.order_by.empty() && !q.limit && !q.offset &&
                     (q.as<Select>() != nullptr || q.as<Values>() != nullptr);
  return plain ? to_sql(q) : "(" + to_sql(q) + ")";
}

std::string values_sql(const Values& v) {
  std::string out = "VALUES ";
  for (size_t i = 0; i < v.rows.size(); ++i) {
    if (i > 0) out += ", ";
    out += "(" + expr_list(v.rows[i]) + ")";
  }
  return out;
}

std::string select_sql(const Select& s) {
  std::string out = "SELECT ";
  if (s.distinct) out += "DISTINCT ";
  for (size_t i = 0; i < s.items.size(); ++i) {
    if (i > 0) out += ", ";
    out += to_sql(*s.items[i].expr);
    if (s.items[i].alias) out += " AS " + quote_identifier(*s.items[i].alias);
  }
  if (s.from) out += " FROM " + to_sql(*s.from);
  if (s.where) out += " WHERE " + to_sql(*s.where);
  if (s.group_by_all) out += " GROUP BY ALL";
  if (!s.group_by.empty()) out += " GROUP BY " + expr_list(s.group_by);
  if (s.having) out += " HAVING " + to_sql(*s.having);
  if (!s.windows.empty()) {
    out += " WINDOW ";
    for (size_t i = 0; i < s.windows.size(); ++i) {
      if (i > 0) out += ", ";
      out += quote_identifier(s.windows[i].name) + " AS " + window_spec_sql(s.windows[i].spec);
    }
  }
  if (s.qualify) out += " QUALIFY " + to_sql(*s.qualify);
  return out;
}

std::string alias_sql(const TableRef& t) {
  std::string out;
  if (t.alias) {
    out += " AS " + quote_identifier(*t.alias);
    if (!t.column_aliases.empty()) out += name_list(t.column_aliases);
  }
  return out;
}

std::string_view join_sql(JoinType type) {
  switch (type) {
    case JoinType::kInner: return "JOIN";
    case JoinType::kLeft: return "LEFT JOIN";
    case JoinType::kRight: return "RIGHT JOIN";
    case JoinType::kFull: return "FULL JOIN";
    case JoinType::kCross: return "CROSS JOIN";
    case JoinType::kLeftSemi: return "LEFT SEMI JOIN";
    case JoinType::kLeftAnti: return "LEFT ANTI JOIN";
  }
  return "JOIN";
}

std::string assignments_sql(const std::vector<Assignment>& list) {
  std::string out;
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out += ", ";
    out += names(list[i].column) + " = " + to_sql(*list[i].value);
  }
  return out;
}

std::string optional_alias(const std::optional<std::string>& alias) {
  return alias ? " AS " + quote_identifier(*alias) : "";
}

std::string merge_clause_sql(const MergeClause& c) {
  std::string out = "WHEN ";
  switch (c.match) {
    case MergeMatch::kMatched: out += "MATCHED"; break;
    case MergeMatch::kNotMatchedByTarget: out += "NOT MATCHED"; break;
    case MergeMatch::kNotMatchedBySource: out += "NOT MATCHED BY SOURCE"; break;
  }
  if (c.condition) out += " AND " + to_sql(*c.condition);
  out += " THEN ";
  switch (c.action) {
    case MergeAction::kUpdate: out += "UPDATE SET " + assignments_sql(c.assignments); break;
    case MergeAction::kUpdateStar: out += "UPDATE SET *"; break;
    case MergeAction::kDelete: out += "DELETE"; break;
    case MergeAction::kInsertStar: out += "INSERT *"; break;
    case MergeAction::kInsert: {
      out += "INSERT ";
      if (!c.insert_columns.empty()) {
        out += "(";
        for (size_t i = 0; i < c.insert_columns.size(); ++i) {
          if (i > 0) out += ", ";
          out += names(c.insert_columns[i]);
        }
        out += ") ";
      }
      out += "VALUES (" + expr_list(c.insert_values) + ")";
      break;
    }
  }
  return out;
}

std::string statement_sql(const StatementNode& node) {
  return std::visit(
      [](const auto& s) -> std::string {
        using T = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<T, QueryStatement>) {
          return to_sql(*s.query);
        } else if constexpr (std::is_same_v<T, CreateTable>) {
          std::string out = "CREATE ";
          if (s.or_replace) out += "OR REPLACE ";
          out += "TABLE ";
          if (s.if_not_exists) out += "IF NOT EXISTS ";
          out += to_sql(s.name);
          if (!s.columns.empty()) {
            out += " (";
            for (size_t i = 0; i < s.columns.size(); ++i) {
              const ColumnDef& c = s.columns[i];
              if (i > 0) out += ", ";
              out += quote_identifier(c.name) + " " + to_sql(c.type);
              if (c.not_null) out += " NOT NULL";
              if (c.comment) out += " COMMENT " + quote_string(*c.comment);
            }
            out += ")";
          }
          if (s.using_format) out += " USING " + quote_identifier(*s.using_format);
          if (!s.partitioned_by.empty()) out += " PARTITIONED BY " + name_list(s.partitioned_by);
          if (s.location) out += " LOCATION " + quote_string(*s.location);
          if (s.comment) out += " COMMENT " + quote_string(*s.comment);
          if (!s.properties.empty()) {
            out += " TBLPROPERTIES (";
            for (size_t i = 0; i < s.properties.size(); ++i) {
              if (i > 0) out += ", ";
              out += quote_string(s.properties[i].first) + " = " +
                     quote_string(s.properties[i].second);
            }
            out += ")";
          }
          if (s.as_query) out += " AS " + to_sql(*s.as_query);
          return out;
        } else if constexpr (std::is_same_v<T, DropTable>) {
          return std::string("DROP TABLE ") + (s.if_exists ? "IF EXISTS " : "") + to_sql(s.name);
        } else if constexpr (std::is_same_v<T, Insert>) {
          std::string out = ctes_sql(s.ctes);
          out += s.overwrite ? "INSERT OVERWRITE " : "INSERT INTO ";
          out += to_sql(s.table);
          if (!s.partition.empty()) {
            out += " PARTITION (";
            for (size_t i = 0; i < s.partition.size(); ++i) {
              if (i > 0) out += ", ";
              out += quote_identifier(s.partition[i].column);
              if (s.partition[i].value) out += " = " + to_sql(*s.partition[i].value);
            }
            out += ")";
          }
          if (!s.columns.empty()) out += " " + name_list(s.columns);
          if (s.replace_where) out += " REPLACE WHERE " + to_sql(*s.replace_where);
          return out + " " + to_sql(*s.query);
        } else if constexpr (std::is_same_v<T, Update>) {
          std::string out =
              ctes_sql(s.ctes) + "UPDATE " + to_sql(s.table) + optional_alias(s.alias);
          out += " SET " + assignments_sql(s.assignments);
          if (s.where) out += " WHERE " + to_sql(*s.where);
          return out;
        } else if constexpr (std::is_same_v<T, Delete>) {
          std::string out =
              ctes_sql(s.ctes) + "DELETE FROM " + to_sql(s.table) + optional_alias(s.alias);
          if (s.where) out += " WHERE " + to_sql(*s.where);
          return out;
        } else if constexpr (std::is_same_v<T, Merge>) {
          std::string out =
              ctes_sql(s.ctes) + "MERGE INTO " + to_sql(s.target) + optional_alias(s.target_alias);
          out += " USING " + to_sql(*s.source) + " ON " + to_sql(*s.on);
          for (const MergeClause& c : s.clauses) out += " " + merge_clause_sql(c);
          return out;
        } else if constexpr (std::is_same_v<T, CreateView>) {
          std::string out = "CREATE ";
          if (s.or_replace) out += "OR REPLACE ";
          if (s.global) out += "GLOBAL ";
          if (s.temporary) out += "TEMPORARY ";
          out += "VIEW ";
          if (s.if_not_exists) out += "IF NOT EXISTS ";
          out += to_sql(s.name);
          if (!s.columns.empty()) {
            out += " (";
            for (size_t i = 0; i < s.columns.size(); ++i) {
              if (i > 0) out += ", ";
              out += quote_identifier(s.columns[i].name);
              if (s.columns[i].comment) out += " COMMENT " + quote_string(*s.columns[i].comment);
            }
            out += ")";
          }
          if (s.comment) out += " COMMENT " + quote_string(*s.comment);
          return out + " AS " + to_sql(*s.query);
        } else if constexpr (std::is_same_v<T, DropView>) {
          return std::string("DROP VIEW ") + (s.if_exists ? "IF EXISTS " : "") + to_sql(s.name);
        } else if constexpr (std::is_same_v<T, Describe>) {
          switch (s.kind) {
            case DescribeKind::kHistory: {
              std::string out = "DESCRIBE HISTORY " + to_sql(s.table);
              if (s.limit) out += " LIMIT " + to_sql(*s.limit);
              return out;
            }
            case DescribeKind::kDetail: return "DESCRIBE DETAIL " + to_sql(s.table);
            case DescribeKind::kTable: break;
          }
          return std::string("DESCRIBE ") + (s.extended ? "EXTENDED " : "") + to_sql(s.table);
        } else if constexpr (std::is_same_v<T, Show>) {
          if (s.kind == ShowKind::kColumns) {
            std::string out = "SHOW COLUMNS IN " + to_sql(s.table);
            if (!s.database.empty()) out += " IN " + names(s.database);
            return out;
          }
          std::string out = s.kind == ShowKind::kTables ? "SHOW TABLES" : "SHOW VIEWS";
          if (!s.database.empty()) out += " IN " + names(s.database);
          if (s.pattern) out += " LIKE " + quote_string(*s.pattern);
          return out;
        } else if constexpr (std::is_same_v<T, Optimize>) {
          std::string out = "OPTIMIZE " + to_sql(s.table);
          if (s.where) out += " WHERE " + to_sql(*s.where);
          if (!s.zorder_by.empty()) {
            out += " ZORDER BY (";
            for (size_t i = 0; i < s.zorder_by.size(); ++i) {
              if (i > 0) out += ", ";
              out += names(s.zorder_by[i]);
            }
            out += ")";
          }
          return out;
        } else if constexpr (std::is_same_v<T, Vacuum>) {
          std::string out = "VACUUM " + to_sql(s.table);
          if (s.retain_hours) out += fmt::format(" RETAIN {} HOURS", *s.retain_hours);
          if (s.dry_run) out += " DRY RUN";
          return out;
        } else if constexpr (std::is_same_v<T, Explain>) {
          static constexpr std::string_view kModes[] = {"", "EXTENDED ", "FORMATTED ", "CODEGEN ",
                                                        "COST "};
          return fmt::format("EXPLAIN {}{}", kModes[static_cast<int>(s.mode)],
                             to_sql(*s.statement));
        } else if constexpr (std::is_same_v<T, AlterTableProperties>) {
          std::string out = "ALTER TABLE " + to_sql(s.table) + (s.unset ? " UNSET TBLPROPERTIES " : " SET TBLPROPERTIES ");
          if (s.unset && s.if_exists) out += "IF EXISTS ";
          out += "(";
          if (s.unset) {
            for (size_t i = 0; i < s.keys.size(); ++i) out += (i > 0 ? ", " : "") + quote_string(s.keys[i]);
          } else {
            for (size_t i = 0; i < s.properties.size(); ++i) {
              out += (i > 0 ? ", " : "") + quote_string(s.properties[i].first) + " = " +
                     quote_string(s.properties[i].second);
            }
          }
          return out + ")";
        } else {
          static_assert(std::is_same_v<T, SetOption>);
          if (s.reset) return s.key.empty() ? std::string("RESET") : "RESET " + s.key;
          if (s.key.empty()) return "SET";
          std::string out = "SET " + s.key;
          if (s.value) out += " = " + quote_string(*s.value);
          return out;
        }
      },
      node);
}

}  // namespace

std::string quote_identifier(std::string_view name) {
  // Every keyword is quoted, reserved or not: over-quoting is harmless, under-quoting could
  // change the meaning.
  if (is_plain_identifier(name) && !keyword_kind(name)) return std::string(name);
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + "`";
}

std::string quote_string(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    switch (c) {
      case '\'': out += "\\'"; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
          out += fmt::format("\\u{:04X}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "'";
}

std::string_view binary_op_sql(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: return "+";
    case BinaryOp::kSubtract: return "-";
    case BinaryOp::kMultiply: return "*";
    case BinaryOp::kDivide: return "/";
    case BinaryOp::kModulo: return "%";
    case BinaryOp::kIntDivide: return "DIV";
    case BinaryOp::kConcat: return "||";
    case BinaryOp::kBitAnd: return "&";
    case BinaryOp::kBitOr: return "|";
    case BinaryOp::kBitXor: return "^";
    case BinaryOp::kEq: return "=";
    case BinaryOp::kNotEq: return "<>";
    case BinaryOp::kLt: return "<";
    case BinaryOp::kLtEq: return "<=";
    case BinaryOp::kGt: return ">";
    case BinaryOp::kGtEq: return ">=";
    case BinaryOp::kNullSafeEq: return "<=>";
    case BinaryOp::kAnd: return "AND";
    case BinaryOp::kOr: return "OR";
  }
  return "?";
}

std::string_view interval_unit_sql(IntervalUnit unit) {
  switch (unit) {
    case IntervalUnit::kYear: return "YEAR";
    case IntervalUnit::kMonth: return "MONTH";
    case IntervalUnit::kWeek: return "WEEK";
    case IntervalUnit::kDay: return "DAY";
    case IntervalUnit::kHour: return "HOUR";
    case IntervalUnit::kMinute: return "MINUTE";
    case IntervalUnit::kSecond: return "SECOND";
    case IntervalUnit::kMillisecond: return "MILLISECOND";
    case IntervalUnit::kMicrosecond: return "MICROSECOND";
  }
  return "DAY";
}

std::string to_sql(const TypeName& type) {
  switch (type.kind) {
    case TypeKind::kBoolean: return "BOOLEAN";
    case TypeKind::kTinyint: return "TINYINT";
    case TypeKind::kSmallint: return "SMALLINT";
    case TypeKind::kInt: return "INT";
    case TypeKind::kBigint: return "BIGINT";
    case TypeKind::kFloat: return "FLOAT";
    case TypeKind::kDouble: return "DOUBLE";
    case TypeKind::kDecimal:
      if (!type.precision) return "DECIMAL";
      if (!type.scale) return fmt::format("DECIMAL({})", *type.precision);
      return fmt::format("DECIMAL({}, {})", *type.precision, *type.scale);
    case TypeKind::kString: return "STRING";
    case TypeKind::kVarchar: return fmt::format("VARCHAR({})", type.length.value_or(0));
    case TypeKind::kChar: return fmt::format("CHAR({})", type.length.value_or(0));
    case TypeKind::kBinary: return "BINARY";
    case TypeKind::kDate: return "DATE";
    case TypeKind::kTimestamp: return "TIMESTAMP";
    case TypeKind::kTimestampNtz: return "TIMESTAMP_NTZ";
    case TypeKind::kArray:
      return "ARRAY<" + (type.children.empty() ? std::string("?") : to_sql(type.children[0])) + ">";
    case TypeKind::kMap:
      if (type.children.size() != 2) return "MAP<?, ?>";
      return "MAP<" + to_sql(type.children[0]) + ", " + to_sql(type.children[1]) + ">";
    case TypeKind::kStruct: {
      std::string out = "STRUCT<";
      for (size_t i = 0; i < type.fields.size(); ++i) {
        const StructFieldType& f = type.fields[i];
        if (i > 0) out += ", ";
        out += quote_identifier(f.name) + ": " + to_sql(f.type);
        if (f.not_null) out += " NOT NULL";
        if (f.comment) out += " COMMENT " + quote_string(*f.comment);
      }
      return out + ">";
    }
  }
  return "?";
}

std::string to_sql(const Expr& expr) {
  return std::visit(
      [&](const auto& n) -> std::string {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, Literal>) {
          return literal_sql(n);
        } else if constexpr (std::is_same_v<T, ColumnRef>) {
          return names(n.parts);
        } else if constexpr (std::is_same_v<T, Star>) {
          return n.qualifier.empty() ? "*" : names(n.qualifier) + ".*";
        } else if constexpr (std::is_same_v<T, Parameter>) {
          return ":" + n.name;
        } else if constexpr (std::is_same_v<T, Unary>) {
          static constexpr std::string_view kOps[] = {"-", "+", "NOT ", "~"};
          return fmt::format("({}{})", kOps[static_cast<int>(n.op)], to_sql(*n.operand));
        } else if constexpr (std::is_same_v<T, Binary>) {
          return fmt::format("({} {} {})", to_sql(*n.left), binary_op_sql(n.op), to_sql(*n.right));
        } else if constexpr (std::is_same_v<T, IsPredicate>) {
          static constexpr std::string_view kKinds[] = {"NULL", "TRUE", "FALSE", "UNKNOWN"};
          return fmt::format("({} IS {}{})", to_sql(*n.operand), n.negated ? "NOT " : "",
                             kKinds[static_cast<int>(n.kind)]);
        } else if constexpr (std::is_same_v<T, IsDistinctFrom>) {
          return fmt::format("({} IS {}DISTINCT FROM {})", to_sql(*n.left), n.negated ? "NOT " : "",
                             to_sql(*n.right));
        } else if constexpr (std::is_same_v<T, Between>) {
          return fmt::format("({} {}BETWEEN {} AND {})", to_sql(*n.operand),
                             n.negated ? "NOT " : "", to_sql(*n.low), to_sql(*n.high));
        } else if constexpr (std::is_same_v<T, InList>) {
          return fmt::format("({} {}IN ({}))", to_sql(*n.operand), n.negated ? "NOT " : "",
                             expr_list(n.list));
        } else if constexpr (std::is_same_v<T, InSubquery>) {
          return fmt::format("({} {}IN ({}))", to_sql(*n.operand), n.negated ? "NOT " : "",
                             to_sql(*n.query));
        } else if constexpr (std::is_same_v<T, Exists>) {
          return fmt::format("({}EXISTS ({}))", n.negated ? "NOT " : "", to_sql(*n.query));
        } else if constexpr (std::is_same_v<T, ScalarSubquery>) {
          return "(" + to_sql(*n.query) + ")";
        } else if constexpr (std::is_same_v<T, Like>) {
          static constexpr std::string_view kKinds[] = {"LIKE", "ILIKE", "RLIKE"};
          std::string out = fmt::format("({} {}{} {}", to_sql(*n.operand), n.negated ? "NOT " : "",
                                        kKinds[static_cast<int>(n.kind)], to_sql(*n.pattern));
          if (n.escape) out += " ESCAPE " + quote_string(*n.escape);
          return out + ")";
        } else if constexpr (std::is_same_v<T, Case>) {
          std::string out = "CASE";
          if (n.operand) out += " " + to_sql(*n.operand);
          for (const WhenClause& w : n.whens) {
            out += " WHEN " + to_sql(*w.condition) + " THEN " + to_sql(*w.result);
          }
          if (n.else_result) out += " ELSE " + to_sql(*n.else_result);
          return out + " END";
        } else if constexpr (std::is_same_v<T, Cast>) {
          return fmt::format("{}({} AS {})", n.is_try ? "TRY_CAST" : "CAST", to_sql(*n.operand),
                             to_sql(n.type));
        } else if constexpr (std::is_same_v<T, FunctionCall>) {
          std::string out = function_name(n.name) + "(";
          if (n.star) {
            out += "*";
          } else {
            if (n.distinct) out += "DISTINCT ";
            out += expr_list(n.args);
            for (size_t i = 0; i < n.named_args.size(); ++i) {
              if (i > 0 || !n.args.empty()) out += ", ";
              out +=
                  quote_identifier(n.named_args[i].name) + " => " + to_sql(*n.named_args[i].value);
            }
          }
          out += ")";
          if (n.null_treatment == NullTreatment::kIgnoreNulls) out += " IGNORE NULLS";
          if (n.null_treatment == NullTreatment::kRespectNulls) out += " RESPECT NULLS";
          if (n.filter) out += " FILTER (WHERE " + to_sql(*n.filter) + ")";
          if (n.over) {
            const WindowSpec& w = *n.over;
            const bool name_only =
                w.base_window && w.partition_by.empty() && w.order_by.empty() && !w.frame;
            out += name_only ? " OVER " + quote_identifier(*w.base_window)
                             : " OVER " + window_spec_sql(w);
          }
          return out;
        } else if constexpr (std::is_same_v<T, Subscript>) {
          return postfix_base_sql(*n.base) + "[" + to_sql(*n.index) + "]";
        } else if constexpr (std::is_same_v<T, FieldAccess>) {
          return postfix_base_sql(*n.base) + "." + quote_identifier(n.field);
        } else {
          static_assert(std::is_same_v<T, Row>);
          return "(" + expr_list(n.items) + ")";
        }
      },
      expr.node);
}

std::string to_sql(const Query& query) {
  std::string out = ctes_sql(query.ctes);
  out += std::visit(
      [](const auto& body) -> std::string {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, Select>) {
          return select_sql(body);
        } else if constexpr (std::is_same_v<T, Values>) {
          return values_sql(body);
        } else if constexpr (std::is_same_v<T, SetOperation>) {
          static constexpr std::string_view kOps[] = {"UNION", "INTERSECT", "EXCEPT"};
          return fmt::format("{} {}{} {}", set_operand_sql(*body.left),
                             kOps[static_cast<int>(body.kind)], body.all ? " ALL" : "",
                             set_operand_sql(*body.right));
        } else {
          return "(" + to_sql(*body) + ")";
        }
      },
      query.body);
  if (!query.order_by.empty()) out += " ORDER BY " + order_items_sql(query.order_by);
  if (query.limit) out += " LIMIT " + to_sql(*query.limit);
  if (query.offset) out += " OFFSET " + to_sql(*query.offset);
  return out;
}

std::string to_sql(const TableName& name) {
  if (name.is_path())
    return name.path_format + "." + "`" + [&] {
      std::string p;
      for (char c : name.path) {
        if (c == '`') p += '`';
        p += c;
      }
      return p;
    }() + "`";
  return names(name.parts);
}

std::string to_sql(const TableRef& table) {
  return std::visit(
      [&](const auto& n) -> std::string {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, BaseTable>) {
          std::string out = to_sql(n.name);
          if (n.time_travel) {
            out += n.time_travel->kind == TimeTravelKind::kVersion ? " VERSION AS OF "
                                                                   : " TIMESTAMP AS OF ";
            out += to_sql(*n.time_travel->value);
          }
          return out + alias_sql(table);
        } else if constexpr (std::is_same_v<T, TableFunction>) {
          std::string out = table_function_name(n.name) + "(" + expr_list(n.args);
          for (size_t i = 0; i < n.named_args.size(); ++i) {
            if (i > 0 || !n.args.empty()) out += ", ";
            out += quote_identifier(n.named_args[i].name) + " => " + to_sql(*n.named_args[i].value);
          }
          return out + ")" + alias_sql(table);
        } else if constexpr (std::is_same_v<T, DerivedTable>) {
          return "(" + to_sql(*n.query) + ")" + alias_sql(table);
        } else {
          static_assert(std::is_same_v<T, Join>);
          std::string right = to_sql(*n.right);
          if (n.right->template as<Join>() && !n.right->alias) right = "(" + right + ")";
          std::string out = fmt::format("{} {} {}", to_sql(*n.left), join_sql(n.type), right);
          if (n.on) out += " ON " + to_sql(*n.on);
          if (!n.using_columns.empty()) out += " USING " + name_list(n.using_columns);
          if (table.alias) out = "(" + out + ")" + alias_sql(table);
          return out;
        }
      },
      table.node);
}

std::string to_sql(const Statement& statement) {
  return statement_sql(statement.node);
}

}  // namespace braid::sql
