// The keyword table behind keywords.h.
#include "sql/keywords.h"

#include <algorithm>
#include <iterator>
#include <string>

namespace braid::sql {
namespace {

struct Keyword {
  std::string_view word;  // upper case
  KeywordKind kind;
};

using K = KeywordKind;

// Sorted by word.
constexpr Keyword kKeywords[] = {
    {"ALL", K::kReserved},
    {"AND", K::kReserved},
    {"ANTI", K::kNoImplicitAlias},
    {"AS", K::kReserved},
    {"ASC", K::kContextual},
    {"BETWEEN", K::kReserved},
    {"BOTH", K::kContextual},
    {"BY", K::kContextual},
    {"CASE", K::kReserved},
    {"CAST", K::kContextual},
    {"CLUSTER", K::kNoImplicitAlias},
    {"CODEGEN", K::kContextual},
    {"COLUMNS", K::kContextual},
    {"COMMENT", K::kContextual},
    {"COST", K::kContextual},
    {"CREATE", K::kContextual},
    {"CROSS", K::kReserved},
    {"CURRENT", K::kContextual},
    {"CURRENT_DATE", K::kContextual},
    {"CURRENT_TIMESTAMP", K::kContextual},
    {"CURRENT_USER", K::kContextual},
    {"DATE", K::kContextual},
    {"DELETE", K::kContextual},
    {"DESC", K::kContextual},
    {"DESCRIBE", K::kContextual},
    {"DETAIL", K::kContextual},
    {"DISTINCT", K::kReserved},
    {"DISTRIBUTE", K::kNoImplicitAlias},
    {"DIV", K::kNoImplicitAlias},
    {"DROP", K::kContextual},
    {"DRY", K::kContextual},
    {"ELSE", K::kReserved},
    {"END", K::kNoImplicitAlias},
    {"ESCAPE", K::kNoImplicitAlias},
    {"EXCEPT", K::kReserved},
    {"EXISTS", K::kContextual},
    {"EXPLAIN", K::kContextual},
    {"EXTENDED", K::kContextual},
    {"EXTRACT", K::kContextual},
    {"FALSE", K::kReserved},
    {"FILTER", K::kNoImplicitAlias},
    {"FIRST", K::kContextual},
    {"FOLLOWING", K::kContextual},
    {"FOR", K::kNoImplicitAlias},
    {"FORMATTED", K::kContextual},
    {"FROM", K::kReserved},
    {"FULL", K::kReserved},
    {"GLOBAL", K::kContextual},
    {"GROUP", K::kReserved},
    {"HAVING", K::kReserved},
    {"HISTORY", K::kContextual},
    {"HOURS", K::kContextual},
    {"IF", K::kContextual},
    {"IGNORE", K::kContextual},
    {"ILIKE", K::kReservedFunction},
    {"IN", K::kReserved},
    {"INNER", K::kReserved},
    {"INSERT", K::kContextual},
    {"INTERSECT", K::kReserved},
    {"INTERVAL", K::kContextual},
    {"INTO", K::kContextual},
    {"IS", K::kReserved},
    {"JOIN", K::kReserved},
    {"LAST", K::kContextual},
    {"LATERAL", K::kReserved},
    {"LEADING", K::kContextual},
    {"LEFT", K::kReservedFunction},
    {"LIKE", K::kReservedFunction},
    {"LIMIT", K::kReserved},
    {"MATCHED", K::kContextual},
    {"MERGE", K::kContextual},
    {"MINUS", K::kReserved},
    {"NATURAL", K::kReserved},
    {"NOT", K::kReserved},
    {"NULL", K::kReserved},
    {"NULLS", K::kContextual},
    {"OF", K::kContextual},
    {"OFFSET", K::kNoImplicitAlias},
    {"ON", K::kReserved},
    {"OR", K::kReserved},
    {"ORDER", K::kReserved},
    {"OUTER", K::kContextual},
    {"OVER", K::kNoImplicitAlias},
    {"PARTITION", K::kContextual},
    {"PIVOT", K::kNoImplicitAlias},
    {"PRECEDING", K::kContextual},
    {"QUALIFY", K::kReserved},
    {"RANGE", K::kContextual},
    {"REGEXP", K::kReservedFunction},
    {"REPLACE", K::kContextual},
    {"RESPECT", K::kContextual},
    {"RETAIN", K::kContextual},
    {"RIGHT", K::kReservedFunction},
    {"RLIKE", K::kReservedFunction},
    {"ROW", K::kContextual},
    {"ROWS", K::kContextual},
    {"SELECT", K::kReserved},
    {"SEMI", K::kNoImplicitAlias},
    {"SET", K::kNoImplicitAlias},
    {"SORT", K::kNoImplicitAlias},
    {"SUBSTR", K::kContextual},
    {"SUBSTRING", K::kContextual},
    {"SYSTEM_TIME", K::kContextual},
    {"SYSTEM_VERSION", K::kContextual},
    {"TABLE", K::kContextual},
    {"TABLESAMPLE", K::kNoImplicitAlias},
    {"THEN", K::kReserved},
    {"TIMESTAMP", K::kContextual},
    {"TIMESTAMP_LTZ", K::kContextual},
    {"TIMESTAMP_NTZ", K::kContextual},
    {"TRAILING", K::kContextual},
    {"TRIM", K::kContextual},
    {"TRUE", K::kReserved},
    {"TRY_CAST", K::kContextual},
    {"UNBOUNDED", K::kContextual},
    {"UNION", K::kReserved},
    {"UNKNOWN", K::kContextual},
    {"UNPIVOT", K::kNoImplicitAlias},
    {"UPDATE", K::kContextual},
    {"USING", K::kReserved},
    {"VALUES", K::kContextual},
    {"VERSION", K::kContextual},
    {"WHEN", K::kReserved},
    {"WHERE", K::kReserved},
    {"WINDOW", K::kNoImplicitAlias},
    {"WITH", K::kReserved},
};
static_assert(std::is_sorted(std::begin(kKeywords), std::end(kKeywords),
                             [](const Keyword& a, const Keyword& b) { return a.word < b.word; }));

}  // namespace

std::optional<KeywordKind> keyword_kind(std::string_view word) {
  std::string u(word);
  for (char& c : u) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  const auto it = std::lower_bound(std::begin(kKeywords), std::end(kKeywords), std::string_view(u),
                                   [](const Keyword& k, std::string_view w) { return k.word < w; });
  if (it == std::end(kKeywords) || it->word != u) return std::nullopt;
  return it->kind;
}

}  // namespace braid::sql
