#!/usr/bin/env bash
# braid sql: statements from the command line and from a file, output formats, parameters,
# messages on stderr for DDL/DML, and the first failing statement stopping the run with its
# line:column in the script.
# Usage: sql_test.sh PATH/TO/braid
set -euo pipefail
. "$(dirname "$0")/lib.sh"
wh="$tmp/wh"
mkdir -p "$wh"

# A query prints rows; DDL/DML print nothing on stdout and one line each on stderr.
out=$("$braid" sql -w "$wh" --format csv "CREATE TABLE t (id INT, region STRING) USING DELTA PARTITIONED BY (region);
  INSERT INTO t VALUES (1, 'eu'), (2, 'us'), (3, 'eu');
  SELECT region, count(*) AS n FROM t GROUP BY region ORDER BY region" 2> "$tmp/err")
expect_eq "$out" "$(printf 'region,n\neu,2\nus,1')" "query rows"
expect_eq "$(wc -l < "$tmp/err")" "2" "one stderr line per DDL/DML statement"
grep -q "inserted 3 rows" "$tmp/err" || fail "INSERT summary: $(cat "$tmp/err")"
[ -d "$wh/t/_delta_log" ] || fail "the table lives in WAREHOUSE/t"

# Parameters are bound values, typed from their text.
out=$("$braid" sql -w "$wh" --format csv --param region=eu --param min=1 \
  "SELECT id FROM t WHERE region = :region AND id > :min ORDER BY id")
expect_eq "$out" "$(printf 'id\n3')" "parameters"

# jsonl output.
out=$("$braid" sql -w "$wh" --format jsonl "SELECT id, region FROM t WHERE id = 2")
expect_eq "$out" '{"id":2,"region":"us"}' "jsonl"

# MERGE reports its effect.
"$braid" sql -w "$wh" "MERGE INTO t USING (SELECT 2 AS id, 'us' AS region) AS s ON t.id = s.id
  WHEN MATCHED THEN DELETE WHEN NOT MATCHED THEN INSERT *" 2> "$tmp/err" > /dev/null
grep -q "0 rows inserted, 0 updated, 1 deleted" "$tmp/err" || fail "MERGE summary: $(cat "$tmp/err")"

# A script file: several statements in order in one session (a view from one is used by the next).
cat > "$tmp/script.sql" <<'SQL'
-- a comment
CREATE TEMP VIEW big AS SELECT * FROM t WHERE id > 1;

SELECT count(*) AS n FROM big;
SELECT nope FROM big;
SELECT 1;
SQL
set +e
out=$("$braid" sql -w "$wh" --format csv -f "$tmp/script.sql" 2> "$tmp/err")
status=$?
set -e
expect_eq "$status" "1" "a failing statement fails the run"
expect_eq "$out" "$(printf 'n\n1')" "rows before the failure are printed, none after"
grep -q "line 5, column 8" "$tmp/err" || fail "the error gives the script's line:column: $(cat "$tmp/err")"
grep -q "nope" "$tmp/err" || fail "the error names the column: $(cat "$tmp/err")"

# Syntax errors point at the position and say what was expected.
set +e
"$braid" sql -w "$wh" "SELECT FROM t" 2> "$tmp/err"
status=$?
set -e
expect_eq "$status" "1" "syntax error exit status"
grep -q "line 1, column 8: expected" "$tmp/err" || fail "syntax error message: $(cat "$tmp/err")"

# A missing table and a missing warehouse are clear errors, not crashes.
set +e
"$braid" sql -w "$wh" "SELECT * FROM missing" 2> "$tmp/err"; s1=$?
"$braid" sql -w "$tmp/nowhere" "SELECT 1" 2> "$tmp/err2"; s2=$?
set -e
expect_eq "$s1" "1" "missing table"
grep -q "missing" "$tmp/err" || fail "missing table message: $(cat "$tmp/err")"
expect_eq "$s2" "1" "missing warehouse"
# A file that is not Parquet: the error names it, after the statement's position.
echo "junk" > "$tmp/bad.parquet"
set +e
"$braid" sql -w "$wh" "SELECT * FROM read_parquet('$tmp/bad.parquet')" 2> "$tmp/err"; s3=$?
set -e
expect_eq "$s3" "1" "a bad Parquet file"
grep -q "line 1, column 15: $tmp/bad.parquet: not a Parquet file" "$tmp/err" || fail "bad file message: $(cat "$tmp/err")"

# --memory-limit: a statement over it fails with the limit named, not a crash; a bad size is a
# clear error; --timer reports each statement's time and peak memory on stderr.
set +e
"$braid" sql -w "$wh" --memory-limit 16KB "SELECT a.id, b.id FROM range(100000) a JOIN range(100000) b ON a.id = b.id" > /dev/null 2> "$tmp/err"; s1=$?
"$braid" sql -w "$wh" --memory-limit lots "SELECT 1" 2> "$tmp/err2"; s2=$?
set -e
expect_eq "$s1" "1" "a statement over --memory-limit fails"
grep -q "memory limit of session (16.0 KiB) exceeded" "$tmp/err" || fail "memory limit message: $(cat "$tmp/err")"
expect_eq "$s2" "2" "a bad --memory-limit is a usage error"
grep -q "memory-limit: 'lots' is not a memory size" "$tmp/err2" || fail "bad size message: $(cat "$tmp/err2")"
out=$("$braid" sql -w "$wh" --memory-limit 1GB --timer --format csv "SELECT count(*) AS n FROM range(1000)" 2> "$tmp/err")
expect_eq "$out" "$(printf 'n\n1000')" "a statement under the limit runs"
grep -Eq "^line 1: time [0-9.]+ s, peak memory [0-9.]+ (B|KiB|MiB)$" "$tmp/err" || fail "--timer line: $(cat "$tmp/err")"

# Row limits, as braid cat: the table format shows the first 40 rows of each query with a footer
# that gives the total; csv and jsonl print every row; --limit N prints N in every format, 0 all.
got=$("$braid" sql -w "$wh" "SELECT id FROM range(100)")
expect_eq "$(grep -c '^| *[0-9]' <<<"$got")" "40" "table shows 40 rows by default"
expect_eq "$(tail -n 1 <<<"$got")" "100 rows (40 shown; --limit N or --limit 0 for all)" "table footer"
expect_eq "$("$braid" sql -w "$wh" --format csv "SELECT id FROM range(100)" | wc -l)" "101" "csv prints every row"
expect_eq "$("$braid" sql -w "$wh" --format jsonl "SELECT id FROM range(100)" | wc -l)" "100" "jsonl prints every row"
got=$("$braid" sql -w "$wh" --limit 2 --format csv "SELECT id FROM range(100); SELECT id + 10 AS id FROM range(5)")
expect_eq "$got" "$(printf 'id
0
1
id
10
11')" "--limit applies to each query"
got=$("$braid" sql -w "$wh" --limit 0 "SELECT id FROM range(100)")
expect_eq "$(grep -c '^| *[0-9]' <<<"$got")" "100" "table --limit 0 shows all"
expect_eq "$(tail -n 1 <<<"$got")" "100 rows" "table --limit 0 footer"
got=$("$braid" sql -w "$wh" -n 50 "SELECT id FROM range(100)")
expect_eq "$(grep -c '^| *[0-9]' <<<"$got")" "50" "table -n 50 shows 50"

# Tables written by SQL are Delta tables the other commands read.
expect_eq "$(sorted_rows "$wh/t" | tr '\n' ' ')" "1,eu 3,eu " "braid cat of a SQL-written table"
echo "sql cli: ok"
