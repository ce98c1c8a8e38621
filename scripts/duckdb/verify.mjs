// verify.mjs reads an oomtriage Parquet dataset with DuckDB and checks it
// against the JSON report of the same run:
//
//   node verify.mjs DATASET_DIR REPORT_JSON
//
// - row counts per table equal the JSON's;
// - column types (time is TIMESTAMP WITH TIME ZONE, integers BIGINT or
//   INTEGER, lists VARCHAR[], ...);
// - every value of every row equals the JSON's, and every JSON null is a
//   NULL (not 0, not ''), read the way a user reads the dataset (DuckDB's
//   default, which applies Hive partitioning when the folders have it);
// - a join of tasks to incidents on incident_id gives each incident's task
//   count and its victim's task row;
// - footer metadata: oomtriage.* keys, created_by, ZSTD on every column.
//
// It prints what it checked and exits 1 on the first table with mismatches
// (listing up to 20 of them).
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';

const [dir, reportPath] = process.argv.slice(2);
if (!dir || !reportPath) {
  console.error('usage: node verify.mjs DATASET_DIR REPORT_JSON');
  process.exit(2);
}
const report = JSON.parse(fs.readFileSync(reportPath, 'utf8'));

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
await con.run("SET TimeZone = 'UTC'");

const failures = [];
const notes = [];
function fail(msg) {
  failures.push(msg);
}
async function query(sql) {
  const r = await con.runAndReadAll(sql);
  return r.getRowObjectsJson();
}
const q = (s) => "'" + String(s).replaceAll("'", "''") + "'";

// ---------------------------------------------------------------------------
// Files of a table: every visible *.parquet under DATASET_DIR/TABLE.
function parquetFiles(table) {
  const out = [];
  const walk = (d) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name.startsWith('_')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.parquet')) out.push(p);
    }
  };
  walk(path.join(dir, table));
  return out.sort();
}
// The partition keys of a table: the key=value folders between the table's
// folder and its files.
function partitionKeys(table) {
  const keys = new Set();
  for (const f of parquetFiles(table)) {
    for (const seg of path.relative(path.join(dir, table), path.dirname(f)).split(path.sep)) {
      const m = /^([^=]+)=/.exec(seg);
      if (m) keys.add(m[1]);
    }
  }
  return [...keys];
}

// source reads a table as the README tells users to: one glob for both
// layouts, with the partition columns typed (DuckDB would otherwise guess
// VARCHAR for a date folder that is __HIVE_DEFAULT_PARTITION__ everywhere,
// or BIGINT for a numeric host name).
const hiveType = { host: 'VARCHAR', date: 'DATE' };
function source(table) {
  const glob = q(path.join(dir, table, '**', '*.parquet'));
  const keys = partitionKeys(table);
  if (keys.length === 0) return `read_parquet(${glob})`;
  const types = keys.map((k) => `${q(k)}: ${q(hiveType[k] ?? 'VARCHAR')}`).join(', ');
  return `read_parquet(${glob}, hive_partitioning = true, hive_types = {${types}})`;
}

// ---------------------------------------------------------------------------
// Expected rows, from the JSON, with the Parquet column names.

// Nested objects of an incident flattened into prefix_key columns.
const incidentObjects = ['trigger', 'memcg', 'mem_info', 'victim', 'selected', 'oom_reaper',
  'task_cgroup', 'kubernetes', 'ranking_basis'];

function utcDay(t) {
  return t === null || t === undefined ? null : t.slice(0, 10);
}

function expectedIncident(inc) {
  const row = {};
  const nullPrefixes = [];
  for (const [k, v] of Object.entries(inc)) {
    if (incidentObjects.includes(k)) {
      if (v === null) nullPrefixes.push(k + '_');
      else for (const [k2, v2] of Object.entries(v)) row[`${k}_${k2}`] = v2;
      continue;
    }
    row[k] = v;
  }
  row.group_kill_count = inc.group_kills.length;
  row.task_count = inc.tasks.length;
  row.source_count = inc.sources.length;
  row.ranking_count = inc.ranking.length;
  row.kubelet_event_count = inc.kubelet_events.length;
  row.finding_codes = inc.findings.map((f) => f.code);
  const s = inc.sources[0];
  row.first_source_path = s ? s.path : null;
  row.first_source_line = s ? s.line : null;
  row.first_source_format = s ? s.format : null;
  row.date = utcDay(inc.time);
  // Arrays of objects are other tables or counts, not columns.
  for (const k of ['group_kills', 'tasks', 'sources', 'ranking', 'kubelet_events', 'findings']) delete row[k];
  return { row, nullPrefixes };
}

