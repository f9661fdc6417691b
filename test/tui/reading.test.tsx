// Reading values and finding the way back: whole rows, recorded results after a resume, the cursor
// after Esc, messages that do not outlive their screen.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { recordLines } from '../../src/components/RecordView.js';
import { tableLines } from '../../src/components/ResultTable.js';
import { Session } from '../../src/session/session.js';
import { KEY, renderTui } from '../helpers/tui.js';

const databaseUrl = inject('databaseUrl');
const incident = { kind: 'incident' as const, id: 'INC-4711', severity: '1' };
/** The policy's qual as the server prints it (pg_policies), read in beforeAll. */
let LONG_QUAL = '';

beforeAll(async () => {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`create table if not exists public.i16_reports (id int, owner_id int);
    alter table public.i16_reports enable row level security;
    create table if not exists public.members (user_id int, team_id int, role text);
    drop policy if exists team_read on public.i16_reports;
    create policy team_read on public.i16_reports for select using (owner_id in (select user_id from members where team_id = current_setting('app.team', true)::int and role = any (array['owner', 'admin', 'billing-reader'])));`);
  LONG_QUAL = (await client.query(`select qual from pg_policies where policyname = 'team_read'`)).rows[0].qual;
  await client.end();
});
afterAll(async () => {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('drop table if exists public.i16_reports; drop table if exists public.members;');
  await client.end();
});

describe('result tables', () => {
  it('size columns to their content and leave out, saying so, what does not fit', () => {
    const wide = tableLines(['a', 'long_column'], [['x', 'short'], [null, 'a much longer value']], 80);
    expect(wide.header).toBe('a    │ long_column');
    expect(wide.rows[1]).toBe('NULL │ a much longer value');
    const narrow = tableLines(['schemaname', 'tablename', 'policyname', 'qual'], [['public', 'ebooks', 'owner_read', LONG_QUAL]], 40);
    expect(narrow.rows[0]!.length).toBeLessThanOrEqual(38);
    expect(narrow.rows[0]).toMatch(/^public +│ ebooks/);
    expect(narrow.hidden + narrow.widths.length).toBe(4);
  });

  it('keep header, rule and rows aligned when columns are cut or left out', () => {
    const columns = ['schemaname', 'tablename', 'policyname', 'permissive', 'roles', 'cmd', 'qual', 'with_check'];
    const rows = [['public', 'ebooks', 'ebooks_owner', 'PERMISSIVE', '{authenticated}', 'SELECT', `(owner_id = ( SELECT profiles.id\n   FROM profiles))`, null]];
    for (const width of [40, 60, 79, 120]) {
      const t = tableLines(columns, rows, width);
      const bars = (line: string) => [...line].flatMap((c, i) => (c === '│' || c === '┼' ? [i] : []));
      expect(bars(t.header), `at ${width}`).toEqual(bars(t.rule));
      expect(bars(t.rows[0]!), `at ${width}`).toEqual(bars(t.rule));
      expect([...t.rule].length).toBeLessThanOrEqual(width - 2);
    }
  });

  it('neutralise escape sequences and control characters in cells and records', () => {
    const t = tableLines(['v'], [['\u001b]52;c;ZXZpbA==\u0007red\u001b[31m\rX']], 40);
    expect(t.rows[0]).not.toMatch(/[\u0000-\u001f]/);
    const lines = recordLines(['v'], ['a\u001b[2Jb\nc'], 40);
    expect(lines.join('\n')).not.toMatch(/\u001b/);
    // Shown visibly, as psql does: the reader sees that the value holds an escape, the terminal does not act on it.
    expect(lines).toEqual(['v    │ a\\x1B[2Jb', '     │ c']);
  });

  it('Enter on a row shows every column whole, wrapped like psql \\x; Esc goes back to the table, then to the checklist', async () => {
    const tui = await renderTui({ purpose: incident, databaseUrl, columns: 60, rows: 24 });
    await tui.press('/rls\r\r', 'jj\r', 'ri16_reports\r');
    await tui.waitFor('✓ ok · 1 row');
    expect(tui.frame()).not.toContain('billing-reader');
    await tui.press(KEY.enter);
    const record = await tui.waitFor('RECORD 1 of 1');
    const qual = record
      .split('\n')
      .filter((l) => /^(qual|\s+) +│/.test(l) && !/^with_check/.test(l))
      .map((l) => l.replace(/^.*?│ /, ''));
    expect(record).toMatch(/^qual +│ /m);
    // The value reassembled from its wrapped lines is the server's whole qual.
    const start = qual.findIndex((l) => l.startsWith('(owner_id'));
    expect(LONG_QUAL.length).toBeGreaterThan(150);
    expect(qual.slice(start).join(' ').replace(/\s+/g, ' ')).toBe(LONG_QUAL.replace(/\s+/g, ' '));
    expect(record).toContain("'billing-reader'::text");
    await tui.press(KEY.escape);
    expect(tui.frame()).toMatch(/❯ public/);
    await tui.press(KEY.escape);
    expect(tui.store.getState().screen.name).toBe('section');
    tui.unmount();
  });

  it('v opens the record of the row chosen with ↓, and ←→ step through records', async () => {
    const tui = await renderTui({ purpose: incident, databaseUrl });
    await tui.press('/rls\r\r', 'jj\r', 'rebooks\r');
    await tui.waitFor('✓ ok · 2 rows');
    await tui.press(`${KEY.down}v`);
    expect(tui.frame()).toMatch(/RECORD 2 of 2[\s\S]*policyname +│ anon_read/);
    await tui.press('\u001b[D');
    expect(tui.frame()).toMatch(/RECORD 1 of 2[\s\S]*policyname +│ owner_read/);
    tui.unmount();
  });
});

