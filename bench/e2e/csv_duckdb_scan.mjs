// csv_duckdb_scan.mjs: DuckDB's read_csv on a file, every column parsed, for csv_vs_duckdb.sh.
//
//   node csv_duckdb_scan.mjs FILE THREADS [RUNS] [--sums]
//
// Each run is a fresh query `SELECT count(*), count(c1), ..., count(cN) FROM read_csv(FILE)`:
// counting every column makes DuckDB convert every column (a NULL cannot be told apart before
// conversion), and sniffing is part of the time, as type inference is for braid. Prints one
// JSON object per run: {"ms","rows","nulls"} with nulls = NULLs over all columns. --sums then
// prints {"sums":{column: text}} as braid_csv_scan --sums does (integer, date and timestamp
// values summed exactly as microseconds or days, doubles, string byte lengths, true booleans).
// DuckDB comes from ../shared/peers (see ../shared/bench/lib/peers.mjs).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const peers = resolve(process.env.BRAID_SHARED ?? join(here, '..', '..', '..', 'shared'), 'bench', 'lib', 'peers.mjs');
const { loadDuckDB } = await import(pathToFileURL(peers).href);
const { DuckDBInstance } = await loadDuckDB();

const args = process.argv.slice(2).filter((a) => a !== '--sums');
const wantSums = process.argv.includes('--sums');
const [file, threadsArg, runsArg] = args;
if (!file || !threadsArg) {
  console.error('usage: node csv_duckdb_scan.mjs FILE THREADS [RUNS]');
  process.exit(2);
}
const threads = Number(threadsArg);
const runs = Number(runsArg ?? 3);
const quoted = `'${file.replaceAll("'", "''")}'`;

const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const conn = await instance.connect();
const described = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_csv(${quoted})`)).getRows();
const columns = described.map((r) => r[0]);
const ident = (c) => `"${c.replaceAll('"', '""')}"`;
const counts = columns.map((c) => `count(${ident(c)})`).join(', ');
const sql = `SELECT count(*), ${counts} FROM read_csv(${quoted})`;
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  const row = (await conn.runAndReadAll(sql)).getRows()[0].map(Number);
  const ms = performance.now() - t;
  const rows = row[0];
  const nulls = rows * columns.length - row.slice(1).reduce((a, b) => a + b, 0);
  console.log(JSON.stringify({ ms: Number(ms.toFixed(1)), rows, nulls }));
}

if (wantSums) {
  const sumOf = ([name, type]) => {
    const c = ident(name);
    if (type === 'VARCHAR') return `sum(strlen(${c}))::HUGEINT::VARCHAR`;
    if (type === 'BOOLEAN') return `sum(${c}::INTEGER)::HUGEINT::VARCHAR`;
    if (type === 'DATE') return `sum(${c} - DATE '1970-01-01')::HUGEINT::VARCHAR`;
    if (type.startsWith('TIMESTAMP')) return `sum(epoch_us(${c})::HUGEINT)::VARCHAR`;
    if (type === 'DOUBLE' || type === 'FLOAT') return `printf('%.17g', sum(${c}))`;
    return `sum(${c})::VARCHAR`;
  };
  const row = (await conn.runAndReadAll(
    `SELECT ${described.map(sumOf).join(', ')} FROM read_csv(${quoted})`)).getRows()[0];
  console.log(JSON.stringify({ sums: Object.fromEntries(columns.map((c, i) => [c, String(row[i])])) }));
}
