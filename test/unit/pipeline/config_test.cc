// Pipeline files: reading, defaults, and validation that reports every problem with its line.
#include "pipeline/config.h"

#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/status_matchers.h"

namespace braid::pipeline {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;

const char* kGood = R"toml(
[pipeline]
name = "regional_sales"
warehouse = "wh"
parallelism = 8

[params]
cutoff = 2024-06-01
label = "it's"

[sources.sales]
path = "data/sales.parquet"

[sources.raw]
path = "data/raw.txt"
format = "csv"

[flows.totals]
depends_on = ["merge_region"]
stage = "SELECT region, sum(amount) AS amount FROM target GROUP BY region"
merge = "INSERT OVERWRITE totals SELECT * FROM staged"

[flows.merge_region]
for_each = "SELECT DISTINCT region FROM sales"
stage = "SELECT * FROM sales WHERE region = :region"
merge = "MERGE INTO target AS t USING staged AS s ON t.id = s.id WHEN NOT MATCHED THEN INSERT *"
guard = "region = upper(:region)"
on_conflict = "fail"
max_retries = 2
timeout = "1h30m"

[[flows.merge_region.expect]]
name = "known_customer"
check = "customer_id IS NOT NULL"
action = "quarantine"
)toml";

TEST(PipelineConfigTest, ReadsEveryKeyAndOrdersFlowsByDependency) {
  ASSERT_OK_AND_ASSIGN(auto c, parse_pipeline(kGood, "/p/pipeline.toml"));
  EXPECT_EQ(c.name, "regional_sales");
  EXPECT_EQ(c.warehouse_path(), "/p/wh");
  EXPECT_EQ(c.parallelism, 8);
  EXPECT_EQ(c.params.at("cutoff"), "DATE '2024-06-01'");
  EXPECT_EQ(c.params.at("label"), "'it\\'s'");
  ASSERT_EQ(c.sources.size(), 2u);
  EXPECT_EQ(c.sources[0].format, "parquet");
  EXPECT_EQ(c.sources[1].format, "csv");
  ASSERT_EQ(c.flows.size(), 2u);
  EXPECT_EQ(c.flows[0].name, "merge_region");  // before the flow that depends on it
  EXPECT_EQ(c.flows[1].name, "totals");
  const Flow& f = c.flows[0];
  EXPECT_EQ(f.view, "staged");
  EXPECT_EQ(f.target, "target");
  EXPECT_FALSE(f.retry_on_conflict);
  EXPECT_EQ(f.max_retries, 2);
  EXPECT_EQ(f.timeout_ms, 90 * 60 * 1000);
  ASSERT_EQ(f.expectations.size(), 1u);
  EXPECT_EQ(f.expectations[0].action, ExpectAction::kQuarantine);
  EXPECT_EQ(c.flows[1].target, "totals");
}

TEST(PipelineConfigTest, LiteralForEachRowsBecomeSqlLiterals) {
  ASSERT_OK_AND_ASSIGN(auto c, parse_pipeline(R"toml(
[pipeline]
name = "p"
[flows.f]
for_each = [{ region = "us-east", n = 3 }, { region = "eu-west", n = 4 }]
stage = "SELECT :region AS r"
merge = "INSERT INTO t SELECT * FROM staged"
)toml",
                                                "p.toml"));
  ASSERT_EQ(c.flows[0].for_each_rows.size(), 2u);
  EXPECT_EQ(c.flows[0].for_each_rows[1].at("region"), "'eu-west'");
  EXPECT_EQ(c.flows[0].for_each_rows[1].at("n"), "4");
}

