// Issue 19, big folders, in a real terminal: `runbook DIR/` on a folder of 1,500 runbooks lists them
// by file name at once, fills in titles as it reads them, shows a broken file as a warning in its row,
// and finds and opens a runbook by part of its title.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { freshHome } from '../helpers/session.js';
import { openTerminal, type Terminal } from '../helpers/terminal.js';

let terminal: Terminal | undefined;
afterEach(() => terminal?.close());

const cursorRow = (screen: string) => screen.split('\n').find((l) => l.includes('❯'))?.trim() ?? '';

describe('runbook DIR/ on a big folder', () => {
  it('lists the files at once, fills in titles, warns in the row of a broken file, and opens what the filter finds', async () => {
    const home = freshHome();
    const dir = mkdtempSync(join(home.root, 'alerts-'));
    for (let i = 0; i < 1500; i++) {
      const team = ['db', 'api', 'edge'][i % 3]!;
      mkdirSync(join(dir, team), { recursive: true });
      const title = i === 1234 ? 'PostgresReplicationLagHigh' : `Alert${i}ServiceDown`;
      writeFileSync(join(dir, team, `alert-${String(i).padStart(4, '0')}.md`), `# ${title}\n\n## Check\n\n- \`kubectl get pods -n ns-${i}\`\n- second\n`);
    }
    writeFileSync(join(dir, '0-broken.md'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]));
    // A fresh parse cache: every file is parsed, so the list is drawn long before the titles are in.
    const env = { ...(home.env as Record<string, string>), XDG_CACHE_HOME: join(home.root, 'cache'), NO_COLOR: '1' };
    terminal = openTerminal(`node ${BIN} ${dir}/`, env, { columns: 120, rows: 30 }, home.root);
    const t = terminal;
    const first = await t.waitFor('Pick a runbook');
    expect(first).toMatch(/1501 runbooks · reading \d+\/1501/);
    expect(first).toMatch(/0-broken {2}/);
    // The broken file says why in its row, and the titles come in.
    const filled = await t.waitFor(/^ *Alert1ServiceDown {2}api\/alert-0001\.md · 1 section · 2 steps · last session never/m, 60_000);
    expect(filled.split('\n').find((l) => l.includes('0-broken'))).toMatch(/0-broken {2}⚠ .*0-broken\.md is a binary file, not a Markdown runbook\./);
    t.send('/');
    await t.waitFor('/ ');
    t.type('replicationlag');
    expect(cursorRow(await t.waitFor(/❯ PostgresReplicationLagHigh/, 60_000))).toMatch(/^❯ PostgresReplicationLagHigh {2}api\/alert-1234\.md/);
    t.send('Enter');
    t.send('Enter');
    const opened = await t.waitFor(/^PostgresReplicationLagHigh · .* · no session yet/m);
    expect(opened).toMatch(/❯ Check {2}0\/2 steps/);
  });
});
