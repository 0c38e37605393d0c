#!/usr/bin/env bash
# Ctrl-C (SIGINT) and SIGTERM during `braid run`, at several points of a run of a small pipeline:
# before any task committed, after some, while the last task of the first flow runs. Each time: the exit
# status is 130 (143 for SIGTERM), stderr names the run and gives the exact resume command, the
# manifest says `interrupted`, and the audit has a row for every task of the run (`succeeded` for
# each task whose commit landed, `interrupted` for the others). Then `--resume` finishes the run:
# the tables equal a clean run's, and every task has exactly one `succeeded` row.
# Usage: run_interrupt_test.sh PATH/TO/braid
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_command node "to parse JSON"
source "$(dirname "${BASH_SOURCE[0]}")/run_fixture.sh"
# Job control: without it a script's background jobs start with SIGINT ignored (and braid keeps
# an ignored signal ignored, as `nohup` expects).
set -m

rows=6000000
clean="$tmp/clean"
make_ticks "$clean" "$rows" 1
"$braid" run "$clean/pipeline.toml" --run-id clean > /dev/null 2> "$tmp/err" || fail "clean run: $(tail -n 5 "$tmp/err")"
clean_parts=$(q "$clean/warehouse" "SELECT k, n, s FROM parts ORDER BY k" | tr '\n' ' ')
clean_totals=$(q "$clean/warehouse" "SELECT n, s FROM totals" | tr '\n' ' ')

interrupted=0
# POINT: how many of flow part's commits to wait for before the signal ("start": only for the
# run's first line on stderr).
for point in start 3 8 11 term; do
  dir="$tmp/run_$point"
  id="int-$point"
  make_ticks "$dir" "$rows" 1
  wh="$dir/warehouse"
  signal=INT
  expected_status=130
  if [ "$point" == term ]; then
    signal=TERM
    expected_status=143
  fi
  "$braid" run "$dir/pipeline.toml" --run-id "$id" > "$tmp/out" 2> "$tmp/err" &
  pid=$!
  deadline=$((SECONDS + 20))
  while kill -0 "$pid" 2> /dev/null; do
    case "$point" in
      start) grep -q "^run $id of pipeline ticks" "$tmp/err" && break ;;
      term) [ "$(table_commits "$wh/parts")" -ge 5 ] && break ;;
      *) [ "$(table_commits "$wh/parts")" -ge "$point" ] && break ;;
    esac
    [ "$SECONDS" -lt "$deadline" ] || { kill -9 "$pid"; fail "point $point: the run made no progress in 20 s"; }
    sleep 0.01
  done
  kill -s "$signal" "$pid" 2> /dev/null || true
  set +e
  wait "$pid"; status=$?
  set -e
  if [ "$status" == 0 ]; then
    echo "note: point $point: the run finished before the signal" >&2
    continue
  fi
  interrupted=$((interrupted + 1))
  expect_eq "$status" "$expected_status" "point $point: exit status (stderr: $(tail -n 5 "$tmp/err"))"
  grep -q "^run $id of pipeline ticks" "$tmp/err" || fail "point $point: the run's id before its tasks: $(head -n 3 "$tmp/err")"
  grep -qF "braid run $dir/pipeline.toml --resume $id" "$tmp/err" ||
    fail "point $point: the resume command on stderr: $(tail -n 5 "$tmp/err")"
  expect_eq "$(manifest_field "$wh" "$id" status)" "interrupted" "point $point: manifest status"
  [ -n "$(manifest_field "$wh" "$id" ended_at)" ] || fail "point $point: the manifest has ended_at"
  audit="delta.\`$wh/_braid/audit\`"
  committed=$(($(commits_of "$wh" parts "$id") + $(commits_of "$wh" totals "$id")))
  expect_eq "$(q "$wh" "SELECT count(DISTINCT flow || '/' || task) FROM $audit WHERE run_id = '$id'")" "13" \
    "point $point: every task of the run has an audit row"
  expect_eq "$(q "$wh" "SELECT count(*) FROM $audit WHERE run_id = '$id'")" "13" "point $point: one row per task"
  expect_eq "$(q "$wh" "SELECT count(*) FROM $audit WHERE run_id = '$id' AND status = 'succeeded'")" "$committed" \
    "point $point: a succeeded row for each task that committed"
  expect_eq "$(q "$wh" "SELECT count(*) FROM $audit WHERE run_id = '$id' AND status = 'interrupted'")" "$((13 - committed))" \
    "point $point: an interrupted row for each task that did not"
  expect_eq "$("$braid" runs -w "$wh" --format csv | tail -n +2 | cut -d, -f1,3)" "$id,interrupted" "point $point: braid runs"

  "$braid" run "$dir/pipeline.toml" --resume "$id" > "$tmp/out" 2> "$tmp/err" ||
    fail "point $point: resume: $(tail -n 5 "$tmp/err")"
  expect_eq "$(q "$wh" "SELECT k, n, s FROM parts ORDER BY k" | tr '\n' ' ')" "$clean_parts" "point $point: parts after resume"
  expect_eq "$(q "$wh" "SELECT n, s FROM totals" | tr '\n' ' ')" "$clean_totals" "point $point: totals after resume"
  expect_eq "$(q "$wh" "SELECT count(*), count(DISTINCT flow || '/' || task) FROM $audit
    WHERE run_id = '$id' AND status = 'succeeded'" | tr '\n' ' ')" "13,13 " "point $point: one succeeded row per task"
  expect_eq "$(manifest_field "$wh" "$id" status)" "succeeded" "point $point: manifest after resume"
done
[ "$interrupted" -ge 3 ] || fail "only $interrupted of 5 runs were interrupted: make the pipeline slower"

# A second Ctrl-C ends the process at once: the run could not record its end, and `braid runs`
# shows it as stale (its lease names a process that is gone); a resume finishes it.
dir="$tmp/twice"
make_ticks "$dir" "$rows" 1
"$braid" run "$dir/pipeline.toml" --run-id twice > "$tmp/out" 2> "$tmp/err" &
pid=$!
while kill -0 "$pid" 2> /dev/null && [ "$(table_commits "$dir/warehouse/parts")" -lt 2 ]; do sleep 0.01; done
kill -INT "$pid" 2> /dev/null && kill -INT "$pid" 2> /dev/null || true
set +e
wait "$pid"; status=$?
set -e
if [ "$status" == 130 ]; then
  state=$("$braid" runs -w "$dir/warehouse" --format csv | tail -n +2 | cut -d, -f3)
  [ "$state" == stale ] || [ "$state" == interrupted ] || fail "after two Ctrl-C the run is stale or interrupted, not $state"
  "$braid" run "$dir/pipeline.toml" --resume twice > "$tmp/out" 2> "$tmp/err" || fail "resume after two Ctrl-C: $(tail -n 5 "$tmp/err")"
  expect_eq "$(q "$dir/warehouse" "SELECT k, n, s FROM parts ORDER BY k" | tr '\n' ' ')" "$clean_parts" "parts after two Ctrl-C and a resume"
else
  echo "note: the run ended before the second Ctrl-C (status $status)" >&2
fi
echo "run interrupt cli: ok"
