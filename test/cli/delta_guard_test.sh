#!/usr/bin/env bash
# Delta tables guarded end to end: delta.appendOnly honoured by `braid load`, partition overwrite
# (--overwrite-partitions), errors that name the file and the table, a damaged log read past
# with a warning (a truncated checkpoint, a stale _last_checkpoint), missing data files and
# vacuumed versions reported as such, and gaps in the log shown by `braid history`.
# Usage: delta_guard_test.sh PATH/TO/braid
set -euo pipefail
. "$(dirname "$0")/lib.sh"

printf 'id,region,qty\n1,EU,10\n2,US,20\n3,APAC,30\n' > "$tmp/a.csv"
printf 'id,region,qty\n4,EU,40\n5,EU,50\n' > "$tmp/eu.csv"

# --- delta.appendOnly: appends work, an overwrite is refused and leaves the table as it was.
t="$tmp/events"
"$braid" load "$t" "$tmp/a.csv" --property delta.appendOnly=true 2>/dev/null || fail "create append-only"
"$braid" load "$t" "$tmp/eu.csv" 2>/dev/null || fail "append to an append-only table"
before="$(tree_state "$t")"
"$braid" load "$t" "$tmp/eu.csv" --mode overwrite 2> "$tmp/err" && fail "overwrite of an append-only table succeeded"
grep -q "DELTA_CANNOT_MODIFY_APPEND_ONLY" "$tmp/err" || fail "append-only message: $(cat "$tmp/err")"
grep -q "delta.appendOnly=false" "$tmp/err" || fail "append-only hint: $(cat "$tmp/err")"
expect_eq "$(tree_state "$t")" "$before" "files after a refused overwrite"

# A property of an existing table is not silently dropped: --property only creates.
"$braid" load "$t" "$tmp/eu.csv" --property delta.appendOnly=false 2> "$tmp/err" && fail "--property on an existing table accepted"
grep -q "property" "$tmp/err" || fail "--property on an existing table: $(cat "$tmp/err")"
expect_eq "$(tree_state "$t")" "$before" "files after a refused --property"
"$braid" load "$tmp/bad" "$tmp/a.csv" --property delta.enableChangeDataFeed=true 2> "$tmp/err" && fail "CDF accepted"
grep -q "delta.enableChangeDataFeed" "$tmp/err" || fail "CDF refusal: $(cat "$tmp/err")"
if [ -d "$tmp/bad/_delta_log" ] && ls "$tmp/bad/_delta_log" | grep -q json; then fail "a refused load created a table"; fi

# --- --overwrite-partitions: only the partitions present in the input are replaced.
p="$tmp/sales"
"$braid" load "$p" "$tmp/a.csv" --partition-by region 2>/dev/null || fail "create partitioned"
"$braid" load "$p" "$tmp/eu.csv" --mode overwrite --overwrite-partitions 2> "$tmp/err" || fail "overwrite partitions: $(cat "$tmp/err")"
expect_eq "$(sorted_rows "$p" | tr '\n' ' ')" "2,US,20 3,APAC,30 4,EU,40 5,EU,50 " "rows after --overwrite-partitions"
"$braid" history "$p" --format csv | grep -q 'isDynamicPartitionOverwrite' || fail "history of a partition overwrite"
"$braid" load "$p" "$tmp/eu.csv" --overwrite-partitions 2> "$tmp/err" && fail "--overwrite-partitions with --mode append"
grep -q -- "--overwrite-partitions" "$tmp/err" || fail "--overwrite-partitions without overwrite: $(cat "$tmp/err")"
"$braid" load "$tmp/plain" "$tmp/a.csv" 2>/dev/null || fail "create plain"
"$braid" load "$tmp/plain" "$tmp/a.csv" --mode overwrite --overwrite-partitions 2> "$tmp/err" && fail "--overwrite-partitions on an unpartitioned table"
grep -q "not partitioned" "$tmp/err" || fail "--overwrite-partitions unpartitioned: $(cat "$tmp/err")"

