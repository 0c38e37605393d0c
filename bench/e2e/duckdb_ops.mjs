#!/usr/bin/env node
// The DuckDB side of formats_vs_duckdb.mjs: runs one operation REPEAT times in one process and
// prints one JSON line per run, like braid_format_bench.
//   duckdb_ops.mjs csv-scan FILE THREADS REPEAT
//   duckdb_ops.mjs scan FILE THREADS REPEAT          (Parquet)
//   duckdb_ops.mjs write FILE THREADS REPEAT OUT     (Parquet in memory -> OUT, zstd)
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const { loadDuckDB } = await import(pathToFileURL(join(here, '../../../shared/bench/lib/peers.mjs')).href);
const { DuckDBInstance } = await loadDuckDB();
const [op, file, threads, repeat, out] = process.argv.slice(2);
const con = await (await DuckDBInstance.create(':memory:')).connect();
await con.run(`SET threads=${Number(threads)}`);
const q = (p) => `'${p.replaceAll("'", "''")}'`;
// Every column is consumed (min/max or sum), so DuckDB must decode all of them.
async function allColumns(source) {
  const cols = (await con.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRows().map((r) => r[0]);
  return cols.map((c) => `max("${c}")`).join(', ');
}
if (op === 'write') await con.run(`CREATE TABLE t AS SELECT * FROM read_parquet(${q(file)})`);
const source = op === 'csv-scan' ? `read_csv(${q(file)})` : `read_parquet(${q(file)})`;
const aggs = op === 'write' ? '' : await allColumns(source);
for (let i = 0; i < Number(repeat); i++) {
  const t0 = performance.now();
  let rows = 0;
  if (op === 'write') {
    await con.run(`COPY t TO ${q(out)} (FORMAT parquet, COMPRESSION zstd)`);
  } else {
    const r = await con.runAndReadAll(`SELECT count(*), ${aggs} FROM ${source}`);
    rows = Number(r.getRows()[0][0]);
  }
  const ms = performance.now() - t0;
  const rec = { op, ms: Number(ms.toFixed(1)), rows };
  if (op === 'write') rec.bytes = statSync(out).size;
  console.log(JSON.stringify(rec));
}
