// The hash chain: each line records the SHA-256 of the previous line's exact bytes.

import { createHash } from 'node:crypto';

export const ZERO_HASH = '0'.repeat(64);

export interface EventRecord {
  seq: number;
  ts: string;
  type: string;
  prev: string;
  [field: string]: unknown;
}

export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface ChainCheck {
  ok: boolean;
  events: EventRecord[];
  /** SHA-256 of the last good line (ZERO_HASH for an empty log). */
  head: string;
  /** 1-based line where the chain first goes wrong, and why. */
  badLine?: number;
  reason?: string;
}

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** Split complete lines (the text must end with a newline, or be empty). */
export function splitLines(complete: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let nl = complete.indexOf(0x0a); nl >= 0; nl = complete.indexOf(0x0a, start)) {
    lines.push(complete.subarray(start, nl));
    start = nl + 1;
  }
  return lines;
}

/** Check every line: valid JSON, seq in order, prev equal to the hash of the line before, UTC time. */
export function checkChain(lines: Buffer[]): ChainCheck {
  const events: EventRecord[] = [];
  let head = ZERO_HASH;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const n = i + 1;
    const fail = (badLine: number, reason: string): ChainCheck => ({ ok: false, events, head, badLine, reason });
    let event: EventRecord;
    try {
      event = JSON.parse(line.toString('utf8')) as EventRecord;
    } catch {
      return fail(n, 'it is not valid JSON');
    }
    if (!event || typeof event !== 'object' || Array.isArray(event)) return fail(n, 'it is not an event object');
    if (event.seq !== i) {
      if (typeof event.seq === 'number' && event.seq > i) return fail(n, `it has seq ${event.seq} where ${i} belongs: ${event.seq - i === 1 ? 'a line is' : 'lines are'} missing before it`);
      return fail(n, `it has seq ${String(event.seq)} where ${i} belongs: lines were moved or duplicated`);
    }
    if (event.prev !== head) {
      // The previous line passed its own checks, so it is the one whose bytes no longer match.
      return i === 0
        ? fail(n, 'the first line must record 64 zeros as prev')
        : fail(n - 1, `it was changed after it was written: line ${n} records a different hash for it`);
    }
    if (typeof event.type !== 'string' || !event.type) return fail(n, 'it has no event type');
    if (typeof event.ts !== 'string' || !ISO_UTC.test(event.ts)) return fail(n, 'its time is not an ISO-8601 UTC timestamp');
    events.push(event);
    head = sha256Hex(line);
  }
  return { ok: true, events, head };
}
