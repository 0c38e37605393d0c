#!/usr/bin/env node
// Cross-check of braid's SQL against DuckDB on the same generated data (../shared/bench):
//   - a set of SELECT queries (filters, expressions, aggregates, joins, windows, set operations)
//     run by `braid sql` over read_parquet() and by DuckDB over read_parquet(); results compared
//     exactly as multisets of rows (values in a canonical text form);
//   - the seed scenario's MERGE: braid loads target.parquet into a Delta table and runs the stage
//     view and MERGE; DuckDB runs the same pipeline (../shared/bench/duckdb_pipeline.mjs); the
//     canonical checksums of both results (../shared/bench/checksum.mjs) must be equal, and the
//     MERGE's counts must equal the manifest's expected_merge.
// Usage: sql_duckdb_crosscheck.mjs BRAID [SCALE]   (SCALE defaults to 0.05)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const braid = resolve(process.argv[2] ?? '');
const scale = process.argv[3] ?? '0.05';
const bench = resolve(here, '../../../shared/bench');
if (!existsSync(join(bench, 'lib/peers.mjs'))) {
  console.log(`SKIP: ${bench} is absent (../shared is not checked out next to the project)`);
  process.exit(0);
}
let con;
try {
  const peers = await import(pathToFileURL(join(bench, 'lib/peers.mjs')).href);
  const duckdb = await peers.loadDuckDB();
  con = await (await duckdb.DuckDBInstance.create(':memory:')).connect();
  await con.run("SET TimeZone='UTC'");
} catch (e) {
  console.log(`SKIP: DuckDB is unavailable (${e.message.split('\n')[0]}); run ../shared/peers/setup`);
  process.exit(0);
}
const spec = await import(pathToFileURL(join(bench, 'lib/spec.mjs')).href);

const work = mkdtempSync(join(tmpdir(), 'braid-sql-crosscheck-'));
const problems = [];
const run = (cmd, args, what) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  return r;
};

// Canonical cell text: numbers as numbers (decimals and doubles to 9 significant digits),
// NULL as \N, timestamps as microseconds.
const canon = (v) => {
  if (v === null || v === undefined || v === '') return '\\N';
  const n = Number(v);
  if (v !== true && v !== false && String(v).trim() !== '' && Number.isFinite(n)) return String(Number(n.toPrecision(9)));
  return String(v);
};

