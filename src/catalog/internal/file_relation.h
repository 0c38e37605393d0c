// How a session's resolver reads files named in SQL: read_parquet('p'), read_csv('p', options...),
// parquet.`p` and csv.`p`, where p is a file, a folder of data files or a glob in its last
// component; and the plan scanning a source whole.
#pragma once

#include <memory>

#include "braid/result.h"
#include "common/file_system.h"
#include "sql/ast.h"
#include "sql/binder.h"
#include "sql/plan.h"

namespace braid::catalog {

// A plan scanning every column of `scan`'s source.
sql::PlanPtr scan_plan(sql::ScanNode scan);

// The files `name` names (path_format "parquet" or "csv", with read_csv's options as "key=value"
// parts) as a scan; every file is read with the first one's schema.
Result<sql::ResolvedRelation> file_relation(const std::shared_ptr<FileSystem>& fs, const sql::TableName& name);

}  // namespace braid::catalog
