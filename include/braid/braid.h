// braid's C++ API: a warehouse session, isolated task scopes, and pipelines.
//
//   auto session = braid::catalog::Session::open("warehouse").value();
//   session->execute("CREATE TEMP VIEW sales AS SELECT * FROM read_parquet('data/*.parquet')");
//   std::vector<std::string> regions = {"us-east", "eu-west"};
//   braid::Status s = braid::for_each_task(*session, regions, 8,
//       [](braid::catalog::Session& task, const std::string& region) -> braid::Status {
//         task.set_parameter_text("region", region);
//         ...task.execute("CREATE TEMP VIEW staged AS SELECT ... WHERE region = :region")...
//         return task.execute("MERGE INTO target t USING staged s ON ...").status();
//       });
//
// Each call of the callback gets a task scope of its own (its views and parameters are its
// own: every task may name its view `staged`) and its item by const reference, so there is no
// loop variable to capture by mistake. Values reach SQL as bound parameters, never as text.
// Pipelines from TOML files: braid::pipeline::load_pipeline and braid::pipeline::Runner.
#pragma once

#include <fmt/core.h>

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "braid/result.h"
#include "braid/status.h"
#include "catalog/session.h"
#include "common/worker_pool.h"
#include "pipeline/config.h"
#include "pipeline/runner.h"

namespace braid {

// Runs fn(task, item) for every item on the shared worker pool, at most `parallelism` at once
// (<= 0: the pool's concurrency), each in a new task scope of `session` named
// "task <name>[<index>]". Every item runs even when others fail; the result is OK or the
// first failure (by item order), annotated with its item index. The session's views are frozen
// while the tasks run.
template <typename Item>
Status for_each_task(catalog::Session& session, const std::vector<Item>& items, int parallelism,
                     const std::function<Status(catalog::Session& task, const Item& item)>& fn,
                     const std::string& name = "for_each_task") {
  std::vector<Status> results(items.size());
  TaskGroup::Options options;
  options.max_concurrency = parallelism;
  TaskGroup group(WorkerPool::shared(), options);
  session.freeze(name);
  for (size_t i = 0; i < items.size(); ++i) {
    group.spawn([&, i]() -> Status {
      auto task = session.new_task(fmt::format("task {}[{}]", name, i));
      try {
        results[i] = fn(*task, items[i]);
      } catch (const std::exception& e) {
        results[i] = Status::internal("task {}[{}] threw: {}", name, i, e.what());
      }
      return Status::OK();  // recorded per item: one failure does not cancel the others
    });
  }
  Status waited = group.wait();
  session.unfreeze();
  if (!waited.ok()) return waited;
  for (size_t i = 0; i < results.size(); ++i) {
    if (!results[i].ok()) return Status(results[i]).with_context_f("{}[{}]", name, i);
  }
  return Status::OK();
}

}  // namespace braid