try {
  const data = join(work, 'data');
  run('node', [join(bench, 'gen_data.mjs'), '--scale', scale, '--out', data], 'gen_data.mjs');
  const sales = join(data, 'sales.parquet');
  const target = join(data, 'target.parquet');
  const sq = (s) => `'${s.replace(/'/g, "''")}'`;

  const queries = [
    `SELECT region, count(*), sum(quantity), min(unit_price), max(unit_price), count(discount) FROM S GROUP BY region`,
    `SELECT status, business_unit, count(*) AS n, sum(unit_price) FROM S WHERE quantity > 0 AND status <> 'void' GROUP BY status, business_unit`,
    `SELECT upper(region), sum(quantity * unit_price) FROM S WHERE region IN ('us-east', 'canada', 'mexico') GROUP BY upper(region)`,
    `SELECT product, count(DISTINCT customer_id) FROM S WHERE region = 'us-west' GROUP BY product HAVING count(*) > 5`,
    `SELECT CASE WHEN quantity < 0 THEN 'refund' WHEN quantity > 3 THEN 'bulk' ELSE 'normal' END AS kind, count(*) FROM S GROUP BY 1`,
    `SELECT coalesce(discount, 0) AS d, count(*) FROM S GROUP BY coalesce(discount, 0)`,
    `SELECT region, avg(quantity) FROM S GROUP BY region`,
    `SELECT s.region, count(*), sum(t.quantity) FROM S s JOIN T t ON s.txn_id = t.txn_id GROUP BY s.region`,
    `SELECT count(*) FROM S s LEFT JOIN T t ON s.txn_id = t.txn_id WHERE t.txn_id IS NULL`,
    `SELECT count(*) FROM T t LEFT ANTI JOIN S s ON t.txn_id = s.txn_id`,
    `SELECT count(*) FROM S s LEFT SEMI JOIN T t ON s.txn_id = t.txn_id`,
    `SELECT region, txn_id FROM (SELECT region, txn_id, row_number() OVER (PARTITION BY region ORDER BY txn_ts DESC, txn_id) AS rn FROM S) WHERE rn <= 2`,
    `SELECT customer_id, sum(quantity) FROM S WHERE customer_id < 1000 GROUP BY customer_id`,
    `SELECT txn_id, quantity FROM S ORDER BY txn_id DESC LIMIT 7`,
    `SELECT region FROM S WHERE quantity > 4 UNION SELECT region FROM T WHERE quantity < -4`,
    `SELECT count(*) FROM (SELECT DISTINCT region, status FROM S)`,
    `SELECT substring(product, 1, 5), length(product), lower(business_unit) FROM S WHERE txn_id % 997 = 0`,
    // (CAST(decimal AS BIGINT) differs on purpose: Spark truncates, DuckDB rounds; floor() agrees.)
    `SELECT CAST(floor(unit_price) AS BIGINT), CAST(quantity AS DOUBLE) * 2, unit_price * 3 FROM S WHERE txn_id % 991 = 0`,
  ];
  let passed = 0;
  for (const q of queries) {
    const braidSql = q.replaceAll('FROM S', `FROM read_parquet(${sq(sales)})`).replaceAll('JOIN T', `JOIN read_parquet(${sq(target)})`)
      .replaceAll('FROM T', `FROM read_parquet(${sq(target)})`).replaceAll('JOIN S', `JOIN read_parquet(${sq(sales)})`);
    const r = spawnSync(braid, ['sql', '-w', work, '--format', 'jsonl', braidSql], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0) {
      problems.push(`braid failed on: ${q}\n  ${r.stderr.trim()}`);
      continue;
    }
    const mine = r.stdout.split('\n').filter(Boolean).map((l) => Object.values(JSON.parse(l)).map(canon).join('|')).sort();
    // DuckDB spells Spark's LEFT SEMI / LEFT ANTI JOIN without LEFT.
    const duckSql = braidSql.replaceAll('LEFT ANTI JOIN', 'ANTI JOIN').replaceAll('LEFT SEMI JOIN', 'SEMI JOIN');
    let reader;
    try {
      reader = await con.runAndReadAll(duckSql);
    } catch (e) {
      problems.push(`DuckDB failed on: ${q}\n  ${e.message.split('\n')[0]}`);
      continue;
    }
    const theirs = reader.getRows().map((row) => row.map((v) => canon(typeof v === 'bigint' ? v.toString() : v?.toString?.() ?? v)).join('|')).sort();
    if (JSON.stringify(mine) !== JSON.stringify(theirs)) {
      const i = mine.findIndex((x, k) => x !== theirs[k]);
      problems.push(`different results for: ${q}\n  braid ${mine.length} rows, DuckDB ${theirs.length}; first difference: braid [${mine[i]}] DuckDB [${theirs[i]}]`);
    } else {
      passed++;
    }
  }
  console.log(`queries: ${passed} of ${queries.length} equal to DuckDB`);

  // The seed scenario's MERGE, both engines.
  const wh = join(work, 'wh');
  mkdirSync(wh);
  run(braid, ['load', join(wh, 'target'), target], 'braid load');
  const stage = spec.stageSql(`read_parquet(${sq(sales)})`, null).replace(`TIMESTAMP '${spec.LOAD_TS}'`, `TIMESTAMP_NTZ '${spec.LOAD_TS}'`);
  writeFileSync(join(work, 'seed.sql'), `CREATE TEMP VIEW staged AS ${stage};\n${spec.mergeSql('target', 'staged')};\n`);
  const merged = run(braid, ['sql', '-w', wh, '-f', join(work, 'seed.sql')], 'braid sql (seed MERGE)');
  const manifest = JSON.parse(readFileSync(join(data, 'manifest.json'), 'utf8'));
  const want = `${manifest.expected_merge.inserted} rows inserted, ${manifest.expected_merge.updated} updated, 0 deleted`;
  if (!merged.stderr.includes(want)) problems.push(`seed MERGE: expected "${want}", braid said: ${merged.stderr.trim()}`);
  const out = join(work, 'duckdb.parquet');
  run('node', [join(bench, 'duckdb_pipeline.mjs'), '--data', data, '--mode', 'single-pass', '--out', out], 'duckdb_pipeline.mjs');
  const a = run('node', [join(bench, 'checksum.mjs'), join(wh, 'target')], 'checksum of braid').stdout.trim();
  const b = run('node', [join(bench, 'checksum.mjs'), out], 'checksum of DuckDB').stdout.trim();
  if (a !== b) problems.push(`seed MERGE results differ:\n  braid  ${a.slice(0, 200)}\n  DuckDB ${b.slice(0, 200)}`);
  else console.log(`seed MERGE: braid and DuckDB results are equal (${JSON.parse(a).rows} rows)`);
} catch (e) {
  problems.push(e.message);
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (problems.length) {
  console.error(`FAILED:\n${problems.join('\n')}`);
  process.exit(1);
}
