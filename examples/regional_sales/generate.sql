-- Data for the regional_sales pipeline, made by braid itself:
--   braid sql -w DATA_DIR -f generate.sql --param rows=1000000
-- `sales` (the source, a Delta table in DATA_DIR): :rows sales rows over 32 regions of skewed
-- sizes (the largest about 12 times the smallest), about 0.1% without a customer (the
-- pipeline quarantines them) and 5% void.
-- Every value is a function of the row number: the same :rows always gives the same rows.
CREATE TABLE sales AS
WITH numbered AS (
  SELECT id,
         ((xxhash64(id, 1) % 1000) + 1000) % 1000 AS h_region,
         ((xxhash64(id, 2) % 1000000) + 1000000) % 1000000 AS h2,
         ((xxhash64(id, 3) % 1000000) + 1000000) % 1000000 AS h3
  FROM range(:rows)
)
SELECT 5000000000 + id AS txn_id,
       concat('region-', lpad(CAST(CAST(floor(32 * (h_region / 1000.0) * (h_region / 1000.0)) AS INT) AS STRING), 2, '0')) AS region,
       CASE h2 % 3 WHEN 0 THEN 'online' WHEN 1 THEN 'retail' ELSE 'wholesale' END AS business_unit,
       CASE WHEN h3 % 1000 = 0 THEN NULL ELSE 1 + h3 % 250000 END AS customer_id,
       concat('SKU-', lpad(CAST(h2 % 1024 AS STRING), 4, '0')) AS product,
       CAST(1 + h3 % 12 AS INT) AS quantity,
       CAST((100 + h2 % 99900) / 100.0 AS DECIMAL(12,2)) AS unit_price,
       CASE WHEN h3 % 10 < 3 THEN NULL ELSE (h2 % 31) / 100.0D END AS discount,
       to_timestamp(from_unixtime(1704067200 + h2 * 31)) AS txn_ts,
       CASE WHEN h3 % 20 = 7 THEN 'void' ELSE 'ok' END AS status
FROM numbered;

-- `target`: what the pipeline merges into. Partitioned by region, so each region's task
-- rewrites only its own partition's files and tasks never conflict. It starts with 40% of the
-- source rows as an earlier run wrote them, half of those with another quantity (the pipeline
-- updates them; the others it leaves alone).
CREATE TABLE target (
  txn_id BIGINT, region STRING, business_unit STRING, customer_id BIGINT, product STRING,
  quantity INT, unit_price DECIMAL(12,2), discount DOUBLE, amount DECIMAL(18,2),
  txn_ts TIMESTAMP, status STRING, load_ts TIMESTAMP
) USING DELTA PARTITIONED BY (region);

INSERT INTO target
SELECT txn_id, upper(region), business_unit, customer_id, product, q, unit_price, discount,
       CAST(round(q * unit_price * (1 - coalesce(CAST(discount AS DECIMAL(4,2)), 0)), 2) AS DECIMAL(18,2)),
       txn_ts, status, TIMESTAMP '2024-12-31 00:00:00'
FROM (SELECT *, CASE WHEN txn_id % 2 = 0 THEN quantity ELSE quantity + 1 END AS q FROM sales)
WHERE txn_id % 5 < 2 AND customer_id IS NOT NULL AND status <> 'void';