describe('after a resume', () => {
  it('the step shows its last result again, read from the evidence', async () => {
    const first = await renderTui({ purpose: incident, databaseUrl });
    await first.press('/rls\r\r', 'jj\r', 'rebooks\r');
    await first.waitFor('✓ ok · 2 rows');
    const dir = first.store.getState().session!.dir;
    first.store.getState().session!.interrupt('test: the terminal closed');
    first.unmount();
    const { session, events } = Session.resume(dir);
    const tui = await renderTui({ resume: { session, events }, databaseUrl });
    const frame = await tui.waitFor('last run');
    expect(frame).toMatch(/last run \(\d\d:\d\d:\d\d UTC\): ok · 2 rows/);
    expect(frame).toMatch(/public +│ ebooks +│ owner_read/);
    expect(frame).toMatch(/public +│ ebooks +│ anon_read/);
    await tui.press('v');
    expect(tui.frame()).toContain('RECORD 1 of 2');
    tui.unmount();
    session.close();
  });
});

describe('finding the way back', () => {
  it('Esc after filter → section puts the cursor on the section it came from', async () => {
    const tui = await renderTui();
    await tui.press('/rls\r\r');
    await tui.waitFor('RLS Misconfiguration  ');
    await tui.press(KEY.escape);
    expect(tui.frame()).toMatch(/❯ +RLS Misconfiguration/);
    await tui.press('\r', 'jj\r');
    await tui.waitFor('step 2.1');
    await tui.press(KEY.escape);
    expect(tui.frame()).toMatch(/❯ +○ 2\.1\./);
    tui.unmount();
  });

  it('a status line does not follow the operator to another screen, and d moves on as the footer says', async () => {
    const tui = await renderTui({ purpose: incident, writeReport: async (dir) => `${dir}/report.md` });
    await tui.press('/rls\r\r');
    expect(tui.frame()).toContain('d done↓');
    await tui.press('d');
    await tui.waitFor('Step 1 marked done.');
    expect(tui.frame()).toMatch(/❯ +○ 2\. Steps/);
    await tui.press(KEY.escape);
    expect(tui.frame()).not.toContain('marked done');
    await tui.press('q', KEY.enter);
    const finish = await tui.waitFor('Session sealed');
    expect(finish).not.toContain('marked done');
    await tui.press('w');
    const written = await tui.waitFor('Report draft written.');
    expect(written.match(/Report draft/g)).toHaveLength(2);
    expect(written.match(/report\.md/g)).toHaveLength(1);
    tui.unmount();
  });
});

describe('reference code blocks', () => {
  it('a step shows a YAML snippet that is not an action as reference text, and never runs it', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'runbook-ref-')), 'ref.md');
    writeFileSync(file, '# Ref\n## Configure\n- Set the pool size in `pgbouncer.ini`:\n\n  ```yaml\n  pool_mode: transaction\n  default_pool_size: 40\n  ```\n');
    const tui = await renderTui({ file });
    await tui.press('\r', '\r');
    const frame = await tui.waitFor('reference, not run');
    expect(frame).toContain('─ yaml (reference, not run) ─');
    expect(frame).toContain('default_pool_size: 40');
    expect(frame).toContain('No command or query');
    expect(tui.store.getState().runbook!.sections[0]!.steps[0]!.actions).toEqual([]);
    tui.unmount();
  });
});

describe('the output pane', () => {
  it('scrolls back through a long output with PgUp and forward with PgDn', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { resolveEnvironment } = await import('../../src/exec/environment.js');
    const file = join(mkdtempSync(join(tmpdir(), 'runbook-long-')), 'long.md');
    writeFileSync(file, '# Long\n## Print\n```sh\nseq 1 200 | sed "s/^/line /"\n```\n');
    const tui = await renderTui({ file, purpose: incident, env: resolveEnvironment({ name: 'local', processEnv: { PATH: process.env.PATH } }), rows: 20 });
    await tui.press('\r', '\r', 'r');
    await tui.waitFor('line 200');
    expect(tui.frame()).not.toContain('line 150');
    await tui.press(KEY.pageUp, '\u001b[5~', '\u001b[5~', '\u001b[5~', '\u001b[5~');
    expect(tui.frame()).toContain('line 150');
    expect(tui.frame()).not.toContain('line 200');
    await tui.press('\u001b[6~', '\u001b[6~', '\u001b[6~', '\u001b[6~', '\u001b[6~', '\u001b[6~');
    expect(tui.frame()).toContain('line 200');
    tui.unmount();
  });
});