TEST(PipelineConfigTest, LiteralsKeepTheirExactValues) {
  ASSERT_OK_AND_ASSIGN(auto c, parse_pipeline(R"toml(
[pipeline]
name = "p"
[params]
tenth = 0.1
max = 9223372036854775807
big = "12345678901234567890"
[flows.f]
for_each = [{ up = inf, down = -inf, none = nan, tiny = 5e-324 }]
stage = "SELECT :up AS r"
merge = "INSERT INTO t SELECT * FROM staged"
)toml",
                                                "p.toml"));
  EXPECT_EQ(c.params.at("tenth"), "0.1D");
  EXPECT_EQ(c.params.at("max"), "9223372036854775807");
  EXPECT_EQ(c.params.at("big"), "'12345678901234567890'");
  const ParamRow& row = c.flows[0].for_each_rows.at(0);
  EXPECT_EQ(row.at("up"), "CAST('Infinity' AS DOUBLE)");
  EXPECT_EQ(row.at("down"), "CAST('-Infinity' AS DOUBLE)");
  EXPECT_EQ(row.at("none"), "CAST('NaN' AS DOUBLE)");
  EXPECT_EQ(row.at("tiny"), "5e-324D");
  // An integer beyond 64 bits is not silently made a float: TOML itself refuses it.
  EXPECT_THAT(parse_pipeline("[pipeline]\nname = \"p\"\n[params]\nid = 12345678901234567890\n", "p.toml"),
              StatusIs(StatusCode::kParseError, HasSubstr("p.toml:4:")));
}

TEST(PipelineConfigTest, ReportsEveryProblemWithItsLine) {
  auto c = parse_pipeline(R"toml([pipeline]
name = "p"
paralelism = 4
[sources.sales]
path = "x.json"
[flows.a]
stage = "SELEC 1"
merge = "SELECT 1"
on_conflict = "skip"
timeout = "ten minutes"
depends_on = ["nope"]
[[flows.a.expect]]
name = "r"
check = "x >"
action = "explode"
)toml",
                          "p.toml");
  ASSERT_THAT(c.status(), StatusIs(StatusCode::kInvalidArgument, ::testing::_));
  const std::string m = c.status().message();
  EXPECT_THAT(m, HasSubstr("p.toml:3: unknown key 'paralelism'"));
  EXPECT_THAT(m, HasSubstr("p.toml:5: sources.sales: cannot tell the format"));
  EXPECT_THAT(m, HasSubstr("p.toml:7: flows.a.stage:"));
  EXPECT_THAT(m, HasSubstr("p.toml:8: flows.a.merge: expected MERGE, INSERT, UPDATE or DELETE"));
  EXPECT_THAT(m, HasSubstr("p.toml:9: flows.a.on_conflict: 'skip'"));
  EXPECT_THAT(m, HasSubstr("p.toml:10: flows.a.timeout:"));
  EXPECT_THAT(m, HasSubstr("no flow is named 'nope'"));
  EXPECT_THAT(m, HasSubstr("p.toml:14: flows.a.expect.check:"));
  EXPECT_THAT(m, HasSubstr("p.toml:15: flows.a.expect.action: 'explode'"));
}

// A source's format from its path follows the same rule as the CLI (formats/file_format.h); a
// tab-separated file is refused, since a source has no delimiter to set and ',' would read each
// line as one column.
TEST(PipelineConfigTest, SourceFormatComesFromTheExtension) {
  ASSERT_OK_AND_ASSIGN(auto c, parse_pipeline(R"toml(
[pipeline]
name = "p"
[sources.a]
path = "a.PQ"
[sources.b]
path = "b.txt"
[sources.c]
path = "warehouse/c"
[flows.f]
stage = "SELECT * FROM a"
merge = "INSERT INTO t SELECT * FROM staged"
)toml",
                                                "p.toml"));
  ASSERT_EQ(c.sources.size(), 3u);
  EXPECT_EQ(c.sources[0].format, "parquet");
  EXPECT_EQ(c.sources[1].format, "csv");
  EXPECT_EQ(c.sources[2].format, "delta");
  for (const char* path : {"x.tsv", "x.TAB"}) {
    auto bad = parse_pipeline(fmt::format(R"toml([pipeline]
name = "p"
[sources.s]
path = "{}"
[flows.f]
stage = "SELECT * FROM s"
merge = "INSERT INTO t SELECT * FROM staged"
)toml",
                                          path),
                              "p.toml");
    EXPECT_THAT(bad.status(), StatusIs(StatusCode::kInvalidArgument,
                                       HasSubstr(fmt::format("p.toml:4: sources.s: '{}' is tab-separated", path))));
  }
}

