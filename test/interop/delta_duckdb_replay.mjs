#!/usr/bin/env node
// Independent replay of the Delta tables braid writes. braid builds tables with the command line
// (creates, appends, an overwrite, OPTIMIZE; enough commits for a checkpoint), then DuckDB, which
// knows nothing of braid's log code:
//   - reads every commit of _delta_log with read_ndjson_objects and reconciles add/remove
//     actions into the live file set;
//   - reads those files with read_parquet, adding partition columns from partitionValues;
//   - must get exactly the rows `braid cat` gives (compared as multisets, both directions);
//   - reads our checkpoint with read_parquet: it must have the protocol's columns and types, and
//     its live files must equal the JSON replay at that version; _last_checkpoint must agree.
// Usage: delta_duckdb_replay.mjs BRAID
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const braid = resolve(process.argv[2] ?? '');
const shared = resolve(here, '../../../shared');
if (!existsSync(join(shared, 'bench/lib/peers.mjs'))) {
  console.log(`SKIP: ${shared} is absent (../shared is not checked out next to the project)`);
  process.exit(0);
}
let con;
try {
  const peers = await import(pathToFileURL(join(shared, 'bench/lib/peers.mjs')).href);
  const duckdb = await peers.loadDuckDB();
  con = await (await duckdb.DuckDBInstance.create(':memory:')).connect();
  await con.run("SET TimeZone='UTC'");
} catch (e) {
  console.log(`SKIP: DuckDB is unavailable (${e.message.split('\n')[0]}); run ../shared/peers/setup`);
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'braid-delta-replay-'));
const problems = [];
const check = (ok, message) => { if (!ok) problems.push(message); };
const sq = (s) => `'${String(s).replace(/'/g, "''")}'`;
const rows = async (sql) => (await con.runAndReadAll(sql)).getRows();

function braidRun(args) {
  const r = spawnSync(braid, args, { maxBuffer: 2 ** 30, timeout: 300_000 });
  if (r.status !== 0) throw new Error(`braid ${args.join(' ')}: ${r.stderr?.toString().trim() ?? r.signal}`);
  return r.stdout.toString();
}

// CSV inputs with the values that trip writers and readers: NULLs, quotes, commas, unicode,
// partition values needing escapes ('=', '/', '%', space, '#'), a NULL partition value.
const regions = ['north', 'south west', 'a=b/c', '100%', 'ünïcødé', '#hash', ''];
function csv(file, first, n) {
  const out = ['id,region,day,amount,note'];
  for (let i = first; i < first + n; i++) {
    const region = regions[i % regions.length];
    const day = `2024-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, '0')}`;
    const amount = i % 11 === 0 ? '' : (i * 1.25).toFixed(2);
    const note = i % 5 === 0 ? '' : `"note ${i}, said ""hi"" ☃"`;
    out.push(`${i},${region},${day},${amount},${note}`);
  }
  writeFileSync(file, out.join('\n') + '\n');
  return file;
}

// Table 1: partitioned by region; 12 appends (checkpoint at version 10), an overwrite in the
// middle, OPTIMIZE at the end (removes + adds).
const partitioned = join(work, 'partitioned');
braidRun(['load', partitioned, csv(join(work, 'p0.csv'), 0, 300), '--partition-by', 'region']);
for (let v = 1; v <= 12; v++) {
  const args = ['load', partitioned, csv(join(work, `p${v}.csv`), v * 1000, 40 + v)];
  if (v === 4) args.push('--mode', 'overwrite');
  braidRun(args);
}
braidRun(['optimize', partitioned]);
braidRun(['load', partitioned, csv(join(work, 'p13.csv'), 13000, 17)]);
// Table 2: unpartitioned, a few appends.
const plain = join(work, 'plain');
for (let v = 0; v < 3; v++) braidRun(['load', plain, csv(join(work, `q${v}.csv`), v * 500, 120)]);
// Table 3: partitioned by a date and a string (two levels of folders).
const twoLevel = join(work, 'two_level');
braidRun(['load', twoLevel, csv(join(work, 'r0.csv'), 0, 200), '--partition-by', 'day,region']);
braidRun(['load', twoLevel, csv(join(work, 'r1.csv'), 5000, 50)]);

