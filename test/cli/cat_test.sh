#!/usr/bin/env bash
# braid cat on CSV input: formats, projection, limit, errors. Usage: cat_test.sh PATH/TO/braid
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cat > "$tmp/people.csv" <<'CSV'
id,name,score,joined,active
1,"Lovelace, Ada",98.5,2024-01-15,true
2,"say ""hi""",,2023-12-31,false
3,,77,2024-02-29,true
CSV

# --help lists the commands that exist; --version prints one line.
"$braid" --help | grep -q "cat" || fail "--help does not list cat"
"$braid" --version | grep -qE '^braid [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"
"$braid" cat --help | grep -q -- "--format" || fail "cat --help"

# jsonl: keys in column order, types inferred (int, string, double, date, boolean).
got="$("$braid" cat "$tmp/people.csv" --format jsonl)"
expect_eq "$got" '{"id":1,"name":"Lovelace, Ada","score":98.5,"joined":"2024-01-15","active":true}
{"id":2,"name":"say \"hi\"","score":null,"joined":"2023-12-31","active":false}
{"id":3,"name":null,"score":77,"joined":"2024-02-29","active":true}' "jsonl"

# csv round trip: quoting preserved, NULL is an empty field.
got="$("$braid" cat "$tmp/people.csv" --format csv --columns name,id)"
expect_eq "$got" 'name,id
"Lovelace, Ada",1
"say ""hi""",2
,3' "csv with --columns"

# table: header with names and types, row count footer, --limit.
got="$("$braid" cat "$tmp/people.csv" --format table --limit 2)"
grep -qE "^\| id +\| name +\| score" <<<"$got" || fail "table header: $got"
grep -q "bigint\|int " <<<"$got" || fail "table types: $got"
grep -q "^2 rows$" <<<"$got" || fail "table footer: $got"
grep -q "NULL" <<<"$("$braid" cat "$tmp/people.csv")" || fail "table shows NULL"

# Errors: exit 1, message on stderr naming the problem, nothing on stdout.
set +e
out="$("$braid" cat "$tmp/missing.csv" 2>"$tmp/err")"; rc=$?
set -e
expect_eq "$rc" "1" "missing file exit code"
[ -z "$out" ] || fail "missing file printed rows"
grep -q "missing.csv" "$tmp/err" || fail "missing file message: $(cat "$tmp/err")"

printf 'a,b\n1,2\n3\n' > "$tmp/ragged.csv"
set +e
"$braid" cat "$tmp/ragged.csv" --format jsonl >/dev/null 2>"$tmp/err"; rc=$?
set -e
expect_eq "$rc" "1" "ragged exit code"
grep -q "ragged.csv:3:" "$tmp/err" || fail "ragged message lacks file:line: $(cat "$tmp/err")"

set +e
"$braid" cat "$tmp/people.csv" --columns nope >/dev/null 2>"$tmp/err"; rc=$?
set -e
expect_eq "$rc" "1" "unknown column exit code"
grep -q "no column 'nope'" "$tmp/err" || fail "unknown column message: $(cat "$tmp/err")"

set +e
"$braid" cat "$tmp/people.csv" --format xml >/dev/null 2>"$tmp/err"; rc=$?
set -e
expect_eq "$rc" "2" "bad format exit code (a bad option value is a usage error)"
grep -q "unknown output format 'xml'" "$tmp/err" || fail "bad format message: $(cat "$tmp/err")"

set +e
"$braid" cat >/dev/null 2>&1; rc=$?
set -e
[ "$rc" -ne 0 ] || fail "cat without FILE must fail"

# Row limits: the table format shows 40 rows and a footer that gives the total and says how to
# see more; csv and jsonl print every row (they feed files and pipes); --limit N prints N rows
# in every format, --limit 0 all of them.
{ echo "n"; seq 1 100; } > "$tmp/hundred.csv"
got="$("$braid" cat "$tmp/hundred.csv")"
expect_eq "$(grep -c '^| *[0-9]' <<<"$got")" "40" "table shows 40 rows by default"
expect_eq "$(tail -n 1 <<<"$got")" "100 rows (40 shown; --limit N or --limit 0 for all)" "table footer with more rows"
expect_eq "$("$braid" cat "$tmp/hundred.csv" --format csv | wc -l)" "101" "csv prints every row by default"
expect_eq "$("$braid" cat "$tmp/hundred.csv" --format jsonl | wc -l)" "100" "jsonl prints every row by default"
expect_eq "$("$braid" cat "$tmp/hundred.csv" --format jsonl --limit 7 | wc -l)" "7" "jsonl --limit 7"
expect_eq "$("$braid" cat "$tmp/hundred.csv" --format csv -n 3 | tail -n 1)" "3" "csv -n 3"
got="$("$braid" cat "$tmp/hundred.csv" --limit 0)"
expect_eq "$(grep -c '^| *[0-9]' <<<"$got")" "100" "table --limit 0 shows all"
expect_eq "$(tail -n 1 <<<"$got")" "100 rows" "table --limit 0 footer"
got="$("$braid" cat "$tmp/hundred.csv" --limit 60)"
expect_eq "$(grep -c '^| *[0-9]' <<<"$got")" "60" "table --limit 60 shows 60, past the default 40"
set +e
"$braid" cat "$tmp/hundred.csv" --limit -1 >/dev/null 2>"$tmp/err"; rc=$?
set -e
expect_eq "$rc" "2" "a negative --limit is a usage error"
grep -q "^braid: error: cat: --limit: must be at least 0, not -1$" "$tmp/err" || fail "negative limit message: $(cat "$tmp/err")"

echo "cat_test: ok"
