// Nothing recorded is ever lost: kill -9, torn lines, two writers.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkChain, splitLines } from '../../src/session/chain.js';
import { SealedLogError, SessionLog, TamperedLogError } from '../../src/session/log.js';
import { SessionLockedError } from '../../src/session/lock.js';
import { Session } from '../../src/session/session.js';
import { loadSigner } from '../../src/session/signer.js';
import { verifySession } from '../../src/session/verify.js';
import { ROOT, SEED } from '../helpers/cli.js';
import { freshHome, startTestSession } from '../helpers/session.js';

function killWhileAppending(root: string, afterEvents: number): Promise<{ dir: string; recorded: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'test/helpers/append-forever.mjs'), root, SEED], { stdio: ['ignore', 'pipe', 'pipe'] });
    let dir = '';
    let recorded = -1;
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('dir ')) dir = line.slice(4);
        else if (line.startsWith('recorded ')) recorded = Number(line.slice(9));
      }
      if (recorded >= afterEvents && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child ended without being killed: ${stderr}`));
      else resolve({ dir, recorded });
    });
  });
}

describe('durability', () => {
  it('keeps every event a killed process reported as recorded, and the chain verifies (looped)', async () => {
    const { state, env } = freshHome();
    const root = join(state, 'runbook', 'sessions');
    for (let round = 0; round < 12; round++) {
      const { dir, recorded } = await killWhileAppending(root, 20 + round * 37);
      const bytes = readFileSync(join(dir, 'session.jsonl'));
      const complete = bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1);
      const chain = checkChain(splitLines(complete));
      expect(chain.ok).toBe(true);
      expect(chain.events.length).toBeGreaterThanOrEqual(recorded + 1);
      // The session can be resumed, sealed, and then verifies.
      const { session } = Session.resume(dir);
      await session.seal(loadSigner({ create: true, env }).signer);
      const result = await verifySession(dir, { allowedSigners: join(env.XDG_CONFIG_HOME!, 'runbook', 'allowed_signers') });
      expect(result).toMatchObject({ ok: true, sealed: true });
    }
  });

  it('moves a torn last line aside on open and records it', () => {
    const { env } = freshHome();
    const session = startTestSession(env);
    session.note({}, 'complete line');
    session.close();
    const log = join(session.dir, 'session.jsonl');
    const torn = '{"seq":2,"ts":"2026-11-24T03:1';
    appendFileSync(log, torn);
    const opened = SessionLog.open(session.dir);
    expect(opened.recovered).toMatchObject({ bytes: torn.length });
    const side = readFileSync(join(session.dir, opened.recovered!.file), 'utf8');
    expect(side).toBe('{"seq":2,"ts":"2026-11-24T03:1');
    expect(opened.events.map((e) => e.type)).toEqual(['started', 'note', 'recovered']);
    opened.log.close();
    const lines = readFileSync(log, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((e) => e.type)).toEqual(['started', 'note', 'recovered']);
    expect(lines[2].torn).toMatchObject({ bytes: torn.length, file: opened.recovered!.file });
  });

  it('treats a NUL tail (power loss) as torn, not as tampering', () => {
    const { env } = freshHome();
    const session = startTestSession(env);
    session.close();
    appendFileSync(join(session.dir, 'session.jsonl'), Buffer.alloc(4096));
    const opened = SessionLog.open(session.dir);
    expect(opened.recovered?.bytes).toBe(4096);
    opened.log.append('note', { text: 'after recovery' });
    opened.log.close();
    expect(checkChain(splitLines(readFileSync(join(session.dir, 'session.jsonl')))).ok).toBe(true);
  });

  it('refuses to append to a log damaged before its last line', () => {
    const { env } = freshHome();
    const session = startTestSession(env);
    session.note({}, 'one');
    session.note({}, 'two');
    session.close();
    const log = join(session.dir, 'session.jsonl');
    writeFileSync(log, readFileSync(log, 'utf8').replace('"one"', '"uno"'));
    expect(() => SessionLog.open(session.dir)).toThrow(TamperedLogError);
    expect(() => SessionLog.open(session.dir)).toThrow(/damaged at line 2/);
    expect(existsSync(join(session.dir, 'session.lock'))).toBe(false);
  });

  it('never lets two processes write one session, and refuses to reopen a sealed one', async () => {
    const { env } = freshHome();
    const session = startTestSession(env);
    expect(() => SessionLog.open(session.dir)).toThrow(SessionLockedError);
    writeFileSync(join(session.dir, 'session.lock'), JSON.stringify({ pid: 1, host: 'another-host', since: 'then' }));
    expect(() => SessionLog.open(session.dir)).toThrow(/open in another runbook process \(pid 1 on another-host/);
    writeFileSync(join(session.dir, 'session.lock'), JSON.stringify({ pid: process.pid, host: hostname(), since: 'now' }));
    await session.seal(loadSigner({ create: true, env }).signer);
    expect(() => SessionLog.open(session.dir)).toThrow(SealedLogError);
  });

  it('takes over the lock of a process that died, and says so', () => {
    const { env } = freshHome();
    const session = startTestSession(env);
    session.close();
    writeFileSync(join(session.dir, 'session.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), since: 'earlier' }));
    const { session: resumed, events } = Session.resume(session.dir);
    expect(events.map((e) => e.type)).toEqual(['started', 'resumed']);
    resumed.close();
    const last = JSON.parse(readFileSync(join(session.dir, 'session.jsonl'), 'utf8').trimEnd().split('\n').pop()!);
    expect(last).toMatchObject({ type: 'resumed', previous: { since: 'earlier' } });
    expect(readdirSync(session.dir)).not.toContain('session.lock');
  });
});
