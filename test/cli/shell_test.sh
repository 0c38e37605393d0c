#!/usr/bin/env bash
# braid shell with stdin that is not a terminal: a piped script runs without prompts or banner,
# statements span lines and end with ';', DDL/DML summaries and query rows go to stdout, errors go
# to stderr with the line:column (counted from the start of the statement's text) and a caret,
# later statements still run, and the exit status is 1 if any statement failed.
# Usage: shell_test.sh PATH/TO/braid
set -euo pipefail
. "$(dirname "$0")/lib.sh"
wh="$tmp/wh"
mkdir -p "$wh"
# No history file is read or written when stdin is not a terminal.
export HOME="$tmp/home"
mkdir -p "$HOME"

# A script piped in: statements spanning lines, a comment, two statements on one line.
cat > "$tmp/script.sql" <<'SQL'
-- make a table
CREATE TABLE t (id INT, region STRING)
  USING DELTA;
INSERT INTO t VALUES
  (1, 'eu'),
  (2, 'us'),
  (3, 'eu');
SELECT region, count(*) AS n
FROM t
GROUP BY region
ORDER BY region;
SELECT id FROM t WHERE id > 1 ORDER BY id; SELECT 'two on a line' AS s;
SQL
set +e
out=$("$braid" shell -w "$wh" --format csv < "$tmp/script.sql" 2> "$tmp/err")
status=$?
set -e
expect_eq "$status" "0" "a script without errors exits 0 (stderr: $(cat "$tmp/err"))"
expect_eq "$(cat "$tmp/err")" "" "nothing on stderr"
expect_eq "$out" "$(printf 'created table t\ninserted 3 rows into t (version 1)\nregion,n\neu,2\nus,1\nid\n2\n3\ns\ntwo on a line')" \
  "summaries and rows, no prompt or banner"
[ -d "$wh/t/_delta_log" ] || fail "the table lives in WAREHOUSE/t"
[ ! -e "$HOME/.braid_history" ] || fail "no history file when stdin is not a terminal"

# The default format is a table with the rows in it.
out=$(echo "SELECT id, region FROM t WHERE id = 2;" | "$braid" shell -w "$wh")
echo "$out" | grep -q "region" || fail "table format header: $out"
echo "$out" | grep -qE "2.*us" || fail "table format row: $out"

# A last statement without ';' at the end of input still runs.
out=$(printf 'SELECT count(*) AS n\nFROM t' | "$braid" shell -w "$wh" --format csv)
expect_eq "$out" "$(printf 'n\n3')" "unterminated last statement"

# Errors: stderr names the position within the statement, shows the line with a caret; the
# statements on later lines still run; the exit status is 1.
cat > "$tmp/errors.sql" <<'SQL'
SELECT 1 AS a;
SELECT id
FROM t
WHERE nope = 1;
SELECT count(*) AS n FROM t;
SQL
set +e
out=$("$braid" shell -w "$wh" --format csv < "$tmp/errors.sql" 2> "$tmp/err")
status=$?
set -e
expect_eq "$status" "1" "a failed statement makes the exit status 1"
expect_eq "$out" "$(printf 'a\n1\nn\n3')" "rows of the statements before and after the failure"
grep -q "^error: .*nope" "$tmp/err" || fail "the error names the column: $(cat "$tmp/err")"
# Lines count from the start of the failing statement's text (WHERE is its 3rd line).
grep -q "line 3, column 7" "$tmp/err" || fail "the error gives line:column: $(cat "$tmp/err")"
grep -qx "  WHERE nope = 1;" "$tmp/err" || fail "the error shows the line: $(cat "$tmp/err")"
grep -qx "        ^" "$tmp/err" || fail "a caret under column 7: $(cat "$tmp/err")"

# A syntax error: position and what was expected.
set +e
out=$(printf 'SELECT FROM t;\nSELECT 2 AS b;\n' | "$braid" shell -w "$wh" --format csv 2> "$tmp/err")
status=$?
set -e
expect_eq "$status" "1" "syntax error exit status"
grep -q "line 1, column 8: expected" "$tmp/err" || fail "syntax error message: $(cat "$tmp/err")"
expect_eq "$out" "$(printf 'b\n2')" "the next line runs after a syntax error"

# Statements after a failing one in the same chunk of input (the same line) are not run.
set +e
out=$(printf 'SELECT nope FROM t; SELECT 3 AS c;\nSELECT 4 AS d;\n' | "$braid" shell -w "$wh" --format csv 2> "$tmp/err")
status=$?
set -e
expect_eq "$status" "1" "error exit status"
expect_eq "$out" "$(printf 'd\n4')" "the rest of the failing line is skipped, the next line runs"

# Dot commands: .mode, .tables, .schema, an unknown command is an error, .quit stops reading.
set +e
out=$(printf '.mode csv\n.tables\n.schema t\n.bogus\n.quit\nSELECT 5 AS e;\n' | "$braid" shell -w "$wh" 2> "$tmp/err")
status=$?
set -e
expect_eq "$status" "1" "an unknown dot command counts as a failure"
echo "$out" | grep -q "^default,t,false$" || fail ".tables: $out"
echo "$out" | grep -q "^id,int," || fail ".schema t: $out"
echo "$out" | grep -q "^region,string," || fail ".schema t: $out"
grep -q "unknown command .bogus" "$tmp/err" || fail "unknown dot command: $(cat "$tmp/err")"
echo "$out" | grep -q "^e$" && fail ".quit stops reading: $out"

# Rows per query: the table mode shows 40 and says how to see more (.limit, the shell's way);
# .limit N shows N in every mode, .limit 0 all; a bad .limit or .timer value is an error.
set +e
out=$(printf 'SELECT id FROM range(50);\n.limit 3\n.mode csv\nSELECT id FROM range(50);\n.limit 0\nSELECT id FROM range(50);\n.limit x\n.timer maybe\n' |
  "$braid" shell -w "$wh" 2> "$tmp/err")
status=$?
set -e
expect_eq "$status" "1" "a bad .limit fails"
grep -q "^50 rows (40 shown; .limit N or .limit 0 for all)$" <<< "$out" || fail "table footer in the shell: $out"
expect_eq "$(grep -c '^[0-9]*$' <<< "$out")" "53" "csv rows: 3 with .limit 3, then all 50"
grep -q "limit takes a number of rows (0: all), not 'x'" "$tmp/err" || fail ".limit x: $(cat "$tmp/err")"
grep -q "timer takes on or off, not 'maybe'" "$tmp/err" || fail ".timer maybe: $(cat "$tmp/err")"

# A missing warehouse is a clear error, not a crash.
set +e
echo "SELECT 1;" | "$braid" shell -w "$tmp/nowhere" > /dev/null 2> "$tmp/err"
status=$?
set -e
expect_eq "$status" "1" "missing warehouse"
grep -q "nowhere" "$tmp/err" || fail "missing warehouse message: $(cat "$tmp/err")"
echo "shell cli: ok"
