// Every link in a report resolves from the folder the report is written to, wherever that is; and
// sessions nobody planned for (empty, manual only, interrupted, a runbook gone) still give a sound report.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { fixedKey, fixedSession, recordAction, sealWith } from '../helpers/fixedSessions.js';
import { anchors, links, markdownProblems } from '../helpers/markdownCheck.js';
import { freshHome } from '../helpers/session.js';

let root: string;
let key: { keyPath: string; allowedSigners: string };
const env = { ...process.env };

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'runbook-links-'));
  key = fixedKey(join(root, 'keys'));
});

/** Every link of a report written at `path`: relative ones name a file that exists, anchors a heading. */
function expectLinksResolve(markdown: string, path: string): number {
  const all = links(markdown);
  const headings = anchors(markdown);
  for (const href of all) {
    if (href.startsWith('#')) expect(headings.has(href.slice(1)), href).toBe(true);
    else {
      expect(href, 'a relative link').not.toMatch(/^[a-z]+:|^\//i);
      const target = resolve(dirname(path), decodeURIComponent(href));
      expect(existsSync(target), `${href} from ${dirname(path)}`).toBe(true);
    }
  }
  return all.length;
}

async function sessionWithEvidence(id: string): Promise<string> {
  const s = fixedSession(join(root, 'sessions with spaces'), id, { kind: 'incident', id: 'INC-5' });
  const where = { section: 'rls-misconfiguration', step: 'rls-misconfiguration/2.1' };
  recordAction(s, where, { id: 'rls-misconfiguration/2.1#1', kind: 'sql', code: 'select 1', rows: 1, output: `a\n${'long value '.repeat(40)}\n` });
  recordAction(s, where, { id: 'rls-misconfiguration/2.1#2', kind: 'shell', code: 'echo hi', output: 'hi\n' });
  s.attach(where, { name: 'screenshot (1).png', data: Buffer.from([1, 2, 3]), kind: 'file' });
  await sealWith(s, key.keyPath, env);
  return s.dir;
}

describe('links', () => {
  it('resolve from a report written with --out in another folder, given as an absolute or a relative path', async () => {
    const dir = await sessionWithEvidence('20261124-031000-links-0001');
    const elsewhere = mkdtempSync(join(tmpdir(), 'runbook-out-'));
    const cases = [
      { cwd: root, out: join(elsewhere, 'deep', 'er folder', 'INC-5.md') },
      { cwd: elsewhere, out: 'relative/INC-5.md' },
      { cwd: elsewhere, out: 'INC-5.md' },
      { cwd: elsewhere, out: join(dir, 'report.md') },
    ];
    for (const { cwd, out } of cases) {
      mkdirSync(dirname(resolve(cwd, out)), { recursive: true });
      const result = runCli(['report', dir, '--out', out, '--allowed-signers', key.allowedSigners], { cwd });
      expect(result.code, result.stderr).toBe(0);
      const path = resolve(cwd, out);
      const markdown = readFileSync(path, 'utf8');
      // Evidence of both actions, the attachment, the log, and the long value's anchor.
      expect(expectLinksResolve(markdown, path)).toBeGreaterThanOrEqual(6);
      expect(markdownProblems(markdown)).toEqual([]);
    }
  });

  it('resolve from the current folder when the report goes to standard output', async () => {
    const dir = await sessionWithEvidence('20261124-031000-links-0002');
    const cwd = mkdtempSync(join(tmpdir(), 'runbook-stdout-'));
    const result = runCli(['report', dir, '--allowed-signers', key.allowedSigners], { cwd });
    expect(result.code).toBe(0);
    expectLinksResolve(result.stdout, join(cwd, 'report.md'));
  });

  it('a report that cannot be written is one sentence and exit 2', async () => {
    const dir = await sessionWithEvidence('20261124-031000-links-0003');
    const result = runCli(['report', dir, '--out', join(root, 'no', 'such', 'folder', 'r.md'), '--allowed-signers', key.allowedSigners]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^runbook: Could not write the report in .*no\/such\/folder: [^\n]+\.\n$/);
  });
});

describe('sessions nobody named', () => {
  function check(dir: string, args: string[] = []): string {
    const out = join(mkdtempSync(join(tmpdir(), 'runbook-odd-')), 'r.md');
    const result = runCli(['report', dir, '--out', out, '--allowed-signers', key.allowedSigners, ...args]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
    const markdown = readFileSync(out, 'utf8');
    expect(markdownProblems(markdown)).toEqual([]);
    expectLinksResolve(markdown, out);
    return markdown;
  }

  it('an empty session: started and sealed, nothing in between', async () => {
    const s = fixedSession(join(root, 'sessions'), '20261124-031000-empty-0001', { kind: 'routine' });
    await sealWith(s, key.keyPath, env);
    const md = check(s.dir);
    expect(md).toContain('No command or query was run in this session.');
    const drill = check(s.dir, ['--template', 'drill']);
    expect(drill).toContain('No step was taken in this session.');
    expect(drill).toContain('No step was marked done after the restore began, so there is no RTO to measure.');
    expect(drill).toContain('| RTO | ✍ TO WRITE (or --rto-target) | **unknown** |');
  });

  it('a drill with only manual steps, restored into a sandbox copy: a non-zero RTO from the done events, and the target shown', async () => {
    const s = fixedSession(join(root, 'sessions'), '20261124-031000-manual-0001', { kind: 'drill' }, { id: 'quarterly', title: 'Quarterly' }, [], { sandbox: 'clarivum-restore-test' });
    const at = (step: string) => ({ section: 'quarterly', step });
    s.note(at('quarterly/1.1'), 'created the project by hand');
    s.setStepStatus(at('quarterly/1.1'), 'done');
    s.setStepStatus(at('quarterly/1.2'), 'done');
    s.setStepStatus(at('quarterly/1.3'), 'done');
    await sealWith(s, key.keyPath, env);
    const md = check(s.dir);
    // 1.1 started when the session did (03:10:00); the smoke check 1.3 was done at 03:10:04.
    expect(md).toContain('| RTO | ✍ TO WRITE (or --rto-target) | **4 s** |');
    expect(md).toContain("Ran against: prod: sandbox clarivum-restore-test (an embedded database on the operator's machine).");
    expect(md).toContain('| Target | sandbox clarivum-restore-test');
    expect(md).toMatch(/\| Quarterly › 1\.2\. Apply latest backup snapshot \+ WAL replay\. \| 03:10:02 \| 03:10:03 \| 1 s \| done \| manual \|/);
  });

  it('an interrupted session, never sealed', () => {
    const home = freshHome();
    const s = fixedSession(join(home.state, 'runbook', 'sessions'), '20261124-031000-interrupted-0001', { kind: 'incident' }, undefined, [], { host: 'db.internal', port: 5432, database: 'app', user: 'ops' });
    recordAction(s, { section: 'rls-misconfiguration', step: 'rls-misconfiguration/2.1' }, { id: 'rls-misconfiguration/2.1#1', kind: 'shell', code: 'sleep 100', status: 'cancelled', output: '' });
    s.interrupt('the terminal was closed');
    const md = check(s.dir);
    expect(md).toContain('not sealed (interrupted or open)');
    expect(md).toContain('Session interrupted: the terminal was closed');
    expect(md).toContain('| Target | db.internal:5432, database app, user ops |');
    expect(md).toContain('- Signer: none (not sealed)');
  });

  it('a session whose runbook is gone, with step ids and notes full of Markdown', async () => {
    const gone = join(root, 'gone.md');
    writeFileSync(gone, '# Gone\n\n## S\n\n- step\n');
    const s = fixedSession(join(root, 'sessions'), '20261124-031000-gone-0001', { kind: 'incident', id: 'INC-`|*x*' });
    s.note({ step: 'weird/`step|id' }, 'a note with | pipes, `one backtick, <b>html</b> and\nnew lines');
    s.setStepStatus({ step: 'weird/`step|id' }, 'skipped', 'because | reasons `');
    await sealWith(s, key.keyPath, env);
    rmSync(gone);
    const md = check(s.dir);
    expect(md).toContain('a note with \\| pipes, \\`one backtick, \\<b\\>html\\</b\\> and new lines');
  });
});

describe('a tampered log', () => {
  it('cannot make the report read or link a file outside the evidence folder', async () => {
    const secret = join(root, 'secret.txt');
    writeFileSync(secret, 'TOP-SECRET-CONTENT\n');
    const s = fixedSession(join(root, 'sessions'), '20261124-031000-escape-0001', { kind: 'incident' });
    const started = s.record('action.started', { step: 'x/1', action: 'x/1#1', kind: 'sql', code: 'select 1' });
    s.record('action.output', { step: 'x/1', action: 'x/1#1', run: started.seq, evidence: { sha256: '../../../secret.txt', size: 19 } });
    s.record('action.finished', { step: 'x/1', action: 'x/1#1', run: started.seq, status: 'ok' });
    s.record('attachment', { name: 'x', kind: 'file', evidence: { sha256: `../../${'a'.repeat(10)}`, size: 1 } });
    s.close();
    const out = join(mkdtempSync(join(tmpdir(), 'runbook-escape-')), 'r.md');
    const result = runCli(['report', s.dir, '--out', out, '--allowed-signers', key.allowedSigners]);
    expect(result.code).toBe(0);
    const md = readFileSync(out, 'utf8');
    expect(md).not.toContain('TOP-SECRET');
    expect(md).not.toContain('../../');
    for (const href of links(md)) expect(href).not.toMatch(/secret|\.\.\/\.\.\/a/);
  });
});
