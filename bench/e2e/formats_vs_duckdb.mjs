#!/usr/bin/env node
// braid vs DuckDB on file formats, in the same run on the same machine (../shared/bench data):
// CSV parse, Parquet full scan, Parquet write (zstd), each with 1 thread and with all cores.
// Every (engine, operation, threads) runs in its own process under /usr/bin/time for peak RSS;
// times are medians of REPEAT runs inside that process. Prints a Markdown table with ratios
// (braid / DuckDB: below 1 means braid is faster or smaller).
//
//   node bench/e2e/formats_vs_duckdb.mjs --scale 1 [--repeat 5] [--braid build/release/bench/braid_format_bench]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const scale = arg('--scale', '1');
const repeat = Number(arg('--repeat', '5'));
const braid = resolve(arg('--braid', join(here, '../../build/release/bench/braid_format_bench')));
const shared = resolve(here, '../../../shared');
const data = arg('--data', `/tmp/bench-data/scale-${scale}`);
if (!existsSync(join(shared, 'bench/gen_data.mjs'))) {
  console.log('SKIP: ../shared/bench is absent');
  process.exit(0);
}
if (!existsSync(join(data, 'sales.parquet'))) {
  const g = spawnSync('node', [join(shared, 'bench/gen_data.mjs'), '--scale', scale, '--out', data], { stdio: 'inherit' });
  if (g.status !== 0) process.exit(1);
}
const out = join(data, 'out');
mkdirSync(out, { recursive: true });
const all = String(cpus().length);

function run(cmd, args, env) {
  const r = spawnSync('/usr/bin/time', ['-f', 'PEAK_RSS_KB=%M', cmd, ...args], { env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  const runs = r.stdout.toString().trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  const ms = runs.map((x) => x.ms).sort((a, b) => a - b);
  const rss = Number(/PEAK_RSS_KB=(\d+)/.exec(r.stderr.toString())[1]) / 1024;
  return { ms: ms[Math.floor(ms.length / 2)], rss, bytes: runs.at(-1).bytes, rows: runs.at(-1).rows };
}

const ops = [
  { name: 'CSV parse (sales.csv)', braid: ['csv-scan', join(data, 'sales.csv')], duck: ['csv-scan', join(data, 'sales.csv')] },
  { name: 'Parquet scan (sales.parquet)', braid: ['scan', join(data, 'sales.parquet')], duck: ['scan', join(data, 'sales.parquet')] },
  { name: 'Parquet write zstd', braid: ['write', join(data, 'sales.parquet'), join(out, 'braid.parquet')],
    duck: ['write', join(data, 'sales.parquet')], duckOut: join(out, 'duckdb.parquet') },
];
const rows = [];
for (const op of ops) {
  for (const threads of ['1', all]) {
    const b = run(braid, [...op.braid, '--repeat', String(repeat)], { BRAID_THREADS: threads });
    const dargs = [join(here, 'duckdb_ops.mjs'), op.duck[0], op.duck[1], threads, String(repeat)];
    if (op.duckOut) dargs.push(op.duckOut);
    const d = run('node', dargs, {});
    rows.push({ op: op.name, threads, b, d });
    console.error(`${op.name} threads=${threads}: braid ${b.ms} ms, duckdb ${d.ms} ms`);
  }
}
const f = (x, n = 0) => x.toFixed(n);
console.log(`\nscale ${scale}, ${repeat} runs each (median), this machine: ${cpus().length} cores\n`);
console.log('| operation | threads | braid ms | DuckDB ms | time ratio | braid RSS MiB | DuckDB RSS MiB | file MiB braid / DuckDB |');
console.log('|---|---:|---:|---:|---:|---:|---:|---|');
for (const { op, threads, b, d } of rows) {
  const size = b.bytes ? `${f(b.bytes / 1048576, 1)} / ${f(d.bytes / 1048576, 1)} (${f(b.bytes / d.bytes, 2)})` : '';
  console.log(`| ${op} | ${threads} | ${f(b.ms)} | ${f(d.ms)} | ${f(b.ms / d.ms, 2)} | ${f(b.rss)} | ${f(d.rss)} | ${size} |`);
}
console.log('\nDuckDB RSS includes the Node.js runtime (~50 MiB).');
