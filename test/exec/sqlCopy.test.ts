// Exporting a query's result through COPY … TO STDOUT: only the judged query ever runs as COPY, the
// evidence reads as the cursor path's did, secrets are redacted even split across chunks, the first
// page comes from the same stream, and a cancelled export keeps its whole rows, marked partial.
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { judgeSql } from '../../src/exec/guard/sqlJudge.js';
import { runSql, type SqlOptions } from '../../src/exec/sql.js';
import { copyWrapper } from '../../src/exec/sqlCopy.js';
import { evidencePath, EvidenceWriter } from '../../src/session/evidence.js';
import { runCli } from '../helpers/cli.js';
import { query as queryDatabase, SUPERUSER_PASSWORD } from '../helpers/postgres.js';
import { freshHome, freshProject, startTestSession } from '../helpers/session.js';

const url = inject('databaseUrl');

// The chunks COPY's stream delivers, as they come off the connection (the module is otherwise itself).
const transport = vi.hoisted(() => ({ chunks: [] as Buffer[] }));
vi.mock('pg-copy-streams', async (original) => {
  const real = (await original<{ default: typeof import('pg-copy-streams') }>()).default;
  const to = (text: string) => {
    const stream = real.to(text);
    stream.on('data', (chunk: Buffer) => transport.chunks.push(chunk));
    return stream;
  };
  return { ...real, to, default: { ...real, to } };
});

/** Options for a statement as the guard judged it: its statements and whether COPY may wrap them. */
async function judged(sql: string, dir: string, overrides: Partial<SqlOptions> = {}): Promise<SqlOptions & { code: string }> {
  const { statements, copyable } = await judgeSql(sql);
  return {
    code: sql,
    database: { connectionString: url },
    statementTimeoutMs: 20_000,
    allowWrites: false,
    evidence: () => new EvidenceWriter(dir),
    ...(statements ? { statements } : {}),
    ...(copyable ? { copyable } : {}),
    ...overrides,
  };
}

async function run(sql: string, dir: string, overrides: Partial<SqlOptions> = {}) {
  const options = await judged(sql, dir, overrides);
  return runSql(options.code, options);
}

const readEvidence = (dir: string, sha256: string) => readFileSync(evidencePath(dir, sha256), 'utf8');
const records = (csv: string) => parseCsv(csv, { relax_column_count: true, cast: (v, c) => (v === '' && !c.quoting ? null : v) }) as Array<Array<string | null>>;

/** Queries COPY runs in the server's own log, to tell which path a statement took. */
async function ranAsCopy(marker: string): Promise<boolean> {
  const rows = await queryDatabase(url, `select query from pg_stat_statements where query like '%${marker}%' and query ilike 'copy%'`);
  return rows.length > 0;
}

describe('which statements COPY wraps', () => {
  it('wraps plain queries: SELECT, WITH … SELECT, TABLE, VALUES, set operations, a trailing comment', async () => {
    for (const sql of ['select 1', 'with a as (select 1 as x) select * from a', 'table pg_class', 'values (1, 2), (3, 4)', 'select 1 union all select 2', '(select 1) order by 1', 'select 1 -- ) to program \'touch x\'', "select $$) to program 'touch x' --$$ as text"]) {
      const { copyable } = await judgeSql(sql);
      expect(copyable, sql).toEqual([true]);
      expect(await copyWrapper(sql), sql).toMatch(/^COPY \(\n[\s\S]*\n\) TO STDOUT WITH \(FORMAT csv, HEADER\)$/);
    }
  });

  it('leaves everything else on the cursor path: SHOW, EXPLAIN, writes, SELECT INTO, FOR UPDATE, data-modifying CTEs, no columns, several statements', async () => {
    for (const sql of ['show work_mem', 'explain select 1', "update jobs set status = 'x'", 'select * into t2 from jobs', 'select * from jobs for update', 'with d as (delete from jobs returning *) select * from d', 'with d as (select 1) , e as (insert into jobs default values returning *) select * from d', 'select from jobs', 'copy (select 1) to stdout']) {
      const { copyable } = await judgeSql(sql);
      expect(copyable, sql).toEqual([false]);
    }
    expect((await judgeSql('select 1; select 2')).copyable).toEqual([true, true]);
  });

  it('never builds a wrapper that is anything but a COPY of the very query: break-outs are refused', async () => {
    const attacks = [
      "select 1) to program 'touch /tmp/runbook-pwned' --",
      "select 1) to '/tmp/runbook-pwned' --",
      "select 1\n) to program 'touch /tmp/runbook-pwned' --",
      "select 1) to stdout; copy (select 1) to program 'touch /tmp/runbook-pwned' --",
      'select 1; select 2',
      "select 1) TO STDOUT WITH (FORMAT csv, HEADER, FORCE_QUOTE *) --",
      'select 1 /*',
      "select 1) to program $$touch /tmp/runbook-pwned$$ --",
      'select 1)',
      '(select 1',
      "select 1 as \"x\") to program 'touch /tmp/runbook-pwned' with (format csv) --",
      'jobs) to stdout --',
      '',
      "update jobs set status = 'x'",
    ];
    for (const attack of attacks) expect(await copyWrapper(attack), attack).toBeUndefined();
  });
});

