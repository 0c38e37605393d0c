// A pipeline planned and checked without writing (private to pipeline/): what `braid run
// --dry-run` prints (Runner::dry_run) and what `braid check` finds (Runner::check).
// Thread-safety: one call at a time per session.
#pragma once

#include <string>

#include "braid/result.h"
#include "catalog/database.h"
#include "catalog/session.h"
#include "pipeline/config.h"
#include "pipeline/internal/task_expansion.h"

namespace braid::pipeline::internal {

// A pipeline opened for planning: the warehouse, and a session whose views are its sources and
// whose parameters are its own.
struct OpenPipeline {
  const PipelineConfig& config;
  const catalog::Database& db;
  catalog::Session& session;
  WarningSink warn;  // the warnings of the for_each queries
};

// The plan: each flow's tasks, target and partitions, the partitions each task's staged rows
// fall in, and which pairs of tasks could conflict.
Result<std::string> plan_dry_run(const OpenPipeline& pipeline);

// Every problem reading the file cannot find: a for_each that fails, a target that does not
// exist (and no prepare step creates it), a stage or guard that does not bind with the first
// task's parameters.
Status check_pipeline(const OpenPipeline& pipeline);

}  // namespace braid::pipeline::internal
