#include "common/nearest_name.h"

#include <gtest/gtest.h>

namespace braid {
namespace {

TEST(NearestNameTest, ATypoFindsItsName) {
  const std::vector<std::string> names = {"spark.sql.session.timeZone", "spark.sql.shuffle.partitions", "memory_limit"};
  EXPECT_EQ(nearest_name("spark.sql.sesion.timeZone", names), "spark.sql.session.timeZone");
  EXPECT_EQ(nearest_name("memory_limt", names), "memory_limit");
  EXPECT_EQ(did_you_mean("memory_limt", names), " (did you mean 'memory_limit'?)");
}

TEST(NearestNameTest, CaseDoesNotCountAsAnEdit) {
  EXPECT_EQ(nearest_name("SPARK.SQL.SESSION.TIMEZONE", {"spark.sql.session.timeZone"}), "spark.sql.session.timeZone");
}

TEST(NearestNameTest, AnotherNameIsNoTypo) {
  const std::vector<std::string> names = {"run", "sql", "cat"};
  EXPECT_EQ(nearest_name("optimize", names), "");
  EXPECT_EQ(did_you_mean("optimize", names), "");
  EXPECT_EQ(nearest_name("", names), "");
  EXPECT_EQ(nearest_name("rnu", {}), "");
}

}  // namespace
}  // namespace braid