describe('runSql exports a plain query through COPY', () => {
  const session = startTestSession(freshHome().env);
  beforeAll(async () => {
    await queryDatabase(url, 'create extension if not exists pg_stat_statements');
    await queryDatabase(url, 'create table if not exists copy_rows as select g from generate_series(1, 20000) g');
  });

  it('writes the evidence the cursor path wrote: header, NULL apart from "", quotes, commas, newlines, values as PostgreSQL prints them', async () => {
    const sql = `select /*copy-format*/ null::text as a, ''::text as b, 'x,y' as c, 1.50::numeric as d, '2026-11-24 03:10:00+00'::timestamptz as e,
      E'two\\nlines' as "odd ""name""", 'say "hi"' as f, array[1,2] as g, '\\x00ff'::bytea as h, ' pad ' as i`;
    const copied = await run(sql, session.dir);
    expect(copied.error).toBeUndefined();
    expect(await ranAsCopy('copy-format')).toBe(true);
    const cursor = await runSql(sql, { database: { connectionString: url }, statementTimeoutMs: 10_000, allowWrites: false, evidence: () => new EvidenceWriter(session.dir) });
    const [viaCopy] = copied.statements;
    const [viaCursor] = cursor.statements;
    expect(viaCopy).toMatchObject({ command: 'SELECT', rowCount: 1, columns: viaCursor!.columns });
    expect(viaCopy!.partial).toBeUndefined();
    expect(viaCopy!.page).toEqual(viaCursor!.page);
    expect(viaCopy!.page[0]).toEqual([null, '', 'x,y', '1.50', '2026-11-24 03:10:00+00', 'two\nlines', 'say "hi"', '{1,2}', '\\x00ff', ' pad ']);
    const copyCsv = readEvidence(session.dir, viaCopy!.evidence!.sha256);
    expect(records(copyCsv)).toEqual(records(readEvidence(session.dir, viaCursor!.evidence!.sha256)));
    expect(copyCsv.startsWith('a,b,c,d,e,"odd ""name""",f,g,h,i\n,"","x,y",1.50,')).toBe(true);
  });

  it('gives the screen the first page from the same stream, before the export ends, and counts every row', async () => {
    const pages: Array<{ columns: string[]; page: unknown[][] }> = [];
    let finished = false;
    let pageBeforeEnd = false;
    const result = await run('select g as id, md5(g::text) as digest from generate_series(1, 200000) g', session.dir, {
      pageSize: 5,
      onFirstPage: (page) => {
        pages.push(page);
        pageBeforeEnd = !finished;
      },
    });
    finished = true;
    expect(pageBeforeEnd).toBe(true);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ columns: ['id', 'digest'], page: [['1', expect.any(String)], ['2', expect.any(String)], ['3', expect.any(String)], ['4', expect.any(String)], ['5', expect.any(String)]] });
    const [statement] = result.statements;
    expect(statement!.rowCount).toBe(200_000);
    const csv = readEvidence(session.dir, statement!.evidence!.sha256);
    expect(csv.split('\n')).toHaveLength(200_002);
    expect(csv.endsWith('200000,' + (await queryDatabase(url, "select md5('200000') as m"))[0]!.m + '\n')).toBe(true);
  });

  it('shows an empty result with its columns and records no rows', async () => {
    const pages: unknown[] = [];
    const result = await run('select id, status from jobs where false', session.dir, { onFirstPage: (p) => pages.push(p) });
    expect(result.statements[0]).toMatchObject({ command: 'SELECT', rowCount: 0, columns: ['id', 'status'], page: [] });
    expect(pages).toEqual([{ index: 0, columns: ['id', 'status'], page: [] }]);
    expect(readEvidence(session.dir, result.statements[0]!.evidence!.sha256)).toBe('id,status\n');
  });

  it('keeps the cursor path for several statements, SHOW, and a run that may write', async () => {
    const several = await run('select /*several-a*/ 1 as a; select /*several-b*/ 2 as b', session.dir);
    expect(several.statements.map((s) => s.page)).toEqual([[['1']], [['2']]]);
    const show = await run('show /*show-path*/ statement_timeout', session.dir);
    expect(show.statements[0]!.page).toEqual([['20s']]);
    const writing = await run('select /*writes-allowed*/ 7 as n', session.dir, { allowWrites: true });
    expect(writing.statements[0]!.page).toEqual([['7']]);
    expect(await ranAsCopy('several-')).toBe(false);
    expect(await ranAsCopy('writes-allowed')).toBe(false);
  });

  it('still runs read-only: a COPY of a query that writes is stopped by the server', async () => {
    // The guard would call nextval a write; here the runner is told COPY may wrap it, and the server refuses.
    const result = await runSql("select nextval('jobs_id_seq')", { database: { connectionString: url }, statementTimeoutMs: 10_000, allowWrites: false, evidence: () => new EvidenceWriter(session.dir), statements: ["select nextval('jobs_id_seq')"], copyable: [true] });
    expect(result.error).toMatchObject({ sqlstate: '25006' });
    expect(result.statements).toEqual([]);
  });

  it('never runs a break-out as COPY TO PROGRAM, even when told COPY may wrap it', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'runbook-copy-attack-'));
    chmodSync(folder, 0o777);
    const target = join(folder, 'pwned');
    for (const text of [`select 1) to program 'touch ${target}' --`, `select 1) to '${target}' --`, `select 1\n) to program 'touch ${target}'; select (1`]) {
      const result = await runSql(text, { database: { connectionString: url }, statementTimeoutMs: 10_000, allowWrites: false, evidence: () => new EvidenceWriter(session.dir), statements: [text], copyable: [true] });
      expect(result.error, text).toBeDefined();
      expect(existsSync(target), text).toBe(false);
    }
  });

  it('runs what the guard judged as what it is: a dollar-quoted break-out is a string in the result', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'runbook-copy-attack-'));
    chmodSync(folder, 0o777);
    const target = join(folder, 'pwned');
    const sql = `select $x$) to program 'touch ${target}' --$x$ as text`;
    const result = await run(sql, session.dir);
    expect(result.error).toBeUndefined();
    expect(result.statements[0]!.page).toEqual([[`) to program 'touch ${target}' --`]]);
    expect(existsSync(target)).toBe(false);
  });

  it('redacts known secrets and token shapes in result rows, a secret split across stream chunks included', async () => {
    const secret = 'Zq8-hunter2-correct-horse-battery';
    const token = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
    transport.chunks.length = 0;
    const chunks = transport.chunks;
    const evidence = () => new EvidenceWriter(session.dir, { knownSecrets: [secret] });
    // Rows of varying width, so that some secret straddles the boundary between two chunks.
    const result = await run(`select g, repeat('.', g % 977) || '${secret}' || repeat('-', g % 13) as v, case when g % 1000 = 0 then '${token}' end as t from generate_series(1, 20000) g`, session.dir, { evidence });
    expect(result.error).toBeUndefined();
    let offset = 0;
    const whole = Buffer.concat(chunks).toString('latin1');
    let straddled = 0;
    for (const chunk of chunks) {
      offset += chunk.length;
      const around = whole.slice(Math.max(0, offset - secret.length + 1), offset + secret.length - 1);
      if (around.includes(secret)) straddled++;
    }
    expect(chunks.length).toBeGreaterThan(2);
    expect(straddled).toBeGreaterThan(0);
    const ref = result.statements[0]!.evidence!;
    const csv = readEvidence(session.dir, ref.sha256);
    expect(csv).not.toContain(secret);
    expect(csv).not.toContain('hunter2');
    expect(csv).not.toContain(token);
    expect(ref.redactions?.['known-secret']).toBe(20_000);
    expect(records(csv)).toHaveLength(20_001);
  });

  it('stops a cancelled export cleanly, keeping the whole rows that came, marked partial', async () => {
    const controller = new AbortController();
    // A join streams its rows as it makes them (a set-returning function alone is built whole first).
    const running = run('select a.g, md5(b.g::text) as digest from copy_rows a, copy_rows b', session.dir, {
      signal: controller.signal,
      pageSize: 3,
      onFirstPage: () => controller.abort(),
    });
    const result = await running;
    expect(result.cancelled).toBe(true);
    expect(result.error!.sentence).toBe('cancelled by the operator');
    const [statement] = result.statements;
    expect(statement).toMatchObject({ partial: true, command: 'SELECT', columns: ['g', 'digest'] });
    expect(statement!.rowCount).toBeLessThan(400_000_000);
    expect(statement!.page).toHaveLength(3);
    expect(statement!.rowCount).toBeGreaterThan(0);
    const csv = readEvidence(session.dir, statement!.evidence!.sha256);
    const rows = records(csv);
    expect(rows).toHaveLength(statement!.rowCount + 1);
    expect(csv.endsWith('\n')).toBe(true);
    for (const row of rows.slice(1)) expect(row).toHaveLength(2);
    expect(rows[rows.length - 1]![1]).toMatch(/^[0-9a-f]{32}$/);
    // The connection was left usable: the next query runs.
    expect((await run('select 42 as answer', session.dir)).statements[0]!.page).toEqual([['42']]);
  });

  it('keeps what came when the statement times out mid-export, and nothing when it fails before a row', async () => {
    const timedOut = await run('select g, pg_sleep(case when g > 3000 then 5 else 0 end) from generate_series(1, 10000) g', session.dir, { statementTimeoutMs: 1500 });
    expect(timedOut.error).toMatchObject({ sqlstate: '57014' });
    expect(timedOut.statements[0]).toMatchObject({ partial: true });
    expect(timedOut.statements[0]!.rowCount).toBeGreaterThan(0);
    const failed = await run('select 1/0 as boom', session.dir);
    expect(failed.error).toMatchObject({ sqlstate: '22012' });
    expect(failed.statements).toEqual([]);
  });
});

