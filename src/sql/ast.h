// The SQL abstract syntax tree: what the parser (parser.h) produces and the binder consumes.
//
// The dialect is Spark SQL's (Delta Lake's MERGE, time travel and utility statements included).
// The tree is syntax, not meaning: names are not resolved, types are not checked, ordinals in
// GROUP BY / ORDER BY are plain integer literals, and `a.b.c` is one ColumnRef whose parts the
// binder splits into table, column and struct fields.
//
// Shape: plain structs. Each of the three recursive kinds (Expr, Query, TableRef) and Statement
// is a struct holding a SourcePosition and a std::variant `node` of its alternatives; children
// are owned through std::unique_ptr (ExprPtr, QueryPtr, TableRefPtr, StatementPtr). Optional
// children are null pointers or std::optional. Use `expr.as<Binary>()` (nullptr when it is
// another alternative) or std::visit on `node`.
//
// Names keep their spelling (identifiers are case-insensitive in Spark; the binder compares them
// so). Keyword-like values that the parser normalised (type names, interval units) are enums.
//
// to_sql() (sql_printer.cc) prints any node back as canonical Spark SQL: keywords in upper case,
// every compound expression in parentheses, identifiers in backticks where needed. Parsing the
// printed text gives the same tree, so it is also a debug printer and a stable display name.
//
// Thread-safety: plain values; a tree may be read from many threads once built.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace braid::sql {

// Where a node starts in the SQL text, 1-based; {0, 0} when unknown (built by code). Columns
// count characters (UTF-8 code points), not bytes.
struct SourcePosition {
  int line = 0;
  int column = 0;
  bool operator==(const SourcePosition&) const = default;
};

struct Expr;
struct Query;
struct TableRef;
struct Statement;
using ExprPtr = std::unique_ptr<Expr>;
using QueryPtr = std::unique_ptr<Query>;
using TableRefPtr = std::unique_ptr<TableRef>;
using StatementPtr = std::unique_ptr<Statement>;

// A dotted name as written: `db.t.a` is {"db", "t", "a"}.
using QualifiedName = std::vector<std::string>;

// ---------------------------------------------------------------------------------------------
// Types (CAST targets, column definitions)

enum class TypeKind {
  kBoolean,
  kTinyint,       // TINYINT, BYTE
  kSmallint,      // SMALLINT, SHORT
  kInt,           // INT, INTEGER
  kBigint,        // BIGINT, LONG
  kFloat,         // FLOAT, REAL
  kDouble,        // DOUBLE
  kDecimal,       // DECIMAL, DEC, NUMERIC [(precision [, scale])]
  kString,        // STRING
  kVarchar,       // VARCHAR(length)
  kChar,          // CHAR(length), CHARACTER(length)
  kBinary,        // BINARY
  kDate,          // DATE
  kTimestamp,     // TIMESTAMP, TIMESTAMP_LTZ (the same type in Spark)
  kTimestampNtz,  // TIMESTAMP_NTZ
  kArray,         // ARRAY<element>
  kMap,           // MAP<key, value>
  kStruct,        // STRUCT<name: type, ...>
};

struct StructFieldType;

struct TypeName {
  SourcePosition pos;
  TypeKind kind = TypeKind::kString;
  std::optional<int> precision;         // kDecimal; absent means Spark's default (10, 0)
  std::optional<int> scale;             // kDecimal
  std::optional<int> length;            // kVarchar, kChar
  std::vector<TypeName> children;       // kArray: {element}; kMap: {key, value}
  std::vector<StructFieldType> fields;  // kStruct
};

struct StructFieldType {
  SourcePosition pos;
  std::string name;
  TypeName type;
  bool not_null = false;
  std::optional<std::string> comment;
};

// ---------------------------------------------------------------------------------------------
// Expressions

