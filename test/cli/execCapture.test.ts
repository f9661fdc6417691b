// `runbook exec` capturing command output: 50 MB reaches the evidence byte-exact with memory flat and no
// sandbox started, secrets are redacted on the screen and in the evidence, and output whose last line
// has no newline does not run into the verdict.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { freshHome, freshProject } from '../helpers/session.js';

let home: ReturnType<typeof freshHome>;
let project: string;

beforeEach(() => {
  ({ home, project } = freshProject());
});

function noDatabaseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(home.env)) if (k !== 'DATABASE_URL' && !k.startsWith('PG') && !k.startsWith('SUPABASE')) env[k] = v;
  return { ...env, NO_COLOR: '1' };
}

function exec(markdown: string, section: string) {
  const file = join(project, 'capture.md');
  writeFileSync(file, markdown);
  const result = spawnSync('/usr/bin/time', ['-f', 'maxrss-kb=%M', process.execPath, BIN, 'exec', file, '--section', section], {
    cwd: project, env: noDatabaseEnv(), input: '', timeout: 180_000, maxBuffer: 256 * 1024 * 1024,
  });
  const stderr = result.stderr.toString();
  return { code: result.status, stdout: result.stdout, stderr, peakMb: Number(/maxrss-kb=(\d+)/.exec(stderr)?.[1]) / 1024 };
}

function evidenceFiles(): Array<{ sha256: string; bytes: Buffer }> {
  const sessions = join(home.state, 'runbook', 'sessions');
  return readdirSync(sessions).flatMap((s) => {
    const dir = join(sessions, s, 'evidence');
    return existsSync(dir) ? readdirSync(dir).map((f) => ({ sha256: f, bytes: readFileSync(join(dir, f)) })) : [];
  });
}

describe('runbook exec: output capture', () => {
  it('stores 50 MB of output byte-exact and prints it, with memory flat and no sandbox', { timeout: 180_000 }, () => {
    const line = 'INFO request served in 12ms status=200 path=/api/v1/ebooks user=4711';
    const command = `yes '${line}' | head -c 52428800`;
    const run = exec(`# Capture\n\n## Big\n\n\`\`\`sh\n${command}\n\`\`\`\n`, 'big');
    expect(run.code, run.stderr).toBe(0);
    const expected = Buffer.from(`${line}\n`.repeat(Math.ceil(52428800 / (line.length + 1)))).subarray(0, 52428800);
    const sha = createHash('sha256').update(expected).digest('hex');
    expect(evidenceFiles().some((e) => e.sha256 === sha && e.bytes.equals(expected))).toBe(true);
    // The whole output was shown too, between the command line and the verdict.
    expect(run.stdout.length).toBeGreaterThan(52428800);
    expect(run.stdout.includes(expected.subarray(expected.length - 200))).toBe(true);
    expect(existsSync(join(home.state, 'runbook', 'sandbox'))).toBe(false);
    expect(run.peakMb).toBeLessThan(200);
  });

  it('redacts a secret in the middle of megabytes on the screen and in the evidence', { timeout: 120_000 }, () => {
    const command = `yes 'INFO ok' | head -n 300000; echo 'export GITHUB_TOKEN=ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5'; yes 'INFO ok' | head -n 300000`;
    const run = exec(`# Capture\n\n## Secret\n\n\`\`\`sh\n${command}\n\`\`\`\n`, 'secret');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.toString()).not.toContain('ghp_aB3dE5');
    expect(run.stdout.toString()).toContain('export GITHUB_TOKEN=[REDACTED:');
    const big = evidenceFiles().find((e) => e.bytes.length > 1_000_000)!;
    expect(big.bytes.toString('latin1')).not.toContain('ghp_aB3dE5');
    expect(big.bytes.toString('latin1').split('\n').length).toBe(600002);
  });

  it('ends output without a last newline before the verdict line', () => {
    const run = exec("# Capture\n\n## Partial\n\n```sh\nprintf 'first\\nno newline at the end'\n```\n", 'partial');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.toString()).toMatch(/first\nno newline at the end\n {3}✓ done/);
  });
});
