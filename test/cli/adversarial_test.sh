#!/usr/bin/env bash
# The mistakes a new user makes, tried on the braid program end to end: typos in commands and
# options, wrong values, missing files and tables, options that do not apply, bad input into an
# existing output, Ctrl-C and kill -9 in the middle of a write, a read-only folder, two loads at
# once, a file changed underneath. Each case checks the exit status, the message, and that
# nothing on disk changed that should not have: every file of the case's folder is hashed
# (sha256sum) before and after.
#
# Usage: adversarial_test.sh PATH/TO/braid [CASE_REGEX]   (only the cases whose name matches)
#
# Adding a case: define a function `case_<name>`; it is found and run, in a fresh copy of the
# fixture (made once by make_fixture) as its working folder, in a subshell with `set -e`. The
# fixture:
#   wh/sales           Delta table (id INT, region STRING, qty INT) partitioned by region, 1000 rows
#   data/good.csv      2 rows that fit wh/sales          data/good2.csv  2 more
#   data/bad.csv       30001 rows; the last has id 'x' (past the 20480 rows types are inferred from)
#   out/existing.parquet, out/existing.csv   outputs of an earlier convert of good.csv
#   pipe/pipeline.toml a small pipeline over wh (INSERT INTO sales)
# Helpers (lib.sh has run_braid, expect_ok, expect_error, q, tree_state, fail, skip_case):
#   run_braid ARGS...               runs braid; sets $rc, and $out / $err (files with stdout / stderr)
#   expect_ok ARGS...               braid ARGS exits 0
#   expect_error RC REGEX ARGS...   braid ARGS exits RC, prints nothing on stdout, and its stderr starts
#                                   with "braid: error: " and matches REGEX (grep -E)
#   q WAREHOUSE SQL                 the value of a one-value query
#   snapshot / expect_unchanged     hash every file and folder of the case, then check it is all the same
#   skip_case REASON                ends the case as skipped (printed with the reason)
set -uo pipefail
. "$(dirname "$0")/lib.sh"
shared="$source_dir/../shared"
only="${2:-.}"
chmod 755 "$tmp"  # the read-only case runs braid as another user, who must reach the files

# ---- helpers (used inside cases; a failure ends the case)

snapshot() { tree_state > "$tmp/snapshot"; }
expect_unchanged() {
  tree_state > "$tmp/now"
  diff "$tmp/snapshot" "$tmp/now" > "$tmp/diff" || fail "files changed${1:+ ($1)}: $(cat "$tmp/diff")"
}

# A big table for the cases that interrupt a write, and a small one with its columns: made once,
# outside the cases' folders, in the background while the first cases run.
make_big_tables() {
  mkdir -p "$tmp/big"
  "$braid" sql -w "$tmp/big" "CREATE TABLE t AS SELECT id, id * 3 AS b, concat('name-', CAST(id AS STRING)) AS s
    FROM range(3000000); CREATE TABLE small AS SELECT * FROM t LIMIT 10" > "$tmp/big/log" 2>&1 &&
    touch "$tmp/big/done" || touch "$tmp/big/failed"
}
big_table() {  # [small]
  for _ in $(seq 1 6000); do
    [ -e "$tmp/big/done" ] && echo "$tmp/big/${1:-t}" && return 0
    [ -e "$tmp/big/failed" ] && fail "making the big table: $(cat "$tmp/big/log")"
    sleep 0.01
  done
  fail "the big table was not made within a minute"
}

# Starts `braid convert BIG DEST` (Parquet slow on purpose: gzip, small row groups) in the background and
# returns once its temporary file exists; sets $pid.
start_slow_convert() {  # DEST
  local dest="$1" dir name
  dir="$(dirname "$dest")" name="$(basename "$dest")"
  # Job control: a background job of a script would otherwise start with SIGINT ignored.
  set -m
  local slow=()
  [[ "$dest" == *.parquet ]] && slow=(--compression gzip --row-group-rows 50000)
  "$braid" convert "$(big_table)" "$dest" "${slow[@]}" 2> "$tmp/convert_err" &
  pid=$!
  set +m
  for _ in $(seq 1 500); do
    compgen -G "$dir/.$name.tmp-*" > /dev/null && return 0
    kill -0 "$pid" 2> /dev/null || fail "convert ended before it could be interrupted: $(cat "$tmp/convert_err")"
    sleep 0.01
  done
  fail "no temporary file of convert appeared"
}

# ---- the fixture

# ---- Delta/Spark semantics honoured at every edge (issue 12): every refusal leaves the table as it was.

