// catalog::Database: a warehouse folder of Delta tables.
#include "catalog/database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "columnar/column_builder.h"
#include "common/memory_file_system.h"
#include "support/status_matchers.h"

namespace braid::catalog {
namespace {

using ::braid::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(fs_->create_directories("wh")); }
  void make_table(const std::string& folder) {
    ASSERT_OK(delta::DeltaTable::create(fs_, "wh/" + folder, schema({field("id", int64())}), {}).status());
  }
  std::shared_ptr<MemoryFileSystem> fs_ = std::make_shared<MemoryFileSystem>();
};

TEST_F(DatabaseTest, EveryDeltaFolderIsATableByItsName) {
  make_table("sales");
  make_table("Customers");
  ASSERT_OK(fs_->create_directories("wh/not_a_table"));
  ASSERT_OK(fs_->write_file("wh/file.txt", "x"));
  ASSERT_OK_AND_ASSIGN(auto db, Database::open("wh", fs_));
  ASSERT_OK_AND_ASSIGN(auto tables, db->list_tables());
  EXPECT_THAT(tables, ElementsAre("Customers", "sales"));
  EXPECT_TRUE(db->table_exists("sales"));
  EXPECT_FALSE(db->table_exists("not_a_table"));
}

TEST_F(DatabaseTest, NamesResolveCaseInsensitivelyExactFirst) {
  make_table("Sales");
  ASSERT_OK_AND_ASSIGN(auto db, Database::open("wh", fs_));
  EXPECT_EQ(db->table_path("sales").value_or(""), "wh/Sales");
  EXPECT_EQ(db->table_path("SALES").value_or(""), "wh/Sales");
  make_table("sales");
  EXPECT_EQ(db->table_path("sales").value_or(""), "wh/sales");
}

TEST_F(DatabaseTest, MissingTablesAndBadNamesAreClearErrors) {
  ASSERT_OK_AND_ASSIGN(auto db, Database::open("wh", fs_));
  EXPECT_THAT(db->open_table("nope"), StatusIs(StatusCode::kNotFound, HasSubstr("table 'nope' does not exist in warehouse 'wh'")));
  EXPECT_THAT(db->table_path("../etc"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("cannot name a table")));
  EXPECT_THAT(Database::open("missing", fs_), StatusIs(StatusCode::kNotFound, HasSubstr("not a folder")));
}

TEST_F(DatabaseTest, DropRemovesTheFolder) {
  make_table("t");
  ASSERT_OK_AND_ASSIGN(auto db, Database::open("wh", fs_));
  ASSERT_OK(db->drop_table("T"));
  EXPECT_FALSE(db->table_exists("t"));
  EXPECT_THAT(db->drop_table("t"), StatusIs(StatusCode::kNotFound, HasSubstr("does not exist")));
}

}  // namespace
}  // namespace braid::catalog
