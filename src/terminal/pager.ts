// Long output in the operator's pager ($PAGER, else less): the full evidence with every escape
// sequence neutralised first, so a hostile output cannot drive the terminal.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { visibleText } from '../components/visible.js';

/** The pager as a command and its arguments: $PAGER split on spaces, else `less`. */
export function pagerCommand(env: NodeJS.ProcessEnv = process.env): { command: string; args: string[] } {
  const words = (env.PAGER ?? '').trim().split(/\s+/).filter(Boolean);
  if (!words.length) return { command: 'less', args: [] };
  return { command: words[0]!, args: words.slice(1) };
}

/**
 * Shows the text in the pager and waits for it to close; the terminal is the pager's meanwhile.
 * Returns an error sentence when the pager could not run.
 */
export function showInPager(text: string, options: { env?: NodeJS.ProcessEnv; title?: string; run?: typeof spawnSync } = {}): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-pager-'));
  const file = join(dir, (options.title ?? 'output').replace(/[^A-Za-z0-9._-]+/g, '-') + '.txt');
  try {
    writeFileSync(file, visibleText(text), { mode: 0o600 });
    const { command, args } = pagerCommand(options.env);
    const result = (options.run ?? spawnSync)(command, [...args, file], { stdio: 'inherit', env: options.env ?? process.env });
    if (result.error) return `The pager (${command}) could not start: ${result.error.message}. Set PAGER to one that exists.`;
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
