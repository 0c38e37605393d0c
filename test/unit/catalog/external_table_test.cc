// External tables: names registered in WAREHOUSE/_braid/catalog/ (Database), and CREATE TABLE ...
// LOCATION / DROP TABLE through a Session.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "catalog/database.h"
#include "common/memory_file_system.h"
#include "support/status_matchers.h"
#include "support/warehouse_test.h"

namespace braid::catalog {
namespace {

using ::braid::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

class ExternalCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(fs_->create_directories("/wh"));
    ASSERT_OK(fs_->create_directories("/data"));
  }
  void make_table(const std::string& path) {
    ASSERT_OK(delta::DeltaTable::create(fs_, path, schema({field("id", int64())}), {}).status());
  }
  std::vector<std::string> catalog_files() const {
    std::vector<std::string> out;
    for (const auto& f : fs_->all_files()) {
      if (f.starts_with("/wh/_braid/catalog/")) out.push_back(f.substr(19));
    }
    return out;
  }
  std::shared_ptr<MemoryFileSystem> fs_ = std::make_shared<MemoryFileSystem>();
};

TEST_F(ExternalCatalogTest, RegisteredNamesResolveAfterFolderTables) {
  make_table("/wh/sales");
  make_table("/data/ext");
  ASSERT_OK_AND_ASSIGN(auto db, Database::open("/wh", fs_));
  EXPECT_THAT(db->table_path("ext"), StatusIs(StatusCode::kNotFound, HasSubstr("table 'ext' does not exist")));
  ASSERT_OK(db->register_external_table("Ext", "/data/ext"));
  EXPECT_EQ(db->table_path("ext").value_or(""), "/data/ext");
  EXPECT_EQ(db->table_path("EXT").value_or(""), "/data/ext");
  ASSERT_OK_AND_ASSIGN(auto tables, db->list_tables());
  EXPECT_THAT(tables, ElementsAre("Ext", "sales"));
  // Another Database over the same warehouse (another process) sees it.
  ASSERT_OK_AND_ASSIGN(auto other, Database::open("/wh", fs_));
  EXPECT_EQ(other->table_path("ext").value_or(""), "/data/ext");
  EXPECT_THAT(catalog_files(), ElementsAre("00000000000000000000.json"));
  ASSERT_OK_AND_ASSIGN(auto text, fs_->read_file("/wh/_braid/catalog/00000000000000000000.json"));
  EXPECT_EQ(text, R"({"externalTables":[{"name":"Ext","location":"/data/ext"}]})");
}

TEST_F(ExternalCatalogTest, NameClashesAreErrors) {
  make_table("/wh/sales");
  ASSERT_OK_AND_ASSIGN(auto db, Database::open("/wh", fs_));
  EXPECT_THAT(db->register_external_table("SALES", "/data/s"),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr("table SALES already exists in warehouse '/wh'")));
  ASSERT_OK(db->register_external_table("e", "/data/e"));
  EXPECT_THAT(db->register_external_table("E", "/data/other"),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr("an external table at '/data/e'")));
  EXPECT_THAT(db->register_external_table("a/b", "/data/x"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("cannot name a table")));
  EXPECT_THAT(db->unregister_external_table("nope"), StatusIs(StatusCode::kNotFound, HasSubstr("table 'nope' does not exist")));
}

TEST_F(ExternalCatalogTest, DropRemovesTheRegistrationAndKeepsTheFiles) {
  make_table("/data/ext");
  make_table("/wh/t");
  ASSERT_OK_AND_ASSIGN(auto db, Database::open("/wh", fs_));
  ASSERT_OK(db->register_external_table("ext", "/data/ext"));
  ASSERT_OK(db->drop_table("EXT"));
  EXPECT_FALSE(db->table_exists("ext"));
  EXPECT_TRUE(delta::DeltaTable::exists(*fs_, "/data/ext"));
  ASSERT_OK(db->drop_table("t"));
  EXPECT_FALSE(delta::DeltaTable::exists(*fs_, "/wh/t"));
  EXPECT_THAT(db->drop_table("ext"), StatusIs(StatusCode::kNotFound, HasSubstr("does not exist")));
}

