// The sandbox starts when the first action that needs a database runs, not before: a section of plain
// shell steps on a machine with no database configured costs no embedded PostgreSQL.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { freshHome, freshProject } from '../helpers/session.js';

let home: ReturnType<typeof freshHome>;
let project: string;

beforeEach(() => {
  ({ home, project } = freshProject());
});

/** The environment with no database named: no DATABASE_URL, no PG*. */
function noDatabaseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(home.env)) if (k !== 'DATABASE_URL' && !k.startsWith('PG') && !k.startsWith('SUPABASE')) env[k] = v;
  return { ...env, NO_COLOR: '1', ...extra };
}

/** `runbook exec` under /usr/bin/time: its output and its peak resident memory in MB. */
function execMeasured(args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync('/usr/bin/time', ['-f', 'maxrss-kb=%M', process.execPath, BIN, 'exec', ...args], { cwd: project, env, encoding: 'utf8', input: '', timeout: 120_000 });
  const kb = Number(/maxrss-kb=(\d+)/.exec(result.stderr)?.[1]);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, peakMb: kb / 1024 };
}

function runbook(text: string): string {
  const path = join(project, 'lazy.md');
  writeFileSync(path, text);
  return path;
}

const sandboxFolder = () => join(home.state, 'runbook', 'sandbox', 'default');

const RUNBOOK = `# Lazy

## Shell only

1. Look around
   \`\`\`sh
   echo "looked around"
   \`\`\`
2. Probe what a script would see
   \`\`\`sh
   sh ./probe.sh
   \`\`\`

## Then SQL

1. Before
   \`\`\`sh
   test -d "$XDG_STATE_HOME/runbook/sandbox/default" && echo "sandbox already there" || echo "no sandbox yet"
   \`\`\`
2. Ask the database
   \`\`\`sql
   select 40 + 2 as answer
   \`\`\`
3. After, through the shell
   \`\`\`sh
   psql "$DATABASE_URL" -Atc "select 'via psql ' || 6 * 7"
   \`\`\`
`;

describe('a lazy sandbox', () => {
  it('starts no sandbox for a shell-only section with no database configured, and stays small', () => {
    const file = runbook(RUNBOOK);
    writeFileSync(join(project, 'probe.sh'), 'echo "probe url=[$DATABASE_URL] host=[$PGHOST]"\n');
    const out = execMeasured([file, '--section', 'Shell only'], noDatabaseEnv());
    expect(out.stderr).not.toMatch(/Error|at .*\.js:\d+/);
    expect(out.code).toBe(0);
    // The header still says where database actions would go.
    expect(out.stdout).toMatch(/env sandbox SANDBOX/);
    expect(out.stdout).toContain('looked around');
    expect(existsSync(sandboxFolder())).toBe(false);
    expect(out.peakMb).toBeGreaterThan(10);
    expect(out.peakMb).toBeLessThan(150);
  });

  it('never lets a shell action reach the database the operator\'s own shell names before the sandbox starts', () => {
    const file = runbook(RUNBOOK);
    // The script names no variable in the runbook, so the sandbox does not start for it.
    writeFileSync(join(project, 'probe.sh'), 'echo "probe url=[$DATABASE_URL] host=[$PGHOST] user=[$PGUSER] pass=[$PGPASSWORD]"\n');
    const out = execMeasured([file, '--section', 'Shell only', '--env', 'sandbox'], noDatabaseEnv({
      DATABASE_URL: 'postgresql://prod_admin:hunter2hunter2@prod.db.example.com/app', PGHOST: 'prod.db.example.com', PGUSER: 'prod_admin', PGPASSWORD: 'hunter2hunter2',
    }));
    expect(out.code).toBe(0);
    expect(out.stdout).not.toContain('prod.db.example.com');
    expect(out.stdout).not.toContain('prod_admin');
    expect(out.stdout).not.toContain('hunter2');
    expect(out.stdout).toMatch(/probe url=\[postgresql:\/\/postgres@\/postgres\?host=\/runbook-sandbox-not-started\] host=\[\/runbook-sandbox-not-started\] user=\[\] pass=\[\]/);
    expect(existsSync(sandboxFolder())).toBe(false);
  });

  it('starts the sandbox for the first SQL action in the same session, and shell actions after it reach it', () => {
    const file = runbook(RUNBOOK);
    const out = execMeasured([file, '--section', 'Then SQL'], noDatabaseEnv());
    expect(out.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('no sandbox yet');
    expect(out.stdout).toMatch(/answer[\s\S]*42/);
    expect(out.stdout).toContain('via psql 42');
    expect(existsSync(join(sandboxFolder(), 'PG_VERSION'))).toBe(true);
    const dir = /Sealed session: (\S+)/.exec(out.stdout)![1]!;
    const events = readFileSync(join(dir, 'session.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.filter((e) => e.type === 'action.finished').map((e) => e.status)).toEqual(['ok', 'ok', 'ok']);
  });
});
