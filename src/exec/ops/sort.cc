#include "exec/ops/sort.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "exec/ops/gather.h"

namespace braid::exec {

namespace {

constexpr int64_t kOutputBatchRows = 64 * 1024;

// Generic rows: a reference, ordered by the row comparator.
struct RefLess {
  const RowComparator* comparator;
  const std::vector<RecordBatchPtr>* batches;
  bool operator()(const RowRef& a, const RowRef& b) const {
    return comparator->compare(*(*batches)[a.batch], a.row, *(*batches)[b.batch], b.row) < 0;
  }
};
const RowRef& ref_of(const RowRef& r) { return r; }

// A single fixed-width numeric key, normalized to an unsigned integer whose order is the key's
// order (direction applied), next to the NULL placement rank.
struct KeyedRow {
  uint64_t key;
  uint32_t null_rank;  // 0 sorts before 1
  RowRef ref;
};
struct KeyedLess {
  bool operator()(const KeyedRow& a, const KeyedRow& b) const {
    return a.null_rank != b.null_rank ? a.null_rank < b.null_rank : a.key < b.key;
  }
};
const RowRef& ref_of(const KeyedRow& r) { return r.ref; }

template <typename T>
uint64_t order_bits(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    // NaN largest and all NaNs equal, -0.0 = 0.0 (value_order.h), then IEEE bits made monotonic.
    double d = static_cast<double>(v);
    if (std::isnan(d)) return UINT64_MAX;
    if (d == 0) d = 0;
    const auto bits = std::bit_cast<uint64_t>(d);
    return (bits >> 63) != 0 ? ~bits : bits | (uint64_t{1} << 63);
  } else if constexpr (std::is_signed_v<T>) {
    return static_cast<uint64_t>(static_cast<int64_t>(v)) ^ (uint64_t{1} << 63);
  } else {
    return static_cast<uint64_t>(v);
  }
}

// Fills keyed rows for rows [start, start + length) of batch `batch`'s key column.
using KeyFiller = void (*)(const Column& column, uint32_t batch, int64_t start, int64_t length,
                           const SortKey& key, KeyedRow* out);

template <typename T>
void fill_keys(const Column& column, uint32_t batch, int64_t start, int64_t length,
               const SortKey& key, KeyedRow* out) {
  const T* values = column.values<T>() + start;
  const bool nullable = column.may_have_nulls();
  const uint32_t null_rank = key.nulls_first ? 0 : 1;
  for (int64_t i = 0; i < length; ++i) {
    const bool valid = !nullable || column.is_valid(start + i);
    const uint64_t bits = order_bits(values[i]);
    out[i] = KeyedRow{valid ? (key.ascending ? bits : ~bits) : 0, valid ? 1 - null_rank : null_rank,
                      RowRef{batch, static_cast<uint32_t>(start + i)}};
  }
}

KeyFiller key_filler_for(TypeId id) {
  switch (id) {
    case TypeId::kInt8: return &fill_keys<int8_t>;
    case TypeId::kInt16: return &fill_keys<int16_t>;
    case TypeId::kInt32:
    case TypeId::kDate32: return &fill_keys<int32_t>;
    case TypeId::kInt64:
    case TypeId::kTime64:
    case TypeId::kTimestamp: return &fill_keys<int64_t>;
    case TypeId::kUInt8: return &fill_keys<uint8_t>;
    case TypeId::kUInt16: return &fill_keys<uint16_t>;
    case TypeId::kUInt32: return &fill_keys<uint32_t>;
    case TypeId::kUInt64: return &fill_keys<uint64_t>;
    case TypeId::kFloat32: return &fill_keys<float>;
    case TypeId::kFloat64: return &fill_keys<double>;
    default: return nullptr;
  }
}

// Sorts items (one sorted run per morsel, merged pairwise) and returns the first `wanted`.
// Ties keep input order: runs sort stably and an earlier run wins ties in a merge.
template <typename Item, typename Less, typename MakeRun>
Result<std::vector<Item>> sort_items(const std::vector<Morsel>& morsels, int64_t wanted,
                                     bool keep_order, const Less& less, const MakeRun& make_run,
                                     const ExecContext& context) {
  std::vector<std::vector<Item>> runs(morsels.size());
  BRAID_RETURN_IF_ERROR(context.parallel_for(morsels.size(), [&](size_t m) -> Status {
    std::vector<Item>& run = runs[m];
    make_run(morsels[m], &run);
    if (keep_order) {
      if (morsels[m].length > wanted) run.resize(static_cast<size_t>(wanted));
    } else if (morsels[m].length > wanted) {
      // Top-N: the row (input order inside a morsel) as the last key makes the order total, so
      // selecting the first `wanted` items (linear on average, whatever the input's order; a
      // heap-based partial sort is n log k on input sorted the other way) and sorting them gives
      // exactly the items and order of a stable sort.
      const auto total_less = [&](const Item& a, const Item& b) {
        if (less(a, b)) return true;
        if (less(b, a)) return false;
        return ref_of(a).row < ref_of(b).row;
      };
      std::nth_element(run.begin(), run.begin() + (wanted - 1), run.end(), total_less);
      run.resize(static_cast<size_t>(wanted));
      std::sort(run.begin(), run.end(), total_less);
    } else {
      std::stable_sort(run.begin(), run.end(), less);
    }
    return Status::OK();
  }));
  while (runs.size() > 1) {
    std::vector<std::vector<Item>> merged((runs.size() + 1) / 2);
    BRAID_RETURN_IF_ERROR(context.parallel_for(merged.size(), [&](size_t i) -> Status {
      if (2 * i + 1 == runs.size()) {
        merged[i] = std::move(runs[2 * i]);
        return Status::OK();
      }
      std::vector<Item>& a = runs[2 * i];
      std::vector<Item>& b = runs[2 * i + 1];
      std::vector<Item>& to = merged[i];
      to.resize(std::min(a.size() + b.size(), static_cast<size_t>(wanted)));
      size_t x = 0;
      size_t y = 0;
      for (size_t k = 0; k < to.size(); ++k) {  // stops once `wanted` items are out
        if (y == b.size() || (x < a.size() && !less(b[y], a[x]))) {
          to[k] = a[x++];
        } else {
          to[k] = b[y++];
        }
      }
      std::vector<Item>().swap(a);
      std::vector<Item>().swap(b);
      return Status::OK();
    }));
    runs = std::move(merged);
  }
  if (runs.empty()) return std::vector<Item>{};
  return std::move(runs[0]);
}

template <typename Item>
Result<Table> gather_sorted(const Table& input, const std::vector<Item>& order, int64_t offset,
                            const ExecContext& context) {
  const auto wanted = static_cast<int64_t>(order.size());
  Table out{input.schema, {}};
  if (wanted <= offset) return out;
  const int64_t rows = wanted - offset;
  out.batches.resize(static_cast<size_t>((rows + kOutputBatchRows - 1) / kOutputBatchRows));
  std::vector<std::vector<const Column*>> sources;
  for (int c = 0; c < input.schema->num_fields(); ++c) {
    sources.push_back(column_sources(input.batches, c));
  }
  BRAID_RETURN_IF_ERROR(context.parallel_for(out.batches.size(), [&](size_t b) -> Status {
    const int64_t begin = offset + static_cast<int64_t>(b) * kOutputBatchRows;
    const int64_t n = std::min(kOutputBatchRows, wanted - begin);
    std::vector<RowRef> refs(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) refs[static_cast<size_t>(i)] = ref_of(order[static_cast<size_t>(begin + i)]);
    std::vector<ColumnPtr> columns;
    for (int c = 0; c < input.schema->num_fields(); ++c) {
      BRAID_ASSIGN_OR_RETURN(auto column, gather(input.schema->field(c)->type(),
                                                 sources[static_cast<size_t>(c)], refs.data(), n,
                                                 context.memory));
      columns.push_back(std::move(column));
    }
    out.batches[b] = std::make_shared<const RecordBatch>(input.schema, n, std::move(columns));
    return Status::OK();
  }));
  return out;
}

}  // namespace

