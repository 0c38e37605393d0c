#!/usr/bin/env node
// Round trip through an independent reader: the ../shared/bench `sales` data (Parquet and CSV)
// loaded with `braid load` into Delta tables partitioned by region, then checksummed by
// ../shared/bench/checksum.mjs, which replays our _delta_log itself (DuckDB reads the checkpoint
// and the data files). The result must equal the checksum gen_data.mjs recorded for the source.
// A second load appends the same rows and the checksum must change to exactly twice the rows.
// Usage: delta_bench_checksum.mjs BRAID [SCALE]   (SCALE defaults to 0.05: 50,000 rows)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const braid = resolve(process.argv[2] ?? '');
const scale = process.argv[3] ?? '0.05';
const bench = resolve(here, '../../../shared/bench');
if (!existsSync(join(bench, 'checksum.mjs'))) {
  console.log(`SKIP: ${bench} is absent (../shared is not checked out next to the project)`);
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'braid-bench-checksum-'));
const problems = [];
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}${r.stdout}`);
  }
  return r.stdout;
};

try {
  const data = join(work, 'data');
  const gen = spawnSync('node', [join(bench, 'gen_data.mjs'), '--scale', scale, '--out', data],
    { encoding: 'utf8' });
  if (gen.status !== 0) {
    if (/peers|duckdb/i.test(gen.stderr)) {
      console.log(`SKIP: the bench generator needs DuckDB (${gen.stderr.split('\n')[0]}); run ../shared/peers/setup`);
      process.exit(0);
    }
    throw new Error(`gen_data.mjs failed:\n${gen.stderr}`);
  }
  const manifest = JSON.parse(readFileSync(join(data, 'manifest.json'), 'utf8'));
  const expected = manifest.input_checksums.sales;
  const checksum = (table) => JSON.parse(run('node', [join(bench, 'checksum.mjs'), '--schema', 'sales', table]));

  for (const file of ['sales.parquet', 'sales.csv']) {
    const table = join(work, `from_${file.replace('.', '_')}`);
    run(braid, ['load', table, join(data, file), '--partition-by', 'region']);
    const got = checksum(table);
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      problems.push(`${file} loaded into ${table}: checksum ${JSON.stringify(got)}\n  expected ${JSON.stringify(expected)}`);
    } else {
      console.log(`ok: ${file} -> Delta (partitioned by region): ${got.rows} rows, hash ${got.hash_sum}`);
    }
  }

  // Appending the same rows again: twice the rows, every region count doubled.
  const table = join(work, 'from_sales_parquet');
  run(braid, ['load', table, join(data, 'sales.parquet'), '--mode', 'append']);
  const twice = checksum(table);
  if (twice.rows !== 2 * expected.rows) problems.push(`after a second append: ${twice.rows} rows, expected ${2 * expected.rows}`);
  for (const [region, n] of Object.entries(expected.per_region)) {
    if (twice.per_region[region] !== 2 * n) problems.push(`after a second append: region ${region} has ${twice.per_region[region]} rows, expected ${2 * n}`);
  }
  if (problems.length === 0) console.log(`ok: a second append doubles every region (${twice.rows} rows)`);
} catch (e) {
  problems.push(e.message);
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (problems.length) {
  console.error(`FAILED:\n${problems.join('\n')}`);
  process.exit(1);
}
