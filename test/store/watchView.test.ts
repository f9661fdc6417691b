// What the watch shows, without a database: excerpts cut from evidence files at their edges, and the
// story built from whatever an owner put in the store, kept on one line and terminal-safe.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTerminalSafe } from '../../src/format/terminal.js';
import type { EventRecord } from '../../src/session/chain.js';
import { EVIDENCE_DIR } from '../../src/session/log.js';
import { viewOf } from '../../src/session/view.js';
import { excerptOf, fullEvidenceLimit, type LinesExcerpt, type RowsExcerpt } from '../../src/store/excerpts.js';
import { normalizeExcerpt, type StoredExcerpt } from '../../src/store/follow.js';
import { headerLine, storyLines, stepsLines } from '../../src/store/watchView.js';

function evidenceDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-excerpt-'));
  mkdirSync(join(dir, EVIDENCE_DIR));
  return dir;
}

function withEvidence(dir: string, bytes: Buffer, fields: Record<string, unknown> = {}): EventRecord {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(join(dir, EVIDENCE_DIR, sha256), bytes);
  return { seq: 3, ts: '2026-11-25T03:00:00.000Z', type: 'action.output', prev: '0'.repeat(64), run: 2, evidence: { sha256, size: bytes.length }, ...fields } as EventRecord;
}

const redact = (text: string) => text;

describe('excerptOf', () => {
  it('reads a large result only at its head and keeps whole rows when the cut falls inside a quoted field', () => {
    const dir = evidenceDir();
    const header = 'id,comment\n';
    const rows = Array.from({ length: 3000 }, (_, i) => `${i + 1},"line one of ${i + 1}\nline two, with ""quotes"" ${'x'.repeat(40)}"\n`).join('');
    const event = withEvidence(dir, Buffer.from(header + rows), { columns: ['id', 'comment'] });
    const excerpt = excerptOf(dir, event, { redact, fullLimit: 1024 })!;
    expect(excerpt.kind).toBe('rows');
    expect(excerpt.content).toBeUndefined();
    const cut = excerpt.excerpt as RowsExcerpt;
    expect(cut.columns).toEqual(['id', 'comment']);
    expect(cut.rows).toHaveLength(20);
    expect(cut.rows[0]).toEqual(['1', `line one of 1\nline two, with "quotes" ${'x'.repeat(40)}`]);
    expect(cut.more).toBe(true);
  });

  it('sends nothing of a file that no longer is the evidence its event names', () => {
    const dir = evidenceDir();
    const event = withEvidence(dir, Buffer.from('ok\n'));
    const path = join(dir, EVIDENCE_DIR, (event.evidence as { sha256: string }).sha256);
    expect(excerptOf(dir, event, { redact, fullLimit: 1 << 20 })?.content?.toString()).toBe('ok\n');
    writeFileSync(path, 'ko\n');
    expect(excerptOf(dir, event, { redact, fullLimit: 1 << 20 })).toBeUndefined();
    expect(excerptOf(dir, event, { redact, fullLimit: 0 })).toBeUndefined();
    writeFileSync(path, 'ok, longer\n');
    expect(excerptOf(dir, event, { redact, fullLimit: 0 })).toBeUndefined();
  });

  it('cuts a single multi-megabyte line at both ends of the file', () => {
    const dir = evidenceDir();
    const event = withEvidence(dir, Buffer.concat([Buffer.from('first\n'), Buffer.alloc(3 << 20, 'b'), Buffer.from('\nlast\n')]));
    const excerpt = excerptOf(dir, event, { redact, fullLimit: 4 << 20 })!;
    const lines = excerpt.excerpt as LinesExcerpt;
    expect(excerpt.content?.length).toBe((3 << 20) + 12);
    expect(lines.head[0]).toBe('first');
    expect(lines.head[1]).toMatch(/^b{400}…$/);
    expect(lines.tail).toEqual(['last']);
    expect(JSON.stringify(lines).length).toBeLessThan(2_000);
  });

  it('reads the per-file limit from RUNBOOK_STORE_EVIDENCE_LIMIT', () => {
    expect(fullEvidenceLimit({})).toBe(4 << 20);
    expect(fullEvidenceLimit({ RUNBOOK_STORE_EVIDENCE_LIMIT: '512k' })).toBe(512 << 10);
    expect(fullEvidenceLimit({ RUNBOOK_STORE_EVIDENCE_LIMIT: '8M' })).toBe(8 << 20);
    expect(fullEvidenceLimit({ RUNBOOK_STORE_EVIDENCE_LIMIT: '0' })).toBe(0);
    expect(fullEvidenceLimit({ RUNBOOK_STORE_EVIDENCE_LIMIT: 'lots' })).toBe(4 << 20);
  });
});

describe('the watch view', () => {
  const ESC = '\u001b]52;c;ZXZpbA==\u0007\u202e\u001b[2J';
  const events = [
    { seq: 0, ts: '2026-11-25T03:00:00.000Z', type: 'started', prev: '0'.repeat(64), env: `prod${ESC}`, operator: 'alex', purpose: { kind: 'incident', id: 'INC-1' } },
    { seq: 1, ts: '2026-11-25T03:00:01.000Z', type: 'step', prev: 'x', step: `s/1${ESC}`, status: 'failed', reason: `why\n${ESC}` },
    { seq: 2, ts: '2026-11-25T03:00:02.000Z', type: 'action.started', prev: 'x', action: 'a', step: 's/2', kind: 'sql', code: `select 1${ESC}\nselect 2` },
    { seq: 3, ts: '2026-11-25T03:00:03.000Z', type: 'action.output', prev: 'x', run: 2, columns: ['a'], rows: 1, evidence: { sha256: 'c'.repeat(64), size: 9 } },
    { seq: 4, ts: '2026-11-25T03:00:04.000Z', type: 'note', prev: 'x', text: `note ${ESC}\nsecond line` },
  ] as unknown as EventRecord[];

  it('keeps what an owner put in the store on one line and terminal-safe, whatever its shape', () => {
    const hostile: StoredExcerpt[] = [
      { seq: 3, kind: 'rows', sha256: 'c'.repeat(64), size: 9, full: false, excerpt: { columns: [`col${ESC}`, 7, null], rows: [[`v\n${ESC}`, { a: 1 }], 'not a row'], more: 'yes' } as never },
    ];
    const view = viewOf(events);
    const lines = [headerLine({ id: `id${ESC}`, env: `prod${ESC}`, operator: `op${ESC}`, section: null, status: 'open', purpose: { kind: 'incident', id: `INC${ESC}` } }, false), ...stepsLines(view), ...storyLines(view, new Map(hostile.map(normalizeExcerpt).map((e) => [e.sha256, e])))];
    for (const line of lines) {
      expect(isTerminalSafe(line.text), line.text).toBe(true);
      expect(line.text).not.toContain('\n');
    }
    const text = lines.map((l) => l.text).join('\n');
    expect(text).toContain('col\\x1B]52;c;ZXZpbA==\\x07\\u202E\\x1B[2J');
    expect(text).toMatch(/✗ s\/1/);
    expect(text).toContain('note: note \\x1B]52');
  });

  it('says when it waits, and when an output has no excerpt yet', () => {
    expect(headerLine(undefined, false).text).toMatch(/^Waiting for a session/);
    const story = storyLines(viewOf(events), new Map()).map((l) => l.text);
    expect(story).toContain(`    1 rows, output ${'c'.repeat(12)}… not in the store yet`);
  });
});
