#include "exec/ops/hash_aggregate.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "exec/ops/gather.h"
#include "exec/ops/row_keys.h"

namespace braid::exec {

namespace {

// The unique (group, value) pairs of one DISTINCT aggregate that one morsel found in one
// partition.
struct DistinctPairs {
  std::vector<uint32_t> position;  // index of the group in the morsel's list for the partition
  std::vector<RowRef> rows;        // a row holding the value
  std::vector<char> bytes;         // the encoded value
  std::vector<int64_t> offsets{0};

  std::string_view value(size_t i) const {
    return {bytes.data() + offsets[i], static_cast<size_t>(offsets[i + 1] - offsets[i])};
  }
  int64_t memory_bytes() const {
    return static_cast<int64_t>(position.capacity() * 4 + rows.capacity() * sizeof(RowRef) +
                                bytes.capacity() + offsets.capacity() * 8);
  }
};

// Phase 1 result for one morsel.
struct MorselAggregate {
  explicit MorselAggregate(MemoryTracker* tracker) : memory(tracker) {}
  KeyTable groups;
  std::vector<RowRef> first_row;  // per local group
  std::vector<std::unique_ptr<Accumulator>> accumulators;  // per aggregate; null for DISTINCT
  std::vector<std::vector<uint32_t>> partition_groups;     // local groups of each partition
  std::vector<std::vector<DistinctPairs>> distinct;         // [aggregate][partition]
  MemoryReservation memory;
};

class HashAggregation {
 public:
  HashAggregation(const Table& input, const std::vector<int>& keys,
                  const std::vector<AggregateSpec>& aggregates, const ExecContext& context)
      : input_(input), keys_(keys), aggregates_(aggregates), context_(context) {}

  Result<Table> run();

  // Streaming (StreamingAggregation): prepare() over an input with no batches, then add() each
  // window, then finish().
  Status prepare();
  Status add(std::vector<RecordBatchPtr> window);
  Result<Table> finish();

 private:
  // Phase 2: every partition's groups merged and finished.
  Result<Table> merge_partitions();
  Result<std::unique_ptr<Accumulator>> new_accumulator(size_t a) const {
    const AggregateSpec& spec = aggregates_[a];
    return make_accumulator(spec, input_types_[a], &sources_[a], labels_[a]);
  }
  Status aggregate_morsel(const Morsel& morsel, MorselAggregate* out) const;
  Result<RecordBatchPtr> merge_partition(uint32_t partition) const;
  // Streaming: folds every partial into one.
  Status combine();
  Result<RecordBatchPtr> finish_groups(const std::vector<RowRef>& first_rows, uint32_t groups,
                                       std::vector<std::unique_ptr<Accumulator>>& accs) const;

  Table input_;  // streaming: only the schema (windows are not kept)
  const std::vector<int>& keys_;
  const std::vector<AggregateSpec>& aggregates_;
  const ExecContext& context_;

