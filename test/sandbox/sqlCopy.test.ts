// The COPY export against the sandbox (PGlite served over pglite-socket): COPY TO STDOUT works there
// and gives the cursor path's rows, but PGlite runs it to the end before sending anything (measured:
// first page of 1M rows after 1.5–2 s against 0.1 s through a cursor, and no cancelling meanwhile),
// so the sandbox environment keeps the cursor.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeSql } from '../../src/exec/guard/sqlJudge.js';
import { runSql, type SqlOptions } from '../../src/exec/sql.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/sandbox.js';
import { evidencePath, EvidenceWriter } from '../../src/session/evidence.js';
import { runCli } from '../helpers/cli.js';
import { freshHome, startTestSession } from '../helpers/session.js';

const home = freshHome();
const session = startTestSession(home.env);
let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox('copy', { env: home.env });
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
});

async function run(sql: string, overrides: Partial<SqlOptions> = {}) {
  const { statements, copyable } = await judgeSql(sql);
  return runSql(sql, { database: { connectionString: sandbox.url }, statementTimeoutMs: 20_000, allowWrites: false, evidence: () => new EvidenceWriter(session.dir), ...(statements ? { statements } : {}), ...(copyable ? { copyable } : {}), ...overrides });
}

const records = (csv: string) => parseCsv(csv, { relax_column_count: true, cast: (v, c) => (v === '' && !c.quoting ? null : v) }) as unknown[][];

describe('COPY export on the sandbox', () => {
  it('exports a query through COPY with the rows and values the cursor path gives', async () => {
    const sql = "select g as id, md5(g::text) as digest, case when g % 2 = 0 then null else '' end as maybe, ' pad ' as pad from generate_series(1, 5000) g";
    const copied = await run(sql, { pageSize: 3 });
    expect(copied.error).toBeUndefined();
    const cursor = await runSql(sql, { database: { connectionString: sandbox.url }, statementTimeoutMs: 20_000, allowWrites: false, evidence: () => new EvidenceWriter(session.dir), pageSize: 3 });
    const [viaCopy] = copied.statements;
    expect(viaCopy).toMatchObject({ command: 'SELECT', rowCount: 5000, columns: ['id', 'digest', 'maybe', 'pad'] });
    expect(viaCopy!.page).toEqual(cursor.statements[0]!.page);
    const csv = readFileSync(evidencePath(session.dir, viaCopy!.evidence!.sha256), 'utf8');
    // COPY leaves ' pad ' unquoted where the cursor path quoted it: this evidence came through COPY.
    expect(csv.split('\n')[1]).toMatch(/^1,[0-9a-f]{32},"", pad $/);
    expect(records(csv)).toEqual(records(readFileSync(evidencePath(session.dir, cursor.statements[0]!.evidence!.sha256), 'utf8')));
  });

  it('is not used for the sandbox environment: PGlite builds the whole result before the first byte, so its queries keep the cursor', () => {
    const file = join(home.root, 'pad.md');
    writeFileSync(file, "# Pad\n## Pad\n```sql\nselect ' pad ' as pad, g from generate_series(1, 3) g\n```\n");
    const env: Record<string, string | undefined> = { ...home.env };
    for (const key of ['DATABASE_URL', 'PGHOST', 'PGPORT', 'PGUSER', 'PGDATABASE', 'PGPASSWORD']) env[key] = undefined;
    const out = runCli(['exec', file, '--section', 'pad'], { cwd: home.root, env: env as NodeJS.ProcessEnv });
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toMatch(/SANDBOX/);
    const dir = /Sealed session: (\S+)/.exec(out.stdout)![1]!;
    const output = readFileSync(join(dir, 'session.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.type === 'action.output');
    expect(output).toMatchObject({ command: 'SELECT', columns: ['pad', 'g'], rows: 3 });
    // The cursor path quotes a value with outer spaces; COPY does not.
    expect(readFileSync(evidencePath(dir, output.evidence.sha256), 'utf8')).toBe('pad,g\n" pad ",1\n" pad ",2\n" pad ",3\n');
  });
});