TEST(PipelineConfigTest, CsvSourcesTakeSchemaAndMode) {
  ASSERT_OK_AND_ASSIGN(auto c, parse_pipeline(R"toml(
[pipeline]
name = "p"
[sources.orders]
path = "orders.csv"
schema = "id BIGINT, amount DECIMAL(10, 2) NOT NULL, note STRING"
mode = "dropMalformed"
[sources.raw]
path = "raw.csv"
mode = "PERMISSIVE"
corrupt_record_column = "bad_line"
[flows.f]
stage = "SELECT * FROM orders"
merge = "INSERT INTO t SELECT * FROM staged"
)toml",
                                                "p.toml"));
  ASSERT_EQ(c.sources.size(), 2u);
  EXPECT_EQ(c.sources[0].schema, "id BIGINT, amount DECIMAL(10, 2) NOT NULL, note STRING");
  EXPECT_EQ(c.sources[0].mode, "DROPMALFORMED");
  using Options = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(c.sources[0].read_options(),
            (Options{{"schema", "id BIGINT, amount DECIMAL(10, 2) NOT NULL, note STRING"}, {"mode", "DROPMALFORMED"}}));
  EXPECT_EQ(c.sources[1].read_options(),
            (Options{{"mode", "PERMISSIVE"}, {"columnNameOfCorruptRecord", "bad_line"}}));
}

TEST(PipelineConfigTest, BadCsvSourceOptionsAreProblemsAtTheirLines) {
  auto c = parse_pipeline(R"toml([pipeline]
name = "p"
[sources.a]
path = "a.csv"
schema = "id BIGINT, amount NUMBER"
mode = "lenient"
[sources.b]
path = "b.parquet"
schema = "id BIGINT"
[sources.c]
path = "c.csv"
corrupt_record_column = "bad"
schema = 42
[sources.d]
path = "d.csv"
schema = "id INT, ID INT"
delimiter = ";"
[flows.f]
stage = "SELECT 1 AS x"
merge = "INSERT INTO t SELECT * FROM staged"
)toml",
                          "p.toml");
  ASSERT_THAT(c.status(), StatusIs(StatusCode::kInvalidArgument, ::testing::_));
  const std::string m = c.status().message();
  EXPECT_THAT(m, HasSubstr("p.toml:5: sources.a.schema: line 1, column 19: expected a type name, found 'NUMBER'"));
  EXPECT_THAT(m, HasSubstr("p.toml:6: sources.a.mode: unknown CSV mode 'lenient' (FAILFAST, DROPMALFORMED, PERMISSIVE)"));
  EXPECT_THAT(m, HasSubstr("p.toml:9: sources.b.schema: applies to CSV sources, and this one is parquet"));
  EXPECT_THAT(m, HasSubstr("p.toml:12: sources.c.corrupt_record_column: needs mode = \"PERMISSIVE\""));
  EXPECT_THAT(m, HasSubstr("p.toml:13: sources.c.schema: expected a string, got an integer"));
  EXPECT_THAT(m, HasSubstr("p.toml:16: sources.d.schema: line 1, column 9: the column ID is named twice"));
  EXPECT_THAT(m, HasSubstr("p.toml:17: unknown key 'delimiter' in [sources.d]"));
}

TEST(PipelineConfigTest, RejectsDependencyCycles) {
  auto c = parse_pipeline(R"toml([pipeline]
name = "p"
[flows.a]
stage = "SELECT 1 AS x"
merge = "INSERT INTO t SELECT * FROM staged"
depends_on = ["b"]
[flows.b]
stage = "SELECT 1 AS x"
merge = "INSERT INTO t SELECT * FROM staged"
depends_on = ["a"]
)toml",
                          "p.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("cycle: a -> b -> a"));
}

