#!/usr/bin/env bash
# braid sql --memory-limit, measured by the operating system: every statement shape (scan,
# filter, project, aggregate, join, sort, top-N, window, distinct, union, range, CSV and Parquet
# scans, CTAS, INSERT, MERGE) either succeeds or fails with the limit error, never with a kill,
# and the process's peak resident memory (wait4's ru_maxrss, via /usr/bin/time) stays under the
# limit plus the program's own baseline plus a fixed allowance for what no tracker counts (code,
# thread stacks, allocator slack, the readers' read-ahead). Streaming shapes must succeed.
# Usage: memory_test.sh PATH/TO/braid
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ -x /usr/bin/time ] || skip_test "/usr/bin/time is not installed (scripts/install-deps installs it)"
wh="$tmp/wh"
mkdir -p "$wh"

limit_mb=64
# What no tracker counts: allocator slack, thread stacks, the CSV reader's blocks (the Parquet
# reader counts its column chunks, decompressed pages and dictionaries). It grows with the
# read-ahead, which grows with the threads: two, as on the smallest machines that run this.
allowance_mb=40
export BRAID_THREADS=2

# Peak RSS in KiB of one `braid sql` run; its exit status and stderr are left in $tmp/status and
# $tmp/err. Rows are printed as CSV: the table format lays out every row before printing any.
run() {
  set +e
  /usr/bin/time -f "%M" -o "$tmp/rss" "$braid" sql -w "$wh" --memory-limit "${limit_mb}MB" --format csv "$1" > /dev/null 2> "$tmp/err"
  echo $? > "$tmp/status"
  set -e
  tail -n 1 "$tmp/rss"
}

# The program's own footprint: a statement that holds nothing.
baseline_kb=$(run "SELECT 1")
[ "$(cat "$tmp/status")" == "0" ] || fail "SELECT 1: $(cat "$tmp/err")"
bound_kb=$((baseline_kb + (limit_mb + allowance_mb) * 1024))

# Data a few times the limit: 1M rows of about 70 bytes in a Delta table of 20 files (a file is
# the unit the scan decodes, a few ahead), and a 40 MB CSV file.
"$braid" sql -w "$wh" "CREATE TABLE big (id BIGINT, v BIGINT, pad STRING) USING DELTA" 2> /dev/null
inserts=""
for f in $(seq 0 19); do
  inserts+="INSERT INTO big SELECT id, id * 7919 % 1000003, concat('pad-', CAST(id AS STRING), '-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx') FROM range($((f * 50000)), $(((f + 1) * 50000)));"
done
"$braid" sql -w "$wh" "$inserts" 2> /dev/null
awk 'BEGIN { print "id,v,pad"; for (i = 0; i < 800000; i++) printf "%d,%d,pad-%d-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", i, (i * 7919) % 1000003, i }' > "$tmp/big.csv"
parquet=$(find "$wh/big" -name '*.parquet' | head -n 1)

# shape | must succeed (ok) or may fail with the limit error (any) | SQL
shapes=(
  "scan|any|SELECT * FROM big"
  "filter|ok|SELECT * FROM big WHERE id % 1000 = 7"
  "project|any|SELECT id * 2, upper(pad) FROM big"
  "aggregate|ok|SELECT id % 100 AS k, count(*), sum(v), max(v) FROM big GROUP BY id % 100"
  "aggregate-distinct|any|SELECT count(DISTINCT pad) FROM big"
  "join|any|SELECT count(*) FROM big a JOIN big b ON a.id = b.id"
  "join-small|ok|SELECT count(*) FROM big a JOIN (SELECT id FROM range(100)) b ON a.id = b.id"
  "sort|any|SELECT * FROM big ORDER BY v DESC"
  "top-n|ok|SELECT * FROM big ORDER BY v DESC, id LIMIT 10"
  "window|any|SELECT id, row_number() OVER (PARTITION BY id % 10 ORDER BY v) AS r FROM big"
  "distinct|ok|SELECT DISTINCT id % 1000 FROM big"
  "distinct-wide|any|SELECT DISTINCT pad FROM big"
  "union|ok|SELECT count(*) FROM (SELECT id FROM big UNION ALL SELECT id FROM range(3000000))"
  "union-rows|any|SELECT * FROM big UNION ALL SELECT * FROM big"
  "range-count|ok|SELECT count(*), sum(id) FROM range(50000000)"
  "range-filter|ok|SELECT count(*) FROM range(30000000) WHERE id % 3 = 0"
  "range-rows|any|SELECT * FROM range(1000000000)"
  "range-top-n|ok|SELECT id FROM range(10000000) ORDER BY id % 1000003 DESC LIMIT 10"
  "range-limit|ok|SELECT * FROM range(1000000000) LIMIT 5"
  "csv-count|ok|SELECT count(*), max(v) FROM read_csv('$tmp/big.csv')"
  "csv-rows|any|SELECT * FROM read_csv('$tmp/big.csv')"
  "parquet-filter|ok|SELECT count(*) FROM read_parquet('$parquet') WHERE v < 1000"
  "ctas|any|CREATE TABLE copy AS SELECT * FROM big"
  "insert|ok|CREATE TABLE few AS SELECT * FROM big WHERE id < 1000; INSERT INTO few SELECT * FROM big WHERE id % 5000 = 1"
  "merge|any|MERGE INTO big t USING (SELECT id, 0 AS v, 'merged' AS pad FROM range(0, 1000000, 1000)) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET *"
)

for entry in "${shapes[@]}"; do
  IFS='|' read -r name expect sql <<< "$entry"
  rss_kb=$(run "$sql")
  status=$(cat "$tmp/status")
  if [ "$status" != "0" ]; then
    [ "$expect" == "any" ] || fail "$name must succeed under ${limit_mb}MB (exit $status): $(cat "$tmp/err")"
    [ "$status" == "1" ] || fail "$name: exit status $status (killed?): $(cat "$tmp/err")"
    grep -q "memory limit of session (${limit_mb}.0 MiB) exceeded" "$tmp/err" ||
      fail "$name failed with another error than the limit: $(cat "$tmp/err")"
  fi
  [ "$rss_kb" -le "$bound_kb" ] ||
    fail "$name: peak RSS $((rss_kb / 1024)) MiB > ${limit_mb} MiB limit + $((baseline_kb / 1024)) MiB baseline + ${allowance_mb} MiB"
  echo "$name: exit $status, peak RSS $((rss_kb / 1024)) MiB"
done

# --timer reports range()'s memory (it used to count as nothing), and a result over the limit
# fails with the limit error after the statements before it printed their rows.
"$braid" sql -w "$wh" --memory-limit "${limit_mb}MB" --timer --format csv "SELECT count(*) AS n FROM range(1000);
SELECT max(id) AS m FROM range(2000000);
SELECT * FROM range(100000000)" > "$tmp/out" 2> "$tmp/err" && fail "a result of 100M rows fit in ${limit_mb}MB"
grep -q "memory limit of session (${limit_mb}.0 MiB) exceeded" "$tmp/err" || fail "limit error: $(cat "$tmp/err")"
[ "$(tr '\n' ' ' < "$tmp/out")" == "n 1000 m 1999999 " ] || fail "rows before the failure: $(cat "$tmp/out")"
grep -Eq "^line 2: time [0-9.]+ s, peak memory [1-9][0-9.]* MiB$" "$tmp/err" ||
  fail "--timer peak of a scan of range(2000000) (at least a batch of 512 KiB): $(cat "$tmp/err")"
echo "ok"
