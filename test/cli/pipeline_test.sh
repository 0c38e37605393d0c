#!/usr/bin/env bash
# braid run / validate / audit on the regional_sales example: validation (and every problem of a
# broken file with its line), a dry run that writes nothing, a run whose report, summary, audit
# and target rows match what the data implies, a resume of a finished run that commits nothing,
# a run killed with SIGKILL and resumed (no row written twice, the same result as a clean run,
# one succeeded audit row per task, a lost audit row recovered), and argument errors. Issue 13:
# every commit of a run tagged with it, the audit's conflicts and wait_ms columns, a re-invoked
# run whose MERGEs changed nothing adds no audit row, an older run resumed after a newer one
# records the tasks the newer did as superseded, and a run stopped before its tasks is recorded
# and can be resumed. (pipeline_crash_test.sh kills runs at random points.)
# Usage: pipeline_test.sh PATH/TO/braid
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_command node "to parse JSON"

src="$source_dir/examples/regional_sales"
[ -f "$src/pipeline.toml" ] || fail "the example pipeline is not at $src"

# A folder with the example pipeline and its data (warehouse = "warehouse", next to the file).
make_example() {  # DIR ROWS
  mkdir -p "$1/warehouse"
  cp "$src/pipeline.toml" "$src/generate.sql" "$1/"
  "$braid" sql -w "$1/warehouse" -f "$1/generate.sql" --param rows="$2" 2> "$tmp/gen_err" ||
    fail "generate.sql rows=$2: $(cat "$tmp/gen_err")"
}

ex="$tmp/ex"
wh="$ex/warehouse"
make_example "$ex" 20000

# ---- 1. validate
out=$("$braid" validate "$ex/pipeline.toml" 2> "$tmp/err") || fail "validate of the example exits non-zero: $(cat "$tmp/err")"
grep -q ": ok" <<< "$out" || fail "validate prints ok: $out"

# A broken copy: an unknown key, a bad on_conflict, a syntax error in a stage, a depends_on that
# names no flow. Every problem is reported, each with the file's line.
mkdir -p "$tmp/broken"
sed -e 's/^name = "regional_sales"$/&\ncolour = "blue"/' \
    -e 's/^on_conflict = "retry"$/on_conflict = "sometimes"/' \
    -e "s/^WHERE region = :region AND status <> 'void'\$/WHERE region = :region AND AND status <> 'void'/" \
    -e 's/^depends_on = \["merge_region"\]$/depends_on = ["merge_regions"]/' \
    "$ex/pipeline.toml" > "$tmp/broken/pipeline.toml"
bf="$tmp/broken/pipeline.toml"
line_of() { grep -nF -- "$1" "$bf" | head -n 1 | cut -d: -f1; }
l_key=$(line_of 'colour = "blue"')
l_conflict=$(line_of 'on_conflict = "sometimes"')
l_stage=$(line_of 'stage = """')  # the first stage: merge_region's
l_syntax=$(line_of 'AND AND')
l_dep=$(line_of 'depends_on = ["merge_regions"]')
l_dep_flow=$(line_of '[flows.daily_totals]')
[ -n "$l_key" ] && [ -n "$l_conflict" ] && [ -n "$l_syntax" ] && [ -n "$l_dep" ] ||
  fail "the broken copy lacks an edit (has the example changed?): $(diff "$ex/pipeline.toml" "$bf" || true)"
set +e
"$braid" validate "$bf" > "$tmp/out" 2> "$tmp/err"; status=$?
set -e
expect_eq "$status" "1" "validate of a broken pipeline (stderr: $(cat "$tmp/err"))"
grep -q "pipeline.toml:$l_key:.*colour" "$tmp/err" || fail "unknown key not reported at line $l_key: $(cat "$tmp/err")"
grep -q "pipeline.toml:$l_conflict:.*on_conflict.*sometimes" "$tmp/err" ||
  fail "bad on_conflict not reported at line $l_conflict: $(cat "$tmp/err")"
# The stage's error: at the line of the stage key (with the line in the SQL) or at the line itself.
grep -qE "pipeline.toml:($l_stage|$l_syntax):.*merge_region\.stage" "$tmp/err" ||
  fail "stage syntax error not reported at line $l_stage or $l_syntax: $(cat "$tmp/err")"
