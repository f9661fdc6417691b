// Evidence excerpts in the team store (issue 21) on a real PostgreSQL: what a second responder can read
// of the first one's outputs, redacted, cut to size, bound to the SHA-256 its event names, written only
// by the session's owner.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/migrate.js';
import { runCli } from '../helpers/cli.js';
import { query, startCluster, type Cluster } from '../helpers/postgres.js';
import { freshHome } from '../helpers/session.js';

let cluster: Cluster;
const ROLES = { op_a: 'runbook_operator', op_b: 'runbook_operator', reviewer: 'runbook_reviewer', outsider: undefined } as const;
type Role = keyof typeof ROLES | 'postgres';
const urlOf = (role: Role) => (role === 'postgres' ? cluster.url : cluster.url.replace(/postgres:[^@]+@/, `${role}:${role}-pw@`));
const as = <T = Record<string, unknown>>(role: Role, sql: string, params: unknown[] = []) => query<T>(urlOf(role), sql, params);

// A GitHub-token-shaped value, built at run time and kept in a file: never on a command line.
const TOKEN = `ghp_${'Zq7'.repeat(12)}`;

beforeAll(async () => {
  cluster = await startCluster();
  await migrate({ connectionString: cluster.url });
  for (const [role, member] of Object.entries(ROLES)) {
    await query(cluster.url, `create role ${role} login password '${role}-pw'${member ? ` in role ${member}` : ''}`);
  }
}, 60_000);
afterAll(() => cluster?.stop());

interface Row {
  seq: number;
  kind: string;
  sha256: string;
  size: number;
  excerpt: { head?: string[]; tail?: string[]; lines?: number; omitted?: boolean; columns?: string[]; rows?: string[][]; more?: boolean };
  full: boolean;
}

/** Run a section as op_a with the store set; returns the session id, its folder and the stored excerpts. */
async function runAsOperatorA(markdown: string, limit = '4096') {
  const home = freshHome();
  writeFileSync(join(home.root, 'secret.txt'), `token=${TOKEN}\n`);
  const file = join(home.root, 'incident.md');
  writeFileSync(file, markdown);
  const out = runCli(['exec', file, '--section', 'steps', '--incident', 'INC-21'], {
    cwd: home.root,
    env: { ...home.env, RUNBOOK_STORE_URL: urlOf('op_a'), DATABASE_URL: cluster.url, RUNBOOK_STORE_EVIDENCE_LIMIT: limit },
  });
  expect(out.stdout + out.stderr, out.stdout + out.stderr).toMatch(/Mirrored to the team store/);
  if (process.env.DEBUG_EXCERPTS) console.log(out.stdout.slice(0, 3000));
  const dir = /Sealed session: (\S+)/.exec(out.stdout)![1]!;
  const id = dir.split('/').pop()!;
  const rows = await as<Row>('reviewer', 'select seq, kind, sha256, size::int as size, excerpt, content is not null as full from runbook_excerpts where session_id = $1 order by seq', [id]);
  return { home, id, dir, rows };
}

