// Issue 19, big folders: the picker's first frame comes from the file list; titles, counts and problems
// fill in after it; keys, filtering and choosing work while it fills; a broken file is a row, not a crash.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import React from 'react';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { resolveEnvironment } from '../../src/exec/environment.js';
import { findRunbookFiles, loadRunbook } from '../../src/runbook/load.js';
import { summarizeRunbooks } from '../../src/runbook/loadMany.js';
import { isTerminalSafe } from '../../src/format/terminal.js';
import { createAppStore, type DescribeEntries, type EntryPatch, type RunbookEntry } from '../../src/state/store.js';
import { entryDetails } from '../../src/state/pickerFill.js';
import { pickerRows } from '../../src/state/rows.js';
import { KEY, renderInk } from '../helpers/ink.js';

const env = resolveEnvironment({ name: 'local', processEnv: {} });
const nameOf = (file: string) => basename(file).replace(/\.md$/, '');

async function alertFolder(count: number, title = (i: number) => `Alert${i}ServiceDown`): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-picker-'));
  for (let i = 0; i < count; i++) {
    const team = ['db', 'api', 'edge'][i % 3]!;
    mkdirSync(join(dir, team), { recursive: true });
    writeFileSync(join(dir, team, `alert-${String(i).padStart(4, '0')}.md`), `# ${title(i)}\n\n## Check\n\n- \`kubectl get pods -n ns-${i}\`\n- second\n`);
  }
  return findRunbookFiles(dir, () => undefined);
}

/** A folder reader the test drives: nothing is described until the test says so. */
function heldReader() {
  let apply: ((patches: EntryPatch[]) => void) | undefined;
  let between: (() => Promise<void>) | undefined;
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const describe: DescribeEntries = (a, b) => {
    apply = a;
    between = b;
    started();
    return new Promise<void>(() => undefined);
  };
  return {
    describe,
    running,
    apply: (patches: EntryPatch[]) => apply!(patches),
    between: () => between!(),
  };
}

const entriesOf = (files: string[]): RunbookEntry[] => files.map((file) => ({ file, title: nameOf(file) }));
const cursorRow = (frame: string) => frame.split('\n').find((l) => l.includes('❯')) ?? '';

describe('picker rows', () => {
  it('show and filter on the path inside the folder opened, never on the folder around it', () => {
    const entries: RunbookEntry[] = [
      { file: '/home/me/runbooks/db/disk.md', label: 'db/disk.md', title: 'Disk full' },
      { file: '/home/me/runbooks/api/down.md', label: 'api/down.md', title: 'API down' },
    ];
    expect(pickerRows(entries, 'runbooks')).toEqual([]);
    expect(pickerRows(entries, 'db/').map((r) => r.section.id)).toEqual(['/home/me/runbooks/db/disk.md']);
    expect(entryDetails({ ...entries[0]!, sections: 2, steps: 1 }, entries[0]!.file)).toBe('db/disk.md · 2 sections · 1 step · last session never');
    expect(entryDetails(entries[1], entries[1]!.file)).toBe('api/down.md · reading…');
  });
});