enum class LiteralKind {
  kNull,
  kBoolean,       // bool_value
  kInteger,       // 12: INT if it fits, else BIGINT, else DECIMAL (Spark's rule; binder decides)
  kBigint,        // 12L
  kSmallint,      // 12S
  kTinyint,       // 12Y
  kDecimal,       // 1.5, .5, 12BD, 1.5BD, 1e3BD
  kDouble,        // 1e3, 1.5D, 12D
  kFloat,         // 1.5F
  kString,        // 'text' or "text": text holds the unescaped value (UTF-8 as written)
  kBinary,        // X'0AFF': text holds the hex digits as written
  kDate,          // DATE '2024-01-31': text holds the string
  kTimestamp,     // TIMESTAMP '...' and TIMESTAMP_LTZ '...'
  kTimestampNtz,  // TIMESTAMP_NTZ '...'
  kInterval,      // INTERVAL ...: see interval_parts
};

enum class IntervalUnit {
  kYear,
  kMonth,
  kWeek,
  kDay,
  kHour,
  kMinute,
  kSecond,
  kMillisecond,
  kMicrosecond
};

// One `value unit [TO unit]` of an interval literal: INTERVAL 3 DAYS 2 HOURS has two parts;
// INTERVAL '1-2' YEAR TO MONTH has one part with to_unit.
struct IntervalPart {
  std::string value;    // number text with its sign ("-3", "1.5") or the string's content ("1-2")
  bool quoted = false;  // value was a string literal
  IntervalUnit unit = IntervalUnit::kDay;
  std::optional<IntervalUnit> to_unit;
};

struct Literal {
  LiteralKind kind = LiteralKind::kNull;
  // Numbers: the digits as written, without sign or type suffix ("12", "1.50", "1e-3", ".5").
  // Strings, dates, timestamps: the unescaped string. Binary: hex digits. Interval without
  // units (INTERVAL '1 day 2 hours'): the string; otherwise empty.
  std::string text;
  bool bool_value = false;                   // kBoolean
  std::vector<IntervalPart> interval_parts;  // kInterval with units
};

// A name in an expression: `a`, `t.a`, `db.t.a`, `s.field.subfield`. Which parts name a table,
// a column or struct fields is the binder's call.
struct ColumnRef {
  QualifiedName parts;
};

// `*` or `t.*` (qualifier {"t"}), in a select list or count(*)-like positions.
struct Star {
  QualifiedName qualifier;
};

// A named parameter `:name`, bound to a value by the caller (never spliced into the text).
struct Parameter {
  std::string name;
};

enum class UnaryOp { kNegate, kPlus, kNot, kBitNot };

struct Unary {
  UnaryOp op = UnaryOp::kNot;
  ExprPtr operand;
};

enum class BinaryOp {
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,
  kModulo,
  kIntDivide,  // DIV
  kConcat,     // ||
  kBitAnd,
  kBitOr,
  kBitXor,
  kEq,     // = and ==
  kNotEq,  // <> and !=
  kLt,
  kLtEq,
  kGt,
  kGtEq,
  kNullSafeEq,  // <=>
  kAnd,
  kOr,
};

struct Binary {
  BinaryOp op = BinaryOp::kAnd;
  ExprPtr left;
  ExprPtr right;
};

enum class IsKind { kNull, kTrue, kFalse, kUnknown };

// `operand IS [NOT] NULL | TRUE | FALSE | UNKNOWN`.
struct IsPredicate {
  ExprPtr operand;
  IsKind kind = IsKind::kNull;
  bool negated = false;
};

// `left IS [NOT] DISTINCT FROM right`.
struct IsDistinctFrom {
  ExprPtr left;
  ExprPtr right;
  bool negated = false;  // IS NOT DISTINCT FROM (same as <=>)
};

// `operand [NOT] BETWEEN low AND high`.
struct Between {
  ExprPtr operand;
  ExprPtr low;
  ExprPtr high;
  bool negated = false;
};

