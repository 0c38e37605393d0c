#!/usr/bin/env bash
# braid load / cat / describe / history / vacuum / optimize on Delta tables, including several
# `braid load` processes racing to create and append to one table, and loads killed mid-write.
# Usage: delta_cli_test.sh PATH/TO/braid
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Eight CSV files of 50 rows each, ids unique across files, regions with characters that need
# escaping in partition folder names.
for f in 0 1 2 3 4 5 6 7; do
  {
    echo "id,region,amount"
    for i in $(seq 0 49); do
      case $((i % 3)) in 0) r="north";; 1) r="south west";; 2) r="a=b/c";; esac
      echo "$((f * 1000 + i)),$r,$i.5"
    done
  } > "$tmp/part$f.csv"
done

# --- Eight processes load into one table that does not exist yet: one creates it, the others
# append (to the winner's table), nothing is lost and versions are 0..7.
table="$tmp/sales"
pids=()
for f in 0 1 2 3 4 5 6 7; do
  "$braid" load "$table" "$tmp/part$f.csv" --partition-by region 2> "$tmp/load$f.err" &
  pids+=($!)
done
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || fail "load $i failed: $(cat "$tmp/load$i.err")"
done
expect_eq "$(row_count "$table")" "400" "rows after concurrent loads"
expect_eq "$("$braid" cat "$table" --format csv --columns id | tail -n +2 | sort -u | wc -l)" "400" "unique ids"
expect_eq "$(ls "$table/_delta_log" | grep -c '^[0-9]\{20\}\.json$')" "8" "commit files"
history="$("$braid" history "$table" --format csv)"
expect_eq "$(tail -n +2 <<<"$history" | wc -l)" "8" "history entries"
grep -q "CREATE TABLE AS SELECT" <<<"$history" || fail "history has no create: $history"
expect_eq "$(grep -c "WRITE" <<<"$history")" "7" "appends in history"
ls "$table" | grep -q '^region=a%3Db%2Fc$' || fail "partition folder not escaped: $(ls "$table")"
got="$("$braid" cat "$table" --format csv --columns region | tail -n +2 | sort | uniq -c | awk '{print $1}' | tr '\n' ' ')"
expect_eq "$got" "128 136 136 " "rows per region"

# Time travel: version 0 has one file's rows.
expect_eq "$("$braid" cat "$table" --version 0 --format csv | tail -n +2 | wc -l)" "50" "version 0"
"$braid" cat "$table" --version 99 2> "$tmp/err" && fail "reading a missing version succeeded"
grep -qi "version 99" "$tmp/err" || fail "missing version error: $(cat "$tmp/err")"

# describe names partition columns, protocol, files.
desc="$("$braid" describe "$table")"
grep -q "region" <<<"$desc" || fail "describe: $desc"
grep -qi "partition" <<<"$desc" || fail "describe partitions: $desc"

# --mode error refuses an existing table; a mismatched file is named in the error.
"$braid" load "$table" "$tmp/part0.csv" --mode error 2> "$tmp/err" && fail "--mode error appended"
grep -q "already a Delta table" "$tmp/err" || fail "mode error message: $(cat "$tmp/err")"
printf 'id,other\n1,2\n' > "$tmp/wrong.csv"
"$braid" load "$table" "$tmp/wrong.csv" 2> "$tmp/err" && fail "loading a file with other columns succeeded"
grep -q "wrong.csv" "$tmp/err" || fail "schema mismatch message does not name the file: $(cat "$tmp/err")"
"$braid" load "$table" "$tmp/part0.csv" --mode sideways 2> "$tmp/err" && fail "bad --mode accepted"
grep -q "mode" "$tmp/err" || fail "bad mode message: $(cat "$tmp/err")"
"$braid" cat "$tmp/no-such-table" 2> "$tmp/err" && fail "cat of a missing path succeeded"
grep -q "no-such-table" "$tmp/err" || fail "missing table message: $(cat "$tmp/err")"

# OPTIMIZE compacts the small files of each partition into one; rows are unchanged.
before="$(sorted_rows "$table" | md5sum)"
"$braid" optimize "$table" > /dev/null 2>&1 || fail "optimize"
after="$(sorted_rows "$table" | md5sum)"
expect_eq "$after" "$before" "rows after optimize"
for d in "$table"/region=*; do
  expect_eq "$(ls "$d" | grep -c '\.parquet$')" "9" "files in $d before vacuum (8 compacted + 1 new)"
done

# VACUUM: the default retention refuses nothing but deletes nothing yet; an unsafe retention is
# refused without --force... the dry run lists the 8 compacted files per partition.
"$braid" vacuum "$table" --retain 0 --dry-run 2> "$tmp/err" && fail "vacuum --retain 0 without force ran"
grep -qi "retention" "$tmp/err" || fail "vacuum refusal message: $(cat "$tmp/err")"
dry="$("$braid" vacuum "$table" --retain 0 --dry-run --force 2>/dev/null)"
expect_eq "$(grep -c '\.parquet' <<<"$dry")" "24" "files listed by the dry run"
for d in "$table"/region=*; do expect_eq "$(ls "$d" | grep -c '\.parquet$')" "9" "dry run deleted nothing"; done
"$braid" vacuum "$table" --retain 0 --force > /dev/null 2>&1 || fail "vacuum"
for d in "$table"/region=*; do expect_eq "$(ls "$d" | grep -c '\.parquet$')" "1" "files after vacuum in $d"; done
expect_eq "$(sorted_rows "$table" | md5sum)" "$before" "rows after vacuum"

# A new unpartitioned table in a folder that does not exist yet.
"$braid" load "$tmp/new/nested/plain" "$tmp/part1.csv" 2>/dev/null || fail "load into a new folder"
expect_eq "$(row_count "$tmp/new/nested/plain")" "50" "rows of a new unpartitioned table"

# --- Loads killed at random moments: the table always opens and holds whole loads only.
big="$tmp/big.csv"
{ echo "id,region,amount"; seq 1 200000 | awk '{print $1 ",r" ($1 % 5) "," $1 ".25"}'; } > "$big"
crash="$tmp/crash"
"$braid" load "$crash" "$tmp/part0.csv" --partition-by region 2>/dev/null
for i in $(seq 1 8); do
  "$braid" load "$crash" "$big" 2>/dev/null &
  pid=$!
  sleep "$(printf '0.%03d' $((RANDOM % 200)))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  n="$(row_count "$crash")" || fail "table unreadable after a killed load"
  [ $(( (n - 50) % 200000 )) -eq 0 ] || fail "a killed load left a partial commit: $n rows"
done
"$braid" vacuum "$crash" --retain 0 --force > /dev/null 2>&1 || fail "vacuum after crashes"
n_after="$(row_count "$crash")"
expect_eq "$n_after" "$n" "rows after vacuuming the crashed loads' files"
echo "delta cli: ok ($(( (n - 50) / 200000 )) of 8 killed loads had committed)"