function expectedTasks() {
  const rows = [];
  for (const inc of report.incidents) {
    inc.tasks.forEach((t, i) => rows.push({ incident_id: inc.id, task_index: i, ...t }));
  }
  return rows;
}

function withSource(obj) {
  const row = { ...obj };
  if ('source' in row) {
    row.source_path = row.source ? row.source.path : null;
    row.source_line = row.source ? row.source.line : null;
    delete row.source;
  }
  return row;
}

function expectedPods() {
  return report.pods.map((p) => {
    const row = withSource(p);
    row.container_count = p.containers.length;
    delete row.containers;
    return row;
  });
}

function expectedContainers() {
  const rows = [];
  for (const p of report.pods) {
    for (const c of p.containers) rows.push({ pod_uid: p.uid, ...c });
  }
  return rows;
}

function expectedEvents() {
  return report.kubelet_events.map((e) => {
    const row = withSource(e);
    if ('sources' in row) {
      row.source_count = (row.sources ?? []).length; // null when a writer left it nil
      delete row.sources;
    }
    row.date = utcDay(e.time);
    return row;
  });
}

// ---------------------------------------------------------------------------
// Comparison.

// Microseconds since the epoch of an RFC 3339 UTC time, as a string.
function epochMicros(s) {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) throw new Error(`not an RFC 3339 time: ${s}`);
  const ms = Date.parse(m[1] + m[3]);
  const frac = ((m[2] || '') + '000000').slice(0, 6);
  return (BigInt(ms) * 1000n + BigInt(frac)).toString();
}

function norm(v, type) {
  if (v === null || v === undefined) return null;
  if (type === 'TIMESTAMP WITH TIME ZONE') return epochMicros(v);
  if (Array.isArray(v)) return JSON.stringify(v.map(String));
  return String(v);
}

function normActual(v) {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return JSON.stringify(v.map(String));
  return String(v);
}

const intTypes = ['BIGINT', 'INTEGER'];
const typeRules = {
  incidents: {
    id: ['VARCHAR'], time: ['TIMESTAMP WITH TIME ZONE'], date: ['DATE'], boot_seconds: ['DOUBLE'],
    victim_pid: intTypes, victim_anon_rss_kb: intTypes, memcg_usage_kb: intTypes, trigger_order: intTypes,
    task_count: intTypes, complete: ['BOOLEAN'], kubernetes_adj_mismatch: ['BOOLEAN'],
    missing: ['VARCHAR[]'], finding_codes: ['VARCHAR[]'], memcg_unlimited: ['VARCHAR[]'],
    host: ['VARCHAR'],
  },
  tasks: {
    incident_id: ['VARCHAR'], pid: intTypes, rss_pages: intTypes, rss_anon_pages: intTypes,
    pgtables_bytes: intTypes, oom_score_adj: intTypes, name: ['VARCHAR'],
  },
  pods: { uid: ['VARCHAR'], qos_class: ['VARCHAR'], static: ['BOOLEAN'] },
  containers: {
    pod_uid: ['VARCHAR'], memory_request_bytes: intTypes, memory_limit_bytes: intTypes,
    restart_count: intTypes,
  },
  kubelet_events: { time: ['TIMESTAMP WITH TIME ZONE'], kind: ['VARCHAR'], exit_code: intTypes, date: ['DATE'] },
  inputs: { path: ['VARCHAR'], formats: ['VARCHAR[]'], errors: ['VARCHAR[]'], bytes: intTypes, truncated: ['BOOLEAN'] },
};

const stats = { values: 0, nulls: 0 };