describe('a big folder in the picker', () => {
  it('draws the files by name before any runbook is read, then fills in titles, counts and the last session', async () => {
    const files = await alertFolder(30);
    const reader = heldReader();
    const store = createAppStore({ entries: entriesOf(files), loadRunbook, describeEntries: reader.describe, env, size: { columns: 120, rows: 20 } });
    const ui = await renderInk(<App store={store} />, { columns: 120, rows: 20 });
    await reader.running;
    let frame = ui.frame();
    expect(frame).toContain('30 runbooks · reading 0/30');
    expect(cursorRow(frame)).toMatch(/❯ alert-0001 {2}\S*\/api\/alert-0001\.md · reading…/);
    expect(frame).toMatch(/… \d+ more/);
    reader.apply([{ file: files[0]!, title: 'Alert1ServiceDown', sections: 1, steps: 2 }, { file: files[0]!, lastSession: '2026-11-20T03:10:00.000Z' }]);
    frame = await ui.waitFor('reading 1/30');
    expect(cursorRow(frame)).toMatch(/❯ Alert1ServiceDown {2}\S*alert-0001\.md · 1 section · 2 steps · last session 2026-11-20 03:10/);
    ui.unmount();
  });

  it('takes keys, filters and opens the chosen runbook while the folder is still being read; its reading pauses off the picker', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-picker-'));
    const titles: Record<string, string> = { 'a-cpu.md': 'CPU high', 'b-disk.md': 'Disk full after replication lag', 'c-lag-primary.md': 'Primary lag', 'd-lag-replica.md': 'PostgresReplicationLagHigh', 'e-net.md': 'Network' };
    for (const [name, title] of Object.entries(titles)) writeFileSync(join(dir, name), `# ${title}\n\n## Check\n\n- \`kubectl get pods\`\n`);
    const files = await findRunbookFiles(dir, () => undefined);
    const reader = heldReader();
    const store = createAppStore({ entries: entriesOf(files), loadRunbook, describeEntries: reader.describe, env, size: { columns: 120, rows: 24 } });
    const ui = await renderInk(<App store={store} />, { columns: 120, rows: 24 });
    await reader.running;
    // Nothing is read yet: the file names are what can be found.
    await ui.press(`/lag${KEY.enter}`, KEY.down);
    expect(cursorRow(ui.frame())).toMatch(/❯ d-lag-replica /);
    // Titles arrive and a row before the cursor's now matches too: the cursor stays on its runbook.
    reader.apply(files.map((file) => ({ file, title: titles[basename(file)]!, sections: 1, steps: 1 })));
    await ui.settle();
    const frame = ui.frame();
    expect(frame).toMatch(/^ {2}Disk full after replication lag /m);
    expect(cursorRow(frame)).toMatch(/❯ PostgresReplicationLagHigh /);
    // Enter opens the one under the cursor, not the one that came to stand where it was.
    await ui.press(KEY.enter);
    await ui.waitFor('PostgresReplicationLagHigh · env local');
    expect(store.getState().file).toBe(join(dir, 'd-lag-replica.md'));
    // Off the picker, the folder's reading waits; back on it, it goes on.
    let resumed = false;
    void reader.between().then(() => (resumed = true));
    await ui.settle();
    expect(resumed).toBe(false);
    await ui.press(KEY.escape);
    await ui.waitFor('Pick a runbook');
    await ui.settle();
    expect(resumed).toBe(true);
    ui.unmount();
  });

  it('opens a runbook the folder reader never reached, reading that one file only', async () => {
    const files = await alertFolder(30);
    const reader = heldReader();
    const store = createAppStore({ entries: entriesOf(files), loadRunbook, describeEntries: reader.describe, env, size: { columns: 120, rows: 20 } });
    const ui = await renderInk(<App store={store} />, { columns: 120, rows: 20 });
    await reader.running;
    await ui.press(KEY.down, KEY.down, KEY.enter);
    const frame = await ui.waitFor(`Alert${Number(nameOf(files[2]!).slice(6))}ServiceDown · env local`);
    expect(frame).toMatch(/❯ Check {2}0\/2 steps/);
    expect(store.getState().entries!.every((e) => e.sections === undefined)).toBe(true);
    ui.unmount();
  });

  it('shows a file that cannot be read as a one-line warning in its row; choosing it says why and stays', async () => {
    const files = await alertFolder(4);
    const dir = join(files[0]!, '..', '..');
    writeFileSync(join(dir, 'aa-binary.md'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]));
    writeFileSync(join(dir, 'ab-abyss.md'), `# D\n## Q\n${'>'.repeat(20000)} x\n`);
    const all = await findRunbookFiles(dir, () => undefined);
    const describe: DescribeEntries = (apply, between) =>
      summarizeRunbooks(all, (summaries) => apply(summaries.map((s) => ('problem' in s ? { file: s.file, problem: s.problem } : s))), { between });
    const store = createAppStore({ entries: entriesOf(all), loadRunbook, describeEntries: describe, env, size: { columns: 200, rows: 20 } });
    const ui = await renderInk(<App store={store} />, { columns: 200, rows: 20 });
    const frame = await ui.waitFor(/6 runbooks\s*$/m);
    expect(frame).toContain('Alert3ServiceDown');
    const binaryRow = frame.split('\n').find((l) => l.includes('aa-binary'))!;
    expect(binaryRow).toMatch(/aa-binary {2}⚠ .*aa-binary\.md is a binary file, not a Markdown runbook\./);
    expect(frame.split('\n').find((l) => l.includes('ab-abyss'))).toMatch(/⚠ .*nests lists or quotes too deeply/);
    await ui.press(KEY.enter);
    const after = ui.frame();
    expect(after).toContain('Pick a runbook');
    expect(after).toMatch(/aa-binary\.md is a binary file/);
    expect(store.getState().screen.name).toBe('picker');
    ui.unmount();
  });

  it('never lets a file name or a title move the cursor or break a row: escapes and newlines are shown, not acted on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-picker-'));
    const evil = join(dir, 'a\u001b]52;c;cHduZWQ=\u0007\u001b[2J\nfake row.md');
    writeFileSync(evil, `# Title \u001b]0;owned\u0007 \u202eevil\n## S\n- \`echo hi\`\n`);
    writeFileSync(join(dir, 'b.md'), '# B\n## S\n- `echo hi`\n');
    const files = await findRunbookFiles(dir, () => undefined);
    expect(files).toContain(evil);
    const reader = heldReader();
    const store = createAppStore({ entries: entriesOf(files), loadRunbook, describeEntries: reader.describe, env, size: { columns: 160, rows: 20 } });
    const ui = await renderInk(<App store={store} />, { columns: 160, rows: 20 });
    await reader.running;
    const check = (frame: string) => {
      expect(isTerminalSafe(frame.replace(/\u001b\[[0-9;]*m/g, ''))).toBe(true);
      expect(frame).not.toMatch(/^\s*fake row/m);
    };
    check(ui.frame());
    const { runbook } = await loadRunbook(evil);
    reader.apply([{ file: evil, title: runbook.title, sections: 1, steps: 1 }, { file: join(dir, 'b.md'), problem: `${evil} could not be read\nsecond line` }]);
    await ui.settle();
    check(ui.frame());
    expect(ui.frame()).toContain('\\x1B]0;owned');
    ui.unmount();
  });
});
