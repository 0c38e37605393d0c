// braid_delta_stress: one writer process for the multi-process and crash tests of the Delta
// layer (test/concurrency/delta_process_test.cc). Several of these run against one table at
// once; the crash test kills them with SIGKILL, from outside at a random moment or from inside
// at the N-th file-system change (--kill-after-ops), which reaches every step of writing data
// files and committing.
//
//   braid_delta_stress append TABLE --writer W --commits K --rows R [--kill-after-ops N]
//       K commits, each appending R rows with ids W*1e6 + c*R .. (+R), region "r<W%4>", value 1.
//   braid_delta_stress increment TABLE --region R [--id ID] --times K [--kill-after-ops N]
//       K read-modify-write updates adding 1 to `value` of the rows of region R (and id ID),
//       each retried on a conflict as a pipeline task would.
//
// The table (id long, region string, value long; partitioned by region) is created by whichever
// writer gets there first. Each commit is acknowledged on stdout as soon as it is durable:
//   committed VERSION FIRST_ID ROWS      (append)
//   committed VERSION ATTEMPTS           (increment)
// so the parent knows which commits a killed writer had made.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "columnar/column_builder.h"
#include "common/file_system.h"
#include "delta/table.h"

namespace braid {
namespace {

using Op = parquet::ColumnPredicate::Op;

// Wraps the local file system and kills the process at the N-th change it would make: a write
// is half done (a torn data file), every other change is not made at all.
class KillingFileSystem final : public FileSystem {
 public:
  KillingFileSystem(std::shared_ptr<FileSystem> base, long kill_at) : base_(std::move(base)), remaining_(kill_at) {}

  // Counts one change; true when this is the one to die at.
  bool due() { return remaining_ > 0 && --remaining_ == 0; }
  [[noreturn]] static void die() {
    std::fflush(stdout);
    std::raise(SIGKILL);
    std::_Exit(137);
  }
  void maybe_die() {
    if (due()) die();
  }

  Result<std::unique_ptr<RandomAccessFile>> open_read(const std::string& path) override { return base_->open_read(path); }
  Result<std::unique_ptr<WritableFile>> open_write(const std::string& path) override {
    maybe_die();
    BRAID_ASSIGN_OR_RETURN(auto file, base_->open_write(path));
    return std::unique_ptr<WritableFile>(std::make_unique<File>(this, std::move(file)));
  }
  Status put_if_absent(const std::string& path, std::string_view contents) override {
    maybe_die();
    return base_->put_if_absent(path, contents);
  }
  Status rename(const std::string& from, const std::string& to, bool replace) override {
    maybe_die();
    return base_->rename(from, to, replace);
  }
  Result<FileInfo> stat(const std::string& path) override { return base_->stat(path); }
  Result<std::vector<FileInfo>> list(const std::string& dir) override { return base_->list(dir); }
  Status create_directories(const std::string& path) override {
    maybe_die();
    return base_->create_directories(path);
  }
  Status remove(const std::string& path) override {
    maybe_die();
    return base_->remove(path);
  }

 private:
  class File final : public WritableFile {
   public:
    File(KillingFileSystem* fs, std::unique_ptr<WritableFile> base) : fs_(fs), base_(std::move(base)) {}
    Status write(std::string_view bytes) override {
      if (fs_->due()) {
        (void)base_->write(bytes.substr(0, bytes.size() / 2));
        (void)base_->flush();
        die();
      }
      return base_->write(bytes);
    }
    Status flush() override { return base_->flush(); }
    Status sync() override {
      fs_->maybe_die();
      return base_->sync();
    }
    Status close() override {
      fs_->maybe_die();
      return base_->close();
    }
    uint64_t bytes_written() const override { return base_->bytes_written(); }

   private:
    KillingFileSystem* fs_;
    std::unique_ptr<WritableFile> base_;
  };

  std::shared_ptr<FileSystem> base_;
  long remaining_;
};

SchemaPtr table_schema() {
  return schema({field("id", int64()), field("region", string_type()), field("value", int64())});
}

Result<delta::DeltaTable> open_or_create(const std::shared_ptr<FileSystem>& fs, const std::string& root) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (delta::DeltaTable::exists(*fs, root)) return delta::DeltaTable::open(fs, root);
    delta::CreateOptions options;
    options.partition_columns = {"region"};
    auto created = delta::DeltaTable::create(fs, root, table_schema(), options);
    if (created.ok() || created.status().code() != StatusCode::kAlreadyExists) return created;
  }
  return Status::internal("could not open or create '{}'", root);
}