# The missing flow: braid names the flow's table line (not the depends_on key's); either is accepted.
grep -qE "pipeline.toml:($l_dep|$l_dep_flow):.*merge_regions" "$tmp/err" ||
  fail "depends_on on a missing flow not reported at line $l_dep or $l_dep_flow: $(cat "$tmp/err")"

# ---- 2. dry run: the plan, nothing written
target_log_before=$(ls "$wh/target/_delta_log")
out=$("$braid" run "$ex/pipeline.toml" --dry-run 2> "$tmp/err") || fail "dry run exits non-zero: $(cat "$tmp/err")"
expect_eq "$(echo "$out" | grep -c 'task merge_region\[region=region-[0-9][0-9]\]')" "32" "dry run lists 32 merge_region tasks"
grep -qF 'merge_region[region=region-00]' <<< "$out" || fail "dry run task merge_region[region=region-00]: $out"
grep -qF 'daily_totals[' <<< "$out" || fail "dry run task daily_totals: $out"
grep -q "partitioned by region" <<< "$out" || fail "dry run names the partitioning: $out"
grep -q "0 pairs could conflict" <<< "$out" || fail "dry run: no pairs could conflict: $out"
[ ! -e "$wh/_braid/runs" ] || fail "dry run created $wh/_braid/runs"
[ ! -e "$wh/daily_totals" ] || fail "dry run created the daily_totals table"
expect_eq "$(ls "$wh/target/_delta_log")" "$target_log_before" "dry run leaves target/_delta_log unchanged"

# ---- 3. a run, its report, summary and rows
set +e
"$braid" run "$ex/pipeline.toml" --report "$tmp/r.json" --run-id first > "$tmp/out" 2> "$tmp/err"; status=$?
set -e
expect_eq "$status" "0" "run first (stderr: $(tail -n 5 "$tmp/err"))"
grep -q "^run first succeeded" "$tmp/out" || fail "summary line 'run first succeeded': $(cat "$tmp/out")"
[ -f "$wh/_braid/runs/first.json" ] || fail "run manifest $wh/_braid/runs/first.json"
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const bad = (m) => { console.error(m); process.exit(1); };
  if (r.status !== "succeeded") bad("status " + r.status);
  if (r.run_id !== "first") bad("run_id " + r.run_id);
  if (!Array.isArray(r.tasks) || r.tasks.length !== 33) bad("tasks: " + (r.tasks || []).length);
  const regions = r.tasks.filter((t) => t.flow === "merge_region").map((t) => t.task);
  if (new Set(regions).size !== 32) bad("merge_region tasks: " + regions.length);
  if (r.tasks.filter((t) => t.flow === "daily_totals").length !== 1) bad("no daily_totals task");
  const notOk = r.tasks.filter((t) => t.status !== "succeeded");
  if (notOk.length) bad("not succeeded: " + JSON.stringify(notOk[0]));
' "$tmp/r.json" 2> "$tmp/node_err" || fail "report r.json: $(cat "$tmp/node_err")"

# The target now holds every staged row (non-void, with a customer) and the rows it had: its
# version 1 (what generate.sql wrote) is a subset of the staged rows, so the count is the union's.
expect_eq "$(q "$wh" "SELECT count(*) FROM target VERSION AS OF 1")" \
  "$(q "$wh" "SELECT count(*) FROM sales WHERE txn_id % 5 < 2 AND customer_id IS NOT NULL AND status <> 'void'")" \
  "time travel to the target before the run"
expected=$(q "$wh" "SELECT count(*) FROM (SELECT txn_id FROM target VERSION AS OF 1
  UNION SELECT txn_id FROM sales WHERE status <> 'void' AND customer_id IS NOT NULL)")
expect_eq "$(q "$wh" "SELECT count(*) FROM target")" "$expected" "target rows after the run"
expect_eq "$(q "$wh" "SELECT count(DISTINCT txn_id) FROM target")" "$expected" "distinct txn_id in target"
expect_eq "$(q "$wh" "SELECT count(*) FROM (SELECT txn_id FROM target GROUP BY txn_id HAVING count(*) > 1)")" "0" \
  "no txn_id twice in target"
# Every amount is the staged one (the updated rows took the new quantity).
expect_eq "$(q "$wh" "SELECT sum(amount) FROM target")" \
  "$(q "$wh" "SELECT sum(CAST(round(quantity * unit_price * (1 - coalesce(CAST(discount AS DECIMAL(4,2)), 0)), 2) AS DECIMAL(18,2)))
      FROM sales WHERE status <> 'void' AND customer_id IS NOT NULL")" "sum of amount in target"
