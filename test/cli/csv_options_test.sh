#!/usr/bin/env bash
# CSV reading options end to end: exact inference of huge integers, --schema (Spark's DDL
# string), --csv-mode (FAILFAST, DROPMALFORMED, PERMISSIVE) for cat, schema, convert and load,
# and read_csv's warnings in braid sql. Usage: csv_options_test.sh PATH/TO/braid
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Distinct 20-digit ids stay distinct: decimal(20,0), never a double.
printf 'id\n12345678901234567890\n12345678901234567891\n' > "$tmp/ids.csv"
got="$("$braid" cat "$tmp/ids.csv" --format jsonl)"
expect_eq "$got" '{"id":"12345678901234567890"}
{"id":"12345678901234567891"}' "huge ids"
expect_eq "$("$braid" schema "$tmp/ids.csv" --format csv)" 'name,type,nullable,jsonl_type
id,"decimal(20,0)",true,"DECIMAL(20,0)"' "huge ids type"

# A type inferred from the sample meets a value it cannot read: the error names the place and a
# schema that reads it, and that schema works.
{
  echo "id,qty,day"
  for i in $(seq 1 21000); do echo "$i,$((i % 7)),2024-01-0$((i % 9 + 1))"; done
  echo "21001,x1,2024-01-01"
} > "$tmp/late.csv"
expect_failure cat "$tmp/late.csv" --format csv
grep -q "late.csv:21002:7: column 'qty': cannot read 'x1' as int (type inferred from the first 20480 rows; override it with the schema option: 'id INT, qty STRING, day DATE')" "$tmp/err" \
  || fail "late type error: $(cat "$tmp/err")"
hint="$(sed -n "s/.*schema option: '\([^']*\)'.*/\1/p" "$tmp/err")"
expect_eq "$hint" "id INT, qty STRING, day DATE" "the suggested schema"
got="$("$braid" cat "$tmp/late.csv" --format csv --schema "$hint" | tail -1)"
expect_eq "$got" "21001,x1,2024-01-01" "reading with the suggested schema"

# --schema: names and types by position (NOT NULL honoured); a header with another count fails.
cat > "$tmp/orders.csv" <<'CSV'
order_id,amount,note
1,10.50,first
2,x,bad amount
3,7.25
4,1.00,"two
lines"
5,,no amount
CSV
expect_eq "$("$braid" schema "$tmp/orders.csv" --schema 'id BIGINT, amount STRING, note STRING NOT NULL' --format csv)" \
  'name,type,nullable,jsonl_type
id,bigint,true,BIGINT
amount,string,true,VARCHAR
note,string,false,VARCHAR' "schema of --schema"
expect_failure cat "$tmp/orders.csv" --schema 'id BIGINT, amount DECIMAL(10,2)'
grep -q "orders.csv: the file has 3 columns but the schema has 2" "$tmp/err" || fail "count mismatch: $(cat "$tmp/err")"
expect_failure cat "$tmp/orders.csv" --schema 'id BIGINT, amount DECIMAL(10,2), note STRING'
grep -q "orders.csv:3:3: column 'amount': cannot read 'x' as decimal(10,2)" "$tmp/err" || fail "FAILFAST: $(cat "$tmp/err")"

# DROPMALFORMED: the rows that read, and a warning with the count and the lines.
got="$("$braid" cat "$tmp/orders.csv" --schema 'id BIGINT, amount DECIMAL(10,2), note STRING' --csv-mode DROPMALFORMED --format csv --columns id,amount 2>"$tmp/err")"
expect_eq "$got" 'id,amount
1,10.50
4,1.00
5,' "DROPMALFORMED rows"
grep -q "braid: warning: .*orders.csv: 2 malformed rows dropped (mode DROPMALFORMED), at lines 3, 4" "$tmp/err" \
  || fail "DROPMALFORMED warning: $(cat "$tmp/err")"

# PERMISSIVE: every row, NULL where a field failed, the row's text in _corrupt_record.
got="$("$braid" cat "$tmp/orders.csv" --schema 'id BIGINT, amount DECIMAL(10,2), note STRING' --csv-mode permissive --format csv --columns id,amount,_corrupt_record)"
expect_eq "$got" 'id,amount,_corrupt_record
1,10.50,
2,,"2,x,bad amount"
3,7.25,"3,7.25"
4,1.00,
5,,' "PERMISSIVE rows"
got="$("$braid" cat "$tmp/orders.csv" --csv-mode PERMISSIVE --corrupt-record-column bad --format csv --columns id,bad 2>&1 || true)"
grep -q "no column 'id'" <<<"$got" || fail "the header names the columns: $got"
got="$("$braid" cat "$tmp/orders.csv" --csv-mode PERMISSIVE --corrupt-record-column bad --format csv --columns order_id,bad)"
expect_eq "$got" 'order_id,bad
1,
2,
3,"3,7.25"
4,
5,' "renamed corrupt-record column (amount inferred as a string: only the short row is malformed)"

