// Report drafts from fixed sessions, compared with golden files; rendered Markdown checked by a parser.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import markdownIt from 'markdown-it';
import { beforeAll, describe, expect, it } from 'vitest';
import { draftReport, recordDrill, renderMarkdown, TO_WRITE } from '../../src/report/index.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { markdownProblems } from '../helpers/markdownCheck.js';
import { fixedKey, fixedSession, recordAction, sealWith } from '../helpers/fixedSessions.js';

const GOLDEN = join(ROOT, 'test/report/golden');
let root: string;
let key: { keyPath: string; allowedSigners: string };
const env = { ...process.env };

/**
 * Paths differ between machines and clones, and so does the head hash (the first event records the
 * runbook's absolute path); everything else in a report of a fixed session is the same.
 */
function normalize(text: string, sessionDir: string): string {
  return text.split(sessionDir).join('<session>').split(ROOT).join('<root>/').replace(/Head hash: `[0-9a-f]{64}`/, 'Head hash: `<head>`');
}

function golden(name: string, actual: string): void {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN || !existsSync(path)) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'runbook-report-'));
  key = fixedKey(join(root, 'keys'));
});

async function incidentSession(): Promise<string> {
  const s = fixedSession(join(root, 'sessions'), '20261124-031000-rls-misconfiguration-0001', { kind: 'incident', id: 'INC-4711', title: 'Customer sees another customer ebooks', severity: '1' });
  const rls = { section: 'rls-misconfiguration' };
  s.setStepStatus({ ...rls, step: 'rls-misconfiguration/1' }, 'done');
  s.setPlaceholder({ ...rls, step: 'rls-misconfiguration/2.1' }, 'tablename', 'ebooks', false);
  recordAction(s, { ...rls, step: 'rls-misconfiguration/2.1' }, {
    id: 'rls-misconfiguration/2.1#1', kind: 'sql', code: "select * from pg_policies where tablename = 'ebooks'", rows: 10_000,
    output: (write) => {
      write('id,policyname,qual\n');
      for (let i = 1; i <= 10_000; i++) write(`${i},policy_${i},(owner_id = ${i})\n`);
    },
  });
  s.note({ ...rls, step: 'rls-misconfiguration/2.1' }, 'anon_read has USING (true): that is the leak');
  s.setStepStatus({ ...rls, step: 'rls-misconfiguration/2.1' }, 'done');
  recordAction(s, { ...rls, step: 'rls-misconfiguration/2.2' }, {
    id: 'rls-misconfiguration/2.2#1', kind: 'shell', code: 'npm run db:migrate -- --env prod', status: 'failed', exitCode: 1, error: 'exited with status 1',
    output: (write) => {
      const line = 'INFO applying migration 0042_fix_rls.sql '.padEnd(99, '.') + '\n';
      for (let i = 0; i < (50 * 1024 * 1024) / 100; i++) write(line);
      write('ERROR relation "ebooks_v2" does not exist\n');
    },
  });
  s.setStepStatus({ ...rls, step: 'rls-misconfiguration/2.2' }, 'failed');
  s.setStepStatus({ ...rls, step: 'rls-misconfiguration/2.3' }, 'skipped', 'auth scope did not change');
  await sealWith(s, key.keyPath, env);
  return s.dir;
}

