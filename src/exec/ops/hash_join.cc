#include "exec/ops/hash_join.h"

#include <atomic>
#include <memory>

#include "columnar/take.h"
#include "exec/ops/gather.h"
#include "exec/ops/row_keys.h"

namespace braid::exec {

std::string_view join_type_name(JoinType type) {
  switch (type) {
    case JoinType::kInner: return "inner";
    case JoinType::kLeft: return "left outer";
    case JoinType::kRight: return "right outer";
    case JoinType::kFull: return "full outer";
    case JoinType::kLeftSemi: return "left semi";
    case JoinType::kLeftAnti: return "left anti";
  }
  return "?";
}

SchemaPtr join_schema(const Schema& left, const Schema& right, JoinType type) {
  if (type == JoinType::kLeftSemi || type == JoinType::kLeftAnti) {
    return std::make_shared<const Schema>(left.fields());
  }
  const bool left_padded = type == JoinType::kRight || type == JoinType::kFull;
  const bool right_padded = type == JoinType::kLeft || type == JoinType::kFull;
  std::vector<FieldPtr> fields;
  for (const auto& f : left.fields()) fields.push_back(left_padded ? f->with_nullable(true) : f);
  for (const auto& f : right.fields()) fields.push_back(right_padded ? f->with_nullable(true) : f);
  return schema(std::move(fields));
}

namespace {

constexpr uint32_t kNoEntry = UINT32_MAX;

// One hash partition of the build side: distinct keys, each with its rows in input order.
struct BuildPartition {
  KeyTable keys;
  std::vector<uint32_t> head;  // per key: first entry
  std::vector<uint32_t> tail;  // per key: last entry
  std::vector<uint32_t> next;  // per entry: next entry of the same key
  std::vector<RowRef> rows;    // per entry
  // Per key, for semi/anti joins that build the left side: its rows are already marked matched.
  std::unique_ptr<std::atomic<uint8_t>[]> key_marked;

  int64_t memory_bytes() const {
    return keys.memory_bytes() +
           static_cast<int64_t>((head.capacity() + tail.capacity() + next.capacity()) * 4 +
                                rows.capacity() * sizeof(RowRef));
  }
};

// A build morsel's encoded keys and its matchable rows by partition.
struct BuildMorsel {
  EncodedKeys keys;
  std::vector<std::vector<uint32_t>> partition_rows;
};

class HashJoin {
 public:
  HashJoin(const Table& left, const Table& right, const std::vector<int>& left_keys,
           const std::vector<int>& right_keys, JoinType type, const JoinOptions& options,
           const ExecContext& context)
      : left_(left),
        right_(right),
        left_keys_(left_keys),
        right_keys_(right_keys),
        type_(type),
        options_(options),
        context_(context) {}

  Result<Table> run();

 private:
  Status prepare();
  Status build();
  Status probe(const Morsel& morsel, std::vector<RecordBatchPtr>* out) const;
  Status join_candidates(const std::vector<uint32_t>& probe_rows, std::vector<RowRef>& left_refs,
                         std::vector<RowRef>& right_refs, std::vector<uint8_t>* probe_matched,
                         std::vector<RecordBatchPtr>* out) const;
  Status emit_build_rows(uint32_t batch, std::vector<RecordBatchPtr>* out) const;

  // A batch of the given rows: left columns from left refs, then (unless left_only) right columns.
  Result<RecordBatchPtr> assemble(const SchemaPtr& schema, const std::vector<RowRef>& left_refs,
                                  const std::vector<RowRef>& right_refs, bool left_only) const;
  uint64_t build_index(RowRef r) const { return build_offsets_[r.batch] + r.row; }
  bool semi_or_anti() const { return type_ == JoinType::kLeftSemi || type_ == JoinType::kLeftAnti; }
  // Semi/anti joins that build the left side without a residual only mark build rows, and a key's
  // rows need marking once, however many probe rows match it.
  bool mark_keys_once() const { return semi_or_anti() && build_is_left_ && !options_.residual; }

  const Table& left_;
  const Table& right_;
  const std::vector<int>& left_keys_;
  const std::vector<int>& right_keys_;
  const JoinType type_;
  const JoinOptions& options_;
  const ExecContext& context_;

