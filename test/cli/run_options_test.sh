#!/usr/bin/env bash
# braid run's options and finding runs: a --param no SQL of the pipeline uses is an error with the
# close match (run and validate); `run <id> of pipeline <name>` is on stderr before any task
# starts; --warehouse overrides the file's; --memory-limit bounds every statement of every task;
# `braid runs` lists runs (PIPELINE.toml or -w WAREHOUSE; table, csv, jsonl) with status, times
# and task counts.
# Usage: run_options_test.sh PATH/TO/braid
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_command node "to parse JSON"
source "$(dirname "${BASH_SOURCE[0]}")/run_fixture.sh"

ex="$tmp/ex"
make_ticks "$ex" 20000
wh="$ex/warehouse"

# ---- unknown parameters: an error naming it and the close match, nothing run
for cmd in run validate; do
  set +e
  "$braid" $cmd "$ex/pipeline.toml" --param modulsu=5 > "$tmp/out" 2> "$tmp/err"; status=$?
  set -e
  expect_eq "$status" "1" "$cmd --param modulsu (stderr: $(cat "$tmp/err"))"
  grep -q "modulsu" "$tmp/err" || fail "$cmd: the error names the unknown parameter: $(cat "$tmp/err")"
  grep -q "did you mean 'modulus'" "$tmp/err" || fail "$cmd: the error gives the close match: $(cat "$tmp/err")"
  # A name nothing is close to: no hint, still an error.
  set +e
  "$braid" $cmd "$ex/pipeline.toml" --param region=eu > "$tmp/out" 2> "$tmp/err"; status=$?
  set -e
  expect_eq "$status" "1" "$cmd --param region"
  grep -q "no SQL of pipeline ticks uses :region" "$tmp/err" || fail "$cmd: --param region: $(cat "$tmp/err")"
done
[ ! -e "$wh/_braid" ] || fail "a run refused for its parameters wrote $wh/_braid"
# A parameter the SQL uses can be given (here: overriding the file's).
"$braid" validate "$ex/pipeline.toml" --param modulus=5 > /dev/null 2> "$tmp/err" ||
  fail "validate --param modulus=5: $(cat "$tmp/err")"

# ---- a run: its id on stderr before any task starts
"$braid" run "$ex/pipeline.toml" --run-id one > "$tmp/out" 2> "$tmp/err" || fail "run one: $(tail -n 5 "$tmp/err")"
first=$(grep -n "" "$tmp/err" | grep -m1 -E "run one of pipeline ticks" | cut -d: -f1)
task=$(grep -n "" "$tmp/err" | grep -m1 -E "^[0-9]+:(succeeded|failed) " | cut -d: -f1)
[ -n "$first" ] || fail "stderr names the run and its pipeline: $(cat "$tmp/err")"
[ -n "$task" ] && [ "$first" -lt "$task" ] || fail "the run's line comes before any task's: $(cat "$tmp/err")"
expect_eq "$(q "$wh" "SELECT sum(n) FROM parts")" "20000" "rows counted by the run"

# ---- --warehouse overrides the file's (relative to the current folder)
other="$tmp/other"
make_ticks "$tmp/other_src" 100
mv "$tmp/other_src/warehouse" "$other"
(cd "$tmp" && "$braid" run "$ex/pipeline.toml" --warehouse other --run-id elsewhere > "$tmp/out" 2> "$tmp/err") ||
  fail "run --warehouse: $(tail -n 5 "$tmp/err")"
expect_eq "$(q "$other" "SELECT sum(n) FROM parts")" "20000" "the run wrote the --warehouse's tables"
[ -f "$other/_braid/runs/elsewhere.json" ] || fail "the run's manifest is in the --warehouse"
[ ! -f "$wh/_braid/runs/elsewhere.json" ] || fail "nothing of the run is in the file's warehouse"

# ---- --memory-limit: every statement of every task is bounded
cat > "$tmp/mem.toml" << 'EOF'
[pipeline]
name = "mem"
warehouse = "warehouse"
[flows.big]
stage = "SELECT id, count(*) AS c FROM range(3000000) GROUP BY id"
merge = "INSERT INTO sink SELECT id, c FROM staged"
EOF
mkdir -p "$tmp/warehouse"
"$braid" sql -w "$tmp/warehouse" "CREATE TABLE sink (id BIGINT, c BIGINT) USING DELTA" 2> /dev/null
set +e
"$braid" run "$tmp/mem.toml" --memory-limit 1MB --run-id small > "$tmp/out" 2> "$tmp/err"; status=$?
set -e
expect_eq "$status" "1" "a task over --memory-limit fails (stdout: $(cat "$tmp/out"))"
grep -q "out of memory" "$tmp/out" || fail "the task's error is out of memory: $(cat "$tmp/out")"
grep -q "1.0 MiB" "$tmp/out" "$tmp/err" || fail "the error names the limit: $(cat "$tmp/out")"
"$braid" run "$tmp/mem.toml" --memory-limit 2GB --run-id roomy > "$tmp/out" 2> "$tmp/err" ||
  fail "--memory-limit 2GB: $(tail -n 5 "$tmp/err")"