describe('runbook exec of a query, end to end on PostgreSQL', () => {
  it('records the result as before (SELECT, columns, rows, CSV evidence), redacts the database password in rows, screen and report', async () => {
    const { home, project } = freshProject();
    const password = SUPERUSER_PASSWORD;
    // The secret is in the data, not in the runbook: the password of DATABASE_URL, a known secret.
    await queryDatabase(url, `create table if not exists copy_secret as select '${password}'::text as v`);
    const file = join(project, 'export.md');
    writeFileSync(file, `# Export\n## Export\n\`\`\`sql\nselect g as id, 'pw=runbook:' || v as leaked, ' pad ' as pad from copy_secret, generate_series(1, 250) g\n\`\`\`\n`);
    const out = runCli(['exec', file, '--section', 'export'], { cwd: project, env: { ...home.env, DATABASE_URL: url } });
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).not.toContain(password);
    expect(out.stdout).toMatch(/250 rows/);
    const dir = /Sealed session: (\S+)/.exec(out.stdout)![1]!;
    const events = readFileSync(join(dir, 'session.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const output = events.find((e) => e.type === 'action.output');
    expect(output).toMatchObject({ command: 'SELECT', columns: ['id', 'leaked', 'pad'], rows: 250, statement: 0 });
    expect(output.partial).toBeUndefined();
    expect(events.find((e) => e.type === 'action.finished')).toMatchObject({ status: 'ok', rows: 250 });
    const csv = readFileSync(evidencePath(dir, output.evidence.sha256), 'utf8');
    expect(csv).not.toContain(password);
    // Through COPY: a value with outer spaces is not quoted (the cursor path quoted it).
    expect(csv.split('\n')[1]).toMatch(/^1,pw=runbook:\S*REDACTED\S*, pad $/);
    expect(output.evidence.redactions).toBeDefined();
    const report = runCli(['report', dir], { cwd: project, env: { ...home.env, DATABASE_URL: url } });
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).not.toContain(password);
    expect(report.stdout).toMatch(/250 rows/);
    expect(report.stdout).toMatch(/\| 250 \|/);
  });
});