case_append_only_table() {
  expect_ok sql -w wh "ALTER TABLE sales SET TBLPROPERTIES ('delta.appendOnly' = 'true')"
  snapshot
  local refused="DELTA_CANNOT_MODIFY_APPEND_ONLY.*sales"
  expect_error 1 "$refused" sql -w wh "UPDATE sales SET qty = 0 WHERE id = 1"
  expect_error 1 "$refused" sql -w wh "DELETE FROM sales WHERE id = 99999"
  expect_error 1 "$refused" sql -w wh "INSERT OVERWRITE sales SELECT 1, 'eu', 1"
  expect_error 1 "$refused" sql -w wh "MERGE INTO sales t USING (SELECT 1 AS id) s ON t.id = s.id WHEN MATCHED THEN DELETE"
  expect_error 1 "DELTA_CANNOT_MODIFY_APPEND_ONLY" load wh/sales data/good.csv --mode overwrite
  expect_unchanged "a refused write to an append-only table"
  # Appends still work.
  expect_ok load wh/sales data/good.csv
  [ "$(q wh "SELECT count(*) FROM sales")" == 1002 ] || fail "append to an append-only table"
}

case_settings_braid_does_not_implement() {
  snapshot
  expect_error 1 "spark.sql.ansi.enabled = false is not supported" sql -w wh "SET spark.sql.ansi.enabled = false"
  expect_error 1 "keeps the session time zone at UTC" sql -w wh "SET TIME ZONE 'America/New_York'"
  expect_error 1 "keeps the session time zone at UTC" sql -w wh "SET spark.sql.session.timeZone = Europe/Paris"
  expect_error 1 "the Spark setting 'spark.sql.sesion.timeZone' \\(did you mean 'spark.sql.session.timeZone'\\?\\)" sql -w wh "SET spark.sql.sesion.timeZone = UTC"
  expect_error 1 "spark.sql.legacy" sql -w wh "SET spark.sql.legacy.timeParserPolicy = LEGACY"
  expect_error 1 "Unknown configuration was specified: delta.enableChangeDataFeeds" \
    sql -w wh "ALTER TABLE sales SET TBLPROPERTIES ('delta.enableChangeDataFeeds' = 'true')"
  expect_error 1 "delta.enableChangeDataFeed" sql -w wh "ALTER TABLE sales SET TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')"
  # An ANSI error must not recommend turning ANSI off (which braid refuses).
  expect_error 1 "DIVIDE_BY_ZERO" sql -w wh "SELECT 1 / 0"
  ! grep -q "ansi.enabled" "$err" || fail "the division error recommends spark.sql.ansi.enabled: $(cat "$err")"
  expect_unchanged
  # A tuning knob is accepted, and says it does not apply.
  expect_ok sql -w wh "SET spark.sql.shuffle.partitions = 8"
  grep -q "not used by braid" "$err" || fail "shuffle.partitions: $(cat "$err")"
}

case_dynamic_partition_overwrite() {
  expect_ok sql -w wh "SET spark.sql.sources.partitionOverwriteMode = dynamic; INSERT OVERWRITE sales SELECT 5000, 'eu', 1"
  [ "$(q wh "SELECT count(*) FROM sales WHERE region = 'us'")" == 500 ] || fail "dynamic overwrite touched 'us'"
  [ "$(q wh "SELECT count(*) FROM sales WHERE region = 'eu'")" == 1 ] || fail "dynamic overwrite did not replace 'eu'"
  expect_ok sql -w wh "INSERT OVERWRITE sales PARTITION (region = 'us') SELECT 6000, 2"
  [ "$(q wh "SELECT count(*) FROM sales")" == 2 ] || fail "static partition overwrite"
  expect_ok load wh/sales data/good2.csv --mode overwrite --overwrite-partitions
  [ "$(q wh "SELECT count(*) FROM sales")" == 2 ] || fail "load --overwrite-partitions"
  snapshot
  expect_error 1 "PARTITION.*qty" sql -w wh "INSERT OVERWRITE sales PARTITION (qty = 1) SELECT 1, 'eu'"
  expect_error 1 "'sometimes' is not one of static, dynamic" sql -w wh "SET spark.sql.sources.partitionOverwriteMode = sometimes"
  expect_unchanged
}

