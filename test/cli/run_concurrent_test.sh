#!/usr/bin/env bash
# Two `braid run`s of one pipeline on one warehouse: the second is refused with an error naming
# the running run (its lease in WAREHOUSE/_braid/runs/ticks.lease/) and writes nothing; `braid
# runs` shows the first as running. Killed with SIGKILL, the first leaves a stale lease: `braid
# runs` says stale, and the next run takes the lease over with a warning naming the dead run;
# the dead run can then be resumed. With --allow-concurrent both runs go ahead, and each records
# every one of its tasks truthfully (a task the other run committed first is `skipped`, naming
# that run).
# Usage: run_concurrent_test.sh PATH/TO/braid
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_command node "to parse JSON"
source "$(dirname "${BASH_SOURCE[0]}")/run_fixture.sh"

rows=6000000
ex="$tmp/ex"
make_ticks "$ex" "$rows" 1
wh="$ex/warehouse"

# Waits until run ID has committed N tasks of flow part (or fails after 20 s).
wait_commits() {  # PID N
  local deadline=$((SECONDS + 20))
  while [ "$(table_commits "$wh/parts")" -lt "$2" ]; do
    kill -0 "$1" 2> /dev/null || fail "the run ended before committing $2 tasks"
    [ "$SECONDS" -lt "$deadline" ] || fail "the run made no progress in 20 s"
    sleep 0.01
  done
}
runs_status() { "$braid" runs -w "$wh" --format csv | tail -n +2 | grep "^$1," | cut -d, -f3; }

# ---- a second run is refused while the first runs
"$braid" run "$ex/pipeline.toml" --run-id first > "$tmp/first_out" 2> "$tmp/first_err" &
first=$!
wait_commits "$first" 1
set +e
"$braid" run "$ex/pipeline.toml" --run-id second > "$tmp/out" 2> "$tmp/err"; status=$?
set -e
expect_eq "$status" "1" "a second run of a running pipeline (stderr: $(cat "$tmp/err"))"
grep -q "pipeline ticks is already running" "$tmp/err" || fail "the refusal says why: $(cat "$tmp/err")"
grep -q "run first (pid $first on host " "$tmp/err" || fail "the refusal names the running run and its pid: $(cat "$tmp/err")"
grep -q -- "--allow-concurrent" "$tmp/err" || fail "the refusal names the way out: $(cat "$tmp/err")"
[ ! -e "$wh/_braid/runs/second.json" ] || fail "the refused run wrote a manifest"
# A resume of the running run is refused too.
set +e
"$braid" run "$ex/pipeline.toml" --resume first > "$tmp/out" 2> "$tmp/err"; status=$?
set -e
expect_eq "$status" "1" "--resume of a run that is running"
grep -q "run first (pid $first" "$tmp/err" || fail "--resume of a running run names it: $(cat "$tmp/err")"
expect_eq "$(runs_status first)" "running" "braid runs: the first run is running"

# ---- kill -9 leaves a stale lease; the next run takes it over with a warning
kill -9 "$first"
wait "$first" 2> /dev/null || true
expect_eq "$(runs_status first)" "stale" "braid runs: the killed run is stale"
"$braid" run "$ex/pipeline.toml" --run-id third > "$tmp/out" 2> "$tmp/err" || fail "run after a kill -9: $(tail -n 5 "$tmp/err")"
grep -q "warning: .*run first (pid $first on host .*died" "$tmp/err" ||
  fail "taking over the stale lease is a warning naming the dead run: $(head -n 5 "$tmp/err")"
expect_eq "$(runs_status third)" "succeeded" "braid runs: third"
"$braid" run "$ex/pipeline.toml" --resume first > "$tmp/out" 2> "$tmp/err" || fail "resume of the killed run: $(tail -n 5 "$tmp/err")"
grep -q "took over" "$tmp/err" && fail "the lease was released by run third: $(head -n 5 "$tmp/err")"
# Released on success and on failure: a run right after each is not refused.
sed -e 's|sum(id % :modulus) AS s|sum(id % :modulus) + CAST(1 / (:k - 3) AS BIGINT) * 0 AS s|' -e "s|range($rows)|range(1000)|" \
  "$ex/pipeline.toml" > "$ex/broken.toml"
set +e
"$braid" run "$ex/broken.toml" --run-id broken > "$tmp/out" 2> "$tmp/err"; status=$?
set -e
expect_eq "$status" "1" "a failing run"
"$braid" run "$ex/broken.toml" --run-id after-broken > "$tmp/out" 2> "$tmp/err" || true
grep -q "already running" "$tmp/err" && fail "the failed run left its lease held: $(cat "$tmp/err")"
grep -q "took over" "$tmp/err" && fail "the failed run did not release its lease: $(cat "$tmp/err")"

# ---- --allow-concurrent: both run, each run's audit is true for every one of its tasks
c="$tmp/conc"
make_ticks "$c" "$rows" 1
wh="$c/warehouse"
# The older run's tasks are ten times slower (the same pipeline, flows and tasks: the same txn
# appIds), so the newer run commits tasks the older one has not reached yet.
sed "s|range($rows)|range($((rows * 10)))|" "$c/pipeline.toml" > "$c/slow.toml"
"$braid" run "$c/slow.toml" --run-id older > "$tmp/older_out" 2> "$tmp/older_err" &
older=$!
wait_commits "$older" 1
"$braid" run "$c/pipeline.toml" --run-id newer --allow-concurrent --parallel 4 > "$tmp/out" 2> "$tmp/err" ||
  fail "--allow-concurrent run: $(tail -n 5 "$tmp/err")"
grep -q "run older .* is running too" "$tmp/err" || fail "the concurrent run notes the other: $(head -n 5 "$tmp/err")"
set +e
wait "$older"; status=$?
set -e
expect_eq "$status" "0" "the older run (stderr: $(tail -n 5 "$tmp/older_err"))"
audit="delta.\`$wh/_braid/audit\`"
for id in older newer; do
  expect_eq "$(q "$wh" "SELECT count(DISTINCT flow || '/' || task) FROM $audit WHERE run_id = '$id'")" "13" \
    "run $id: every task has an audit row"
done
# A `succeeded` row is a commit of that run; a task another run committed first is skipped,
# naming that run.
for id in older newer; do
  expect_eq "$(q "$wh" "SELECT count(*) FROM $audit WHERE run_id = '$id' AND status = 'succeeded'")" \
    "$(($(commits_of "$wh" parts "$id") + $(commits_of "$wh" totals "$id")))" \
    "run $id: succeeded rows == its commits"
done
expect_eq "$(q "$wh" "SELECT count(*) FROM $audit WHERE run_id = 'older' AND status = 'skipped' AND error NOT LIKE '%committed by run newer%'")" \
  "0" "the older run's skipped tasks name the newer run"
skipped=$(q "$wh" "SELECT count(*) FROM $audit WHERE run_id = 'older' AND status = 'skipped'")
[ "$skipped" -ge 1 ] || fail "the newer run committed no task before the older run reached it: $(cat "$tmp/older_out")"
grep -q "already committed by run older" "$tmp/older_err" && fail "the older run names itself for the newer run's commits"
expect_eq "$(q "$wh" "SELECT count(*), sum(n) FROM parts")" "12,$rows" "parts after both runs"
echo "run concurrent cli: ok"