# convert and load take the same options.
"$braid" convert "$tmp/orders.csv" "$tmp/orders.parquet" --schema 'id BIGINT, amount DECIMAL(10,2), note STRING' --csv-mode DROPMALFORMED 2>"$tmp/err"
grep -q "2 malformed rows dropped" "$tmp/err" || fail "convert warning: $(cat "$tmp/err")"
expect_eq "$("$braid" schema "$tmp/orders.parquet" --format jsonl | sed 's/,"jsonl_type.*//')" '{"name":"id","type":"bigint","nullable":true
{"name":"amount","type":"decimal(10,2)","nullable":true
{"name":"note","type":"string","nullable":true' "converted schema"
"$braid" load "$tmp/table" "$tmp/orders.csv" --schema 'id BIGINT, amount DECIMAL(10,2), note STRING' --csv-mode DROPMALFORMED 2>"$tmp/err" >/dev/null
grep -q "2 malformed rows dropped" "$tmp/err" || fail "load warning: $(cat "$tmp/err")"
expect_eq "$("$braid" cat "$tmp/table" --format csv --columns id,amount)" 'id,amount
1,10.50
4,1.00
5,' "loaded rows"

# Options that would be ignored, and bad values, are errors naming them.
expect_failure cat "$tmp/orders.parquet" --schema 'id BIGINT'
grep -q -- "--schema applies to CSV input" "$tmp/err" || fail "--schema on Parquet: $(cat "$tmp/err")"
expect_failure cat "$tmp/table" --csv-mode PERMISSIVE
grep -q -- "--csv-mode applies to CSV input" "$tmp/err" || fail "--csv-mode on Delta: $(cat "$tmp/err")"
expect_failure cat "$tmp/orders.parquet" --delimiter ';'
grep -q -- "--delimiter applies to CSV input" "$tmp/err" || fail "--delimiter on Parquet: $(cat "$tmp/err")"
expect_failure cat "$tmp/orders.csv" --csv-mode lenient
grep -q "unknown CSV mode 'lenient' (FAILFAST, DROPMALFORMED, PERMISSIVE)" "$tmp/err" || fail "bad mode: $(cat "$tmp/err")"
expect_failure cat "$tmp/orders.csv" --schema 'id BIGINT, amount NUMBER, note STRING'
grep -q -- "--schema 'id BIGINT, amount NUMBER, note STRING': line 1, column 19: expected a type name" "$tmp/err" \
  || fail "bad schema: $(cat "$tmp/err")"
expect_failure cat "$tmp/orders.csv" --corrupt-record-column bad
grep -q -- "--corrupt-record-column needs --csv-mode PERMISSIVE" "$tmp/err" || fail "corrupt column without mode: $(cat "$tmp/err")"

# braid sql: read_csv's dropped rows are reported on stderr.
got="$("$braid" sql -w "$tmp" "SELECT count(*) AS n FROM read_csv('$tmp/orders.csv', schema = 'id INT, amount DECIMAL(10,2), note STRING', mode = 'DROPMALFORMED')" --format csv 2>"$tmp/err")"
expect_eq "$got" 'n
3' "sql rows"
grep -q "braid: warning: .*orders.csv: 2 malformed rows dropped (mode DROPMALFORMED), at lines 3, 4" "$tmp/err" \
  || fail "sql warning: $(cat "$tmp/err")"

# Command-line parameters keep integers exact too: beyond BIGINT a decimal, never a double.
got="$("$braid" sql -w "$tmp" --param id=12345678901234567890 --param neg=-12345678901234567891 --format csv \
  "SELECT CAST(:id AS STRING) AS id, CAST(:neg AS STRING) AS neg, :id + 1 = 12345678901234567891 AS exact")"
expect_eq "$got" 'id,neg,exact
12345678901234567890,-12345678901234567891,true' "--param with a 20-digit integer"
expect_failure sql -w "$tmp" --param big=1e400 "SELECT :big"
grep -q "the number 1e400 is out of range for DOUBLE" "$tmp/err" || fail "--param 1e400: $(cat "$tmp/err")"

# A pipeline's CSV source with a schema and mode DROPMALFORMED: the dropped rows are in the run's
# log, summary and report; the rows that read are loaded.
mkdir -p "$tmp/pipe"
cp "$tmp/orders.csv" "$tmp/pipe/orders.csv"
cat > "$tmp/pipe/pipeline.toml" <<'TOML'
[pipeline]
name = "csv_modes"
warehouse = "wh"

[sources.orders]
path = "orders.csv"
schema = "id BIGINT, amount DECIMAL(10,2), note STRING"
mode = "DROPMALFORMED"

[flows.load]
prepare = ["CREATE TABLE IF NOT EXISTS orders (id BIGINT, amount DECIMAL(10,2), note STRING) USING DELTA"]
stage = "SELECT * FROM orders"
merge = "INSERT INTO orders SELECT * FROM staged"
TOML
"$braid" run "$tmp/pipe/pipeline.toml" --report "$tmp/pipe/report.json" >"$tmp/out" 2>"$tmp/err" \
  || fail "pipeline run: $(cat "$tmp/out" "$tmp/err")"
grep -q "warning: source orders: .*orders.csv: 2 malformed rows dropped (mode DROPMALFORMED), at lines 3, 4" "$tmp/err" \
  || fail "pipeline log: $(cat "$tmp/err")"
grep -q "warning: source orders: .*2 malformed rows dropped" "$tmp/out" || fail "pipeline summary: $(cat "$tmp/out")"
grep -q '"warnings":\["source orders: .*orders.csv: 2 malformed rows dropped (mode DROPMALFORMED), at lines 3, 4"\]' "$tmp/pipe/report.json" \
  || fail "pipeline report: $(cat "$tmp/pipe/report.json")"
expect_eq "$("$braid" sql -w "$tmp/pipe/wh" --format csv "SELECT count(*) AS n FROM orders")" 'n
3' "rows the pipeline loaded"
# An invalid schema is a validation problem at its line.
sed -i 's/^schema = .*/schema = "id BIGINT, amount MONEY, note STRING"/' "$tmp/pipe/pipeline.toml"
expect_failure validate "$tmp/pipe/pipeline.toml"
grep -q "pipeline.toml:7: sources.orders.schema: line 1, column 19: expected a type name, found 'MONEY'" "$tmp/err" \
  || fail "pipeline schema problem: $(cat "$tmp/err")"

echo "csv_options_test: ok"
