// A session is bound to its id; the seal names what came after it; first runs make one key;
// unreadable runbook folders are named. Real files, real processes.
import { spawn } from 'node:child_process';
import { appendFileSync, chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { freshHome, sealedSession } from '../helpers/session.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function verifyJson(dir: string, env: NodeJS.ProcessEnv) {
  const out = runCli(['verify', dir, '--json'], { env });
  return { code: out.code, result: JSON.parse(out.stdout) as Record<string, unknown> };
}

describe('the session id', () => {
  it('is bound by the first event, so a folder copied under another id fails', async () => {
    const { env, state } = freshHome();
    const session = await sealedSession(env);
    const first = JSON.parse(readFileSync(join(session.dir, 'session.jsonl'), 'utf8').split('\n')[0]!);
    expect(first.session).toBe(session.id);
    expect(verifyJson(session.dir, env).result.ok).toBe(true);
    const otherId = '20261124-031000-other-incident-beef';
    const copy = join(state, 'runbook', 'sessions', otherId);
    cpSync(session.dir, copy, { recursive: true });
    const { code, result } = verifyJson(copy, env);
    expect(code).toBe(1);
    expect(result).toMatchObject({ ok: false, firstBadLine: 1 });
    expect(result.reason).toMatch(new RegExp(`names session "${session.id}".*copied from another session`));
  });
});

describe('a line appended after the seal', () => {
  const variants: Array<[string, (lines: string[]) => string]> = [
    ['a copy of an earlier line', (lines) => lines[3]!],
    ['the next seq with a wrong prev', (lines) => JSON.stringify({ seq: lines.length, ts: '2026-11-24T03:20:00.000Z', type: 'note', prev: '0'.repeat(64), text: 'added later' })],
    ['the next seq chained correctly', (lines) => JSON.stringify({ seq: lines.length, ts: '2026-11-24T03:20:00.000Z', type: 'note', prev: sha(lines[lines.length - 1]!), text: 'added later' })],
    ['not JSON at all', () => 'garbage'],
  ];
  it.each(variants)('is named as added after the seal when it is %s', async (_name, extra) => {
    const { env } = freshHome();
    const session = await sealedSession(env);
    const log = join(session.dir, 'session.jsonl');
    const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
    appendFileSync(log, `${extra(lines)}\n`);
    const { code, result } = verifyJson(session.dir, env);
    expect(code).toBe(1);
    expect(result.firstBadLine).toBe(lines.length + 1);
    expect(result.reason).toMatch(/added after the session was sealed/);
  });

  it('still blames the sealed line itself when it was changed and a line added', async () => {
    const { env } = freshHome();
    const session = await sealedSession(env);
    const log = join(session.dir, 'session.jsonl');
    const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
    lines[lines.length - 1] = lines[lines.length - 1]!.replace('"sealed"', '"sealed","x":1');
    lines.push(JSON.stringify({ seq: lines.length, ts: '2026-11-24T03:20:00.000Z', type: 'note', prev: sha(lines[lines.length - 1]!) }));
    writeFileSync(log, lines.map((l) => `${l}\n`).join(''));
    const { result } = verifyJson(session.dir, env);
    expect(result.firstBadLine).toBe(lines.length - 1);
    expect(result.reason).toMatch(/signature does not match/);
  });
});

describe('the signing key', () => {
  it('ten first runs at once create exactly one key, and a key that exists is never replaced', async () => {
    const home = freshHome();
    const project = join(home.root, 'project');
    mkdirSync(project);
    const file = join(project, 'one.md');
    writeFileSync(file, '# One\n## Check\n\n```sh\necho checked\n```\n');
    const runs = Array.from({ length: 10 }, () =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'exec', file, '--section', 'check'], { cwd: project, env: { ...home.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      }),
    );
    const results = await Promise.all(runs);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const configDir = join(home.config, 'runbook');
    const key = readFileSync(join(configDir, 'signing_key'));
    expect(readdirSync(configDir).sort()).toEqual(['allowed_signers', 'signing_key', 'signing_key.pub']);
    const allowed = readFileSync(join(configDir, 'allowed_signers'), 'utf8').trim().split('\n');
    expect(allowed).toHaveLength(1);
    // Every session verifies against that one key.
    for (const r of results) {
      const dir = /Sealed session: (\S+)/.exec(r.stdout)![1]!;
      expect(verifyJson(dir, home.env).result).toMatchObject({ ok: true, signature: 'valid' });
    }
    // A later first-run style call does not touch it.
    const mtime = statSync(join(configDir, 'signing_key')).mtimeMs;
    expect(runCli(['keygen'], { env: home.env }).code).toBe(2);
    expect(readFileSync(join(configDir, 'signing_key'))).toEqual(key);
    expect(statSync(join(configDir, 'signing_key')).mtimeMs).toBe(mtime);
  });
});

describe('an unreadable runbook folder', () => {
  it('is named in a warning, and the readable runbooks are still listed', () => {
    const home = freshHome();
    const dir = join(home.root, 'runbooks');
    mkdirSync(join(dir, 'locked'), { recursive: true });
    writeFileSync(join(dir, 'open.md'), '# Open\n## One\n- `echo hi`\n');
    writeFileSync(join(dir, 'locked', 'hidden.md'), '# Hidden\n## Two\n- `echo hi`\n');
    writeFileSync(join(dir, 'secret.md'), '# Secret\n## Three\n- `echo hi`\n');
    chmodSync(join(dir, 'locked'), 0o000);
    chmodSync(join(dir, 'secret.md'), 0o000);
    // Root reads through any mode: run the CLI as nobody then, on a tree nobody may enter.
    const asNobody = process.getuid?.() === 0;
    if (asNobody) for (const p of [home.root, dir]) chmodSync(p, 0o755);
    const out = runCli(['list', dir], { env: { ...home.env, HOME: home.root }, ...(asNobody ? { uid: 65534, gid: 65534 } : {}) });
    chmodSync(join(dir, 'locked'), 0o755);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('Open');
    expect(out.stderr).toMatch(new RegExp(`warning: skipped the folder ${join(dir, 'locked').replace(/[/.]/g, '\\$&')}: permission denied`));
    expect(out.stderr).toMatch(/warning: skipped the runbook \S*secret\.md: permission denied/);
  });
});
