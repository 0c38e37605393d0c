// The SQL keywords: one list of the words the grammar reads as keywords where a name could also
// stand, each with what it means for a name spelled like it. Keywords are case-insensitive and
// mostly contextual, as in Spark: the parser asks whether a word may be a name (or an alias
// without AS) where it stands, and the printer (sql_printer.cc) quotes every keyword it prints as
// a name, so that printed SQL reads back the same. Words the parser matches only where no name is
// read (ALTER, VACUUM, type names, interval units, ...) are not listed, and names spelled like
// them are printed bare.
//
// Thread-safety: pure functions over a constant table.
#pragma once

#include <optional>
#include <string_view>

namespace braid::sql {

enum class KeywordKind {
  // A clause or operator word (SELECT, FROM, JOIN, AND, ...): never a name unless quoted.
  kReserved,
  // Reserved, but still names a function when followed by '(': left('abc', 2), like(a, b).
  kReservedFunction,
  // A name anywhere (`end`, `window` and `offset` are common column names), but not an alias
  // without AS, because a clause or operator may start with it.
  kNoImplicitAlias,
  // A name wherever the grammar has no keyword (`date`, `history`, `comment`, ...).
  kContextual,
};

// The kind of keyword `word` is (any case), or nullopt when it is none.
std::optional<KeywordKind> keyword_kind(std::string_view word);

}  // namespace braid::sql