  SchemaPtr output_schema_;
  std::vector<std::vector<const Column*>> key_sources_;  // [key][batch]
  std::vector<TypePtr> input_types_;                     // per aggregate (null for count(*))
  std::vector<std::vector<const Column*>> sources_;      // [aggregate][batch]
  std::vector<std::string> labels_;
  std::optional<KeyEncoder> key_encoder_;
  std::vector<std::optional<KeyEncoder>> value_encoders_;  // DISTINCT aggregates
  std::vector<size_t> distinct_;                           // indices of DISTINCT aggregates
  int partition_bits_ = 0;
  std::vector<Morsel> morsels_;
  std::vector<std::unique_ptr<MorselAggregate>> partials_;
  // Streaming: batch indexes given out so far (windows' batches, then compacted keys), the
  // compacted key batches, and the rows seen.
  uint32_t next_batch_ = 0;
  std::vector<RecordBatchPtr> compacted_;
  int64_t streamed_rows_ = 0;
  // Streaming: groups in partials_[0] when it is the fold of earlier partials, and groups in the
  // partials after it.
  int64_t combined_groups_ = 0;
  int64_t new_groups_ = 0;
};

bool is_distinct(const AggregateSpec& spec) {
  return spec.distinct && (spec.kind == AggregateKind::kCount || spec.kind == AggregateKind::kSum ||
                           spec.kind == AggregateKind::kAvg);
}

Status HashAggregation::prepare() {
  BRAID_RETURN_IF_ERROR(validate_table(input_, "aggregate input"));
  BRAID_ASSIGN_OR_RETURN(output_schema_, hash_aggregate_schema(*input_.schema, keys_, aggregates_));
  std::vector<TypePtr> key_types;
  for (int k : keys_) {
    key_types.push_back(input_.schema->field(k)->type());
    key_sources_.push_back(column_sources(input_.batches, k));
  }
  BRAID_ASSIGN_OR_RETURN(auto encoder, KeyEncoder::make(key_types));
  key_encoder_.emplace(std::move(encoder));
  for (size_t a = 0; a < aggregates_.size(); ++a) {
    const AggregateSpec& spec = aggregates_[a];
    const bool star = spec.kind == AggregateKind::kCountStar;
    input_types_.push_back(star ? nullptr : input_.schema->field(spec.column)->type());
    sources_.push_back(star ? std::vector<const Column*>{}
                            : column_sources(input_.batches, spec.column));
    labels_.push_back(star ? std::string("count(*)")
                           : fmt::format("{}({}{})", aggregate_kind_name(spec.kind),
                                         is_distinct(spec) ? "DISTINCT " : "",
                                         input_.schema->field(spec.column)->name()));
    value_encoders_.emplace_back();
    if (is_distinct(spec)) {
      BRAID_ASSIGN_OR_RETURN(auto value_encoder, KeyEncoder::make({input_types_.back()}));
      value_encoders_.back().emplace(std::move(value_encoder));
      distinct_.push_back(a);
    }
  }
  morsels_ = split_morsels(input_, context_.morsel_rows);
  partition_bits_ = keys_.empty() ? 0 : hash_partition_bits(input_.num_rows());
  return Status::OK();
}

Status HashAggregation::aggregate_morsel(const Morsel& morsel, MorselAggregate* out) const {
  const uint32_t partitions = 1u << partition_bits_;
  const auto n = static_cast<size_t>(morsel.length);
  MemoryReservation scratch(context_.memory);
  std::vector<uint32_t> row_group(n);
  std::vector<uint32_t> position;  // of each local group in its partition's list
  out->partition_groups.resize(partitions);
  bool inserted = false;
  if (keys_.empty()) {
    BRAID_RETURN_IF_ERROR(scratch.resize(static_cast<int64_t>(n) * 4));
    out->groups.find_or_insert({}, KeyEncoder::hash_bytes({}), &inserted);
    out->first_row.push_back({morsel.batch, static_cast<uint32_t>(morsel.start)});
    out->partition_groups[0].push_back(0);
    position.push_back(0);
  } else {
    std::vector<const Column*> columns;
    for (const auto& s : key_sources_) columns.push_back(s[morsel.batch]);
    EncodedKeys keys;
    key_encoder_->encode(columns, morsel.start, morsel.length, &keys);
    BRAID_RETURN_IF_ERROR(scratch.resize(keys.memory_bytes() + static_cast<int64_t>(n) * 4));
    for (size_t i = 0; i < n; ++i) {
      const uint64_t hash = keys.hashes[i];
      const uint32_t g = out->groups.find_or_insert(keys.key(static_cast<int64_t>(i)), hash,
                                                    &inserted);
      if (inserted) {
        out->first_row.push_back(
            {morsel.batch, static_cast<uint32_t>(morsel.start + static_cast<int64_t>(i))});
        auto& list = out->partition_groups[hash_partition(hash, partition_bits_)];
        position.push_back(static_cast<uint32_t>(list.size()));
        list.push_back(g);
      }
      row_group[i] = g;
    }
  }
  const uint32_t groups = out->groups.size();
  int64_t state_bytes = out->groups.memory_bytes() + static_cast<int64_t>(groups) * 12;

  out->accumulators.resize(aggregates_.size());
  out->distinct.resize(aggregates_.size());
  for (size_t a = 0; a < aggregates_.size(); ++a) {
    if (is_distinct(aggregates_[a])) continue;
    BRAID_ASSIGN_OR_RETURN(out->accumulators[a], new_accumulator(a));
    out->accumulators[a]->resize(groups);
    BRAID_RETURN_IF_ERROR(out->accumulators[a]->update(morsel.batch, morsel.start, morsel.length,
                                                       row_group.data()));
    state_bytes += out->accumulators[a]->memory_bytes();
  }

  // DISTINCT aggregates: the morsel's unique (group, non-NULL value) pairs, by partition.
  std::string composite;
  for (size_t a : distinct_) {
    auto& pairs = out->distinct[a];
    pairs.resize(partitions);
    const Column& column = *sources_[a][morsel.batch];
    EncodedKeys values;
    value_encoders_[a]->encode({&column}, morsel.start, morsel.length, &values);
    // The morsel's encoded values and the pairs seen so far are working memory like the keys.
    const int64_t held = scratch.bytes();
    BRAID_RETURN_IF_ERROR(scratch.resize(held + values.memory_bytes()));
    KeyTable seen;
    for (size_t i = 0; i < n; ++i) {
      const int64_t row = morsel.start + static_cast<int64_t>(i);
      if (!column.is_valid(row)) continue;
      const std::string_view value = values.key(static_cast<int64_t>(i));
      const uint32_t g = row_group[i];
      composite.assign(reinterpret_cast<const char*>(&g), 4);
      composite.append(value);
      seen.find_or_insert(composite, KeyEncoder::hash_bytes(composite), &inserted);
      if (!inserted) continue;
      DistinctPairs& p = pairs[hash_partition(out->groups.hash(g), partition_bits_)];
      p.position.push_back(position[g]);
      p.rows.push_back({morsel.batch, static_cast<uint32_t>(row)});
      p.bytes.insert(p.bytes.end(), value.begin(), value.end());
      p.offsets.push_back(static_cast<int64_t>(p.bytes.size()));
      if ((i & 4095) == 4095) BRAID_RETURN_IF_ERROR(scratch.resize(held + values.memory_bytes() + seen.memory_bytes()));
    }
    BRAID_RETURN_IF_ERROR(scratch.resize(held));
    for (const auto& p : pairs) state_bytes += p.memory_bytes();
  }
  return out->memory.resize(state_bytes);
}

void normalize_floating_keys(const Column& column) {
  // The column was just gathered: its buffers are ours to fix before anyone sees them.
  const auto fix = [&](auto zero) {
    using T = decltype(zero);
    T* values = column.buffer(1)->mutable_as<T>() + column.offset();
    for (int64_t i = 0; i < column.length(); ++i) {
      if (values[i] == 0) {
        values[i] = 0;
      } else if (std::isnan(values[i])) {
        values[i] = std::numeric_limits<T>::quiet_NaN();
      }
    }
  };
  if (column.type_id() == TypeId::kFloat32) fix(0.0f);
  if (column.type_id() == TypeId::kFloat64) fix(0.0);
}

Result<RecordBatchPtr> HashAggregation::finish_groups(
    const std::vector<RowRef>& first_rows, uint32_t groups,
    std::vector<std::unique_ptr<Accumulator>>& accs) const {
  std::vector<ColumnPtr> columns;
  for (size_t k = 0; k < keys_.size(); ++k) {
    BRAID_ASSIGN_OR_RETURN(auto column, gather(input_.schema->field(keys_[k])->type(),
                                               key_sources_[k], first_rows.data(), groups,
                                               context_.memory));
    normalize_floating_keys(*column);
    columns.push_back(std::move(column));
  }
  for (auto& acc : accs) {
    acc->resize(groups);
    BRAID_ASSIGN_OR_RETURN(auto column, acc->finish(context_.memory));
    columns.push_back(std::move(column));
  }
  return std::make_shared<const RecordBatch>(output_schema_, groups, std::move(columns));
}

Result<RecordBatchPtr> HashAggregation::merge_partition(uint32_t partition) const {
  MemoryReservation memory(context_.memory);
  KeyTable table;
  std::vector<RowRef> first_rows;
  std::vector<std::unique_ptr<Accumulator>> accs(aggregates_.size());
  for (size_t a = 0; a < aggregates_.size(); ++a) {
    BRAID_ASSIGN_OR_RETURN(accs[a], new_accumulator(a));
  }
  // Size the table once for what the morsels suggest: at most all their groups, and (when groups
  // repeat across morsels) not much more than the largest morsel has.
  size_t all_groups = 0;
  size_t largest = 0;
  size_t key_bytes = 0;
  for (const auto& partial : partials_) {
    const auto& list = partial->partition_groups[partition];
    all_groups += list.size();
    largest = std::max(largest, list.size());
    if (!list.empty()) key_bytes = partial->groups.key(list[0]).size();
  }
  const size_t expected = std::min(all_groups, largest * 8);
  table.reserve(expected, expected * key_bytes);
  first_rows.reserve(expected);
  BRAID_RETURN_IF_ERROR(memory.resize(table.memory_bytes()));
  std::vector<KeyTable> distinct_seen(aggregates_.size());
  std::vector<uint32_t> global;
  std::string composite;
  bool inserted = false;
  for (const auto& partial : partials_) {
    const auto& list = partial->partition_groups[partition];
    if (list.empty()) continue;
    global.resize(list.size());
    for (size_t i = 0; i < list.size(); ++i) {
      const uint32_t local = list[i];
      global[i] = table.find_or_insert(partial->groups.key(local), partial->groups.hash(local),
                                       &inserted);
      if (inserted) first_rows.push_back(partial->first_row[local]);
    }
    int64_t bytes = table.memory_bytes() + static_cast<int64_t>(first_rows.capacity() * 8);
    for (size_t a = 0; a < aggregates_.size(); ++a) {
      accs[a]->resize(table.size());
      if (partial->accumulators[a] != nullptr) {
        BRAID_RETURN_IF_ERROR(
            accs[a]->merge(*partial->accumulators[a], list.data(), global.data(), list.size()));
      } else {
        const DistinctPairs& pairs = partial->distinct[a][partition];
        for (size_t j = 0; j < pairs.rows.size(); ++j) {
          const uint32_t g = global[pairs.position[j]];
          composite.assign(reinterpret_cast<const char*>(&g), 4);
          composite.append(pairs.value(j));
          distinct_seen[a].find_or_insert(composite, KeyEncoder::hash_bytes(composite),
                                          &inserted);
          if (inserted) {
            BRAID_RETURN_IF_ERROR(accs[a]->update(pairs.rows[j].batch, pairs.rows[j].row, 1, &g));
          }
        }
        bytes += distinct_seen[a].memory_bytes();
      }
      bytes += accs[a]->memory_bytes();
    }
    BRAID_RETURN_IF_ERROR(memory.resize(bytes));
    BRAID_RETURN_IF_ERROR(context_.cancellation.check());
  }
  // No group keys: one row even without input.
  const uint32_t groups = keys_.empty() ? 1 : table.size();
  if (groups == 0) return RecordBatchPtr();
  return finish_groups(first_rows, groups, accs);
}

Result<Table> HashAggregation::run() {
  BRAID_RETURN_IF_ERROR(prepare());
  partials_.resize(morsels_.size());
  BRAID_RETURN_IF_ERROR(context_.parallel_for(morsels_.size(), [&](size_t m) -> Status {
    partials_[m] = std::make_unique<MorselAggregate>(context_.memory);
    return aggregate_morsel(morsels_[m], partials_[m].get());
  }));
  return merge_partitions();
}

Result<Table> HashAggregation::merge_partitions() {
  const uint32_t partitions = 1u << partition_bits_;
  std::vector<RecordBatchPtr> batches(partitions);
  BRAID_RETURN_IF_ERROR(context_.parallel_for(partitions, [&](size_t p) -> Status {
    BRAID_ASSIGN_OR_RETURN(batches[p], merge_partition(static_cast<uint32_t>(p)));
    return Status::OK();
  }));
  partials_.clear();
  Table out{output_schema_, {}};
  for (auto& b : batches) {
    if (b != nullptr) out.batches.push_back(std::move(b));
  }
  return compact(out, 64 * 1024, context_);
}

Status HashAggregation::add(std::vector<RecordBatchPtr> window) {
  // The window's batches get the next indexes; phase 1 runs over its morsels as it would over
  // the whole input (morsels never span batches, so partials come out the same).
  const uint32_t base = next_batch_;
  for (const auto& b : window) {
    for (size_t k = 0; k < keys_.size(); ++k) key_sources_[k].push_back(b->column(keys_[k]).get());
    for (size_t a = 0; a < aggregates_.size(); ++a) {
      const bool star = aggregates_[a].kind == AggregateKind::kCountStar;  // reads no column
      sources_[a].push_back(star ? nullptr : b->column(aggregates_[a].column).get());
    }
    streamed_rows_ += b->num_rows();
    ++next_batch_;
  }
  std::vector<Morsel> morsels = split_morsels(Table{input_.schema, window}, context_.morsel_rows);
  for (auto& m : morsels) m.batch += base;
  const size_t first = partials_.size();
  partials_.resize(first + morsels.size());
  BRAID_RETURN_IF_ERROR(context_.parallel_for(morsels.size(), [&](size_t m) -> Status {
    partials_[first + m] = std::make_unique<MorselAggregate>(context_.memory);
    return aggregate_morsel(morsels[m], partials_[first + m].get());
  }));
  for (size_t p = first; p < partials_.size(); ++p) new_groups_ += partials_[p]->groups.size();
  // Fold the partials into one once the new ones hold as many groups as the fold: each fold costs
  // at most about twice what it keeps, and what is kept follows the groups rather than the input
  // (one partial per morsel would grow with it, and their many small allocations would also pin
  // the freed windows in the heap).
  size_t compact_from = first;
  if (partials_.size() > 1 && new_groups_ >= combined_groups_) {
    BRAID_RETURN_IF_ERROR(combine());
    compact_from = 0;
  }
  // Keep only the key values of groups whose first row is in the window or in a batch of keys
  // kept before a fold (one small batch per partial), so the window and those batches can go.
  std::vector<RecordBatchPtr> kept;
  for (size_t p = compact_from; p < partials_.size() && !keys_.empty(); ++p) {
    MorselAggregate& partial = *partials_[p];
    const auto groups = static_cast<int64_t>(partial.first_row.size());
    std::vector<ColumnPtr> columns;
    std::vector<FieldPtr> fields;
    for (size_t k = 0; k < keys_.size(); ++k) {
      const TypePtr& type = input_.schema->field(keys_[k])->type();
      BRAID_ASSIGN_OR_RETURN(auto column, gather(type, key_sources_[k], partial.first_row.data(), groups, context_.memory));
      columns.push_back(std::move(column));
      fields.push_back(field(fmt::format("k{}", k), type));
    }
    const uint32_t index = next_batch_++;
    kept.push_back(std::make_shared<const RecordBatch>(schema(std::move(fields)), groups, columns));
    for (size_t k = 0; k < keys_.size(); ++k) key_sources_[k].push_back(columns[k].get());
    for (auto& s : sources_) s.push_back(nullptr);
    for (int64_t g = 0; g < groups; ++g) partial.first_row[static_cast<size_t>(g)] = {index, static_cast<uint32_t>(g)};
  }
  if (compact_from == 0) {
    // Every group now refers to the batches just made: the earlier ones go.
    for (auto& s : key_sources_) std::fill(s.begin(), s.end() - static_cast<std::ptrdiff_t>(kept.size()), nullptr);
    compacted_.clear();
  }
  compacted_.insert(compacted_.end(), std::make_move_iterator(kept.begin()), std::make_move_iterator(kept.end()));
  // Nothing refers to the window's batches any more.
  for (uint32_t b = base; b < base + window.size(); ++b) {
    for (auto& s : key_sources_) s[b] = nullptr;
    for (auto& s : sources_) s[b] = nullptr;
  }
  return context_.cancellation.check();
}

Status HashAggregation::combine() {
  // Groups are numbered by first appearance over the partials in order and states are merged
  // partial by partial, as merge_partition() merges them: merging the fold then gives the same
  // groups, order and (floating-point) values as merging the partials it replaces.
  auto out = std::make_unique<MorselAggregate>(context_.memory);
  out->accumulators.resize(aggregates_.size());
  out->distinct.resize(aggregates_.size());
  for (size_t a = 0; a < aggregates_.size(); ++a) {
    BRAID_ASSIGN_OR_RETURN(out->accumulators[a], new_accumulator(a));
  }
  std::vector<uint32_t> from, to;
  bool inserted = false;
  for (const auto& partial : partials_) {
    const uint32_t n = partial->groups.size();
    from.resize(n);
    to.resize(n);
    for (uint32_t local = 0; local < n; ++local) {
      from[local] = local;
      to[local] = out->groups.find_or_insert(partial->groups.key(local), partial->groups.hash(local), &inserted);
      if (inserted) out->first_row.push_back(partial->first_row[local]);
    }
    int64_t state_bytes = out->groups.memory_bytes() + static_cast<int64_t>(out->first_row.capacity()) * 12;
    for (size_t a = 0; a < aggregates_.size(); ++a) {
      out->accumulators[a]->resize(out->groups.size());
      BRAID_RETURN_IF_ERROR(out->accumulators[a]->merge(*partial->accumulators[a], from.data(), to.data(), n));
      state_bytes += out->accumulators[a]->memory_bytes();
    }
    BRAID_RETURN_IF_ERROR(out->memory.resize(state_bytes));
  }
  partials_.clear();
  partials_.push_back(std::move(out));
  combined_groups_ = partials_[0]->groups.size();
  new_groups_ = 0;
  return Status::OK();
}

Result<Table> HashAggregation::finish() {
  // Partitions by the total input, as run() picks them; each partial's groups are listed per
  // partition in their order, as phase 1 would have listed them.
  partition_bits_ = keys_.empty() ? 0 : hash_partition_bits(streamed_rows_);
  const uint32_t partitions = 1u << partition_bits_;
  for (auto& partial : partials_) {
    partial->partition_groups.assign(partitions, {});
    for (uint32_t g = 0; g < partial->groups.size(); ++g) {
      partial->partition_groups[hash_partition(partial->groups.hash(g), partition_bits_)].push_back(g);
    }
  }
  return merge_partitions();
}

}  // namespace

Result<SchemaPtr> hash_aggregate_schema(const Schema& input, const std::vector<int>& group_keys,
                                        const std::vector<AggregateSpec>& aggregates) {
  std::vector<FieldPtr> fields;
  for (int k : group_keys) {
    if (k < 0 || k >= input.num_fields()) {
      return Status::invalid_argument("group key column {} is out of range (the input has {})", k,
                                      input.num_fields());
    }
    fields.push_back(input.field(k));
  }
  for (const auto& spec : aggregates) {
    TypePtr input_type;
    if (spec.kind != AggregateKind::kCountStar) {
      if (spec.column < 0 || spec.column >= input.num_fields()) {
        return Status::invalid_argument("{} input column {} is out of range (the input has {})",
                                        aggregate_kind_name(spec.kind), spec.column,
                                        input.num_fields());
      }
      input_type = input.field(spec.column)->type();
    }
    BRAID_ASSIGN_OR_RETURN(auto type, aggregate_result_type(spec.kind, input_type)
                                          .with_context_f("aggregate '{}'", spec.name));
    const bool nullable =
        spec.kind != AggregateKind::kCount && spec.kind != AggregateKind::kCountStar;
    fields.push_back(field(spec.name, type, nullable));
  }
  return schema(std::move(fields));
}

Result<Table> hash_aggregate(const Table& input, const std::vector<int>& group_keys,
                             const std::vector<AggregateSpec>& aggregates,
                             const ExecContext& context) {
  return HashAggregation(input, group_keys, aggregates, context).run();
}

struct StreamingAggregation::Impl {
  Impl(SchemaPtr s, std::vector<int> k, std::vector<AggregateSpec> a, const ExecContext& c)
      : schema(std::move(s)), keys(std::move(k)), aggregates(std::move(a)), context(c),
        aggregation(Table{schema, {}}, keys, aggregates, context) {}
  SchemaPtr schema;
  std::vector<int> keys;
  std::vector<AggregateSpec> aggregates;
  ExecContext context;
  HashAggregation aggregation;
};

bool StreamingAggregation::supported(const Schema& input, const std::vector<AggregateSpec>& aggregates) {
  const std::vector<const Column*> none;
  for (const auto& spec : aggregates) {
    if (is_distinct(spec)) return false;
    if (spec.kind == AggregateKind::kCountStar) continue;
    if (spec.column < 0 || spec.column >= input.num_fields()) return false;
    auto acc = make_accumulator(spec, input.field(spec.column)->type(), &none, "");
    if (!acc.ok() || (*acc)->holds_input_rows()) return false;
  }
  return true;
}

Result<std::unique_ptr<StreamingAggregation>> StreamingAggregation::make(SchemaPtr input_schema,
                                                                          std::vector<int> group_keys,
                                                                          std::vector<AggregateSpec> aggregates,
                                                                          const ExecContext& context) {
  if (!supported(*input_schema, aggregates)) {
    return Status::invalid_argument("these aggregates cannot be computed over a stream (DISTINCT, or kept input rows)");
  }
  auto out = std::unique_ptr<StreamingAggregation>(new StreamingAggregation());
  out->impl_ = std::make_unique<Impl>(std::move(input_schema), std::move(group_keys), std::move(aggregates), context);
  BRAID_RETURN_IF_ERROR(out->impl_->aggregation.prepare());
  return out;
}

StreamingAggregation::StreamingAggregation() = default;
StreamingAggregation::~StreamingAggregation() = default;

Status StreamingAggregation::add(std::vector<RecordBatchPtr> window) {
  Table t{impl_->schema, window};
  BRAID_RETURN_IF_ERROR(validate_table(t, "aggregate input"));
  return impl_->aggregation.add(std::move(window));
}

Result<Table> StreamingAggregation::finish() { return impl_->aggregation.finish(); }

Result<Table> distinct(const Table& input, const ExecContext& context) {
  BRAID_RETURN_IF_ERROR(validate_table(input, "distinct input"));
  std::vector<int> keys(static_cast<size_t>(input.schema->num_fields()));
  std::iota(keys.begin(), keys.end(), 0);
  BRAID_ASSIGN_OR_RETURN(auto out, hash_aggregate(input, keys, {}, context));
  out.schema = input.schema;
  for (auto& b : out.batches) {
    b = std::make_shared<const RecordBatch>(input.schema, b->num_rows(), b->columns());
  }
  return out;
}

}  // namespace braid::exec
