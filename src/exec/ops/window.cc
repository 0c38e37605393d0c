#include "exec/ops/window.h"

#include <algorithm>
#include <cstring>

#include "exec/ops/gather.h"
#include "exec/ops/row_keys.h"

namespace braid::exec {

namespace {

bool is_ranking(WindowKind kind) {
  return kind == WindowKind::kRowNumber || kind == WindowKind::kRank ||
         kind == WindowKind::kDenseRank;
}

std::string_view window_kind_name(WindowKind kind) {
  switch (kind) {
    case WindowKind::kRowNumber: return "row_number";
    case WindowKind::kRank: return "rank";
    case WindowKind::kDenseRank: return "dense_rank";
    case WindowKind::kLag: return "lag";
    case WindowKind::kLead: return "lead";
    case WindowKind::kAggregate: return "aggregate";
  }
  return "?";
}

Result<FieldPtr> window_field(const Schema& input, const WindowSpec& spec) {
  const auto column_type = [&](int c, std::string_view what) -> Result<TypePtr> {
    if (c < 0 || c >= input.num_fields()) {
      return Status::invalid_argument("window function '{}': {} column {} is out of range (the "
                                      "input has {})",
                                      spec.name, what, c, input.num_fields());
    }
    return input.field(c)->type();
  };
  switch (spec.kind) {
    case WindowKind::kRowNumber:
    case WindowKind::kRank:
    case WindowKind::kDenseRank:
      return field(spec.name, int32(), false);
    case WindowKind::kLag:
    case WindowKind::kLead: {
      BRAID_ASSIGN_OR_RETURN(auto type, column_type(spec.column, "argument"));
      if (spec.default_column >= 0) {
        BRAID_ASSIGN_OR_RETURN(auto default_type, column_type(spec.default_column, "default"));
        if (!default_type->equals(*type)) {
          return Status::invalid_argument(
              "window function '{}': the default is {} but the argument is {} (cast it first)",
              spec.name, default_type->to_string(), type->to_string());
        }
      }
      return field(spec.name, type, true);
    }
    case WindowKind::kAggregate: {
      TypePtr input_type;
      if (spec.aggregate != AggregateKind::kCountStar) {
        BRAID_ASSIGN_OR_RETURN(input_type, column_type(spec.column, "input"));
      }
      BRAID_ASSIGN_OR_RETURN(auto type, aggregate_result_type(spec.aggregate, input_type)
                                            .with_context_f("window function '{}'", spec.name));
      const bool counts =
          spec.aggregate == AggregateKind::kCount || spec.aggregate == AggregateKind::kCountStar;
      return field(spec.name, type, !counts);
    }
  }
  return Status::internal("unknown window function kind");
}

// Orders the rows of one table by a comparator (stable algorithms break ties).
struct RefLess {
  const RowComparator* comparator;
  const std::vector<RecordBatchPtr>* batches;
  bool operator()(const RowRef& a, const RowRef& b) const {
    return comparator->compare(*(*batches)[a.batch], a.row, *(*batches)[b.batch], b.row) < 0;
  }
};

// A morsel's partition keys and its rows by hash partition.
struct PartitionedMorsel {
  EncodedKeys keys;
  std::vector<std::vector<uint32_t>> partition_rows;
};

class WindowOperator {
 public:
  WindowOperator(const Table& input, const std::vector<int>& partition_keys,
                 const std::vector<SortKey>& order_keys, const std::vector<WindowSpec>& functions,
                 const ExecContext& context)
      : input_(input),
        partition_keys_(partition_keys),
        order_keys_(order_keys),
        functions_(functions),
        context_(context) {}

  Result<Table> run();

 private:
  Status prepare();
  Status compute_partition(uint32_t partition);
  // Functions over the rows of one window partition, sorted, at positions [begin, end) of `rows`.
  Status compute_window(std::vector<RowRef>& rows, size_t begin, size_t end,
                        std::vector<uint32_t>* peer_group, uint32_t* next_peer_group);
  Result<RecordBatchPtr> assemble(uint32_t batch) const;
  size_t slot(RowRef r) const { return static_cast<size_t>(batch_offsets_[r.batch] + r.row); }