// `operand [NOT] IN (e1, e2, ...)`. The operand may be a Row: (a, b) IN ((1, 2), (3, 4)).
struct InList {
  ExprPtr operand;
  std::vector<ExprPtr> list;
  bool negated = false;
};

// `operand [NOT] IN (query)`.
struct InSubquery {
  ExprPtr operand;
  QueryPtr query;
  bool negated = false;
};

// `[NOT] EXISTS (query)`.
struct Exists {
  QueryPtr query;
  bool negated = false;
};

// `(query)` used as a value.
struct ScalarSubquery {
  QueryPtr query;
};

enum class LikeKind { kLike, kIlike, kRlike };  // RLIKE and REGEXP are kRlike

// `operand [NOT] LIKE|ILIKE pattern [ESCAPE 'c']`, `operand [NOT] RLIKE|REGEXP pattern`.
struct Like {
  LikeKind kind = LikeKind::kLike;
  ExprPtr operand;
  ExprPtr pattern;
  std::optional<std::string> escape;  // the escape string as written (one character if valid)
  bool negated = false;
};

struct WhenClause {
  ExprPtr condition;  // the compared value for a simple CASE
  ExprPtr result;
};

// Searched CASE (operand null) or simple CASE operand WHEN value THEN ... .
struct Case {
  ExprPtr operand;
  std::vector<WhenClause> whens;  // at least one
  ExprPtr else_result;            // null when absent (NULL)
};

// CAST(x AS t), TRY_CAST(x AS t) and x::t (a plain cast).
struct Cast {
  ExprPtr operand;
  TypeName type;
  bool is_try = false;
};

struct OrderItem {
  SourcePosition pos;
  ExprPtr expr;  // an integer literal is an ordinal (binder's call)
  bool descending = false;
  std::optional<bool> nulls_first;  // absent: Spark's default (first for ASC, last for DESC)
};

enum class FrameUnit { kRows, kRange };
enum class FrameBoundKind {
  kUnboundedPreceding,
  kPreceding,
  kCurrentRow,
  kFollowing,
  kUnboundedFollowing
};

struct FrameBound {
  FrameBoundKind kind = FrameBoundKind::kCurrentRow;
  ExprPtr offset;  // kPreceding, kFollowing
};

// ROWS|RANGE BETWEEN start AND end. The one-bound form `ROWS x` is stored as BETWEEN x AND
// CURRENT ROW, which is what it means.
struct WindowFrame {
  FrameUnit unit = FrameUnit::kRows;
  FrameBound start;
  FrameBound end;
};

// OVER ( [base_window] [PARTITION BY ...] [ORDER BY ...] [frame] ) or OVER name (base_window
// set, the rest empty). DISTRIBUTE BY / SORT BY are read as PARTITION BY / ORDER BY.
struct WindowSpec {
  SourcePosition pos;
  std::optional<std::string> base_window;  // a name from the query's WINDOW clause
  std::vector<ExprPtr> partition_by;
  std::vector<OrderItem> order_by;
  std::optional<WindowFrame> frame;
};

// `name => value` in a function's arguments (and `name = value` in a table function's).
struct NamedArgument {
  SourcePosition pos;
  std::string name;
  ExprPtr value;
};

enum class NullTreatment { kDefault, kIgnoreNulls, kRespectNulls };

// A call `name(args)`: scalar, aggregate or window function; the binder decides which.
// Special syntaxes are rewritten to plain calls, so printing and reparsing agree:
//   EXTRACT(field FROM x)             -> extract('FIELD', x)      (field upper-cased, a string)
//   SUBSTRING(x FROM a [FOR b])       -> substring(x, a [, b])
//   TRIM([BOTH] [c] FROM s)           -> btrim(s [, c]); LEADING -> ltrim, TRAILING -> rtrim;
//                                         TRIM(s) stays trim(s)
//   CURRENT_DATE, CURRENT_TIMESTAMP, CURRENT_USER without parentheses -> current_date() etc.
struct FunctionCall {
  QualifiedName name;  // spelled as written; usually one part
  std::vector<ExprPtr> args;
  std::vector<NamedArgument> named_args;                   // after the positional ones
  bool distinct = false;                                   // f(DISTINCT x)
  bool star = false;                                       // count(*): args empty
  NullTreatment null_treatment = NullTreatment::kDefault;  // f(x) IGNORE NULLS
  ExprPtr filter;                                          // FILTER (WHERE cond)
  std::optional<WindowSpec> over;                          // a window function call
};

