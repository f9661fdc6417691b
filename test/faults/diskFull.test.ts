// Full disk and file-size limit while writing evidence or the log: one sentence, the action stopped,
// no partial file left, the session verifiable and resumable. Real processes under `ulimit -f`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { freshHome, freshProject } from '../helpers/session.js';

let home: ReturnType<typeof freshHome>;
let project: string;

beforeEach(() => {
  ({ home, project } = freshProject());
  // The key is made first, without a limit, so the limit only bites the evidence.
  expect(runCli(['keygen'], { env: home.env }).code).toBe(0);
});

/** `runbook ARGS` with a file-size limit of `kilobytes` (bash counts ulimit -f in 1024-byte blocks). */
function runLimited(kilobytes: number, args: string[]) {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const result = spawnSync('bash', ['-c', `ulimit -f ${kilobytes}; exec ${quoted}`], {
    cwd: project,
    encoding: 'utf8',
    input: '',
    timeout: 60_000,
    env: { ...home.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', XDG_CACHE_HOME: join(home.root, 'cache') },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function sessionDirs(): string[] {
  const root = join(home.state, 'runbook', 'sessions');
  return readdirSync(root).map((id) => join(root, id));
}

describe('a file-size limit while writing evidence', () => {
  it('stops the action with one sentence, removes the partial file, and leaves a session that verifies', () => {
    const file = join(project, 'big.md');
    writeFileSync(file, '# Big\n## Flood\n\n```sh\nyes 0123456789abcdef | head -c 2000000\n```\n\n```sh\necho after\n```\n');
    const out = runLimited(256, ['exec', file, '--section', 'flood']);
    expect(out.code).toBe(1);
    const said = out.stdout + out.stderr;
    expect(said).toMatch(/Could not write evidence in \S+evidence: the file-size limit was reached \(ulimit -f\); \d[\d.]* (bytes|KB|MB|GB|TB) left on that disk; the action was stopped and its partial evidence file removed\./);
    expect(said).not.toMatch(/\n\s+at |EFBIG:|\[object Object\]/);
    const [dir] = sessionDirs();
    expect(readdirSync(join(dir!, 'evidence')).filter((f) => f.startsWith('.partial'))).toEqual([]);
    const events = readFileSync(join(dir!, 'session.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const finished = events.find((e) => e.type === 'action.finished');
    expect(finished).toMatchObject({ status: 'failed' });
    expect(finished.error).toMatch(/file-size limit/);
    // The second step never ran.
    expect(events.some((e) => e.type === 'action.started' && String(e.code).includes('after'))).toBe(false);
    const verified = runCli(['verify', dir!, '--json'], { env: home.env });
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, chainIntact: true });
  });
});
