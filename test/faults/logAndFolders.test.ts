// The log under a file-size limit, a read-only evidence folder, a full small disk for the sandbox and
// the report: one sentence, nothing half-written, the session verifiable and resumable.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../src/session/session.js';
import { ROOT, runCli, SEED } from '../helpers/cli.js';
import { freshHome, sealedSession, startTestSession } from '../helpers/session.js';

let bundle: string;
const isRoot = process.getuid?.() === 0;

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-faultchild-'));
  bundle = join(dir, 'child.mjs');
  execFileSync(join(ROOT, 'node_modules/.bin/esbuild'), [join(ROOT, 'test/helpers/faultChild.ts'), '--bundle', '--platform=node', '--format=esm', `--outfile=${bundle}`, '--log-level=warning'], { cwd: ROOT });
  chmodSync(dir, 0o755);
});

function child(args: string[], options: { limitKb?: number; uid?: number; env?: NodeJS.ProcessEnv } = {}) {
  const quoted = [process.execPath, bundle, ...args].map((a) => `'${a}'`).join(' ');
  const result = spawnSync('bash', ['-c', `${options.limitKb ? `ulimit -f ${options.limitKb}; ` : ''}exec ${quoted}`], {
    encoding: 'utf8', cwd: ROOT, env: { ...process.env, ...options.env }, ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function verify(dir: string, env: NodeJS.ProcessEnv) {
  const out = runCli(['verify', dir, '--json'], { env });
  return JSON.parse(out.stdout) as { ok: boolean; chainIntact: boolean; events: number; tornBytes?: number };
}

describe('the log under a file-size limit', () => {
  it('keeps no half line, says so in one sentence, and the session resumes and verifies', () => {
    const { env, state } = freshHome();
    const root = join(state, 'runbook', 'sessions');
    const out = child(['start', root, String(64 * 1024), SEED], { limitKb: 16, env });
    expect(out.code).toBe(1);
    const dir = /dir (\S+)/.exec(out.stdout)![1]!;
    expect(out.stdout).toMatch(/error Could not record the note event in \S+session\.jsonl: the file-size limit was reached \(ulimit -f\); .* left on that disk; nothing of it was kept, and the session stays verifiable and resumable\./);
    expect(out.stderr).not.toMatch(/\n\s+at /);
    const bytes = readFileSync(join(dir, 'session.jsonl'));
    expect(bytes[bytes.length - 1]).toBe(0x0a);
    expect(bytes.toString().trim().split('\n')).toHaveLength(1);
    expect(verify(dir, env)).toMatchObject({ ok: true, chainIntact: true, events: 1 });
    expect(verify(dir, env).tornBytes).toBeUndefined();
    const { session } = Session.resume(dir);
    session.note({}, 'resumed after the limit');
    session.close();
    expect(verify(dir, env)).toMatchObject({ ok: true, events: 3 });
  });
});

describe('a folder that turns read-only while sealing', () => {
  it('takes the sealed line back and leaves the session open, verifiable and sealable later', async () => {
    const { env, state, root: home, config } = freshHome();
    const root = join(state, 'runbook', 'sessions');
    mkdirSync(root, { recursive: true });
    mkdirSync(config, { recursive: true });
    if (isRoot) {
      for (const p of [home, state, join(state, 'runbook')]) chmodSync(p, 0o755);
      chownSync(root, 65534, 65534);
      chownSync(config, 65534, 65534);
    }
    const out = child(['seal', root, '0', SEED], { ...(isRoot ? { uid: 65534 } : {}), env: { ...env, HOME: home } });
    expect(out.code, out.stderr).toBe(1);
    expect(out.stdout).toMatch(/error Could not write the signature in \S+: the folder is not writable \(read-only or owned by someone else\); the session stays open and unsealed; free some space and seal it again \(runbook resume\)\./);
    const dir = /dir (\S+)/.exec(out.stdout)![1]!;
    expect(existsSync(join(dir, 'session.jsonl.sig'))).toBe(false);
    const lines = readFileSync(join(dir, 'session.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).type)).toEqual(['started', 'note']);
    expect(verify(dir, env)).toMatchObject({ ok: true, sealed: false, chainIntact: true });
    const { session } = Session.resume(dir);
    const { loadSigner } = await import('../../src/session/signer.js');
    await session.seal(loadSigner({ create: true, env }).signer);
    expect(verify(dir, env)).toMatchObject({ ok: true, sealed: true });
  });
});

describe('a read-only evidence folder', () => {
  it('refuses to start the evidence file with one sentence, and leaves the log intact', () => {
    const { env, state, root: home } = freshHome();
    const session = startTestSession(env);
    session.close();
    const evidence = join(session.dir, 'evidence');
    if (isRoot) {
      // Root writes through any mode: the child runs as nobody on a tree nobody owns, evidence/ read-only.
      for (const p of [home, state, join(state, 'runbook'), join(state, 'runbook', 'sessions')]) chmodSync(p, 0o755);
      for (const p of [session.dir, join(session.dir, 'session.jsonl'), evidence]) chownSync(p, 65534, 65534);
      for (const f of readdirSync(session.dir)) chownSync(join(session.dir, f), 65534, 65534);
    }
    chmodSync(evidence, 0o555);
    const out = child(['evidence', session.dir], { ...(isRoot ? { uid: 65534 } : {}), env: { ...env, HOME: home } });
    chmodSync(evidence, 0o700);
    expect(out.code, out.stderr).toBe(1);
    expect(out.stdout).toMatch(/error Could not start an evidence file in \S+evidence: the folder is not writable \(read-only or owned by someone else\); nothing was run\./);
    expect(readdirSync(evidence)).toEqual([]);
    expect(verify(session.dir, env)).toMatchObject({ ok: true, chainIntact: true });
  });
});

// A small tmpfs is the real full disk; mounting needs privileges, so these run where mount works.
const mountPoint = mkdtempSync(join(tmpdir(), 'runbook-tmpfs-'));
const canMount = isRoot && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint]).status === 0;
afterAll(() => {
  if (canMount) spawnSync('umount', ['-l', mountPoint]);
});

describe.runIf(canMount)('a full disk (a 4 MB tmpfs)', () => {
  it('the report says so in one sentence and leaves no half-written report', async () => {
    const { env } = freshHome();
    const session = await sealedSession(env);
    // Fill the disk.
    spawnSync('bash', ['-c', `head -c 10000000 /dev/zero > ${mountPoint}/fill`]);
    const out = runCli(['report', session.dir, '--out', join(mountPoint, 'report.md')], { env });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(new RegExp(`runbook: Could not write the report in ${mountPoint}: the disk is full \\(0 bytes left on that disk\\); nothing was written to ${mountPoint}/report\\.md\\.`));
    expect(readdirSync(mountPoint).sort()).toEqual(['fill']);
    rmSync(join(mountPoint, 'fill'));
  });

  it('the sandbox says so in one sentence, not [object Object], and removes the half-made sandbox', () => {
    const { env } = freshHome();
    const out = runCli(['sandbox', 'create'], { env: { ...env, XDG_DATA_HOME: mountPoint, XDG_STATE_HOME: mountPoint }, timeout: 120_000 });
    expect(out.code).toBe(1);
    expect(out.stderr).not.toContain('[object Object]');
    expect(out.stderr).toMatch(/runbook: Could not create the sandbox database in \S+: the disk is full \(.* left on that disk\); the half-made sandbox was removed\./);
    const left = spawnSync('find', [mountPoint, '-name', 'PG_VERSION']).stdout.toString();
    expect(left).toBe('');
  }, 120_000);

  it('exec on a full disk stops with one sentence and no partial evidence', () => {
    const home = freshHome();
    expect(runCli(['keygen'], { env: home.env }).code).toBe(0);
    const project = join(home.root, 'project');
    mkdirSync(project);
    const file = join(project, 'big.md');
    writeFileSync(file, '# Big\n## Flood\n\n```sh\nyes 0123456789abcdef | head -c 8000000\n```\n');
    const state = join(mountPoint, 'state');
    const out = runCli(['exec', file, '--section', 'flood'], { cwd: project, env: { ...home.env, XDG_STATE_HOME: state, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' } });
    const said = out.stdout + out.stderr;
    expect(said).toMatch(/Could not write evidence in \S+evidence: the disk is full \(.* left on that disk\); the action was stopped and its partial evidence file removed\./);
    expect(said).not.toMatch(/\n\s+at |ENOSPC:/);
    const sessions = join(state, 'runbook', 'sessions');
    const [id] = readdirSync(sessions);
    expect(readdirSync(join(sessions, id!, 'evidence')).filter((f) => f.startsWith('.partial'))).toEqual([]);
    expect(existsSync(join(sessions, id!, 'session.jsonl'))).toBe(true);
    expect(statSync(join(sessions, id!, 'session.jsonl')).size).toBeGreaterThan(0);
    rmSync(state, { recursive: true, force: true });
  });
});
