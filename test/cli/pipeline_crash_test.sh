#!/usr/bin/env bash
# braid run killed with SIGKILL at random points, then resumed (issue 13). A small pipeline of 8
# tasks (6 MERGEs with a quarantine expectation, one INSERT that appends, one INSERT OVERWRITE
# into a table its prepare statement creates) runs in a fraction of a second; each iteration
# copies a fresh warehouse, kills the run after a random delay (sometimes kills the resume too),
# resumes it, and checks against a clean run: the tables' rows (the appended and quarantined rows
# not doubled), exactly one `succeeded` audit row per task and no attempt number twice, every
# commit of every table readable and tagged with the run, and the run recorded as succeeded.
# A run killed before it recorded itself must have written nothing; it is started again with
# --run-id.
# Iterations: BRAID_CRASH_ITERATIONS (default 20; a nightly run sets more); BRAID_CRASH_SEED
# repeats a sequence of delays.
# Usage: pipeline_crash_test.sh PATH/TO/braid
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_command node "to read the Delta logs"
iterations="${BRAID_CRASH_ITERATIONS:-20}"
seed="${BRAID_CRASH_SEED:-$(( $(date +%s) % 32768 ))}"
RANDOM=$seed
echo "pipeline crash test: $iterations iterations, seed $seed (BRAID_CRASH_SEED=$seed repeats them)" >&2

cat > "$tmp/pipeline.toml" << 'EOF'
[pipeline]
name = "crash"
warehouse = "wh"
parallelism = 3

[sources.rows]
path = "wh/src"

[flows.merge_k]
for_each = "SELECT DISTINCT k FROM rows ORDER BY k"
stage = "SELECT id, k, v, c FROM rows WHERE k = :k"
merge = """
MERGE INTO target AS t USING staged AS s ON t.id = s.id AND t.k = s.k
WHEN MATCHED AND t.v <> s.v THEN UPDATE SET v = s.v
WHEN NOT MATCHED THEN INSERT (id, k, v) VALUES (s.id, s.k, s.v)
"""
guard = "k = :k"

[[flows.merge_k.expect]]
name = "has_c"
check = "c IS NOT NULL"
action = "quarantine"

[flows.append_events]
stage = "SELECT id, v FROM rows WHERE id % 10 = 0"
merge = "INSERT INTO events SELECT * FROM staged"

[flows.totals]
depends_on = ["merge_k"]
prepare = "CREATE TABLE IF NOT EXISTS totals (k BIGINT, n BIGINT, v BIGINT) USING DELTA"
stage = "SELECT k, count(*) AS n, sum(v) AS v FROM target GROUP BY k"
merge = "INSERT OVERWRITE totals SELECT * FROM staged"
EOF

# The warehouse every iteration starts from: the source, a target holding some rows with other
# values (so MERGEs update), an empty table to append to.
template="$tmp/template"
mkdir -p "$template/wh"
cat > "$tmp/template.sql" << 'EOF'
CREATE TABLE src AS SELECT id, id % 6 AS k, id * 3 AS v, CASE WHEN id % 97 = 5 THEN NULL ELSE id END AS c FROM range(3000);
CREATE TABLE target (id BIGINT, k BIGINT, v BIGINT) USING DELTA PARTITIONED BY (k);
INSERT INTO target SELECT id, k, v + 1 FROM src WHERE id % 7 = 0;
CREATE TABLE events (id BIGINT, v BIGINT) USING DELTA;
EOF
"$braid" sql -w "$template/wh" -f "$tmp/template.sql" > /dev/null 2> "$tmp/err" || fail "making the template: $(cat "$tmp/err")"
cp "$tmp/pipeline.toml" "$template/"
template_target=$(find "$template/wh/target/_delta_log" -name '*.json' | wc -l)  # versions before any run
template_events=$(find "$template/wh/events/_delta_log" -name '*.json' | wc -l)