expect_eq "$(q "$wh" "SELECT count(*) FROM merge_region_quarantine")" \
  "$(q "$wh" "SELECT count(*) FROM sales WHERE status <> 'void' AND customer_id IS NULL")" "quarantined rows"

# ---- 4. audit
out=$("$braid" audit "$ex/pipeline.toml" --run first --format csv 2> "$tmp/err") || fail "audit --format csv: $(cat "$tmp/err")"
expect_eq "$(echo "$out" | wc -l)" "34" "audit csv lines (header + 33 tasks)"
expect_eq "$(echo "$out" | head -n 1 | cut -d, -f6)" "status" "audit csv column 6"
# run_id,pipeline,flow,task,attempt,status come first and hold no commas.
expect_eq "$(echo "$out" | tail -n +2 | cut -d, -f6 | sort -u)" "succeeded" "every audited status"
"$braid" audit "$ex/pipeline.toml" --run first --format jsonl > "$tmp/audit.jsonl" 2> "$tmp/err" ||
  fail "audit --format jsonl: $(cat "$tmp/err")"
node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter((l) => l.length);
  if (lines.length !== 33) { console.error("lines: " + lines.length); process.exit(1); }
  for (const l of lines) {
    let o;
    try { o = JSON.parse(l); } catch (e) { console.error("not JSON: " + l); process.exit(1); }
    if (o.run_id !== "first" || o.status !== "succeeded") { console.error("row: " + l); process.exit(1); }
  }
' "$tmp/audit.jsonl" 2> "$tmp/node_err" || fail "audit jsonl: $(cat "$tmp/node_err")"
# Every commit the run made names the run in its userMetadata: the target's, the quarantine
# table's (its creation too), the table its prepare statement created, the audit's.
tagged() {  # TABLE_DIR FIRST_VERSION RUN_ID
  "$braid" history -f jsonl "$1" > "$tmp/history.jsonl" 2> "$tmp/err" || fail "history of $1: $(cat "$tmp/err")"
  node -e '
    const [file, first, run] = process.argv.slice(1);
    const lines = require("fs").readFileSync(file, "utf8").split("\n").filter((l) => l.length);
    let n = 0;
    for (const l of lines) {
      const c = JSON.parse(l);
      if (c.version < Number(first)) continue;
      n++;
      let m = null;
      try { m = JSON.parse(c.userMetadata); } catch (e) {}
      if (!m || m.run_id !== run || !m.pipeline) { console.error("version " + c.version + " (" + c.operation + "): userMetadata " + c.userMetadata); process.exit(1); }
    }
    if (n === 0) { console.error("no commit from version " + first); process.exit(1); }
  ' "$tmp/history.jsonl" "$2" "$3" 2> "$tmp/node_err" || fail "untagged commit in $1: $(cat "$tmp/node_err")"
}
tagged "$wh/target" 2 first
tagged "$wh/merge_region_quarantine" 0 first
tagged "$wh/daily_totals" 0 first
tagged "$wh/_braid/audit" 0 first
expect_eq "$("$braid" audit "$ex/pipeline.toml" --run first --format csv | head -n 1 | tr ',' '\n' | tail -n 2 | tr '\n' ' ')" \
  "conflicts wait_ms " "the audit's last columns"
set +e
"$braid" audit --run nosuch -w "$wh" > "$tmp/out" 2> "$tmp/err"; status=$?
set -e
expect_eq "$status" "1" "audit of a run that does not exist"
grep -q "nosuch" "$tmp/err" || fail "audit of a missing run names it: $(cat "$tmp/err")"

# ---- 5. a resume of the finished run skips every task and commits nothing
target_log_before=$(ls "$wh/target/_delta_log")
audit_log_before=$(ls "$wh/_braid/audit/_delta_log")
set +e
"$braid" run "$ex/pipeline.toml" --resume first --report "$tmp/r2.json" > "$tmp/out" 2> "$tmp/err"; status=$?
set -e
expect_eq "$status" "0" "resume of a finished run (stderr: $(tail -n 5 "$tmp/err"))"
grep -q "^run first succeeded: 33 tasks (33 skipped)" "$tmp/out" || fail "resume summary: every task skipped: $(cat "$tmp/out")"
expect_eq "$(grep -cE '^(merge_region|daily_totals) .* skipped ' "$tmp/out")" "33" "skipped task lines in the summary"
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (r.tasks.length !== 33 || r.tasks.some((t) => t.status !== "skipped")) {
    console.error(JSON.stringify(r.tasks.map((t) => t.status))); process.exit(1);
  }