// `base[index]`: array element or map value.
struct Subscript {
  ExprPtr base;
  ExprPtr index;
};

// `base.field` where base is not a plain name (f(x).a, a[0].b); plain dotted names are ColumnRefs.
struct FieldAccess {
  ExprPtr base;
  std::string field;
};

// `(a, b, ...)` with two or more elements: a row/struct value (IN lists, VALUES rows).
struct Row {
  std::vector<ExprPtr> items;
};

using ExprNode = std::variant<Literal, ColumnRef, Star, Parameter, Unary, Binary, IsPredicate,
                              IsDistinctFrom, Between, InList, InSubquery, Exists, ScalarSubquery,
                              Like, Case, Cast, FunctionCall, Subscript, FieldAccess, Row>;

struct Expr {
  // Operators (unary, binary, IS, IN, BETWEEN, LIKE, ::, [], .) are at their operator token;
  // everything else at its first token.
  SourcePosition pos;
  ExprNode node;
  // Height of the tree under this node (a leaf is 1), kept by the parser to bound nesting so
  // that no recursive walk over a parsed tree can exhaust the stack. Consumers may ignore it.
  int height = 1;

  template <typename T>
  const T* as() const {
    return std::get_if<T>(&node);
  }
  template <typename T>
  T* as() {
    return std::get_if<T>(&node);
  }
};

// ---------------------------------------------------------------------------------------------
// Queries

struct SelectItem {
  SourcePosition pos;
  ExprPtr expr;                      // may be a Star
  std::optional<std::string> alias;  // `expr AS alias` or `expr alias`
};

struct NamedWindow {
  SourcePosition pos;
  std::string name;
  WindowSpec spec;
};

// One SELECT block. Comma joins in FROM are folded into CROSS joins, so `from` is one tree.
struct Select {
  bool distinct = false;
  std::vector<SelectItem> items;
  TableRefPtr from;  // null: SELECT without FROM
  ExprPtr where;
  std::vector<ExprPtr> group_by;  // integer literals are ordinals
  bool group_by_all = false;      // GROUP BY ALL
  ExprPtr having;
  std::vector<NamedWindow> windows;  // WINDOW w AS (...)
  ExprPtr qualify;
};

// VALUES (1, 'a'), (2, 'b'): one vector per row. `VALUES 1, 2` has one-element rows.
struct Values {
  std::vector<std::vector<ExprPtr>> rows;
};

enum class SetOpKind { kUnion, kIntersect, kExcept };  // MINUS is kExcept

// left UNION|INTERSECT|EXCEPT [ALL|DISTINCT] right. Left-associative; INTERSECT binds tighter.
struct SetOperation {
  SetOpKind kind = SetOpKind::kUnion;
  bool all = false;  // false: DISTINCT (the default)
  QueryPtr left;
  QueryPtr right;
};

// WITH name [(columns)] AS (query)
struct CommonTableExpr {
  SourcePosition pos;
  std::string name;
  std::vector<std::string> columns;
  QueryPtr query;
};