// The live files at `version` (or the latest) by DuckDB's own reading of the JSON commits.
async function replay(table, version = null) {
  const log = join(table, '_delta_log');
  const events = await rows(`
    WITH actions AS (
      SELECT CAST(regexp_extract(filename, '(\\d{20})\\.json$', 1) AS BIGINT) AS version,
             json->>'$.add.path' AS add_path, json->>'$.remove.path' AS remove_path,
             CAST(json->'$.add.partitionValues' AS VARCHAR) AS pv
      FROM read_ndjson_objects(${sq(log + '/*.json')}, filename = true))
    SELECT version, coalesce(add_path, remove_path) AS path, add_path IS NOT NULL AS is_add, pv
    FROM actions
    WHERE (add_path IS NOT NULL OR remove_path IS NOT NULL) ${version === null ? '' : `AND version <= ${version}`}
    ORDER BY version, is_add`);
  const live = new Map();
  for (const [, path, isAdd, pv] of events) {
    if (isAdd) live.set(path, JSON.parse(pv ?? '{}'));
    else live.delete(path);
  }
  return live;
}

async function columnTypes(parquetFile) {
  return new Map((await rows(`DESCRIBE SELECT * FROM read_parquet(${sq(parquetFile)})`)).map((r) => [r[0], r[1]]));
}

async function checkTable(name, table) {
  const live = await replay(table);
  const describe = JSON.parse(braidRun(['describe', table, '--format', 'jsonl']).trim().split('\n')[0]);
  check(describe.num_files === live.size, `${name}: braid describe has ${describe.num_files} files, the replay ${live.size}`);
  // braid's rows as Parquet (written by braid, read by DuckDB: checked by the Parquet tests).
  const ours = join(work, `${name}.braid.parquet`);
  braidRun(['convert', table, ours]);
  const types = await columnTypes(ours);
  const partitionColumns = describe.partition_columns ?? [];
  const selects = [];
  for (const [path, pv] of live) {
    const file = join(table, decodeURIComponent(path));
    check(existsSync(file), `${name}: live file ${path} is missing`);
    const dataColumns = [...types.keys()].filter((c) => !partitionColumns.includes(c));
    const cols = [...types.keys()].map((c) => {
      if (!partitionColumns.includes(c)) return `"${c}"`;
      const value = pv[c];
      return `CAST(${value === null || value === undefined ? 'NULL' : sq(value)} AS ${types.get(c)}) AS "${c}"`;
    });
    selects.push(`SELECT ${cols.join(', ')} FROM read_parquet(${sq(file)}) /* ${dataColumns.length} data columns */`);
  }
  const theirs = selects.length ? selects.join('\nUNION ALL\n') : `SELECT * FROM read_parquet(${sq(ours)}) LIMIT 0`;
  await con.run(`CREATE OR REPLACE TABLE theirs AS ${theirs}`);
  await con.run(`CREATE OR REPLACE TABLE ours AS SELECT * FROM read_parquet(${sq(ours)})`);
  const [[nOurs]] = await rows('SELECT count(*) FROM ours');
  const [[nTheirs]] = await rows('SELECT count(*) FROM theirs');
  check(nOurs === nTheirs, `${name}: braid reads ${nOurs} rows, the DuckDB replay ${nTheirs}`);
  const [[onlyOurs]] = await rows('SELECT count(*) FROM (SELECT * FROM ours EXCEPT ALL SELECT * FROM theirs)');
  const [[onlyTheirs]] = await rows('SELECT count(*) FROM (SELECT * FROM theirs EXCEPT ALL SELECT * FROM ours)');
  check(onlyOurs === 0n && onlyTheirs === 0n,
    `${name}: rows differ (${onlyOurs} only in braid's reading, ${onlyTheirs} only in the replay)`);
  return { files: live.size, rows: Number(nOurs) };
}

