#!/usr/bin/env bash
# CSV scan, braid vs DuckDB, on the seed benchmark's sales.csv (../shared/bench).
#
#   bench/e2e/csv_vs_duckdb.sh [BUILD_DIR] [DATA_DIR]
#
# BUILD_DIR holds bench/braid_csv_scan (default build/release); DATA_DIR holds sales.csv
# (default /tmp/bench-data/scale-1; generated with ../shared/bench/gen_data.mjs when missing).
# Environment: RUNS (default 5) runs per engine and thread count, median reported;
# THREADS (default "1 <all>") the thread counts to compare.
#
# braid: braid_csv_scan reads the whole file with CsvReader (types inferred, every column parsed
# into Arrow buffers, batches dropped as they come); threads via BRAID_THREADS.
# DuckDB: `SELECT count(*), count(<every column>) FROM read_csv(...)` (csv_duckdb_scan.mjs), which
# also sniffs and converts every column; threads via the `threads` setting.
# Both must agree on the row count, the number of NULLs and per-column sums of the values read
# (doubles to 1e-9 relative), or the script fails.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="${BRAID_SHARED:-$(cd "$root/.." && pwd)/shared}"
build="${1:-$root/build/release}"
data="${2:-/tmp/bench-data/scale-1}"
runs="${RUNS:-5}"
all="$(nproc)"
threads="${THREADS:-1 $all}"
scan="$build/bench/braid_csv_scan"
csv="$data/sales.csv"

[ -x "$scan" ] || { echo "no $scan: build the braid_csv_scan target first" >&2; exit 1; }
if [ ! -f "$csv" ]; then
  scale="$(basename "$data" | sed -n 's/^scale-//p')"
  node "$shared/bench/gen_data.mjs" --scale "${scale:-1}" --out "$data" >&2
fi
bytes="$(stat -c %s "$csv")"

# Median of the "ms" fields of JSON lines on stdin; also checks that "rows" and "nulls" agree.
median() {
  node -e '
    const lines = require("fs").readFileSync(0, "utf8").trim().split("\n").map(JSON.parse)
      .filter((l) => l.ms !== undefined);
    const ms = lines.map((l) => l.ms).sort((a, b) => a - b);
    const rows = new Set(lines.map((l) => l.rows)), nulls = new Set(lines.map((l) => l.nulls));
    if (rows.size !== 1 || nulls.size !== 1) { console.error("runs disagree"); process.exit(1); }
    console.log(ms[Math.floor(ms.length / 2)], lines[0].rows, lines[0].nulls);'
}

echo "file: $csv ($((bytes / 1000000)) MB), runs: $runs (median), machine: $all hardware threads"
printf '%-8s %12s %10s %12s %10s %14s\n' threads braid_ms braid_MB/s duckdb_ms duckdb_MB/s duckdb/braid
for t in $threads; do
  read -r braid_ms braid_rows braid_nulls < <(BRAID_THREADS="$t" "$scan" "$csv" --repeat "$runs" | median)
  read -r duck_ms duck_rows duck_nulls < <(node "$here/csv_duckdb_scan.mjs" "$csv" "$t" "$runs" | median)
  if [ "$braid_rows" != "$duck_rows" ] || [ "$braid_nulls" != "$duck_nulls" ]; then
    echo "MISMATCH at $t threads: braid rows=$braid_rows nulls=$braid_nulls, duckdb rows=$duck_rows nulls=$duck_nulls" >&2
    exit 1
  fi
  awk -v t="$t" -v b="$braid_ms" -v d="$duck_ms" -v bytes="$bytes" 'BEGIN {
    printf "%-8s %12.1f %10.0f %12.1f %10.0f %13.2fx\n", t, b, bytes / 1e3 / b, d, bytes / 1e3 / d, d / b }'
done
echo "rows: $braid_rows, NULLs: $braid_nulls (same in both)"

# The values themselves: per-column sums from one more read by each engine.
BRAID_THREADS="$all" "$scan" "$csv" --sums | tail -1 > "${TMPDIR:-/tmp}/csv_sums_braid.json"
node "$here/csv_duckdb_scan.mjs" "$csv" "$all" 0 --sums | tail -1 > "${TMPDIR:-/tmp}/csv_sums_duckdb.json"
node -e '
  const [b, d] = process.argv.slice(1).map((f) => JSON.parse(require("fs").readFileSync(f, "utf8")).sums);
  let bad = 0;
  for (const [name, value] of Object.entries(d)) {
    const mine = b[name];
    const same = mine === value ||
      (/[.e]/.test(value + mine) && Math.abs(Number(mine) - Number(value)) <= 1e-9 * Math.abs(Number(value)));
    if (!same) { console.error(`column ${name}: braid ${mine}, duckdb ${value}`); bad++; }
  }
  if (bad) process.exit(1);
  console.log(`values: per-column sums agree (${Object.keys(d).length} columns)`);
' "${TMPDIR:-/tmp}/csv_sums_braid.json" "${TMPDIR:-/tmp}/csv_sums_duckdb.json"