set +e
"$braid" run "$tmp/mem.toml" --memory-limit lots > "$tmp/out" 2> "$tmp/err"; status=$?
set -e
expect_eq "$status" "2" "a bad --memory-limit is a usage error"

# ---- braid runs
# A failing run: the stage divides by zero for k = 3.
sed 's|sum(id % :modulus) AS s|sum(id % :modulus) + CAST(1 / (:k - 3) AS BIGINT) * 0 AS s|' "$ex/pipeline.toml" > "$ex/broken.toml"
set +e
"$braid" run "$ex/broken.toml" --run-id two > "$tmp/out" 2> "$tmp/err"; status=$?
set -e
expect_eq "$status" "1" "the broken run fails"
"$braid" runs "$ex/pipeline.toml" --format csv > "$tmp/runs.csv" 2> "$tmp/err" || fail "braid runs: $(cat "$tmp/err")"
expect_eq "$(head -n 1 "$tmp/runs.csv")" \
  "run_id,pipeline,status,started_at,ended_at,tasks_ok,tasks_failed,tasks_skipped,tasks_interrupted" "runs csv header"
expect_eq "$(tail -n +2 "$tmp/runs.csv" | cut -d, -f1,2,3,6,7,8,9)" "$(printf 'one,ticks,succeeded,13,0,0,0\ntwo,ticks,failed,11,1,1,0')" \
  "runs of the file's warehouse, oldest first"
tail -n +2 "$tmp/runs.csv" | cut -d, -f4,5 | grep -qvE '^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9:.]+Z,[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9:.]+Z$' &&
  fail "started_at and ended_at are timestamps: $(cat "$tmp/runs.csv")"
"$braid" runs -w "$other" --format jsonl > "$tmp/runs.jsonl" 2> "$tmp/err" || fail "braid runs -w: $(cat "$tmp/err")"
node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter((l) => l.length);
  const runs = lines.map((l) => JSON.parse(l));
  if (runs.length !== 1 || runs[0].run_id !== "elsewhere" || runs[0].status !== "succeeded" || runs[0].tasks_ok !== 13) {
    console.error(lines.join("\n")); process.exit(1);
  }
' "$tmp/runs.jsonl" 2> "$tmp/node_err" || fail "braid runs -w --format jsonl: $(cat "$tmp/node_err")"
out=$("$braid" runs -w "$wh" 2> "$tmp/err") || fail "braid runs (table): $(cat "$tmp/err")"
grep -q "run_id" <<< "$out" && grep -q "succeeded" <<< "$out" || fail "braid runs table: $out"
# -w lists every pipeline's runs; a PIPELINE.toml only its own.
"$braid" sql -w "$wh" "CREATE TABLE sink (id BIGINT, c BIGINT) USING DELTA" 2> /dev/null
"$braid" run "$tmp/mem.toml" -w "$wh" --run-id mem-here > /dev/null 2> "$tmp/err" || fail "run mem -w: $(cat "$tmp/err")"
expect_eq "$("$braid" runs -w "$wh" --format csv | tail -n +2 | cut -d, -f1 | sort | tr '\n' ' ')" "mem-here one two " \
  "runs -w lists every pipeline"
expect_eq "$("$braid" runs "$ex/pipeline.toml" --format csv | tail -n +2 | cut -d, -f1 | tr '\n' ' ')" "one two " \
  "runs PIPELINE lists that pipeline's"
set +e
"$braid" runs "$ex/pipeline.toml" -w "$wh" > "$tmp/out" 2> "$tmp/err"; status=$?
set -e
expect_eq "$status" "2" "runs PIPELINE -w: usage error"
set +e
"$braid" runs -w "$wh" --format xml > "$tmp/out" 2> "$tmp/err"; status=$?
set -e
expect_eq "$status" "2" "runs --format xml: usage error"
echo "run options cli: ok"
