// Issue 16 in a real terminal: keys delivered several to a read (as tmux, slow SSH and fast typists
// do), typeahead while the sandbox database is created, and reading whole values at 60×20.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { BIN, SEED } from '../helpers/cli.js';
import { freshHome } from '../helpers/session.js';
import { environmentScript, filterAndOpen, openTerminal, type Terminal } from '../helpers/terminal.js';

let terminal: Terminal | undefined;
afterEach(() => terminal?.close());

const DOWN = '\u001b[B';
const cursorRow = (screen: string) => screen.split('\n').find((l) => l.includes('❯'))?.trim() ?? '';
/** The environment without any database: the TUI falls back to the sandbox. */
function sandboxEnv(home: ReturnType<typeof freshHome>): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...(home.env as Record<string, string>), NO_COLOR: '1' };
  for (const name of Object.keys(env)) if (/^(DATABASE_URL|PG[A-Z]+|SUPABASE_[A-Z_]+)$/.test(name)) env[name] = undefined;
  for (const name of ['DATABASE_URL', 'PGHOST', 'PGPORT', 'PGUSER', 'PGDATABASE', 'PGPASSWORD']) env[name] = undefined;
  return env;
}

describe('keys in batches, in a real terminal', () => {
  it('moves three rows for jjj in one write, and Down Down in one write chooses Routine check', async () => {
    const home = freshHome();
    terminal = openTerminal(`node ${BIN} ${SEED}`, { ...(home.env as Record<string, string>), DATABASE_URL: inject('databaseUrl'), NO_COLOR: '1' }, undefined, home.root);
    const t = terminal;
    await t.waitFor('Purpose  0/2 steps');
    t.type('jjj');
    expect(cursorRow(await t.waitFor(/❯ +Tooling & References/))).toMatch(/^❯ +Tooling & References/);
    await filterAndOpen(t, 'Weekly', 'Weekly');
    t.send('d');
    await t.waitFor('Start a session: what is it for?');
    t.type(`${DOWN}${DOWN}\r`);
    await t.waitFor('Step 1 marked done.');
    const [dir] = readdirSync(`${home.state}/runbook/sessions`);
    const first = execFileSync('head', ['-n1', `${home.state}/runbook/sessions/${dir}/session.jsonl`], { encoding: 'utf8' });
    expect(JSON.parse(first)).toMatchObject({ type: 'started', purpose: { kind: 'routine' } });
  });

  it('keeps keys typed during the sandbox start for the prompt that follows; at 60×20 the step keeps its title and the record view shows a policy whole', async () => {
    const home = freshHome();
    terminal = openTerminal(`node ${BIN} ${SEED} --drill`, sandboxEnv(home), { columns: 60, rows: 20 }, home.root);
    const t = terminal;
    await t.waitFor(/SANDBOX/);
    await filterAndOpen(t, 'RLS', 'RLS Misconfiguration');
    t.type('jj\r');
    await t.waitFor('needs: tablename');
    // r starts the sandbox (seconds); the value and Enter are typed at once, before the prompt exists.
    t.type('rebooks\r');
    const result = await t.waitFor(/✓ ok · \d+ rows?/, 120_000);
    const lines = result.replace(/\n+$/, '').split('\n');
    expect(lines.length).toBeLessThanOrEqual(20);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(60);
    expect(lines[0]).toContain(' SANDBOX ');
    expect(lines[1]).toMatch(/RLS Misconfiguration › step 2\.1/);
    expect(result).toMatch(/public +│ ebooks/);
    // The typed-ahead value went to the prompt, not to the screen's keys (e = environment, s = skip …).
    expect(result).not.toContain('Environment');
    t.type('\r');
    const record = await t.waitFor(/RECORD 1 of \d+/);
    const qual = record.split('\n').filter((l) => /│/.test(l));
    const start = qual.findIndex((l) => /^qual +│/.test(l));
    expect(start).toBeGreaterThanOrEqual(0);
    const value = [qual[start]!.replace(/^qual +│ /, '')];
    for (const line of qual.slice(start + 1)) {
      if (!/^ +│ /.test(line)) break;
      value.push(line.replace(/^ +│ /, ''));
    }
    // PostgreSQL prints the qual over several lines; the record view keeps them and wraps long ones.
    const whole = "(owner_id = ( SELECT profiles.id FROM profiles WHERE (profiles.email = current_setting('request.jwt.claim.email'::text, true))))";
    expect(value.join('').replace(/\s+/g, '')).toBe(whole.replace(/\s+/g, ''));
    t.send('Escape');
    await t.waitFor(/❯ public/);
  });

  it('offers the sandbox in the environment picker, the current one marked', async () => {
    const home = freshHome();
    terminal = openTerminal(`node ${BIN} ${SEED}`, { ...(home.env as Record<string, string>), DATABASE_URL: inject('databaseUrl'), NO_COLOR: '1' }, undefined, home.root);
    const t = terminal;
    await t.waitFor('Purpose  0/2 steps');
    t.send('e');
    const picker = await t.waitFor('sandbox');
    expect(picker).toMatch(/❯ local {2}\(current\)/);
    expect(picker).toMatch(/│ +sandbox +│/);
    t.type(`${DOWN}\r`);
    await t.waitFor('Environment: sandbox.');
    expect(t.screen().split('\n')[0]).toContain(' SANDBOX ');
  });

  it('never puts the environment on a command line', () => {
    expect(environmentScript({ A: "it's", B: undefined, 'BAD-NAME': 'x' })).toBe("export A='it'\\''s'\nunset B\n");
    // The file the shell read is gone once the program started.
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('runbook-e2e-env-') && existsSync(`${tmpdir()}/${n}/env.sh`))).toEqual([]);
  });
});

describe('keys typed before the first frame', () => {
  it('are applied once the screen is there, and never drawn over it', async () => {
    const home = freshHome();
    terminal = openTerminal(`node ${BIN} ${SEED}`, { ...(home.env as Record<string, string>), DATABASE_URL: inject('databaseUrl'), NO_COLOR: '1' }, undefined, home.root);
    // At once: the program is still starting.
    terminal.type('jjj');
    const screen = await terminal.waitFor(/❯ +Tooling & References/);
    expect(screen.split('\n')[0]).toMatch(/^Supabase Operations Runbook · env local/);
    expect(screen).not.toMatch(/jjj/);
  });
});
