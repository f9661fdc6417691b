// The streaming writer that `runbook exec` prints command output through: ASCII chunks skip the UTF-8
// decoder, and what is shown is exactly what decoding every chunk would have shown.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTerminalSafe, terminalSafe, terminalSafeWriter } from '../../src/format/terminal.js';

/** The writer as it was before ASCII skipped the decoder. */
function decodedEveryTime(chunks: Buffer[]): string {
  const decoder = new TextDecoder('utf-8');
  let shown = '';
  for (const chunk of chunks) shown += terminalSafe(decoder.decode(chunk, { stream: true }));
  return shown + terminalSafe(decoder.decode());
}

function written(chunks: Buffer[]): string {
  let shown = '';
  const writer = terminalSafeWriter((text) => (shown += text));
  for (const chunk of chunks) writer.write(chunk);
  writer.end();
  return shown;
}

function cut(bytes: Buffer, cuts: number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let at = 0;
  for (const c of [...new Set(cuts)].map((n) => Math.min(n, bytes.length)).sort((a, b) => a - b)) {
    chunks.push(bytes.subarray(at, c));
    at = c;
  }
  chunks.push(bytes.subarray(at));
  return chunks;
}

describe('terminalSafeWriter', () => {
  it('shows any bytes, cut anywhere, as decoding every chunk would', () => {
    const piece = fc.oneof(fc.constantFrom('plain ascii\n', 'ü', '漢', '🙂', '\u001b]52;c;aGk=\u0007', '\u001b[31m', '\r\n', '\u009b', '\u202e'), fc.string({ maxLength: 20 }));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), fc.uint8Array({ maxLength: 30 }), fc.array(fc.nat(400), { maxLength: 8 }), (pieces, raw, cuts) => {
        const bytes = Buffer.concat([Buffer.from(pieces.join('')), Buffer.from(raw)]);
        const chunks = cut(bytes, cuts);
        const shown = written(chunks);
        expect(shown).toBe(decodedEveryTime(chunks));
        expect(isTerminalSafe(shown)).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('a character split before an ASCII chunk is still decoded as one', () => {
    const bytes = Buffer.from('aü b');
    expect(written([bytes.subarray(0, 2), bytes.subarray(2, 3), bytes.subarray(3)])).toBe('aü b');
    expect(written([Buffer.from([0x61, 0xc3]), Buffer.from('xyz')])).toBe('a\ufffdxyz');
  });

  it('ASCII control characters are still made visible on the fast path', () => {
    expect(written([Buffer.from('ok\u001b]0;title\u0007 \u001b[2J done\n')])).toBe('ok\\x1B]0;title\\x07 \\x1B[2J done\n');
  });
});
