#!/usr/bin/env node
// Parquet conformance: walks ../shared/fixtures/parquet/MANIFEST.json. For every "read" entry,
// `braid cat FILE --format jsonl` must match (check.mjs: row count, per-column nulls and
// checksums) and `braid schema FILE --format jsonl` must give the manifest's column names and
// types; for every "error" entry braid must exit non-zero with a message on stderr, without a
// signal or a hang. Prints one line per file and a summary; exits 1 when any file fails.
// Usage: parquet_conformance.mjs BRAID [--only SUBSTRING] [--verbose]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const braid = resolve(process.argv[2] ?? '');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
const verbose = process.argv.includes('--verbose');
const fixtures = resolve(here, '../../../shared/fixtures/parquet');
const manifestPath = join(fixtures, 'MANIFEST.json');
if (!existsSync(manifestPath)) {
  console.log(`SKIP: ${manifestPath} is absent (../shared is not checked out next to the project)`);
  process.exit(0);
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const TIMEOUT_MS = 60_000;
const results = { pass: 0, fail: 0, skipped: 0 };
const failures = [];

for (const entry of manifest.files) {
  if (only && !entry.id.includes(only)) continue;
  const rel = entry.path.replace(/^shared\/fixtures\/parquet\//, '');
  const file = join(fixtures, rel);
  if (entry.expect === 'unverified') { results.skipped++; continue; }
  if (entry.expect === 'error') {
    const r = spawnSync(braid, ['cat', file, '--format', 'jsonl'], { timeout: TIMEOUT_MS, maxBuffer: 1 << 30 });
    const stderr = r.stderr?.toString() ?? '';
    let problem = null;
    if (r.error?.code === 'ETIMEDOUT') problem = 'timed out';
    else if (r.signal) problem = `killed by ${r.signal}`;
    else if (r.status === 0) problem = 'exited 0 (the file is invalid)';
    else if (!stderr.trim()) problem = 'no message on stderr';
    report(entry, problem, stderr.trim().split('\n').pop());
    continue;
  }
  // "read"
  const cat = spawnSync(braid, ['cat', file, '--format', 'jsonl'], { timeout: TIMEOUT_MS, maxBuffer: 2 ** 31 });
  let problem = null;
  if (cat.error?.code === 'ETIMEDOUT') problem = 'timed out';
  else if (cat.signal) problem = `killed by ${cat.signal}`;
  else if (cat.status !== 0) problem = `exit ${cat.status}: ${cat.stderr.toString().trim()}`;
  if (!problem) {
    const check = spawnSync('node', [join(fixtures, 'check.mjs'), manifestPath, rel], { input: cat.stdout, maxBuffer: 1 << 30 });
    if (check.status !== 0) problem = 'rows differ:\n' + (check.stdout.toString() + check.stderr.toString()).trim();
  }
  if (!problem && entry.schema) {
    const sch = spawnSync(braid, ['schema', file, '--format', 'jsonl'], { timeout: TIMEOUT_MS });
    if (sch.status !== 0) {
      problem = `schema: exit ${sch.status}: ${sch.stderr.toString().trim()}`;
    } else {
      const got = sch.stdout.toString().trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
      const want = entry.schema;
      const g = got.map((c) => `${c.name}: ${c.jsonl_type}`).join(', ');
      const w = want.map((c) => `${c.name}: ${c.type}`).join(', ');
      if (g !== w) problem = `schema differs:\n  want ${w}\n  got  ${g}`;
    }
  }
  report(entry, problem);
}

function report(entry, problem, detail) {
  if (problem) {
    results.fail++;
    failures.push({ id: entry.id, problem });
    console.log(`FAIL ${entry.id} (${entry.expect}): ${problem}`);
  } else {
    results.pass++;
    if (verbose) console.log(`ok   ${entry.id} (${entry.expect})${detail ? ': ' + detail : ''}`);
  }
}

console.log(`parquet conformance: ${results.pass} passed, ${results.fail} failed, ${results.skipped} not scored (of ${manifest.files.length})`);
process.exit(results.fail === 0 ? 0 : 1);
