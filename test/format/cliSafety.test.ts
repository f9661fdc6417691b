// What the CLI prints from outside — SQL values and errors, runbook text, session fields — is redacted
// and terminal-safe; evidence keeps exact (redacted) bytes. A real PostgreSQL and real processes.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { freshHome, freshProject } from '../helpers/session.js';

const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;
const databaseUrl = inject('databaseUrl');
const TOKEN_TAIL = 'aB3xaB3xaB3xaB3xaB3xaB3xaB3xaB3xaB3x';
let home: ReturnType<typeof freshHome>;
let project: string;

beforeEach(() => {
  ({ home, project } = freshProject());
});

function exec(file: string, section: string) {
  return runCli(['exec', file, '--section', section], { cwd: project, env: { ...home.env, DATABASE_URL: databaseUrl } });
}

describe('SQL through runbook exec', () => {
  it('shows result cells redacted and terminal-safe, and the CSV evidence redacted', () => {
    const file = join(project, 'sql.md');
    writeFileSync(file, "# Q\n## Tokens\n\n```sql\nselect 'gh' || 'p_' || repeat('aB3x', 9) as token, E'a\\x1b]0;pwned\\x07b' as evil, E'\\u202e' || 'txt' as bidi\n```\n");
    const out = exec(file, 'tokens');
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).not.toContain(TOKEN_TAIL);
    expect(out.stdout).toMatch(/\[REDACTED:(?:token|secret-assignment)\]/);
    expect(out.stdout).not.toMatch(RAW_CONTROL);
    expect(out.stdout).toContain('a\\x1B]0;pwned\\x07b');
    const dir = /Sealed session: (\S+)/.exec(out.stdout)![1]!;
    const csv = readdirSync(join(dir, 'evidence')).map((f) => readFileSync(join(dir, 'evidence', f), 'latin1')).join('');
    expect(csv).not.toContain(TOKEN_TAIL);
    expect(csv).toContain('a\u001b]0;pwned\u0007b');
  });

  it('redacts values under a secret-named column on screen and in the CSV evidence, whatever their shape', () => {
    const file = join(project, 'cols.md');
    writeFileSync(file, "# Q\n## Users\n\n```sql\nselect 'app-user' as username, 'plain words ' || (4700 + 11) as password, 'also-plain-' || (4700 + 11) as api_token, 3 as sort_key\n```\n");
    const out = exec(file, 'users');
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toContain('app-user');
    expect(out.stdout, out.stdout).not.toContain('4711');
    const dir = /Sealed session: (\S+)/.exec(out.stdout)![1]!;
    const csv = readdirSync(join(dir, 'evidence')).map((f) => readFileSync(join(dir, 'evidence', f), 'latin1')).join('');
    expect(csv).toContain('username,password,api_token,sort_key\napp-user,[REDACTED:secret-assignment],[REDACTED:secret-assignment],3\n');
  });

  it('redacts a secret quoted back in a database error', () => {
    const file = join(project, 'err.md');
    writeFileSync(file, "# Q\n## Cast\n\n```sql\nselect ('sk' || '_live_' || repeat('aB3x', 6))::int\n```\n");
    const out = exec(file, 'cast');
    expect(out.code).toBe(1);
    expect(out.stdout + out.stderr).not.toContain('aB3xaB3xaB3xaB3xaB3xaB3x');
    expect(out.stdout).toMatch(/invalid input syntax/);
  });
});

describe('runbook text and session fields', () => {
  it('list, exec, sessions and verify print escape sequences from a runbook visibly', () => {
    const file = join(project, 'evil.md');
    writeFileSync(file, '# Title \u001b]0;pwned\u0007\n## Check \u001b[2J now\n1. Step \u001b]52;c;ZXZpbA==\u0007 text\n\n   ```sh\n   echo ok\n   ```\n');
    const listed = runCli(['list', file], { env: home.env });
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toMatch(RAW_CONTROL);
    expect(listed.stdout).toContain('\\x1B]0;pwned\\x07');
    const id = JSON.parse(runCli(['list', file, '--json'], { env: home.env }).stdout).sections[0].id as string;
    const ran = exec(file, id);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout + ran.stderr).not.toMatch(RAW_CONTROL);
    for (const args of [['sessions'], ['verify', 'last']]) {
      const out = runCli(args, { env: home.env });
      expect(out.stdout + out.stderr).not.toMatch(RAW_CONTROL);
    }
  });

  it('an error message from outside is printed terminal-safe', () => {
    const out = runCli(['list', join(project, 'no\u001b]0;x\u0007such.md')], { env: home.env });
    expect(out.code).toBe(2);
    expect(out.stderr).not.toMatch(RAW_CONTROL);
    expect(out.stderr).toContain('\\x1B]0;x\\x07');
  });
});