// checkTable compares the table's rows with the expected ones as multisets
// (partitioned tables have no global order), over the expected columns.
async function checkTable(table, expected, nullPrefixesOf = () => []) {
  const files = parquetFiles(table);
  const problems = [];
  if (files.length === 0) {
    if (expected.length !== 0) problems.push(`no files but ${expected.length} rows expected`);
    console.log(`${table}: no files, 0 rows expected: ${expected.length === 0 ? 'ok' : 'FAIL'}`);
    return report1(table, problems);
  }
  const cols = await query(`DESCRIBE SELECT * FROM ${source(table)}`);
  const types = Object.fromEntries(cols.map((c) => [c.column_name, c.column_type]));
  for (const [col, allowed] of Object.entries(typeRules[table] || {})) {
    if (!(col in types)) problems.push(`column ${col} missing`);
    else if (!allowed.includes(types[col])) problems.push(`column ${col} is ${types[col]}, want ${allowed.join(' or ')}`);
  }
  const [{ n }] = await query(`SELECT count(*) AS n FROM ${source(table)}`);
  if (Number(n) !== expected.length) problems.push(`${n} rows, JSON has ${expected.length}`);

  // Columns to compare: those the JSON has a value for.
  const names = Object.keys(types);
  const jsonKeys = new Set();
  for (const e of expected) for (const k of Object.keys(e.row ?? e)) jsonKeys.add(k);
  const missingCols = [...jsonKeys].filter((k) => !(k in types));
  if (missingCols.length) notes.push(`${table}: JSON fields without a column: ${missingCols.join(', ')}`);
  const select = names.map((c) => {
    const id = `"${c}"`;
    return types[c] === 'TIMESTAMP WITH TIME ZONE' ? `epoch_us(${id})::VARCHAR AS ${id}` : id;
  });
  const actual = await query(`SELECT ${select.join(', ')} FROM ${source(table)}`);

  // For each expected row, build the full column vector: JSON values where
  // the JSON has the field, NULL for every column of a null object, and
  // the actual value otherwise (a column the JSON does not describe).
  const actualByKey = actual.map((a) => Object.fromEntries(names.map((c) => [c, normActual(a[c])])));
  const unmatched = [];
  for (const e of expected) {
    const row = e.row ?? e;
    const prefixes = nullPrefixesOf(e);
    const want = {};
    for (const c of names) {
      if (c in row) {
        want[c] = norm(row[c], types[c]);
        stats.values++;
        if (want[c] === null) stats.nulls++;
      } else if (prefixes.some((p) => c.startsWith(p))) {
        want[c] = null;
        stats.values++;
        stats.nulls++;
      }
    }
    // Find an actual row agreeing on every described column.
    let found = null;
    for (const a of actualByKey) {
      if (a.__used) continue;
      if (Object.entries(want).every(([c, v]) => a[c] === v)) {
        found = a;
        break;
      }
    }
    if (found) found.__used = true;
    else unmatched.push(want);
  }
  for (const w of unmatched.slice(0, 5)) {
    // Show the nearest row's differences.
    let best = null;
    let bestDiff = null;
    for (const a of actualByKey) {
      const diff = Object.entries(w).filter(([c, v]) => a[c] !== v).map(([c, v]) => `${c}: parquet ${a[c]} json ${v}`);
      if (best === null || diff.length < bestDiff.length) {
        best = a;
        bestDiff = diff;
      }
    }
    problems.push(`row not found; nearest differs in ${bestDiff ? bestDiff.join('; ') : '(no rows)'}`);
  }
  if (unmatched.length > 5) problems.push(`... and ${unmatched.length - 5} more rows not found`);
  console.log(`${table}: ${files.length} file(s), ${n} rows, ${names.length} columns: ${problems.length ? 'FAIL' : 'ok'}`);
  return report1(table, problems);
}

function report1(table, problems) {
  for (const p of problems.slice(0, 20)) fail(`${table}: ${p}`);
  return problems.length === 0;
}

