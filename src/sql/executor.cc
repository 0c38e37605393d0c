#include "sql/executor.h"

#include <fmt/core.h>

#include <algorithm>
#include <functional>
#include <optional>

#include "columnar/column_builder.h"
#include "columnar/compare.h"
#include "columnar/take.h"
#include "delta/scan.h"
#include "exec/ops/hash_aggregate.h"
#include "exec/ops/hash_join.h"
#include "exec/ops/sort.h"
#include "exec/ops/window.h"
#include "formats/csv/csv_reader.h"
#include "formats/parquet/row_group_filter.h"
#include "formats/parquet/parquet_reader.h"

namespace braid::sql {

namespace {

using exec::Table;

// Every batch with `schema` (same columns, the plan's names).
Table with_schema(Table t, const SchemaPtr& schema) {
  for (auto& b : t.batches) {
    if (b->schema() != schema) b = std::make_shared<const RecordBatch>(schema, b->num_rows(), b->columns());
  }
  t.schema = schema;
  return t;
}

// `exprs` evaluated over one batch: one output column per expression.
Result<RecordBatchPtr> project_batch(const RecordBatch& batch, const std::vector<exec::ExprPtr>& exprs,
                                     const SchemaPtr& schema, const QueryContext& ctx) {
  std::vector<ColumnPtr> columns;
  columns.reserve(exprs.size());
  for (const auto& e : exprs) {
    BRAID_ASSIGN_OR_RETURN(ColumnPtr c, e->evaluate(batch, ctx.eval));
    columns.push_back(std::move(c));
  }
  return std::make_shared<const RecordBatch>(schema, batch.num_rows(), std::move(columns));
}

// Evaluates `exprs` over every batch, in parallel.
Result<Table> project(const Table& input, const std::vector<exec::ExprPtr>& exprs, const SchemaPtr& schema,
                      const QueryContext& ctx) {
  Table out{schema, std::vector<RecordBatchPtr>(input.batches.size())};
  BRAID_RETURN_IF_ERROR(ctx.exec.parallel_for(input.batches.size(), [&](size_t i) -> Status {
    BRAID_ASSIGN_OR_RETURN(out.batches[i], project_batch(*input.batches[i], exprs, schema, ctx));
    return Status::OK();
  }));
  return out;
}

// The columns of a schema followed by `exprs` (named _e0, _e1, ...), as expressions and schema.
std::pair<std::vector<exec::ExprPtr>, SchemaPtr> with_appended(const Schema& input, const std::vector<exec::ExprPtr>& exprs) {
  std::vector<exec::ExprPtr> all;
  std::vector<FieldPtr> fields;
  for (int i = 0; i < input.num_fields(); ++i) {
    const auto& f = input.field(i);
    all.push_back(exec::column_ref(i, f->type(), f->name()));
    fields.push_back(f);
  }
  for (size_t k = 0; k < exprs.size(); ++k) {
    all.push_back(exprs[k]);
    fields.push_back(field(fmt::format("_e{}", k), exprs[k]->type()));
  }
  return {std::move(all), schema(std::move(fields))};
}

// Whether a batch with these statistics may hold rows matching every skipping predicate.
bool batch_may_match(const std::vector<parquet::ColumnPredicate>& predicates, const Schema& source,
                     const BatchStats& stats, int64_t rows) {
  for (const auto& p : predicates) {
    const int c = source.field_index(p.column);
    if (c < 0 || static_cast<size_t>(c) >= stats.min.size()) continue;
    const auto& min = stats.min[static_cast<size_t>(c)];
    const auto& max = stats.max[static_cast<size_t>(c)];
    const int64_t nulls = stats.nulls[static_cast<size_t>(c)];
    if (!min && !max && nulls < 0) continue;
    std::optional<int64_t> null_count = nulls >= 0 ? std::optional<int64_t>(nulls) : std::nullopt;
    if (!parquet::may_match(p, min, max, null_count, rows)) return false;
  }
  return true;
}

// A scan's batches, one at a time (nullptr after the last), in the scan's output schema. File
// and Delta readers decode a window of row groups or files ahead in parallel.
using BatchStream = std::function<Result<RecordBatchPtr>()>;

// Rows per batch of a range() scan.
constexpr int64_t kRangeBatchRows = 64 * 1024;

// range()'s rows, made a batch at a time as they are read and counted on the statement's tracker.
// Batches that the scan's skipping predicates rule out (by their first and last value) are not
// made at all.
Result<BatchStream> open_range(const RangeSource& range, const ScanNode& scan, const SchemaPtr& out_schema,
                               const QueryContext& ctx) {
  struct State {
    int64_t next_row = 0;
  };
  auto state = std::make_shared<State>();
  const int64_t rows = range.num_rows();
  MemoryTracker* tracker = ctx.exec.memory;
  // The value of row i, in wrapping arithmetic: start + i * step may overflow on the way to a
  // value that fits.
  auto value_at = [range](int64_t i) {
    return static_cast<int64_t>(static_cast<uint64_t>(range.start) +
                                static_cast<uint64_t>(i) * static_cast<uint64_t>(range.step));
  };
  auto one_value = [](int64_t v) -> Result<ColumnPtr> {
    Int64Builder b(int64());
    b.append(v);
    return b.finish();
  };
  return BatchStream([=, skipping = scan.skipping, source_schema = scan.source_schema,
                      width = scan.columns.size()]() -> Result<RecordBatchPtr> {
    while (state->next_row < rows) {
      const int64_t first = state->next_row;
      const int64_t n = std::min(kRangeBatchRows, rows - first);
      state->next_row += n;
      const int64_t first_value = value_at(first), last_value = value_at(first + n - 1);
      if (!skipping.empty()) {
        BatchStats stats;
        BRAID_ASSIGN_OR_RETURN(auto low, one_value(std::min(first_value, last_value)));
        BRAID_ASSIGN_OR_RETURN(auto high, one_value(std::max(first_value, last_value)));
        stats.min = {low};
        stats.max = {high};
        stats.nulls = {0};
        if (!batch_may_match(skipping, *source_schema, stats, n)) continue;
      }
      ColumnPtr ids;
      if (width > 0) {
        BRAID_ASSIGN_OR_RETURN(auto values, Buffer::allocate_uninitialized(n * 8, tracker));
        auto* out = values->mutable_as<uint64_t>();
        const auto base = static_cast<uint64_t>(first_value), step = static_cast<uint64_t>(range.step);
        for (int64_t i = 0; i < n; ++i) out[i] = base + static_cast<uint64_t>(i) * step;
        ids = std::make_shared<const Column>(int64(), n, std::vector<BufferPtr>{nullptr, std::move(values)},
                                             std::vector<ColumnPtr>{}, 0);
      }
      return std::make_shared<const RecordBatch>(out_schema, n, std::vector<ColumnPtr>(width, ids));
    }
    return RecordBatchPtr(nullptr);
  });
}

Result<BatchStream> open_scan(const ScanNode& scan, const SchemaPtr& out_schema, const QueryContext& ctx) {
  std::vector<std::string> names;
  for (int c : scan.columns) names.push_back(scan.source_schema->field(c)->name());
  auto relabel = [out_schema](RecordBatchPtr b) -> RecordBatchPtr {
    if (b == nullptr || b->schema() == out_schema) return b;
    return std::make_shared<const RecordBatch>(out_schema, b->num_rows(), b->columns());
  };
  if (const auto* d = std::get_if<DeltaSource>(&scan.source)) {
    delta::ScanOptions options;
    options.columns = names;
    options.predicates = scan.skipping;
    options.tracker = ctx.exec.memory;
    options.verify_checksums = ctx.verify_parquet_checksums;
    BRAID_ASSIGN_OR_RETURN(auto reader, delta::DeltaScan::make(d->snapshot, options));
    std::shared_ptr<delta::DeltaScan> shared(std::move(reader));
    return BatchStream([shared, relabel]() -> Result<RecordBatchPtr> {
      BRAID_ASSIGN_OR_RETURN(auto b, shared->next());
      return relabel(std::move(b));
    });
  }
  if (const auto* f = std::get_if<FileSource>(&scan.source)) {
    if (f->format == FileSource::Format::kParquet) {
      // One file at a time, each opened when the previous one is done.
      struct State {
        std::vector<std::string> paths;
        size_t next_path = 0;
        std::unique_ptr<parquet::ParquetReader> reader;
        parquet::ParquetReadOptions options;
      };
      auto state = std::make_shared<State>();
      state->paths = f->paths;
      state->options.columns = names;
      state->options.predicates = scan.skipping;
      state->options.tracker = ctx.exec.memory;
      state->options.verify_checksums = f->verify_checksums && ctx.verify_parquet_checksums;
      return BatchStream([state, relabel, out_schema]() -> Result<RecordBatchPtr> {
        while (true) {
          if (state->reader != nullptr) {
            BRAID_ASSIGN_OR_RETURN(auto b, state->reader->next());
            if (b != nullptr) return relabel(std::move(b));
            state->reader.reset();
          }
          if (state->next_path >= state->paths.size()) return RecordBatchPtr(nullptr);
          const std::string& path = state->paths[state->next_path++];
          BRAID_ASSIGN_OR_RETURN(state->reader, parquet::ParquetReader::open(local_file_system(), path, state->options));
          // The plan's types come from the first file; a later file must agree, or its values
          // would be read as another type.
          const SchemaPtr& got = state->reader->schema();
          for (int i = 0; i < got->num_fields(); ++i) {
            const TypePtr& want = out_schema->field(i)->type();
            if (!got->field(i)->type()->equals(*want)) {
              return Status::invalid_argument("{}: column '{}' is {}, but {} in {} (files read together must agree)",
                                              path, got->field(i)->name(), got->field(i)->type()->to_string(),
                                              want->to_string(), state->paths[0]);
            }
          }
        }
      });
    }
  }
  if (const auto* f = std::get_if<FileSource>(&scan.source)) {
    // One file at a time; a file's blocks are parsed in parallel. The CSV reader counts nothing,
    // so the columns read are counted here for as long as they live.
    struct State {
      std::vector<std::string> paths;
      size_t next_path = 0;
      std::unique_ptr<csv::CsvReader> reader;
      csv::CsvReadOptions options;
    };
    auto state = std::make_shared<State>();
    state->paths = f->paths;
    state->options = f->csv;
    state->options.schema = scan.source_schema;
    MemoryTracker* tracker = ctx.exec.memory;
    return BatchStream([state, relabel, columns = scan.columns, tracker,
                        warnings = ctx.warnings]() -> Result<RecordBatchPtr> {
      while (true) {
        if (state->reader != nullptr) {
          BRAID_ASSIGN_OR_RETURN(auto b, state->reader->next());
          if (b != nullptr) {
            BRAID_ASSIGN_OR_RETURN(auto selected, b->select(columns));
            b.reset();  // the columns not read are freed before the others are counted
            BRAID_ASSIGN_OR_RETURN(auto counted, exec::count_batch(selected, tracker));
            return relabel(std::move(counted));
          }
          // Dropped rows are reported to the statement's caller (kept ones are in the rows).
          const auto& malformed = state->reader->malformed();
          if (malformed.count > 0 && state->options.mode == csv::MalformedMode::kDropMalformed && warnings) {
            warnings->add(malformed.describe(state->paths[state->next_path - 1], state->options.mode));
          }
          state->reader.reset();
        }
        if (state->next_path >= state->paths.size()) return RecordBatchPtr(nullptr);
        BRAID_ASSIGN_OR_RETURN(state->reader, csv::CsvReader::open(local_file_system(),
                                                                   state->paths[state->next_path++],
                                                                   state->options));
      }
    });
  }
  if (const auto* range = std::get_if<RangeSource>(&scan.source)) return open_range(*range, scan, out_schema, ctx);
  // Rows already in memory.
  const auto& values = std::get<ValuesSource>(scan.source);
  const bool zoned = !scan.skipping.empty() && values.stats.size() == values.batches.size();
  auto batches = std::make_shared<std::vector<RecordBatchPtr>>();
  for (size_t i = 0; i < values.batches.size(); ++i) {
    const auto& b = values.batches[i];
    if (zoned && !batch_may_match(scan.skipping, *scan.source_schema, values.stats[i], b->num_rows())) continue;
    BRAID_ASSIGN_OR_RETURN(auto selected, b->select(scan.columns));
    batches->push_back(std::move(selected));
  }
  auto next = std::make_shared<size_t>(0);
  return BatchStream([batches, next, relabel]() -> Result<RecordBatchPtr> {
    if (*next >= batches->size()) return RecordBatchPtr(nullptr);
    return relabel(std::move((*batches)[(*next)++]));
  });
}

Result<Table> run_scan(const ScanNode& scan, const SchemaPtr& out_schema, const QueryContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(BatchStream stream, open_scan(scan, out_schema, ctx));
  Table out{out_schema, {}};
  while (true) {
    BRAID_ASSIGN_OR_RETURN(auto b, stream());
    if (b == nullptr) break;
    out.batches.push_back(std::move(b));
    BRAID_RETURN_IF_ERROR(exec::check_memory_limit(ctx.exec.memory));
  }
  return out;
}

// The rows of `batch` for which `predicate` is TRUE, in `schema`; nullptr when there are none.
Result<RecordBatchPtr> filter_batch(const RecordBatchPtr& batch, const exec::Expression& predicate,
                                    const SchemaPtr& schema, const QueryContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(ColumnPtr mask, predicate.evaluate(*batch, ctx.eval));
  BRAID_ASSIGN_OR_RETURN(std::vector<int32_t> rows, exec::true_rows(mask));
  if (rows.empty()) return RecordBatchPtr(nullptr);
  if (static_cast<int64_t>(rows.size()) == batch->num_rows()) {
    return std::make_shared<const RecordBatch>(schema, batch->num_rows(), batch->columns());
  }
  BRAID_ASSIGN_OR_RETURN(auto taken, take(*batch, std::vector<int64_t>(rows.begin(), rows.end()), ctx.exec.memory));
  return std::make_shared<const RecordBatch>(schema, taken->num_rows(), taken->columns());
}

// Filters and projections over a scan, top first, when `top` is one (the join's left side gets
// its key ranges as skipping predicates of that scan).
struct ScanChain {
  const PlanNode* scan = nullptr;
  std::vector<const PlanNode*> steps;  // bottom-up
};

std::optional<ScanChain> scan_chain(const PlanNode& top) {
  ScanChain chain;
  const PlanNode* node = &top;
  while (true) {
    if (std::holds_alternative<ScanNode>(node->node)) break;
    if (const auto* f = std::get_if<FilterNode>(&node->node)) {
      chain.steps.push_back(node);
      node = f->input.get();
    } else if (const auto* p = std::get_if<ProjectNode>(&node->node)) {
      chain.steps.push_back(node);
      node = p->input.get();
    } else {
      return std::nullopt;
    }
  }
  chain.scan = node;
  std::reverse(chain.steps.begin(), chain.steps.end());
  return chain;
}

// A projection applied after a stream's own steps (an operator's key and argument columns).
struct ExtraProjection {
  const std::vector<exec::ExprPtr>* exprs = nullptr;
  SchemaPtr schema;
};

// A plan's rows a window of batches at a time, in order; an empty window after the last.
using WindowStream = std::function<Result<std::vector<RecordBatchPtr>>()>;

// Whether a plan's rows can be produced a window at a time without holding all of them: scans,
// and filters, projections, UNION ALL and LIMIT over such streams.
bool streams(const PlanNode& plan) {
  return std::visit(
      [](const auto& node) {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, ScanNode>) {
          return true;
        } else if constexpr (std::is_same_v<T, FilterNode> || std::is_same_v<T, ProjectNode> ||
                             std::is_same_v<T, LimitNode>) {
          return streams(*node.input);
        } else if constexpr (std::is_same_v<T, UnionNode>) {
          return std::all_of(node.inputs.begin(), node.inputs.end(), [](const PlanPtr& in) { return streams(*in); });
        } else {
          return false;
        }
      },
      plan.node);
}

// Batches read from a scan per window: a few per worker, so the window's filters and projections
// keep every worker busy while only a window of the scan is in memory.
size_t window_batches(const QueryContext& ctx) {
  const int workers = ctx.exec.max_parallelism > 0 ? ctx.exec.max_parallelism : ctx.exec.worker_pool().concurrency();
  return static_cast<size_t>(std::max(2, 2 * workers));
}

// Opens the windows of a plan that streams(). Filters and projections on top (and `extra` after
// them) run over each window's batches in parallel; what survives is handed on in order. The plan
// and the context must outlive the stream.
Result<WindowStream> open_windows(const PlanNode& plan, const QueryContext& ctx, const ExtraProjection& extra = {}) {
  std::vector<const PlanNode*> steps;  // top-down while collecting
  const PlanNode* base = &plan;
  while (true) {
    if (const auto* f = std::get_if<FilterNode>(&base->node)) {
      steps.push_back(base);
      base = f->input.get();
    } else if (const auto* p = std::get_if<ProjectNode>(&base->node)) {
      steps.push_back(base);
      base = p->input.get();
    } else {
      break;
    }
  }
  std::reverse(steps.begin(), steps.end());
  WindowStream source;
  if (const auto* scan = std::get_if<ScanNode>(&base->node)) {
    BRAID_ASSIGN_OR_RETURN(BatchStream stream, open_scan(*scan, base->schema, ctx));
    source = [stream = std::move(stream), window = window_batches(ctx), &ctx]() -> Result<std::vector<RecordBatchPtr>> {
      std::vector<RecordBatchPtr> raw;
      while (raw.size() < window) {
        BRAID_ASSIGN_OR_RETURN(auto b, stream());
        if (b == nullptr) break;
        raw.push_back(std::move(b));
        // Readers count decoded data as it grows, without failing (consume()): the limit is
        // checked here, a batch at a time.
        BRAID_RETURN_IF_ERROR(exec::check_memory_limit(ctx.exec.memory));
      }
      return raw;
    };
  } else if (const auto* u = std::get_if<UnionNode>(&base->node)) {
    // The inputs in turn, each opened when the one before it is done.
    struct State {
      size_t next = 0;
      WindowStream current;
    };
    auto state = std::make_shared<State>();
    source = [state, u, schema = base->schema, &ctx]() -> Result<std::vector<RecordBatchPtr>> {
      while (true) {
        if (state->current) {
          BRAID_ASSIGN_OR_RETURN(auto window, state->current());
          if (!window.empty()) {
            for (auto& b : window) {
              if (b->schema() != schema) b = std::make_shared<const RecordBatch>(schema, b->num_rows(), b->columns());
            }
            return window;
          }
          state->current = nullptr;
        }
        if (state->next >= u->inputs.size()) return std::vector<RecordBatchPtr>{};
        BRAID_ASSIGN_OR_RETURN(state->current, open_windows(*u->inputs[state->next++], ctx));
      }
    };
  } else {
    // LIMIT: rows [offset, offset + limit) as slices; the input is read no further than needed.
    const auto& l = std::get<LimitNode>(base->node);
    struct State {
      WindowStream input;
      int64_t skip = 0;
      int64_t remaining = 0;
    };
    auto state = std::make_shared<State>();
    state->skip = l.offset;
    state->remaining = l.limit < 0 ? INT64_MAX : l.limit;
    if (state->remaining > 0) {
      BRAID_ASSIGN_OR_RETURN(state->input, open_windows(*l.input, ctx));
    }
    source = [state, schema = base->schema]() -> Result<std::vector<RecordBatchPtr>> {
      while (state->remaining > 0) {
        BRAID_ASSIGN_OR_RETURN(auto window, state->input());
        if (window.empty()) break;
        std::vector<RecordBatchPtr> out;
        for (const auto& b : window) {
          if (state->remaining == 0) break;
          const int64_t rows = b->num_rows();
          if (state->skip >= rows) {
            state->skip -= rows;
            continue;
          }
          const int64_t take = std::min(rows - state->skip, state->remaining);
          RecordBatchPtr part = state->skip == 0 && take == rows ? b : b->slice(state->skip, take);
          if (part->schema() != schema) part = std::make_shared<const RecordBatch>(schema, part->num_rows(), part->columns());
          out.push_back(std::move(part));
          state->remaining -= take;
          state->skip = 0;
        }
        if (!out.empty()) return out;
      }
      state->remaining = 0;
      state->input = nullptr;  // done: the input's scan and its read-ahead go now
      return std::vector<RecordBatchPtr>{};
    };
  }
  if (steps.empty() && extra.exprs == nullptr) return source;
  auto apply = [steps, extra, &ctx](RecordBatchPtr batch) -> Result<RecordBatchPtr> {
    for (const PlanNode* step : steps) {
      if (const auto* f = std::get_if<FilterNode>(&step->node)) {
        BRAID_ASSIGN_OR_RETURN(batch, filter_batch(batch, *f->predicate, step->schema, ctx));
        if (batch == nullptr) return batch;
      } else {
        BRAID_ASSIGN_OR_RETURN(batch, project_batch(*batch, std::get<ProjectNode>(step->node).expressions,
                                                    step->schema, ctx));
      }
    }
    if (extra.exprs != nullptr) return project_batch(*batch, *extra.exprs, extra.schema, ctx);
    return batch;
  };
  return WindowStream([source = std::move(source), apply, &ctx]() -> Result<std::vector<RecordBatchPtr>> {
    while (true) {
      BRAID_RETURN_IF_ERROR(ctx.exec.cancellation.check());
      BRAID_ASSIGN_OR_RETURN(auto raw, source());
      if (raw.empty()) return raw;
      std::vector<RecordBatchPtr> done(raw.size());
      BRAID_RETURN_IF_ERROR(ctx.exec.parallel_for(raw.size(), [&](size_t i) -> Status {
        BRAID_ASSIGN_OR_RETURN(done[i], apply(std::move(raw[i])));
        return Status::OK();
      }));
      std::erase(done, nullptr);
      if (!done.empty()) return done;
    }
  });
}

// Runs a plan that streams() window by window, handing each window to `sink` (windows in input
// order, batches in order within them).
using WindowSink = std::function<Status(std::vector<RecordBatchPtr>)>;
Status for_each_window(const PlanNode& plan, const QueryContext& ctx, const ExtraProjection& extra,
                       const WindowSink& sink) {
  BRAID_ASSIGN_OR_RETURN(WindowStream windows, open_windows(plan, ctx, extra));
  while (true) {
    BRAID_RETURN_IF_ERROR(ctx.exec.cancellation.check());
    BRAID_ASSIGN_OR_RETURN(auto window, windows());
    if (window.empty()) return Status::OK();
    BRAID_RETURN_IF_ERROR(sink(std::move(window)));
  }
}

// All the rows of a plan that streams() (see for_each_window).
Result<Table> run_stream(const PlanNode& plan, const QueryContext& ctx, const ExtraProjection& extra = {}) {
  const SchemaPtr out_schema = extra.exprs != nullptr ? extra.schema : plan.schema;
  Table out{out_schema, {}};
  BRAID_RETURN_IF_ERROR(for_each_window(plan, ctx, extra, [&](std::vector<RecordBatchPtr> batches) {
    for (auto& b : batches) out.batches.push_back(std::move(b));
    return Status::OK();
  }));
  return with_schema(std::move(out), out_schema);
}

// The input of an operator, with `exprs` evaluated over it as columns of `schema`: streamed when
// the input streams(), else materialized and then projected.
Result<Table> project_input(const PlanNode& input, const std::vector<exec::ExprPtr>& exprs, const SchemaPtr& schema,
                            const QueryContext& ctx) {
  if (streams(input)) return run_stream(input, ctx, ExtraProjection{&exprs, schema});
  BRAID_ASSIGN_OR_RETURN(Table t, execute_plan(input, ctx));
  return project(t, exprs, schema, ctx);
}

Result<Table> run_filter(const FilterNode& f, const SchemaPtr& schema, const QueryContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(Table input, execute_plan(*f.input, ctx));
  std::vector<RecordBatchPtr> out(input.batches.size());
  BRAID_RETURN_IF_ERROR(ctx.exec.parallel_for(input.batches.size(), [&](size_t i) -> Status {
    BRAID_ASSIGN_OR_RETURN(out[i], filter_batch(input.batches[i], *f.predicate, schema, ctx));
    return Status::OK();
  }));
  std::erase(out, nullptr);
  return Table{schema, std::move(out)};
}

Result<Table> run_aggregate(const AggregateNode& a, const SchemaPtr& schema, const QueryContext& ctx) {
  // Keys and arguments as columns: [keys..., arguments...].
  std::vector<exec::ExprPtr> exprs = a.keys;
  std::vector<int> keys;
  for (size_t i = 0; i < a.keys.size(); ++i) keys.push_back(static_cast<int>(i));
  std::vector<exec::AggregateSpec> specs;
  for (size_t i = 0; i < a.aggregates.size(); ++i) {
    const auto& agg = a.aggregates[i];
    exec::AggregateSpec spec;
    spec.kind = agg.kind;
    spec.distinct = agg.distinct;
    spec.ignore_nulls = agg.ignore_nulls;
    spec.name = schema->field(static_cast<int>(a.keys.size() + i))->name();
    if (agg.argument) {
      spec.column = static_cast<int>(exprs.size());
      exprs.push_back(agg.argument);
    }
    specs.push_back(std::move(spec));
  }
  std::vector<FieldPtr> fields;
  for (size_t i = 0; i < exprs.size(); ++i) fields.push_back(field(fmt::format("_a{}", i), exprs[i]->type()));
  const SchemaPtr projected_schema = braid::schema(std::move(fields));
  if (streams(*a.input) && exec::StreamingAggregation::supported(*projected_schema, specs)) {
    // Over a scan: each window of key and argument columns is aggregated as it is produced and
    // dropped, so the scan's rows are never all in memory.
    BRAID_ASSIGN_OR_RETURN(auto streaming, exec::StreamingAggregation::make(projected_schema, keys, specs, ctx.exec));
    BRAID_RETURN_IF_ERROR(for_each_window(*a.input, ctx, ExtraProjection{&exprs, projected_schema},
                                          [&](std::vector<RecordBatchPtr> window) { return streaming->add(std::move(window)); }));
    BRAID_ASSIGN_OR_RETURN(Table out, streaming->finish());
    return with_schema(std::move(out), schema);
  }
  BRAID_ASSIGN_OR_RETURN(Table projected, project_input(*a.input, exprs, projected_schema, ctx));
  BRAID_ASSIGN_OR_RETURN(Table out, exec::hash_aggregate(projected, keys, specs, ctx.exec));
  return with_schema(std::move(out), schema);
}

// Whether the join drops rows of its left input that match nothing on the right: then left data
// whose keys fall outside the right keys' range need not be read at all.
bool drops_unmatched_left(JoinNode::Kind kind) {
  return kind == JoinNode::Kind::kInner || kind == JoinNode::Kind::kRight || kind == JoinNode::Kind::kLeftSemi;
}

// The source column of a chain's scan that `key` (over the chain's output) reads unchanged, or
// nullopt when the key is computed or the input is not a scan chain.
std::optional<std::string> scan_column_of(const PlanNode& top, const exec::Expression& key) {
  int index = exec::column_ref_index(key);
  const PlanNode* node = &top;
  while (index >= 0) {
    if (const auto* scan = std::get_if<ScanNode>(&node->node)) {
      if (static_cast<size_t>(index) >= scan->columns.size()) return std::nullopt;
      return scan->source_schema->field(scan->columns[static_cast<size_t>(index)])->name();
    }
    if (const auto* f = std::get_if<FilterNode>(&node->node)) {
      node = f->input.get();
    } else if (const auto* p = std::get_if<ProjectNode>(&node->node)) {
      if (static_cast<size_t>(index) >= p->expressions.size()) return std::nullopt;
      index = exec::column_ref_index(*p->expressions[static_cast<size_t>(index)]);
      node = p->input.get();
    } else {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// A copy of the scan chain `top` whose scan also skips data by `extra`.
PlanPtr with_scan_skipping(const PlanNode& top, const std::vector<parquet::ColumnPredicate>& extra) {
  if (const auto* scan = std::get_if<ScanNode>(&top.node)) {
    ScanNode copy = *scan;
    copy.skipping.insert(copy.skipping.end(), extra.begin(), extra.end());
    return make_plan(std::move(copy), top.schema);
  }
  if (const auto* f = std::get_if<FilterNode>(&top.node)) {
    return make_plan(FilterNode{with_scan_skipping(*f->input, extra), f->predicate}, top.schema);
  }
  const auto& p = std::get<ProjectNode>(top.node);
  return make_plan(ProjectNode{with_scan_skipping(*p.input, extra), p.expressions}, top.schema);
}

// The smallest and largest non-null value of column `c` over the batches (1-row columns), or
// nullopt when there is none or the type has no usable order for skipping.
std::optional<std::pair<ColumnPtr, ColumnPtr>> key_range(const Table& t, int c) {
  const RecordBatch* min_batch = nullptr;
  const RecordBatch* max_batch = nullptr;
  int64_t min_row = -1, max_row = -1;
  for (const auto& b : t.batches) {
    const Column& col = *b->column(c);
    if (col.type()->is_floating() || col.type()->is_nested()) return std::nullopt;
    for (int64_t r = 0; r < col.length(); ++r) {
      if (col.is_null(r)) continue;
      if (min_batch == nullptr) {
        min_batch = max_batch = b.get();
        min_row = max_row = r;
        continue;
      }
      auto below = compare_values(col, r, *min_batch->column(c), min_row);
      auto above = compare_values(col, r, *max_batch->column(c), max_row);
      if (!below || !above) return std::nullopt;
      if (*below < 0) {
        min_batch = b.get();
        min_row = r;
      }
      if (*above > 0) {
        max_batch = b.get();
        max_row = r;
      }
    }
  }
  if (min_batch == nullptr) return std::nullopt;
  return std::make_pair(min_batch->column(c)->slice(min_row, 1), max_batch->column(c)->slice(max_row, 1));
}

Result<Table> run_join(const JoinNode& j, const SchemaPtr& schema, const QueryContext& ctx) {
  const int left_width = j.left->schema->num_fields(), right_width = j.right->schema->num_fields();
  exec::JoinResidual residual;
  if (j.residual) {
    // Candidates are left columns then right columns, as the residual was bound.
    residual = [&](const RecordBatch& candidates) -> Result<std::vector<bool>> {
      auto view = std::make_shared<const RecordBatch>(
          candidates.schema(), candidates.num_rows(),
          std::vector<ColumnPtr>(candidates.columns().begin(), candidates.columns().begin() + left_width + right_width));
      BRAID_ASSIGN_OR_RETURN(ColumnPtr mask, j.residual->evaluate(*view, ctx.eval));
      BRAID_ASSIGN_OR_RETURN(auto rows, exec::true_rows(mask));
      std::vector<bool> keep(static_cast<size_t>(candidates.num_rows()), false);
      for (int32_t r : rows) keep[static_cast<size_t>(r)] = true;
      return keep;
    };
  }
  Table out;
  if (j.kind == JoinNode::Kind::kCross) {
    BRAID_ASSIGN_OR_RETURN(Table left, execute_plan(*j.left, ctx));
    BRAID_ASSIGN_OR_RETURN(Table right, execute_plan(*j.right, ctx));
    BRAID_ASSIGN_OR_RETURN(out, exec::cross_join(left, right, residual, ctx.exec));
  } else {
    // Each side with its key columns appended, streamed from its scan when it is one.
    const int left_first = left_width, right_first = right_width;
    auto [left_exprs, left_schema] = with_appended(*j.left->schema, j.left_keys);
    auto [right_exprs, right_schema] = with_appended(*j.right->schema, j.right_keys);
    // The right side first: when the join drops unmatched left rows, the range of each right key
    // becomes a skipping predicate of the left scan (a dynamic filter: files, partitions and row
    // groups of the left that hold no key in range are not read).
    BRAID_ASSIGN_OR_RETURN(Table r, project_input(*j.right, right_exprs, right_schema, ctx));
    PlanPtr pruned_left;
    if (drops_unmatched_left(j.kind) && scan_chain(*j.left)) {
      std::vector<parquet::ColumnPredicate> ranges;
      for (size_t k = 0; k < j.left_keys.size(); ++k) {
        if (k < j.null_safe.size() && j.null_safe[k]) continue;
        auto column = scan_column_of(*j.left, *j.left_keys[k]);
        if (!column || !j.left_keys[k]->type()->equals(*j.right_keys[k]->type())) continue;
        auto range = key_range(r, right_first + static_cast<int>(k));
        if (!range) continue;
        ranges.push_back({*column, parquet::ColumnPredicate::Op::kGe, {range->first}});
        ranges.push_back({*column, parquet::ColumnPredicate::Op::kLe, {range->second}});
      }
      if (!ranges.empty()) pruned_left = with_scan_skipping(*j.left, ranges);
    }
    BRAID_ASSIGN_OR_RETURN(Table l, project_input(pruned_left ? *pruned_left : *j.left, left_exprs, left_schema, ctx));
    std::vector<int> lk, rk;
    for (size_t i = 0; i < j.left_keys.size(); ++i) {
      lk.push_back(left_first + static_cast<int>(i));
      rk.push_back(right_first + static_cast<int>(i));
    }
    exec::JoinOptions options;
    options.null_safe = j.null_safe;
    if (j.residual) {
      // The joined candidates hold the key columns too: map them back to the bound layout.
      const int lw = l.schema->num_fields();
      options.residual = [&, lw](const RecordBatch& candidates) -> Result<std::vector<bool>> {
        std::vector<ColumnPtr> cols;
        std::vector<FieldPtr> fields;
        for (int i = 0; i < left_width; ++i) cols.push_back(candidates.column(i));
        for (int i = 0; i < right_width; ++i) cols.push_back(candidates.column(lw + i));
        for (size_t i = 0; i < cols.size(); ++i) fields.push_back(field(fmt::format("c{}", i), cols[i]->type()));
        RecordBatch view(braid::schema(std::move(fields)), candidates.num_rows(), std::move(cols));
        BRAID_ASSIGN_OR_RETURN(ColumnPtr mask, j.residual->evaluate(view, ctx.eval));
        BRAID_ASSIGN_OR_RETURN(auto rows, exec::true_rows(mask));
        std::vector<bool> keep(static_cast<size_t>(candidates.num_rows()), false);
        for (int32_t row : rows) keep[static_cast<size_t>(row)] = true;
        return keep;
      };
    }
    exec::JoinType type = exec::JoinType::kInner;
    switch (j.kind) {
      case JoinNode::Kind::kInner: type = exec::JoinType::kInner; break;
      case JoinNode::Kind::kLeft: type = exec::JoinType::kLeft; break;
      case JoinNode::Kind::kRight: type = exec::JoinType::kRight; break;
      case JoinNode::Kind::kFull: type = exec::JoinType::kFull; break;
      case JoinNode::Kind::kLeftSemi: type = exec::JoinType::kLeftSemi; break;
      case JoinNode::Kind::kLeftAnti: type = exec::JoinType::kLeftAnti; break;
      case JoinNode::Kind::kCross: break;
    }
    BRAID_ASSIGN_OR_RETURN(Table joined, exec::hash_join(l, r, lk, rk, type, options, ctx.exec));
    // Drop the key columns again.
    std::vector<int> keep;
    for (int i = 0; i < left_width; ++i) keep.push_back(i);
    if (type != exec::JoinType::kLeftSemi && type != exec::JoinType::kLeftAnti) {
      for (int i = 0; i < right_width; ++i) keep.push_back(l.schema->num_fields() + i);
    }
    out.schema = schema;
    for (const auto& b : joined.batches) {
      BRAID_ASSIGN_OR_RETURN(auto selected, b->select(keep));
      out.batches.push_back(std::move(selected));
    }
  }
  return with_schema(std::move(out), schema);
}

Result<Table> run_sort(const SortNode& s, const QueryContext& ctx) {
  // The input's columns, then the keys.
  const SchemaPtr& input_schema = s.input->schema;
  const int first = input_schema->num_fields();
  auto [keyed_exprs, keyed_schema] = with_appended(*input_schema, s.keys);
  std::vector<exec::SortKey> keys;
  for (size_t i = 0; i < s.keys.size(); ++i) {
    keys.push_back({first + static_cast<int>(i), static_cast<bool>(s.ascending[i]), static_cast<bool>(s.nulls_first[i])});
  }
  Table sorted;
  if (s.limit && streams(*s.input)) {
    // Top-N over a stream: only the best rows so far and a window are ever held.
    BRAID_ASSIGN_OR_RETURN(auto top, exec::TopN::make(keyed_schema, keys, *s.limit, 0, ctx.exec));
    if (top->wants_input()) {
      BRAID_RETURN_IF_ERROR(for_each_window(*s.input, ctx, ExtraProjection{&keyed_exprs, keyed_schema},
                                            [&](std::vector<RecordBatchPtr> window) { return top->add(std::move(window)); }));
    }
    BRAID_ASSIGN_OR_RETURN(sorted, top->finish());
  } else {
    BRAID_ASSIGN_OR_RETURN(Table keyed, project_input(*s.input, keyed_exprs, keyed_schema, ctx));
    BRAID_ASSIGN_OR_RETURN(sorted, exec::sort(keyed, keys, s.limit, 0, ctx.exec));
  }
  std::vector<int> keep;
  for (int i = 0; i < first; ++i) keep.push_back(i);
  Table out{input_schema, {}};
  for (const auto& b : sorted.batches) {
    BRAID_ASSIGN_OR_RETURN(auto selected, b->select(keep));
    out.batches.push_back(std::move(selected));
  }
  return with_schema(std::move(out), input_schema);
}

Result<Table> run_window(const WindowNode& w, const SchemaPtr& schema, const QueryContext& ctx) {
  const int width = w.input->schema->num_fields();
  // Computed columns: partition keys, order keys, arguments, defaults.
  std::vector<exec::ExprPtr> exprs;
  std::vector<int> partition;
  for (const auto& e : w.partition_keys) {
    partition.push_back(width + static_cast<int>(exprs.size()));
    exprs.push_back(e);
  }
  std::vector<exec::SortKey> order;
  for (size_t i = 0; i < w.order_keys.size(); ++i) {
    order.push_back({width + static_cast<int>(exprs.size()), static_cast<bool>(w.ascending[i]),
                     static_cast<bool>(w.nulls_first[i])});
    exprs.push_back(w.order_keys[i]);
  }
  std::vector<exec::WindowSpec> specs;
  for (size_t i = 0; i < w.functions.size(); ++i) {
    const auto& f = w.functions[i];
    exec::WindowSpec spec;
    spec.kind = f.kind;
    spec.aggregate = f.aggregate;
    spec.offset = f.offset;
    spec.name = schema->field(width + static_cast<int>(i))->name();
    if (f.argument) {
      spec.column = width + static_cast<int>(exprs.size());
      exprs.push_back(f.argument);
    }
    if (f.default_value) {
      spec.default_column = width + static_cast<int>(exprs.size());
      exprs.push_back(f.default_value);
    }
    specs.push_back(std::move(spec));
  }
  auto [extended_exprs, extended_schema] = with_appended(*w.input->schema, exprs);
  BRAID_ASSIGN_OR_RETURN(Table extended, project_input(*w.input, extended_exprs, extended_schema, ctx));
  BRAID_ASSIGN_OR_RETURN(Table windowed, exec::window(extended, partition, order, specs, ctx.exec));
  // Keep the input columns and the function results.
  const int extended_width = extended.schema->num_fields();
  std::vector<int> keep;
  for (int i = 0; i < width; ++i) keep.push_back(i);
  for (size_t i = 0; i < specs.size(); ++i) keep.push_back(extended_width + static_cast<int>(i));
  Table out{schema, {}};
  for (const auto& b : windowed.batches) {
    BRAID_ASSIGN_OR_RETURN(auto selected, b->select(keep));
    out.batches.push_back(std::move(selected));
  }
  return with_schema(std::move(out), schema);
}

}  // namespace

Result<Table> execute_plan(const PlanNode& plan, const QueryContext& ctx) {
  if (ctx.eval.memory == nullptr && ctx.exec.memory != nullptr) {
    // Expression results are memory the statement holds like any other: count them too.
    QueryContext counted = ctx;
    counted.eval.memory = ctx.exec.memory;
    return execute_plan(plan, counted);
  }
  BRAID_RETURN_IF_ERROR(ctx.exec.cancellation.check());
  return std::visit(
      [&](const auto& node) -> Result<Table> {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, ScanNode>) {
          return run_scan(node, plan.schema, ctx);
        } else if constexpr (std::is_same_v<T, FilterNode>) {
          if (streams(plan)) return run_stream(plan, ctx);
          return run_filter(node, plan.schema, ctx);
        } else if constexpr (std::is_same_v<T, ProjectNode>) {
          if (streams(plan)) return run_stream(plan, ctx);
          BRAID_ASSIGN_OR_RETURN(Table input, execute_plan(*node.input, ctx));
          return project(input, node.expressions, plan.schema, ctx);
        } else if constexpr (std::is_same_v<T, AggregateNode>) {
          return run_aggregate(node, plan.schema, ctx);
        } else if constexpr (std::is_same_v<T, JoinNode>) {
          return run_join(node, plan.schema, ctx);
        } else if constexpr (std::is_same_v<T, SortNode>) {
          BRAID_ASSIGN_OR_RETURN(Table t, run_sort(node, ctx));
          return with_schema(std::move(t), plan.schema);
        } else if constexpr (std::is_same_v<T, LimitNode>) {
          // Over a stream, the input is read only as far as the limit needs.
          if (streams(plan)) return run_stream(plan, ctx);
          BRAID_ASSIGN_OR_RETURN(Table input, execute_plan(*node.input, ctx));
          BRAID_ASSIGN_OR_RETURN(Table t, exec::limit(input, node.limit, node.offset));
          return with_schema(std::move(t), plan.schema);
        } else if constexpr (std::is_same_v<T, WindowNode>) {
          return run_window(node, plan.schema, ctx);
        } else if constexpr (std::is_same_v<T, UnionNode>) {
          if (streams(plan)) return run_stream(plan, ctx);
          std::vector<Table> inputs;
          for (const auto& in : node.inputs) {
            BRAID_ASSIGN_OR_RETURN(Table t, execute_plan(*in, ctx));
            inputs.push_back(std::move(t));
          }
          BRAID_ASSIGN_OR_RETURN(Table t, exec::union_all(inputs));
          return with_schema(std::move(t), plan.schema);
        } else {
          static_assert(std::is_same_v<T, DistinctNode>);
          if (streams(*node.input)) {
            // Every column is a group key: memory follows the distinct rows, not the input.
            std::vector<int> keys(static_cast<size_t>(node.input->schema->num_fields()));
            for (size_t i = 0; i < keys.size(); ++i) keys[i] = static_cast<int>(i);
            BRAID_ASSIGN_OR_RETURN(auto streaming, exec::StreamingAggregation::make(node.input->schema, keys, {}, ctx.exec));
            BRAID_RETURN_IF_ERROR(for_each_window(*node.input, ctx, {}, [&](std::vector<RecordBatchPtr> window) {
              return streaming->add(std::move(window));
            }));
            BRAID_ASSIGN_OR_RETURN(Table t, streaming->finish());
            return with_schema(std::move(t), plan.schema);
          }
          BRAID_ASSIGN_OR_RETURN(Table input, execute_plan(*node.input, ctx));
          BRAID_ASSIGN_OR_RETURN(Table t, exec::distinct(input, ctx.exec));
          return with_schema(std::move(t), plan.schema);
        }
      },
      plan.node);
}

}  // namespace braid::sql
