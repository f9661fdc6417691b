// An action whose lines are typed inside an interactive session (a debug pod, a root shell, ssh) is
// refused with one sentence: handed to one local bash, its later lines would act on this machine.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { freshHome, freshProject } from '../helpers/session.js';

let home: ReturnType<typeof freshHome>;
let project: string;

beforeEach(() => {
  ({ home, project } = freshProject());
});

describe('runbook exec and lines typed inside a session', () => {
  it('never runs them here, even with --allow-writes, and says why', () => {
    writeFileSync(
      join(project, 'node.md'),
      ['# Node', '', '## Clean', '', '1. On the node', '   ```console', '   $ oc debug node/master-0', '   sh-4.4# chroot /host', '   sh-4.4# touch typed-inside-marker', '   ```', '', '## Root', '', '1. As root', '   ```sh', '   sudo -i', '   touch root-marker', '   ```', ''].join('\n'),
    );
    const env: NodeJS.ProcessEnv = { ...home.env, PATH: `${join(project, 'bin')}:${process.env.PATH}` };
    delete env.DATABASE_URL;
    const exec = (section: string) => spawnSync(process.execPath, [BIN, 'exec', 'node.md', '--section', section, '--allow-writes'], { cwd: project, env, encoding: 'utf8', input: '', timeout: 120_000 });
    const clean = exec('Clean');
    expect(existsSync(join(project, 'typed-inside-marker'))).toBe(false);
    expect(clean.status).not.toBe(0);
    expect(clean.stdout + clean.stderr).toMatch(/typed inside `oc debug node\/master-0`, an interactive session/);
    expect(clean.stderr).not.toMatch(/\n\s+at /);
    const root = exec('Root');
    expect(existsSync(join(project, 'root-marker'))).toBe(false);
    expect(root.status).not.toBe(0);
    expect(root.stdout + root.stderr).toMatch(/typed inside `sudo -i`/);
  });

  it('sees the opener behind a quoted `<<`, a here-string, a prefix, a list or a comment, and runs nothing', () => {
    const hidden = [
      ['Quoted heredoc', 'echo "a <<END"', 'sudo -i', 'touch MARK'],
      ['Here string', 'grep -q x <<< done', 'sudo -i', 'touch MARK'],
      ['Env prefix', 'env TERM=xterm oc debug node/x', 'touch MARK'],
      ['Chained', 'cd . && sudo -i # root', 'touch MARK'],
      ['Remote', "ssh -t bastion 'sudo -i'", 'touch MARK'],
    ];
    const text = ['# Hidden', ''];
    for (const [title, ...lines] of hidden) text.push(`## ${title}`, '', '1. Go', '   ```sh', ...lines.map((l) => `   ${l}`), '   ```', '');
    writeFileSync(join(project, 'hidden.md'), text.join('\n'));
    const env: NodeJS.ProcessEnv = { ...home.env };
    delete env.DATABASE_URL;
    for (const [title] of hidden) {
      const run = spawnSync(process.execPath, [BIN, 'exec', 'hidden.md', '--section', title!, '--allow-writes'], { cwd: project, env, encoding: 'utf8', input: '', timeout: 120_000 });
      expect(existsSync(join(project, 'MARK')), title).toBe(false);
      expect(run.status, title).toBe(1);
      expect(run.stdout + run.stderr, title).toMatch(/an interactive session/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
