// The frame fits the terminal at every size: never more rows or columns than it has, the environment
// badge whole, the footer ending in `? help`.
import { describe, expect, inject, it } from 'vitest';
import { ellipsis, fitFooter, fitHeader, footerEntries } from '../../src/components/layout.js';
import { resolveEnvironment } from '../../src/exec/environment.js';
import { BINDINGS } from '../../src/state/keys.js';
import { KEY, renderTui } from '../helpers/tui.js';

const databaseUrl = inject('databaseUrl');
const incident = { kind: 'incident' as const, id: 'INC-4711', severity: '1' };
const SIZES = [
  { columns: 120, rows: 40 },
  { columns: 80, rows: 24 },
  { columns: 60, rows: 20 },
  { columns: 40, rows: 12 },
];

function expectFits(frame: string, size: { columns: number; rows: number }, where: string) {
  const lines = frame.split('\n');
  expect(lines.length, `${where}: ${lines.length} lines at ${size.columns}×${size.rows}\n${frame}`).toBeLessThan(size.rows);
  for (const line of lines) expect([...line].length, `${where}: "${line}"`).toBeLessThanOrEqual(size.columns);
}

describe('header and footer fitting', () => {
  it('cuts the title with an ellipsis before it touches the badge, and drops details by importance', () => {
    const parts = { title: 'Supabase Operations Runbook', badge: ' SANDBOX ', details: [{ text: 'session 20261125-034', keep: 1 }, { text: '0:12', keep: 3 }, { text: 'unsigned', keep: 2 }] };
    const wide = fitHeader(parts, 120);
    expect(wide.title).toBe('Supabase Operations Runbook');
    expect(wide.details.map((d) => d.text)).toEqual(['session 20261125-034', '0:12', 'unsigned']);
    const narrow = fitHeader(parts, 40);
    expect(narrow.badge).toBe(' SANDBOX ');
    expect(narrow.details.map((d) => d.text)).toEqual(['0:12', 'unsigned']);
    expect(narrow.title).toMatch(/…$/);
    const tiny = fitHeader(parts, 12);
    expect(tiny.badge).toBe(' SANDBOX ');
    expect(ellipsis('abc', 1)).toBe('…');
  });

  it('shortens the footer to the important keys and ? help, in their usual order', () => {
    const entries = footerEntries(BINDINGS.step);
    expect(fitFooter(entries, 200)).toEqual(entries);
    const short = fitFooter(entries, 40).map((e) => e.keys);
    expect(short.at(-1)).toBe('?');
    expect(short).toContain('r');
    expect(short.join('  ').length).toBeLessThanOrEqual(40);
    expect(fitFooter(footerEntries(BINDINGS.section), 30).map((e) => e.keys).at(-1)).toBe('?');
  });
});

describe.each(SIZES)('at $columns×$rows', (size) => {
  it('Home, Section, help and dialogs fit, with the badge whole', async () => {
    const tui = await renderTui({ ...size });
    expectFits(tui.frame(), size, 'home');
    expect(tui.frame().split('\n')[0]).toContain(' SANDBOX ');
    expect(tui.frame().split('\n')[0]).not.toMatch(/SANDBO\b/);
    expect(tui.frame().split('\n').at(-1)).toContain('? help');
    await tui.press('/rls\r\r');
    await tui.waitFor('RLS Misconfiguration');
    expectFits(tui.frame(), size, 'section');
    await tui.press('d');
    await tui.waitFor('Start a session');
    expectFits(tui.frame(), size, 'purpose dialog');
    expect(tui.frame()).toContain('Routine check');
    await tui.press(KEY.escape, '?');
    await tui.waitFor('runbook: keys');
    expectFits(tui.frame(), size, 'help');
    tui.unmount();
  });

  it('a step with a query result keeps its title line, and a protected badge stays whole', async () => {
    const env = { ...resolveEnvironment({ processEnv: { DATABASE_URL: databaseUrl } }), name: 'production', protected: true };
    const tui = await renderTui({ ...size, purpose: incident, env });
    expect(tui.frame().split('\n')[0]).toContain(' PRODUCTION ');
    await tui.press('/rls\r\r', 'jj\r', 'r', 'production\r', 'ebooks\r');
    await tui.waitFor(/ok · 2 rows/);
    const frame = tui.frame();
    expectFits(frame, size, 'step');
    expect(frame.split('\n')[0]).toContain(' PRODUCTION ');
    expect(frame).toContain('step 2.1');
    expect(frame.split('\n').at(-1)).toContain('? help');
    tui.unmount();
  });

  it('the finish screen and the quit dialog fit', async () => {
    const tui = await renderTui({ ...size, purpose: incident });
    await tui.press('/rls\r\r', 'd');
    await tui.waitFor('marked done');
    await tui.press('q');
    await tui.waitFor('Finish: seal');
    expectFits(tui.frame(), size, 'quit dialog');
    await tui.press(KEY.enter);
    await tui.waitFor('Session sealed');
    expectFits(tui.frame(), size, 'finish');
    expect(tui.frame().split('\n').at(-1)).toContain('q/Enter exit');
    tui.unmount();
  });

  it('a confirmation longer than the terminal is clipped, saying so, with its question kept', async () => {
    const file = `${process.cwd()}/test/fixtures/write.md`;
    const tui = await renderTui({ ...size, purpose: incident, file, databaseUrl });
    await tui.press('\r\r', 'r');
    await tui.waitFor('Run it?');
    expectFits(tui.frame(), size, 'confirm');
    await tui.press('n');
    await tui.waitFor('Not run: you declined.');
    tui.unmount();
  });
});

describe('wide characters', () => {
  it('count two columns in the header, tables and records, so nothing overflows', async () => {
    const { width, wrapLines } = await import('../../src/components/layout.js');
    const { tableLines } = await import('../../src/components/ResultTable.js');
    expect(width('日本語')).toBe(6);
    const header = fitHeader({ title: '障害対応ランブック：データベース', badge: ' SANDBOX ', details: [] }, 30);
    expect(width(header.title) + 3 + width(header.badge)).toBeLessThanOrEqual(30);
    for (const line of wrapLines('顧客が他の顧客の電子書籍を見られる', 10)) expect(width(line)).toBeLessThanOrEqual(10);
    const t = tableLines(['名前', 'v'], [['日本語テキスト', 'x'], ['a', 'y']], 40);
    expect(new Set(t.rows.map((r) => width(r.split('│')[0]!)))).toHaveProperty('size', 1);
  });

  it('a hostile title cannot drive the terminal from the header', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'runbook-title-')), 'evil.md');
    writeFileSync(file, '# Evil \u001b]52;c;ZXZpbA==\u0007\u001b[2J title\n## One \u001b[31mred\n- step \u001b]0;owned\u0007 text\n  ```yaml\n  a: \u001b[2J\n  ```\n');
    const tui = await renderTui({ file, columns: 60, rows: 20 });
    expect(tui.frame()).not.toMatch(/\u001b/);
    await tui.press('\r');
    expect(tui.frame()).not.toMatch(/\u001b/);
    await tui.press('\r');
    expect(tui.frame()).toContain('step');
    expect(tui.frame()).not.toMatch(/\u001b/);
    tui.unmount();
  });
});
