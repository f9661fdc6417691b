// Nothing keeps running unrecorded: SIGTERM or SIGHUP to `runbook exec` stops the running action's
// whole process group (a background grandchild too) and writes `interrupted` before exit.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { freshHome } from '../helpers/session.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('runbook exec on SIGTERM / SIGHUP', () => {
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} stops the action's process group and records interrupted`, async () => {
      const home = freshHome();
      const project = join(home.root, 'project');
      mkdirSync(project);
      const pids = join(project, 'pids');
      const file = join(project, 'hang.md');
      writeFileSync(file, `# H\n## Hang\n1. Wait:\n   \`\`\`sh\n   sleep 300 & echo $! > ${pids}; echo started; wait\n   \`\`\`\n`);
      const child = spawn(process.execPath, [BIN, 'exec', file, '--section', 'hang', '--allow-writes'], { cwd: project, env: { ...home.env, DATABASE_URL: 'postgresql://127.0.0.1:1/none' } });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      await until(() => /^started$/m.test(stdout), 'the action to start');
      const sleeper = Number(readFileSync(pids, 'utf8').trim());
      expect(alive(sleeper)).toBe(true);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill(signal);
      const code = await exited;
      expect(code).toBe(signal === 'SIGTERM' ? 143 : 129);
      await until(() => !alive(sleeper), 'the background sleep to be stopped', 5_000);
      const dir = /session (\S+)/.exec(stdout)![1]!;
      const log = readFileSync(join(home.state, 'runbook', 'sessions', dir, 'session.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(log.find((e) => e.type === 'interrupted')).toMatchObject({ action: 'hang/1#1', reason: expect.stringContaining(signal) });
    });
  }
});