# --- A type mismatch names the input file and the table, the right way round.
printf 'id,region,qty\n9,EU,lots\n' > "$tmp/text.csv"
"$braid" load "$p" "$tmp/text.csv" 2> "$tmp/err" && fail "a STRING qty loaded into an INT column"
grep -q "column 'qty' is STRING in $tmp/text.csv but [A-Z]*INT in table $p" "$tmp/err" ||
  fail "type mismatch message: $(cat "$tmp/err")"

# --- VACUUM's refusal names the flag the CLI has.
"$braid" vacuum "$p" --retain 0 2> "$tmp/err" && fail "vacuum --retain 0 without --force"
grep -q -- "--force" "$tmp/err" || fail "vacuum hint: $(cat "$tmp/err")"
grep -q "pass force" "$tmp/err" && fail "vacuum hint names a flag that does not exist: $(cat "$tmp/err")"

# --- A truncated checkpoint: the commits are all there, so the table is read from them, with a
# warning naming the bad file; a _last_checkpoint pointing at a missing checkpoint is a hint only.
c="$tmp/ck"
for i in $(seq 1 12); do printf 'id,region,qty\n%d,EU,%d\n' "$i" "$i" > "$tmp/r$i.csv"; done
"$braid" load "$c" "$tmp/r1.csv" 2>/dev/null
for i in $(seq 2 12); do "$braid" load "$c" "$tmp/r$i.csv" 2>/dev/null; done
ck="$c/_delta_log/00000000000000000010.checkpoint.parquet"
[ -f "$ck" ] || fail "no checkpoint at version 10: $(ls "$c/_delta_log")"
expected="$(sorted_rows "$c")"
head -c 40 "$ck" > "$tmp/trunc" && cp "$tmp/trunc" "$ck"
got="$(sorted_rows "$c" 2> "$tmp/err")" || fail "truncated checkpoint: $(cat "$tmp/err")"
expect_eq "$got" "$expected" "rows with a truncated checkpoint"
grep -q "warning" "$tmp/err" || fail "no warning for a truncated checkpoint: $(cat "$tmp/err")"
grep -q "00000000000000000010.checkpoint.parquet" "$tmp/err" || fail "warning does not name the checkpoint: $(cat "$tmp/err")"
printf '{"version":30,"size":4}' > "$c/_delta_log/_last_checkpoint"
got="$(sorted_rows "$c" 2> "$tmp/err")" || fail "stale _last_checkpoint: $(cat "$tmp/err")"
expect_eq "$got" "$expected" "rows with a stale _last_checkpoint"

# --- A data file the log references but that is gone is named with the version.
m="$tmp/missing"
"$braid" load "$m" "$tmp/a.csv" 2>/dev/null
gone="$(ls "$m" | grep '\.parquet$' | head -1)"
rm "$m/$gone"
"$braid" cat "$m" 2> "$tmp/err" && fail "reading a table with a missing file succeeded"
grep -q "the log at version 0 references $gone, which does not exist: was it vacuumed or deleted by hand?" "$tmp/err" ||
  fail "missing file message: $(cat "$tmp/err")"

# --- A version whose files VACUUM removed says so.
v="$tmp/vac"
"$braid" load "$v" "$tmp/a.csv" 2>/dev/null
"$braid" load "$v" "$tmp/eu.csv" --mode overwrite 2>/dev/null
sleep 0.01
"$braid" vacuum "$v" --retain 0 --force > /dev/null 2>&1 || fail "vacuum"
"$braid" cat "$v" --version 0 2> "$tmp/err" && fail "reading a vacuumed version succeeded"
grep -q "version 0's files were removed by VACUUM" "$tmp/err" || fail "vacuumed version message: $(cat "$tmp/err")"
"$braid" history "$v" --format csv | grep -q "VACUUM END" || fail "VACUUM is not in the history"

# --- braid history shows a hole in the log as a gap.
h="$tmp/hole"
for i in 1 2 3 4 5; do "$braid" load "$h" "$tmp/r$i.csv" 2>/dev/null; done
rm "$h/_delta_log/00000000000000000002.json" "$h/_delta_log/00000000000000000003.json"
hist="$("$braid" history "$h" --format csv 2> "$tmp/err")" || fail "history with a hole: $(cat "$tmp/err")"
grep -q "versions 2 to 3 are missing from the log" <<<"$hist" || fail "history hides the gap: $hist"
echo "delta guard: ok"