  bool build_is_left_ = false;
  const Table* build_side_ = nullptr;
  const Table* probe_side_ = nullptr;
  const std::vector<int>* build_keys_ = nullptr;
  const std::vector<int>* probe_keys_ = nullptr;
  bool probe_preserved_ = false;  // unmatched probe rows are output (NULL-padded or anti)
  bool build_marked_ = false;     // build rows remember whether they matched

  SchemaPtr output_schema_;
  SchemaPtr candidate_schema_;  // left columns then right columns
  std::vector<std::vector<const Column*>> left_sources_;   // [column][batch]
  std::vector<std::vector<const Column*>> right_sources_;  // [column][batch]
  std::optional<KeyEncoder> encoder_;
  int partition_bits_ = 0;
  std::vector<BuildPartition> partitions_;
  std::vector<uint64_t> build_offsets_;  // first global row of each build batch
  std::unique_ptr<std::atomic<uint8_t>[]> build_matched_;
  MemoryReservation memory_;
};

Status HashJoin::prepare() {
  BRAID_RETURN_IF_ERROR(validate_table(left_, "join left input"));
  BRAID_RETURN_IF_ERROR(validate_table(right_, "join right input"));
  if (left_keys_.size() != right_keys_.size()) {
    return Status::invalid_argument("join: {} left keys and {} right keys", left_keys_.size(),
                                    right_keys_.size());
  }
  std::vector<TypePtr> left_types;
  std::vector<TypePtr> right_types;
  for (size_t k = 0; k < left_keys_.size(); ++k) {
    const int l = left_keys_[k];
    const int r = right_keys_[k];
    if (l < 0 || l >= left_.schema->num_fields() || r < 0 || r >= right_.schema->num_fields()) {
      return Status::invalid_argument("join key {} ({} = {}) is out of range", k + 1, l, r);
    }
    left_types.push_back(left_.schema->field(l)->type());
    right_types.push_back(right_.schema->field(r)->type());
  }
  BRAID_RETURN_IF_ERROR(check_key_types(left_types, right_types, "join"));
  BRAID_ASSIGN_OR_RETURN(auto encoder, KeyEncoder::make(left_types, options_.null_safe));
  encoder_.emplace(std::move(encoder));

  switch (options_.build_side) {
    case BuildSide::kLeft: build_is_left_ = true; break;
    case BuildSide::kRight: build_is_left_ = false; break;
    case BuildSide::kAuto: build_is_left_ = left_.num_rows() < right_.num_rows(); break;
  }
  build_side_ = build_is_left_ ? &left_ : &right_;
  probe_side_ = build_is_left_ ? &right_ : &left_;
  build_keys_ = build_is_left_ ? &left_keys_ : &right_keys_;
  probe_keys_ = build_is_left_ ? &right_keys_ : &left_keys_;
  const bool left_kept = type_ == JoinType::kLeft || type_ == JoinType::kFull;
  const bool right_kept = type_ == JoinType::kRight || type_ == JoinType::kFull;
  probe_preserved_ = build_is_left_ ? right_kept : (left_kept || semi_or_anti());
  build_marked_ = build_is_left_ ? (left_kept || semi_or_anti()) : right_kept;

  output_schema_ = join_schema(*left_.schema, *right_.schema, type_);
  candidate_schema_ = join_schema(*left_.schema, *right_.schema, JoinType::kInner);
  for (int c = 0; c < left_.schema->num_fields(); ++c) {
    left_sources_.push_back(column_sources(left_.batches, c));
  }
  for (int c = 0; c < right_.schema->num_fields(); ++c) {
    right_sources_.push_back(column_sources(right_.batches, c));
  }
  uint64_t offset = 0;
  for (const auto& b : build_side_->batches) {
    build_offsets_.push_back(offset);
    offset += static_cast<uint64_t>(b->num_rows());
  }
  if (build_marked_) {
    BRAID_RETURN_IF_ERROR(memory_.resize(static_cast<int64_t>(offset)));
    build_matched_ = std::make_unique<std::atomic<uint8_t>[]>(offset);
  }
  partition_bits_ = hash_partition_bits(static_cast<int64_t>(offset));
  return Status::OK();
}

Status HashJoin::build() {
  const std::vector<Morsel> morsels = split_morsels(*build_side_, context_.morsel_rows);
  const uint32_t partition_count = 1u << partition_bits_;
  std::vector<BuildMorsel> encoded(morsels.size());
  std::vector<MemoryReservation> encoded_memory;
  for (size_t m = 0; m < morsels.size(); ++m) encoded_memory.emplace_back(context_.memory);
  BRAID_RETURN_IF_ERROR(context_.parallel_for(morsels.size(), [&](size_t m) -> Status {
    const Morsel& morsel = morsels[m];
    std::vector<const Column*> columns;
    for (int k : *build_keys_) columns.push_back(build_side_->batches[morsel.batch]->column(k).get());
    BuildMorsel& out = encoded[m];
    encoder_->encode(columns, morsel.start, morsel.length, &out.keys);
    out.partition_rows.resize(partition_count);
    for (int64_t i = 0; i < morsel.length; ++i) {
      if (out.keys.is_unmatchable(i)) continue;
      out.partition_rows[hash_partition(out.keys.hashes[static_cast<size_t>(i)], partition_bits_)]
          .push_back(static_cast<uint32_t>(i));
    }
    return encoded_memory[m].resize(out.keys.memory_bytes() + morsel.length * 4);
  }));

  partitions_.resize(partition_count);
  std::vector<MemoryReservation> partition_memory;
  for (uint32_t p = 0; p < partition_count; ++p) partition_memory.emplace_back(context_.memory);
  BRAID_RETURN_IF_ERROR(context_.parallel_for(partition_count, [&](size_t p) -> Status {
    BuildPartition& part = partitions_[p];
    size_t rows = 0;
    for (const BuildMorsel& bm : encoded) rows += bm.partition_rows[p].size();
    const size_t key_bytes = encoded.empty() ? 0 : static_cast<size_t>(encoded[0].keys.offsets[1]);
    part.keys.reserve(rows, rows * key_bytes);
    part.rows.reserve(rows);
    part.next.reserve(rows);
    bool inserted = false;
    for (size_t m = 0; m < morsels.size(); ++m) {
      const BuildMorsel& bm = encoded[m];
      for (uint32_t i : bm.partition_rows[p]) {
        const uint32_t key = part.keys.find_or_insert(bm.keys.key(i), bm.keys.hashes[i], &inserted);
        const auto entry = static_cast<uint32_t>(part.rows.size());
        part.rows.push_back({morsels[m].batch, static_cast<uint32_t>(morsels[m].start + i)});
        part.next.push_back(kNoEntry);
        if (inserted) {
          part.head.push_back(entry);
          part.tail.push_back(entry);
        } else {
          part.next[part.tail[key]] = entry;
          part.tail[key] = entry;
        }
      }
      BRAID_RETURN_IF_ERROR(partition_memory[p].resize(part.memory_bytes()));
    }
    if (mark_keys_once()) {
      part.key_marked = std::make_unique<std::atomic<uint8_t>[]>(part.keys.size());
    }
    return Status::OK();
  }));
  // The partitions stay counted while they are probed.
  int64_t total = memory_.bytes();
  for (auto& r : partition_memory) {
    total += r.bytes();
    r.release();
  }
  return memory_.resize(total);
}

Result<RecordBatchPtr> HashJoin::assemble(const SchemaPtr& schema,
                                          const std::vector<RowRef>& left_refs,
                                          const std::vector<RowRef>& right_refs,
                                          bool left_only) const {
  const auto n = static_cast<int64_t>(left_refs.size());
  std::vector<ColumnPtr> columns;
  for (int c = 0; c < left_.schema->num_fields(); ++c) {
    BRAID_ASSIGN_OR_RETURN(auto column, gather(left_.schema->field(c)->type(),
                                               left_sources_[static_cast<size_t>(c)],
                                               left_refs.data(), n, context_.memory));
    columns.push_back(std::move(column));
  }
  if (!left_only) {
    for (int c = 0; c < right_.schema->num_fields(); ++c) {
      BRAID_ASSIGN_OR_RETURN(auto column, gather(right_.schema->field(c)->type(),
                                                 right_sources_[static_cast<size_t>(c)],
                                                 right_refs.data(), n, context_.memory));
      columns.push_back(std::move(column));
    }
  }
  return std::make_shared<const RecordBatch>(schema, n, std::move(columns));
}

// Decides on one chunk of candidate pairs (probe_rows[i] is the probe row of pair i, as an
// index into the morsel).
Status HashJoin::join_candidates(const std::vector<uint32_t>& probe_rows,
                                 std::vector<RowRef>& left_refs, std::vector<RowRef>& right_refs,
                                 std::vector<uint8_t>* probe_matched,
                                 std::vector<RecordBatchPtr>* out) const {
  if (probe_rows.empty()) return Status::OK();
  const bool output_pairs = !semi_or_anti();
  RecordBatchPtr candidates;
  std::vector<bool> keep;
  if (options_.residual) {
    BRAID_ASSIGN_OR_RETURN(candidates, assemble(candidate_schema_, left_refs, right_refs, false));
    BRAID_ASSIGN_OR_RETURN(keep, options_.residual(*candidates));
    if (keep.size() != probe_rows.size()) {
      return Status::invalid_argument("join residual gave {} values for {} candidate pairs",
                                      keep.size(), probe_rows.size());
    }
  }
  const std::vector<RowRef>& build_refs = build_is_left_ ? left_refs : right_refs;
  size_t kept = 0;
  for (size_t i = 0; i < probe_rows.size(); ++i) {
    if (!keep.empty() && !keep[i]) continue;
    ++kept;
    (*probe_matched)[probe_rows[i]] = 1;
    if (build_marked_) build_matched_[build_index(build_refs[i])].store(1, std::memory_order_relaxed);
  }
  if (output_pairs && kept > 0) {
    RecordBatchPtr batch;
    if (candidates == nullptr) {
      BRAID_ASSIGN_OR_RETURN(batch, assemble(output_schema_, left_refs, right_refs, false));
    } else {
      if (kept < keep.size()) {
        BRAID_ASSIGN_OR_RETURN(candidates, braid::filter(*candidates, keep, context_.memory));
      }
      batch = std::make_shared<const RecordBatch>(output_schema_, candidates->num_rows(),
                                                  candidates->columns());
    }
    out->push_back(std::move(batch));
  }
  left_refs.clear();
  right_refs.clear();
  return Status::OK();
}

Status HashJoin::probe(const Morsel& morsel, std::vector<RecordBatchPtr>* out) const {
  std::vector<const Column*> columns;
  for (int k : *probe_keys_) columns.push_back(probe_side_->batches[morsel.batch]->column(k).get());
  EncodedKeys keys;
  encoder_->encode(columns, morsel.start, morsel.length, &keys);
  MemoryReservation memory(context_.memory);
  BRAID_RETURN_IF_ERROR(memory.resize(keys.memory_bytes() + morsel.length));

  const auto n = static_cast<size_t>(morsel.length);
  std::vector<uint8_t> probe_matched(n, 0);
  // Semi and anti joins probing with the left side need no pairs unless a residual must see them.
  const bool existence_only = semi_or_anti() && !build_is_left_ && !options_.residual;
  const auto chunk = static_cast<size_t>(std::max<int64_t>(context_.morsel_rows, 1));
  std::vector<uint32_t> probe_rows;
  std::vector<RowRef> left_refs;
  std::vector<RowRef> right_refs;
  std::vector<RowRef>& probe_refs = build_is_left_ ? right_refs : left_refs;
  std::vector<RowRef>& build_refs = build_is_left_ ? left_refs : right_refs;
  for (size_t i = 0; i < n; ++i) {
    if (keys.is_unmatchable(static_cast<int64_t>(i))) continue;
    const uint64_t hash = keys.hashes[i];
    const BuildPartition& part = partitions_[hash_partition(hash, partition_bits_)];
    const int64_t key = part.keys.find(keys.key(static_cast<int64_t>(i)), hash);
    if (key < 0) continue;
    if (existence_only) {
      probe_matched[i] = 1;
      continue;
    }
    if (mark_keys_once()) {
      if (part.key_marked[static_cast<size_t>(key)].exchange(1, std::memory_order_relaxed) == 0) {
        for (uint32_t e = part.head[static_cast<size_t>(key)]; e != kNoEntry; e = part.next[e]) {
          build_matched_[build_index(part.rows[e])].store(1, std::memory_order_relaxed);
        }
      }
      continue;
    }
    const RowRef probe_ref{morsel.batch, static_cast<uint32_t>(morsel.start + static_cast<int64_t>(i))};
    for (uint32_t e = part.head[static_cast<size_t>(key)]; e != kNoEntry; e = part.next[e]) {
      probe_rows.push_back(static_cast<uint32_t>(i));
      probe_refs.push_back(probe_ref);
      build_refs.push_back(part.rows[e]);
      if (probe_rows.size() >= chunk) {
        BRAID_RETURN_IF_ERROR(
            join_candidates(probe_rows, left_refs, right_refs, &probe_matched, out));
        probe_rows.clear();
        BRAID_RETURN_IF_ERROR(context_.cancellation.check());
      }
    }
  }
  BRAID_RETURN_IF_ERROR(join_candidates(probe_rows, left_refs, right_refs, &probe_matched, out));

  if (!probe_preserved_) return Status::OK();
  // Probe rows without a match: NULL-padded (outer), or kept/dropped (semi/anti).
  const bool want_matched = type_ == JoinType::kLeftSemi;
  left_refs.clear();
  right_refs.clear();
  for (size_t i = 0; i < n; ++i) {
    if ((probe_matched[i] != 0) != (semi_or_anti() && want_matched)) continue;
    probe_refs.push_back({morsel.batch, static_cast<uint32_t>(morsel.start + static_cast<int64_t>(i))});
    build_refs.push_back(kNullRowRef);
  }
  if (!left_refs.empty()) {
    BRAID_ASSIGN_OR_RETURN(auto batch,
                           assemble(output_schema_, left_refs, right_refs, semi_or_anti()));
    out->push_back(std::move(batch));
  }
  return Status::OK();
}

// Rows of one build batch that the join keeps after probing: unmatched ones NULL-padded (outer),
// or the matched/unmatched left rows (semi/anti with the left side built).
Status HashJoin::emit_build_rows(uint32_t batch, std::vector<RecordBatchPtr>* out) const {
  const int64_t rows = build_side_->batches[batch]->num_rows();
  const bool want_matched = type_ == JoinType::kLeftSemi;
  std::vector<RowRef> left_refs;
  std::vector<RowRef> right_refs;
  std::vector<RowRef>& own = build_is_left_ ? left_refs : right_refs;
  std::vector<RowRef>& other = build_is_left_ ? right_refs : left_refs;
  for (int64_t r = 0; r < rows; ++r) {
    const RowRef ref{batch, static_cast<uint32_t>(r)};
    const bool matched = build_matched_[build_index(ref)].load(std::memory_order_relaxed) != 0;
    if (matched != (semi_or_anti() && want_matched)) continue;
    own.push_back(ref);
    other.push_back(kNullRowRef);
  }
  if (own.empty()) return Status::OK();
  BRAID_ASSIGN_OR_RETURN(auto b, assemble(output_schema_, left_refs, right_refs, semi_or_anti()));
  out->push_back(std::move(b));
  return Status::OK();
}

Result<Table> HashJoin::run() {
  BRAID_RETURN_IF_ERROR(prepare());
  BRAID_RETURN_IF_ERROR(build());
  const std::vector<Morsel> morsels = split_morsels(*probe_side_, context_.morsel_rows);
  std::vector<std::vector<RecordBatchPtr>> probed(morsels.size());
  BRAID_RETURN_IF_ERROR(context_.parallel_for(morsels.size(), [&](size_t m) -> Status {
    return probe(morsels[m], &probed[m]);
  }));
  std::vector<std::vector<RecordBatchPtr>> kept(build_side_->batches.size());
  if (build_marked_) {
    BRAID_RETURN_IF_ERROR(context_.parallel_for(kept.size(), [&](size_t b) -> Status {
      return emit_build_rows(static_cast<uint32_t>(b), &kept[b]);
    }));
  }
  partitions_.clear();
  Table out{output_schema_, {}};
  for (auto* parts : {&probed, &kept}) {
    for (auto& batches : *parts) {
      for (auto& b : batches) out.batches.push_back(std::move(b));
    }
  }
  return compact(out, 64 * 1024, context_);
}

}  // namespace

Result<Table> hash_join(const Table& left, const Table& right, const std::vector<int>& left_keys,
                        const std::vector<int>& right_keys, JoinType type,
                        const JoinOptions& options, const ExecContext& context) {
  return HashJoin(left, right, left_keys, right_keys, type, options, context)
      .run()
      .with_context_f("{} join", join_type_name(type));
}

Result<Table> cross_join(const Table& left, const Table& right, const JoinResidual& residual,
                         const ExecContext& context) {
  BRAID_RETURN_IF_ERROR(validate_table(left, "cross join left input"));
  BRAID_RETURN_IF_ERROR(validate_table(right, "cross join right input"));
  const SchemaPtr out_schema = join_schema(*left.schema, *right.schema, JoinType::kInner);
  std::vector<RowRef> right_rows;
  for (size_t b = 0; b < right.batches.size(); ++b) {
    for (int64_t r = 0; r < right.batches[b]->num_rows(); ++r) {
      right_rows.push_back({static_cast<uint32_t>(b), static_cast<uint32_t>(r)});
    }
  }
  std::vector<std::vector<const Column*>> sources;
  std::vector<TypePtr> types;
  for (int c = 0; c < left.schema->num_fields(); ++c) {
    sources.push_back(column_sources(left.batches, c));
    types.push_back(left.schema->field(c)->type());
  }
  for (int c = 0; c < right.schema->num_fields(); ++c) {
    sources.push_back(column_sources(right.batches, c));
    types.push_back(right.schema->field(c)->type());
  }
  const auto left_columns = static_cast<size_t>(left.schema->num_fields());
  const std::vector<Morsel> morsels = split_morsels(left, context.morsel_rows);
  const auto chunk = static_cast<size_t>(std::max<int64_t>(context.morsel_rows, 1));
  std::vector<std::vector<RecordBatchPtr>> parts(morsels.size());
  BRAID_RETURN_IF_ERROR(context.parallel_for(morsels.size(), [&](size_t m) -> Status {
    const Morsel& morsel = morsels[m];
    std::vector<RowRef> left_refs;
    std::vector<RowRef> right_refs;
    const auto flush = [&]() -> Status {
      if (left_refs.empty()) return Status::OK();
      std::vector<ColumnPtr> columns;
      for (size_t c = 0; c < sources.size(); ++c) {
        const auto& refs = c < left_columns ? left_refs : right_refs;
        BRAID_ASSIGN_OR_RETURN(auto column, gather(types[c], sources[c], refs.data(),
                                                   static_cast<int64_t>(refs.size()),
                                                   context.memory));
        columns.push_back(std::move(column));
      }
      RecordBatchPtr batch = std::make_shared<const RecordBatch>(
          out_schema, static_cast<int64_t>(left_refs.size()), std::move(columns));
      if (residual) {
        BRAID_ASSIGN_OR_RETURN(auto keep, residual(*batch));
        if (static_cast<int64_t>(keep.size()) != batch->num_rows()) {
          return Status::invalid_argument("cross join residual gave {} values for {} pairs",
                                          keep.size(), batch->num_rows());
        }
        BRAID_ASSIGN_OR_RETURN(batch, braid::filter(*batch, keep, context.memory));
      }
      if (batch->num_rows() > 0) parts[m].push_back(std::move(batch));
      left_refs.clear();
      right_refs.clear();
      return context.cancellation.check();
    };
    for (int64_t i = 0; i < morsel.length; ++i) {
      const RowRef l{morsel.batch, static_cast<uint32_t>(morsel.start + i)};
      for (const RowRef& r : right_rows) {
        left_refs.push_back(l);
        right_refs.push_back(r);
        if (left_refs.size() >= chunk) BRAID_RETURN_IF_ERROR(flush());
      }
    }
    return flush();
  }));
  Table out{out_schema, {}};
  for (auto& batches : parts) {
    for (auto& b : batches) out.batches.push_back(std::move(b));
  }
  return compact(out, 64 * 1024, context);
}

}  // namespace braid::exec
