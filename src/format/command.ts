// Commands printed for the user (verify, resume, report) must run as printed. After `npm ci` the
// `runbook` binary is only in node_modules/.bin, so there the command is `npx runbook …`; installed
// globally it is on PATH and plain `runbook …` works.

import { existsSync, realpathSync } from 'node:fs';
import { delimiter, join, sep } from 'node:path';

export type Launcher = 'npx' | 'global';

function realpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** The `runbook` found first on PATH, resolved through its symlinks. */
function runbookOnPath(env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'runbook');
    if (existsSync(candidate)) return realpath(candidate);
  }
  return undefined;
}

/**
 * How this process was started. npx (npm exec) marks its children with npm_command=exec; a local
 * node_modules/.bin launcher shows in argv[1]. Otherwise it is global only when the `runbook` on PATH
 * is this very program; anything else (node bin/runbook.js in a checkout) is a local install.
 */
export function detectLauncher(argv: string[] = process.argv, env: NodeJS.ProcessEnv = process.env): Launcher {
  if (env.npm_command === 'exec' || env.npm_lifecycle_event === 'npx') return 'npx';
  const script = argv[1] ?? '';
  if (script.includes(`${sep}node_modules${sep}.bin${sep}`)) return 'npx';
  const self = realpath(script);
  const onPath = runbookOnPath(env);
  return self && onPath && self === onPath ? 'global' : 'npx';
}

let cached: Launcher | undefined;

/** `runbook verify ID` or `npx runbook verify ID`, whichever works where the user is. */
export function runbookCommand(args: string, launcher: Launcher = (cached ??= detectLauncher())): string {
  return `${launcher === 'npx' ? 'npx runbook' : 'runbook'} ${args}`;
}