// The checkpoint: the protocol's schema, and the same live files as the JSON replay.
async function checkCheckpoint(table) {
  const log = join(table, '_delta_log');
  const last = JSON.parse(readFileSync(join(log, '_last_checkpoint'), 'utf8'));
  const name = readdirSync(log).filter((f) => f.endsWith('.checkpoint.parquet')).sort().pop();
  check(name !== undefined, 'no checkpoint was written after 10 commits');
  if (!name) return;
  const version = Number(name.slice(0, 20));
  check(last.version === version, `_last_checkpoint says version ${last.version}, newest checkpoint is ${version}`);
  const file = join(log, name);
  const [[count]] = await rows(`SELECT count(*) FROM read_parquet(${sq(file)})`);
  if (last.size !== undefined) check(BigInt(last.size) === count, `_last_checkpoint size ${last.size}, checkpoint has ${count} rows`);
  const top = new Map((await rows(`DESCRIBE SELECT * FROM read_parquet(${sq(file)})`)).map((r) => [r[0], r[1]]));
  const want = {
    protocol: /^STRUCT\(minReaderVersion INTEGER, minWriterVersion INTEGER/,
    metaData: /^STRUCT\(id VARCHAR, .*schemaString VARCHAR, partitionColumns VARCHAR\[\], "?configuration"? MAP\(VARCHAR, VARCHAR\)/,
    add: /^STRUCT\(path VARCHAR, partitionValues MAP\(VARCHAR, VARCHAR\), size BIGINT, modificationTime BIGINT, dataChange BOOLEAN, stats VARCHAR/,
    remove: /^STRUCT\(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN/,
    txn: /^STRUCT\(appId VARCHAR, "?version"? BIGINT, lastUpdated BIGINT\)/,
  };
  for (const [column, pattern] of Object.entries(want)) {
    const type = top.get(column);
    check(type !== undefined && pattern.test(type), `checkpoint column ${column}: ${type ?? 'absent'} does not match ${pattern}`);
  }
  const fromCheckpoint = new Map((await rows(
    `SELECT add.path, CAST(to_json(add.partitionValues) AS VARCHAR) FROM read_parquet(${sq(file)}) WHERE add IS NOT NULL`))
    .map(([p, pv]) => [p, pv]));
  const fromJson = await replay(table, version);
  check(fromCheckpoint.size === fromJson.size, `checkpoint ${version} has ${fromCheckpoint.size} live files, the JSON replay ${fromJson.size}`);
  for (const path of fromJson.keys()) check(fromCheckpoint.has(path), `checkpoint ${version} lacks live file ${path}`);
  const [[protocols]] = await rows(`SELECT count(*) FROM read_parquet(${sq(file)}) WHERE protocol IS NOT NULL`);
  const [[metadatas]] = await rows(`SELECT count(*) FROM read_parquet(${sq(file)}) WHERE metaData IS NOT NULL`);
  check(protocols === 1n && metadatas === 1n, `checkpoint has ${protocols} protocol and ${metadatas} metaData rows`);
  return { version, actions: Number(count) };
}

const summary = [];
try {
  for (const [name, table] of [['partitioned', partitioned], ['plain', plain], ['two_level', twoLevel]]) {
    const r = await checkTable(name, table);
    summary.push(`${name}: ${r.rows} rows in ${r.files} files`);
  }
  const cp = await checkCheckpoint(partitioned);
  if (cp) summary.push(`checkpoint ${cp.version}: ${cp.actions} actions`);
} catch (e) {
  problems.push(e.message);
}
rmSync(work, { recursive: true, force: true });
for (const p of problems) console.log(`FAIL ${p}`);
console.log(`delta DuckDB replay: ${problems.length === 0 ? 'ok' : `${problems.length} problems`} (${summary.join('; ')})`);
process.exit(problems.length === 0 ? 0 : 1);