// A query expression: [WITH ...] body [ORDER BY ...] [LIMIT n] [OFFSET m].
// The body is a SELECT block, VALUES, a set operation, or a parenthesised query that has its own
// WITH/ORDER BY/LIMIT (`(SELECT ... LIMIT 5) ORDER BY x`); plain parentheses leave no trace.
struct Query {
  SourcePosition pos;
  std::vector<CommonTableExpr> ctes;
  std::variant<Select, Values, SetOperation, QueryPtr> body;
  std::vector<OrderItem> order_by;
  ExprPtr limit;  // null: no limit (also LIMIT ALL)
  ExprPtr offset;
  int height = 1;  // as Expr::height

  template <typename T>
  const T* as() const {
    return std::get_if<T>(&body);
  }
  template <typename T>
  T* as() {
    return std::get_if<T>(&body);
  }
};

// ---------------------------------------------------------------------------------------------
// Relations (FROM, MERGE source)

// A table name: `t`, `db.t`, `catalog.db.t`, or a path reference `delta.`/data/t``,
// `parquet.`/data/*.parquet``, `csv.`...``, `json.`...`` (and, in Delta utility statements,
// a string path 'data/t', which reads as a Delta path).
struct TableName {
  SourcePosition pos;
  QualifiedName parts;
  std::string path_format;  // "delta", "parquet", "csv", "json" for a path reference, else empty
  std::string path;         // the path of a path reference

  bool is_path() const { return !path_format.empty(); }
};

enum class TimeTravelKind { kVersion, kTimestamp };

// `t VERSION AS OF 3`, `t TIMESTAMP AS OF '2024-01-01'` (FOR / SYSTEM_VERSION / SYSTEM_TIME
// spellings too), `t@v3`.
struct TimeTravel {
  SourcePosition pos;
  TimeTravelKind kind = TimeTravelKind::kVersion;
  ExprPtr value;  // a literal for versions; any constant expression for timestamps
};

struct BaseTable {
  TableName name;
  std::optional<TimeTravel> time_travel;
};

// `read_parquet('glob')`, `read_csv('p', header = true)`, `range(10)` in FROM.
struct TableFunction {
  QualifiedName name;
  std::vector<ExprPtr> args;
  std::vector<NamedArgument> named_args;  // `name = value` or `name => value`
};

// `(query)` in FROM, also `VALUES ...` in FROM (a query whose body is Values).
struct DerivedTable {
  QueryPtr query;
};

enum class JoinType { kInner, kLeft, kRight, kFull, kCross, kLeftSemi, kLeftAnti };

// left JOIN right [ON cond | USING (cols)]. A comma in FROM is a kCross join with no condition.
struct Join {
  JoinType type = JoinType::kInner;
  TableRefPtr left;
  TableRefPtr right;
  ExprPtr on;  // null with USING, for CROSS, or INNER without ON
  std::vector<std::string> using_columns;
};

struct TableRef {
  SourcePosition pos;  // a join is at its JOIN keyword (or comma)
  std::variant<BaseTable, TableFunction, DerivedTable, Join> node;
  std::optional<std::string> alias;         // [AS] alias
  std::vector<std::string> column_aliases;  // [AS] alias(c1, c2)
  int height = 1;                           // as Expr::height

  template <typename T>
  const T* as() const {
    return std::get_if<T>(&node);
  }
  template <typename T>
  T* as() {
    return std::get_if<T>(&node);
  }
};

// ---------------------------------------------------------------------------------------------
// Statements

// A query run for its rows.
struct QueryStatement {
  QueryPtr query;
};

struct ColumnDef {
  SourcePosition pos;
  std::string name;
  TypeName type;
  bool not_null = false;
  std::optional<std::string> comment;
};

using Properties = std::vector<std::pair<std::string, std::string>>;