Result<Table> sort(const Table& input, const std::vector<SortKey>& keys,
                   std::optional<int64_t> limit, int64_t offset, const ExecContext& context) {
  BRAID_RETURN_IF_ERROR(validate_table(input, "sort input"));
  if (offset < 0) return Status::invalid_argument("sort: negative offset {}", offset);
  if (limit && *limit < 0) return Status::invalid_argument("sort: negative limit {}", *limit);
  BRAID_ASSIGN_OR_RETURN(const RowComparator comparator, RowComparator::make(*input.schema, keys));
  // Rows needed from the sorted order: all, or offset + limit.
  const int64_t total = input.num_rows();
  const int64_t wanted =
      limit ? std::min(total, std::min(offset, total) + std::min(*limit, total)) : total;
  if (wanted <= offset) return Table{input.schema, {}};

  const std::vector<Morsel> morsels = split_morsels(input, context.morsel_rows);
  const KeyFiller filler =
      keys.size() == 1 ? key_filler_for(input.schema->field(keys[0].column)->type()->id()) : nullptr;
  MemoryReservation memory(context.memory);
  const int64_t item_bytes = filler != nullptr ? sizeof(KeyedRow) : sizeof(RowRef);
  BRAID_RETURN_IF_ERROR(memory.resize(item_bytes * 2 * total));

  if (filler != nullptr) {
    // One numeric key: sort normalized integers instead of calling the comparator.
    const SortKey key = keys[0];
    BRAID_ASSIGN_OR_RETURN(
        auto order,
        sort_items<KeyedRow>(
            morsels, wanted, false, KeyedLess{},
            [&](const Morsel& m, std::vector<KeyedRow>* run) {
              run->resize(static_cast<size_t>(m.length));
              filler(*input.batches[m.batch]->column(key.column), m.batch, m.start, m.length, key,
                     run->data());
            },
            context));
    return gather_sorted(input, order, offset, context);
  }
  BRAID_ASSIGN_OR_RETURN(
      auto order,
      sort_items<RowRef>(
          morsels, wanted, comparator.empty(), RefLess{&comparator, &input.batches},
          [&](const Morsel& m, std::vector<RowRef>* run) {
            run->resize(static_cast<size_t>(m.length));
            for (int64_t i = 0; i < m.length; ++i) {
              (*run)[static_cast<size_t>(i)] = {m.batch, static_cast<uint32_t>(m.start + i)};
            }
          },
          context));
  return gather_sorted(input, order, offset, context);
}

