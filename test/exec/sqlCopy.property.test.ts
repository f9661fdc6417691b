// Properties of the COPY export's pure parts: counting CSV records however the stream is cut, and a
// wrapper that is either refused or exactly a COPY to STDOUT of the statement, whatever the text.
import fc from 'fast-check';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvRecordCounter } from '../../src/exec/csvRecords.js';
import { loadSqlParser } from '../../src/exec/guard/sqlJudge.js';
import { copyWrapper } from '../../src/exec/sqlCopy.js';

const field = fc.oneof(fc.constant(''), fc.constant('"'), fc.constant('\n'), fc.constant(','), fc.constant('""'), fc.string({ maxLength: 6 }), fc.stringMatching(/^[a-z0-9 ,"\n\r]{0,12}$/));
const record = fc.array(field, { minLength: 1, maxLength: 4 });

/** A value as COPY writes it in CSV: quoted when it holds a delimiter, quote or line break, or is empty. */
function csvValue(value: string): string {
  return value === '' || /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function cutAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let at = 0;
  for (const p of points) {
    out.push(bytes.subarray(at, p));
    at = p;
  }
  out.push(bytes.subarray(at));
  return out;
}

describe('CsvRecordCounter', () => {
  it('counts records and finds where whole records end, however the bytes are cut', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 10 }), fc.nat(), (records, cuts, wanted) => {
        const lines = records.map((r) => r.map(csvValue).join(',') + '\n');
        const bytes = Buffer.from(lines.join(''));
        const until = 1 + (wanted % records.length);
        const counter = new CsvRecordCounter();
        let written: Buffer = Buffer.alloc(0);
        let carry: Buffer = Buffer.alloc(0);
        let pageEnd = -1;
        let seen = 0;
        for (const chunk of cutAt(bytes, cuts)) {
          const found = counter.push(chunk, until);
          if (found >= 0) pageEnd = seen + found;
          seen += chunk.length;
          if (counter.lastEnd >= 0) {
            written = Buffer.concat([written, carry, chunk.subarray(0, counter.lastEnd)]);
            carry = chunk.subarray(counter.lastEnd);
          } else carry = Buffer.concat([carry, chunk]);
          // What was let through is always whole records: the first `records` of them.
          expect(written.toString()).toBe(lines.slice(0, counter.records).join(''));
        }
        expect(counter.records).toBe(records.length);
        expect(counter.rows).toBe(records.length - 1);
        expect(carry.length).toBe(0);
        expect(bytes.subarray(0, pageEnd).toString()).toBe(lines.slice(0, until).join(''));
        expect(parseCsv(written, { relax_column_count: true })).toHaveLength(records.length);
      }),
      { numRuns: 400 },
    );
  });
});

describe('copyWrapper', () => {
  // Pieces an attacker would use to close the parenthesis early, add a statement or reach a file or a program.
  const PIECES = ['select 1', ')', '(', ' ', '\n', '--', '/*', '*/', "'", '"', '$$', '$x$', ';', ' to program ', " 'touch /tmp/x' ", ' to stdout ', ' with (format csv) ', ' from pg_class ', ' as a ', 'E\'\\\'', ' union select 2 ', ' copy ', '\\', ','];
  const text = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 10 }).map((parts) => parts.join(''));

  it('returns nothing, or one COPY to STDOUT of exactly the statement as the parser sees it alone', async () => {
    const parse = await loadSqlParser();
    let wrapped = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(text, text.map((t) => `select 1 ${t}`)), async (statement) => {
        const copy = await copyWrapper(statement);
        if (copy === undefined) return;
        wrapped++;
        const alone = (await parse(statement)).stmts ?? [];
        expect(alone).toHaveLength(1);
        expect(Object.keys(alone[0]!.stmt)).toEqual(['SelectStmt']);
        const inside = (await parse(copy)).stmts ?? [];
        expect(inside).toHaveLength(1);
        const node = inside[0]!.stmt.CopyStmt as Record<string, unknown>;
        expect(node).toBeDefined();
        expect(node.is_program ?? false).toBe(false);
        expect(node.is_from ?? false).toBe(false);
        expect(node.filename).toBeUndefined();
        expect(copy.startsWith(`COPY (\n${statement}\n)`)).toBe(true);
      }),
      { numRuns: 600 },
    );
    expect(wrapped).toBeGreaterThan(0);
  });
});