case_csv_schema_and_malformed_rows() {
  snapshot
  # The type error says how to override the inferred type, and that way works.
  expect_error 1 "data/bad.csv:30002:1.*schema" load wh/sales data/bad.csv
  expect_error 1 "data/good.csv: the file has 3 columns but the schema has 2" cat data/good.csv --schema 'id INT, region STRING'
  expect_unchanged
  expect_ok load wh/sales data/bad.csv --csv-mode DROPMALFORMED
  grep -q "1 malformed row" "$err" || fail "dropped rows not reported: $(cat "$err")"
  [ "$(q wh "SELECT count(*) FROM sales")" == 31000 ] || fail "DROPMALFORMED load"
  expect_ok cat data/bad.csv --csv-mode PERMISSIVE --format csv --limit 0
  # The row past the inferred sample whose id is not an INT: kept, its id NULL, its text in _corrupt_record.
  [ "$(grep -c '^,eu,1,"x,eu,1"$' "$out")" == 1 ] || fail "PERMISSIVE kept no _corrupt_record text: $(tail -n 2 "$out")"
  # Integers beyond BIGINT stay exact (decimal), never a double that rounds them together.
  printf 'id\n12345678901234567890\n12345678901234567891\n' > data/ids.csv
  expect_ok sql -w wh --format csv "SELECT count(DISTINCT id), sum(id) FROM read_csv('data/ids.csv')"
  grep -q '^2,24691357802469135781$' "$out" || fail "20-digit ids: $(cat "$out")"
  expect_ok schema data/ids.csv --format csv
  grep -q '^id,"decimal(20,0)",' "$out" || fail "20-digit ids' type: $(cat "$out")"
}

case_damaged_parquet_page() {
  local damaged="$shared/fixtures/parquet/testing/datapage_v1-corrupt-checksum.parquet"
  [ -f "$damaged" ] || skip_case "../shared/fixtures is absent"
  cp "$damaged" data/damaged.parquet
  snapshot
  expect_error 1 "data/damaged.parquet: row group 0: column 'a': page 0: checksum mismatch" cat data/damaged.parquet
  expect_error 1 "checksum mismatch" convert data/damaged.parquet out/existing.parquet
  expect_error 1 "checksum mismatch" load wh/sales2 data/damaged.parquet
  expect_error 1 "checksum mismatch" sql -w wh "SELECT count(*) FROM read_parquet('data/damaged.parquet')"
  expect_error 1 "--no-verify-checksums applies to Parquet input and Delta tables" cat data/good.csv --no-verify-checksums
  expect_unchanged
  expect_ok cat data/damaged.parquet --no-verify-checksums --limit 1
  expect_ok sql -w wh "SET braid.parquet.verify_checksums = false; SELECT count(*) FROM read_parquet('data/damaged.parquet')"
}