// ---------------------------------------------------------------------------
// Footer metadata of every file.
async function checkMetadata(table) {
  for (const f of parquetFiles(table)) {
    const digest = /^part-([0-9a-fA-F]+)\.parquet$/.exec(path.basename(f));
    if (!digest) {
      fail(`${f}: file name is not part-<digest>.parquet`);
      continue;
    }
    const kv = await query(
      `SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(${q(f)})`);
    const m = Object.fromEntries(kv.map((r) => [r.k, r.v]));
    const want = {
      'oomtriage.version': report.tool.version,
      'oomtriage.schema_version': String(report.schema_version),
      'oomtriage.input_digest': digest[1],
      'oomtriage.table': table,
    };
    for (const [k, v] of Object.entries(want)) {
      if (m[k] !== v) fail(`${f}: metadata ${k} = ${m[k]}, want ${v}`);
    }
    const [{ created_by }] = await query(`SELECT created_by FROM parquet_file_metadata(${q(f)})`);
    if (created_by !== `oomtriage version ${report.tool.version}`) fail(`${f}: created_by ${created_by}`);
    const codecs = await query(`SELECT DISTINCT compression FROM parquet_metadata(${q(f)})`);
    const list = codecs.map((c) => c.compression);
    if (list.length && (list.length !== 1 || list[0] !== 'ZSTD')) fail(`${f}: compression ${list.join(',')}`);
  }
}

// ---------------------------------------------------------------------------
// The join: tasks ⨝ incidents on incident_id.
async function checkJoin() {
  if (parquetFiles('incidents').length === 0) return;
  const haveTasks = parquetFiles('tasks').length > 0;
  const counts = haveTasks
    ? await query(`SELECT i.id, count(t.incident_id) AS n FROM ${source('incidents')} i
        LEFT JOIN ${source('tasks')} t ON t.incident_id = i.id GROUP BY i.id`)
    : await query(`SELECT id, 0 AS n FROM ${source('incidents')}`);
  const got = Object.fromEntries(counts.map((r) => [r.id, Number(r.n)]));
  let bad = 0;
  for (const inc of report.incidents) {
    if (got[inc.id] !== inc.tasks.length) {
      bad++;
      fail(`join: incident ${inc.id} has ${got[inc.id]} task rows, JSON ${inc.tasks.length}`);
    }
  }
  let victims = [];
  if (haveTasks) {
    victims = await query(`SELECT i.id, t.pid, t.name, t.rss_pages, t.oom_score_adj, t.task_index
        FROM ${source('incidents')} i JOIN ${source('tasks')} t
        ON t.incident_id = i.id AND t.pid = i.victim_pid ORDER BY i.id, t.task_index`);
  }
  const byID = {};
  for (const v of victims) (byID[v.id] ||= []).push(v);
  let withVictimRow = 0;
  for (const inc of report.incidents) {
    const want = inc.victim ? inc.tasks.map((t, i) => ({ ...t, i })).filter((t) => t.pid === inc.victim.pid) : [];
    const have = byID[inc.id] || [];
    if (want.length) withVictimRow++;
    const same = want.length === have.length && want.every((t, k) =>
      String(t.pid) === String(have[k].pid) && t.name === have[k].name &&
      String(t.rss_pages) === String(have[k].rss_pages) &&
      String(t.oom_score_adj ?? null) === String(have[k].oom_score_adj ?? null) &&
      String(t.i) === String(have[k].task_index));
    if (!same) {
      bad++;
      fail(`join: incident ${inc.id} victim rows ${JSON.stringify(have)}, JSON ${JSON.stringify(want)}`);
    }
  }
  console.log(`join tasks⨝incidents: ${report.incidents.length} incidents, ${withVictimRow} with a victim task row: ${bad ? 'FAIL' : 'ok'}`);
}

// ---------------------------------------------------------------------------

const tables = [
  ['incidents', report.incidents.map(expectedIncident), (e) => e.nullPrefixes],
  ['tasks', expectedTasks()],
  ['pods', expectedPods()],
  ['containers', expectedContainers()],
  ['kubelet_events', expectedEvents()],
  ['inputs', report.inputs],
];
for (const [table, expected, prefixes] of tables) {
  await checkTable(table, expected, prefixes);
  await checkMetadata(table);
}
await checkJoin();
console.log(`compared ${stats.values} values, ${stats.nulls} of them NULL in the JSON`);
for (const n of notes) console.log(`note: ${n}`);
con.closeSync();
db.closeSync();
if (failures.length) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(1);
}
console.log('ok');