describe('incident report', () => {
  let dir: string;
  let markdown: string;
  beforeAll(async () => {
    dir = await incidentSession();
    markdown = renderMarkdown(await draftReport(dir, { allowedSigners: key.allowedSigners }), { linkBase: dir, command: (args) => `runbook ${args}` });
  }, 60_000);

  it('matches the golden file', () => {
    golden('incident.md', normalize(markdown, dir));
  });

  it('stays small however big the evidence: a 50 MB output and a 10,000-row result', () => {
    expect(Buffer.byteLength(markdown)).toBeLessThan(200 * 1024);
    expect(markdown).toMatch(/9960 rows omitted — full result: \[evidence\/[0-9a-f]{64}\]/);
    expect(markdown).toMatch(/\d+ lines omitted — full output: \[evidence\/[0-9a-f]{64}\]/);
    expect(markdown).toContain('ERROR relation "ebooks_v2" does not exist');
  });

  it('holds the header, prompts for people, timeline, actions, deviations, notes and integrity', () => {
    expect(markdown).toMatch(/^# Post-incident report: INC-4711 Customer sees another customer ebooks\n/);
    for (const section of ['## Summary', '## Impact', '## Root cause and contributing factors', '## Action items', '## Lessons learned', '## Timeline', '## Actions', '## Deviations', '## Notes', '## Integrity']) expect(markdown).toContain(section);
    expect(markdown.split(TO_WRITE).length - 1).toBeGreaterThanOrEqual(7);
    expect(markdown).toContain('- Skipped: RLS Misconfiguration › 2.3. Regenerate JWT claims if auth scope changed. — “auth scope did not change”');
    expect(markdown).toContain('- Failed step: RLS Misconfiguration › 2.2. Apply fix migration or policy update.');
    expect(markdown).toContain('- Never reached: RLS Misconfiguration › 2.4. Document incident and preventive measures.');
    expect(markdown).toContain('- 03:10:06 (RLS Misconfiguration › 2.1. ');
    expect(markdown).toContain('| Duration | 13 s |');
    expect(markdown).toMatch(/signature valid/);
    expect(markdown).toContain('runbook verify 20261124-031000-rls-misconfiguration-0001');
    expect(markdown).toContain('ssh-keygen -Y verify -f ~/.config/runbook/allowed_signers -I dana@example.com');
  });

  it('renders as GitHub Markdown: tables, a mermaid gantt, headings', () => {
    const tokens = markdownIt('default').parse(markdown, {});
    expect(tokens.filter((t) => t.type === 'table_open').length).toBeGreaterThanOrEqual(4);
    const mermaid = tokens.find((t) => t.type === 'fence' && t.info === 'mermaid');
    expect(mermaid?.content).toMatch(/^gantt\n/);
    expect(mermaid?.content).toMatch(/:crit, s\d+, 2026-11-24T03:10:\d\d, \d+s/);
    expect(mermaid?.content).toMatch(/:done, s\d+/);
    // Every table row has as many cells as its header.
    const html = markdownIt('default').render(markdown);
    expect(html).toContain('<th>What happened</th>');
    expect(html).not.toMatch(/\| *\| *\|/);
    expect(markdownProblems(markdown)).toEqual([]);
  });

  it('names each operator once: the user and the signer identity of one person are one entry', () => {
    expect(markdown).toContain('| Operators | dana@example.com |');
  });

  it('gives the same content as JSON', async () => {
    const out = runCli(['report', dir, '--format', 'json', '--allowed-signers', key.allowedSigners]);
    expect(out.code).toBe(0);
    const data = JSON.parse(out.stdout);
    expect(data).toMatchObject({ template: 'incident', header: { env: 'prod', counts: { done: 2, skipped: 1, failed: 1, actions: 2 } }, verification: { ok: true } });
    expect(data.actions[0].outputs[0].table.omitted).toBe(9960);
  });
});

describe('secrets and tampering', () => {
  it('keeps secrets out of the report', async () => {
    const s = fixedSession(join(root, 'sessions'), '20261124-031000-secrets-0002', { kind: 'routine' }, undefined, ['db-password-value']);
    recordAction(s, { section: 'weekly', step: 'weekly/1' }, {
      id: 'weekly/1#1', kind: 'shell', code: 'PGPASSWORD=hunter2-secret psql "postgres://app:db-password-value@db/app" -c "select 1"',
      output: 'connecting with password=db-password-value\nservice key eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2lnbmF0dXJlLXZhbHVlLWhlcmU\n',
    });
    s.note({ step: 'weekly/1' }, 'token sbp_0123456789abcdef0123456789abcdef01234567 rotated');
    await sealWith(s, key.keyPath, env);
    const markdown = renderMarkdown(await draftReport(s.dir, { allowedSigners: key.allowedSigners }));
    expect(markdown).not.toMatch(/hunter2-secret|db-password-value|eyJyb2xl|sbp_0123/);
    expect(markdown).toContain('[REDACTED:');
  });

  it('says at the top that a tampered session does not verify', async () => {
    const s = fixedSession(join(root, 'sessions'), '20261124-031000-tampered-0003', { kind: 'incident', id: 'INC-1' });
    s.note({}, 'what really happened');
    s.note({}, 'second note');
    await sealWith(s, key.keyPath, env);
    const log = join(s.dir, 'session.jsonl');
    writeFileSync(log, readFileSync(log, 'utf8').replace('what really happened', 'nothing happened'));
    const markdown = renderMarkdown(await draftReport(s.dir, { allowedSigners: key.allowedSigners }));
    const lines = markdown.split('\n');
    expect(lines[2]).toBe('> [!CAUTION]');
    expect(lines[3]).toMatch(/^> \*\*This session did not verify: line 2 of the session log is bad: it was changed after it was written/);
  });
});

describe('drill record', () => {
  it('is its own template, measures the RTO from the restore to the smoke check, and writes the RPO/RTO log only when asked', async () => {
    const quarterly = { id: 'quarterly', title: 'Quarterly' };
    const s = fixedSession(join(root, 'sessions'), '20261124-031000-quarterly-0004', { kind: 'drill', title: 'Q4 restore drill' }, quarterly);
    const at = (step: string) => ({ section: 'quarterly', step });
    s.setStepStatus(at('quarterly/1.1'), 'done');
    s.attach(at('quarterly/1.1'), { name: 'pasted text', data: 'https://tickets.example.com/OPS-77', kind: 'text' });
    s.setStepStatus(at('quarterly/1.2'), 'done');
    recordAction(s, at('quarterly/1.3'), { id: 'quarterly/1.3#1', kind: 'sql', code: 'select count(*) from ebooks', rows: 1, output: 'count\n2\n' });
    s.setStepStatus(at('quarterly/1.3'), 'done');
    s.setStepStatus(at('quarterly/1.4'), 'done');
    await sealWith(s, key.keyPath, env);
    const cwd = mkdtempSync(join(tmpdir(), 'runbook-drill-cwd-'));
    const outDir = mkdtempSync(join(tmpdir(), 'runbook-drill-out-'));
    const out = join(outDir, 'drill.md');
    const first = runCli(['report', s.dir, '--rpo', '5 min', '--out', out, '--allowed-signers', key.allowedSigners], { cwd });
    expect(first.code).toBe(0);
    // Nothing asked for a log: none is written, here or anywhere else.
    expect(readdirSync(cwd)).toEqual([]);
    expect(readdirSync(outDir)).toEqual(['drill.md']);
    expect(first.stderr).not.toContain('drill added');
    const md = readFileSync(out, 'utf8');
    expect(md).toMatch(/^# Drill record: Quarterly\n/);
    for (const section of ['## Objective', '## Scope', '## Target and measured RTO/RPO', '## Steps', '## Findings', '## Follow-ups']) expect(md).toContain(section);
    for (const section of ['## Impact', '## Root cause', '## Lessons learned', '## Summary']) expect(md).not.toContain(section);
    expect(md).toContain('| RTO | ✍ TO WRITE (or --rto-target) | **7 s** |');
    expect(md).toContain('| RPO | ✍ TO WRITE (or --rpo-target) | **5 min** (as given) |');
    expect(md).toContain('The RTO is measured from “Quarterly › 1.1. Spin up temporary Supabase project');
    expect(md).toContain('done at 2026-11-24 03:10:07 UTC (the last smoke check passed).');
    expect(markdownProblems(md)).toEqual([]);
    golden('drill.md', normalize(md, s.dir).split(outDir).join('<out>').split(basename(root)).join('<tmp>').replace(/runbook-drill-out-\w+/g, '<out>'));

    const drillLog = join(root, 'rpo-rto-log.md');
    const logged = runCli(['report', s.dir, '--rpo', '5 min', '--rto-target', '1 h', '--drill-log', drillLog, '--allowed-signers', key.allowedSigners], { cwd });
    expect(logged.stderr).toContain(`drill added to ${drillLog}`);
    expect(logged.stdout).toContain('| RTO | 1 h | **7 s** |');
    runCli(['report', s.dir, '--rpo', '5 min', '--drill-log', drillLog, '--allowed-signers', key.allowedSigners], { cwd });
    const log = readFileSync(drillLog, 'utf8');
    expect(log.match(/20261124-031000-quarterly-0004/g)).toHaveLength(1);
    expect(log).toContain('| 2026-11-24 | Quarterly | `20261124-031000-quarterly-0004` | 7 s | 5 min | 4 done, 0 skipped, 0 failed | yes |');
    expect(readdirSync(cwd)).toEqual([]);

    const other = runCli(['report', s.dir, '--template', 'drill', '--rto-from', 'quarterly/1.2', '--rto-to', 'Document findings', '--allowed-signers', key.allowedSigners], { cwd });
    expect(other.code).toBe(0);
    // 1.2 is manual: it started when 1.1's attachment was recorded (03:10:02); 1.4 was done at 03:10:08.
    expect(other.stdout).toContain('| RTO | ✍ TO WRITE (or --rto-target) | **6 s** |');
    expect(other.stdout).toContain('(named with --rto-from)');
    expect(other.stdout).toMatch(/\*\*RPO\*\*|\| RPO \| ✍ TO WRITE \(or --rpo-target\) \| ✍ TO WRITE/);
    const bad = runCli(['report', s.dir, '--rto-from', 'no such step', '--allowed-signers', key.allowedSigners], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('runbook: --rto-from "no such step" names no step of this session; give a step id (as in runbook list --json) or words of its title.\n');
    // The log named in runbook.config.json (relative to it), found from the current folder upwards.
    const project = mkdtempSync(join(tmpdir(), 'runbook-drill-project-'));
    writeFileSync(join(project, 'runbook.config.json'), JSON.stringify({ drillLog: 'ops/rpo-rto-log.md' }));
    const nested = join(project, 'sub');
    mkdirSync(join(project, 'ops'));
    mkdirSync(nested);
    const configured = runCli(['report', s.dir, '--rpo', '5 min', '--allowed-signers', key.allowedSigners], { cwd: nested });
    expect(configured.code, configured.stderr).toBe(0);
    expect(readFileSync(join(project, 'ops', 'rpo-rto-log.md'), 'utf8')).toContain('`20261124-031000-quarterly-0004` | 7 s | 5 min |');
    expect(readdirSync(nested)).toEqual([]);
    const incident = runCli(['report', s.dir, '--template', 'incident', '--allowed-signers', key.allowedSigners], { cwd: nested });
    expect(incident.stderr).not.toContain('drill added');
    const unwritable = runCli(['report', s.dir, '--drill-log', join(project, 'missing', 'log.md'), '--allowed-signers', key.allowedSigners], { cwd: nested });
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toMatch(/runbook: Cannot write the RPO\/RTO log .*missing\/log\.md: ENOENT\.\n$/);
    writeFileSync(join(project, 'runbook.config.json'), JSON.stringify({ drillLog: 42 }));
    const badConfig = runCli(['report', s.dir, '--allowed-signers', key.allowedSigners], { cwd: nested });
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toContain('drillLog in');
    expect(badConfig.stdout).toBe('');

    const data = await draftReport(s.dir, { allowedSigners: key.allowedSigners, template: 'drill' });
    expect(recordDrill(join(root, 'third.md'), data)).toBe('added');
    expect(recordDrill(join(root, 'third.md'), data)).toBe('updated');
  });
});
