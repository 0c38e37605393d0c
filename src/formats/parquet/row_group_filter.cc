#include "formats/parquet/row_group_filter.h"

#include "columnar/compare.h"
#include "formats/parquet/statistics.h"

namespace braid::parquet {

namespace {

using Op = ColumnPredicate::Op;

// The value lies in [min, max]? Unknown comparisons say yes.
bool within(const Column& v, const ColumnPtr& min, const ColumnPtr& max) {
  if (min) {
    auto c = compare_values(v, 0, *min, 0);
    if (c && *c < 0) return false;
  }
  if (max) {
    auto c = compare_values(v, 0, *max, 0);
    if (c && *c > 0) return false;
  }
  return true;
}

}  // namespace

bool may_match(const ColumnPredicate& p, const ColumnPtr& min, const ColumnPtr& max,
               std::optional<int64_t> null_count, std::optional<int64_t> num_values) {
  const bool all_null = null_count && num_values && *null_count == *num_values;
  switch (p.op) {
    case Op::kIsNull: return !null_count || *null_count > 0;
    case Op::kIsNotNull: return !all_null;
    default: break;
  }
  if (all_null) return false;  // a comparison with NULL is never true
  if (p.values.empty()) return true;
  for (const auto& v : p.values) {
    if (v == nullptr || v->length() != 1 || v->is_null(0)) {
      if (p.op == Op::kIn) continue;  // x IN (NULL) never matches that element
      return false;                   // x = NULL is never true
    }
  }
  auto cmp = [&](const ColumnPtr& bound) -> std::optional<int> {
    if (!bound) return std::nullopt;
    return compare_values(*p.values[0], 0, *bound, 0);
  };
  switch (p.op) {
    case Op::kEq: return within(*p.values[0], min, max);
    case Op::kIn:
      for (const auto& v : p.values) {
        if (v && v->length() == 1 && v->is_valid(0) && within(*v, min, max)) return true;
      }
      return false;
    case Op::kLt: {  // some x < v needs min < v
      auto c = cmp(min);
      return !c || *c > 0;
    }
    case Op::kLe: {
      auto c = cmp(min);
      return !c || *c >= 0;
    }
    case Op::kGt: {  // some x > v needs max > v
      auto c = cmp(max);
      return !c || *c < 0;
    }
    case Op::kGe: {
      auto c = cmp(max);
      return !c || *c <= 0;
    }
    default: return true;
  }
}

std::vector<int> prune_row_groups(const ParquetFile& file,
                                  const std::vector<ColumnPredicate>& predicates) {
  const FileSchema& schema = file.file_schema();
  std::vector<int> keep;
  for (int g = 0; g < file.num_row_groups(); ++g) {
    const RowGroup& rg = file.metadata().row_groups[static_cast<size_t>(g)];
    bool possible = rg.num_rows > 0;
    for (const auto& p : predicates) {
      if (!possible) break;
      int field = file.schema()->field_index(p.column);
      if (field < 0) continue;
      const SchemaNode& node = *schema.fields()[static_cast<size_t>(field)];
      if (node.kind != SchemaNode::Kind::kLeaf) continue;  // stats of nested leaves say nothing per row
      const ColumnMetaData& md = *rg.columns[static_cast<size_t>(node.leaf_index)].meta_data;
      const auto& orders = file.metadata().column_orders;
      const auto leaf = static_cast<size_t>(node.leaf_index);
      ColumnStatistics stats = column_statistics(node, md, leaf >= orders.size() || orders[leaf]);
      possible = may_match(p, stats.min, stats.max, stats.null_count, stats.num_values);
    }
    if (possible) keep.push_back(g);
  }
  return keep;
}

}  // namespace braid::parquet
