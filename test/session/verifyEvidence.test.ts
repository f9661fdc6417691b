// verify reads every evidence file once through one reused buffer: each kind of damage is still named,
// at the first line that references the damaged file, and files bigger than the buffer are read whole.
import { mkdirSync, readFileSync, rmSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EvidenceRef } from '../../src/session/evidence.js';
import type { Session } from '../../src/session/session.js';
import { verifySession } from '../../src/session/verify.js';
import { freshHome, startTestSession } from '../helpers/session.js';

const where = { section: 'weekly', step: 'weekly/1' };
let session: Session;
let refs: EvidenceRef[];
/** Log line (1-based) of each attachment, in order. */
let lines: number[];

function attach(data: string): void {
  const event = session.attach(where, { name: 'out.txt', data, kind: 'text' });
  refs.push(event.evidence as EvidenceRef);
  lines.push(event.seq + 1);
}

const file = (ref: EvidenceRef) => join(session.dir, 'evidence', ref.sha256);

beforeEach(() => {
  session = startTestSession(freshHome().env);
  refs = [];
  lines = [];
  attach('small output\n');
  // Bigger than the 64 KiB read buffer: the hash must cover every read, not just the last one.
  attach(Array.from({ length: 6000 }, (_, i) => `line ${i} of a long command output`).join('\n'));
  attach('small output\n'); // the same bytes again: the same file, referenced twice
  attach('third\n');
  session.close();
});

describe('verify, evidence files', () => {
  it('checks every reference and finds them intact', async () => {
    expect(refs[1]!.size).toBeGreaterThan(128 * 1024);
    const result = await verifySession(session.dir);
    expect(result.evidence).toEqual({ checked: 4, bad: 0 });
    expect(result.firstBadLine).toBeUndefined();
  });

  it('names a change past the first buffer of a big file', async () => {
    const bytes = readFileSync(file(refs[1]!));
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 1;
    writeFileSync(file(refs[1]!), bytes);
    const result = await verifySession(session.dir);
    expect(result).toMatchObject({ evidence: { checked: 4, bad: 1 }, firstBadLine: lines[1] });
    expect(result.reason).toMatch(/evidence\/[0-9a-f]{64} was changed/);
  });

  it('names a missing file at every line that references it, the first one as the bad line', async () => {
    unlinkSync(file(refs[0]!));
    const result = await verifySession(session.dir);
    expect(result).toMatchObject({ evidence: { checked: 4, bad: 2 }, firstBadLine: lines[0] });
    expect(result.reason).toMatch(/is missing/);
  });

  it('names a folder in a file\'s place, and a file cut short', async () => {
    truncateSync(file(refs[3]!), 2);
    rmSync(file(refs[1]!));
    mkdirSync(file(refs[1]!));
    const result = await verifySession(session.dir);
    expect(result).toMatchObject({ evidence: { checked: 4, bad: 2 }, firstBadLine: lines[1] });
    expect(result.reason).toMatch(/is not a file/);
    rmSync(file(refs[1]!), { recursive: true });
    const cut = await verifySession(session.dir);
    expect(cut).toMatchObject({ evidence: { checked: 4, bad: 2 }, firstBadLine: lines[1] });
    expect(cut.reason).toMatch(/is missing/);
  });

  it('names a file cut short by its size', async () => {
    truncateSync(file(refs[3]!), 2);
    const result = await verifySession(session.dir);
    expect(result).toMatchObject({ evidence: { checked: 4, bad: 1 }, firstBadLine: lines[3] });
    expect(result.reason).toMatch(/has 2 bytes, not 6/);
  });

  it('reports a file replaced by a symlink to other bytes as changed', async () => {
    const elsewhere = join(session.dir, '..', 'elsewhere.txt');
    writeFileSync(elsewhere, 'THIRD\n'); // the same size, other bytes
    unlinkSync(file(refs[3]!));
    symlinkSync(elsewhere, file(refs[3]!));
    const result = await verifySession(session.dir);
    expect(result).toMatchObject({ evidence: { checked: 4, bad: 1 }, firstBadLine: lines[3] });
    expect(result.reason).toMatch(/was changed/);
  });

  it('names a named pipe in a file\'s place instead of waiting forever for a writer', async () => {
    unlinkSync(file(refs[3]!));
    expect(spawnSync('mkfifo', [file(refs[3]!)]).status).toBe(0);
    const result = await verifySession(session.dir);
    expect(result).toMatchObject({ ok: false, evidence: { checked: 4, bad: 1 }, firstBadLine: lines[3] });
    expect(result.reason).toMatch(/is not a file/);
  }, 10_000);

  it('names a link to a device in a file\'s place as not a file, without reading it forever', async () => {
    unlinkSync(file(refs[3]!));
    symlinkSync('/dev/zero', file(refs[3]!));
    const result = await verifySession(session.dir);
    expect(result).toMatchObject({ ok: false, evidence: { checked: 4, bad: 1 }, firstBadLine: lines[3] });
    expect(result.reason).toMatch(/is not a file/);
  }, 10_000);

  it('skips the files when asked to (a copy from the team store has none)', async () => {
    unlinkSync(file(refs[0]!));
    expect((await verifySession(session.dir, { evidence: false })).evidence).toEqual({ checked: 0, bad: 0 });
  });
});