case_damaged_checkpoint() {
  # Eleven commits: a checkpoint at version 10, every JSON commit still there.
  for i in $(seq 1 10); do
    expect_ok sql -w wh "INSERT INTO sales VALUES ($((5000 + i)), 'eu', 1)"
  done
  local checkpoint
  checkpoint=$(ls wh/sales/_delta_log/*.checkpoint.parquet | head -n 1)
  [ -n "$checkpoint" ] || fail "no checkpoint after 11 commits"
  head -c 100 "$checkpoint" > "$checkpoint.cut" && mv "$checkpoint.cut" "$checkpoint"
  snapshot
  expect_ok sql -w wh --format csv "SELECT count(*) FROM sales"
  grep -q '^1010$' "$out" || fail "rows through a damaged checkpoint: $(cat "$out")"
  grep -q "warning:.*$(basename "$checkpoint")" "$err" || fail "no warning naming the damaged checkpoint: $(cat "$err")"
  expect_unchanged "reading through a damaged checkpoint"
  # A data file the log references but which is gone is named, with its version.
  rm "$(find wh/sales/region=us -name '*.parquet' | head -n 1)"
  run_braid cat wh/sales
  [ "$rc" == 1 ] || fail "a missing data file: exit $rc"
  grep -q "^braid: error: table 'wh/sales': the log at version 11 references region=us/.*, which does not exist: was it vacuumed or deleted by hand?" "$err" ||
    fail "a missing data file: $(cat "$err")"
}

case_external_table() {
  expect_ok sql -w wh "CREATE TABLE ext USING DELTA LOCATION '../ext' AS SELECT 1 AS one"
  [ "$(q wh "SELECT one FROM ext")" == 1 ] || fail "the external table cannot be read by its name"
  [ -d ext/_delta_log ] || fail "LOCATION '../ext' is not next to the warehouse"
  expect_ok sql -w wh "DROP TABLE ext"
  [ -d ext/_delta_log ] || fail "DROP TABLE of an external table deleted its files"
  expect_error 1 "ext" sql -w wh "SELECT * FROM ext"
}

case_memory_limit_is_an_error_not_a_kill() {
  snapshot
  expect_error 1 "memory limit of session \(16.0 MiB\) exceeded" \
    sql -w wh --memory-limit 16MB "SELECT id, repeat('x', 100) FROM range(10000000) ORDER BY id DESC"
  expect_unchanged
  # Streaming shapes run within the limit: count over a range, and a top-N.
  expect_ok sql -w wh --memory-limit 16MB --format csv "SELECT count(*) FROM range(50000000)"
  expect_ok sql -w wh --memory-limit 16MB --format csv "SELECT id FROM range(5000000) ORDER BY id DESC LIMIT 3"
  grep -q '^4999999$' "$out" || fail "top-N under the limit: $(cat "$out")"
}

make_fixture() {
  local f="$tmp/fixture"
  mkdir -p "$f/wh" "$f/data" "$f/out" "$f/pipe"
  "$braid" sql -w "$f/wh" "CREATE TABLE sales (id INT, region STRING, qty INT) USING DELTA PARTITIONED BY (region);
    INSERT INTO sales SELECT CAST(id AS INT), CASE WHEN id % 2 = 0 THEN 'eu' ELSE 'us' END, CAST(id % 7 AS INT) FROM range(1000)" \
    2> /dev/null || fail "fixture: wh/sales"
  printf 'id,region,qty\n1001,eu,3\n1002,us,4\n' > "$f/data/good.csv"
  printf 'id,region,qty\n1003,eu,5\n1004,us,6\n' > "$f/data/good2.csv"
  awk 'BEGIN { print "id,region,qty"; for (i = 0; i < 30000; i++) printf "%d,eu,%d\n", 2000 + i, i % 9; print "x,eu,1" }' \
    > "$f/data/bad.csv"
  "$braid" convert "$f/data/good.csv" "$f/out/existing.parquet" 2> /dev/null || fail "fixture: existing.parquet"
  "$braid" convert "$f/data/good.csv" "$f/out/existing.csv" 2> /dev/null || fail "fixture: existing.csv"
  cat > "$f/pipe/pipeline.toml" <<'TOML'
[pipeline]
name = "mini"
warehouse = "../wh"

[sources.good]
path = "../data/good.csv"

[flows.copy]
for_each = [{ region = "eu" }]
stage = "SELECT id, region, qty FROM good WHERE region = :region"
merge = "INSERT INTO sales SELECT * FROM staged"
TOML
}

# ---- the cases

case_typos_in_command_names() {
  snapshot
  expect_error 2 "unknown command 'conver' \(did you mean 'convert'\?\)" conver data/good.csv out/existing.parquet
  expect_error 2 "unknown command 'lod' \(did you mean 'load'\?\)" lod wh/sales data/good.csv
  expect_error 2 "unknown command 'sqll' \(did you mean 'sql'\?\)" sqll -w wh "SELECT 1"
  expect_error 2 "unknown command 'frobnicate'$" frobnicate
  grep -q "Run 'braid help' for the commands" "$err" || fail "no hint to braid help: $(cat "$err")"
  expect_unchanged
}

case_typos_in_options() {
  snapshot
  expect_error 2 "unknown option '--limt' for 'braid cat' \(did you mean '--limit'\?\)" cat data/good.csv --limt 3
  grep -q "Run 'braid cat --help' for the options of cat" "$err" || fail "no hint to cat --help: $(cat "$err")"
  expect_error 2 "unknown option '--wharehouse' for 'braid sql' \(did you mean '--warehouse'\?\)" sql --wharehouse wh "SELECT 1"
  expect_error 2 "unknown option '--partiton-by' for 'braid load' \(did you mean '--partition-by'\?\)" \
    load wh/new data/good.csv --partiton-by region
  expect_error 2 "unknown option '--compresion' for 'braid convert' \(did you mean '--compression'\?\)" \
    convert data/good.csv out/existing.parquet --compresion gzip
  expect_error 2 "unknown option '--dryrun' for 'braid run' \(did you mean '--dry-run'\?\)" run pipe/pipeline.toml --dryrun
  expect_error 2 "'--limit' is an option of a command: put it after the command's name" --limit 3 cat data/good.csv
  expect_error 2 "unknown option '--verbose'" --verbose
  expect_unchanged
}

case_missing_and_extra_arguments() {
  snapshot
  expect_error 2 "cat: FILE is required" cat
  expect_error 2 "convert: DEST is required" convert data/good.csv
  expect_error 2 "load: FILE is required" load wh/sales
  expect_error 2 "give SQL text or -f FILE$" sql -w wh
  expect_error 2 "run: PIPELINE is required" run
  expect_error 2 "unexpected argument 'data/good2.csv' for 'braid cat'" cat data/good.csv data/good2.csv
  expect_error 2 "unexpected argument 'extra' for 'braid describe'" describe wh/sales extra
  expect_error 2 "--limit: .*(1 required|argument|expected)" cat data/good.csv --limit
  expect_unchanged
}

case_wrong_values() {
  snapshot
  expect_error 2 "cat: --limit: 'ten' is not a whole number" cat data/good.csv --limit ten
  expect_error 2 "cat: --limit: must be at least 0, not -3" cat data/good.csv --limit -3
  expect_error 2 "sql: --limit: 'all' is not a whole number" sql -w wh --limit all "SELECT 1"
  expect_error 2 "history: --limit: 'x'" history wh/sales --limit x
  expect_error 2 "cat: --format: unknown output format 'xml'" cat data/good.csv --format xml
  expect_error 2 "load: --mode: 'upsert' is not one of append, overwrite, error" load wh/sales data/good.csv --mode upsert
  expect_error 2 "convert: --to: 'json' is not one of parquet, csv" convert data/good.csv out/x --to json
  expect_error 2 "convert: --compression: unknown compression 'zip'" convert data/good.csv out/existing.parquet --compression zip
  expect_error 2 "convert: --row-group-rows: must be at least 1, not 0" convert data/good.csv out/new.parquet --row-group-rows 0
  expect_error 2 "cat: --input-format: 'xlsx' is not one of parquet, csv, tsv" cat data/good.csv --input-format xlsx
  expect_error 2 "sql: --memory-limit: 'lots' is not a memory size" sql -w wh --memory-limit lots "SELECT 1"
  expect_error 2 "sql: --param: 'region': expected name=value" sql -w wh --param region "SELECT 1"
  expect_error 2 "run: --param: '=eu': expected name=value" run pipe/pipeline.toml --param =eu
  expect_error 2 "run: --parallel" run pipe/pipeline.toml --parallel 0
  expect_error 2 "vacuum: --retain: 'soon' is not a number" vacuum wh/sales --retain soon
  expect_error 2 "vacuum: --retain: must be 0 or more, not -1" vacuum wh/sales --retain -1
  expect_error 2 "optimize: --target-mb: must be at least 1, not 0" optimize wh/sales --target-mb 0
  expect_error 2 "cat: --version: must be at least 0, not -1" cat wh/sales --version -1
  expect_error 2 "cannot tell the output format of 'out/x.txt'; pass --to parquet or csv" convert data/good.csv out/x.txt
  # A parameter the SQL does not use (a typo, a forgotten WHERE) would give every region's rows.
  expect_error 1 "--param regoin=eu: no statement uses :regoin" sql -w wh --param regoin=eu "SELECT count(*) FROM sales WHERE region = :region"
  expect_error 1 "--param region=eu: no statement uses :region" sql -w wh --param region=eu "SELECT count(*) FROM sales"
  expect_error 2 "cat: --columns: empty" cat data/good.csv --columns ""
  expect_error 2 "load: --partition-by: empty" load wh/new data/good.csv --partition-by ""
  expect_error 2 "load: --property: 'delta.appendOnly': expected name=value" load wh/new data/good.csv --property delta.appendOnly
  # Type errors in the data: the load commits nothing.
  expect_error 1 "INSERT|qty|int|cast" sql -w wh "INSERT INTO sales VALUES (1, 'eu', 'many')"
  expect_unchanged
}

case_help() {
  expect_ok help
  cp "$out" "$tmp/help"
  expect_ok --help
  cmp -s "$out" "$tmp/help" || fail "braid help differs from braid --help"
  grep -q "^  convert " "$out" || fail "help lists the commands: $(cat "$out")"
  for command in cat convert load sql run help; do
    expect_ok help "$command"
    cp "$out" "$tmp/help"
    expect_ok "$command" --help
    cmp -s "$out" "$tmp/help" || fail "braid help $command differs from braid $command --help"
  done
  expect_error 2 "unknown command 'nosuch'" help nosuch
  expect_error 2 "unknown command 'sqll' \(did you mean 'sql'\?\)" help sqll
}

# Every option given is honoured or refused, never parsed and ignored.
case_options_that_do_not_apply() {
  snapshot
  expect_error 2 "--compression applies to Parquet output; 'out/new.csv' is written as CSV" \
    convert data/good.csv out/new.csv --compression gzip
  expect_error 2 "--row-group-rows applies to Parquet output" convert data/good.csv out/existing.csv --row-group-rows 10
  expect_error 1 "--delimiter applies to CSV input; 'out/existing.parquet' is Parquet" cat out/existing.parquet --delimiter ';'
  expect_error 1 "--no-header applies to CSV input; 'wh/sales' is a Delta table" cat wh/sales --no-header
  expect_error 1 "--null applies to CSV input" convert out/existing.parquet out/new.csv --null NA
  expect_error 1 "--input-format applies to files; 'wh/sales' is a folder" cat wh/sales --input-format csv
  expect_error 1 "--version and --timestamp apply to Delta tables; 'data/good.csv' is a file" cat data/good.csv --version 0
  expect_error 1 "--property sets the properties of a new table, and 'wh/sales' exists" \
    load wh/sales data/good.csv --property delta.appendOnly=true
  expect_error 2 "give SQL text or -f FILE, not both" sql -w wh -f pipe/pipeline.toml "SELECT 1"
  expect_error 2 "--report cannot be used with --dry-run" run pipe/pipeline.toml --dry-run --report out/r.json
  expect_error 2 "--resume cannot be used with --dry-run" run pipe/pipeline.toml --dry-run --resume r1
  expect_error 2 "give a PIPELINE file or --warehouse, not both" audit pipe/pipeline.toml -w wh
  expect_unchanged
}

case_missing_files_and_tables() {
  snapshot
  expect_error 1 "data/nope.csv" cat data/nope.csv
  expect_error 1 "data/nope.csv" convert data/nope.csv out/existing.parquet
  expect_error 1 "data/nope.csv" load wh/new data/nope.csv
  expect_error 1 "nope" sql -w wh "SELECT * FROM nope"
  expect_error 1 "nowhere" sql -w nowhere "SELECT 1"
  expect_error 1 "wh/nope" describe wh/nope
  expect_error 1 "data" history data
  expect_error 1 "pipe/nope.toml" run pipe/nope.toml
  expect_error 1 "out/nope" convert data/good.csv out/nope/new.parquet
  expect_error 1 "not a Delta table|_delta_log" cat wh
  # Arguments the wrong way round, or a table folder that holds other files.
  expect_error 1 "'data/good.csv' is a file, not a table folder" load data/good.csv wh/sales
  expect_error 1 "'data' is a folder of other files \('bad.csv'\), not a Delta table" load data data/good.csv
  expect_unchanged
}

case_bad_csv_into_an_existing_output() {
  snapshot
  # The bad row is the last of 30001: the old output must survive a write that fails late.
  expect_error 1 "data/bad.csv:30002:1: column 'id'" convert data/bad.csv out/existing.parquet
  expect_error 1 "data/bad.csv:30002:1" convert data/bad.csv out/existing.csv
  expect_error 1 "data/bad.csv:30002:1" convert data/bad.csv out/existing.csv --to csv
  expect_unchanged "a failed convert changed its output"
  # A new output is not created at all.
  expect_error 1 "data/bad.csv:30002:1" convert data/bad.csv out/new.parquet
  expect_error 1 "data/bad.csv:30002:1" convert data/bad.csv out/new.csv
  expect_unchanged "a failed convert left a file"
}

case_bad_csv_into_a_table() {
  snapshot
  expect_error 1 "data/bad.csv:30002:1" load wh/sales data/bad.csv
  # good.csv's data file is written before bad.csv fails: the failed load removes it again.
  expect_error 1 "data/bad.csv:30002:1" load wh/sales data/good.csv data/bad.csv
  expect_error 1 "data/bad.csv:30002:1" load wh/fresh data/good.csv data/bad.csv --partition-by region
  expect_unchanged "a failed load left files"
  expect_ok cat wh/sales --format csv
  [ "$(wc -l < "$out")" == 1001 ] || fail "wh/sales rows: $(wc -l < "$out")"
}

case_convert_onto_itself() {
  expect_ok cat out/existing.parquet --format csv
  cp "$out" "$tmp/before"
  expect_ok convert out/existing.parquet out/existing.parquet
  expect_ok cat out/existing.parquet --format csv
  cmp -s "$out" "$tmp/before" || fail "convert onto itself changed the rows: $(cat "$out")"
  [ -z "$(compgen -G 'out/.*tmp-*')" ] || fail "temporary files left: $(ls -A out)"
}

case_ctrl_c_during_convert() {
  big_table > /dev/null
  snapshot
  start_slow_convert out/existing.parquet
  kill -INT "$pid"
  rc=0
  wait "$pid" || rc=$?
  [ "$rc" == 130 ] || fail "convert after SIGINT exited $rc (expected 130, killed by SIGINT): $(cat "$tmp/convert_err")"
  grep -q "^braid: error: convert interrupted (SIGINT): 'out/existing.parquet' was left as it was$" "$tmp/convert_err" ||
    fail "SIGINT message: $(cat "$tmp/convert_err")"
  expect_unchanged "Ctrl-C during convert"
  # A new output: nothing at all remains.
  start_slow_convert out/new.csv
  kill -INT "$pid"
  wait "$pid" || true
  expect_unchanged "Ctrl-C during convert to a new file"
}

case_sigterm_during_convert() {
  big_table > /dev/null
  snapshot
  start_slow_convert out/existing.csv
  kill -TERM "$pid"
  rc=0
  wait "$pid" || rc=$?
  [ "$rc" == 143 ] || fail "convert after SIGTERM exited $rc (expected 143): $(cat "$tmp/convert_err")"
  grep -q "terminated (SIGTERM)" "$tmp/convert_err" || fail "SIGTERM message: $(cat "$tmp/convert_err")"
  expect_unchanged "SIGTERM during convert"
}

case_ctrl_c_during_load() {
  local big small
  big=$(big_table)
  small=$(big_table small)
  snapshot
  # The small table's data file is written before the big one is read: there is something to
  # clean up when the signal comes.
  set -m
  "$braid" load wh/copy "$small" "$big" 2> "$tmp/load_err" &
  pid=$!
  set +m
  for _ in $(seq 1 500); do
    [ -n "$(find wh/copy -name 'part-*' 2> /dev/null)" ] && break
    kill -0 "$pid" 2> /dev/null || fail "load ended before it could be interrupted: $(cat "$tmp/load_err")"
    sleep 0.01
  done
  kill -INT "$pid"
  rc=0
  wait "$pid" || rc=$?
  [ "$rc" == 130 ] || fail "load after SIGINT exited $rc: $(cat "$tmp/load_err")"
  grep -q "^braid: error: load interrupted (SIGINT): nothing was committed to 'wh/copy'$" "$tmp/load_err" ||
    fail "SIGINT message: $(cat "$tmp/load_err")"
  expect_unchanged "Ctrl-C during load: its data files are removed"
}

case_kill_9_during_convert() {
  big_table > /dev/null
  snapshot
  start_slow_convert out/existing.parquet
  kill -KILL "$pid"
  wait "$pid" 2> /dev/null || true
  # Only the temporary file is left, and the old output is intact.
  tree_state | grep -v '\.existing\.parquet\.tmp-' > "$tmp/now"
  diff "$tmp/snapshot" "$tmp/now" || fail "kill -9 changed something beside the temporary file"
  [ -n "$(compgen -G 'out/.existing.parquet.tmp-*')" ] || fail "no temporary file after kill -9"
  # The next write to the same target removes the leftover of the dead process.
  expect_ok convert data/good2.csv out/existing.parquet
  [ -z "$(compgen -G 'out/.existing.parquet.tmp-*')" ] || fail "leftover not removed: $(ls -A out)"
  expect_ok cat out/existing.parquet --format csv
  [ "$(cat "$out")" == "$(cat data/good2.csv)" ] || fail "the new output: $(cat "$out")"
}

case_read_only_output_folder() {
  local as=()
  if [ "$(id -u)" == 0 ]; then
    # Root is not stopped by folder permissions: run braid as nobody (setpriv, util-linux).
    command -v setpriv > /dev/null || skip_case "running as root and setpriv is missing: permissions do not apply to root"
    as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    "${as[@]}" "$braid" --version > /dev/null 2>&1 || skip_case "running as root and user nobody cannot run $braid"
  fi
  chmod -R a+rX .
  chmod a-w out wh wh/sales wh/sales/_delta_log
  snapshot
  # as the other user, through a wrapper with the same checks
  local real="$braid"
  braid="$tmp/as_user"
  printf '#!/bin/sh\nexec %s %q "$@"\n' "${as[*]}" "$real" > "$braid"
  chmod 755 "$braid"
  expect_error 1 "writing 'out/existing.parquet': creating 'out/\.existing\.parquet\.tmp-[0-9a-f-]+': Permission denied" \
    convert data/good.csv out/existing.parquet
  expect_error 1 "Permission denied" convert data/good.csv out/new.csv
  # The report's folder is checked before the run: nothing runs, nothing is written.
  expect_error 1 "writing 'out/r.json'.*Permission denied" run pipe/pipeline.toml --report out/r.json
  expect_error 1 "Permission denied" load wh/sales data/good.csv
  expect_unchanged "writes into read-only folders"
  braid="$real"
  chmod u+w out wh wh/sales wh/sales/_delta_log
}

case_report_into_a_missing_folder() {
  snapshot
  expect_error 1 "writing 'nowhere/r.json'" run pipe/pipeline.toml --report nowhere/r.json
  expect_unchanged "a run whose report cannot be written must not start"
  expect_ok run pipe/pipeline.toml --run-id r1 --report out/r.json
  grep -q '"run_id":"r1"' out/r.json || fail "report: $(cat out/r.json)"
  [ -z "$(compgen -G 'out/.*tmp-*')" ] || fail "temporary files left: $(ls -A out)"
}

case_two_loads_into_one_table_at_once() {
  local before
  before=$(q wh "SELECT count(*) FROM sales")
  "$braid" load wh/sales data/good.csv 2> "$tmp/load1" &
  local p1=$!
  "$braid" load wh/sales data/good2.csv 2> "$tmp/load2" &
  local p2=$!
  wait "$p1" || fail "first load: $(cat "$tmp/load1")"
  wait "$p2" || fail "second load: $(cat "$tmp/load2")"
  [ "$(q wh "SELECT count(*) FROM sales")" == $((before + 4)) ] || fail "rows after two loads"
  [ "$(q wh "SELECT count(DISTINCT id) FROM sales WHERE id > 1000")" == 4 ] || fail "the loaded rows"
  # Two new commits, one each.
  [ "$(ls wh/sales/_delta_log/*.json | wc -l)" == 4 ] || fail "commits: $(ls wh/sales/_delta_log)"
  # Two loads creating one new table: both land, or the second says why; never a torn table.
  "$braid" load wh/twice data/good.csv 2> "$tmp/load1" &
  p1=$!
  "$braid" load wh/twice data/good2.csv 2> "$tmp/load2" &
  p2=$!
  wait "$p1" || fail "first create: $(cat "$tmp/load1")"
  wait "$p2" || fail "second create: $(cat "$tmp/load2")"
  [ "$(q wh "SELECT count(*) FROM twice")" == 4 ] || fail "rows of a table created by two loads at once"
}

case_a_table_file_changed_underneath() {
  local file
  file=$(find wh/sales -name 'part-*.parquet' | sort | head -n 1)
  [ -n "$file" ] || fail "no data file in wh/sales"
  # Cut in half by another program: every read names the file, nothing is written.
  truncate -s $(($(stat -c %s "$file") / 2)) "$file"
  snapshot
  expect_error 1 "$(basename "$file")" cat wh/sales
  expect_error 1 "$(basename "$file")" convert wh/sales out/existing.parquet
  expect_error 1 "$(basename "$file")" sql -w wh "SELECT count(*), sum(qty) FROM sales"
  expect_unchanged "reading a damaged table"
  # A data file removed by hand.
  rm "$file"
  snapshot
  expect_error 1 "$(basename "$file")" cat wh/sales
  expect_error 1 "$(basename "$file")" convert wh/sales out/existing.csv
  expect_unchanged "reading a table with a missing file"
}

case_vacuum_below_the_retention() {
  snapshot
  expect_error 1 "retention" vacuum wh/sales --retain 0
  expect_unchanged "a refused vacuum"
}

# ---- the run

failed=0
make_fixture
make_big_tables &
cases=$(declare -F | awk '{print $3}' | grep '^case_' | sed 's/^case_//' | grep -E -- "$only")
[ -n "$cases" ] || { echo "no case matches $only" >&2; exit 1; }
for name in $cases; do
  dir="$tmp/cases/$name"
  mkdir -p "$tmp/cases"
  cp -a "$tmp/fixture" "$dir"
  start=$(date +%s%N)
  (cd "$dir" && set -e && "case_$name") > "$tmp/case.log" 2>&1
  status=$?
  ms=$((($(date +%s%N) - start) / 1000000))
  case $status in
    0) printf 'ok    %-40s %5d ms\n' "$name" "$ms" ;;
    77) printf 'skip  %-40s %s\n' "$name" "$(grep '^SKIP: ' "$tmp/case.log" | sed 's/^SKIP: //')" ;;
    *)
      printf 'FAIL  %-40s\n' "$name"
      sed 's/^/      /' "$tmp/case.log"
      failed=1
      ;;
  esac
  chmod -R u+w "$dir" && rm -rf "$dir"
done
wait  # the big tables, when no case needed them
[ "$failed" == 0 ] && echo "adversarial_test: ok"
exit "$failed"
