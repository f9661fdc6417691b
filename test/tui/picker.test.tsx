// Scenario 6: a folder of 300 alert runbooks; typing part of an alert name finds the right one.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import React from 'react';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { resolveEnvironment } from '../../src/exec/environment.js';
import { findRunbookFiles, loadRunbook } from '../../src/runbook/load.js';
import { allSections } from '../../src/runbook/walk.js';
import { createAppStore, type RunbookEntry } from '../../src/state/store.js';
import { KEY, renderInk } from '../helpers/ink.js';

describe('the runbook picker', () => {
  it('lists 300 runbooks, filters by part of an alert name, and opens the one chosen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-alerts-'));
    for (let i = 0; i < 300; i++) {
      const team = ['db', 'api', 'edge'][i % 3]!;
      mkdirSync(join(dir, team), { recursive: true });
      writeFileSync(join(dir, team, `alert-${i}.md`), `# ${i === 217 ? 'PostgresReplicationLagHigh' : `Alert${i}ServiceDown`}\n\n## Check\n\n\`\`\`console\n$ kubectl get pods -n ns-${i}\nNAME READY\n\`\`\`\n\n\`\`\`log\nERROR something ${i}\n\`\`\`\n`);
    }
    const files = await findRunbookFiles(dir);
    expect(files).toHaveLength(300);
    const entries: RunbookEntry[] = [];
    for (const file of files) {
      const { runbook } = await loadRunbook(file);
      entries.push({ file, title: runbook.title, sections: allSections(runbook).length });
    }
    const store = createAppStore({ entries, loadRunbook, env: resolveEnvironment({ name: 'local', processEnv: {} }), size: { columns: 120, rows: 30 } });
    const ui = await renderInk(<App store={store} />, { columns: 120, rows: 30 });
    expect(ui.frame()).toContain('Pick a runbook');
    expect(ui.frame()).toMatch(/… \d+ more/);
    // Typed in one read, as a fast typist over SSH delivers it.
    await ui.press(`/replic${KEY.enter}`);
    expect(ui.frame()).toMatch(/❯ PostgresReplicationLagHigh/);
    expect(ui.frame()).not.toContain('Alert1ServiceDown');
    await ui.press(KEY.enter);
    const frame = await ui.waitFor('PostgresReplicationLagHigh · env local');
    expect(frame).toContain('PostgresReplicationLagHigh · env local');
    expect(frame).toMatch(/❯ Check {2}0\/2 steps/);
    // The step offers the prompted command only: never the expected output or the log excerpt.
    expect(store.getState().runbook!.sections[0]!.steps.map((s) => s.actions.map((a) => a.code))).toEqual([['kubectl get pods -n ns-217'], []]);
    ui.unmount();
  });
});