TEST_F(ExternalCatalogTest, ConcurrentRegistrationsAreAllKept) {
  // Each thread is another writer (its own Database, as another process would be): versions are
  // committed with put-if-absent, so a writer that loses a version re-reads and tries the next.
  constexpr int kWriters = 8, kEach = 5;
  std::vector<std::thread> threads;
  std::vector<Status> results(kWriters);
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      auto db = Database::open("/wh", fs_);
      if (!db.ok()) {
        results[static_cast<size_t>(w)] = db.status();
        return;
      }
      for (int i = 0; i < kEach; ++i) {
        Status s = (*db)->register_external_table(fmt::format("t{}_{}", w, i), fmt::format("/data/{}_{}", w, i));
        if (!s.ok()) {
          results[static_cast<size_t>(w)] = s;
          return;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& s : results) EXPECT_OK(s);
  ASSERT_OK_AND_ASSIGN(auto db, Database::open("/wh", fs_));
  ASSERT_OK_AND_ASSIGN(auto tables, db->external_tables());
  EXPECT_THAT(tables, SizeIs(kWriters * kEach));
  EXPECT_EQ(tables["t3_4"], "/data/3_4");
  // Versions younger than an hour are never pruned (a slow writer could otherwise commit into a
  // removed slot and lose its change): every one is still there.
  EXPECT_THAT(catalog_files(), SizeIs(kWriters * kEach));
  EXPECT_EQ(catalog_files().back(), fmt::format("{:020}.json", kWriters * kEach - 1));
}

TEST_F(ExternalCatalogTest, VersionsOlderThanAnHourArePrunedBeyondTheLastTen) {
  ASSERT_OK_AND_ASSIGN(auto db, Database::open("/wh", fs_));
  for (int i = 0; i < 15; ++i) ASSERT_OK(db->register_external_table(fmt::format("t{}", i), fmt::format("/data/{}", i)));
  for (const auto& f : catalog_files()) ASSERT_OK(fs_->set_modified_ms("/wh/_braid/catalog/" + f, 0));
  ASSERT_OK(db->register_external_table("last", "/data/last"));
  EXPECT_THAT(catalog_files(), SizeIs(10));
  EXPECT_EQ(catalog_files().back(), fmt::format("{:020}.json", 15));
  ASSERT_OK_AND_ASSIGN(auto tables, db->external_tables());
  EXPECT_THAT(tables, SizeIs(16));
}

TEST_F(ExternalCatalogTest, AFailedCommitChangesNothing) {
  ASSERT_OK_AND_ASSIGN(auto db, Database::open("/wh", fs_));
  ASSERT_OK(db->register_external_table("a", "/data/a"));
  fs_->set_fault_hook([](std::string_view op, const std::string& path) {
    return op == "put_if_absent" && path.find("_braid/catalog") != std::string::npos ? Status::io_error("disk full")
                                                                                      : Status::OK();
  });
  EXPECT_THAT(db->register_external_table("b", "/data/b"), StatusIs(StatusCode::kIOError, HasSubstr("disk full")));
  fs_->set_fault_hook(nullptr);
  ASSERT_OK_AND_ASSIGN(auto tables, db->external_tables());
  EXPECT_THAT(tables, SizeIs(1));
  EXPECT_THAT(catalog_files(), ElementsAre("00000000000000000000.json"));
}

TEST_F(ExternalCatalogTest, AnUnreadableCatalogIsReportedByName) {
  ASSERT_OK(fs_->create_directories("/wh/_braid/catalog"));
  ASSERT_OK(fs_->write_file("/wh/_braid/catalog/00000000000000000000.json", "{\"tables\": 3}"));
  ASSERT_OK_AND_ASSIGN(auto db, Database::open("/wh", fs_));
  EXPECT_THAT(db->table_path("x"),
              StatusIs(StatusCode::kCorruption, HasSubstr("/wh/_braid/catalog/00000000000000000000.json is not readable")));
  // Other files in the folder (a writer's temporary file) are not versions.
  ASSERT_OK(fs_->remove("/wh/_braid/catalog/00000000000000000000.json"));
  ASSERT_OK(fs_->write_file("/wh/_braid/catalog/.00000000000000000001.json.tmp", "partial"));
  EXPECT_THAT(db->table_path("x"), StatusIs(StatusCode::kNotFound, HasSubstr("does not exist")));
}

TEST_F(ExternalCatalogTest, LocationsResolveAgainstTheWarehouse) {
  ASSERT_OK_AND_ASSIGN(auto db, Database::open("/wh", fs_));
  EXPECT_EQ(db->resolve_location("ext/x").value_or(""), "/wh/ext/x");
  EXPECT_EQ(db->resolve_location("./ext/../y/").value_or(""), "/wh/y");
  EXPECT_EQ(db->resolve_location("/data/z").value_or(""), "/data/z");
  EXPECT_EQ(db->resolve_location("file:///data/z").value_or(""), "/data/z");
  EXPECT_EQ(db->resolve_location("file:/data/z").value_or(""), "/data/z");
  EXPECT_THAT(db->resolve_location("s3://bucket/t"), StatusIs(StatusCode::kNotImplemented, HasSubstr("local folders only")));
}

// Through SQL, on the local file system.
class ExternalTableSqlTest : public braid::testing::WarehouseTest {};

TEST_F(ExternalTableSqlTest, CtasWithLocationIsFoundAfterwards) {
  auto r = run("CREATE TABLE x USING DELTA LOCATION 'ext/x' AS SELECT id FROM range(5)");
  const std::string location = (root_ / "ext" / "x").string();
  EXPECT_EQ(r.summary, fmt::format("created table x at '{}' (an external table) with 5 rows", location));
  auto rows = run("SELECT count(*) FROM x");
  ASSERT_EQ(rows.batches.size(), 1u);
  EXPECT_EQ(rows.batches[0]->column(0)->value<int64_t>(0), 5);
  auto detail = run("DESCRIBE DETAIL x");
  EXPECT_EQ(detail.batches[0]->column(1)->string_value(0), location);
  // A new session over the warehouse (another process) finds it too.
  ASSERT_OK_AND_ASSIGN(auto other, Session::open(root_.string()));
  EXPECT_OK(other->execute("SELECT * FROM x"));
  auto dropped = run("DROP TABLE x");
  EXPECT_EQ(dropped.summary, fmt::format("dropped table x (an external table: its files at '{}' are kept)", location));
  EXPECT_TRUE(std::filesystem::exists(root_ / "ext" / "x" / "_delta_log"));
}

TEST_F(ExternalTableSqlTest, AFailedCreateLeavesNoRegistration) {
  // The table's folder cannot be made (a file is in the way): the registration made before it is
  // taken back.
  std::filesystem::create_directories(root_ / "ext");
  { std::ofstream(root_ / "ext" / "blocker") << "x"; }
  EXPECT_THAT(session_->execute("CREATE TABLE b (a INT) USING DELTA LOCATION 'ext/blocker/b'"), StatusIs(StatusCode::kIOError, HasSubstr("blocker")));
  EXPECT_THAT(session_->execute("SELECT * FROM b"), StatusIs(StatusCode::kNotFound, HasSubstr("table 'b' does not exist")));
  ASSERT_OK_AND_ASSIGN(auto tables, session_->database().external_tables());
  EXPECT_TRUE(tables.empty());
}

TEST_F(ExternalTableSqlTest, ADanglingRegistrationIsNamed) {
  run("CREATE TABLE d (a INT) USING DELTA LOCATION 'ext/d'");
  std::filesystem::remove_all(root_ / "ext" / "d");
  EXPECT_THAT(session_->execute("CREATE TABLE d (a INT) USING DELTA LOCATION 'ext/d'"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("DROP TABLE d removes the registration")));
  run("DROP TABLE d");
  run("CREATE TABLE d (a INT) USING DELTA LOCATION 'ext/d'");
}

}  // namespace
}  // namespace braid::catalog
