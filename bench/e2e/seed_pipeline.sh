#!/usr/bin/env bash
# The seed pipeline (../shared/bench/README.md) done by braid, with the interface run_peers
# expects of a contender:
#   seed_pipeline.sh --data DIR --out PATH [--mode per-entity|single-pass] [--threads N] [--braid BIN]
# load:  DIR/target.parquet becomes the Delta table PATH, partitioned by region (CTAS);
# merge: `braid run` of a pipeline over DIR/sales.parquet: per-entity is one task per region,
#        each staging its rows as a view named `staged` and MERGEing it into PATH; single-pass is
#        one task over every region;
# write: nothing left to do (the MERGEs rewrote only the files they touched, in place).
# The last stdout line is the JSON object run_peers reads. From ../shared/bench:
#   ./run_peers -s 1 -x "braid=$PWD/bench/e2e/seed_pipeline.sh --data {data} --out {out}"
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
braid="$here/../../build/release/braid"
data="" out="" mode="per-entity" threads="$(nproc)"
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --mode) mode="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --braid) braid="$2"; shift 2 ;;
    *) echo "seed_pipeline.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$data" ] && [ -n "$out" ] || { echo "usage: seed_pipeline.sh --data DIR --out PATH [--mode per-entity|single-pass]" >&2; exit 2; }
case "$mode" in per-entity|single-pass) ;; *) echo "seed_pipeline.sh: --mode per-entity or single-pass" >&2; exit 2 ;; esac
data="$(cd "$data" && pwd)"
mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
warehouse="$(dirname "$out")"
table="$(basename "$out")"
rm -rf "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
now() { date +%s%N; }

t0=$(now)
BRAID_THREADS="$threads" "$braid" sql -w "$warehouse" "CREATE TABLE \`$table\` USING DELTA PARTITIONED BY (region)
  AS SELECT * FROM read_parquet('$data/target.parquet')" 2>/dev/null
t1=$(now)

if [ "$mode" = per-entity ]; then
  for_each='for_each = "SELECT DISTINCT region FROM sales"'
  filter="region = :region AND status <> 'void'"
else
  for_each=''
  filter="status <> 'void'"
fi
cat > "$work/pipeline.toml" <<TOML
[pipeline]
name = "seed_$mode"
warehouse = "$warehouse"
parallelism = $threads

[sources.sales]
path = "$data/sales.parquet"

[flows.merge]
$for_each
stage = """
SELECT txn_id, upper(region) AS region, business_unit, customer_id, product, quantity, unit_price, discount,
       CAST(round(quantity * unit_price * (1 - coalesce(CAST(discount AS DECIMAL(4,2)), 0)), 2) AS DECIMAL(18,2)) AS amount,
       txn_ts, status, TIMESTAMP '2025-01-01 00:00:00' AS load_ts
FROM sales WHERE $filter
"""
view = "staged"
merge = """
MERGE INTO \`$table\` AS t USING staged AS s ON t.txn_id = s.txn_id AND t.region = s.region
WHEN MATCHED AND s.amount <> t.amount THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *
"""
max_retries = 10
TOML
BRAID_THREADS="$threads" "$braid" run "$work/pipeline.toml" --report "$work/report.json" > "$work/summary.txt" 2> "$work/run.log" \
  || { cat "$work/run.log" "$work/summary.txt" >&2; exit 1; }
t2=$(now)
rows_out=$("$braid" sql -w "$warehouse" "SELECT count(*) FROM \`$table\`" --format csv | tail -1)
affected=$(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(r.tasks.reduce((n, t) => n + t.rows_inserted + t.rows_updated, 0));' "$work/report.json")
t3=$(now)
ms() { echo $(( ($2 - $1) / 1000000 )); }
tail -1 "$work/summary.txt" >&2
printf '{"engine":"braid","engine_version":"%s","mode":"%s","threads":%s,"rows_affected":%s,"rows_out":%s,"timings_ms":{"load":%s,"merge":%s,"write":0,"total":%s},"output":"%s"}\n' \
  "$("$braid" --version | awk '{print $2}')" "$mode" "$threads" "$affected" "$rows_out" \
  "$(ms "$t0" "$t1")" "$(ms "$t1" "$t2")" "$(ms "$t0" "$t2")" "$out"
