#!/usr/bin/env node
// braid vs DuckDB on SQL over the ../shared/bench data, in the same run on the same machine:
//   agg     filter + project + aggregate by region over sales.parquet
//   join    sales joined with a 1M-row dimension (scale-1 target.parquet) on txn_id, aggregated
//   merge   one MERGE of 10% changed rows into the scale's target: braid over a Delta table
//           partitioned by region, DuckDB over a native table (loaded first, not timed)
// Each (engine, query) runs in its own process under /usr/bin/time for peak RSS; times are the
// median of REPEAT runs. Prints a Markdown table with ratios (braid / DuckDB: below 1 means braid
// is faster or smaller).
//
//   node bench/e2e/sql_vs_duckdb.mjs [--scale 10] [--repeat 3] [--braid build/release/braid]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const scale = arg('--scale', '10');
const repeat = Number(arg('--repeat', '3'));
const braid = resolve(arg('--braid', join(here, '../../build/release/braid')));
const shared = resolve(here, '../../../shared');
const gen = (s) => {
  const dir = `/tmp/bench-data/scale-${s}`;
  if (!existsSync(join(dir, 'sales.parquet'))) {
    const g = spawnSync('node', [join(shared, 'bench/gen_data.mjs'), '--scale', s, '--out', dir], { stdio: 'inherit' });
    if (g.status !== 0) process.exit(1);
  }
  return dir;
};
if (!existsSync(join(shared, 'bench/gen_data.mjs'))) {
  console.log('SKIP: ../shared/bench is absent');
  process.exit(0);
}
const data = gen(scale);
const dim = join(gen('1'), 'target.parquet');
const sales = join(data, 'sales.parquet');
const target = join(data, 'target.parquet');
const work = mkdtempSync(join(tmpdir(), 'braid-sql-bench-'));
const sq = (s) => `'${s}'`;

const queries = {
  agg: `SELECT region, count(*) AS n, sum(quantity * unit_price) AS revenue, avg(discount) AS avg_discount
          FROM read_parquet(${sq(sales)}) WHERE status <> 'void' AND quantity > 0 GROUP BY region`,
  join: `SELECT s.region, count(*) AS n, sum(d.quantity) AS q
           FROM read_parquet(${sq(sales)}) s JOIN read_parquet(${sq(dim)}) d ON s.txn_id = d.txn_id GROUP BY s.region`,
};
const mergeSql = (t) => `MERGE INTO ${t} AS t
  USING (SELECT txn_id, quantity + 1 AS quantity FROM read_parquet(${sq(target)}) WHERE txn_id % 10 = 0) AS s
  ON t.txn_id = s.txn_id WHEN MATCHED THEN UPDATE SET quantity = s.quantity`;

// Runs `cmd args` under /usr/bin/time; returns {seconds, rss_mb} of the process.
function timed(cmd, args, env = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ').slice(0, 200)} failed:\n${r.stderr.slice(-2000)}`);
  const [secs, kb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { seconds: secs, rss_mb: kb / 1024, stdout: r.stdout };
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const duck = join(work, 'duck.mjs');
writeFileSync(duck, `
import { pathToFileURL } from 'node:url';
const peers = await import(pathToFileURL(${JSON.stringify(join(shared, 'bench/lib/peers.mjs'))}).href);
const { DuckDBInstance } = await peers.loadDuckDB();
const [sql, setup] = [process.argv[2], process.argv[3]];
const con = await (await DuckDBInstance.create(':memory:')).connect();
if (setup) await con.run(setup);
const t = performance.now();
await con.runAndReadAll(sql);
console.log((performance.now() - t) / 1000);
`);

const results = [];
try {
  for (const [name, sql] of Object.entries(queries)) {
    const b = [], d = [];
    let brss = 0, drss = 0;
    for (let i = 0; i < repeat; i++) {
      const x = timed(braid, ['sql', '-w', work, '--format', 'csv', sql]);
      b.push(x.seconds);
      brss = Math.max(brss, x.rss_mb);
      const y = timed('node', [duck, sql]);
      d.push(Number(y.stdout.trim()));
      drss = Math.max(drss, y.rss_mb);
    }
    results.push({ name, braid: median(b), duckdb: median(d), braid_rss: brss, duckdb_rss: drss });
  }
  // MERGE: braid into a Delta table (loaded once per run, not timed); DuckDB into a native table.
  const b = [], d = [];
  let brss = 0, drss = 0;
  for (let i = 0; i < repeat; i++) {
    const wh = join(work, `wh${i}`);
    mkdirSync(wh);
    timed(braid, ['load', join(wh, 'target'), target, '--partition-by', 'region']);
    const x = timed(braid, ['sql', '-w', wh, mergeSql('target')]);
    b.push(x.seconds);
    brss = Math.max(brss, x.rss_mb);
    rmSync(wh, { recursive: true, force: true });
    const y = timed('node', [duck, mergeSql('target'), `CREATE TABLE target AS SELECT * FROM read_parquet(${sq(target)})`]);
    d.push(Number(y.stdout.trim()));
    drss = Math.max(drss, y.rss_mb);
  }
  results.push({ name: 'merge 10%', braid: median(b), duckdb: median(d), braid_rss: brss, duckdb_rss: drss });
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`scale ${scale}, ${repeat} runs each, median seconds; peak RSS of the process (DuckDB: the node process)`);
console.log('| query | braid s | DuckDB s | time ratio | braid RSS MB | DuckDB RSS MB |');
console.log('|---|---|---|---|---|---|');
for (const r of results) {
  console.log(`| ${r.name} | ${r.braid.toFixed(2)} | ${r.duckdb.toFixed(2)} | ${(r.braid / r.duckdb).toFixed(2)} | ${r.braid_rss.toFixed(0)} | ${r.duckdb_rss.toFixed(0)} |`);
}