// CREATE [OR REPLACE] TABLE [IF NOT EXISTS] name [(columns)] [USING fmt] [PARTITIONED BY (c,...)]
//   [LOCATION 'path'] [COMMENT 'text'] [TBLPROPERTIES ('k' = 'v', ...)] [AS query]
// Table properties keep keys and values as text (unquoted); clauses may come in any order.
struct CreateTable {
  TableName name;
  bool or_replace = false;
  bool if_not_exists = false;
  std::vector<ColumnDef> columns;
  std::optional<std::string> using_format;  // as written ("DELTA", "delta", "parquet")
  std::vector<std::string> partitioned_by;
  std::optional<std::string> location;
  std::optional<std::string> comment;
  Properties properties;
  QueryPtr as_query;  // CTAS
};

struct DropTable {
  TableName name;
  bool if_exists = false;
};

// ALTER TABLE t SET TBLPROPERTIES ('k' = 'v', ...)
// ALTER TABLE t UNSET TBLPROPERTIES [IF EXISTS] ('k', ...)
struct AlterTableProperties {
  TableName table;
  bool unset = false;
  bool if_exists = false;       // UNSET only
  Properties properties;        // SET
  std::vector<std::string> keys;  // UNSET
};

// PARTITION (p = 'x', q): a static value, or a dynamic partition column (value null).
struct PartitionValue {
  SourcePosition pos;
  std::string column;
  ExprPtr value;
};

// [WITH ...] INSERT INTO|OVERWRITE [TABLE] t [PARTITION (...)] [(cols)] [REPLACE WHERE cond] query
// (VALUES rows are a query whose body is Values).
struct Insert {
  std::vector<CommonTableExpr> ctes;
  TableName table;
  bool overwrite = false;
  std::vector<PartitionValue> partition;
  std::vector<std::string> columns;
  ExprPtr replace_where;
  QueryPtr query;
};

// `column = value` in UPDATE SET and MERGE ... UPDATE SET. The column may be qualified
// (t.a) or a struct field path (a.b.c).
struct Assignment {
  SourcePosition pos;
  QualifiedName column;
  ExprPtr value;
};

// [WITH ...] UPDATE t [[AS] alias] SET a = e, ... [WHERE cond]
struct Update {
  std::vector<CommonTableExpr> ctes;
  TableName table;
  std::optional<std::string> alias;
  std::vector<Assignment> assignments;
  ExprPtr where;
};

// [WITH ...] DELETE FROM t [[AS] alias] [WHERE cond]
struct Delete {
  std::vector<CommonTableExpr> ctes;
  TableName table;
  std::optional<std::string> alias;
  ExprPtr where;
};

enum class MergeMatch { kMatched, kNotMatchedByTarget, kNotMatchedBySource };
enum class MergeAction { kUpdate, kUpdateStar, kDelete, kInsert, kInsertStar };

// One WHEN clause of MERGE, in the order written:
//   WHEN MATCHED [AND cond] THEN UPDATE SET ... | UPDATE SET * | DELETE
//   WHEN NOT MATCHED [BY TARGET] [AND cond] THEN INSERT (cols) VALUES (exprs) | INSERT *
//   WHEN NOT MATCHED BY SOURCE [AND cond] THEN UPDATE SET ... | DELETE
// The parser checks Spark's rules: each kind allows only its actions, only the last clause of
// each kind may omit its condition, and INSERT has as many values as columns.
struct MergeClause {
  SourcePosition pos;  // the WHEN keyword
  MergeMatch match = MergeMatch::kMatched;
  ExprPtr condition;  // null: unconditional
  MergeAction action = MergeAction::kDelete;
  std::vector<Assignment> assignments;        // kUpdate
  std::vector<QualifiedName> insert_columns;  // kInsert (may be empty: all columns in order)
  std::vector<ExprPtr> insert_values;         // kInsert
};

// [WITH ...] MERGE INTO target [[AS] alias] USING source ON cond clause...
struct Merge {
  std::vector<CommonTableExpr> ctes;
  TableName target;
  std::optional<std::string> target_alias;
  TableRefPtr source;  // a BaseTable, DerivedTable or TableFunction, with its alias
  ExprPtr on;
  std::vector<MergeClause> clauses;  // at least one
};

