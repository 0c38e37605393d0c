CREATE TABLE IF NOT EXISTS sales (id BIGINT NOT NULL, region STRING COMMENT 'ISO', amount DECIMAL(12,2),
  tags ARRAY<STRING>, attrs MAP<STRING, INT>, s STRUCT<a: INT, b STRING>, date DATE)
USING DELTA PARTITIONED BY (region) LOCATION '/w/sales' COMMENT 'sales'
TBLPROPERTIES ('delta.appendOnly' = 'false', delta.logRetentionDuration = 'interval 30 days');
CREATE OR REPLACE TABLE t2 USING delta AS SELECT * FROM sales;
CREATE OR REPLACE TEMP VIEW staged (a, b COMMENT 'x') AS SELECT 1, 2;
DROP TABLE IF EXISTS t2; DROP VIEW staged;