# Everything a run leaves, as sorted lines: the tables' rows, one line per task with its number of
# succeeded audit rows, and how many (flow, task, attempt) appear more than once.
cat > "$tmp/dump.sql" << 'EOF'
SELECT line FROM (
  SELECT concat('target,', id, ',', k, ',', v) AS line FROM target
  UNION ALL SELECT concat('events,', id, ',', v) FROM events
  UNION ALL SELECT concat('totals,', k, ',', n, ',', v) FROM totals
  UNION ALL SELECT concat('quarantine,', id, ',', _task, ',', _run_id) FROM merge_k_quarantine
  UNION ALL SELECT concat('succeeded rows,', flow, ',', task, ',', count(*)) FROM delta.`_braid/audit`
    WHERE run_id = 'crash' AND status = 'succeeded' GROUP BY flow, task
  UNION ALL SELECT concat('repeated attempts,', count(*)) FROM (SELECT flow, task, attempt FROM delta.`_braid/audit`
    WHERE run_id = 'crash' GROUP BY flow, task, attempt HAVING count(*) > 1)
) ORDER BY line
EOF
dump() {  # DIR OUT
  (cd "$1/wh" && "$braid" sql -w . --format csv -f "$tmp/dump.sql") > "$2" 2> "$tmp/err" ||
    fail "reading the tables of $1: $(cat "$tmp/err")"
}

# Every commit file of every table parses, versions have no holes, and every commit made by the
# run names it in userMetadata (run_id, pipeline; flow and task but for the audit's). Prints a
# query that reads every version of every table, for braid to prove them readable.
cat > "$tmp/logs.js" << 'EOF'
const fs = require("fs");
const [wh, templateTarget, templateEvents] = process.argv.slice(2);
const tables = { target: Number(templateTarget), events: Number(templateEvents), totals: 0,
                 merge_k_quarantine: 0, "_braid/audit": 0 };
const reads = [];
for (const [table, first] of Object.entries(tables)) {
  const dir = `${wh}/${table}/_delta_log`;
  const versions = fs.readdirSync(dir).filter((f) => /^\d{20}\.json$/.test(f)).map((f) => Number(f.slice(0, 20))).sort((a, b) => a - b);
  versions.forEach((v, i) => { if (v !== i) { console.error(`${table}: version ${i} is missing (have ${versions})`); process.exit(1); } });
  for (const v of versions) {
    const text = fs.readFileSync(`${dir}/${String(v).padStart(20, "0")}.json`, "utf8");
    let info = null;
    for (const line of text.split("\n").filter((l) => l.length)) {
      let action;
      try { action = JSON.parse(line); } catch (e) { console.error(`${table} version ${v}: not JSON: ${line}`); process.exit(1); }
      if (action.commitInfo) info = action.commitInfo;
    }
    if (v >= first) {
      let m = null;
      try { m = JSON.parse(info.userMetadata); } catch (e) {}
      const taskLevel = table !== "_braid/audit";
      if (!m || m.run_id !== "crash" || m.pipeline !== "crash" || (taskLevel && (m.flow === undefined || m.task === undefined))) {
        console.error(`${table} version ${v} (${info && info.operation}) is not tagged with the run: ${info && info.userMetadata}`);
        process.exit(1);
      }
    }
    reads.push(`SELECT '${table}@${v}' AS version, count(*) AS n FROM delta.\`${table}\` VERSION AS OF ${v}`);
  }
}
console.log(reads.join("\nUNION ALL ") + ";");
EOF
check_logs() {  # DIR
  node "$tmp/logs.js" "$1/wh" "$template_target" "$template_events" > "$tmp/versions.sql" 2> "$tmp/node_err" ||
    fail "$2: $(cat "$tmp/node_err")"
  (cd "$1/wh" && "$braid" sql -w . --format csv -f "$tmp/versions.sql") > /dev/null 2> "$tmp/err" ||
    fail "$2: a version of a table cannot be read: $(cat "$tmp/err")"
}

# The clean run: what every killed and resumed run must end with.
clean="$tmp/clean"
cp -r "$template" "$clean"
start_ns=$(date +%s%N)
"$braid" run "$clean/pipeline.toml" --run-id crash > "$tmp/out" 2> "$tmp/err" || fail "the clean run: $(tail -n 5 "$tmp/err")"
clean_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
dump "$clean" "$tmp/clean.csv"
grep -c '^"succeeded rows,.*,1"$' "$tmp/clean.csv" | grep -qx 8 || fail "the clean run: 8 tasks with one succeeded row: $(grep succeeded "$tmp/clean.csv")"
check_logs "$clean" "the clean run"
# Kills land anywhere from the process's start to about the clean run's end.
window_ms=$(( clean_ms + 5 ))