' "$tmp/r2.json" 2> "$tmp/node_err" || fail "resume report: $(cat "$tmp/node_err")"
expect_eq "$(ls "$wh/target/_delta_log")" "$target_log_before" "resume of a finished run: target/_delta_log unchanged"
expect_eq "$(ls "$wh/_braid/audit/_delta_log")" "$audit_log_before" "resume of a finished run: audit/_delta_log unchanged"

# ---- 5b. a run whose MERGEs change nothing (every row is there): they commit nothing, leave no
# txn marker, and yet a resume (or the same --run-id again) skips them: one audit row per task.
"$braid" run "$ex/pipeline.toml" --run-id second > "$tmp/out" 2> "$tmp/err" || fail "run second: $(tail -n 5 "$tmp/err")"
expect_eq "$(q "$wh" "SELECT count(*) FROM delta.\`$wh/_braid/audit\` WHERE run_id = 'second' AND flow = 'merge_region' AND target_version IS NULL")" \
  "32" "run second: merge_region tasks committed nothing"
audit_log_before=$(ls "$wh/_braid/audit/_delta_log")
for again in "--resume second" "--run-id second"; do
  # shellcheck disable=SC2086
  "$braid" run "$ex/pipeline.toml" $again > "$tmp/out" 2> "$tmp/err" || fail "run $again: $(tail -n 5 "$tmp/err")"
  grep -q "^run second succeeded: 33 tasks (33 skipped)" "$tmp/out" || fail "$again: every task skipped: $(tail -n 3 "$tmp/out")"
  expect_eq "$(ls "$wh/_braid/audit/_delta_log")" "$audit_log_before" "$again of a finished run: audit/_delta_log unchanged"
done
expect_eq "$(q "$wh" "SELECT count(*) FROM delta.\`$wh/_braid/audit\` WHERE run_id = 'second'")" "33" \
  "run second: one audit row per task after two re-invocations"

# ---- 6. SIGKILL in the middle of a run, then resume: the same result as a clean run
killed="$tmp/killed"
clean="$tmp/clean"
make_example "$killed" 400000
make_example "$clean" 400000  # generate.sql is deterministic: the same rows
"$braid" run "$clean/pipeline.toml" --run-id clean > "$tmp/clean_out" 2> "$tmp/err" ||
  fail "clean run: $(tail -n 5 "$tmp/err")"

ktarget="$killed/warehouse/target"
before=$(table_commits "$ktarget")
"$braid" run "$killed/pipeline.toml" --run-id killed --parallel 1 > "$tmp/killed_out" 2> "$tmp/killed_err" &
pid=$!
was_killed=0
deadline=$((SECONDS + 30))
while kill -0 "$pid" 2> /dev/null; do
  if [ "$(table_commits "$ktarget")" -ge $((before + 4)) ]; then
    kill -9 "$pid" 2> /dev/null && was_killed=1
    break
  fi
  [ "$SECONDS" -lt "$deadline" ] || { kill -9 "$pid" 2> /dev/null || true; fail "the run to kill made no progress in 30 s"; }
  sleep 0.05
done
wait "$pid" 2> /dev/null || true
if [ "$was_killed" == 1 ]; then
  [ -f "$killed/warehouse/_braid/runs/killed.json" ] || fail "the killed run has no manifest"
else
  echo "note: the run finished before it could be killed; resuming a finished run instead" >&2
fi

# The narrower crash window (a task's commit landed, its audit row did not), made deterministic:
# drop the audit table's newest commit when no checkpoint covers it, as if the process had died
# just before writing it. The resume must find that task's commit and record it as recovered.
alog="$killed/warehouse/_braid/audit/_delta_log"
simulated=0
newest=$(find "$alog" -maxdepth 1 -name '[0-9]*.json' | sort | tail -n 1)
if [ -n "$newest" ]; then
  v=$((10#$(basename "$newest" .json)))
  cp_version=-1
  [ -f "$alog/_last_checkpoint" ] && cp_version=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).version)' "$alog/_last_checkpoint")
  if [ "$v" -gt 0 ] && [ "$v" -gt "$cp_version" ] && [ ! -e "${newest%.json}.checkpoint.parquet" ]; then
    rm "$newest"
    simulated=1
  fi
fi
[ "$simulated" == 1 ] || echo "note: could not drop the newest audit commit; the recovered-row check is skipped" >&2

set +e
"$braid" run "$killed/pipeline.toml" --resume killed > "$tmp/resume_out" 2> "$tmp/resume_err"; status=$?
set -e
expect_eq "$status" "0" "resume of the killed run (stdout: $(tail -n 3 "$tmp/resume_out"); stderr: $(tail -n 5 "$tmp/resume_err"))"
grep -q "^run killed succeeded" "$tmp/resume_out" || fail "resume summary: $(tail -n 3 "$tmp/resume_out")"
kw="$killed/warehouse"
cw="$clean/warehouse"
expect_eq "$(q "$kw" "SELECT count(*) FROM (SELECT txn_id FROM target GROUP BY txn_id HAVING count(*) > 1)")" "0" \
  "killed+resumed: no txn_id twice in target"
expect_eq "$(q "$kw" "SELECT count(*) FROM target")" "$(q "$cw" "SELECT count(*) FROM target")" \
  "killed+resumed target rows == clean run's"
expect_eq "$(q "$kw" "SELECT sum(amount) FROM target")" "$(q "$cw" "SELECT sum(amount) FROM target")" \
  "killed+resumed sum(amount) == clean run's"
expect_eq "$(q "$kw" "SELECT count(*) FROM (SELECT txn_id, quantity, amount FROM target
  EXCEPT SELECT txn_id, quantity, amount FROM delta.\`$cw/target\`)")" "0" "killed+resumed rows missing from the clean run's"
expect_eq "$(q "$kw" "SELECT count(*) FROM merge_region_quarantine")" "$(q "$cw" "SELECT count(*) FROM merge_region_quarantine")" \
  "killed+resumed quarantined rows == clean run's (none quarantined twice)"
expect_eq "$(q "$kw" "SELECT count(*), sum(transactions), sum(amount) FROM daily_totals" | tr -d '\n')" \
  "$(q "$cw" "SELECT count(*), sum(transactions), sum(amount) FROM daily_totals" | tr -d '\n')" \
  "killed+resumed daily_totals == clean run's"
audit="delta.\`$kw/_braid/audit\`"
expect_eq "$(q "$kw" "SELECT count(DISTINCT task) FROM $audit
  WHERE run_id = 'killed' AND status = 'succeeded' AND flow = 'merge_region'")" "32" "killed run: succeeded merge_region tasks in the audit"
expect_eq "$(q "$kw" "SELECT count(*) FROM $audit
  WHERE run_id = 'killed' AND status = 'succeeded' AND flow = 'merge_region'")" "32" "killed run: one succeeded audit row per merge_region task"
expect_eq "$(q "$kw" "SELECT count(*) FROM $audit WHERE run_id = 'killed' AND status = 'succeeded' AND flow = 'daily_totals'")" "1" \
  "killed run: one succeeded daily_totals audit row"
if [ "$simulated" == 1 ]; then
  recovered=$(q "$kw" "SELECT count(*) FROM $audit WHERE run_id = 'killed' AND status = 'succeeded' AND error LIKE 'recovered on resume%'")
  [ "$recovered" -ge 1 ] || fail "the task whose audit row was lost is recorded as recovered on resume (got $recovered rows)"
fi

# ---- 7. argument errors
runs_before=$(ls "$wh/_braid/runs")
set +e
"$braid" run "$ex/pipeline.toml" --param bogus > "$tmp/out" 2> "$tmp/err"; status=$?
set -e
[ "$status" != "0" ] || fail "--param without '=' exits non-zero"
grep -q "bogus" "$tmp/err" || fail "--param without '=': the error names it: $(cat "$tmp/err")"
expect_eq "$(ls "$wh/_braid/runs")" "$runs_before" "--param without '=' starts no run"
set +e
"$braid" run "$tmp/nope/pipeline.toml" > "$tmp/out" 2> "$tmp/err"; status=$?
set -e
expect_eq "$status" "1" "a missing pipeline file"
grep -q "nope/pipeline.toml" "$tmp/err" || fail "a missing pipeline file is named: $(cat "$tmp/err")"
set +e
"$braid" run "$ex/pipeline.toml" --resume nosuch > "$tmp/out" 2> "$tmp/err"; status=$?
set -e
expect_eq "$status" "1" "--resume of a run that does not exist"
grep -q "nosuch" "$tmp/err" || fail "--resume of a missing run names it: $(cat "$tmp/err")"
grep -q -- "--run-id nosuch" "$tmp/err" || fail "--resume of a missing run says how to start it: $(cat "$tmp/err")"
# ---- 8. issue 13: an older run resumed after a newer one; a run stopped before its tasks
old="$tmp/old"
make_example "$old" 4000
ow="$old/warehouse"
cp "$old/pipeline.toml" "$old/pipeline.good"
# Run "older": region-07 fails an expectation, so daily_totals is skipped.
sed -e "s/^check = \"unit_price > 0\"\$/check = \"unit_price > 0 AND region <> 'REGION-07'\"/" "$old/pipeline.good" > "$old/pipeline.toml"
grep -q "REGION-07" "$old/pipeline.toml" || fail "the example's positive_price check changed: cannot break region-07"
set +e
"$braid" run "$old/pipeline.toml" --run-id older > "$tmp/out" 2> "$tmp/err"; status=$?
set -e
expect_eq "$status" "1" "run older (region-07 fails)"
cp "$old/pipeline.good" "$old/pipeline.toml"
"$braid" run "$old/pipeline.toml" --run-id newer > "$tmp/out" 2> "$tmp/err" || fail "run newer: $(tail -n 5 "$tmp/err")"
target_log_before=$(ls "$ow/target/_delta_log")
totals_log_before=$(ls "$ow/daily_totals/_delta_log")
"$braid" run "$old/pipeline.toml" --resume older > "$tmp/out" 2> "$tmp/err" || fail "resume older: $(tail -n 5 "$tmp/err")"
oaudit="delta.\`$ow/_braid/audit\`"
expect_eq "$(q "$ow" "SELECT count(*) FROM $oaudit WHERE run_id = 'older' AND status = 'succeeded'
  AND (task = 'region=region-07' OR flow = 'daily_totals')")" "0" "resume older: no succeeded row for tasks run newer did"
expect_eq "$(q "$ow" "SELECT count(*) FROM $oaudit WHERE run_id = 'older' AND status = 'skipped'
  AND error LIKE 'superseded: already committed by run newer%' AND (task = 'region=region-07' OR flow = 'daily_totals')")" "2" \
  "resume older: region-07 and daily_totals superseded by run newer"
grep -qE "^merge_region +region=region-07 +skipped .*superseded: already committed by run newer" "$tmp/out" ||
  fail "resume older: the summary says region-07 was superseded: $(cat "$tmp/out")"
expect_eq "$(ls "$ow/target/_delta_log")" "$target_log_before" "resume older: target/_delta_log unchanged"
expect_eq "$(ls "$ow/daily_totals/_delta_log")" "$totals_log_before" "resume older: daily_totals/_delta_log unchanged"

# A run whose source cannot be read stops before its tasks, but is recorded: it can be resumed.
sed -e 's|^path = "warehouse/sales" |path = "warehouse/sales_later" |' "$old/pipeline.good" > "$old/pipeline.toml"
grep -q "sales_later" "$old/pipeline.toml" || fail "the example's source path changed"
set +e
"$braid" run "$old/pipeline.toml" --run-id early > "$tmp/out" 2> "$tmp/err"; status=$?
set -e
expect_eq "$status" "1" "a run whose source is missing"
[ -f "$ow/_braid/runs/early.json" ] || fail "a run that stopped before its tasks has no run record"
node -e '
  const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (m.status !== "failed" || !/sales_later/.test(m.error || "")) { console.error(JSON.stringify(m)); process.exit(1); }
  if (!m.ended_at || m.ended_at < m.started_at) { console.error("ended_at: " + JSON.stringify(m)); process.exit(1); }
' "$ow/_braid/runs/early.json" 2> "$tmp/node_err" || fail "run record of early: $(cat "$tmp/node_err")"
"$braid" sql -w "$ow" "CREATE TABLE sales_later AS SELECT * FROM sales" > /dev/null 2> "$tmp/err" || fail "$(cat "$tmp/err")"
"$braid" run "$old/pipeline.toml" --resume early > "$tmp/out" 2> "$tmp/err" || fail "resume early: $(tail -n 5 "$tmp/err")"
grep -q "^run early succeeded" "$tmp/out" || fail "resume early: $(tail -n 3 "$tmp/out")"
echo "pipeline cli: ok"
