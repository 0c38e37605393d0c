# A small pipeline for the tests of a run's lifecycle (sourced by test/cli/run_*_test.sh after
# lib.sh). Pipeline `ticks`: flow `part` has 12 tasks (k = 0..11), each counting
# and summing its share of range(ROWS) and MERGEing one row into `parts` (partitioned by k, so
# tasks never conflict); flow `total`, after it, overwrites `totals` with the sum of `parts`.
# ROWS sets how long a task takes. The tables are created up front, so every commit in the
# warehouse after that is a task's.

# make_ticks DIR ROWS [PARALLELISM]: DIR/pipeline.toml and DIR/warehouse with both tables.
make_ticks() {
  local dir="$1" rows="$2" parallelism="${3:-2}"
  mkdir -p "$dir/warehouse"
  "$braid" sql -w "$dir/warehouse" "CREATE TABLE parts (k BIGINT, n BIGINT, s BIGINT) USING DELTA PARTITIONED BY (k)" \
    2> "$tmp/fixture_err" || fail "creating parts: $(cat "$tmp/fixture_err")"
  "$braid" sql -w "$dir/warehouse" "CREATE TABLE totals (n BIGINT, s BIGINT) USING DELTA" 2> "$tmp/fixture_err" ||
    fail "creating totals: $(cat "$tmp/fixture_err")"
  cat > "$dir/pipeline.toml" << EOF
[pipeline]
name = "ticks"
warehouse = "warehouse"
parallelism = $parallelism

[params]
modulus = 7

[flows.part]
for_each = "SELECT id AS k FROM range(12)"
stage = "SELECT CAST(:k AS BIGINT) AS k, count(*) AS n, sum(id % :modulus) AS s FROM range($rows) WHERE id % 12 = :k"
merge = "MERGE INTO parts AS t USING staged AS s ON t.k = s.k WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"

[flows.total]
depends_on = ["part"]
stage = "SELECT sum(n) AS n, sum(s) AS s FROM parts"
merge = "INSERT OVERWRITE totals SELECT * FROM staged"
EOF
}

# Commits of `table` made by run `id` (each task's commit carries the run id in its userMetadata).
commits_of() {  # WAREHOUSE TABLE RUN_ID
  { grep -l "run_id\\\\\":\\\\\"$3\\\\\"" "$1/$2/_delta_log/"*.json 2> /dev/null || true; } | wc -l
}

# A field of a run manifest.
manifest_field() {  # WAREHOUSE RUN_ID FIELD
  node -e 'const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(m[process.argv[2]] ?? "")' \
    "$1/_braid/runs/$2.json" "$3"
}