Result<std::unique_ptr<TopN>> TopN::make(SchemaPtr schema, std::vector<SortKey> keys, int64_t limit,
                                         int64_t offset, const ExecContext& context) {
  if (limit < 0) return Status::invalid_argument("top-n: negative limit {}", limit);
  if (offset < 0) return Status::invalid_argument("top-n: negative offset {}", offset);
  BRAID_RETURN_IF_ERROR(RowComparator::make(*schema, keys).status());
  auto out = std::unique_ptr<TopN>(new TopN());
  out->schema_ = schema;
  out->keys_ = std::move(keys);
  out->limit_ = limit;
  out->offset_ = offset;
  out->wanted_ = limit > INT64_MAX - offset ? INT64_MAX : offset + limit;
  out->context_ = context;
  out->best_ = Table{std::move(schema), {}};
  return out;
}

Status TopN::add(std::vector<RecordBatchPtr> window) {
  if (wanted_ == 0) return Status::OK();
  for (auto& b : window) {
    if (b->num_rows() == 0) continue;
    pending_rows_ += b->num_rows();
    pending_.push_back(std::move(b));
  }
  // Cut once the windows hold as many rows as are kept: each cut then sorts at most twice what it
  // keeps, and memory stays about twice the kept rows plus a window.
  if (pending_rows_ >= wanted_) return cut();
  return Status::OK();
}

Status TopN::cut() {
  Table all{schema_, best_.batches};
  all.batches.insert(all.batches.end(), std::make_move_iterator(pending_.begin()),
                     std::make_move_iterator(pending_.end()));
  pending_.clear();
  pending_rows_ = 0;
  // The kept rows come first: on ties they win, as they came first in the input.
  BRAID_ASSIGN_OR_RETURN(Table best, sort(all, keys_, wanted_, 0, context_));
  best_ = std::move(best);
  return Status::OK();
}

Result<Table> TopN::finish() {
  Table all{schema_, std::move(best_.batches)};
  all.batches.insert(all.batches.end(), std::make_move_iterator(pending_.begin()),
                     std::make_move_iterator(pending_.end()));
  pending_.clear();
  pending_rows_ = 0;
  best_ = Table{schema_, {}};
  return sort(all, keys_, limit_, offset_, context_);
}

}  // namespace braid::exec
