// A command the prose forbids ("Do not run `…`", "Never use `…`") is a warning, not an action: read as
// one, `runbook exec --allow-writes` would run exactly what the author said never to run.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/runbook/parse.js';
import { allActions } from '../../src/runbook/walk.js';
import { BIN } from '../helpers/cli.js';
import { freshProject } from '../helpers/session.js';

const actionsOf = (line: string) => allActions(parseRunbook(`# R\n\n## S\n\n1. ${line}\n`)).map((a) => a.action.code);

describe('forbidden commands in prose', () => {
  it.each([
    ['Do **not** run `kubectl delete namespace prod` here.', []],
    ['Never use `rm -rf /var/lib/postgresql/data` to free space.', []],
    ['Avoid `DROP TABLE users;` at all costs.', []],
    ["Don't `git push --force` to main.", []],
    ['Don’t run `kubectl delete pod api-0`.', []],
    ['You must not run `pg_resetwal -f /data` on a replica.', []],
    ['Instead of `kubectl delete pod x`, prefer `kubectl rollout restart deploy/x`.', ['kubectl rollout restart deploy/x']],
    ['If the pod is not ready, run `kubectl delete pod api-0`.', ['kubectl delete pod api-0']],
    ['Check with `kubectl get pods -n prod`; never `kubectl delete ns prod`.', ['kubectl get pods -n prod']],
    ["Don't forget to run `kubectl rollout restart deploy/api`.", ['kubectl rollout restart deploy/api']],
    ['Do not skip `pg_dump -Fc app -f app.dump` before the upgrade.', ['pg_dump -Fc app -f app.dump']],
    ['Check the pod is not in CrashLoopBackOff with `kubectl get pods -n prod`.', ['kubectl get pods -n prod']],
  ])('%s', (line, expected) => {
    expect(actionsOf(line)).toEqual(expected);
  });

  it('runbook exec --allow-writes runs none of them', () => {
    const { home, project } = freshProject();
    writeFileSync(join(project, 'warn.md'), ['# Warn', '', '## Go', '', '1. Do **not** run `touch MARK` on the primary.', '2. Never use `touch MARK2`.', ''].join('\n'));
    const env: NodeJS.ProcessEnv = { ...home.env };
    delete env.DATABASE_URL;
    const run = spawnSync(process.execPath, [BIN, 'exec', 'warn.md', '--section', 'Go', '--allow-writes'], { cwd: project, env, encoding: 'utf8', input: '', timeout: 120_000 });
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(project, 'MARK'))).toBe(false);
    expect(existsSync(join(project, 'MARK2'))).toBe(false);
  });
});

describe('a fenced block the text before it forbids', () => {
  const fenced = (lead: string, code = 'rm -rf /var/lib/etcd/member') => allActions(parseRunbook(`# R\n\n## S\n\n1. ${lead}\n   \`\`\`sh\n   ${code}\n   \`\`\`\n`)).map((a) => a.action.code);
  const loose = (lead: string, code = 'kubectl delete ns prod') => parseRunbook(`# R\n\n## S\n\n${lead}\n\n\`\`\`sh\n${code}\n\`\`\`\n`);

  it.each([
    'Do not run the following:',
    'Do **NOT** run this on the primary:',
    'Never run these commands in production:',
    "Don't type this:",
    'You should not execute the following unless support asks you to:',
    'Avoid running:',
  ])('%s → a reference, not an action', (lead) => {
    expect(fenced(lead)).toEqual([]);
    const runbook = loose(lead);
    expect(allActions(runbook)).toEqual([]);
  });

  it('the block is still shown as a reference in its step', () => {
    const runbook = parseRunbook('# R\n\n## S\n\n1. Do not run the following:\n   ```sh\n   rm -rf /data\n   ```\n');
    expect(runbook.sections[0]!.steps[0]!.reference).toEqual([{ lang: 'sh', code: 'rm -rf /data', line: 6 }]);
  });

  it.each([
    ["Don't forget to run:", ['rm -rf /var/lib/etcd/member']],
    ['Run the following (do not skip it):', ['rm -rf /var/lib/etcd/member']],
    ['If the member is not healthy, run:', ['rm -rf /var/lib/etcd/member']],
    ['Do not panic. Run:', ['rm -rf /var/lib/etcd/member']],
  ])('%s → still an action', (lead, expected) => {
    expect(fenced(lead)).toEqual(expected);
  });
});
