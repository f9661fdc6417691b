// The report re-reads the runbook for its step labels. A value the session treated as secret (the
// database password, a configured secret) can sit in a step's prose, where no token shape finds it:
// the report redacts the secrets it can know of where it is drawn up, as the session did.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { freshHome, freshProject } from '../helpers/session.js';

const PASSWORD = 'Zq8vP2mLx4Tw';

let home: ReturnType<typeof freshHome>;
let project: string;

beforeEach(() => {
  ({ home, project } = freshProject());
});

function run(args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: project, env, encoding: 'utf8', input: '', timeout: 120_000 });
}

describe('report and the secrets of the environment', () => {
  it('a known secret written in a step label is redacted in the report, as in the log', () => {
    writeFileSync(
      join(project, 'leaky.md'),
      `# Leaky\n\n## Check\n\n1. Log in as app with ${PASSWORD} and look around\n   \`\`\`sh\n   echo looked\n   \`\`\`\n2. Configured secret ${'s'}3cr3t-Value-Kept here\n   \`\`\`sh\n   echo second\n   \`\`\`\n`,
    );
    writeFileSync(join(project, 'runbook.config.json'), JSON.stringify({ environments: { staging: { vars: { API_TOKEN: 's3cr3t-Value-Kept' }, secrets: ['API_TOKEN'] } } }));
    const env = { ...home.env, DATABASE_URL: `postgres://app:${PASSWORD}@127.0.0.1:9/app` };
    const exec = run(['exec', 'leaky.md', '--section', 'Check', '--env', 'staging'], env);
    expect(exec.status, exec.stderr).toBe(0);
    const report = run(['report', 'last'], env);
    expect(report.status, report.stderr).toBe(0);
    expect(report.stdout).toContain('Log in as app with');
    expect(report.stdout).not.toContain(PASSWORD);
    expect(report.stdout).not.toContain('s3cr3t-Value-Kept');
  });
});