TEST(PipelineConfigTest, RequiresNameFlowsStageAndMerge) {
  auto c = parse_pipeline("[pipeline]\n[flows.a]\nview = \"sales\"\n[sources.sales]\npath = \"s.parquet\"\n", "p.toml");
  ASSERT_FALSE(c.ok());
  const std::string m = c.status().message();
  EXPECT_THAT(m, HasSubstr("'name' is required"));
  EXPECT_THAT(m, HasSubstr("flows.a: 'stage' is required"));
  EXPECT_THAT(m, HasSubstr("flows.a: 'merge' is required"));
}

TEST(PipelineConfigTest, TomlSyntaxErrorsNameLineAndColumn) {
  auto c = parse_pipeline("[pipeline]\nname = \"p\n", "p.toml");
  ASSERT_THAT(c.status(), StatusIs(StatusCode::kParseError, ::testing::_));
  EXPECT_THAT(c.status().message(), HasSubstr("p.toml:2:"));
}

TEST(PipelineConfigTest, NonAsciiOnlyInStringsAndComments) {
  // Found by the fuzzer: toml++ 3.3 hits undefined behaviour on these; they are rejected first.
  for (const char* bad : {"\xEF\xBB\x92[pipeline]\nname = \"p\"\n", "[pipeline]\nname = \"p\" \xC3\xA9\n",
                          "[pipeline]\nname = \"p\\\xC3\xA9\"\n", "[pipeline]\nname = \"\"\"p\\\n  \xC3\xA9\"\"\"\n",
                          "[pipeline]\nx = 1\xC2\xA1\n", "[pipeline]\nname = \"p\"\n[\x01\x15s.b]\n",
                          "[pipeline]\nname = \"p\"\n[ @x]\n", "[[ {x}]]\n"}) {
    auto c = parse_pipeline(bad, "p.toml");
    ASSERT_THAT(c.status(), StatusIs(StatusCode::kParseError, ::testing::_)) << bad;
  }
  // Non-ASCII text where TOML allows it, with a byte order mark in front.
  ASSERT_OK_AND_ASSIGN(auto c, parse_pipeline("\xEF\xBB\xBF# caf\xC3\xA9\n[pipeline]\nname = \"caf\xC3\xA9\"\n"
                                              "[flows.a]\nstage = '''SELECT 'd\xC3\xA9j\xC3\xA0' AS x'''\n"
                                              "merge = \"INSERT INTO t SELECT * FROM staged\"\n",
                                              "p.toml"));
  EXPECT_EQ(c.name, "caf\xC3\xA9");
  // Arrays may start lines; only a `[` outside any value starts a table header.
  ASSERT_OK_AND_ASSIGN(auto arrays, parse_pipeline("[pipeline]\nname = \"p\"\n[flows.a]\nstage = \"SELECT 1 AS x\"\n"
                                                   "merge = \"INSERT INTO t SELECT * FROM staged\"\nfor_each = [\n"
                                                   "  { x = 1 },\n[ ]\n]\n",
                                                   "p.toml").status().code() == StatusCode::kInvalidArgument
                                        ? Result<int>(1) : Result<int>(0));
  EXPECT_EQ(arrays, 1);  // a validation problem (a row that is not a table), not a parse error
}

TEST(PipelineConfigTest, Durations) {
  EXPECT_EQ(*parse_duration_ms("10m"), 600000);
  EXPECT_EQ(*parse_duration_ms("1h30m"), 5400000);
  EXPECT_EQ(*parse_duration_ms("500ms"), 500);
  EXPECT_EQ(*parse_duration_ms("45"), 45000);
  EXPECT_FALSE(parse_duration_ms("").ok());
  EXPECT_FALSE(parse_duration_ms("10 minutes").ok());
  EXPECT_FALSE(parse_duration_ms("0s").ok());
  EXPECT_FALSE(parse_duration_ms("5y").ok());
}

}  // namespace
}  // namespace braid::pipeline
