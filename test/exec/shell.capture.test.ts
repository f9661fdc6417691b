// The capture path with real processes: a secret the pipe delivers in two reads is still redacted in the
// evidence and on the screen, and large outputs reach the evidence byte-exact.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runShell } from '../../src/exec/shell.js';
import { evidencePath, EvidenceWriter } from '../../src/session/evidence.js';
import { freshHome, startTestSession } from '../helpers/session.js';

const session = startTestSession(freshHome().env);

/** An evidence writer that, once a chunk ending in `first` arrives, creates `go` so the command goes on. */
class SplitObserver extends EvidenceWriter {
  readonly chunks: Buffer[] = [];
  constructor(dir: string, private readonly first: string, private readonly go: string, knownSecrets: string[] = []) {
    super(dir, { knownSecrets });
  }
  override write(chunk: Buffer | string): Buffer {
    const bytes = Buffer.from(chunk);
    this.chunks.push(bytes);
    const out = super.write(bytes);
    if (Buffer.concat(this.chunks).toString('latin1').endsWith(this.first)) writeFileSync(this.go, '');
    return out;
  }
}

async function runSplit(first: string, second: string, knownSecrets: string[] = []) {
  const go = join(session.dir, `go-${Math.random().toString(36).slice(2)}`);
  const evidence = new SplitObserver(session.dir, first, go, knownSecrets);
  const shown: Buffer[] = [];
  // The command waits (polling inside bash, not in the test) until the first part has reached the runner.
  const code = `printf '%s' "$FIRST"; while [ ! -e "$GO" ]; do sleep 0.01; done; printf '%s' "$SECOND"`;
  const result = await runShell(code, {
    cwd: session.dir, env: { PATH: process.env.PATH!, FIRST: first, SECOND: second, GO: go }, timeoutMs: 30_000,
    evidence, onOutput: (chunk) => shown.push(chunk),
  });
  const ref = evidence.finish();
  return { result, chunks: evidence.chunks, stored: readFileSync(evidencePath(session.dir, ref.sha256), 'latin1'), shown: Buffer.concat(shown).toString('latin1'), ref };
}

describe('capture of a secret split across pipe reads', () => {
  const cases: Array<[string, string, string, string[]]> = [
    ['GitHub token', 'deploy with ghp_aB3dE5fG7hJ9kL1mN', '3pQ5rS7tU9vW1xY3zA5 now\n', []],
    ['JWT', 'key eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2Vy', 'dmljZV9yb2xlIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ\n', []],
    ['URL password', 'postgresql://admin:hunter2-se', 'cret@db.example.com:5432/app\n', []],
    ['AWS secret key', 'wJalrXUtnFEMI/K7MDE', 'NG/bPxRfiCYEXAMPLEKEY\n', []],
    ['password assignment', 'export PGPASS', 'WORD=correct-horse-battery\n', []],
    ['known secret', 'the value is plain-loo', 'king-42 again\n', ['plain-looking-42']],
    ['known secret on a last line without newline', 'the value is plain-loo', 'king-42', ['plain-looking-42']],
  ];

  it.each(cases)('%s', async (_name, first, second, known) => {
    const { result, chunks, stored, shown } = await runSplit(first, second, known);
    expect(result.exitCode).toBe(0);
    // The split really happened: the runner got the first part on its own.
    expect(chunks[0]!.toString('latin1')).toBe(first);
    const whole = first + second;
    const secret = whole.slice(first.length - 6, first.length + 6);
    expect(stored).not.toContain(secret);
    expect(stored).toContain('[REDACTED:');
    expect(shown).toBe(stored);
    expect(result.tail.text()).not.toContain(secret);
  });
});

describe('capture of large outputs', () => {
  it('stores 20 MB of log lines byte-exact and shows the last of them', async () => {
    const evidence = new EvidenceWriter(session.dir);
    let shownBytes = 0;
    const result = await runShell(`yes 'INFO request served in 12ms status=200 path=/api/v1/ebooks' | head -c 20971520 | tee big-log.txt`, {
      cwd: session.dir, env: { PATH: process.env.PATH! }, timeoutMs: 60_000, evidence, onOutput: (chunk) => (shownBytes += chunk.length),
    });
    const ref = evidence.finish();
    const expected = readFileSync(join(session.dir, 'big-log.txt'));
    expect(result.exitCode).toBe(0);
    expect(ref.sha256).toBe(createHash('sha256').update(expected).digest('hex'));
    expect(ref.size).toBe(20 * 1024 * 1024);
    expect(ref.redactions).toBeUndefined();
    expect(shownBytes).toBe(ref.size);
    expect(result.tail.last(1)[0]).toMatch(/^INFO request served/);
  });

  it('redacts secrets scattered through megabytes of output, on screen and in the evidence', async () => {
    const evidence = new EvidenceWriter(session.dir, { knownSecrets: ['plain-looking-42'] });
    const shown: Buffer[] = [];
    const code = `for i in $(seq 1 400); do yes "INFO line $i status=200" | head -n 300; echo "token ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z$((i % 10))A"; echo "value plain-looking-42 and postgresql://u:pw-$i-secret@db/app"; done`;
    const result = await runShell(code, { cwd: session.dir, env: { PATH: process.env.PATH! }, timeoutMs: 60_000, evidence, onOutput: (chunk) => shown.push(chunk) });
    const ref = evidence.finish();
    const stored = readFileSync(evidencePath(session.dir, ref.sha256), 'latin1');
    expect(result.exitCode).toBe(0);
    expect(stored).not.toMatch(/ghp_|plain-looking-42|pw-\d+-secret/);
    expect(ref.redactions).toEqual({ token: 400, 'known-secret': 400, 'url-password': 400 });
    expect(stored.split('\n').filter((l) => l.startsWith('INFO line')).length).toBe(400 * 300);
    expect(Buffer.concat(shown).toString('latin1')).toBe(stored);
    expect(existsSync(evidencePath(session.dir, ref.sha256))).toBe(true);
  });
});