  const Table& input_;
  const std::vector<int>& partition_keys_;
  const std::vector<SortKey>& order_keys_;
  const std::vector<WindowSpec>& functions_;
  const ExecContext& context_;

  SchemaPtr output_schema_;
  std::optional<KeyEncoder> encoder_;
  std::optional<RowComparator> comparator_;
  int partition_bits_ = 0;
  std::vector<int64_t> batch_offsets_;
  std::vector<PartitionedMorsel> morsels_data_;
  std::vector<Morsel> morsels_;
  MemoryReservation memory_;

  // Per function, per input row (by slot): a ranking value, or a reference into value_sources_.
  std::vector<std::vector<int32_t>> ranks_;
  std::vector<std::vector<RowRef>> refs_;
  // lag/lead: argument columns of every batch, then default columns of every batch. Aggregates:
  // the finished column of every hash partition.
  std::vector<std::vector<const Column*>> value_sources_;
  std::vector<std::vector<ColumnPtr>> finished_;  // [function][hash partition]
  std::vector<std::vector<const Column*>> aggregate_inputs_;  // [function][batch]
};

Status WindowOperator::prepare() {
  BRAID_RETURN_IF_ERROR(validate_table(input_, "window input"));
  BRAID_ASSIGN_OR_RETURN(output_schema_, window_schema(*input_.schema, functions_));
  std::vector<TypePtr> key_types;
  for (int k : partition_keys_) {
    if (k < 0 || k >= input_.schema->num_fields()) {
      return Status::invalid_argument("partition key column {} is out of range (the input has {})",
                                      k, input_.schema->num_fields());
    }
    key_types.push_back(input_.schema->field(k)->type());
  }
  BRAID_ASSIGN_OR_RETURN(auto encoder, KeyEncoder::make(key_types));
  encoder_.emplace(std::move(encoder));
  BRAID_ASSIGN_OR_RETURN(auto comparator, RowComparator::make(*input_.schema, order_keys_));
  comparator_.emplace(std::move(comparator));

  int64_t rows = 0;
  for (const auto& b : input_.batches) {
    batch_offsets_.push_back(rows);
    rows += b->num_rows();
  }
  partition_bits_ = partition_keys_.empty() ? 0 : hash_partition_bits(rows);
  const uint32_t partitions = 1u << partition_bits_;

  int64_t bytes = 0;
  ranks_.resize(functions_.size());
  refs_.resize(functions_.size());
  value_sources_.resize(functions_.size());
  finished_.resize(functions_.size());
  aggregate_inputs_.resize(functions_.size());
  for (size_t f = 0; f < functions_.size(); ++f) {
    const WindowSpec& spec = functions_[f];
    bytes += rows * (is_ranking(spec.kind) ? 4 : 8);
    BRAID_RETURN_IF_ERROR(memory_.resize(bytes));
    if (is_ranking(spec.kind)) {
      ranks_[f].resize(static_cast<size_t>(rows));
      continue;
    }
    refs_[f].resize(static_cast<size_t>(rows));
    if (spec.kind == WindowKind::kAggregate) {
      finished_[f].resize(partitions);
      if (spec.aggregate != AggregateKind::kCountStar) {
        aggregate_inputs_[f] = column_sources(input_.batches, spec.column);
      }
    } else {
      value_sources_[f] = column_sources(input_.batches, spec.column);
      if (spec.default_column >= 0) {
        auto defaults = column_sources(input_.batches, spec.default_column);
        value_sources_[f].insert(value_sources_[f].end(), defaults.begin(), defaults.end());
      }
    }
  }
  morsels_ = split_morsels(input_, context_.morsel_rows);
  return Status::OK();
}

Status WindowOperator::compute_window(std::vector<RowRef>& rows, size_t begin, size_t end,
                                      std::vector<uint32_t>* peer_group,
                                      uint32_t* next_peer_group) {
  const RefLess less{&*comparator_, &input_.batches};
  if (!comparator_->empty()) {
    if (end - begin <= 16) {
      // Small windows (deduplication by key): a stable insertion sort without allocating.
      for (size_t i = begin + 1; i < end; ++i) {
        const RowRef row = rows[i];
        size_t j = i;
        for (; j > begin && less(row, rows[j - 1]); --j) rows[j] = rows[j - 1];
        rows[j] = row;
      }
    } else {
      std::stable_sort(rows.begin() + static_cast<ptrdiff_t>(begin),
                       rows.begin() + static_cast<ptrdiff_t>(end), less);
    }
  }
  // Peer groups: runs of rows with equal ORDER BY keys (all rows without ORDER BY).
  const uint32_t first_group = *next_peer_group;
  for (size_t i = begin; i < end; ++i) {
    const bool new_group =
        i == begin || (!comparator_->empty() &&
                       comparator_->compare(*input_.batches[rows[i - 1].batch], rows[i - 1].row,
                                            *input_.batches[rows[i].batch], rows[i].row) != 0);
    if (new_group) ++*next_peer_group;
    (*peer_group)[i] = *next_peer_group - 1;
  }
  const auto n = static_cast<int64_t>(end - begin);
  for (size_t f = 0; f < functions_.size(); ++f) {
    const WindowSpec& spec = functions_[f];
    switch (spec.kind) {
      case WindowKind::kRowNumber:
        for (int64_t i = 0; i < n; ++i) {
          ranks_[f][slot(rows[begin + static_cast<size_t>(i)])] = static_cast<int32_t>(i + 1);
        }
        break;
      case WindowKind::kRank: {
        int32_t rank = 1;
        for (size_t i = begin; i < end; ++i) {
          if (i > begin && (*peer_group)[i] != (*peer_group)[i - 1]) {
            rank = static_cast<int32_t>(i - begin + 1);
          }
          ranks_[f][slot(rows[i])] = rank;
        }
        break;
      }
      case WindowKind::kDenseRank:
        for (size_t i = begin; i < end; ++i) {
          ranks_[f][slot(rows[i])] = static_cast<int32_t>((*peer_group)[i] - first_group + 1);
        }
        break;
      case WindowKind::kLag:
      case WindowKind::kLead: {
        const int64_t shift = spec.kind == WindowKind::kLag ? -spec.offset : spec.offset;
        const auto batches = static_cast<uint32_t>(input_.batches.size());
        for (int64_t i = 0; i < n; ++i) {
          const RowRef self = rows[begin + static_cast<size_t>(i)];
          const int64_t from = i + shift;
          RowRef value = kNullRowRef;
          if (from >= 0 && from < n) {
            value = rows[begin + static_cast<size_t>(from)];
          } else if (spec.default_column >= 0) {
            value = RowRef{self.batch + batches, self.row};
          }
          refs_[f][slot(self)] = value;
        }
        break;
      }
      case WindowKind::kAggregate:
        break;  // computed per hash partition
    }
  }
  return Status::OK();
}

Status WindowOperator::compute_partition(uint32_t partition) {
  MemoryReservation memory(context_.memory);
  // Rows of this hash partition in input order, with their window partition.
  KeyTable windows;
  std::vector<RowRef> rows;
  std::vector<uint32_t> window_of;
  if (!partition_keys_.empty()) {
    size_t count = 0;
    for (const auto& pm : morsels_data_) count += pm.partition_rows[partition].size();
    rows.reserve(count);
    window_of.reserve(count);
  }
  bool inserted = false;
  for (size_t m = 0; m < morsels_.size(); ++m) {
    const Morsel& morsel = morsels_[m];
    const PartitionedMorsel& pm = morsels_data_[m];
    if (partition_keys_.empty()) {
      for (int64_t i = 0; i < morsel.length; ++i) {
        rows.push_back({morsel.batch, static_cast<uint32_t>(morsel.start + i)});
        window_of.push_back(0);
      }
      continue;
    }
    for (uint32_t i : pm.partition_rows[partition]) {
      rows.push_back({morsel.batch, static_cast<uint32_t>(morsel.start + i)});
      window_of.push_back(windows.find_or_insert(pm.keys.key(i), pm.keys.hashes[i], &inserted));
    }
  }
  if (rows.empty()) return Status::OK();
  const uint32_t window_count = partition_keys_.empty() ? 1 : windows.size();
  BRAID_RETURN_IF_ERROR(memory.resize(static_cast<int64_t>(rows.size()) * 24 +
                                      windows.memory_bytes()));

  // Group rows by window partition, keeping input order inside each (a counting sort).
  std::vector<size_t> starts(window_count + 1, 0);
  for (uint32_t w : window_of) ++starts[w + 1];
  for (uint32_t w = 0; w < window_count; ++w) starts[w + 1] += starts[w];
  std::vector<RowRef> grouped(rows.size());
  {
    std::vector<size_t> cursor(starts.begin(), starts.end() - 1);
    for (size_t i = 0; i < rows.size(); ++i) grouped[cursor[window_of[i]]++] = rows[i];
  }
  rows.clear();
  rows.shrink_to_fit();
  window_of.clear();
  window_of.shrink_to_fit();

  std::vector<uint32_t> peer_group(grouped.size());
  uint32_t peer_groups = 0;
  for (uint32_t w = 0; w < window_count; ++w) {
    BRAID_RETURN_IF_ERROR(compute_window(grouped, starts[w], starts[w + 1], &peer_group,
                                         &peer_groups));
    if ((w & 1023) == 0) BRAID_RETURN_IF_ERROR(context_.cancellation.check());
  }

  // Aggregates: partial states per peer group, then running totals across each window's peer
  // groups (with ORDER BY) or one state per window (without).
  const bool running = !comparator_->empty();
  std::vector<uint32_t> group_of(grouped.size());
  for (uint32_t w = 0; w < window_count; ++w) {
    for (size_t i = starts[w]; i < starts[w + 1]; ++i) group_of[i] = running ? peer_group[i] : w;
  }
  const uint32_t groups = running ? peer_groups : window_count;
  for (size_t f = 0; f < functions_.size(); ++f) {
    const WindowSpec& spec = functions_[f];
    if (spec.kind != WindowKind::kAggregate) continue;
    AggregateSpec aggregate{spec.aggregate, spec.column, false, false, spec.name};
    const TypePtr input_type =
        spec.aggregate == AggregateKind::kCountStar ? nullptr : input_.schema->field(spec.column)->type();
    const std::string label =
        input_type == nullptr
            ? std::string("count(*)")
            : fmt::format("{}({})", aggregate_kind_name(spec.aggregate),
                          input_.schema->field(spec.column)->name());
    BRAID_ASSIGN_OR_RETURN(auto partial, make_accumulator(aggregate, input_type,
                                                          &aggregate_inputs_[f], label));
    partial->resize(groups);
    // Feed runs of consecutive rows of one batch at once.
    for (size_t i = 0; i < grouped.size();) {
      size_t j = i + 1;
      while (j < grouped.size() && grouped[j].batch == grouped[i].batch &&
             grouped[j].row == grouped[j - 1].row + 1) {
        ++j;
      }
      BRAID_RETURN_IF_ERROR(partial->update(grouped[i].batch, grouped[i].row,
                                            static_cast<int64_t>(j - i), group_of.data() + i));
      i = j;
    }
    std::unique_ptr<Accumulator> result;
    if (running) {
      // result[g] = result[g - 1] + partial[g] inside each window (earlier states first).
      BRAID_ASSIGN_OR_RETURN(result, make_accumulator(aggregate, input_type,
                                                      &aggregate_inputs_[f], label));
      result->resize(groups);
      for (uint32_t w = 0; w < window_count; ++w) {
        if (starts[w] == starts[w + 1]) continue;
        const uint32_t first = peer_group[starts[w]];
        const uint32_t last = peer_group[starts[w + 1] - 1];
        for (uint32_t g = first; g <= last; ++g) {
          if (g > first) {
            const uint32_t previous = g - 1;
            BRAID_RETURN_IF_ERROR(result->merge(*result, &previous, &g, 1));
          }
          BRAID_RETURN_IF_ERROR(result->merge(*partial, &g, &g, 1));
        }
      }
      partial.reset();
    } else {
      result = std::move(partial);
    }
    BRAID_RETURN_IF_ERROR(memory.resize(memory.bytes() + result->memory_bytes()));
    BRAID_ASSIGN_OR_RETURN(finished_[f][partition], result->finish(context_.memory));
    for (size_t i = 0; i < grouped.size(); ++i) {
      refs_[f][slot(grouped[i])] = RowRef{partition, group_of[i]};
    }
  }
  return Status::OK();
}

Result<RecordBatchPtr> WindowOperator::assemble(uint32_t batch) const {
  const RecordBatch& in = *input_.batches[batch];
  const int64_t n = in.num_rows();
  const auto first = static_cast<size_t>(batch_offsets_[batch]);
  std::vector<ColumnPtr> columns = in.columns();
  for (size_t f = 0; f < functions_.size(); ++f) {
    const TypePtr& type = output_schema_->field(in.num_columns() + static_cast<int>(f))->type();
    if (is_ranking(functions_[f].kind)) {
      BRAID_ASSIGN_OR_RETURN(auto values, Buffer::allocate(n * 4, context_.memory));
      if (n > 0) std::memcpy(values->mutable_data(), ranks_[f].data() + first, static_cast<size_t>(n) * 4);
      columns.push_back(std::make_shared<const Column>(
          type, n, std::vector<BufferPtr>{nullptr, std::move(values)}, std::vector<ColumnPtr>{}, 0));
      continue;
    }
    const std::vector<const Column*>* sources = &value_sources_[f];
    std::vector<const Column*> finished;
    if (functions_[f].kind == WindowKind::kAggregate) {
      for (const auto& c : finished_[f]) finished.push_back(c.get());
      sources = &finished;
    }
    BRAID_ASSIGN_OR_RETURN(auto column,
                           gather(type, *sources, refs_[f].data() + first, n, context_.memory));
    columns.push_back(std::move(column));
  }
  return std::make_shared<const RecordBatch>(output_schema_, n, std::move(columns));
}

Result<Table> WindowOperator::run() {
  BRAID_RETURN_IF_ERROR(prepare());
  const uint32_t partitions = 1u << partition_bits_;
  morsels_data_.resize(morsels_.size());
  if (!partition_keys_.empty()) {
    std::vector<MemoryReservation> morsel_memory;
    for (size_t m = 0; m < morsels_.size(); ++m) morsel_memory.emplace_back(context_.memory);
    BRAID_RETURN_IF_ERROR(context_.parallel_for(morsels_.size(), [&](size_t m) -> Status {
      const Morsel& morsel = morsels_[m];
      std::vector<const Column*> columns;
      for (int k : partition_keys_) columns.push_back(input_.batches[morsel.batch]->column(k).get());
      PartitionedMorsel& pm = morsels_data_[m];
      encoder_->encode(columns, morsel.start, morsel.length, &pm.keys);
      pm.partition_rows.resize(partitions);
      for (int64_t i = 0; i < morsel.length; ++i) {
        pm.partition_rows[hash_partition(pm.keys.hashes[static_cast<size_t>(i)], partition_bits_)]
            .push_back(static_cast<uint32_t>(i));
      }
      return morsel_memory[m].resize(pm.keys.memory_bytes() + morsel.length * 4);
    }));
    BRAID_RETURN_IF_ERROR(context_.parallel_for(partitions, [&](size_t p) -> Status {
      return compute_partition(static_cast<uint32_t>(p));
    }));
  } else {
    BRAID_RETURN_IF_ERROR(compute_partition(0));
  }
  morsels_data_.clear();
  Table out{output_schema_, std::vector<RecordBatchPtr>(input_.batches.size())};
  BRAID_RETURN_IF_ERROR(context_.parallel_for(out.batches.size(), [&](size_t b) -> Status {
    BRAID_ASSIGN_OR_RETURN(out.batches[b], assemble(static_cast<uint32_t>(b)));
    return Status::OK();
  }));
  return out;
}

}  // namespace

Result<SchemaPtr> window_schema(const Schema& input, const std::vector<WindowSpec>& functions) {
  std::vector<FieldPtr> fields = input.fields();
  for (const auto& spec : functions) {
    BRAID_ASSIGN_OR_RETURN(auto f, window_field(input, spec)
                                       .with_context_f("{}", window_kind_name(spec.kind)));
    fields.push_back(std::move(f));
  }
  return schema(std::move(fields));
}

Result<Table> window(const Table& input, const std::vector<int>& partition_keys,
                     const std::vector<SortKey>& order_keys,
                     const std::vector<WindowSpec>& functions, const ExecContext& context) {
  return WindowOperator(input, partition_keys, order_keys, functions, context).run();
}

}  // namespace braid::exec
