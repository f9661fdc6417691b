// The program's entry: `runbook FILE.md` and `runbook DIR/` open the navigator without loading the
// argument parser (its load is a measurable part of the first frame); everything else goes through it.

import { reportFatal } from './errors.js';
import { holdKeys } from './holdKeys.js';

/** The navigator's own fast path: one runbook path and nothing else, or no argument at all. */
function navigatorTarget(argv: string[]): string | undefined {
  if (argv.length === 0) return './runbook/';
  const [arg] = argv;
  if (argv.length === 1 && arg && !arg.startsWith('-') && (/\.(md|markdown|mdown|mkd)$/i.test(arg) || arg.includes('/'))) return arg;
  return undefined;
}

/** Run the CLI; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const target = navigatorTarget(argv);
  if (target === undefined) return (await import('./cli.js')).main(argv);
  try {
    holdKeys();
    // The screens load alongside the command rather than after it: one round of module loading fewer.
    const [{ openCommand }] = await Promise.all([import('./commands/open.js'), import('./tui.js')]);
    await openCommand(target);
    return 0;
  } catch (error) {
    return reportFatal(error);
  }
}
