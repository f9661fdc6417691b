// Scenario 4 end to end (issue 21): two terminals and the real test PostgreSQL as the team store. A
// watch started before the session waits, picks the session up when it starts, shows the command's
// output (its secret redacted) and the query's rows while the session runs, and leaves the live state
// when it is sealed. A late joiner sees the same story from the same fold.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/migrate.js';
import { BIN } from '../helpers/cli.js';
import { query, startCluster, type Cluster } from '../helpers/postgres.js';
import { freshHome } from '../helpers/session.js';
import { openTerminal, requireTmux, type Terminal } from '../helpers/terminal.js';

let cluster: Cluster;
const opened: Terminal[] = [];
const TOKEN = `ghp_${'Wx4'.repeat(12)}`;

beforeAll(async () => {
  requireTmux();
  cluster = await startCluster();
  await migrate({ connectionString: cluster.url });
  await query(cluster.url, "create role op_watch login password 'op_watch-pw' in role runbook_operator");
}, 60_000);
afterEach(() => {
  while (opened.length) opened.pop()!.close();
});
afterAll(() => cluster?.stop());

function terminal(command: string, env: Record<string, string>, cwd: string): Terminal {
  const t = openTerminal(command, env, { columns: 140, rows: 45 }, cwd);
  opened.push(t);
  return t;
}

const RUNBOOK = [
  '# Outage',
  '## Steps',
  '1. Look at the token file',
  '   ```sh',
  '   cat token.txt; printf "\\033]0;pwned\\007title\\n"',
  '   ```',
  '2. Count the customers',
  '   ```sql',
  "   select n as customer, 'ebook-' || n as item from generate_series(1, 3) n",
  '   ```',
  '3. Wait for the second responder',
  '   ```sh',
  '   while [ ! -f go ]; do sleep 0.05; done; echo released',
  '   ```',
  '',
].join('\n');

describe('runbook watch', () => {
  it('started before the session: waits, follows it live, redacted and terminal-safe, until the seal', async () => {
    const operator = freshHome();
    const watcher = freshHome();
    writeFileSync(join(operator.root, 'token.txt'), `token=${TOKEN}\n`);
    writeFileSync(join(operator.root, 'outage.md'), RUNBOOK);
    const store = cluster.url.replace(/postgres:[^@]+@/, 'op_watch:op_watch-pw@');
    const base = (home: ReturnType<typeof freshHome>) => ({ XDG_STATE_HOME: home.state, XDG_CONFIG_HOME: home.config, RUNBOOK_SIGNER: 'dana@example.com', NO_COLOR: '1', RUNBOOK_STORE_URL: store });

    const watch = terminal(`node ${BIN} watch`, base(watcher), watcher.root);
    await watch.waitFor('Waiting for a session');

    const run = terminal(`node ${BIN} exec outage.md --section steps --incident INC-4711`, { ...base(operator), USER: 'alex', DATABASE_URL: cluster.url }, operator.root);
    // The session starts: the watch switches to it, with who, where and why in the header.
    const header = await watch.waitFor(/Watching \S+-steps-\S+ · \S+ · local · incident INC-4711 · live/);
    expect(header).not.toContain('Waiting for a session');
    // The command's output and the query's rows, while step 3 still holds the session open.
    const live = await watch.waitFor(/ebook-3/);
    expect(live).toMatch(/token=\[REDACTED:token\]/);
    expect(live).not.toContain(TOKEN.slice(4, 16));
    expect(live).toMatch(/customer +│ item/);
    expect(live).toMatch(/1 +│ ebook-1/);
    // The title-setting escape arrives as visible text, never as an escape.
    expect(live).toMatch(/\\x1B\]0;pwned\\x07title/);
    expect(live).toMatch(/live · read-only/);
    expect(live).not.toMatch(/Session sealed/);
    expect(existsSync(join(operator.root, 'go'))).toBe(false);

    const released = Date.now();
    writeFileSync(join(operator.root, 'go'), '');
    await watch.waitFor(/^ +released$/m);
    // Measured at about 0.1 s on an idle machine (LISTEN/NOTIFY); the bound leaves room for a loaded one.
    expect(Date.now() - released).toBeLessThan(5_000);
    await run.waitFor(/Sealed session/, 30_000);
    const sealed = await watch.waitFor(/Session sealed: no longer live/);
    expect(sealed).toMatch(/released/);
    expect(sealed).toMatch(/· sealed/);
    expect(sealed).toMatch(/✓ /);

    // A late joiner, naming the session: the whole story so far.
    const id = /Watching (\S+)/.exec(sealed)![1]!;
    const late = terminal(`node ${BIN} watch ${id}`, base(freshHome()), watcher.root);
    const story = await late.waitFor(/Session sealed: no longer live/);
    for (const seen of ['token=[REDACTED:token]', 'ebook-3', 'released', 'incident INC-4711']) expect(story).toContain(seen);
    expect(story).not.toContain('(following the newest)');

    // A newer session starts: the watch that follows the newest moves to it; the one that named a session stays.
    writeFileSync(join(operator.root, 'second.md'), '# Second\n## Again\n1. Say hello\n   ```sh\n   echo second-session-output\n   ```\n');
    const second = terminal(`node ${BIN} exec second.md --section again`, { ...base(operator), USER: 'alex' }, operator.root);
    await second.waitFor(/Sealed session/, 30_000);
    const moved = await watch.waitFor(/second-session-output/);
    expect(moved).toMatch(/Watching \S+-again-\S+ /);
    expect(moved).not.toContain('ebook-3');
    expect(late.screen()).toContain(`Watching ${id} `);
    expect(late.screen()).not.toContain('second-session-output');

    // The list of the team's sessions, to pick one.
    late.send('l');
    const list = await late.waitFor('Sessions in the team store');
    expect(list).toContain(id);
    expect(list).toMatch(/sealed · alex · local · incident INC-4711/);
    expect(list).toMatch(/-again-/);
    // Pick the second one from the list (the newest, first after the live ones).
    late.send('Enter');
    await late.waitFor(/second-session-output/);
  }, 120_000);

  it('names a session the store does not have in one sentence and exits non-zero', async () => {
    const home = freshHome();
    const store = cluster.url.replace(/postgres:[^@]+@/, 'op_watch:op_watch-pw@');
    const t = terminal(`node ${BIN} watch no-such-session`, { XDG_STATE_HOME: home.state, XDG_CONFIG_HOME: home.config, NO_COLOR: '1', RUNBOOK_STORE_URL: store }, home.root);
    const screen = await t.waitFor(/\[exited \d+\]/);
    expect(screen).toMatch(/The store has no session "no-such-session"\./);
    expect(screen).not.toMatch(/\[exited 0\]/);
    expect(screen).not.toMatch(/    at /);
  });
});
