// Queries (SELECT, WITH, VALUES, ...) and EXPLAIN: a bound plan run to rows, or shown.
#include "sql/statements/internal/shared.h"
#include "sql/statements/statements.h"

namespace braid::sql {

Result<StatementResult> run_query(const QueryStatement& s, StatementResolver& resolver) {
  BRAID_ASSIGN_OR_RETURN(auto plan, bind_query(*s.query, resolver));
  return rows_of(plan, resolver.query_context());
}

Result<StatementResult> run_explain(const Explain& s, StatementResolver& resolver) {
  if (s.mode != ExplainMode::kDefault) {
    static constexpr std::string_view kModes[] = {"", "EXTENDED", "FORMATTED", "CODEGEN", "COST"};
    return Status::not_implemented("not supported: EXPLAIN {} (braid's EXPLAIN shows its one plan: leave out {})",
                                   kModes[static_cast<int>(s.mode)], kModes[static_cast<int>(s.mode)]);
  }
  const auto* q = s.statement->as<QueryStatement>();
  if (!q) return Status::not_implemented("EXPLAIN of statements other than queries is not supported yet");
  BRAID_ASSIGN_OR_RETURN(auto plan, bind_query(*q->query, resolver));
  return string_rows({"plan"}, {{explain(*plan)}});
}

}  // namespace braid::sql
