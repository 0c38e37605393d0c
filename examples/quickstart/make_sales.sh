#!/usr/bin/env bash
# Writes a deterministic sales CSV with N rows (default 100000) to stdout: the same columns as
# the seed scenario's source (../shared/bench), with quoting, NULLs and skewed regions.
# Usage: make_sales.sh [ROWS] > sales.csv
set -euo pipefail
rows="${1:-100000}"
awk -v rows="$rows" 'BEGIN {
  srand(20261124);
  split("us-east us-west eu-west eu-central ap-south ap-northeast sa-east af-south", regions, " ");
  split("online|retail|wholesale|partner|direct, b2b|marketplace", units, "|");
  print "txn_id,region,business_unit,customer_id,product,quantity,unit_price,discount,txn_ts,status";
  for (i = 0; i < rows; i++) {
    # Zipf-like skew: region k has weight 1/k.
    r = rand() * 2.7179; k = 1; acc = 1.0;
    while (acc < r && k < 8) { k++; acc += 1.0 / k; }
    u = units[int(rand() * 6) + 1];
    if (u ~ /,/) u = "\"" u "\"";  # a field holding the delimiter must be quoted
    q = int(rand() * 12) + 1; if (rand() < 0.05) q = -int(rand() * 3) - 1;
    price = sprintf("%d.%02d", int(rand() * 999) + 1, int(rand() * 100));
    d = (rand() < 0.3) ? "" : sprintf("%.2f", int(rand() * 31) / 100);
    secs = int(rand() * 31536000); micros = int(rand() * 1000000);
    ts = strftime("%Y-%m-%d %H:%M:%S", 1704067200 + secs, 1) sprintf(".%06d", micros);
    s = rand(); status = (s < 0.906) ? "ok" : (s < 0.953 ? "void" : "refund");
    printf "%.0f,%s,%s,%d,SKU-%04d,%d,%s,%s,%s,%s\n", 5000000000 + i, regions[k], u, int(rand() * 250000) + 1, int(rand() * 1024), q, price, d, ts, status;
  }
}'
