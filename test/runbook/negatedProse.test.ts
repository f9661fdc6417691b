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
