#!/usr/bin/env node
// Delta conformance: walks ../shared/fixtures/delta/MANIFEST.json (tables written by Spark and
// Databricks). For each table, braid must report the latest version, the schema and the
// partition columns of the manifest, read the right number of rows at the latest version and at
// every version listed in rowsByVersion, and fail cleanly on the tables that must fail. The
// manifest's aggregates (DuckDB SQL) are evaluated by DuckDB over braid's rows: braid rewrites
// the table as Parquet (`braid convert`) and DuckDB only computes the aggregate.
// Usage: delta_conformance.mjs BRAID [--only SUBSTRING]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const braid = resolve(process.argv[2] ?? '');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
const shared = resolve(here, '../../../shared');
const fixtures = join(shared, 'fixtures/delta');
const manifestPath = join(fixtures, 'MANIFEST.json');
if (!existsSync(manifestPath)) {
  console.log(`SKIP: ${manifestPath} is absent (../shared is not checked out next to the project)`);
  process.exit(0);
}
let con = null;
try {
  const peers = await import(pathToFileURL(join(shared, 'bench/lib/peers.mjs')).href);
  const duckdb = await peers.loadDuckDB();
  con = await (await duckdb.DuckDBInstance.create(':memory:')).connect();
  await con.run("SET TimeZone='UTC'");
} catch (e) {
  console.log(`note: DuckDB unavailable (${e.message.split('\n')[0]}); aggregates are not checked`);
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'braid-delta-'));
const run = (args) => spawnSync(braid, args, { maxBuffer: 2 ** 30, timeout: 120_000 });
const lines = (buf) => buf.toString().split('\n').filter((l) => l.length > 0);
// braid prints Spark SQL type names; the manifest uses Delta's JSON names.
const normalize = (t) => t.replace(/\bbigint\b/g, 'long').replace(/\bint\b/g, 'integer')
  .replace(/\btinyint\b/g, 'byte').replace(/\bsmallint\b/g, 'short').replace(/\s+/g, '');
let pass = 0, fail = 0;
const stats = { versionsChecked: 0, aggregatesChecked: 0 };

for (const t of manifest.tables) {
  if (only && !t.name.includes(only)) continue;
  const path = join(fixtures, t.name);
  const problems = [];
  if (t.expected?.error) {
    const r = run(['cat', path, '--format', 'jsonl']);
    if (r.signal) problems.push(`killed by ${r.signal}`);
    else if (r.status === 0) problems.push(`read without error; expected: ${t.expected.error}`);
    else if (!r.stderr.toString().trim()) problems.push('failed without a message');
    report(t.name, problems, r.stderr.toString().trim());
    continue;
  }
  const d = run(['describe', path, '--format', 'jsonl']);
  if (d.status !== 0) {
    report(t.name, [`describe failed: ${d.stderr.toString().trim()}`]);
    continue;
  }
  const desc = JSON.parse(lines(d.stdout)[0]);
  if (desc.version !== t.latestVersion) problems.push(`version ${desc.version}, expected ${t.latestVersion}`);
  const parts = desc.partition_columns ?? [];
  if (JSON.stringify(parts) !== JSON.stringify(t.partitionColumns)) {
    problems.push(`partition columns ${JSON.stringify(parts)}, expected ${JSON.stringify(t.partitionColumns)}`);
  }
  const got = desc.columns.map((c) => normalize(`${c.name}:${c.type}`)).join(', ');
  const want = t.schema.map((s) => normalize(s)).join(', ');
  if (got !== want) problems.push(`schema\n    got  ${got}\n    want ${want}`);
  const cat = run(['cat', path, '--format', 'jsonl']);
  if (cat.status !== 0) {
    problems.push(`cat failed: ${cat.stderr.toString().trim()}`);
  } else if (lines(cat.stdout).length !== t.counts.rows) {
    problems.push(`${lines(cat.stdout).length} rows, expected ${t.counts.rows}`);
  }
  for (const [v, expected] of Object.entries(t.rowsByVersion ?? {})) {
    const r = run(['cat', path, '--version', v, '--format', 'jsonl']);
    stats.versionsChecked++;
    if (typeof expected === 'number') {
      if (r.status !== 0) problems.push(`version ${v}: ${r.stderr.toString().trim()}`);
      else if (lines(r.stdout).length !== expected) problems.push(`version ${v}: ${lines(r.stdout).length} rows, expected ${expected}`);
    } else if (expected && expected.error && r.status === 0) {
      problems.push(`version ${v}: read, but the manifest says: ${expected.error}`);
    }
  }
  if (con && Object.keys(t.aggregates ?? {}).length > 0 && problems.length === 0) {
    const out = join(work, `${t.name}.parquet`);
    const conv = run(['convert', path, out]);
    if (conv.status !== 0) {
      problems.push(`convert failed: ${conv.stderr.toString().trim()}`);
    } else {
      for (const [expr, expected] of Object.entries(t.aggregates)) {
        try {
          const sql = `SELECT CAST((${expr}) AS VARCHAR) FROM read_parquet('${out}')`;
          const value = (await con.runAndReadAll(sql)).getRows()[0][0];
          stats.aggregatesChecked++;
          if (String(value) !== String(expected)) problems.push(`${expr} = ${value}, expected ${expected}`);
        } catch (e) {
          problems.push(`${expr}: ${e.message.split('\n')[0]}`);
        }
      }
    }
  }
  report(t.name, problems);
}

function report(name, problems, detail) {
  if (problems.length) {
    fail++;
    console.log(`FAIL ${name}: ${problems.join('; ')}`);
  } else {
    pass++;
    if (process.argv.includes('--verbose')) console.log(`ok   ${name}${detail ? ': ' + detail : ''}`);
  }
}

rmSync(work, { recursive: true, force: true });
console.log(`delta conformance: ${pass} passed, ${fail} failed of ${manifest.tables.length} tables ` +
            `(${stats.versionsChecked} versions, ${stats.aggregatesChecked} aggregates checked)`);
process.exit(fail === 0 ? 0 : 1);
