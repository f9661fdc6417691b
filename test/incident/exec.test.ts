// Incident coordination through `runbook exec`, as real processes: credentials from a command,
// status updates to a local webhook, and "the runbook changed since your last session".
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { freshHome } from '../helpers/session.js';

const databaseUrl = inject('databaseUrl');
const password = decodeURIComponent(new URL(databaseUrl).password);
let home: ReturnType<typeof freshHome>;
let project: string;
let server: Server | undefined;

beforeEach(() => {
  home = freshHome();
  project = join(home.root, 'project');
  mkdirSync(project);
});
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** The CLI as a real process, asynchronously, so that a webhook server in this process can answer. */
function exec(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const env: NodeJS.ProcessEnv = { ...home.env, XDG_CACHE_HOME: join(home.root, 'cache'), NO_COLOR: '1', ...extraEnv };
  for (const name of ['DATABASE_URL', 'PGHOST', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'PGPORT']) if (!(name in extraEnv)) delete env[name];
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, 'exec', ...args], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => done({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

function events(stdout: string): Array<Record<string, unknown>> {
  const dir = /Sealed session: (\S+)/.exec(stdout)![1]!;
  return readFileSync(join(dir, 'session.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

function secretManager(body: string): void {
  const script = join(project, 'secret-manager');
  writeFileSync(script, `#!/bin/bash\n${body}\n`);
  chmodSync(script, 0o755);
}

function config(value: object): void {
  writeFileSync(join(project, 'runbook.config.json'), JSON.stringify(value));
}

const RUNBOOK = `# Ops

## Check
1. Ask the database
   \`\`\`sql
   select 1 as one
   \`\`\`
2. Show what the shell sees
   \`\`\`bash
   echo "url is $DATABASE_URL"
   \`\`\`
`;

describe('credentials from a command', () => {
  it('supplies the database URL from a stub secret manager, and the value is written nowhere', async () => {
    // The stub prints the URL only to its stdout: the test's URL is never on a command line or in a file.
    secretManager('printf "%s\\n" "$STUB_SECRET_VALUE"');
    config({ defaultEnv: 'prod', environments: { prod: { databaseUrl: { command: './secret-manager', ttl: 300 } } } });
    writeFileSync(join(project, 'ops.md'), RUNBOOK);
    const out = await exec(['ops.md', '--section', 'Check'], { STUB_SECRET_VALUE: databaseUrl });
    expect(out.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(out.code).toBe(0);
    expect(out.stdout).not.toContain(password);
    const log = events(out.stdout);
    expect(log.find((e) => e.type === 'action.finished' && e.action === 'check/1#1')).toMatchObject({ status: 'ok', rows: 1 });
    expect(log.find((e) => e.type === 'environment')).toMatchObject({ env: 'prod', fromCommand: ['databaseUrl'] });
    // Everywhere the tool writes: state (sessions, copies, keys), config, cache, and the project folder.
    const written = [...filesUnder(home.root)].filter((f) => !f.endsWith('secret-manager'));
    expect(written.length).toBeGreaterThan(5);
    for (const file of written) {
      const bytes = readFileSync(file);
      expect(bytes.includes(password), file).toBe(false);
      expect(bytes.includes(databaseUrl), file).toBe(false);
    }
  });

  it('refuses with one sentence and exit 2 when the command fails, redacting what it printed, and starts no session', async () => {
    secretManager('echo "An error occurred (AccessDeniedException) token ghp_abcdefghijklmnopqrstuvwxyz0123456789AB" >&2; exit 254');
    config({ defaultEnv: 'prod', environments: { prod: { databaseUrl: { command: './secret-manager' } } } });
    writeFileSync(join(project, 'ops.md'), RUNBOOK);
    const out = await exec(['ops.md', '--section', 'Check']);
    expect(out.code).toBe(2);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toMatch(/^runbook: The command for prod\.databaseUrl exited with 254: An error occurred \(AccessDeniedException\)/);
    expect(out.stderr).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789AB');
    expect(filesUnder(join(home.state, 'runbook', 'sessions'))).toEqual([]);
  });

  it('fetches nothing on a dry run, and does not call the value missing', async () => {
    secretManager('echo called > "$0.called"; echo postgres://x:y@db.invalid/app');
    config({ defaultEnv: 'prod', environments: { prod: { databaseUrl: { command: './secret-manager' }, vars: { API_TOKEN: { command: './secret-manager' } } } } });
    writeFileSync(join(project, 'ops.md'), RUNBOOK.replace('echo "url is $DATABASE_URL"', 'echo "$DATABASE_URL $API_TOKEN"'));
    const out = await exec(['ops.md', '--section', 'Check', '--dry-run']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(filesUnder(project).some((f) => f.endsWith('.called'))).toBe(false);
  });

  it('gives a var from a command to shell actions, redacted in their output', async () => {
    secretManager('printf "tok-%s\\n" "$STUB_SUFFIX"');
    config({ environments: { local: { vars: { API_TOKEN: { command: './secret-manager' } } } } });
    writeFileSync(join(project, 'ops.md'), '# Ops\n## Call\n1. Call\n   ```bash\n   echo "token=$API_TOKEN len=${#API_TOKEN}"\n   ```\n');
    const out = await exec(['ops.md', '--section', 'Call', '--env', 'local'], { DATABASE_URL: databaseUrl, STUB_SUFFIX: 'q8w7e6r5t4y3' });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('len=16');
    expect(out.stdout).not.toContain('q8w7e6r5t4y3');
    for (const file of filesUnder(home.root).filter((f) => !f.endsWith('secret-manager'))) expect(readFileSync(file).includes('q8w7e6r5t4y3'), file).toBe(false);
  });

  it('refuses a malformed value in one sentence', async () => {
    config({ environments: { prod: { databaseUrl: { cmd: 'op read x' } } } });
    writeFileSync(join(project, 'ops.md'), RUNBOOK);
    const out = await exec(['ops.md', '--section', 'Check', '--env', 'prod']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/environments\.prod\.databaseUrl must be a string or \{ "command": "…" \}\.\n$/);
  });
});

describe('status updates', () => {
  async function hook(status = 200): Promise<{ url: string; received: Array<{ path: string; body: Record<string, unknown> }> }> {
    const received: Array<{ path: string; body: Record<string, unknown> }> = [];
    server = createServer((req: IncomingMessage, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body: JSON.parse(data) });
        res.statusCode = status;
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T0/B0/hooksecret`, received };
  }

  const FAILING = `# Ops

## Restore
1. Check with ghp_abcdefghijklmnopqrstuvwxyz0123456789AB and the \`${'$'}DATABASE_URL\`
   \`\`\`bash
   echo "connecting to $DATABASE_URL"; exit 3
   \`\`\`
2. Never reached
   \`\`\`bash
   echo unreachable
   \`\`\`
`;

  it('posts start, failed and skipped steps, and the seal with the verify command, redacted, in order', async () => {
    const { url, received } = await hook();
    secretManager('printf "%s\\n" "$STUB_SECRET_VALUE"');
    config({ defaultEnv: 'prod', notify: { webhook: '$HOOK_URL', format: 'json' }, environments: { prod: { databaseUrl: { command: './secret-manager' } } } });
    writeFileSync(join(project, 'ops.md'), FAILING.replace('the `$DATABASE_URL`', `the ${databaseUrl.replace(/\//g, '/')}`));
    const out = await exec(['ops.md', '--section', 'Restore', '--incident', 'INC-7', '--severity', '2'], { HOOK_URL: url, STUB_SECRET_VALUE: databaseUrl });
    expect(out.code).toBe(1);
    expect(received.map((r) => r.body.kind)).toEqual(['started', 'step.failed', 'step.skipped', 'sealed']);
    expect(received.every((r) => r.path === '/services/T0/B0/hooksecret')).toBe(true);
    expect(received[0]!.body.text).toMatch(/started: Ops › Restore on prod, for incident INC-7 \(sev 2\)/);
    expect(received[3]!.body.text).toMatch(/1 failed\. Verify: (npx )?runbook verify \S+/);
    const bodies = JSON.stringify(received);
    expect(bodies).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789AB');
    expect(bodies).not.toContain(password);
    const log = events(out.stdout);
    expect(log.filter((e) => e.type === 'update').map((e) => e.kind)).toEqual(['started', 'step.failed', 'step.skipped', 'sealed']);
    expect(log.find((e) => e.type === 'update')).toMatchObject({ to: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
    expect(JSON.stringify(log)).not.toContain('hooksecret');
    expect(log.some((e) => e.type === 'update.failed')).toBe(false);
  });

  it('records an unreachable webhook as a failed update and never waits for it', async () => {
    config({ notify: { webhook: 'http://127.0.0.1:9/services/T0/B0/hooksecret' }, environments: { local: {} } });
    writeFileSync(join(project, 'ops.md'), FAILING);
    const out = await exec(['ops.md', '--section', 'Restore', '--env', 'local'], { DATABASE_URL: databaseUrl });
    expect(out.code).toBe(1);
    const log = events(out.stdout);
    const failed = log.filter((e) => e.type === 'update.failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]).toMatchObject({ kind: 'started', error: expect.stringMatching(/^127\.0\.0\.1:9 could not be reached/) });
    expect(failed[0]!.update).toBe(log.find((e) => e.type === 'update' && e.kind === 'started')!.seq);
    expect(out.stderr).toMatch(/The sealed update was not posted: 127\.0\.0\.1:9 could not be reached/);
    expect(out.stderr + JSON.stringify(log)).not.toContain('hooksecret');
  });

  it('gives up on a webhook that never answers without holding the session', async () => {
    server = createServer(() => undefined);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    config({ notify: { webhook: url }, environments: { local: {} } });
    writeFileSync(join(project, 'ops.md'), FAILING);
    const out = await exec(['ops.md', '--section', 'Restore', '--env', 'local'], { DATABASE_URL: databaseUrl });
    expect(out.code).toBe(1);
    const log = events(out.stdout);
    // The actions ran while the first post was still waiting for an answer.
    const started = log.find((e) => e.type === 'action.started')!;
    expect(Date.parse(String(started.ts)) - Date.parse(String(log[0]!.ts))).toBeLessThan(2_000);
    // At exit it waits a few seconds for the posts, then gives up on them (each would wait 5 s).
    expect(out.ms).toBeLessThan(12_000);
    expect(out.stderr).toMatch(/The sealed update was not posted: 127\.0\.0\.1:\d+ could not be reached \(given up: the session ended first\)/);
    server!.closeAllConnections();
  });
});

describe('the runbook changed since the last session', () => {
  const V1 = `# Ops

## Check
1. First look
   \`\`\`bash
   echo one
   \`\`\`
2. Old step to remove
   \`\`\`bash
   echo two
   \`\`\`
3. Count things
   \`\`\`bash
   echo three
   \`\`\`
`;
  const V2 = `# Ops

## Check
1. First look
   \`\`\`bash
   echo one
   \`\`\`
2. Count things
   \`\`\`bash
   echo three --verbose
   \`\`\`
3. A brand new step
   \`\`\`bash
   echo four
   \`\`\`
`;

  it('prints the model diff before starting and records the previous SHA', async () => {
    config({ environments: { local: {} } });
    writeFileSync(join(project, 'ops.md'), V1);
    const first = await exec(['ops.md', '--section', 'Check', '--env', 'local'], { DATABASE_URL: databaseUrl });
    expect(first.code).toBe(0);
    expect(first.stderr).not.toContain('changed since');
    const sha1 = (events(first.stdout)[0]!.runbook as { sha256: string }).sha256;
    expect(events(first.stdout)[0]).not.toHaveProperty('previousSha256');

    const same = await exec(['ops.md', '--section', 'Check', '--env', 'local'], { DATABASE_URL: databaseUrl });
    expect(same.stderr).not.toContain('changed since');

    writeFileSync(join(project, 'ops.md'), V2);
    const second = await exec(['ops.md', '--section', 'Check', '--env', 'local'], { DATABASE_URL: databaseUrl });
    expect(second.code).toBe(0);
    const lines = second.stderr.split('\n').filter((l) => l.startsWith('runbook:   '));
    expect(second.stderr).toMatch(/The runbook changed since your last session on it/);
    expect(lines.join('\n')).toMatch(/~ Check/);
    expect(lines.some((l) => /- \d+\. Old step to remove/.test(l))).toBe(true);
    expect(lines.some((l) => /\+ \d+\. A brand new step/.test(l))).toBe(true);
    expect(lines.some((l) => /~ \d+\. Count things .*was: Count things/.test(l))).toBe(true);
    expect(lines.some((l) => /First look/.test(l))).toBe(false);
    expect(events(second.stdout)[0]).toMatchObject({ type: 'started', previousSha256: sha1 });
  });
});