RecordBatchPtr rows(int64_t first, int64_t n, const std::string& region) {
  Int64Builder id(int64()), value(int64());
  BinaryBuilder r(string_type());
  for (int64_t i = first; i < first + n; ++i) {
    id.append(i);
    r.append(region);
    value.append(1);
  }
  return std::make_shared<const RecordBatch>(table_schema(), n,
                                             std::vector<ColumnPtr>{*id.finish(), *r.finish(), *value.finish()});
}

void acknowledge(const std::string& line) {
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

Status run_append(const delta::DeltaTable& table, long writer, long commits, long n) {
  const std::string region = "r" + std::to_string(writer % 4);
  for (long c = 0; c < commits; ++c) {
    const int64_t first = writer * 1000000 + c * n;
    BRAID_ASSIGN_OR_RETURN(auto result, table.append({rows(first, n, region)}));
    acknowledge(fmt::format("committed {} {} {}", result.version, first, n));
  }
  return Status::OK();
}

Status run_increment(const delta::DeltaTable& table, const std::string& region, long id, long times) {
  delta::RowPredicate match = [region, id](const RecordBatch& b) -> Result<std::vector<bool>> {
    std::vector<bool> m(static_cast<size_t>(b.num_rows()));
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      m[static_cast<size_t>(r)] = b.column(1)->string_value(r) == region && (id < 0 || b.column(0)->value<int64_t>(r) == id);
    }
    return m;
  };
  delta::RowUpdater add_one = [](const RecordBatch& b, const std::vector<bool>& m) -> Result<RecordBatchPtr> {
    Int64Builder v(int64());
    for (int64_t r = 0; r < b.num_rows(); ++r) v.append(b.column(2)->value<int64_t>(r) + (m[static_cast<size_t>(r)] ? 1 : 0));
    return RecordBatchPtr(std::make_shared<const RecordBatch>(b.schema(), b.num_rows(),
                                                              std::vector<ColumnPtr>{b.column(0), b.column(1), *v.finish()}));
  };
  BinaryBuilder key(string_type());
  key.append(region);
  BRAID_ASSIGN_OR_RETURN(ColumnPtr key_column, key.finish());
  for (long i = 0; i < times; ++i) {
    for (int attempt = 1;; ++attempt) {
      auto result = table.update_where({{"region", Op::kEq, {key_column}}}, match, add_one);
      if (result.ok()) {
        acknowledge(fmt::format("committed {} {}", result->commit.version, attempt));
        break;
      }
      if (result.status().code() != StatusCode::kConflict || attempt >= 1000) return result.status();
    }
  }
  return Status::OK();
}

int usage() {
  std::fprintf(stderr,
               "usage: braid_delta_stress append TABLE --writer W --commits K --rows R [--kill-after-ops N]\n"
               "       braid_delta_stress increment TABLE --region R [--id ID] --times K [--kill-after-ops N]\n");
  return 2;
}

int run(int argc, char** argv) {
  if (argc < 3) return usage();
  const std::string command = argv[1], root = argv[2];
  long writer = 0, commits = 1, n = 10, id = -1, times = 1, kill_after = 0;
  std::string region = "r0";
  for (int i = 3; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--writer") writer = std::atol(value);
    else if (flag == "--commits") commits = std::atol(value);
    else if (flag == "--rows") n = std::atol(value);
    else if (flag == "--region") region = value;
    else if (flag == "--id") id = std::atol(value);
    else if (flag == "--times") times = std::atol(value);
    else if (flag == "--kill-after-ops") kill_after = std::atol(value);
    else return usage();
  }
  std::shared_ptr<FileSystem> fs = local_file_system();
  if (kill_after > 0) fs = std::make_shared<KillingFileSystem>(fs, kill_after);
  auto table = open_or_create(fs, root);
  Status status = table.status();
  if (status.ok()) {
    if (command == "append") status = run_append(*table, writer, commits, n);
    else if (command == "increment") status = run_increment(*table, region, id, times);
    else return usage();
  }
  if (!status.ok()) {
    std::fprintf(stderr, "braid_delta_stress: %s\n", status.to_string().c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace braid

int main(int argc, char** argv) { return braid::run(argc, argv); }