# A random delay in ms; one in ten is 0 (a kill in the process's first milliseconds, before it
# recorded itself). Drawn here, not in a subshell, so BRAID_CRASH_SEED repeats the sequence.
pick_delay() {
  delay_ms=$(( RANDOM % window_ms ))
  [ $((RANDOM % 10)) != 0 ] || delay_ms=0
}
# Starts braid run, kills it after DELAY_MS and waits for it.
run_killed() {  # DIR DELAY_MS ARGS...
  local dir="$1" delay_ms="$2"; shift 2
  "$braid" run "$dir/pipeline.toml" "$@" > "$dir/killed_out" 2> "$dir/killed_err" &
  local pid=$!
  [ "$delay_ms" == 0 ] || sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -9 "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
}

recorded=0 unrecorded=0 finished=0 double=0
for i in $(seq 1 "$iterations"); do
  dir="$tmp/run$i"
  cp -r "$template" "$dir"
  pick_delay
  run_killed "$dir" "$delay_ms" --run-id crash
  what="iteration $i (killed after ${delay_ms} ms of ${clean_ms})"
  if [ ! -f "$dir/wh/_braid/runs/crash.json" ]; then
    # Killed before it recorded itself: it must have written nothing, and says how to start it.
    unrecorded=$((unrecorded + 1))
    [ "$(find "$dir/wh/target/_delta_log" -name '*.json' | wc -l)" == "$template_target" ] || fail "$what: no run record, but the target has new commits"
    [ ! -e "$dir/wh/_braid/audit" ] || fail "$what: no run record, but an audit table"
    set +e
    "$braid" run "$dir/pipeline.toml" --resume crash > "$tmp/out" 2> "$tmp/err"; status=$?
    set -e
    [ "$status" == 1 ] && grep -q -- "--run-id crash" "$tmp/err" || fail "$what: --resume of an unrecorded run: status $status: $(cat "$tmp/err")"
    resume=(--run-id crash)
  else
    recorded=$((recorded + 1))
    if grep -q '"status":"succeeded"' "$dir/wh/_braid/runs/crash.json"; then
      # Killed too late: runs here are often faster than the clean one was; aim earlier.
      finished=$((finished + 1))
      window_ms=$(( window_ms * 9 / 10 + 1 ))
    fi
    resume=(--resume crash)
  fi
  # Every fourth iteration the resume is killed too, then resumed again.
  if [ $((i % 4)) == 0 ]; then
    pick_delay
    run_killed "$dir" "$delay_ms" "${resume[@]}"
    what="$what (its resume killed after ${delay_ms} ms)"
    double=$((double + 1))
    [ -f "$dir/wh/_braid/runs/crash.json" ] && resume=(--resume crash)
  fi
  "$braid" run "$dir/pipeline.toml" "${resume[@]}" > "$tmp/out" 2> "$tmp/err" ||
    fail "$what: ${resume[*]} exits non-zero: $(tail -n 12 "$tmp/out") $(tail -n 5 "$tmp/err")"
  grep -q "^run crash succeeded" "$tmp/out" || fail "$what: ${resume[*]}: $(tail -n 3 "$tmp/out")"
  grep -q '"status":"succeeded"' "$dir/wh/_braid/runs/crash.json" || fail "$what: the run record: $(cat "$dir/wh/_braid/runs/crash.json")"
  dump "$dir" "$tmp/got.csv"
  diff "$tmp/clean.csv" "$tmp/got.csv" > "$tmp/diff" ||
    fail "$what: the result differs from the clean run's (< clean, > killed and resumed):
$(head -n 20 "$tmp/diff")
killed run's log: $(tail -n 5 "$dir/killed_err")"
  check_logs "$dir" "$what"
  rm -rf "$dir"
done
echo "pipeline crash: ok ($recorded killed after recording themselves ($finished of them had finished), $unrecorded before; $double resumes killed too)"
