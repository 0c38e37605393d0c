#!/usr/bin/env node
// Parquet writer interop: every readable fixture of ../shared/fixtures/parquet is rewritten by
// `braid convert` and then
//   1. read back by braid: `braid cat OUT --format jsonl` must match the manifest (check.mjs);
//   2. read by DuckDB (../shared/peers): the rows of our file and of the original must be the
//      same multiset (EXCEPT ALL both ways is empty) when DuckDB can read the original;
//   3. read by Polars: the file must load with the same row count and column names.
// Skips with a reason when ../shared or the peers are absent. Exits 1 on any failure.
// Usage: parquet_writer_peers.mjs BRAID [--only SUBSTRING]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const braid = resolve(process.argv[2] ?? '');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
const shared = resolve(here, '../../../shared');
const fixtures = join(shared, 'fixtures/parquet');
const manifestPath = join(fixtures, 'MANIFEST.json');
if (!existsSync(manifestPath)) {
  console.log(`SKIP: ${manifestPath} is absent (../shared is not checked out next to the project)`);
  process.exit(0);
}
let duckdb = null, polars = null;
try {
  const peers = await import(pathToFileURL(join(shared, 'bench/lib/peers.mjs')).href);
  duckdb = await peers.loadDuckDB();
  polars = peers.loadPolars();
} catch (e) {
  console.log(`note: peers unavailable (${e.message.split('\n')[0]}); checking with braid only`);
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'braid-pq-'));
const con = duckdb ? await (await duckdb.DuckDBInstance.create(':memory:')).connect() : null;
let pass = 0, fail = 0;
const quote = (p) => `'${p.replaceAll("'", "''")}'`;

for (const entry of manifest.files) {
  if (entry.expect !== 'read') continue;
  if (only && !entry.id.includes(only)) continue;
  const rel = entry.path.replace(/^shared\/fixtures\/parquet\//, '');
  const src = join(fixtures, rel);
  const out = join(work, entry.id + '.parquet');
  const problems = [];
  const conv = spawnSync(braid, ['convert', src, out, '--row-group-rows', '1000'], { timeout: 120_000 });
  if (conv.status !== 0) {
    problems.push(`convert failed: ${conv.stderr.toString().trim()}`);
  } else {
    const cat = spawnSync(braid, ['cat', out, '--format', 'jsonl'], { maxBuffer: 2 ** 31, timeout: 120_000 });
    if (cat.status !== 0) {
      problems.push(`reading our file: ${cat.stderr.toString().trim()}`);
    } else {
      const check = spawnSync('node', [join(fixtures, 'check.mjs'), manifestPath, rel], { input: cat.stdout, maxBuffer: 2 ** 30 });
      if (check.status !== 0) problems.push('braid reads back other rows:\n' + check.stdout.toString().trim());
    }
    if (con && entry.readableByDuckDB !== false) {
      try {
        const q = (a, b) => `SELECT count(*) AS n FROM (SELECT * FROM read_parquet(${quote(a)}) EXCEPT ALL SELECT * FROM read_parquet(${quote(b)}))`;
        const n1 = Number((await con.runAndReadAll(q(out, src))).getRows()[0][0]);
        const n2 = Number((await con.runAndReadAll(q(src, out))).getRows()[0][0]);
        if (n1 !== 0 || n2 !== 0) problems.push(`DuckDB sees different rows: ${n1} only in ours, ${n2} only in the original`);
      } catch (e) {
        problems.push(`DuckDB: ${e.message.split('\n')[0]}`);
      }
    }
    let polarsReadsOriginal = false;
    if (polars) {
      try {
        polars.readParquet(src);
        polarsReadsOriginal = true;
      } catch {
        // Polars cannot read the original either (e.g. INTERVAL columns): nothing to compare.
      }
    }
    if (polarsReadsOriginal) {
      try {
        const df = polars.readParquet(out);
        if (df.height !== entry.numRows) problems.push(`Polars reads ${df.height} rows, expected ${entry.numRows}`);
        const names = entry.schema.map((c) => c.name).join(',');
        if (df.columns.join(',') !== names) problems.push(`Polars sees columns ${df.columns.join(',')}`);
      } catch (e) {
        problems.push(`Polars: ${e.message.split('\n')[0]}`);
      }
    }
  }
  if (problems.length) {
    fail++;
    console.log(`FAIL ${entry.id}: ${problems.join('; ')}`);
  } else {
    pass++;
  }
}
rmSync(work, { recursive: true, force: true });
console.log(`parquet writer interop: ${pass} passed, ${fail} failed${duckdb ? ' (braid, DuckDB, Polars)' : ' (braid only)'}`);
process.exit(fail === 0 ? 0 : 1);
