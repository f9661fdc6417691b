// The shell runner with real processes.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runShell, type ShellOptions } from '../../src/exec/shell.js';
import { evidencePath, EvidenceWriter } from '../../src/session/evidence.js';
import { freshHome, startTestSession } from '../helpers/session.js';

const session = startTestSession(freshHome().env);

function options(overrides: Partial<ShellOptions> = {}): ShellOptions {
  return { cwd: session.dir, env: { PATH: process.env.PATH! }, timeoutMs: 30_000, evidence: new EvidenceWriter(session.dir), ...overrides };
}

async function run(code: string, overrides: Partial<ShellOptions> = {}) {
  const opts = options(overrides);
  const result = await runShell(code, opts);
  const ref = opts.evidence.finish();
  return { result, ref, output: readFileSync(evidencePath(session.dir, ref.sha256)) };
}

/** Running, not a zombie waiting to be reaped (orphans here may have no reaper). */
function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

describe('runShell', () => {
  it('keeps stdout and stderr in the order they were written, with the exit code', async () => {
    const { result, output } = await run('echo one; echo two >&2; echo three; exit 3');
    expect(output.toString()).toBe('one\ntwo\nthree\n');
    expect(result).toMatchObject({ exitCode: 3, timedOut: false, cancelled: false, error: 'exited with status 3' });
  });

  it('shows and stores a last line that has no newline', async () => {
    const shown: Buffer[] = [];
    const { result, output } = await run('echo first; printf "last line without newline"', { onOutput: (chunk) => shown.push(chunk) });
    expect(output.toString()).toBe('first\nlast line without newline');
    expect(Buffer.concat(shown).toString()).toBe('first\nlast line without newline');
    expect(result.tail.last(1)).toEqual(['last line without newline']);
  });

  it('stores 50 MB of output byte-exact while memory stays flat', async () => {
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const { result, ref, output } = await run('head -c 23000000 /dev/urandom | od -An -v -tx4 -w40 > big.txt; cat big.txt');
    clearInterval(sampler);
    expect(result.exitCode).toBe(0);
    const expected = readFileSync(join(session.dir, 'big.txt'));
    expect(ref.size).toBe(expected.length);
    expect(createHash('sha256').update(output).digest('hex')).toBe(createHash('sha256').update(expected).digest('hex'));
    expect(peak - before).toBeLessThan(120 * 1024 * 1024);
    expect(result.tail.last(1)[0]!.length).toBeGreaterThan(0);
  });

  it('cancels the whole process group: children and grandchildren too', async () => {
    const controller = new AbortController();
    const pidFile = join(session.dir, 'pids');
    const running = run(`sleep 300 & echo $! > ${pidFile}; bash -c 'sleep 300' & echo $! >> ${pidFile}; echo started; wait`, { signal: controller.signal });
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8').trim().split('\n').length < 2) await new Promise((r) => setTimeout(r, 20));
    const pids = readFileSync(pidFile, 'utf8').trim().split('\n').map(Number);
    controller.abort();
    const { result } = await running;
    expect(result).toMatchObject({ cancelled: true, error: 'cancelled by the operator' });
    await new Promise((r) => setTimeout(r, 100));
    for (const pid of pids) expect(alive(pid)).toBe(false);
  });

  it('escalates to SIGKILL when a command ignores SIGINT and SIGTERM', async () => {
    const controller = new AbortController();
    const running = run("trap '' INT TERM; echo ready; sleep 300 & wait; sleep 300", { signal: controller.signal, graceMs: { term: 100, kill: 100 } });
    await new Promise((r) => setTimeout(r, 200));
    controller.abort();
    const { result } = await running;
    expect(result.cancelled).toBe(true);
    expect(result.durationMs).toBeLessThan(10_000);
  });

  it('stops a command at its timeout', async () => {
    const { result } = await run('sleep 30', { timeoutMs: 200 });
    expect(result).toMatchObject({ timedOut: true, error: 'timed out after 0 s and was stopped' });
  });

  it('names a missing program with a hint instead of crashing', async () => {
    const { result } = await run('supabase db dump --project-ref abc', { env: { PATH: '/nonexistent' } });
    expect(result.exitCode).toBe(127);
    expect(result.notFound).toBe('supabase');
    expect(result.error).toMatch(/^command not found: supabase — install the Supabase CLI/);
  });

  it('redacts a secret the command prints before it reaches the evidence', async () => {
    const { output, ref } = await run('echo "PGPASSWORD=topsecret-value psql"; echo "postgres://app:s3cr3t-pw@db:5432/x"', {
      evidence: new EvidenceWriter(session.dir, { knownSecrets: ['extra-known-secret'] }),
    });
    expect(output.toString()).not.toMatch(/topsecret-value|s3cr3t-pw/);
    expect(ref.redactions).toEqual({ 'secret-assignment': 1, 'url-password': 1 });
  });

  it('runs in the given working directory with only the given environment', async () => {
    const { output } = await run('pwd; echo "[$ONLY_THIS]" "[$HOME]"', { env: { PATH: process.env.PATH!, ONLY_THIS: 'yes' } });
    expect(output.toString()).toBe(`${session.dir}\n[yes] []\n`);
  });
});
