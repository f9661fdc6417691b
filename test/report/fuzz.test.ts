// Whatever a session holds — notes, reasons, step ids, commands, result values, file names, titles —
// its report keeps every table's columns, closes every code span and lets no HTML through.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import markdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { draftReport, renderMarkdown } from '../../src/report/index.js';
import { fixedSession, recordAction } from '../helpers/fixedSessions.js';
import { markdownProblems, tableRowsAfter } from '../helpers/markdownCheck.js';

const nasty = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '|', '`', '``', '\\', '*', '_', '[', ']', '(', ')', '<', '>', '&', '\n', '\r\n', '#', '-', '~', '"', ',', 'é', '<script>', '<br>', '&lt;'), maxLength: 30 });

function field(value: string | null): string {
  if (value === null) return '';
  return value === '' || /[",\r\n]/.test(value) || value.trim() !== value ? `"${value.replace(/"/g, '""')}"` : value;
}

describe('reports of sessions full of Markdown', () => {
  it('stay well-formed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'runbook-fuzz-'));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.record({ note: nasty, reason: nasty, step: nasty, code: nasty, column: nasty, a: fc.option(nasty, { nil: null }), b: fc.option(nasty, { nil: null }), name: nasty, title: nasty, drill: fc.boolean() }), async (v) => {
        n++;
        const id = `20261124-031000-fuzz-${String(n).padStart(4, '0')}`;
        const s = fixedSession(join(root, 'sessions'), id, v.drill ? { kind: 'drill', title: v.title } : { kind: 'incident', id: v.title, title: v.title }, { id: v.step || 'x', title: v.title || 'x' });
        const where = { section: 'x', step: v.step };
        s.note(where, v.note);
        s.setStepStatus(where, 'skipped', v.reason);
        recordAction(s, where, { id: `${v.step}#1`, kind: 'sql', code: v.code, rows: 1, status: 'failed', error: v.reason, output: `${field(v.column)},b\n${field(v.a)},${field(v.b)}\n` });
        s.attach(where, { name: v.name, data: v.note, kind: 'file' });
        s.setStepStatus(where, 'done');
        s.close();
        const md = renderMarkdown(await draftReport(s.dir), { linkBase: s.dir, command: (args) => `runbook ${args}` });
        expect(markdownProblems(md)).toEqual([]);
        expect(tableRowsAfter(md, /^status \*\*failed\*\*/)).toHaveLength(1);
        // Rendered as GitHub does, raw HTML allowed: the only tags are the ones Markdown makes, and <br> in cells.
        const html = markdownIt('default', { html: true }).render(md);
        const tags = new Set([...html.matchAll(/<\/?([a-z0-9-]+)/g)].map((m) => m[1]));
        for (const tag of tags) expect(['h1', 'h2', 'h3', 'p', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code', 'pre', 'em', 'strong', 'a', 'ul', 'li', 'blockquote', 'br', 'ol', 'hr']).toContain(tag);
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
