// Every kind of tampering is caught by `runbook verify`, which names the right line.
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Session } from '../../src/session/session.js';
import { runCli } from '../helpers/cli.js';
import { freshHome, sealedSession, startTestSession } from '../helpers/session.js';

let env: NodeJS.ProcessEnv;
let session: Session;
let logPath: string;
let lines: string[];

beforeEach(async () => {
  env = freshHome().env;
  session = await sealedSession(env);
  logPath = join(session.dir, 'session.jsonl');
  lines = readFileSync(logPath, 'utf8').trimEnd().split('\n');
});

function verify(): { code: number | null; result: Record<string, unknown>; stdout: string } {
  const out = runCli(['verify', session.id, '--json'], { env });
  return { code: out.code, result: JSON.parse(out.stdout), stdout: out.stdout };
}

function rewrite(newLines: string[]): void {
  writeFileSync(logPath, newLines.map((l) => `${l}\n`).join(''));
}

describe('runbook verify', () => {
  it('accepts an untouched sealed session', () => {
    const { code, result } = verify();
    expect(code).toBe(0);
    expect(result).toMatchObject({ ok: true, sealed: true, events: 8, signer: 'dana@example.com', signature: 'valid', chainIntact: true });
    expect(result.firstBadLine).toBeUndefined();
    const human = runCli(['verify', session.id], { env });
    expect(human.stdout).toMatch(/✓ .*: verified, sealed/);
  });

  const tampers: Array<[string, () => void, number, RegExp]> = [
    ['a changed byte', () => rewrite(lines.map((l, i) => (i === 1 ? l.replace('"tablename"', '"tablenamf"') : l))), 2, /changed after it was written/],
    ['an edited field', () => rewrite(lines.map((l, i) => (i === 5 ? l.replace('that is the leak', 'all fine') : l))), 6, /changed after it was written/],
    ['a deleted line', () => rewrite(lines.filter((_, i) => i !== 3)), 4, /seq 4 where 3 belongs: a line is missing/],
    ['two lines swapped', () => rewrite(lines.map((l, i) => (i === 3 ? lines[4]! : i === 4 ? lines[3]! : l))), 4, /seq 4 where 3 belongs/],
    ['the last line removed', () => rewrite(lines.slice(0, -1)), 8, /ends early/],
    ['a line appended after sealing', () => appendFileSync(logPath, `${lines[6]}\n`), 9, /added after the session was sealed/],
    ['the sealed line changed', () => rewrite(lines.map((l, i) => (i === 7 ? l.replace('"events":8', '"events":9') : l))), 8, /signature does not match/],
  ];

  it.each(tampers)('catches %s at the right line', (_name, tamper, line, reason) => {
    const before = readFileSync(logPath);
    tamper();
    expect(readFileSync(logPath)).not.toEqual(before);
    const { code, result } = verify();
    expect(code).toBe(1);
    expect(result.ok).toBe(false);
    expect(result.firstBadLine).toBe(line);
    expect(result.reason).toMatch(reason);
  });

  it('catches a changed evidence file at the line that references it', () => {
    const evidenceDir = join(session.dir, 'evidence');
    const [file] = readdirSync(evidenceDir);
    writeFileSync(join(evidenceDir, file!), readFileSync(join(evidenceDir, file!), 'utf8').replace('anon_read', 'anon_reed'));
    const { code, result } = verify();
    expect(code).toBe(1);
    expect(result).toMatchObject({ ok: false, firstBadLine: 4, evidence: { checked: 1, bad: 1 } });
    expect(result.reason).toMatch(/was changed/);
  });

  it('trusts allowed_signers, never the key inside the log', () => {
    const other = freshHome().env;
    runCli(['keygen', '--identity', 'dana@example.com'], { env: other });
    const { code, result } = (() => {
      const out = runCli(['verify', session.dir, '--json', '--allowed-signers', join(other.XDG_CONFIG_HOME!, 'runbook', 'allowed_signers')], { env });
      return { code: out.code, result: JSON.parse(out.stdout) };
    })();
    expect(code).toBe(1);
    expect(result).toMatchObject({ ok: false, signature: 'untrusted', chainIntact: true });
    expect(result.reason).toMatch(/is not trusted for dana@example.com/);
  });

  it('reports an interrupted session as not sealed, with its chain intact', () => {
    const open = startTestSession(env);
    open.note({ step: 'x' }, 'still working');
    open.interrupt('terminal closed');
    const out = runCli(['verify', open.id, '--json'], { env });
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ ok: true, sealed: false, chainIntact: true, events: 3, signature: 'none' });
    expect(runCli(['verify', open.id], { env }).stdout).toMatch(/chain intact, NOT SEALED/);
  });
});

describe('runbook sessions', () => {
  it('lists sessions with id, path, status, runbook, section, env, start and end', () => {
    const open = startTestSession(env, { env: 'dev', section: { id: 'weekly', title: 'Weekly' } });
    open.interrupt('closed');
    const out = runCli(['sessions', '--json'], { env });
    expect(out.code).toBe(0);
    const list = JSON.parse(out.stdout);
    expect(list.map((s: { status: string; env: string; section: string }) => [s.status, s.env, s.section]).sort()).toEqual([
      ['interrupted', 'dev', 'Weekly'],
      ['sealed', 'prod', 'RLS Misconfiguration'],
    ]);
    for (const s of list) {
      expect(s).toMatchObject({ id: expect.any(String), path: expect.stringContaining(s.id), runbook: expect.stringMatching(/supabase-operations\.md$/), start: expect.any(String), end: expect.any(String) });
    }
    expect(runCli(['sessions'], { env }).stdout).toMatch(/^\S+ +interrupted +dev +\S.*\n {2}incident INC-4711 · sev 1 · Customer sees another customer ebooks · Weekly/m);
  });

  it('says so when a session reference matches nothing', () => {
    const out = runCli(['verify', 'no-such-session'], { env });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/No session "no-such-session"/);
  });
});