describe('evidence excerpts', () => {
  let session: Awaited<ReturnType<typeof runAsOperatorA>>;
  beforeAll(async () => {
    session = await runAsOperatorA(
      [
        '# Incident',
        '## Steps',
        '1. `cat secret.txt`',
        "2. `select n, 'row ' || n as label from generate_series(1, 30) n`",
        '3. Count',
        '   ```sh',
        '   seq 1 5000',
        '   ```',
        "4. `head -c 300000 /dev/zero | tr '\\0' a; echo; echo after-the-huge-line`",
        '',
      ].join('\n'),
    );
  }, 90_000);

  it('sends each output beside its event, redacted, with the SHA-256 of the whole evidence', async () => {
    const { rows, id } = session;
    expect(rows.map((r) => r.kind)).toEqual(['output', 'rows', 'output', 'output']);
    const events = await as<{ seq: number; sha: string; size: number }>('reviewer', "select seq, body -> 'evidence' ->> 'sha256' as sha, (body -> 'evidence' ->> 'size')::int as size from runbook_events where session_id = $1 and type = 'action.output' order by seq", [id]);
    expect(rows.map((r) => [r.seq, r.sha256, r.size])).toEqual(events.map((e) => [e.seq, e.sha, e.size]));
    const secret = rows[0]!;
    expect(secret.excerpt.head).toHaveLength(1);
    expect(secret.excerpt.head![0]).toMatch(/^token=\[REDACTED/);
    const everything = JSON.stringify(await as('postgres', "select e.excerpt, encode(e.content, 'escape') as content, v.line from runbook_excerpts e join runbook_events v using (session_id, seq) where session_id = $1", [id]));
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(TOKEN.slice(4, 20));
  });

  it("a query's excerpt holds its columns and first rows", () => {
    const rows = session.rows[1]!;
    expect(rows.excerpt.columns).toEqual(['n', 'label']);
    expect(rows.excerpt.rows).toHaveLength(20);
    expect(rows.excerpt.rows![0]).toEqual(['1', 'row 1']);
    expect(rows.excerpt.more).toBe(true);
    expect(rows.full).toBe(true);
  });

  it('a file over the limit arrives as an excerpt: first and last lines, and a huge line cut', () => {
    const long = session.rows[2]!;
    expect(long.full).toBe(false);
    expect(long.excerpt.head!.slice(0, 2)).toEqual(['1', '2']);
    expect(long.excerpt.tail!.slice(-1)).toEqual(['5000']);
    expect(long.excerpt.head).toHaveLength(20);
    expect(long.excerpt.omitted).toBe(true);
    const huge = session.rows[3]!;
    expect(huge.full).toBe(false);
    expect(huge.excerpt.head![0]!.length).toBeLessThanOrEqual(401);
    expect(huge.excerpt.head![0]).toMatch(/^a+…$/);
    expect(huge.excerpt.tail!.slice(-1)).toEqual(['after-the-huge-line']);
    expect(JSON.stringify(huge.excerpt).length).toBeLessThan(20_000);
  });

  it('verify --store checks the whole files the store holds and says which it holds', () => {
    const out = runCli(['verify', session.id, '--store', cluster.url, '--json'], { env: session.home.env });
    expect(out.code, out.stderr).toBe(0);
    const result = JSON.parse(out.stdout) as { ok: boolean; evidence: { full: Array<{ seq: number; local: string }>; excerptOnly: Array<{ seq: number }>; bad: string[] } };
    expect(result.ok).toBe(true);
    expect(result.evidence.full.map((f) => [f.seq, f.local])).toEqual([session.rows[0]!.seq, session.rows[1]!.seq].map((seq) => [seq, 'same']));
    expect(result.evidence.excerptOnly.map((f) => f.seq)).toEqual([session.rows[2]!.seq, session.rows[3]!.seq]);
    expect(result.evidence.bad).toEqual([]);
    const text = runCli(['verify', session.id, '--store', cluster.url], { env: session.home.env });
    expect(text.stdout).toMatch(/Evidence in the store: 2 whole files \(checked against their SHA-256\), 2 as excerpt only, 0 not sent\./);
  });

  it('refuses an excerpt from another operator, even a true one', async () => {
    const { id, rows } = session;
    const r = rows[2]!;
    await expect(as('op_b', 'insert into runbook_excerpts (session_id, seq, kind, sha256, size, excerpt) values ($1, $2, $3, $4, $5, $6)', [id, r.seq + 1, 'output', r.sha256, r.size, { head: ['forged'] }])).rejects.toThrow(/belongs to op_a; op_b may not|row-level security/);
    await expect(as('outsider', 'select * from runbook_excerpts')).rejects.toThrow(/permission denied/);
    await expect(as('reviewer', 'insert into runbook_excerpts (session_id, seq, kind, sha256, size, excerpt) values ($1, 0, $2, $3, 1, $4)', [id, 'output', r.sha256, {}])).rejects.toThrow(/permission denied/);
  });

  it("refuses the owner's excerpt whose SHA-256, size or whole file is not the event's evidence", async () => {
    // A second session, whose outputs have no excerpt yet: its owner tries to put other evidence beside them.
    const other = await runAsOperatorA('# I\n## Steps\n1. Say one\n   ```sh\n   echo one\n   ```\n', '0');
    const { rows } = other;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.full).toBe(false);
    const stranger = await as<{ seq: number; sha: string }>('postgres', "select seq, body -> 'evidence' ->> 'sha256' as sha from runbook_events where session_id = $1 and type = 'action.started'", [other.id]);
    const insert = (seq: number, sha: string, size: number, content: Buffer | null) =>
      as('op_a', 'insert into runbook_excerpts (session_id, seq, kind, sha256, size, excerpt, content) values ($1, $2, $3, $4, $5, $6, $7)', [other.id, seq, 'output', sha, size, { head: ['x'] }, content]);
    // Already held: the stored one stays (append-only), a second one is refused.
    await expect(insert(rows[0]!.seq, rows[0]!.sha256, rows[0]!.size, null)).rejects.toThrow(/duplicate key/);
    await expect(as('op_a', "update runbook_excerpts set excerpt = '{}' where session_id = $1", [other.id])).rejects.toThrow(/permission denied|append-only/);
    await expect(as('op_a', 'delete from runbook_excerpts where session_id = $1', [other.id])).rejects.toThrow(/permission denied|append-only/);
    // Beside an event that names no evidence.
    await expect(insert(stranger[0]!.seq, 'a'.repeat(64), 1, null)).rejects.toThrow(/names no evidence/);
    // Another sha, another size, or a whole file that is not that evidence: on a fresh session.
    const fresh = await runAsOperatorA('# I\n## Steps\n1. Say two\n   ```sh\n   echo two\n   ```\n', '0');
    const seq = fresh.rows[0]!.seq;
    const good = fresh.rows[0]!;
    // The trigger checks before the primary key does: each refusal says what is wrong.
    const freshInsert = (sha: string, size: number, content: Buffer | null) =>
      as('op_a', 'insert into runbook_excerpts (session_id, seq, kind, sha256, size, excerpt, content) values ($1, $2, $3, $4, $5, $6, $7)', [fresh.id, seq, 'output', sha, size, { head: ['x'] }, content]);
    await expect(freshInsert('b'.repeat(64), good.size, null)).rejects.toThrow(/names evidence bbbbbbbbbbbb, the event/);
    await expect(freshInsert(good.sha256, good.size + 1, null)).rejects.toThrow(/gives a size of/);
    await expect(freshInsert(good.sha256, good.size, Buffer.from('two\n'.replace('two', 'owt')))).rejects.toThrow(/is not the evidence its event names/);
  }, 90_000);

  it('no runbook function is executable by PUBLIC, and the undo keeps excerpts unless asked', async () => {
    const exposed = await query<{ fn: string }>(cluster.url, "select p.oid::regprocedure::text as fn from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public' and p.proname like 'runbook\\_%' and has_function_privilege('outsider', p.oid, 'execute')");
    expect(exposed).toEqual([]);
    const undo = readFileSync(join(__dirname, '../../db/migrations/003.undo.excerpts.sql'), 'utf8');
    await expect(query(cluster.url, undo)).rejects.toThrow(/holds \d+ evidence excerpt\(s\) and undoing migration 3 drops them/);
    expect((await query<{ n: number }>(cluster.url, 'select count(*)::int as n from runbook_excerpts'))[0]!.n).toBeGreaterThan(0);
  });
});
