// Query results in the report: the CSV evidence read with a real CSV parser, whatever the values hold.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { draftReport, renderMarkdown } from '../../src/report/index.js';
import { readResultTable } from '../../src/report/results.js';
import { ROOT } from '../helpers/cli.js';
import { fixedKey, fixedSession, recordAction, sealWith } from '../helpers/fixedSessions.js';
import { anchors, links, markdownProblems, tableRowsAfter } from '../helpers/markdownCheck.js';

let root: string;
let key: { keyPath: string; allowedSigners: string };

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'runbook-results-'));
  key = fixedKey(join(root, 'keys'));
});

/** One CSV field as the SQL runner writes it: NULL is an empty unquoted field. */
function field(value: string | null): string {
  if (value === null) return '';
  return value === '' || /[",\r\n]/.test(value) || value.trim() !== value ? `"${value.replace(/"/g, '""')}"` : value;
}
const csv = (columns: string[], rows: Array<Array<string | null>>) => [columns, ...rows].map((r) => r.map(field).join(',')).join('\n') + '\n';

const QUAL = "(EXISTS ( SELECT 1\n   FROM members m\n  WHERE ((m.user_id = auth.uid()) AND (m.ebook_id = ebooks.id))))";
const LONG = 'x'.repeat(3000) + ' the end of a long value ' + 'y'.repeat(7000);

const ROWS: Array<Array<string | null>> = [
  ['1', 'members_read', QUAL, 'SELECT'],
  ['2', 'anon_read', 'true', null],
  ['3', 'a | b || c', 'with "quotes", commas, and a trailing pipe |', ''],
  ['4', 'html <script>alert(1)</script> & `ticks` **bold** [link](http://x)', 'line one\r\nline two\rline three', 'UPDATE'],
  ['5', 'long', LONG, 'ALL'],
];

function normalize(text: string, dir: string): string {
  return text.split(dir).join('<session>').split(ROOT).join('<root>/').replace(/Head hash: `[0-9a-f]{64}`/, 'Head hash: `<head>`');
}

describe('a result with multi-line, pipe-containing, very long, NULL and empty values', () => {
  let dir: string;
  let markdown: string;
  beforeAll(async () => {
    const s = fixedSession(join(root, 'sessions'), '20261124-031000-values-0001', { kind: 'incident', id: 'INC-9' });
    recordAction(s, { section: 'rls-misconfiguration', step: 'rls-misconfiguration/2.1' }, {
      id: 'rls-misconfiguration/2.1#1', kind: 'sql', code: "select id, policyname, qual, cmd from pg_policies where tablename = 'ebooks'", rows: ROWS.length,
      output: csv(['id', 'policyname', 'qual', 'cmd'], ROWS),
    });
    await sealWith(s, key.keyPath, { ...process.env });
    dir = s.dir;
    markdown = renderMarkdown(await draftReport(dir, { allowedSigners: key.allowedSigners }), { linkBase: dir, command: (a) => `runbook ${a}` });
  });

  it('matches the golden file', () => {
    const path = join(ROOT, 'test/report/golden/values.md');
    const actual = normalize(markdown, dir);
    if (process.env.UPDATE_GOLDEN) writeFileSync(path, actual);
    expect(actual).toBe(readFileSync(path, 'utf8'));
  });

  it('gives each result row exactly one table row, with every column', () => {
    const rows = tableRowsAfter(markdown, /^status \*\*ok\*\*/);
    expect(rows).toHaveLength(ROWS.length);
    expect(markdownProblems(markdown)).toEqual([]);
  });

  it('keeps a multi-line value in its cell, NULL apart from the empty string, pipes and HTML as text', async () => {
    const rows = tableRowsAfter(markdown, /^status \*\*ok\*\*/);
    expect(rows[0]).toBe('| 1 | members_read | (EXISTS ( SELECT 1<br>   FROM members m<br>  WHERE ((m.user_id = auth.uid()) AND (m.ebook_id = ebooks.id)))) | SELECT |');
    expect(rows[1]).toBe('| 2 | anon_read | true | *NULL* |');
    // Every pipe escaped once more for the table (GFM drops the backslash before a pipe, then reads `\|`).
    expect(rows[2]).toBe('| 3 | a \\\\| b \\\\|\\\\| c | with "quotes", commas, and a trailing pipe \\\\| |   |');
    expect(rows[3]).toContain('line one<br>line two<br>line three');
    expect(markdown).not.toContain('<script>');
    const html = (await import('markdown-it')).default('default').render(markdown);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('shortens a long value and puts the whole of it one link away', () => {
    const rows = tableRowsAfter(markdown, /^status \*\*ok\*\*/);
    expect(rows[4]!.length).toBeLessThan(300);
    const link = /\[full value\]\(#(full-value-\d+)\)/.exec(rows[4]!);
    expect(link).not.toBeNull();
    expect(anchors(markdown).has(link![1]!)).toBe(true);
    const section = markdown.slice(markdown.indexOf('## Full values'));
    // Kept in the report up to 4,000 characters; the rest is in the evidence file, linked.
    expect(section).toContain('x'.repeat(3000) + ' the end of a long value ' + 'y'.repeat(975));
    expect(section).toMatch(/the first 4000 of 10025 characters; the whole value is in \[the evidence file\]\(evidence\/[0-9a-f]{64}\)/);
    for (const href of links(markdown)) if (href.startsWith('#')) expect(anchors(markdown).has(href.slice(1))).toBe(true);
  });
});

describe('readResultTable', () => {
  it('keeps the first and last rows of a large result and counts the rest, values with newlines included', async () => {
    const path = join(root, 'big.csv');
    const rows = Array.from({ length: 5000 }, (_, i) => [String(i + 1), `line a ${i}\nline b ${i}`]);
    writeFileSync(path, csv(['n', 'text'], rows));
    const table = (await readResultTable(path, 3))!;
    expect(table.columns).toEqual(['n', 'text']);
    expect(table.head.map((r) => r[0])).toEqual(['1', '2', '3']);
    expect(table.tail.map((r) => r[0])).toEqual(['4998', '4999', '5000']);
    expect(table.tail[2]![1]).toBe('line a 4999\nline b 4999');
    expect(table).toMatchObject({ omitted: 4994, total: 5000 });
  });

  it('reads a header-only result as no rows, and a file that is not CSV as nothing', async () => {
    const empty = join(root, 'empty.csv');
    writeFileSync(empty, 'a,b\n');
    expect(await readResultTable(empty)).toMatchObject({ columns: ['a', 'b'], head: [], tail: [], total: 0, omitted: 0 });
    const broken = join(root, 'broken.csv');
    writeFileSync(broken, 'a,b\n"never closed,1\n');
    expect(await readResultTable(broken)).toBeUndefined();
    expect(await readResultTable(join(root, 'missing.csv'))).toBeUndefined();
  });

  it('reads back a one-column result of NULLs and empty strings', async () => {
    const path = join(root, 'one.csv');
    const rows: Array<Array<string | null>> = Array.from({ length: 60 }, (_, i) => [i % 3 === 0 ? null : i % 3 === 1 ? '' : `v${i}`]);
    writeFileSync(path, csv(['only'], rows));
    const table = (await readResultTable(path, 5))!;
    expect(table.head).toEqual(rows.slice(0, 5));
    expect(table.tail).toEqual(rows.slice(-5));
    expect(table.total).toBe(60);
  });

  it('reads back any values exactly (NULL, empty, quotes, newlines, commas), at both ends of a long result', async () => {
    const value = fc.option(fc.string({ unit: fc.constantFrom('a', ' ', ',', '"', '\n', '\r\n', '|', '`', 'é') }), { nil: null });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(value, value), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 4 }), async (rows, edge) => {
        const path = join(root, 'prop.csv');
        writeFileSync(path, csv(['a', 'b'], rows));
        const table = (await readResultTable(path, edge))!;
        expect(table.total).toBe(rows.length);
        if (rows.length <= edge * 2) expect(table.head).toEqual(rows);
        else {
          expect(table.head).toEqual(rows.slice(0, edge));
          expect(table.tail).toEqual(rows.slice(-edge));
          expect(table.omitted).toBe(rows.length - 2 * edge);
        }
      }),
      { numRuns: 200 },
    );
  });
});