struct ViewColumn {
  std::string name;
  std::optional<std::string> comment;
};

// CREATE [OR REPLACE] [[GLOBAL] TEMP|TEMPORARY] VIEW [IF NOT EXISTS] name [(cols)]
//   [COMMENT 'text'] AS query
struct CreateView {
  TableName name;
  bool or_replace = false;
  bool if_not_exists = false;
  bool temporary = false;
  bool global = false;
  std::vector<ViewColumn> columns;
  std::optional<std::string> comment;
  QueryPtr query;
  std::string query_text;  // the query's source text, as written
};

struct DropView {
  TableName name;
  bool if_exists = false;
};

enum class DescribeKind { kTable, kHistory, kDetail };

// DESCRIBE|DESC [TABLE] [EXTENDED|FORMATTED] t; DESCRIBE HISTORY t [LIMIT n]; DESCRIBE DETAIL t.
struct Describe {
  DescribeKind kind = DescribeKind::kTable;
  TableName table;
  bool extended = false;
  ExprPtr limit;  // kHistory
};

enum class ShowKind { kTables, kViews, kColumns };

// SHOW TABLES|VIEWS [FROM|IN db] [[LIKE] 'pattern']; SHOW COLUMNS FROM|IN t [FROM|IN db].
struct Show {
  ShowKind kind = ShowKind::kTables;
  QualifiedName database;  // empty: the current one
  TableName table;         // kColumns
  std::optional<std::string> pattern;
};

// OPTIMIZE t [WHERE cond] [ZORDER BY (cols)]
struct Optimize {
  TableName table;
  ExprPtr where;
  std::vector<QualifiedName> zorder_by;
};

// VACUUM t [RETAIN n HOURS] [DRY RUN]
struct Vacuum {
  TableName table;
  std::optional<double> retain_hours;
  bool dry_run = false;
};

enum class ExplainMode { kDefault, kExtended, kFormatted, kCodegen, kCost };

struct Explain {
  ExplainMode mode = ExplainMode::kDefault;
  StatementPtr statement;
};

// SET key = value (both as text, the value unquoted if it was one string literal);
// `SET key` (value absent) shows one option; `SET` alone (key empty) lists them.
// SET TIME ZONE z is key spark.sql.session.timeZone with value z.
// RESET [key] (reset): the key, or every setting, back to its default.
struct SetOption {
  std::string key;
  std::optional<std::string> value;
  bool reset = false;
};

using StatementNode =
    std::variant<QueryStatement, CreateTable, DropTable, Insert, Update, Delete, Merge, CreateView,
                 DropView, Describe, Show, Optimize, Vacuum, Explain, SetOption, AlterTableProperties>;

struct Statement {
  SourcePosition pos;  // the first token
  size_t offset = 0;   // byte offset of the first token in the parsed text
  std::string text;    // the statement's source text, without the terminating ';'
  StatementNode node;

  template <typename T>
  const T* as() const {
    return std::get_if<T>(&node);
  }
  template <typename T>
  T* as() {
    return std::get_if<T>(&node);
  }
};

// ---------------------------------------------------------------------------------------------
// Printing (sql_printer.cc)

std::string to_sql(const Expr& expr);
std::string to_sql(const TypeName& type);
std::string to_sql(const Query& query);
std::string to_sql(const TableRef& table);
std::string to_sql(const TableName& name);
std::string to_sql(const Statement& statement);

// `name` as an identifier, in backticks (`` doubled) unless it is a plain identifier that is not
// a keyword.
std::string quote_identifier(std::string_view name);
// A single-quoted string literal with backslash escapes that reads back as `value`.
std::string quote_string(std::string_view value);

std::string_view binary_op_sql(BinaryOp op);            // "+", "DIV", "<=>", "AND", ...
std::string_view interval_unit_sql(IntervalUnit unit);  // "DAY", ...

}  // namespace braid::sql
